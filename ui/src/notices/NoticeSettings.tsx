import { Alert, App, Button, Card, Flex, Form, Input, InputNumber, Select, Space, Tag, Typography } from "antd";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, type Company, type MailSecurity, type MailSettings } from "../api";
import { describe } from "../common/errors";

/** Mail providers offices here use, with what they need. */
const PRESETS: { key: string; host: string; port: number; security: MailSecurity; authCode: boolean }[] = [
  { key: "qq", host: "smtp.qq.com", port: 465, security: "ssl", authCode: true },
  { key: "163", host: "smtp.163.com", port: 465, security: "ssl", authCode: true },
  { key: "exmail", host: "smtp.exmail.qq.com", port: 465, security: "ssl", authCode: false },
  { key: "outlook", host: "smtp.office365.com", port: 587, security: "starttls", authCode: false },
];

type MailForm = MailSettings & { password?: string };

/** Settings → Customer notices: the mail server (with presets and a test
 * send) and the letterhead of the printed notice. */
export function NoticeSettings() {
  return (
    <Flex vertical gap={16}>
      <MailCard />
      <CompanyCard />
    </Flex>
  );
}

function MailCard() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const setup = useQuery({ queryKey: ["settings", "mail"], queryFn: api.mail });
  const [form] = Form.useForm<MailForm>();
  const [preset, setPreset] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [to, setTo] = useState("");
  const [test, setTest] = useState<{ ok: boolean; text: string } | null>(null);
  const [testing, setTesting] = useState(false);
  useEffect(() => {
    if (setup.data) form.setFieldsValue({ ...setup.data.settings, port: setup.data.settings.port || 465, password: "" });
  }, [setup.data, form]);
  const chosen = PRESETS.find((p) => p.key === preset);

  const applyPreset = (key: string) => {
    setPreset(key);
    const p = PRESETS.find((x) => x.key === key);
    if (p) form.setFieldsValue({ host: p.host, port: p.port, security: p.security });
  };
  const save = async (v: MailForm) => {
    setSaving(true);
    try {
      const { password, ...settings } = v;
      await api.setMail({ ...settings, port: Number(settings.port), user: settings.user ?? "", from_name: settings.from_name ?? "", reply_to: settings.reply_to ?? "" },
        password ? password : null);
      message.success(t("settings.saved"));
      form.setFieldValue("password", "");
      await qc.invalidateQueries({ queryKey: ["settings", "mail"] });
      await qc.invalidateQueries({ queryKey: ["outbox"] });
    } catch (e) {
      message.error(describe(e).text, 8);
    } finally {
      setSaving(false);
    }
  };
  const sendTest = async () => {
    setTesting(true);
    setTest(null);
    try {
      const answer = await api.testMail(to.trim());
      setTest({ ok: true, text: t("mail.testSent", { to: to.trim(), answer }) });
    } catch (e) {
      setTest({ ok: false, text: describe(e).text });
    } finally {
      setTesting(false);
    }
  };

  const s = setup.data;
  return (
    <Card style={{ maxWidth: 720 }} size="small" title={t("mail.title")} data-testid="mail-card"
      extra={s && (s.configured ? <Tag color="green">{t("mail.ready")}</Tag> : <Tag color="orange">{t("mail.notSet", { count: s.waiting })}</Tag>)}>
      <Typography.Paragraph type="secondary">{t("mail.intro")}</Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={(v) => void save(v)} requiredMark={false}>
        <Form.Item label={t("mail.preset")}>
          <Select placeholder={t("mail.presetPlaceholder")} value={preset} onChange={applyPreset} style={{ width: 280 }} data-testid="mail-preset"
            options={PRESETS.map((p) => ({ value: p.key, label: t(`mail.presets.${p.key}`) }))} />
        </Form.Item>
        {chosen?.authCode && <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t("mail.authCode")} data-testid="mail-authcode-hint" />}
        {chosen?.key === "outlook" && <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t("mail.outlookHint")} />}
        <Space.Compact block style={{ gap: 12 }}>
          <Form.Item name="host" label={t("mail.host")} rules={[{ required: true }]} style={{ flex: 1 }}>
            <Input placeholder="smtp.example.com" data-testid="mail-host" />
          </Form.Item>
          <Form.Item name="port" label={t("mail.port")} rules={[{ required: true }]}>
            <InputNumber min={1} max={65535} style={{ width: 110 }} data-testid="mail-port" />
          </Form.Item>
          <Form.Item name="security" label={t("mail.security")} rules={[{ required: true }]}>
            <Select style={{ width: 200 }} data-testid="mail-security" options={(["ssl", "starttls", "none"] as const).map((v) => ({ value: v, label: t(`mail.securities.${v}`) }))} />
          </Form.Item>
        </Space.Compact>
        <Space.Compact block style={{ gap: 12 }}>
          <Form.Item name="user" label={t("mail.user")} style={{ flex: 1 }}>
            <Input autoComplete="off" data-testid="mail-user" />
          </Form.Item>
          <Form.Item name="password" label={chosen?.authCode ? t("mail.authCodeLabel") : t("mail.password")} style={{ flex: 1 }}
            extra={s?.password_set ? t(s.password_kept === "keychain" ? "mail.keptKeychain" : "mail.keptFile") : t("mail.passwordNone")}>
            <Input.Password autoComplete="new-password" placeholder={s?.password_set ? "••••••••" : ""} data-testid="mail-password" />
          </Form.Item>
        </Space.Compact>
        <Space.Compact block style={{ gap: 12 }}>
          <Form.Item name="from_name" label={t("mail.fromName")} style={{ flex: 1 }}>
            <Input data-testid="mail-from-name" />
          </Form.Item>
          <Form.Item name="from_address" label={t("mail.from")} rules={[{ required: true }]} style={{ flex: 1 }}>
            <Input placeholder="orders@example.com" data-testid="mail-from" />
          </Form.Item>
        </Space.Compact>
        <Form.Item name="reply_to" label={t("mail.replyTo")} extra={t("mail.replyToHint")}>
          <Input style={{ maxWidth: 340 }} data-testid="mail-reply-to" />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={saving} data-testid="mail-save">{t("settings.save")}</Button>
      </Form>
      <Flex vertical gap={8} style={{ marginTop: 20, paddingTop: 16, borderTop: "1px solid var(--border)" }}>
        <Typography.Text strong>{t("mail.testTitle")}</Typography.Text>
        <Space.Compact style={{ maxWidth: 460 }}>
          <Input placeholder={t("mail.testTo")} value={to} onChange={(e) => setTo(e.target.value)} data-testid="mail-test-to" />
          <Button onClick={() => void sendTest()} loading={testing} disabled={!to.trim() || !s?.configured} data-testid="mail-test-send">{t("mail.testSend")}</Button>
        </Space.Compact>
        {test && <Alert type={test.ok ? "success" : "error"} showIcon title={test.text} data-testid="mail-test-result" />}
      </Flex>
    </Card>
  );
}

