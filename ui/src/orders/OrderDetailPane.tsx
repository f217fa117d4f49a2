import { Alert, App, Button, Card, Descriptions, Flex, Result, Skeleton, Space, Table, Tag, Timeline, Typography } from "antd";
import { CopyOutlined, InboxOutlined, StopOutlined, SwapOutlined, CheckOutlined, CloseOutlined, ArrowRightOutlined, EditOutlined, PayCircleOutlined, PrinterOutlined } from "@ant-design/icons";
import { queryOptions, useQuery, useQueryClient } from "@tanstack/react-query";
import { memo, useEffect, useState } from "react";
import { endTiming, startTiming } from "../common/perf";
import { useTranslation } from "react-i18next";
import { api, type Action, type OrderDetail } from "../api";
import { describe } from "../common/errors";
import { useLink } from "../common/link";
import { day, moment, money } from "../common/format";
import { StatusTag } from "../common/StatusTag";
import { CancelWizard } from "../wizards/CancelWizard";
import { ArchiveWizard } from "../wizards/ArchiveWizard";
import { ReassignWizard } from "../wizards/ReassignWizard";
import { RejectDialog } from "../approvals/RejectDialog";
import { GC_TIME } from "./useOrderSearch";
import { OrderForm } from "./OrderForm";
import { PaymentDialog } from "./PaymentDialog";
import { usePrintNotice } from "../notices/usePrintNotice";

/** A delivery on the timeline: to whom, and what the mail server said. */
function NoticeEvent({ data }: { data: unknown }) {
  const d = (data ?? {}) as { to?: string | null; answer?: string | null; attempts?: number };
  if (!d.to && !d.answer) return null;
  return (
    <div>
      <Typography.Text type="secondary">{[d.to, d.answer].filter(Boolean).join(" · ")}</Typography.Text>
    </div>
  );
}

/** Statuses in which money is received. */
const PAYABLE = ["confirmed", "invoiced", "shipped", "completed"];

/** A button for an action the core allows; a refused one is grey, and why is
 * said under the buttons (`WhyNot`), readable without a mouse. */
function ActionButton(props: { action: Action; icon: React.ReactNode; label: string; onClick: () => void; testId: string; danger?: boolean; primary?: boolean }) {
  const { online } = useLink();
  return (
    <Button
      icon={props.icon}
      danger={props.danger}
      type={props.primary ? "primary" : "default"}
      disabled={!props.action.allowed || !online}
      onClick={props.onClick}
      data-testid={props.testId}
    >
      {props.label}
    </Button>
  );
}

/** Why the grey buttons are grey: the core's refusal text, once per reason,
 * after the names of the actions it stops. */
function WhyNot({ actions }: { actions: [string, Action][] }) {
  const { t, i18n } = useTranslation();
  const { online } = useLink();
  if (!online) return <Typography.Text type="secondary" data-testid="why-not">{t("link.offline")}</Typography.Text>;
  const zh = i18n.language === "zh-CN";
  const reasons = new Map<string, string[]>();
  for (const [label, a] of actions) {
    if (a.allowed || !a.problem) continue;
    const text = zh ? a.problem.message_zh : a.problem.message_en;
    reasons.set(text, [...(reasons.get(text) ?? []), label]);
  }
  if (reasons.size === 0) return null;
  return (
    <ul className="why-not" data-testid="why-not">
      {[...reasons].map(([text, labels]) => (
        <li key={text}><Typography.Text type="secondary"><strong>{labels.join(zh ? "、" : ", ")}</strong>{zh ? "：" : ": "}{text}</Typography.Text></li>
      ))}
    </ul>
  );
}

/** How an order's detail is fetched and cached; shared by the pane and by
 * the list, which fetches an order ahead when the pointer is on it. */
export function detailOptions(number: string) {
  return queryOptions({ queryKey: ["detail", number], queryFn: () => api.detail(number), gcTime: GC_TIME });
}

