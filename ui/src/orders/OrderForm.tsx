import { Alert, App, Button, DatePicker, Flex, Form, Input, InputNumber, Modal, Table, Typography } from "antd";
import type { RefSelectProps } from "antd";
import { DeleteOutlined, PlusOutlined } from "@ant-design/icons";
import { useQueryClient } from "@tanstack/react-query";
import dayjs from "dayjs";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useLimits } from "../common/limits";
import { api, type CustomerRecord, type OrderDetail, type Product } from "../api";
import { describe } from "../common/errors";
import { money } from "../common/format";
import { useLink } from "../common/link";
import { CustomerPicker, ProductPicker } from "../catalog/pickers";

type Line = { key: number; product: Product | null; quantity: number | null; price: number | null };

let nextKey = 1;
const emptyLine = (): Line => ({ key: nextKey++, product: null, quantity: 1, price: null });

/** Yuan as typed to minor units, never through a float sum. */
const toMinor = (yuan: number) => Math.round(yuan * 100);

/** A new order, or a draft's changes: customer, date, notes and lines. Made
 * for the keyboard: Tab goes field by field, Enter in a line's quantity or
 * price adds the next line, Ctrl+S (⌘S) saves, Esc closes. The core checks
 * everything again; its refusal shows here, nothing is saved half. */
