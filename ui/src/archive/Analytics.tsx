import { Card, Col, DatePicker, Empty, Flex, Row, Select, Skeleton, Statistic, Table } from "antd";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api, type Dimension, type Report, type ReportFilter } from "../api";
import { money } from "../common/format";
import { useSession } from "../common/session";
import { Chart } from "./Chart";
import type { Drill } from "./ArchiveSearch";

const DIMENSIONS: Dimension[] = ["reason", "month", "handler", "customer", "product"];

function lastDay(month: string): string {
  const [y, m] = month.split("-").map(Number);
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

/** Cancellation analytics; a click on a bar lists the orders behind it. */
export function Analytics({ onDrill }: { onDrill: (d: Drill) => void }) {
  const { t, i18n } = useTranslation();
  const session = useSession();
  const zh = i18n.language === "zh-CN";
  const [range, setRange] = useState<[string, string] | null>(null);
  const [department, setDepartment] = useState<number | null>(null);
  const filter: ReportFilter = { from: range?.[0] ?? null, to: range?.[1] ?? null, department, limit: 12 };
  const departments = useQuery({ queryKey: ["departments"], queryFn: api.departments, staleTime: 600_000 });
  const reports = useQuery({
    queryKey: ["analytics", filter],
    queryFn: async () => Object.fromEntries(await Promise.all(DIMENSIONS.map(async (d) => [d, await api.analytics(d, filter)] as const))) as Record<Dimension, Report>,
    placeholderData: (prev) => prev,
  });
  const r = reports.data;
  const totals = r?.reason.totals;

  const drill = (by: Dimension, index: number) => {
    const row = r?.[by].rows[index];
    if (!row) return;
    const cancelled = { closed_as: "cancelled" as const };
    if (by === "reason") onDrill({ ...cancelled, reason: row.key });
    if (by === "month") onDrill({ ...cancelled, closed_from: `${row.key}-01`, closed_to: lastDay(row.key) });
    if (by === "handler") onDrill({ ...cancelled, handler: row.label.match(/\(([^)]+)\)$/)?.[1] ?? null });
    if (by === "customer") onDrill({ ...cancelled, text: row.label });
  };

  const bar = (by: Dimension, horizontal = false) => {
    const rows = r?.[by].rows ?? [];
    const labels = rows.map((x) => (by === "reason" ? x.label.split(" / ")[zh ? 0 : 1] ?? x.label : x.label));
    const category = { type: "category", data: labels, axisLabel: { width: 110, overflow: "truncate" } };
    // Orders are counted: whole ticks only.
    const value = { type: "value", minInterval: 1 };
    return {
      tooltip: { trigger: "axis" },
      grid: { left: horizontal ? 130 : 40, right: 20, top: 20, bottom: 30 },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? { ...category, inverse: true } : value,
      series: [{ type: "bar", data: rows.map((x) => x.orders), itemStyle: { color: "#1668dc" }, barMaxWidth: 28 }],
    };
  };

  const trend = {
    tooltip: { trigger: "axis" },
    legend: { top: 0, data: [t("archiveWindow.cancelled"), t("archiveWindow.rate")] },
    grid: { left: 40, right: 50, top: 36, bottom: 30 },
    xAxis: { type: "category", data: (r?.month.rows ?? []).map((x) => x.key) },
    yAxis: [{ type: "value", minInterval: 1 }, { type: "value", axisLabel: { formatter: "{value}%" } }],
    series: [
      { name: t("archiveWindow.cancelled"), type: "bar", data: (r?.month.rows ?? []).map((x) => x.orders), itemStyle: { color: "#ff7875" } },
      { name: t("archiveWindow.rate"), type: "line", yAxisIndex: 1, smooth: true, data: (r?.month.rows ?? []).map((x) => Math.round((x.cancellation_rate ?? 0) * 1000) / 10) },
    ],
  };

  return (
    <Flex vertical gap={16} data-testid="analytics">
      <Flex gap={8}>
        <DatePicker.RangePicker placeholder={[t("archiveWindow.closedOn"), t("archiveWindow.closedOn")]} onChange={(_, s) => setRange(s[0] && s[1] ? [s[0], s[1]] : null)} />
        {session.role === "admin" && (
          <Select allowClear placeholder={t("orders.department")} style={{ width: 160 }} value={department} onChange={(v) => setDepartment(v ?? null)}
            options={(departments.data ?? []).map((d) => ({ value: d.id, label: zh ? d.name_zh : d.name_en }))} />
        )}
      </Flex>
      {!r ? <Skeleton active /> : totals && totals.cancelled_orders === 0 ? <Empty /> : (
        <>
          <Row gutter={16}>
            <Col span={6}><Card><Statistic title={t("archiveWindow.cancelled")} value={totals?.cancelled_orders ?? 0} data-testid="kpi-cancelled" /></Card></Col>
            <Col span={6}><Card><Statistic title={t("archiveWindow.rate")} value={((totals?.cancellation_rate ?? 0) * 100).toFixed(1)} suffix="%" /></Card></Col>
            <Col span={6}><Card><Statistic title={t("archiveWindow.lost")} value={money(totals?.value_lost_minor ?? 0)} /></Card></Col>
            <Col span={6}><Card><Statistic title={t("archiveWindow.days")} value={(totals?.avg_days_to_cancel ?? 0).toFixed(1)} /></Card></Col>
          </Row>
          <Row gutter={16}>
            <Col span={12}><Card title={t("archiveWindow.byReason")} size="small"><Chart testId="chart-reason" option={bar("reason", true)} onClick={(i) => drill("reason", i)} /></Card></Col>
            <Col span={12}><Card title={t("archiveWindow.byMonth")} size="small"><Chart testId="chart-month" option={trend} onClick={(i) => drill("month", i)} /></Card></Col>
          </Row>
          <Row gutter={16}>
            <Col span={8}><Card title={t("archiveWindow.byHandler")} size="small"><Chart option={bar("handler", true)} onClick={(i) => drill("handler", i)} /></Card></Col>
            <Col span={8}><Card title={t("archiveWindow.byCustomer")} size="small"><Chart option={bar("customer", true)} onClick={(i) => drill("customer", i)} /></Card></Col>
            <Col span={8}><Card title={t("archiveWindow.byProduct")} size="small"><Chart option={bar("product", true)} /></Card></Col>
          </Row>
          <Card title={t("archiveWindow.table")} size="small">
            <Table size="small" rowKey="key" pagination={false} dataSource={r.reason.rows}
              columns={[
                { title: t("detail.reason"), dataIndex: "label", render: (l: string) => l.split(" / ")[zh ? 0 : 1] ?? l },
                { title: t("archiveWindow.cancelled"), dataIndex: "orders", align: "right" },
                { title: t("archiveWindow.lost"), dataIndex: "value_minor", align: "right", render: (v: number) => money(v) },
                { title: t("archiveWindow.days"), dataIndex: "avg_days_to_cancel", align: "right", render: (d: number | null) => (d ?? 0).toFixed(1) },
              ]} />
          </Card>
        </>
      )}
    </Flex>
  );
}
