import { App, Button, Card, Checkbox, Col, Flex, Form, Input, InputNumber, Modal, Row, Select, Space, Switch, Table, Tabs, Tag, Typography } from "antd";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { useLimits } from "../common/limits";
import { api, type ApprovalRules, type CustomerTemplates, type Department, type NotificationRules, type NotifyEvent, type Reason, type RecipientKind, type RestoreChoice, type Role, type Template, type UserRow } from "../api";
import { describe } from "../common/errors";
import { moment } from "../common/format";
import { EncryptionCard } from "./Encryption";
import { NoticeSettings } from "../notices/NoticeSettings";

const ROLES: Role[] = ["clerk", "manager", "admin"];
const EVENTS: NotifyEvent[] = ["cancel_requested", "cancel_approved", "cancel_rejected", "cancelled", "archived", "reassigned", "status_changed"];
const KINDS: RecipientKind[] = ["handler", "watchers", "sales_rep", "department_managers", "customer"];

/** Runs a settings change, says how it went, refreshes the settings. */
function useSave() {
  const { message } = App.useApp();
  const { t } = useTranslation();
  const qc = useQueryClient();
  return async (f: () => Promise<unknown>) => {
    try {
      await f();
      message.success(t("settings.saved"));
      await qc.invalidateQueries({ queryKey: ["settings"] });
      return true;
    } catch (e) {
      message.error(describe(e).text);
      return false;
    }
  };
}

export function Users({ departments }: { departments: Department[] }) {
  const { t, i18n } = useTranslation();
  const save = useSave();
  const users = useQuery({ queryKey: ["settings", "users"], queryFn: api.users });
  const limits = useLimits();
  const [creating, setCreating] = useState(false);
  const [resetting, setResetting] = useState<string | null>(null);
  const [form] = Form.useForm();
  const [pw] = Form.useForm();
  const deptName = (id: number) => departments.find((d) => d.id === id)?.[i18n.language === "zh-CN" ? "name_zh" : "name_en"] ?? id;
  const change = (u: UserRow, patch: Partial<UserRow>) =>
    save(() => api.updateUser({ login: u.login, role: patch.role ?? u.role, department_id: patch.department_id ?? u.department_id, active: patch.active ?? u.active }));
  return (
    <>
      <Flex justify="end" style={{ marginBottom: 12 }}><Button type="primary" onClick={() => setCreating(true)} data-testid="user-new">{t("settings.newUser")}</Button></Flex>
      <Table<UserRow> size="small" rowKey="login" loading={users.isLoading} dataSource={users.data ?? []} pagination={{ pageSize: 50, hideOnSinglePage: true }}
        columns={[
          { title: t("login.login"), dataIndex: "login" },
          { title: t("setup.adminName"), dataIndex: "display_name" },
          { title: t("settings.role"), render: (_, u) => <Select size="small" value={u.role} style={{ width: 110 }} onChange={(role) => change(u, { role })} options={ROLES.map((r) => ({ value: r, label: t(`settings.roles.${r}`) }))} /> },
          { title: t("orders.department"), render: (_, u) => <Select size="small" value={u.department_id} style={{ width: 150 }} onChange={(department_id) => change(u, { department_id })} options={departments.map((d) => ({ value: d.id, label: deptName(d.id) }))} /> },
          { title: t("settings.active"), render: (_, u) => <Switch size="small" checked={u.active} onChange={(active) => change(u, { active })} /> },
          { title: "", render: (_, u) => (
            <Space>
              {u.locked && <Tag color="orange">{t("settings.locked")}</Tag>}
              {u.locked && <Button size="small" onClick={() => save(() => api.unlockUser(u.login))} data-testid={`unlock-${u.login}`}>{t("settings.unlock")}</Button>}
              <Button size="small" onClick={() => setResetting(u.login)}>{t("settings.resetPassword")}</Button>
            </Space>
          ) },
        ]} />
      <Modal open={creating} title={t("settings.newUser")} okButtonProps={{ "data-testid": "user-ok" } as never} onCancel={() => setCreating(false)} onOk={async () => {
        const v = await form.validateFields();
        if (await save(() => api.createUser(v))) { setCreating(false); form.resetFields(); }
      }}>
        <Form form={form} layout="vertical" initialValues={{ role: "clerk", department_id: departments[0]?.id }}>
          <Form.Item name="login" label={t("login.login")} rules={[{ required: true, pattern: /^[a-z0-9._-]{2,40}$/ }]}><Input data-testid="user-login" /></Form.Item>
          <Form.Item name="display_name" label={t("setup.adminName")} rules={[{ required: true }]}><Input data-testid="user-display-name" /></Form.Item>
          <Form.Item name="role" label={t("settings.role")}><Select options={ROLES.map((r) => ({ value: r, label: t(`settings.roles.${r}`) }))} /></Form.Item>
          <Form.Item name="department_id" label={t("orders.department")}><Select data-testid="user-department" options={departments.map((d) => ({ value: d.id, label: String(deptName(d.id)) }))} /></Form.Item>
          <Form.Item name="password" label={t("setup.adminPassword")} rules={[{ required: true, min: limits?.password_min, max: limits?.password_max }]}><Input.Password data-testid="user-password" /></Form.Item>
        </Form>
      </Modal>
      <Modal open={resetting !== null} title={`${t("settings.resetPassword")} ${resetting ?? ""}`} onCancel={() => setResetting(null)} onOk={async () => {
        const v = await pw.validateFields();
        if (resetting && (await save(() => api.resetPassword(resetting, v.password)))) { setResetting(null); pw.resetFields(); }
      }}>
        <Form form={pw} layout="vertical"><Form.Item name="password" label={t("setup.adminPassword")} rules={[{ required: true, min: limits?.password_min, max: limits?.password_max }]}><Input.Password /></Form.Item></Form>
      </Modal>
    </>
  );
}