function CompanyCard() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const company = useQuery({ queryKey: ["settings", "company"], queryFn: api.company });
  const [form] = Form.useForm<Company>();
  useEffect(() => {
    if (company.data) form.setFieldsValue(company.data);
  }, [company.data, form]);
  const save = async (v: Company) => {
    try {
      await api.setCompany({ name_zh: v.name_zh ?? "", name_en: v.name_en ?? "", address_zh: v.address_zh ?? "", address_en: v.address_en ?? "", phone: v.phone ?? "" });
      message.success(t("settings.saved"));
      await qc.invalidateQueries({ queryKey: ["settings", "company"] });
    } catch (e) {
      message.error(describe(e).text, 8);
    }
  };
  return (
    <Card style={{ maxWidth: 720 }} size="small" title={t("mail.letterhead")} data-testid="company-card">
      <Typography.Paragraph type="secondary">{t("mail.letterheadHint")}</Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={(v) => void save(v)}>
        <Space.Compact block style={{ gap: 12 }}>
          <Form.Item name="name_zh" label={t("mail.companyZh")} style={{ flex: 1 }}><Input data-testid="company-name-zh" /></Form.Item>
          <Form.Item name="name_en" label={t("mail.companyEn")} style={{ flex: 1 }}><Input data-testid="company-name-en" /></Form.Item>
        </Space.Compact>
        <Space.Compact block style={{ gap: 12 }}>
          <Form.Item name="address_zh" label={t("mail.addressZh")} style={{ flex: 1 }}><Input /></Form.Item>
          <Form.Item name="address_en" label={t("mail.addressEn")} style={{ flex: 1 }}><Input /></Form.Item>
        </Space.Compact>
        <Form.Item name="phone" label={t("mail.phone")}><Input style={{ maxWidth: 240 }} /></Form.Item>
        <Button type="primary" htmlType="submit" data-testid="company-save">{t("settings.save")}</Button>
      </Form>
    </Card>
  );
}
