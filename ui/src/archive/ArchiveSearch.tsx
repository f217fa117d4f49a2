import { Alert, App, Button, DatePicker, Drawer, Flex, Input, InputNumber, Modal, Progress, Select, Space, Typography } from "antd";
import { DownloadOutlined } from "@ant-design/icons";
import { useQuery } from "@tanstack/react-query";
import { useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, on, type Format, type SearchQuery, type Status } from "../api";
import { describe } from "../common/errors";
import { count } from "../common/format";
import { isManager, useSession } from "../common/session";
import { useWindowHeight } from "../common/useWindowHeight";
import { OrderDetailPane } from "../orders/OrderDetailPane";
import { OrderTable } from "../orders/OrderTable";
import { useOrderSearch } from "../orders/useOrderSearch";

/** Filters the analytics can set when a bar is clicked. */
export type Drill = Partial<Pick<SearchQuery, "text" | "handler" | "reason" | "closed_from" | "closed_to" | "closed_as">>;

export function ArchiveSearch({ drill }: { drill: Drill | null }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const session = useSession();
  const zh = i18n.language === "zh-CN";
  const [text, setText] = useState("");
  const [closedAs, setClosedAs] = useState<Status | null>(null);
  const [orderDates, setOrderDates] = useState<[string, string] | null>(null);
  const [closedDates, setClosedDates] = useState<[string, string] | null>(null);
  const [handler, setHandler] = useState<string | null>(null);
  const [department, setDepartment] = useState<number | null>(null);
  const [reason, setReason] = useState<string | null>(null);
  const [min, setMin] = useState<number | null>(null);
  const [max, setMax] = useState<number | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);
  const [progress, setProgress] = useState({ done: 0, total: 0 });
  const height = useWindowHeight() - 290;

  useEffect(() => {
    if (!drill) return;
    setText(drill.text ?? "");
    setHandler(drill.handler ?? null);
    setReason(drill.reason ?? null);
    setClosedAs(drill.closed_as ?? null);
    setClosedDates(drill.closed_from && drill.closed_to ? [drill.closed_from, drill.closed_to] : null);
  }, [drill]);

  const query: SearchQuery = useMemo(() => ({
    text: text.trim() || null, archived: true, closed_as: closedAs,
    date_from: orderDates?.[0] ?? null, date_to: orderDates?.[1] ?? null,
    closed_from: closedDates?.[0] ?? null, closed_to: closedDates?.[1] ?? null,
    handler, department, reason,
    min_total_minor: min === null ? null : Math.round(min * 100), max_total_minor: max === null ? null : Math.round(max * 100),
    sort: "date_desc",
  }), [text, closedAs, orderDates, closedDates, handler, department, reason, min, max]);
  const search = useOrderSearch(query);
  const reasons = useQuery({ queryKey: ["reasons"], queryFn: api.reasons, staleTime: 300_000 });
  const people = useQuery({ queryKey: ["candidates", ""], queryFn: () => api.candidates(null, null), staleTime: 60_000 });
  const departments = useQuery({ queryKey: ["departments"], queryFn: api.departments, staleTime: 600_000 });

  // The progress box shows once the file is chosen and rows are written,
  // never over the save dialog.
  useEffect(() => {
    const stop = on.exportProgress((done, total) => {
      setProgress({ done, total });
      setExporting(true);
    });
    return () => void stop.then((f) => f());
  }, []);

  const exportAs = async (format: Format) => {
    setProgress({ done: 0, total: search.total });
    try {
      const r = await api.exportArchive(query, format);
      if (r.complete) message.success(t("archiveWindow.exported", { count: count(r.rows), path: r.path }));
    } catch (e) {
      message.error(describe(e).text);
    } finally {
      setExporting(false);
    }
  };

  const totalText = search.capped ? t("common.totalCapped", { count: search.total }) : t("common.total", { count: search.total });

  return (
    <Flex gap={16}>
      <Flex vertical gap={10} style={{ flex: 1, minWidth: 0 }}>
        <Input.Search allowClear placeholder={t("orders.searchPlaceholder")} defaultValue={text} key={drill?.text ?? ""}
          onSearch={setText} data-testid="archive-search" />
        <Flex gap={8} wrap>
          <Select allowClear placeholder={t("archive.closedAs")} style={{ width: 130 }} value={closedAs} onChange={(v) => setClosedAs(v ?? null)} data-testid="archive-closed-as"
            options={[{ value: "completed", label: t("status.completed") }, { value: "cancelled", label: t("status.cancelled") }]} />
          <DatePicker.RangePicker placeholder={[t("orders.dateRange"), t("orders.dateRange")]} onChange={(_, s) => setOrderDates(s[0] && s[1] ? [s[0], s[1]] : null)} />
          <DatePicker.RangePicker placeholder={[t("archiveWindow.closedOn"), t("archiveWindow.closedOn")]} onChange={(_, s) => setClosedDates(s[0] && s[1] ? [s[0], s[1]] : null)} />
          <Select allowClear showSearch={{ optionFilterProp: "label" }} placeholder={t("orders.handler")} style={{ width: 150 }} value={handler} onChange={(v) => setHandler(v ?? null)}
            options={(people.data?.users ?? []).map((u) => ({ value: u.login, label: `${u.display_name} (${u.login})` }))} />
          {session.role === "admin" && (
            <Select allowClear placeholder={t("orders.department")} style={{ width: 150 }} value={department} onChange={(v) => setDepartment(v ?? null)}
              options={(departments.data ?? []).map((d) => ({ value: d.id, label: zh ? d.name_zh : d.name_en }))} />
          )}
          <Select allowClear placeholder={t("detail.reason")} style={{ width: 140 }} value={reason} onChange={(v) => setReason(v ?? null)}
            options={(reasons.data ?? []).map((r) => ({ value: r.code, label: zh ? r.label_zh : r.label_en }))} />
          <Space.Compact>
            <InputNumber placeholder={t("archiveWindow.minTotal")} min={0} value={min} onChange={(v) => setMin(v)} style={{ width: 110 }} />
            <InputNumber placeholder={t("archiveWindow.maxTotal")} min={0} value={max} onChange={(v) => setMax(v)} style={{ width: 110 }} />
          </Space.Compact>
        </Flex>
        <Flex justify="space-between" align="center">
          <Typography.Text type="secondary" data-testid="archive-total" data-total={search.total}>{search.isFetched ? totalText : " "}</Typography.Text>
          {isManager(session) && (
            <Space>
              <Button icon={<DownloadOutlined />} onClick={() => exportAs("csv")} disabled={!search.total} data-testid="export-csv">CSV</Button>
              <Button icon={<DownloadOutlined />} onClick={() => exportAs("xlsx")} disabled={!search.total} data-testid="export-xlsx">Excel (XLSX)</Button>
            </Space>
          )}
        </Flex>
        <OrderTable testId="archive-table" rows={search.rows} loading={search.isLoading} active={open} onOpen={setOpen} height={height}
          onEndReached={() => { if (search.hasNextPage && !search.isFetchingNextPage) void search.fetchNextPage(); }} />
      </Flex>
      <Drawer open={open !== null} onClose={() => setOpen(null)} size={600} title={null} closable={false} destroyOnHidden>
        {open && <OrderDetailPane number={open} onOpen={setOpen} onClose={() => setOpen(null)} />}
      </Drawer>
      <Modal open={exporting} closable={false} destroyOnHidden footer={[<Button key="stop" danger onClick={() => void api.stopJob("export")}>{t("common.stop")}</Button>]}
        title={t("archiveWindow.exporting")}>
        <Progress percent={progress.total ? Math.floor((progress.done / progress.total) * 100) : 0} status="active" data-testid="export-progress" />
        <Alert type="info" title={`${count(progress.done)} / ${count(progress.total)}`} />
      </Modal>
    </Flex>
  );
}