export function OrderForm({ draft, onClose, onSaved }: {
  /** The draft to change; none for a new order. */
  draft?: OrderDetail;
  onClose: () => void;
  onSaved: (number: string) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const { online } = useLink();
  const [customer, setCustomer] = useState<CustomerRecord | null>(null);
  const [customerId, setCustomerId] = useState<number | null>(draft?.customer.id ?? null);
  const [date, setDate] = useState(draft?.order_date ?? dayjs().format("YYYY-MM-DD"));
  const [notes, setNotes] = useState(draft?.notes ?? "");
  const [lines, setLines] = useState<Line[]>(() =>
    draft
      ? draft.lines.map((l) => ({
          key: nextKey++,
          product: { id: l.product_id, sku: l.sku, name_zh: l.product_zh, name_en: l.product_en, unit_price_minor: l.unit_price_minor, on_hand: 0, reserved: 0, unit: "", active: true },
          quantity: l.quantity,
          price: l.unit_price_minor / 100,
        }))
      : [emptyLine()],
  );
  const limits = useLimits();
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [tried, setTried] = useState(false);
  const pickers = useRef(new Map<number, RefSelectProps | null>());
  const focusLine = useRef<number | null>(null);

  // A draft's customer and products as they are now (their stock, their code).
  useEffect(() => {
    if (!draft) return;
    void api.customerGet(draft.customer.id).then(setCustomer).catch(() => undefined);
    for (const l of draft.lines) {
      void api.productsFind(l.sku, true, 5).then((found) => {
        const p = found.find((x) => x.id === l.product_id);
        if (p) setLines((ls) => ls.map((x) => (x.product?.id === p.id ? { ...x, product: p } : x)));
      }).catch(() => undefined);
    }
  }, [draft]);
  useEffect(() => {
    if (focusLine.current !== null) {
      pickers.current.get(focusLine.current)?.focus();
      focusLine.current = null;
    }
  }, [lines]);

  const setLine = (key: number, patch: Partial<Line>) =>
    setLines((ls) => ls.map((l) => (l.key === key ? { ...l, ...patch } : l)));
  const addLine = () => {
    const l = emptyLine();
    focusLine.current = l.key;
    setLines((ls) => [...ls, l]);
  };
  const filled = lines.filter((l) => l.product);
  const total = filled.reduce((sum, l) => sum + (l.quantity ?? 0) * toMinor(l.price ?? 0), 0);

  const save = async () => {
    setTried(true);
    if (!customerId || filled.length === 0 || filled.some((l) => !l.quantity)) {
      setError(!customerId ? t("own.customerRequired") : t("own.linesRequired"));
      return;
    }
    setSaving(true);
    setError(null);
    const order = {
      customer: customerId,
      order_date: date,
      notes: notes.trim() || null,
      lines: filled.map((l) => ({
        product: l.product!.id,
        quantity: l.quantity ?? 0,
        unit_price_minor: l.price === null ? null : toMinor(l.price),
      })),
    };
    try {
      if (draft) {
        await api.orderEdit(draft.number, draft.version, order);
        message.success(t("own.draftSaved", { number: draft.number }));
        onSaved(draft.number);
      } else {
        const made = await api.orderCreate(order);
        message.success(t("own.orderCreated", { number: made.number }));
        onSaved(made.number);
      }
      void qc.invalidateQueries({ queryKey: ["orders"] });
      void qc.invalidateQueries({ queryKey: ["detail"] });
    } catch (e) {
      setError(describe(e).text);
    } finally {
      setSaving(false);
    }
  };
  const saveRef = useRef(save);
  saveRef.current = save;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "s") {
        e.preventDefault();
        void saveRef.current();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
  const enterAddsLine = (e: React.KeyboardEvent) => {
    if (e.key === "Enter") {
      e.preventDefault();
      addLine();
    }
  };

  return (
    <Modal open width={860} title={draft ? t("own.editDraft", { number: draft.number }) : t("own.newOrder")} onCancel={onClose} maskClosable={false}
      footer={
        <Flex justify="space-between" align="center">
          <Typography.Text type="secondary">{t("own.keysHint")}</Typography.Text>
          <Flex gap={8}>
            <Button onClick={onClose}>{t("common.cancel")}</Button>
            <Button type="primary" loading={saving} disabled={!online} onClick={() => void save()} data-testid="order-save">
              {draft ? t("own.saveDraft") : t("own.saveOrder")}
            </Button>
          </Flex>
        </Flex>
      }>
      <Form layout="vertical" component="div">
        <Flex gap={12}>
          <Form.Item label={t("orders.customer")} style={{ flex: 1 }} required validateStatus={tried && !customerId ? "error" : undefined}>
            <CustomerPicker autoFocus value={customer || !draft ? customerId : null} selected={customer}
              onChange={(id, c) => { setCustomerId(id); setCustomer(c); }} testId="order-customer" />
          </Form.Item>
          <Form.Item label={t("detail.orderDate")} style={{ width: 170 }} required>
            <DatePicker allowClear={false} value={dayjs(date)} onChange={(d) => d && setDate(d.format("YYYY-MM-DD"))} style={{ width: "100%" }} data-testid="order-date" />
          </Form.Item>
        </Flex>
        <Form.Item label={t("own.notes")}>
          <Input.TextArea rows={2} maxLength={limits?.order_notes} value={notes} onChange={(e) => setNotes(e.target.value)} data-testid="order-notes" />
        </Form.Item>
      </Form>
      <Table<Line> size="small" pagination={false} rowKey="key" dataSource={lines} data-testid="order-lines"
        columns={[
          {
            title: t("detail.product"),
            render: (_, l, i) => (
              <ProductPicker ref={(r) => { pickers.current.set(l.key, r); }} value={l.product?.id ?? null} selected={l.product}
                status={tried && !l.product && i === 0 ? "error" : undefined}
                onChange={(_, p) => setLine(l.key, { product: p, price: l.product?.id === p.id ? l.price : p.unit_price_minor / 100 })}
                testId={`line-product-${i}`} />
            ),
          },
          {
            title: t("detail.quantity"), width: 110,
            render: (_, l, i) => (
              <InputNumber min={1} precision={0} value={l.quantity} onChange={(v) => setLine(l.key, { quantity: v })}
                onKeyDown={enterAddsLine} style={{ width: "100%" }} data-testid={`line-quantity-${i}`} />
            ),
          },
          {
            title: t("detail.unitPrice"), width: 140,
            render: (_, l, i) => (
              <InputNumber min={0} precision={2} value={l.price} onChange={(v) => setLine(l.key, { price: v })}
                onKeyDown={enterAddsLine} style={{ width: "100%" }} data-testid={`line-price-${i}`} />
            ),
          },
          {
            title: t("detail.amount"), width: 130, align: "right",
            render: (_, l) => (l.product ? money((l.quantity ?? 0) * toMinor(l.price ?? 0)) : ""),
          },
          {
            title: "", width: 44,
            render: (_, l) => (
              <Button type="text" size="small" icon={<DeleteOutlined />} aria-label={t("own.removeLine")} tabIndex={-1}
                disabled={lines.length === 1} onClick={() => setLines((ls) => ls.filter((x) => x.key !== l.key))} />
            ),
          },
        ]}
      />
      <Flex justify="space-between" align="center" style={{ marginTop: 12 }}>
        <Button icon={<PlusOutlined />} onClick={addLine} data-testid="order-add-line">{t("own.addLine")}</Button>
        <Typography.Text strong style={{ fontSize: 16 }} data-testid="order-total">{t("detail.total")}: {money(total)}</Typography.Text>
      </Flex>
      {error && <Alert style={{ marginTop: 12 }} type="error" showIcon title={error} data-testid="order-error" />}
    </Modal>
  );
}
