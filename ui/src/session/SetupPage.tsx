import { Alert, App, Button, Card, Checkbox, Col, Flex, Form, Input, Row, Segmented, Spin, Typography } from "antd";
import { DatabaseOutlined, UserAddOutlined } from "@ant-design/icons";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useLimits } from "../common/limits";
import { api, type Session } from "../api";
import { describe } from "../common/errors";
import type { UiLang } from "../i18n";
import { RecoveryKeyDialog } from "../settings/Encryption";

/** First start on an empty database: demo data, or a first administrator. */
export function SetupPage({ onDemo, onAdmin, lang, onLang }: {
  onDemo: () => void; onAdmin: (s: Session) => void; lang: UiLang; onLang: (l: UiLang) => void;
}) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState<"demo" | "admin" | null>(null);
  const [error, setError] = useState<string | null>(null);
  // The first administrator, logged in, while the recovery key is shown.
  const [created, setCreated] = useState<{ session: Session; recoveryKey: string } | null>(null);
  const { message } = App.useApp();
  const limits = useLimits();

  const demo = async () => {
    setBusy("demo");
    setError(null);
    try {
      await api.loadDemoData();
      onDemo();
    } catch (e) {
      setError(describe(e).text);
    } finally {
      setBusy(null);
    }
  };
  const admin = async (v: { login: string; name: string; password: string; encrypt: boolean }) => {
    setBusy("admin");
    setError(null);
    try {
      const session = await api.createFirstAdmin(v.login, v.name, v.password);
      if (!v.encrypt) return onAdmin(session);
      try {
        const key = await api.encryptionEnable();
        setCreated({ session, recoveryKey: key.recovery_key });
      } catch (e) {
        // The administrator exists: go on, and say how to encrypt later.
        message.error(t("encryption.failed", { reason: describe(e).text }), 15);
        onAdmin(session);
      }
    } catch (e) {
      setError(describe(e).text);
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className="center-page">
      <div style={{ width: 760 }}>
        <Flex justify="space-between" align="center">
          <Typography.Title level={2}>{t("setup.title")}</Typography.Title>
          <Segmented size="small" value={lang} onChange={(v) => onLang(v as UiLang)}
            options={[{ value: "zh-CN", label: <span data-testid="lang-setup-zh">中文</span> }, { value: "en", label: <span data-testid="lang-setup-en">EN</span> }]} />
        </Flex>
        <Typography.Paragraph type="secondary">{t("setup.intro")}</Typography.Paragraph>
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
        <Row gutter={16}>
          <Col span={12}>
            <Card title={<><DatabaseOutlined /> {t("setup.demo")}</>} style={{ height: "100%" }}>
              <Typography.Paragraph>{t("setup.demoText")}</Typography.Paragraph>
              <Spin spinning={busy === "demo"} description={t("setup.loadingDemo")}>
                <Button type="primary" onClick={demo} disabled={busy !== null} data-testid="setup-demo">
                  {t("setup.demo")}
                </Button>
              </Spin>
            </Card>
          </Col>
          <Col span={12}>
            <Card title={<><UserAddOutlined /> {t("setup.empty")}</>}>
              <Typography.Paragraph>{t("setup.emptyText")}</Typography.Paragraph>
              <Form layout="vertical" onFinish={admin} requiredMark={false} disabled={busy !== null}>
                <Form.Item name="login" label={t("setup.adminLogin")} rules={[{ required: true }]}>
                  <Input autoComplete="username" data-testid="setup-login" />
                </Form.Item>
                <Form.Item name="name" label={t("setup.adminName")} rules={[{ required: true }]}>
                  <Input data-testid="setup-name" />
                </Form.Item>
                <Form.Item name="password" label={t("setup.adminPassword")} rules={[{ required: true, min: limits?.password_min, max: limits?.password_max }]}>
                  <Input.Password autoComplete="new-password" data-testid="setup-password" />
                </Form.Item>
                <Form.Item name="again" label={t("setup.adminPasswordAgain")} dependencies={["password"]}
                  rules={[{ required: true }, ({ getFieldValue }) => ({
                    validator: (_, v) => (v === getFieldValue("password") ? Promise.resolve() : Promise.reject(new Error(t("setup.passwordsDiffer")))),
                  })]}>
                  <Input.Password autoComplete="new-password" data-testid="setup-password-again" />
                </Form.Item>
                <Form.Item name="encrypt" valuePropName="checked" initialValue={true} extra={t("setup.encryptHint")}>
                  <Checkbox data-testid="setup-encrypt">{t("setup.encrypt")}</Checkbox>
                </Form.Item>
                <Button htmlType="submit" loading={busy === "admin"} data-testid="setup-create">{t("setup.create")}</Button>
              </Form>
            </Card>
          </Col>
        </Row>
      </div>
      {created && <RecoveryKeyDialog recoveryKey={created.recoveryKey} onClose={() => onAdmin(created.session)} />}
    </div>
  );
}
