import { useEffect, useState } from "react";
import { Alert, Button, Flex, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { api } from "../api";
import { useAttempt } from "../common/useAttempt";

/** On a desk connected to an office server: the release the server offers
 * (its administrator published it), with the one click that installs it and
 * restarts. Nothing when the server offers none. */
export function ServerUpdate() {
  const { t } = useTranslation();
  const [version, setVersion] = useState<string | null>(null);
  const { busy, error, run } = useAttempt();

  useEffect(() => {
    let live = true;
    api.serverUpdate().then((v) => { if (live) setVersion(v); }, () => undefined);
    return () => { live = false; };
  }, []);

  if (!version) return null;
  return (
    <Alert type="info" showIcon style={{ marginBottom: 16 }} data-testid="server-update"
      title={t("connect.updateOffered", { version })}
      description={
        <Flex vertical align="start" gap={8} style={{ marginTop: 4 }}>
          <Button size="small" type="primary" loading={busy} data-testid="server-update-install"
            onClick={() => run(() => api.installServerUpdate())}>
            {t("connect.updateInstall")}
          </Button>
          {error && <Typography.Text type="danger" data-testid="server-update-error">{error}</Typography.Text>}
        </Flex>
      } />
  );
}
