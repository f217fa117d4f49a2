import { Alert, Button, Card, Flex, Input, Typography } from "antd";
import { LockOutlined } from "@ant-design/icons";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../api";
import { useAttempt } from "../common/useAttempt";

/** This PC's database is encrypted and this PC lacks its key (a new
 * keychain, a file brought from another PC): the recovery key from paper
 * opens it, and the key is kept in the keychain from then on. */
export function UnlockPage({ onUnlocked }: { onUnlocked: () => void }) {
  const { t } = useTranslation();
  const [key, setKey] = useState("");
  const { busy, error, run } = useAttempt();
  const unlock = () =>
    run(async () => {
      await api.unlockDatabase(key);
      onUnlocked();
    });
  return (
    <div className="center-page">
      <Card style={{ width: 560 }} data-testid="unlock-card">
        <Typography.Title level={4} style={{ marginTop: 0 }}><LockOutlined /> {t("encryption.unlockTitle")}</Typography.Title>
        <Typography.Paragraph>{t("encryption.unlockText")}</Typography.Paragraph>
        <Flex vertical gap={12}>
          <Input.TextArea value={key} onChange={(e) => setKey(e.target.value)} autoSize={{ minRows: 2 }} spellCheck={false}
            placeholder={t("settings.recoveryKeyPlaceholder")} style={{ fontFamily: "ui-monospace, Menlo, Consolas, monospace" }} data-testid="unlock-key" />
          {error && <Alert type="error" showIcon title={error} data-testid="unlock-error" />}
          <Button type="primary" onClick={unlock} loading={busy} disabled={!key.trim()} data-testid="unlock-submit">{t("encryption.unlock")}</Button>
        </Flex>
      </Card>
    </div>
  );
}
