import { App, Alert, Button, Card, Checkbox, Flex, Modal, Tag, Typography } from "antd";
import { LockOutlined, UnlockOutlined } from "@ant-design/icons";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../api";
import { describe } from "../common/errors";

/** The recovery key, shown once: it cannot be closed before the person says
 * they wrote it down. */
export function RecoveryKeyDialog({ recoveryKey, onClose }: { recoveryKey: string; onClose: () => void }) {
  const { t } = useTranslation();
  const [written, setWritten] = useState(false);
  return (
    <Modal open title={t("encryption.recoveryTitle")} closable={false} maskClosable={false} keyboard={false} width={620}
      footer={<Button type="primary" disabled={!written} onClick={onClose} data-testid="recovery-done">{t("encryption.done")}</Button>}>
      <Typography.Paragraph>{t("encryption.recoveryText")}</Typography.Paragraph>
      <Typography.Paragraph copyable={{ text: recoveryKey }} data-testid="recovery-key"
        style={{ fontFamily: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace", fontSize: 17, letterSpacing: 1, padding: "12px 16px", background: "#f5f7fa", borderRadius: 6 }}>
        {recoveryKey}
      </Typography.Paragraph>
      <Alert type="warning" showIcon title={t("encryption.recoveryWarning")} style={{ marginBottom: 16 }} />
      <Checkbox checked={written} onChange={(e) => setWritten(e.target.checked)}><span data-testid="recovery-written">{t("encryption.written")}</span></Checkbox>
    </Modal>
  );
}

/** Settings → Security: whether the database is encrypted, and encrypting it. */
export function EncryptionCard() {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const qc = useQueryClient();
  const status = useQuery({ queryKey: ["settings", "encryption"], queryFn: api.encryptionStatus });
  const [recovery, setRecovery] = useState<string | null>(null);
  const encrypted = status.data?.encrypted ?? false;
  const encrypt = () =>
    modal.confirm({
      title: t("encryption.confirmTitle"),
      content: t("encryption.confirmText"),
      okText: t("encryption.encrypt"),
      okButtonProps: { "data-testid": "encrypt-confirm" } as never,
      onOk: async () => {
        try {
          const key = await api.encryptionEnable();
          setRecovery(key.recovery_key);
          await qc.invalidateQueries({ queryKey: ["settings", "encryption"] });
        } catch (e) {
          message.error(describe(e).text, 10);
        }
      },
    });
  return (
    <Card style={{ maxWidth: 620 }} title={t("encryption.title")} size="small" data-testid="encryption-card"
      extra={status.data && (encrypted
        ? <Tag color="green" icon={<LockOutlined />} data-testid="encryption-on">{t("encryption.on")}</Tag>
        : <Tag icon={<UnlockOutlined />} data-testid="encryption-off">{t("encryption.off")}</Tag>)}>
      <Flex vertical gap={12} align="start">
        <Typography.Text type="secondary">{encrypted ? t("encryption.onText") : t("encryption.offText")}</Typography.Text>
        {!encrypted && status.data && <Button onClick={encrypt} data-testid="encrypt">{t("encryption.encrypt")}</Button>}
      </Flex>
      {recovery && <RecoveryKeyDialog recoveryKey={recovery} onClose={() => setRecovery(null)} />}
    </Card>
  );
}
