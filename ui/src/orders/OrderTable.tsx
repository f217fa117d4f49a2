import { Table } from "antd";
import type { ColumnsType } from "antd/es/table";
import { memo, useMemo } from "react";
import { useTranslation } from "react-i18next";
import type { Row, Status } from "../api";
import { day, money } from "../common/format";
import { statusTag } from "../common/StatusTag";

/** A row and its place in the list. Rows are keyed by place, not by order
 * number: a new search then updates the rendered rows in place instead of
 * unmounting them and mounting new ones, which takes longer. */
type Slotted = Row & { slot: number };

/** The virtualised result list; the row with `active` is highlighted. */
export const OrderTable = memo(function OrderTable(props: {
  rows: Row[];
  loading: boolean;
  active: string | null;
  onOpen: (number: string) => void;
  /** The pointer is over a row: a chance to fetch it before the click. */
  onHover?: (number: string) => void;
  selected?: string[];
  onSelect?: (numbers: string[]) => void;
  onEndReached?: () => void;
  height: number;
  testId?: string;
}) {
  const { t, i18n } = useTranslation();
  // Built once per language: a new array each render makes antd redo its layout.
  // Cells are plain elements where they can be: a page of rows renders often.
  const columns: ColumnsType<Slotted> = useMemo(() => [
    { title: t("orders.number"), dataIndex: "number", width: 150, render: (n: string) => <strong>{n}</strong> },
    {
      title: t("orders.customer"),
      dataIndex: "customer",
      ellipsis: true,
      render: (c: string, r) => (
        <span title={r.customer_latin}>
          {c}
        </span>
      ),
    },
    {
      title: t("orders.status"),
      dataIndex: "status",
      width: 150,
      render: (s: Status, r) => statusTag(t, s, r.closed_as as Status | null),
    },
    {
      title: t("orders.handler"),
      dataIndex: "handler_name",
      width: 110,
      ellipsis: true,
      render: (h: string | null) => h ?? <span className="muted">{t("orders.queue")}</span>,
    },
    { title: t("orders.total"), dataIndex: "total_minor", width: 130, align: "right", render: (m: number, r) => money(m, r.currency) },
    { title: t("orders.date"), dataIndex: "order_date", width: 110, render: (d: string) => day(d) },
    // eslint-disable-next-line react-hooks/exhaustive-deps
  ], [t, i18n.language]);
  const slotted = useMemo(() => props.rows.map((r, slot) => ({ ...r, slot })), [props.rows]);
  // Selection is kept by order number, outside the table.
  const selectedSlots = useMemo(() => {
    const set = new Set(props.selected);
    return slotted.filter((r) => set.has(r.number)).map((r) => r.slot);
  }, [slotted, props.selected]);
  return (
    <Table<Slotted>
      data-testid={props.testId ?? "order-table"}
      size="small"
      rowKey="slot"
      columns={columns}
      dataSource={slotted}
      loading={props.loading}
      pagination={false}
      virtual
      scroll={{ y: props.height, x: 760 }}
      locale={{ emptyText: t("orders.empty") }}
      rowSelection={
        props.onSelect
          ? { selectedRowKeys: selectedSlots, onChange: (_, rows) => props.onSelect?.(rows.map((r) => r.number)), columnWidth: 36 }
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
  );
});
