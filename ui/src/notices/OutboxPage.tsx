import { Alert, App, Button, DatePicker, Flex, Select, Space, Table, Tag, Typography } from "antd";
import { PrinterOutlined, SendOutlined } from "@ant-design/icons";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import type { Dayjs } from "dayjs";
import { api, type CustomerMessage } from "../api";
import { describe } from "../common/errors";
import { moment } from "../common/format";
import { isManager, useSession } from "../common/session";
import { usePrintNotice } from "./usePrintNotice";

const NOTICE_STATES = ["queued", "sending", "sent", "retrying", "failed", "withdrawn"] as const;
const COLOR: Record<string, string> = { queued: "blue", sending: "processing", sent: "green", retrying: "orange", failed: "red", withdrawn: "default" };

/** A notice's state as a coloured tag, in words. */
function NoticeState({ status }: { status: string }) {
  const { t } = useTranslation();
  return <Tag color={COLOR[status] ?? "default"} data-testid={`notice-state-${status}`}>{t(`notices.state.${status}`)}</Tag>;
}

/** The customer outbox: every notice with its state, attempts and the mail
 * server's last answer; managers withdraw queued ones and send failed ones
 * again; the administrator sees how many wait and why. */
export function OutboxPage({ onOpen }: { onOpen: (n: string) => void }) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const session = useSession();
  const manager = isManager(session);
  const admin = session.role === "admin";
  const qc = useQueryClient();
  const print = usePrintNotice();
  const [status, setStatus] = useState<string | null>(null);
  const [days, setDays] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const filter = {
    status,
    from: days?.[0]?.format("YYYY-MM-DD") ?? null,
    to: days?.[1]?.format("YYYY-MM-DD") ?? null,
    limit: 500,
  };
  const list = useQuery({ queryKey: ["outbox", "list", filter], queryFn: () => api.outbox(filter), refetchInterval: 15_000 });
  const setup = useQuery({ queryKey: ["outbox", "mail"], queryFn: api.mail, enabled: admin });
  const [busy, setBusy] = useState(false);

  /** Runs a change; says how it went (`done`, or what `f` answers). */
  const act = async (f: () => Promise<unknown>, done?: string) => {
    setBusy(true);
    try {
      const said = await f();
      message.success(done ?? String(said));
    } catch (e) {
      message.error(describe(e).text, 8);
    } finally {
      setBusy(false);
      await qc.invalidateQueries({ queryKey: ["outbox"] });
    }
  };
  const withdraw = (m: CustomerMessage) =>
    modal.confirm({
      title: t("notices.withdrawTitle", { number: m.order_number }),
      content: t("notices.withdrawText", { customer: m.customer }),
      okText: t("notices.withdraw"),
      okButtonProps: { danger: true, "data-testid": "notice-withdraw-confirm" } as never,
      onOk: () => act(() => api.withdrawNotice(m.id), t("notices.withdrawn", { number: m.order_number })),
    });
  const deliver = () =>
    act(async () => {
      const results = await api.deliverNow();
      const sent = results.filter((r) => r.status === "sent").length;
      return results.length ? t("notices.passResult", { sent, total: results.length }) : t("notices.passNothing");
    });

  const waiting = setup.data?.waiting ?? 0;
  return (
    <Flex vertical gap={12} style={{ height: "100%" }}>
      <Flex justify="space-between" align="center" wrap gap={8}>
        <Typography.Title level={4} style={{ margin: 0 }}>{t("notices.title")}</Typography.Title>
        <Space wrap>
          <Select allowClear placeholder={t("notices.allStates")} style={{ width: 160 }} value={status} onChange={(v) => setStatus(v ?? null)}
            data-testid="outbox-status" options={NOTICE_STATES.map((s) => ({ value: s, label: t(`notices.state.${s}`) }))} />
          <DatePicker.RangePicker value={days} onChange={(v) => setDays(v as [Dayjs | null, Dayjs | null] | null)} allowEmpty={[true, true]} />
          {manager && <Button icon={<SendOutlined />} loading={busy} onClick={() => void deliver()} data-testid="outbox-deliver">{t("notices.deliverNow")}</Button>}
        </Space>
      </Flex>
      {admin && setup.data && !setup.data.configured && (
        <Alert type="warning" showIcon data-testid="outbox-waiting"
          title={t("notices.noChannel", { count: waiting })} description={t("notices.noChannelHint")} />
      )}
      {admin && setup.data?.configured && waiting > 0 && (
        <Alert type="info" showIcon data-testid="outbox-waiting" title={t("notices.waiting", { count: waiting })} />
      )}
      <Table<CustomerMessage>
        data-testid="outbox-table"
        rowKey="id"
        size="small"
        loading={list.isLoading}
        dataSource={list.data ?? []}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        scroll={{ y: "calc(100vh - 290px)" }}
        locale={{ emptyText: t("notices.empty") }}
        columns={[
          { title: t("notices.queuedAt"), dataIndex: "created_at", width: 140, render: (v: string) => moment(v) },
          {
            title: t("orders.number"), dataIndex: "order_number", width: 140,
            render: (n: string) => <Typography.Link onClick={() => onOpen(n)}>{n}</Typography.Link>,
          },
          { title: t("notices.customer"), dataIndex: "customer", ellipsis: true },
          { title: t("notices.to"), dataIndex: "recipient", ellipsis: true, render: (v: string | null) => v ?? <Typography.Text type="danger">{t("notices.noAddress")}</Typography.Text> },
          { title: t("notices.status"), dataIndex: "status", width: 110, render: (s: string) => <NoticeState status={s} /> },
          { title: t("notices.attempts"), dataIndex: "attempts", width: 90, align: "right" },
          {
            title: t("notices.lastAnswer"), dataIndex: "last_answer", ellipsis: true,
            render: (a: string | null, m) => (
              <Flex vertical>
                <Typography.Text type={m.status === "failed" ? "danger" : undefined} ellipsis={{ tooltip: a }}>{a ?? "—"}</Typography.Text>
                {m.status === "retrying" && m.next_attempt_at && (
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t("notices.nextAttempt", { at: moment(m.next_attempt_at) })}</Typography.Text>
                )}
              </Flex>
            ),
          },
          {
            title: "", key: "actions", width: 200,
            render: (_: unknown, m) => (
              <Space size={4} data-testid={`notice-actions-${m.order_number}`}>
                <Button size="small" icon={<PrinterOutlined />} onClick={() => void print(m.order_number)}>{t("notices.print")}</Button>
                {manager && m.status === "failed" && (
                  <Button size="small" type="primary" disabled={busy} data-testid={`notice-resend-${m.order_number}`}
                    onClick={() => void act(() => api.resendNotice(m.id), t("notices.requeued", { number: m.order_number }))}>
                    {t("notices.resend")}
                  </Button>
                )}
                {manager && (m.status === "queued" || m.status === "retrying") && (
                  <Button size="small" danger disabled={busy} data-testid={`notice-withdraw-${m.order_number}`} onClick={() => withdraw(m)}>
                    {t("notices.withdraw")}
                  </Button>
                )}
              </Space>
            ),
          },
        ]}
      />
    </Flex>
  );
}