export function Departments({ departments }: { departments: Department[] }) {
  const { t } = useTranslation();
  const save = useSave();
  const qc = useQueryClient();
  const [editing, setEditing] = useState<Department | "new" | null>(null);
  const [form] = Form.useForm();
  useEffect(() => form.setFieldsValue(editing && editing !== "new" ? editing : { name_zh: "", name_en: "" }), [editing, form]);
  return (
    <>
      <Flex justify="end" style={{ marginBottom: 12 }}><Button type="primary" onClick={() => setEditing("new")} data-testid="department-new">{t("settings.newDepartment")}</Button></Flex>
      <Table<Department> size="small" rowKey="id" dataSource={departments} pagination={false}
        columns={[{ title: "中文", dataIndex: "name_zh" }, { title: "English", dataIndex: "name_en" }, { title: "", render: (_, d) => <Button size="small" onClick={() => setEditing(d)}>{t("settings.rename")}</Button> }]} />
      <Modal open={editing !== null} title={editing === "new" ? t("settings.newDepartment") : t("settings.rename")} okButtonProps={{ "data-testid": "department-ok" } as never} onCancel={() => setEditing(null)} onOk={async () => {
        const v = await form.validateFields();
        const ok = await save(() => (editing === "new" ? api.createDepartment(v.name_zh, v.name_en) : api.renameDepartment((editing as Department).id, v.name_zh, v.name_en)));
        if (ok) { setEditing(null); void qc.invalidateQueries({ queryKey: ["departments"] }); }
      }}>
        <Form form={form} layout="vertical">
          <Form.Item name="name_zh" label="中文" rules={[{ required: true }]}><Input data-testid="department-zh" /></Form.Item>
          <Form.Item name="name_en" label="English" rules={[{ required: true }]}><Input data-testid="department-en" /></Form.Item>
        </Form>
      </Modal>
    </>
  );
}

