import { Button, Checkbox, DatePicker, Flex, Input, Select, Space, Typography } from "antd";
import type { InputRef } from "antd";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { memo, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, type SearchQuery, type Sort, type Status } from "../api";
import { count } from "../common/format";
import { isManager, useSession } from "../common/session";
import { ArchiveWizard } from "../wizards/ArchiveWizard";
import { ReassignWizard } from "../wizards/ReassignWizard";
import { OrderDetailPane, Rehearsal, detailOptions } from "./OrderDetailPane";
import { OrderTable } from "./OrderTable";
import { OrderForm } from "./OrderForm";
import { PlusOutlined } from "@ant-design/icons";
import { useLink } from "../common/link";
import { useOrderSearch, useSearchAsYouType } from "./useOrderSearch";
import { useLatest } from "../common/useLatest";
import { useWindowHeight } from "../common/useWindowHeight";
import { endTiming, startTiming } from "../common/perf";

const STATUSES: Status[] = ["draft", "confirmed", "invoiced", "shipped", "completed", "cancel_pending", "cancelled"];
const SORTS: Sort[] = ["date_desc", "date_asc", "total_desc", "total_asc", "number_asc"];
const SORT_LABEL: Record<Sort, string> = {
  date_desc: "orders.sortDateDesc", date_asc: "orders.sortDateAsc", total_desc: "orders.sortTotalDesc",
  total_asc: "orders.sortTotalAsc", number_asc: "orders.sortNumber",
};

/** The search box keeps what is typed to itself, so typing re-renders only
 * the box; every change goes to `onSearch` at once (the backend answers in
 * milliseconds), except while an input method is still composing. Memoised:
 * the page around it re-renders as orders open. */
export const SearchBox = memo(function SearchBox({ onSearch }: { onSearch: (text: string) => void }) {
  const { t } = useTranslation();
  const ref = useRef<InputRef>(null);
  const composing = useRef(false);
  const [typed, setTyped] = useState("");
  const change = (text: string) => {
    setTyped(text);
    if (!composing.current) onSearch(text);
  };
  // Ctrl/Cmd+K focuses the search box from anywhere in the window.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "k") {
        e.preventDefault();
        ref.current?.focus({ cursor: "all" });
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
  return (
    <Input.Search
      ref={ref}
      size="large"
      allowClear
      placeholder={t("orders.searchPlaceholder")}
      value={typed}
      onChange={(e) => change(e.target.value)}
      onCompositionStart={() => {
        composing.current = true;
      }}
      onCompositionEnd={(e) => {
        composing.current = false;
        change(e.currentTarget.value);
      }}
      onSearch={change}
      data-testid="search-input"
      autoFocus
    />
  );
});

type Setter<T> = (value: T) => void;

/** Status, dates, handler, department, queue and sort. Memoised: a new page of
 * results does not re-render the filters. */
const FilterBar = memo(function FilterBar(props: {
  statuses: Status[]; setStatuses: Setter<Status[]>; setDates: Setter<[string, string] | null>;
  handler: string | null; setHandler: Setter<string | null>;
  department: number | null; setDepartment: Setter<number | null>;
  unassigned: boolean; setUnassigned: Setter<boolean>; sort: Sort; setSort: Setter<Sort>;
}) {
  const { t, i18n } = useTranslation();
  const session = useSession();
  const { statuses, setStatuses, setDates, handler, setHandler, department, setDepartment, unassigned, setUnassigned, sort, setSort } = props;
  const departments = useQuery({ queryKey: ["departments"], queryFn: api.departments, staleTime: 600_000 });
  const people = useQuery({ queryKey: ["candidates", ""], queryFn: () => api.candidates(null, null), staleTime: 60_000 });
  return (
    <Flex gap={8} wrap align="center">
      <Select
        mode="multiple"
        allowClear
        maxTagCount="responsive"
        placeholder={t("orders.status")}
        style={{ minWidth: 180 }}
        value={statuses}
        onChange={setStatuses}
        options={STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) }))}
        data-testid="filter-status"
      />
      <DatePicker.RangePicker
        onChange={(_, s) => setDates(s[0] && s[1] ? [s[0], s[1]] : null)}
        placeholder={[t("orders.dateRange"), t("orders.dateRange")]}
      />
      <Select
        allowClear
        showSearch={{ optionFilterProp: "label" }}
        placeholder={t("orders.handler")}
        style={{ width: 150 }}
        value={handler}
        onChange={(v) => setHandler(v ?? null)}
        options={(people.data?.users ?? []).map((u) => ({ value: u.login, label: `${u.display_name} (${u.login})` }))}
      />
      {session.role === "admin" && (
        <Select
          allowClear
          placeholder={t("orders.department")}
          style={{ width: 150 }}
          value={department}
          onChange={(v) => setDepartment(v ?? null)}
          options={(departments.data ?? []).map((d) => ({ value: d.id, label: i18n.language === "zh-CN" ? d.name_zh : d.name_en }))}
        />
      )}
      <Checkbox checked={unassigned} onChange={(e) => setUnassigned(e.target.checked)}>
        {t("orders.unassigned")}
      </Checkbox>
      <Select
        style={{ width: 140 }}
        value={sort}
        onChange={setSort}
        options={SORTS.map((s) => ({ value: s, label: t(SORT_LABEL[s]) }))}
        data-testid="sort"
      />
    </Flex>
  );
});

