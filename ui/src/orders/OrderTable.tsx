import { Table } from "antd";
import type { ColumnsType } from "antd/es/table";
import { memo, useMemo, useRef } from "react";
import { useTranslation } from "react-i18next";
import type { Row, Status } from "../api";
import { day, money } from "../common/format";
import { statusTag } from "../common/StatusTag";
import { useWidth } from "../common/useWidth";

/** A row and its place in the list. Rows are keyed by place, not by order
 * number: a new search then updates the rendered rows in place instead of
 * unmounting them and mounting new ones, which takes longer. */
type Slotted = Row & { slot: number };

/** Column widths in pixels; English status names and people's names are longer. */
function widths(lang: string) {
  const zh = lang === "zh-CN";
  return { select: 36, number: 140, customerAtLeast: 140, status: zh ? 130 : 170, handler: zh ? 90 : 120, total: 130, date: 110 };
}
type Widths = ReturnType<typeof widths>;

/** Shown as room allows, in this order; so the date is the first to go. */
const OPTIONAL = ["handler", "total", "date"] as const;

/** Which optional columns fit in `room` pixels. */
function fitting(w: Widths, room: number): string[] {
  const shown: string[] = [];
  for (const key of OPTIONAL) {
    if (w[key] > room) break;
    shown.push(key);
    room -= w[key];
  }
  return shown;
}

type Props = {
  rows: Row[];
  loading: boolean;
  /** The highlighted row (the open order, or the keyboard cursor). */
  active: string | null;
  onOpen: (number: string) => void;
  /** The pointer is over a row: a chance to fetch it before the click. */
  onHover?: (number: string) => void;
  selected?: string[];
  onSelect?: (numbers: string[]) => void;
  onEndReached?: () => void;
  height: number;
  testId?: string;
};

/** The virtualised result list; the active row is highlighted. */
export const OrderTable = memo(function OrderTable(props: Props) {
  const { t, i18n } = useTranslation();
  // Columns that do not fit beside the detail pane are left out (date first,
  // then amount, then handler) rather than squeezing the customer's name or
  // scrolling sideways; the detail shows them all.
  const box = useRef<HTMLDivElement>(null);
  const width = useWidth(box, 1200);
  const w = widths(i18n.language);
  const fixed = (props.onSelect ? w.select : 0) + w.number + w.customerAtLeast + w.status;
  const shown = fitting(w, width - fixed).join();
  // Built once per language and width class: a new array each render makes
  // antd redo its layout. Cells are plain elements where they can be: a page
  // of rows renders often.
  const columns: ColumnsType<Slotted> = useMemo(() => {
    const all: ColumnsType<Slotted> = [
      { key: "number", title: t("orders.number"), dataIndex: "number", width: w.number, render: (n: string) => <strong>{n}</strong> },
      {
        key: "customer",
        title: t("orders.customer"),
        dataIndex: "customer",
        ellipsis: true,
        render: (c: string, r) => <span title={r.customer_latin}>{c}</span>,
      },
      {
        key: "status",
        title: t("orders.status"),
        dataIndex: "status",
        width: w.status,
        render: (s: Status, r) => statusTag(t, s, r.closed_as as Status | null),
      },
      {
        key: "handler",
        title: t("orders.handler"),
        dataIndex: "handler_name",
        width: w.handler,
        ellipsis: true,
        render: (h: string | null) => h ?? <span className="muted">{t("orders.queue")}</span>,
      },
      { key: "total", title: t("orders.total"), dataIndex: "total_minor", width: w.total, align: "right", render: (m: number, r) => money(m, r.currency) },
      { key: "date", title: t("orders.date"), dataIndex: "order_date", width: w.date, render: (d: string) => day(d) },
    ];
    const keep = new Set(["number", "customer", "status", ...shown.split(",")]);
    return all.filter((c) => keep.has(String(c.key)));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [t, i18n.language, shown]);
  const slotted = useMemo(() => props.rows.map((r, slot) => ({ ...r, slot })), [props.rows]);
  // Selection is kept by order number, outside the table.
  const selectedSlots = useMemo(() => {
    const set = new Set(props.selected);
    return slotted.filter((r) => set.has(r.number)).map((r) => r.slot);
  }, [slotted, props.selected]);
  return (
    <div ref={box}>
    <Table<Slotted>
      data-testid={props.testId ?? "order-table"}
      size="small"
      rowKey="slot"
      columns={columns}
      dataSource={slotted}
      loading={props.loading}
      pagination={false}
      virtual
      scroll={{ y: props.height, x: Math.max(width, fixed) }}
      locale={{ emptyText: t("orders.empty") }}
      rowSelection={
        props.onSelect
          ? { selectedRowKeys: selectedSlots, onChange: (_, rows) => props.onSelect?.(rows.map((r) => r.number)), columnWidth: w.select }
          : undefined
      }
      rowClassName={(r) => (r.number === props.active ? "row-active" : "")}
      onRow={(r) => ({
        onClick: () => props.onOpen(r.number),
        onMouseEnter: () => props.onHover?.(r.number),
        "data-testid": `order-row-${r.number}`,
      } as React.HTMLAttributes<HTMLElement>)}
      onScroll={(e) => {
        const el = e.currentTarget;
        if (el.scrollHeight - el.scrollTop - el.clientHeight < 200) props.onEndReached?.();
      }}
    />
    </div>
  );
});