function Reasons() {
  const { t } = useTranslation();
  const save = useSave();
  const qc = useQueryClient();
  const reasons = useQuery({ queryKey: ["reasons"], queryFn: api.reasons });
  const [editing, setEditing] = useState<Reason | null>(null);
  const [form] = Form.useForm<Reason>();
  useEffect(() => form.setFieldsValue(editing ?? { code: "", label_zh: "", label_en: "", active: true }), [editing, form]);
  const store = async (r: Reason) => {
    const ok = await save(() => api.saveReason(r));
    void qc.invalidateQueries({ queryKey: ["reasons"] });
    return ok;
  };
  return (
    <>
      <Flex justify="end" style={{ marginBottom: 12 }}><Button type="primary" onClick={() => setEditing({ code: "", label_zh: "", label_en: "", active: true })}>{t("settings.newReason")}</Button></Flex>
      <Table<Reason> size="small" rowKey="code" dataSource={reasons.data ?? []} pagination={false}
        columns={[
          { title: t("settings.code"), dataIndex: "code" }, { title: "中文", dataIndex: "label_zh" }, { title: "English", dataIndex: "label_en" },
          { title: t("settings.active"), render: (_, r) => <Switch size="small" checked={r.active} onChange={(active) => void store({ ...r, active })} /> },
          { title: "", render: (_, r) => <Button size="small" onClick={() => setEditing(r)}>{t("settings.rename")}</Button> },
        ]} />
      <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>{t("settings.reasonsNote")}</Typography.Paragraph>
      <Modal open={editing !== null} title={t("settings.newReason")} onCancel={() => setEditing(null)} onOk={async () => {
        const v = await form.validateFields();
        if (await store({ ...v, active: editing?.active ?? true })) setEditing(null);
      }}>
        <Form form={form} layout="vertical">
          <Form.Item name="code" label={t("settings.code")} rules={[{ required: true, pattern: /^[a-z0-9_]{1,40}$/ }]}><Input disabled={!!editing?.code} /></Form.Item>
          <Form.Item name="label_zh" label="中文" rules={[{ required: true }]}><Input /></Form.Item>
          <Form.Item name="label_en" label="English" rules={[{ required: true }]}><Input /></Form.Item>
        </Form>
      </Modal>
    </>
  );
}

function Approval() {
  const { t } = useTranslation();
  const save = useSave();
  const rules = useQuery({ queryKey: ["settings", "approval"], queryFn: api.approvalRules });
  const [form] = Form.useForm();
  useEffect(() => {
    if (rules.data) form.setFieldsValue({ ...rules.data, threshold: rules.data.threshold_minor === null ? null : rules.data.threshold_minor / 100 });
  }, [rules.data, form]);
  return (
    <Card style={{ maxWidth: 620 }}>
      <Form form={form} layout="vertical" onFinish={(v) => save(() => api.setApprovalRules({
        threshold_minor: v.threshold === null || v.threshold === undefined ? null : Math.round(v.threshold * 100),
        invoiced_needs_approval: !!v.invoiced_needs_approval,
        roles_without_approval: v.roles_without_approval ?? [],
      } as ApprovalRules))}>
        <Form.Item name="threshold" label={t("settings.threshold")} extra={t("settings.thresholdHint")}>
          <InputNumber min={0} step={1000} style={{ width: 220 }} prefix="¥" data-testid="rules-threshold" />
        </Form.Item>
        <Form.Item name="invoiced_needs_approval" label={t("settings.invoiced")} valuePropName="checked"><Switch /></Form.Item>
        <Form.Item name="roles_without_approval" label={t("settings.exempt")}>
          <Checkbox.Group options={ROLES.map((r) => ({ value: r, label: t(`settings.roles.${r}`) }))} />
        </Form.Item>
        <Button type="primary" htmlType="submit" data-testid="rules-save">{t("settings.save")}</Button>
      </Form>
    </Card>
  );
}

/** How long a window may sit idle before it locks (the core checks the range). */
function Security() {
  const { t } = useTranslation();
  const save = useSave();
  const rules = useQuery({ queryKey: ["settings", "session-rules"], queryFn: api.sessionRules });
  const [form] = Form.useForm();
  useEffect(() => {
    if (rules.data) form.setFieldsValue(rules.data);
  }, [rules.data, form]);
  return (
    <Flex vertical gap={16}>
      <Card style={{ maxWidth: 620 }}>
        <Form form={form} layout="vertical" onFinish={(v) => save(() => api.setSessionRules({ idle_lock_minutes: Number(v.idle_lock_minutes) }))}>
          <Form.Item name="idle_lock_minutes" label={t("settings.idleLock")} extra={t("settings.idleLockHint")}>
            <InputNumber min={1} step={5} style={{ width: 160 }} data-testid="idle-minutes" />
          </Form.Item>
          <Button type="primary" htmlType="submit" data-testid="security-save">{t("settings.save")}</Button>
        </Form>
      </Card>
      <EncryptionCard />
    </Flex>
  );
}

