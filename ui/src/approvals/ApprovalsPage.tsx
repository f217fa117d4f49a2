import { App, Button, Empty, Space, Table, Typography } from "antd";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api, type Row } from "../api";
import { describe } from "../common/errors";
import { useLink } from "../common/link";
import { day, money } from "../common/format";
import { RejectDialog } from "./RejectDialog";

export function ApprovalsPage({ onOpen }: { onOpen: (n: string) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const q = useQuery({ queryKey: ["approvals"], queryFn: api.pendingApprovals });
  const [rejecting, setRejecting] = useState<Row | null>(null);
  const { online } = useLink();

  const approve = async (r: Row) => {
    try {
      await api.approve(r.number, r.version);
      message.success(t("approvals.approved", { number: r.number }));
    } catch (e) {
      message.error(describe(e).text);
    }
  };

  return (
    <>
      <Typography.Title level={4}>{t("approvals.title")}</Typography.Title>
      <Table<Row> data-testid="approvals-table" rowKey="number" loading={q.isLoading} dataSource={q.data ?? []} pagination={false}
        locale={{ emptyText: <Empty description={t("approvals.empty")} /> }}
        columns={[
          { title: t("orders.number"), dataIndex: "number", render: (n: string) => <Typography.Link onClick={() => onOpen(n)}>{n}</Typography.Link> },
          { title: t("orders.customer"), dataIndex: "customer" },
          { title: t("orders.handler"), dataIndex: "handler_name" },
          { title: t("orders.total"), dataIndex: "total_minor", align: "right", render: (m: number, r) => money(m, r.currency) },
          { title: t("orders.date"), dataIndex: "order_date", render: day },
          {
            title: "",
            render: (_, r) => (
              <Space>
                <Button type="primary" size="small" disabled={!online} onClick={() => approve(r)} data-testid={`approve-${r.number}`}>{t("detail.approve")}</Button>
                <Button size="small" disabled={!online} onClick={() => setRejecting(r)} data-testid={`reject-${r.number}`}>{t("detail.reject")}</Button>
              </Space>
            ),
          },
        ]} />
      {rejecting && <RejectDialog number={rejecting.number} version={rejecting.version} onClose={() => setRejecting(null)} />}
    </>
  );
}