/** Memoised: the result list changing around it does not re-render it. */
export const OrderDetailPane = memo(function OrderDetailPane({ number, onOpen, onClose, rehearsal = false }: {
  number: string; onOpen: (n: string) => void; onClose: () => void;
  /** Drawn out of sight ahead of the first open (see `Rehearsal`): not timed. */
  rehearsal?: boolean;
}) {
  const { t, i18n } = useTranslation();
  const { message, modal } = App.useApp();
  const qc = useQueryClient();
  const print = usePrintNotice();
  const [wizard, setWizard] = useState<"cancel" | "archive" | "reassign" | "reject" | "edit" | "pay" | null>(null);
  // Going from one order to the next updates the pane in place instead of
  // rebuilding it from a skeleton.
  const q = useQuery({ ...detailOptions(number), placeholderData: (prev) => prev });
  const reasons = useQuery({ queryKey: ["reasons"], queryFn: api.reasons, staleTime: 300_000 });
  const zh = i18n.language === "zh-CN";
  // Timed from the click where the list started the clock, else from here.
  useEffect(() => {
    if (!rehearsal) startTiming("open", number, true);
  }, [number, rehearsal]);
  useEffect(() => {
    if (!rehearsal && q.data?.number === number) endTiming("open");
  }, [q.data, number, rehearsal]);

  if (q.isLoading) return <Card><Skeleton active paragraph={{ rows: 10 }} /></Card>;
  if (q.error) {
    const d = describe(q.error);
    return <Result status="warning" title={d.title} subTitle={d.text} />;
  }
  const o = q.data as OrderDetail;

  /** Runs a one-click action; a conflict reloads the order and says who changed it. */
  const act = async (f: () => Promise<unknown>, done: string) => {
    try {
      await f();
      message.success(done);
    } catch (e) {
      const d = describe(e);
      if (d.kind === "conflict") {
        message.warning(t("detail.conflict", { message: d.text }));
        await qc.invalidateQueries({ queryKey: ["detail", number] });
      } else {
        message.error(d.text);
      }
    }
  };

  // Asked first (a copy is a new order); then the new draft opens, and the
  // note names it with a link back to it.
  const copy = () =>
    modal.confirm({
      title: t("detail.copyConfirmTitle", { number: o.number }),
      content: t("detail.copyConfirmText"),
      okText: t("detail.copy"),
      okButtonProps: { "data-testid": "copy-confirm" } as never,
      onOk: async () => {
        try {
          const out = await api.copy(o.number);
          void qc.invalidateQueries({ queryKey: ["orders"] });
          onOpen(out.number);
          message.success({
            key: "copied",
            content: (
              <span data-testid="copied-note">
                {t("detail.copiedTo")} <Typography.Link onClick={() => onOpen(out.number)}>{out.number}</Typography.Link>
              </span>
            ),
            duration: 6,
          });
        } catch (e) {
          message.error(describe(e).text);
        }
      },
    });

  const step = o.actions.advance;
  const reasonLabel = (code: string) => {
    const r = reasons.data?.find((x) => x.code === code);
    return r ? (zh ? r.label_zh : r.label_en) : code;
  };
  const stateLabel: Record<string, string> = { reserved: t("detail.reserved"), released: t("detail.released"), shipped: t("detail.shippedState"), none: t("detail.noneState") };

  return (
    <Card data-testid="order-detail" styles={{ body: { paddingTop: 16 } }}>
      <Flex justify="space-between" align="center" gap={8}>
        <Flex align="center" gap={10}>
          <Typography.Title level={4} style={{ margin: 0 }} data-testid="detail-number">{o.number}</Typography.Title>
          <StatusTag status={o.status} closedAs={o.closed_as} />
        </Flex>
        <Button type="text" size="small" icon={<CloseOutlined />} onClick={onClose} aria-label={t("common.close")} data-testid="detail-close" />
      </Flex>
      <Flex justify="space-between" align="baseline" gap={12} style={{ marginTop: 4 }}>
        <Typography.Text type="secondary" ellipsis title={o.customer.name_latin}>{o.customer.name}</Typography.Text>
        <Typography.Text strong style={{ fontSize: 18, whiteSpace: "nowrap" }} data-testid="detail-total">{money(o.total_minor, o.currency)}</Typography.Text>
      </Flex>

      {o.read_only && o.status !== "archived" && <Alert style={{ marginTop: 12 }} type="info" showIcon title={t("detail.readOnly")} data-testid="read-only-note" />}
      {o.status === "archived" && <Alert style={{ marginTop: 12 }} type="info" showIcon title={t("detail.archivedNote")} />}

      <Flex gap={8} wrap style={{ marginTop: 16 }}>
        <ActionButton action={o.actions.cancel} icon={<StopOutlined />} label={t("detail.cancel")} onClick={() => setWizard("cancel")} testId="action-cancel" danger />
        <ActionButton action={o.actions.reassign} icon={<SwapOutlined />} label={t("detail.reassign")} onClick={() => setWizard("reassign")} testId="action-reassign" />
        <ActionButton action={o.actions.archive} icon={<InboxOutlined />} label={t("detail.archive")} onClick={() => setWizard("archive")} testId="action-archive" />
        <ActionButton action={o.actions.copy} icon={<CopyOutlined />} label={t("detail.copy")} onClick={copy} testId="action-copy" />
        {o.status === "cancel_pending" && (
          <>
            <ActionButton action={o.actions.approve} icon={<CheckOutlined />} label={t("detail.approve")} primary testId="action-approve"
              onClick={() => act(() => api.approve(o.number, o.version), t("approvals.approved", { number: o.number }))} />
            <ActionButton action={o.actions.approve} icon={<CloseOutlined />} label={t("detail.reject")} testId="action-reject" onClick={() => setWizard("reject")} />
          </>
        )}
        {step && (
          <ActionButton action={step[1]} icon={<ArrowRightOutlined />} label={t(`detail.step.${step[0]}`)} testId="action-advance" primary={step[1].allowed && o.status === "draft"}
            onClick={() => act(() => api.advance(o.number, o.version, step[0]), t("own.stepDone", { step: t(`detail.step.${step[0]}`), number: o.number }))} />
        )}
        {o.status === "draft" && (
          <ActionButton action={o.actions.edit} icon={<EditOutlined />} label={t("own.edit")} testId="action-edit" onClick={() => setWizard("edit")} />
        )}
        {PAYABLE.includes(o.status) && (
          <ActionButton action={o.actions.pay} icon={<PayCircleOutlined />} label={t("own.pay")} testId="action-pay" onClick={() => setWizard("pay")} />
        )}
        {(o.status === "cancelled" || o.closed_as === "cancelled") && (
          <Button icon={<PrinterOutlined />} onClick={() => void print(o.number)} data-testid="action-print-notice">{t("notices.printNotice")}</Button>
        )}
      </Flex>
      <WhyNot actions={[
        [t("detail.cancel"), o.actions.cancel],
        [t("detail.reassign"), o.actions.reassign],
        [t("detail.archive"), o.actions.archive],
        [t("detail.copy"), o.actions.copy],
        ...(o.status === "cancel_pending" ? [[t("detail.approve"), o.actions.approve] as [string, Action]] : []),
        ...(step ? [[t(`detail.step.${step[0]}`), step[1]] as [string, Action]] : []),
        ...(o.status === "draft" ? [[t("own.edit"), o.actions.edit] as [string, Action]] : []),
        ...(PAYABLE.includes(o.status) ? [[t("own.pay"), o.actions.pay] as [string, Action]] : []),
      ]} />

      <Descriptions size="small" column={3} layout="vertical" style={{ marginTop: 16 }}
        items={[
          { key: "h", label: t("detail.handler"), children: <span data-testid="detail-handler">{o.handler_name ? `${o.handler_name} (${o.handler})` : t("orders.queue")}</span> },
          { key: "d", label: t("detail.department"), children: zh ? o.department.name_zh : o.department.name_en },
          { key: "r", label: t("detail.salesRep"), children: <>{o.sales_rep_name || o.sales_rep} <Typography.Text type="secondary">({o.sales_rep})</Typography.Text></> },
          { key: "o", label: t("detail.orderDate"), children: day(o.order_date) },
          { key: "v", label: t("detail.version"), children: o.version },
          ...(PAYABLE.includes(o.status) || o.paid_minor > 0 ? [{ key: "p", label: t("own.paid"), children: <span data-testid="detail-paid">{money(o.paid_minor, o.currency)} / {money(o.total_minor, o.currency)}</span> }] : []),
          ...(o.notes ? [{ key: "n", label: t("own.notes"), span: 3, children: <Typography.Text style={{ whiteSpace: "pre-wrap" }}>{o.notes}</Typography.Text> }] : []),
          ...(o.cancel_reason ? [{ key: "c", label: t("detail.reason"), span: 3, children: `${reasonLabel(o.cancel_reason)}${o.cancel_note ? ` — ${o.cancel_note}` : ""}` }] : []),
        ]}
      />

      <Typography.Title level={5} style={{ marginTop: 20 }}>{t("detail.lines")}</Typography.Title>
      <Table size="small" pagination={false} rowKey="line_no" dataSource={o.lines}
        columns={[
          { title: "SKU", dataIndex: "sku", width: 80 },
          { title: t("detail.product"), render: (_, l) => (zh ? l.product_zh : l.product_en), ellipsis: true },
          { title: t("detail.quantity"), dataIndex: "quantity", width: 60, align: "right" },
          { title: t("detail.unitPrice"), width: 110, align: "right", render: (_, l) => money(l.unit_price_minor, o.currency) },
          { title: t("detail.amount"), width: 120, align: "right", render: (_, l) => money(l.quantity * l.unit_price_minor, o.currency) },
        ]}
      />

      <Typography.Title level={5} style={{ marginTop: 20 }}>{t("detail.processed")}</Typography.Title>
      <Flex gap={16} wrap>
        <div style={{ flex: 1, minWidth: 220 }}>
          <Typography.Text type="secondary">{t("detail.reservations")}</Typography.Text>
          <div style={{ marginTop: 4 }}>
            {o.reservations.length === 0 ? t("detail.noReservations") : o.reservations.map((r) => (
              <Tag key={r.sku} color={r.state === "reserved" ? "blue" : r.state === "released" ? "default" : "green"}>
                {r.sku} ×{r.quantity} · {stateLabel[r.state] ?? r.state}
              </Tag>
            ))}
          </div>
        </div>
        <div style={{ flex: 1, minWidth: 220 }}>
          <Typography.Text type="secondary">{t("detail.finance")}</Typography.Text>
          <div style={{ marginTop: 4 }}>
            {o.finance.length === 0 ? t("detail.noFinance") : o.finance.map((f, i) => (
              <div key={i}>
                {t(`finance.${f.kind}`)} {f.reference}: <Typography.Text type={f.amount_minor < 0 ? "danger" : undefined}>{money(f.amount_minor, f.currency)}</Typography.Text>
              </div>
            ))}
          </div>
        </div>
      </Flex>

      <Typography.Title level={5} style={{ marginTop: 20 }}>{t("detail.timeline")}</Typography.Title>
      <Timeline
        data-testid="timeline"
        items={o.events.map((e) => ({
          key: e.id,
          color: e.kind.startsWith("cancel") ? "red" : e.kind === "archived" ? "gray" : "blue",
          title: moment(e.at),
          content: (
            <div data-testid={`event-${e.kind}`}>
              <Typography.Text strong>{t(`events.${e.kind}`, { defaultValue: e.kind })}</Typography.Text>
              {e.to && (
                <Typography.Text data-testid="event-from-to">
                  {" "}{e.from ? `${t(`status.${e.from}`, { defaultValue: e.from })} → ` : "→ "}{t(`status.${e.to}`, { defaultValue: e.to })}
                </Typography.Text>
              )}
              {(e.actor_name ?? e.actor) && <Typography.Text type="secondary"> · {e.actor_name ?? e.actor}</Typography.Text>}
              {e.kind.startsWith("notice_") && <NoticeEvent data={e.data} />}
              {e.reason && <div>{t("detail.reason")}: {reasonLabel(e.reason)}</div>}
              {e.note && <div><Typography.Text type="secondary">{e.note}</Typography.Text></div>}
            </div>
          ),
        }))}
      />

      {(o.watchers.length > 0 || o.copied_from || o.copies.length > 0) && (
        <Descriptions size="small" column={1}
          items={[
            ...(o.watchers.length ? [{ key: "w", label: t("detail.watchers"), children: o.watcher_names.join("、") }] : []),
            ...(o.copied_from ? [{ key: "f", label: t("detail.copiedFrom"), children: <Typography.Link onClick={() => onOpen(o.copied_from as string)}>{o.copied_from}</Typography.Link> }] : []),
            ...(o.copies.length ? [{ key: "c", label: t("detail.copies"), children: <Space>{o.copies.map((c) => <Typography.Link key={c} onClick={() => onOpen(c)}>{c}</Typography.Link>)}</Space> }] : []),
          ]}
        />
      )}

      {wizard === "cancel" && <CancelWizard order={o} onClose={() => setWizard(null)} />}
      {wizard === "archive" && <ArchiveWizard numbers={[o.number]} onClose={() => setWizard(null)} />}
      {wizard === "reassign" && <ReassignWizard numbers={[o.number]} version={o.version} onClose={() => setWizard(null)} />}
      {wizard === "reject" && <RejectDialog number={o.number} version={o.version} onClose={() => setWizard(null)} />}
      {wizard === "edit" && <OrderForm draft={o} onClose={() => setWizard(null)} onSaved={() => setWizard(null)} />}
      {wizard === "pay" && <PaymentDialog order={o} onClose={() => setWizard(null)} />}
    </Card>
  );
});

/** The first order opened in a session took ~100 ms longer to draw than the
 * next ones: the webview compiles the pane's code and lays out its type the
 * first time. This draws the pane once for `number`, out of sight and out of
 * reach of the keyboard, then calls `onDone`, so the first real open is as
 * quick as the rest. */
export function Rehearsal({ number, onDone }: { number: string; onDone: () => void }) {
  const q = useQuery(detailOptions(number));
  useEffect(() => {
    if (!q.data) return;
    const later = setTimeout(onDone, 500);
    return () => clearTimeout(later);
  }, [q.data, onDone]);
  return (
    <div inert aria-hidden style={{ position: "fixed", left: -10_000, top: 0, width: 560 }}>
      <OrderDetailPane number={number} onOpen={ignore} onClose={ignore} rehearsal />
    </div>
  );
}

function ignore() {}
