import { Alert, Button, Form, Input, Modal, Space, Typography } from "antd";
import { LockOutlined } from "@ant-design/icons";
import { useTranslation } from "react-i18next";
import { api, type Session } from "../api";
import { useAttempt } from "../common/useAttempt";

/** Over the window while it is locked: what was on screen stays underneath;
 * the same person's password unlocks it. */
export function LockOverlay({ session, minutes, reason, onUnlocked, onLogout }: {
  session: Session; minutes: number; reason: string | null; onUnlocked: () => void; onLogout: () => void;
}) {
  const { t } = useTranslation();
  const { busy, error, run } = useAttempt();
  const unlock = (v: { password: string }) =>
    run(async () => {
      await api.login(session.login, v.password);
      onUnlocked();
    });
  return (
    <Modal open closable={false} mask={{ closable: false }} keyboard={false} footer={null} width={420}
      title={<><LockOutlined /> {t("lock.title")}</>} data-testid="lock-overlay">
      <Typography.Paragraph>{reason ?? t("lock.text", { minutes, name: session.display_name })}</Typography.Paragraph>
      <Form layout="vertical" onFinish={unlock} requiredMark={false}>
        <Form.Item name="password" label={t("lock.password")} rules={[{ required: true, message: t("login.passwordRequired") }]}>
          <Input.Password autoFocus autoComplete="current-password" data-testid="lock-password" />
        </Form.Item>
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} data-testid="lock-error" />}
        <Space>
          <Button type="primary" htmlType="submit" loading={busy} data-testid="lock-unlock">{t("lock.unlock")}</Button>
          <Button onClick={onLogout} data-testid="lock-logout">{t("lock.logout")}</Button>
        </Space>
      </Form>
    </Modal>
  );
}