export function OrdersPage({ open, onOpen, startNew = false }: {
  open: string | null; onOpen: (n: string | null) => void;
  /** Open the new-order form at once (from the getting-started page). */
  startNew?: boolean;
}) {
  const { t } = useTranslation();
  const [entering, setEntering] = useState(startNew);
  // Alt+N opens a new order from anywhere on this page.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey && e.key.toLowerCase() === "n") {
        e.preventDefault();
        setEntering(true);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
  const session = useSession();
  const { online } = useLink();
  const [text, setText] = useState("");
  const [statuses, setStatuses] = useState<Status[]>([]);
  const [dates, setDates] = useState<[string, string] | null>(null);
  const [handler, setHandler] = useState<string | null>(null);
  const [department, setDepartment] = useState<number | null>(null);
  const [unassigned, setUnassigned] = useState(false);
  const [sort, setSort] = useState<Sort>("date_desc");
  const [cursor, setCursor] = useState<string | null>(null);
  const [selected, setSelected] = useState<string[]>([]);
  const [wizard, setWizard] = useState<"archive-selection" | "archive-filter" | "reassign" | null>(null);
  const height = useWindowHeight() - 250;

  const query: SearchQuery = useMemo(
    () => ({
      text: text.trim() || null,
      statuses,
      date_from: dates?.[0] ?? null,
      date_to: dates?.[1] ?? null,
      handler,
      unassigned,
      department,
      min_total_minor: null,
      max_total_minor: null,
      archived: false,
      closed_as: null,
      closed_from: null,
      closed_to: null,
      reason: null,
      sort,
      limit: null,
      after: null,
    }),
    [text, statuses, dates, handler, unassigned, department, sort],
  );
  const search = useOrderSearch(query);
  const onSearch = useSearchAsYouType(query, setText);
  useEffect(() => startTiming("search", query.text ?? "", true), [query]);
  useEffect(() => {
    if (!search.isFetching && search.data) endTiming("search");
  }, [search.isFetching, search.data]);

  // An order under the pointer or the keyboard cursor is fetched ahead, so
  // opening it shows it at once.
  const qc = useQueryClient();
  const prefetchDetail = useCallback((n: string) => {
    void qc.prefetchQuery({ ...detailOptions(n), staleTime: 10_000 });
  }, [qc]);

  // Opening is timed from the click or the key. The open order is read
  // through a ref, so the list's click handler stays the same function: the
  // list renders again only to move its highlight.
  const opened = useLatest(open);
  const openRow = useCallback((n: string) => {
    if (n !== opened.current) startTiming("open", n);
    setCursor(n);
    onOpen(n);
  }, [onOpen, opened]);

  // The order opened elsewhere (a copy, a new order, the inbox) is where the
  // cursor is when the list shows it.
  useEffect(() => {
    if (open) setCursor(open);
  }, [open]);

  // A new result puts the keyboard cursor on its first row, so Enter opens
  // what the list shows, never an order of an earlier search.
  const cursorFor = useRef<SearchQuery | null>(null);
  const firstRow = search.rows[0]?.number ?? null;
  const fresh = !search.isPlaceholderData && !search.isFetching;
  useEffect(() => {
    if (fresh && cursorFor.current !== query) {
      cursorFor.current = query;
      setCursor(firstRow);
    }
  }, [query, firstRow, fresh]);

  // Arrow keys move the cursor through the list; Enter opens it.
  const onListKey = (e: React.KeyboardEvent) => {
    if (!["ArrowDown", "ArrowUp", "Enter"].includes(e.key) || search.rows.length === 0) return;
    e.preventDefault();
    const at = search.rows.findIndex((r) => r.number === (cursor ?? open));
    if (e.key === "Enter") {
      openRow(cursor ?? search.rows[0].number);
      return;
    }
    const next = e.key === "ArrowDown" ? Math.min(at + 1, search.rows.length - 1) : Math.max(at - 1, 0);
    setCursor(search.rows[next].number);
    prefetchDetail(search.rows[next].number);
  };

  // Once the first results are there, the detail pane is drawn out of sight
  // for the first of them, so the first order opened shows as quickly as the
  // next ones.
  const [rehearsed, setRehearsed] = useState(false);
  const rehearsalDone = useCallback(() => setRehearsed(true), []);
  const rehearse = !rehearsed && !open ? search.rows[0]?.number : undefined;

  const closeDetail = useCallback(() => onOpen(null), [onOpen]);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = search;
  const more = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  const totalText = search.capped ? t("common.totalCapped", { count: search.total }) : t("common.total", { count: search.total });

  return (
    <Flex gap={16} style={{ height: "100%" }}>
      <Flex vertical gap={12} style={{ flex: 1, minWidth: 0 }} onKeyDown={onListKey}>
        <Flex gap={8}>
          <div style={{ flex: 1 }}><SearchBox onSearch={onSearch} /></div>
          <Button size="large" type="primary" icon={<PlusOutlined />} onClick={() => setEntering(true)} disabled={!online} data-testid="order-new" title="Alt+N">
            {t("own.newOrder")}
          </Button>
        </Flex>
        <FilterBar
          statuses={statuses} setStatuses={setStatuses} setDates={setDates}
          handler={handler} setHandler={setHandler} department={department} setDepartment={setDepartment}
          unassigned={unassigned} setUnassigned={setUnassigned} sort={sort} setSort={setSort}
        />
        <Flex justify="space-between" align="center" style={{ minHeight: 32 }}>
          <Typography.Text type="secondary" data-testid="result-total">
            {search.isFetched ? totalText : " "}
          </Typography.Text>
          <Space>
            {selected.length > 0 && <Typography.Text>{t("orders.selected", { count: selected.length })}</Typography.Text>}
            {selected.length > 0 && (
              <Button onClick={() => setWizard("reassign")} data-testid="bulk-reassign">{t("orders.reassignSelected")}</Button>
            )}
            {selected.length > 0 && isManager(session) && (
              <Button onClick={() => setWizard("archive-selection")} data-testid="bulk-archive">{t("orders.archiveSelected")}</Button>
            )}
            {isManager(session) && (
              <Button onClick={() => setWizard("archive-filter")} data-testid="archive-by-date">{t("archive.title")}</Button>
            )}
          </Space>
        </Flex>
        <OrderTable
          rows={search.rows}
          loading={search.isLoading}
          active={cursor ?? open}
          onOpen={openRow}
          onHover={prefetchDetail}
          selected={selected}
          onSelect={setSelected}
          onEndReached={more}
          height={height}
        />
        {search.hasNextPage && (
          <Button size="small" type="link" onClick={() => void search.fetchNextPage()} loading={search.isFetchingNextPage}>
            {t("orders.more")} ({count(search.rows.length)} / {search.capped ? `${count(search.total)}+` : count(search.total)})
          </Button>
        )}
      </Flex>
      {rehearse && <Rehearsal number={rehearse} onDone={rehearsalDone} />}
      {open && (
        <div style={{ width: 560, flexShrink: 0, overflow: "auto" }}>
          <OrderDetailPane number={open} onOpen={onOpen} onClose={closeDetail} />
        </div>
      )}
      {entering && (
        <OrderForm onClose={() => setEntering(false)} onSaved={(n) => { setEntering(false); openRow(n); }} />
      )}
      {wizard === "reassign" && (
        <ReassignWizard numbers={selected} onClose={() => { setWizard(null); setSelected([]); }} />
      )}
      {(wizard === "archive-selection" || wizard === "archive-filter") && (
        <ArchiveWizard numbers={wizard === "archive-selection" ? selected : []} onClose={() => { setWizard(null); setSelected([]); }} />
      )}
    </Flex>
  );
}
