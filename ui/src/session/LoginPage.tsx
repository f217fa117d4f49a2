import { Alert, Button, Card, Flex, Form, Input, Segmented, Typography } from "antd";
import { LockOutlined, UserOutlined } from "@ant-design/icons";
import { useTranslation } from "react-i18next";
import { api, type DeskConfig, type Session } from "../api";
import { useAttempt } from "../common/useAttempt";
import { ServerUpdate } from "./ServerUpdate";
import type { UiLang } from "../i18n";

export function LoginPage({ onLogin, lang, onLang, desk, notice, onConnection, demo }: {
  onLogin: (s: Session) => void; lang: UiLang; onLang: (l: UiLang) => void;
  /** The database holds the demo data: name its users. */
  demo: boolean;
  /** How this desk works, shown with a way to change it. */
  desk: DeskConfig | null;
  /** Why the last session ended, if it did. */
  notice: string | null;
  onConnection: () => void;
}) {
  const { t } = useTranslation();
  const { busy, error, run } = useAttempt();

  const submit = (v: { login: string; password: string }) =>
    run(async () => onLogin(await api.login(v.login, v.password)));

  return (
    <div className="center-page">
      <Card style={{ width: 380 }} data-testid="login-card">
        <Flex justify="space-between" align="start">
          <Typography.Title level={3} style={{ marginTop: 0 }}>{t("login.title")}</Typography.Title>
          <Segmented size="small" value={lang} onChange={(v) => onLang(v as UiLang)} data-testid="login-lang"
            options={[{ value: "zh-CN", label: <span data-testid="lang-zh">中文</span> }, { value: "en", label: <span data-testid="lang-en">EN</span> }]} />
        </Flex>
        <Typography.Paragraph type="secondary">{t("app.tagline")}</Typography.Paragraph>
        {notice && <Alert type="warning" showIcon title={notice} style={{ marginBottom: 16 }} data-testid="login-notice" />}
        {desk?.mode === "server" && <ServerUpdate />}
        <Form layout="vertical" onFinish={submit} requiredMark={false}>
          <Form.Item name="login" label={t("login.login")} rules={[{ required: true, message: t("login.loginRequired") }]}>
            <Input prefix={<UserOutlined />} autoFocus autoComplete="username" data-testid="login-user" />
          </Form.Item>
          <Form.Item name="password" label={t("login.password")} rules={[{ required: true, message: t("login.passwordRequired") }]}>
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" data-testid="login-password" />
          </Form.Item>
          {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="login-error" />}
          <Button type="primary" htmlType="submit" block loading={busy} data-testid="login-submit">
            {t("login.submit")}
          </Button>
        </Form>
        {demo && (
          <Typography.Paragraph type="secondary" style={{ marginTop: 16, marginBottom: 0, fontSize: 12 }} data-testid="login-demo-hint">
            {t("login.demoHint")}
          </Typography.Paragraph>
        )}
        <Flex justify="space-between" align="center" style={{ marginTop: 12, fontSize: 12 }} data-testid="login-connection">
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t("connect.current")}: {desk?.mode === "server" ? t("connect.currentServer", { address: desk.address }) : t("connect.currentThisPc")}
          </Typography.Text>
          <Button type="link" size="small" onClick={onConnection} data-testid="login-change-connection">{t("connect.change")}</Button>
        </Flex>
      </Card>
    </div>
  );
}
