import { Alert, App, Button, Descriptions, Empty, Flex, Skeleton, Space, Table, Typography } from "antd";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api, type Row } from "../api";
import { describe } from "../common/errors";
import { useLink } from "../common/link";
import { day, moment, money } from "../common/format";
import { ReversalList } from "../wizards/CancelWizard";
import { RejectDialog } from "./RejectDialog";

/** Cancellation requests waiting for a manager. Each opens to the request
 * whole — who asked, when, the reason and note, why it needs approval, what
 * approving reverses, what the customer will be told — before the decision;
 * approving asks once more, rejecting asks why. */
export function ApprovalsPage({ onOpen }: { onOpen: (n: string) => void }) {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: ["approvals"], queryFn: api.pendingApprovals });
  const [expanded, setExpanded] = useState<string[] | null>(null);
  const rows = q.data ?? [];
  // The oldest request is open at first: the manager starts reading it.
  const open = expanded ?? (rows[0] ? [rows[0].number] : []);
  return (
    <>
      <Typography.Title level={4}>{t("approvals.title")}</Typography.Title>
      <Table<Row> data-testid="approvals-table" rowKey="number" loading={q.isLoading} dataSource={rows} pagination={false}
        locale={{ emptyText: <Empty description={t("approvals.empty")} /> }}
        expandable={{
          expandedRowKeys: open,
          onExpandedRowsChange: (keys) => setExpanded(keys as string[]),
          expandedRowRender: (r) => <Request row={r} />,
        }}
        columns={[
          { title: t("orders.number"), dataIndex: "number", render: (n: string) => <Typography.Link onClick={() => onOpen(n)}>{n}</Typography.Link> },
          { title: t("orders.customer"), dataIndex: "customer" },
          { title: t("orders.handler"), dataIndex: "handler_name" },
          { title: t("orders.total"), dataIndex: "total_minor", align: "right", render: (m: number, r) => money(m, r.currency) },
          { title: t("orders.date"), dataIndex: "order_date", render: day },
          {
            title: "", width: 90,
            render: (_, r) => (
              <Button size="small" onClick={() => setExpanded([r.number])} disabled={open.includes(r.number)} data-testid={`review-${r.number}`}>
                {t("approvals.review")}
              </Button>
            ),
          },
        ]} />
    </>
  );
}

function Request({ row }: { row: Row }) {
  const { t, i18n } = useTranslation();
  const { message, modal } = App.useApp();
  const { online } = useLink();
  const [rejecting, setRejecting] = useState(false);
  const q = useQuery({ queryKey: ["approvals", "request", row.number, row.version], queryFn: () => api.cancelRequest(row.number) });
  const reasons = useQuery({ queryKey: ["reasons"], queryFn: api.reasons, staleTime: 300_000 });
  const zh = i18n.language === "zh-CN";
  if (q.isLoading) return <Skeleton active paragraph={{ rows: 4 }} />;
  if (q.error) return <Alert type="warning" showIcon title={describe(q.error).text} />;
  const r = q.data!;
  const reason = reasons.data?.find((x) => x.code === r.reason);
  const approve = () =>
    modal.confirm({
      title: t("approvals.confirmTitle", { number: r.number }),
      content: t("approvals.confirmText"),
      okText: t("detail.approve"),
      okButtonProps: { "data-testid": "approve-confirm" } as never,
      onOk: async () => {
        try {
          await api.approve(r.number, r.version);
          message.success(t("approvals.approved", { number: r.number }));
        } catch (e) {
          message.error(describe(e).text);
        }
      },
    });
  const why = r.approval_reasons.map((a) => t(`cancel.approvalReason.${a}`, { threshold: money(r.approval_threshold_minor ?? 0, r.currency) }));
  return (
    <Flex vertical gap={12} data-testid={`request-${r.number}`} style={{ padding: "4px 8px" }}>
      <Descriptions size="small" column={2} bordered items={[
        { key: "by", label: t("approvals.requestedBy"), children: r.requested_by_name ? `${r.requested_by_name} (${r.requested_by})` : "—" },
        { key: "at", label: t("approvals.requestedAt"), children: r.requested_at ? moment(r.requested_at) : "—" },
        { key: "reason", label: t("cancel.reason"), children: reason ? (zh ? reason.label_zh : reason.label_en) : (r.reason ?? "—") },
        { key: "was", label: t("approvals.statusBefore"), children: t(`status.${r.status_before}`) },
        { key: "note", label: t("cancel.note"), span: 2, children: r.note ?? "—" },
        { key: "why", label: t("approvals.whyApproval"), span: 2, children: why.length ? why.join("；") : "—" },
        { key: "rev", label: t("approvals.willReverse"), span: 2, children: <ReversalList r={r.reversal} currency={r.currency} /> },
        {
          key: "notice", label: t("cancel.customerNotice"), span: 2,
          children: r.customer_notice ? <pre className="notice" style={{ margin: 0 }}>{r.customer_notice.subject}{"\n\n"}{r.customer_notice.body}</pre> : t("approvals.noNotice"),
        },
      ]} />
      {!r.decision.allowed && r.decision.problem && (
        <Typography.Text type="secondary">{zh ? r.decision.problem.message_zh : r.decision.problem.message_en}</Typography.Text>
      )}
      <Space>
        <Button type="primary" disabled={!online || !r.decision.allowed} onClick={approve} data-testid={`approve-${r.number}`}>{t("detail.approve")}</Button>
        <Button disabled={!online || !r.decision.allowed} onClick={() => setRejecting(true)} data-testid={`reject-${r.number}`}>{t("detail.reject")}</Button>
      </Space>
      {rejecting && <RejectDialog number={r.number} version={r.version} onClose={() => setRejecting(false)} />}
    </Flex>
  );
}