function Notifications() {
  const { t } = useTranslation();
  const save = useSave();
  const rules = useQuery({ queryKey: ["settings", "notifications"], queryFn: api.notificationRules });
  const templates = useQuery({ queryKey: ["settings", "templates"], queryFn: api.templates });
  const users = useQuery({ queryKey: ["settings", "users"], queryFn: api.users });
  const [matrix, setMatrix] = useState<NotificationRules | null>(null);
  const [tpl, setTpl] = useState<CustomerTemplates | null>(null);
  const [preview, setPreview] = useState<Template | null>(null);
  useEffect(() => setMatrix(rules.data ?? null), [rules.data]);
  useEffect(() => setTpl(templates.data ?? null), [templates.data]);
  if (!matrix || !tpl) return null;
  const rule = (e: NotifyEvent) => matrix[e] ?? { kinds: [], users: [] };
  const toggle = (e: NotifyEvent, k: RecipientKind, on: boolean) => {
    const r = rule(e);
    setMatrix({ ...matrix, [e]: { ...r, kinds: on ? [...r.kinds, k] : r.kinds.filter((x) => x !== k) } });
  };
  return (
    <Flex vertical gap={16}>
      <Card title={t("settings.matrix")} size="small" extra={<Button type="primary" onClick={() => save(() => api.setNotificationRules(matrix))}>{t("settings.save")}</Button>}>
        <Table size="small" rowKey={(e) => e} dataSource={EVENTS} pagination={false}
          columns={[
            { title: "", render: (_, e) => t(`settings.events.${e}`) },
            ...KINDS.map((k) => ({ title: t(`settings.kinds.${k}`), align: "center" as const, render: (_: unknown, e: NotifyEvent) => <Checkbox checked={rule(e).kinds.includes(k)} onChange={(x) => toggle(e, k, x.target.checked)} /> })),
            { title: t("settings.specificUsers"), render: (_, e) => (
              <Select mode="multiple" size="small" style={{ minWidth: 180 }} value={rule(e).users} onChange={(v) => setMatrix({ ...matrix, [e]: { ...rule(e), users: v } })}
                options={(users.data ?? []).map((u) => ({ value: u.login, label: u.login }))} />
            ) },
          ]} />
      </Card>
      <Card title={t("settings.templates")} size="small" extra={<Button type="primary" onClick={() => save(() => api.setTemplates(tpl))}>{t("settings.save")}</Button>}>
        <Row gutter={16}>
          {(["zh", "en"] as const).map((l) => (
            <Col span={12} key={l}>
              <Typography.Text strong>{l === "zh" ? "中文" : "English"}</Typography.Text>
              <Input style={{ margin: "6px 0" }} value={tpl[l].subject} onChange={(e) => setTpl({ ...tpl, [l]: { ...tpl[l], subject: e.target.value } })} />
              <Input.TextArea rows={7} value={tpl[l].body} onChange={(e) => setTpl({ ...tpl, [l]: { ...tpl[l], body: e.target.value } })} />
              <Button size="small" style={{ marginTop: 6 }} onClick={async () => setPreview(await api.previewTemplate(tpl[l], l === "zh" ? "zh-CN" : "en"))}>{t("settings.preview")}</Button>
            </Col>
          ))}
        </Row>
        <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>{t("settings.placeholders")}</Typography.Paragraph>
        {preview && <pre className="notice">{preview.subject}{"\n\n"}{preview.body}</pre>}
      </Card>
    </Flex>
  );
}

