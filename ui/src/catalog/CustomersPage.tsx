import { App, Button, Checkbox, Drawer, Flex, Form, Input, Popconfirm, Radio, Space, Table, Tag, Timeline, Typography } from "antd";
import { PlusOutlined } from "@ant-design/icons";
import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useLimits } from "../common/limits";
import { api, type CustomerInput, type CustomerRecord } from "../api";
import { describe } from "../common/errors";
import { moment } from "../common/format";
import { isManager, useSession } from "../common/session";
import { useWindowHeight } from "../common/useWindowHeight";
import { customersKey } from "./pickers";
import { ChangeLine } from "./history";

const PAGE_ROWS = 200;

/** The site's customers: found as order search finds them (code, name, pinyin
 * initials); managers and administrators create, edit, deactivate. */
export function CustomersPage() {
  const { t } = useTranslation();
  const session = useSession();
  const height = useWindowHeight();
  const [text, setText] = useState("");
  const [all, setAll] = useState(false);
  const [open, setOpen] = useState<CustomerRecord | "new" | null>(null);
  const found = useQuery({ queryKey: customersKey(text, all), queryFn: () => api.customersFind(text, all, PAGE_ROWS), placeholderData: keepPreviousData });
  const editor = isManager(session);
  return (
    <Flex vertical gap={12} style={{ height: "100%" }}>
      <Flex justify="space-between" align="center" gap={12}>
        <Typography.Title level={4} style={{ margin: 0 }}>{t("own.customers")}</Typography.Title>
        {editor && <Button type="primary" icon={<PlusOutlined />} onClick={() => setOpen("new")} data-testid="customer-new">{t("own.newCustomer")}</Button>}
      </Flex>
      <Flex gap={12} align="center">
        <Input.Search allowClear autoFocus placeholder={t("own.customerSearch")} onChange={(e) => setText(e.target.value)} style={{ maxWidth: 420 }} data-testid="customer-search" />
        <Checkbox checked={all} onChange={(e) => setAll(e.target.checked)}>{t("own.showInactive")}</Checkbox>
      </Flex>
      <Table<CustomerRecord> size="small" rowKey="id" loading={found.isLoading} dataSource={found.data ?? []} data-testid="customer-list"
        pagination={false} scroll={{ y: height - 260 }}
        onRow={(c) => ({ onClick: () => setOpen(c), style: { cursor: "pointer" } })}
        locale={{ emptyText: text ? t("own.noneFound") : t("own.noCustomersYet") }}
        columns={[
          { title: t("own.code"), dataIndex: "code", width: 110 },
          { title: t("orders.customer"), render: (_, c) => <>{c.name}{c.name_latin && <Typography.Text type="secondary"> · {c.name_latin}</Typography.Text>}</>, ellipsis: true },
          { title: t("own.contact"), dataIndex: "contact", width: 110, ellipsis: true },
          { title: t("own.phone"), dataIndex: "phone", width: 140 },
          { title: t("own.email"), dataIndex: "email", width: 200, ellipsis: true },
          { title: "", width: 80, render: (_, c) => (c.active ? null : <Tag>{t("own.inactive")}</Tag>) },
        ]}
      />
      {found.data && found.data.length === PAGE_ROWS && <Typography.Text type="secondary">{t("own.narrowDown", { count: PAGE_ROWS })}</Typography.Text>}
      {open && <CustomerDrawer customer={open === "new" ? null : open} editor={editor} onClose={() => setOpen(null)} />}
    </Flex>
  );
}

function CustomerDrawer({ customer, editor, onClose }: { customer: CustomerRecord | null; editor: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<CustomerInput>();
  const [saving, setSaving] = useState(false);
  const limits = useLimits();
  const history = useQuery({ queryKey: ["customers", "history", customer?.id], queryFn: () => api.customerHistory(customer!.id), enabled: !!customer && editor });
  const run = async (f: () => Promise<unknown>, done: string) => {
    setSaving(true);
    try {
      await f();
      message.success(done);
      await qc.invalidateQueries({ queryKey: ["customers"] });
      onClose();
    } catch (e) {
      message.error(describe(e).text);
    } finally {
      setSaving(false);
    }
  };
  const save = async () => {
    const v = await form.validateFields();
    await run(() => api.customerSave({ ...v, id: customer?.id ?? null }), t("own.customerSaved", { name: v.name }));
  };
  return (
    <Drawer open width={520} title={customer ? customer.name : t("own.newCustomer")} onClose={onClose}
      extra={editor && (
        <Space>
          {customer && (customer.active ? (
            <Popconfirm title={t("own.deactivateConfirm")} onConfirm={() => run(() => api.customerSetActive(customer.id, false), t("own.deactivated"))}>
              <Button danger data-testid="customer-deactivate">{t("own.deactivate")}</Button>
            </Popconfirm>
          ) : (
            <Button onClick={() => run(() => api.customerSetActive(customer.id, true), t("own.activated"))}>{t("own.activate")}</Button>
          ))}
          <Button type="primary" loading={saving} onClick={() => void save()} data-testid="customer-save">{t("settings.save")}</Button>
        </Space>
      )}>
      <Form form={form} layout="vertical" disabled={!editor} requiredMark={editor}
        initialValues={{
          code: customer?.code ?? "", name: customer?.name ?? "", name_latin: customer?.name_latin ?? "",
          contact: customer?.contact ?? "", phone: customer?.phone ?? "", email: customer?.email ?? "", language: customer?.language ?? "zh-CN",
        }}
        onKeyDown={(e) => { if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "s") { e.preventDefault(); void save(); } }}>
        <Form.Item name="name" label={t("own.customerName")} rules={[{ required: true, whitespace: true, max: limits?.customer_name }]}><Input autoFocus data-testid="customer-name" /></Form.Item>
        <Form.Item name="name_latin" label={t("own.nameLatin")} extra={t("own.nameLatinHint")}><Input maxLength={limits?.customer_name} /></Form.Item>
        <Form.Item name="code" label={t("own.code")} extra={customer ? undefined : t("own.codeHint")}><Input maxLength={limits?.customer_code} data-testid="customer-code" /></Form.Item>
        <Flex gap={12}>
          <Form.Item name="contact" label={t("own.contact")} style={{ flex: 1 }}><Input maxLength={limits?.contact} /></Form.Item>
          <Form.Item name="phone" label={t("own.phone")} style={{ flex: 1 }}><Input maxLength={limits?.phone} /></Form.Item>
        </Flex>
        <Form.Item name="email" label={t("own.email")} rules={[{ type: "email" }]} extra={t("own.emailHint")}><Input maxLength={limits?.email} data-testid="customer-email" /></Form.Item>
        <Form.Item name="language" label={t("own.language")}>
          <Radio.Group options={[{ value: "zh-CN", label: "中文" }, { value: "en", label: "English" }]} />
        </Form.Item>
      </Form>
      {customer && editor && (history.data?.length ?? 0) > 0 && (
        <>
          <Typography.Title level={5}>{t("own.history")}</Typography.Title>
          <Timeline items={(history.data ?? []).map((e) => ({ key: e.id, title: moment(e.at), content: <ChangeLine event={e} /> }))} />
        </>
      )}
    </Drawer>
  );
}