function Backups() {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const save = useSave();
  const list = useQuery({ queryKey: ["settings", "backups"], queryFn: api.backups });
  // Asked first: everyone is logged out, and what was entered since the
  // backup is gone from the orders (the database as it is now is kept).
  const restore = (choice: RestoreChoice, name: string) => {
    // Only a backup of another, encrypted database needs it (from paper).
    let recoveryKey = "";
    modal.confirm({
      title: choice.from === "backup" ? t("settings.restoreTitle", { name }) : t("settings.restoreFileTitle"),
      width: 560,
      content: (
        <Flex vertical gap={12}>
          <Typography.Text>{t("settings.restoreText")}</Typography.Text>
          <Typography.Text type="secondary">{t("settings.recoveryKey")}</Typography.Text>
          <Input placeholder={t("settings.recoveryKeyPlaceholder")} onChange={(e) => { recoveryKey = e.target.value; }}
            autoComplete="off" spellCheck={false} data-testid="restore-recovery-key" />
        </Flex>
      ),
      okText: choice.from === "backup" ? t("settings.restore") : t("settings.restoreChoose"),
      okButtonProps: { danger: true, "data-testid": "restore-confirm" } as never,
      onOk: async () => {
        try {
          const report = await api.restore(choice, recoveryKey.trim() || null);
          // Every session has ended: the login page follows with the reason.
          if (report) message.success(t("settings.restored", { name: report.restored_from, kept: report.previous_kept_at }), 10);
        } catch (e) {
          message.error(describe(e).text, 10);
        }
      },
    });
  };
  return (
    <Flex vertical gap={12}>
      <Flex justify="space-between" align="center">
        <Typography.Text type="secondary">{t("settings.backupsNote")}</Typography.Text>
        <Space>
          <Button danger onClick={() => restore({ from: "file" }, "")} data-testid="restore-file">{t("settings.restoreFile")}</Button>
          <Button type="primary" onClick={() => save(() => api.backupNow())} data-testid="backup-now">{t("settings.backupNow")}</Button>
        </Space>
      </Flex>
      <Table size="small" rowKey="path" dataSource={list.data ?? []} pagination={false} data-testid="backups-table"
        columns={[{ title: t("settings.file"), dataIndex: "name" }, { title: t("settings.when"), dataIndex: "at", render: moment },
          { title: t("settings.size"), dataIndex: "size_bytes", align: "right", render: (b: number) => `${(b / 1048576).toFixed(1)} MB` },
          { title: "", width: 110, render: (_, b) => (
            <Button size="small" onClick={() => restore({ from: "backup", name: b.name }, b.name)} data-testid={`restore-${b.name}`}>{t("settings.restore")}</Button>
          ) }]} />
    </Flex>
  );
}

function Log() {
  const { t } = useTranslation();
  const log = useQuery({ queryKey: ["settings", "log"], queryFn: api.settingsLog });
  return (
    <Table size="small" rowKey="id" dataSource={log.data ?? []} pagination={{ pageSize: 15 }}
      columns={[{ title: t("settings.when"), dataIndex: "at", render: moment, width: 170 }, { title: t("settings.who"), dataIndex: "actor", width: 100 },
        { title: t("settings.what"), dataIndex: "kind", width: 170, render: (k: string) => t(`settings.logKinds.${k}`, { defaultValue: k }) }, { title: "", dataIndex: "subject" }]} />
  );
}

/** The administrator's settings. Every change is logged and reaches every window at once. */
export function SettingsPage() {
  const { t } = useTranslation();
  const departments = useQuery({ queryKey: ["departments"], queryFn: api.departments });
  const d = departments.data ?? [];
  return (
    <Flex vertical style={{ height: "100%", overflow: "auto" }}>
      <Typography.Title level={4} style={{ marginTop: 0 }}>{t("settings.title")}</Typography.Title>
      <Tabs items={[
        { key: "users", label: t("settings.users"), children: <Users departments={d} /> },
        { key: "departments", label: t("settings.departments"), children: <Departments departments={d} /> },
        { key: "reasons", label: t("settings.reasons"), children: <Reasons /> },
        { key: "approval", label: <span data-testid="tab-approval">{t("settings.approval")}</span>, children: <Approval /> },
        { key: "notifications", label: t("settings.notifications"), children: <Notifications /> },
        { key: "notices", label: <span data-testid="tab-notices">{t("notices.title")}</span>, children: <NoticeSettings /> },
        { key: "security", label: <span data-testid="tab-security">{t("settings.security")}</span>, children: <Security /> },
        { key: "backups", label: <span data-testid="tab-backups">{t("settings.backups")}</span>, children: <Backups /> },
        { key: "log", label: t("settings.log"), children: <Log /> },
      ]} />
    </Flex>
  );
}
