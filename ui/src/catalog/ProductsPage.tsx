import { App, Button, Checkbox, Descriptions, Drawer, Flex, Form, Input, InputNumber, Popconfirm, Radio, Space, Table, Tag, Timeline, Typography } from "antd";
import { PlusOutlined } from "@ant-design/icons";
import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useLimits } from "../common/limits";
import { api, type Product, type StockAdjustment } from "../api";
import { describe } from "../common/errors";
import { count, money, moment } from "../common/format";
import { isManager, useSession } from "../common/session";
import { useWindowHeight } from "../common/useWindowHeight";
import { ChangeLine } from "./history";
import { productsKey } from "./pickers";

const PAGE_ROWS = 200;

/** Products and their stock: on hand, reserved for open orders, available.
 * Managers and administrators create products and record stock received or
 * counted (with the reason); everyone reads. */
export function ProductsPage() {
  const { t, i18n } = useTranslation();
  const session = useSession();
  const height = useWindowHeight();
  const [text, setText] = useState("");
  const [all, setAll] = useState(false);
  const [open, setOpen] = useState<Product | "new" | null>(null);
  const found = useQuery({ queryKey: productsKey(text, all), queryFn: () => api.productsFind(text, all, PAGE_ROWS), placeholderData: keepPreviousData });
  const zh = i18n.language === "zh-CN";
  const editor = isManager(session);
  return (
    <Flex vertical gap={12} style={{ height: "100%" }}>
      <Flex justify="space-between" align="center">
        <Typography.Title level={4} style={{ margin: 0 }}>{t("own.products")}</Typography.Title>
        {editor && <Button type="primary" icon={<PlusOutlined />} onClick={() => setOpen("new")} data-testid="product-new">{t("own.newProduct")}</Button>}
      </Flex>
      <Flex gap={12} align="center">
        <Input.Search allowClear autoFocus placeholder={t("own.productSearch")} onChange={(e) => setText(e.target.value)} style={{ maxWidth: 420 }} data-testid="product-search" />
        <Checkbox checked={all} onChange={(e) => setAll(e.target.checked)}>{t("own.showInactive")}</Checkbox>
      </Flex>
      <Table<Product> size="small" rowKey="id" loading={found.isLoading} dataSource={found.data ?? []} data-testid="product-list"
        pagination={false} scroll={{ y: height - 260 }}
        onRow={(p) => ({ onClick: () => setOpen(p), style: { cursor: "pointer" } })}
        locale={{ emptyText: text ? t("own.noneFound") : t("own.noProductsYet") }}
        columns={[
          { title: "SKU", dataIndex: "sku", width: 120 },
          { title: t("detail.product"), render: (_, p) => (zh ? p.name_zh : p.name_en), ellipsis: true },
          { title: t("detail.unitPrice"), width: 120, align: "right", render: (_, p) => money(p.unit_price_minor) },
          { title: t("own.onHand"), width: 90, align: "right", render: (_, p) => count(p.on_hand) },
          { title: t("own.reserved"), width: 90, align: "right", render: (_, p) => count(p.reserved) },
          {
            title: t("own.available"), width: 90, align: "right",
            render: (_, p) => <Typography.Text type={p.on_hand - p.reserved <= 0 ? "danger" : undefined} strong>{count(p.on_hand - p.reserved)}</Typography.Text>,
          },
          { title: t("own.unit"), dataIndex: "unit", width: 60 },
          { title: "", width: 80, render: (_, p) => (p.active ? null : <Tag>{t("own.inactive")}</Tag>) },
        ]}
      />
      {found.data && found.data.length === PAGE_ROWS && <Typography.Text type="secondary">{t("own.narrowDown", { count: PAGE_ROWS })}</Typography.Text>}
      {open && <ProductDrawer product={open === "new" ? null : open} editor={editor} onClose={() => setOpen(null)} onSaved={setOpen} />}
    </Flex>
  );
}

type ProductForm = { sku: string; name_zh: string; name_en: string; price: number; unit: string };

function ProductDrawer({ product, editor, onClose, onSaved }: {
  product: Product | null; editor: boolean; onClose: () => void; onSaved: (p: Product) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<ProductForm>();
  const limits = useLimits();
  const [saving, setSaving] = useState(false);
  const run = async (f: () => Promise<Product>, done: string) => {
    setSaving(true);
    try {
      const p = await f();
      message.success(done);
      await qc.invalidateQueries({ queryKey: ["products"] });
      onSaved(p);
    } catch (e) {
      message.error(describe(e).text);
    } finally {
      setSaving(false);
    }
  };
  const save = async () => {
    const v = await form.validateFields();
    await run(
      () => api.productSave({ id: product?.id ?? null, sku: v.sku, name_zh: v.name_zh, name_en: v.name_en ?? "", unit_price_minor: Math.round(v.price * 100), unit: v.unit ?? "" }),
      t("own.productSaved", { sku: v.sku }),
    );
  };
  return (
    <Drawer open width={560} title={product ? `${product.sku} ${product.name_zh}` : t("own.newProduct")} onClose={onClose}
      extra={editor && (
        <Space>
          {product && (product.active ? (
            <Popconfirm title={t("own.deactivateProductConfirm")} onConfirm={() => run(() => api.productSetActive(product.id, false), t("own.deactivated"))}>
              <Button danger>{t("own.deactivate")}</Button>
            </Popconfirm>
          ) : (
            <Button onClick={() => run(() => api.productSetActive(product.id, true), t("own.activated"))}>{t("own.activate")}</Button>
          ))}
          <Button type="primary" loading={saving} onClick={() => void save()} data-testid="product-save">{t("settings.save")}</Button>
        </Space>
      )}>
      <Form form={form} layout="vertical" disabled={!editor} requiredMark={editor}
        initialValues={{ sku: product?.sku ?? "", name_zh: product?.name_zh ?? "", name_en: product?.name_en ?? "", price: (product?.unit_price_minor ?? 0) / 100, unit: product?.unit ?? "" }}>
        <Flex gap={12}>
          <Form.Item name="sku" label="SKU" rules={[{ required: true, whitespace: true, max: limits?.sku }]} style={{ flex: 1 }} extra={product ? t("own.skuFixed") : undefined}>
            <Input autoFocus={!product} disabled={!!product} data-testid="product-sku" />
          </Form.Item>
          <Form.Item name="unit" label={t("own.unit")} style={{ width: 100 }}><Input maxLength={limits?.unit} placeholder="件" /></Form.Item>
        </Flex>
        <Form.Item name="name_zh" label={t("own.nameZh")} rules={[{ required: true, whitespace: true, max: limits?.product_name }]}><Input data-testid="product-name" /></Form.Item>
        <Form.Item name="name_en" label={t("own.nameEn")} extra={t("own.nameEnHint")}><Input maxLength={limits?.product_name} /></Form.Item>
        <Form.Item name="price" label={t("detail.unitPrice")} rules={[{ required: true }]}>
          <InputNumber min={0} precision={2} prefix="¥" style={{ width: 200 }} data-testid="product-price" />
        </Form.Item>
      </Form>
      {product && <Stock product={product} editor={editor} onChanged={onSaved} />}
    </Drawer>
  );
}

/** On hand, reserved, available; receipts and counts with their reason. */
function Stock({ product, editor, onChanged }: { product: Product; editor: boolean; onChanged: (p: Product) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [kind, setKind] = useState<"receipt" | "count">("receipt");
  const [quantity, setQuantity] = useState<number | null>(null);
  const [reason, setReason] = useState("");
  const [saving, setSaving] = useState(false);
  const limits = useLimits();
  const stock = useQuery({ queryKey: ["products", "stock", product.id], queryFn: () => api.stockHistory(product.id, 50) });
  const history = useQuery({ queryKey: ["products", "history", product.id], queryFn: () => api.productHistory(product.id), enabled: editor });
  const apply = async () => {
    if (quantity === null || !reason.trim()) return;
    setSaving(true);
    try {
      const change = kind === "receipt" ? { kind, quantity } : { kind, on_hand: quantity };
      const p = await api.stockChange(product.id, change, reason);
      message.success(t("own.stockSaved", { sku: p.sku, count: p.on_hand }));
      setQuantity(null);
      setReason("");
      await qc.invalidateQueries({ queryKey: ["products"] });
      onChanged(p);
    } catch (e) {
      message.error(describe(e).text);
    } finally {
      setSaving(false);
    }
  };
  return (
    <>
      <Typography.Title level={5} style={{ marginTop: 8 }}>{t("own.stock")}</Typography.Title>
      <Descriptions size="small" column={3} bordered items={[
        { key: "h", label: t("own.onHand"), children: <span data-testid="stock-on-hand">{count(product.on_hand)}</span> },
        { key: "r", label: t("own.reserved"), children: count(product.reserved) },
        { key: "a", label: t("own.available"), children: <strong>{count(product.on_hand - product.reserved)}</strong> },
      ]} />
      {editor && (
        <Flex vertical gap={8} style={{ marginTop: 12 }}>
          <Radio.Group value={kind} onChange={(e) => setKind(e.target.value)} optionType="button"
            options={[{ value: "receipt", label: t("own.receipt") }, { value: "count", label: t("own.count") }]} />
          <Flex gap={8}>
            <InputNumber min={kind === "receipt" ? 1 : 0} precision={0} value={quantity} onChange={setQuantity} style={{ width: 160 }}
              placeholder={kind === "receipt" ? t("own.receivedQty") : t("own.countedQty")} data-testid="stock-quantity" />
            <Input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={limits?.stock_reason} placeholder={t("own.stockReason")}
              onPressEnter={() => void apply()} data-testid="stock-reason" />
            <Button type="primary" loading={saving} disabled={quantity === null || !reason.trim()} onClick={() => void apply()} data-testid="stock-apply">
              {t("own.record")}
            </Button>
          </Flex>
          <Typography.Text type="secondary">{kind === "receipt" ? t("own.receiptHint") : t("own.countHint", { reserved: product.reserved })}</Typography.Text>
        </Flex>
      )}
      <Table<StockAdjustment> size="small" style={{ marginTop: 12 }} rowKey="id" pagination={{ pageSize: 8, size: "small" }} dataSource={stock.data ?? []}
        locale={{ emptyText: t("own.noStockMoves") }}
        columns={[
          { title: t("settings.when"), width: 140, render: (_, a) => moment(a.at) },
          { title: t("settings.what"), width: 80, render: (_, a) => t(`own.adjust.${a.kind}`, { defaultValue: a.kind }) },
          { title: t("detail.quantity"), width: 70, align: "right", render: (_, a) => (a.quantity > 0 ? `+${a.quantity}` : a.quantity) },
          { title: t("own.onHand"), width: 70, align: "right", dataIndex: "on_hand_after" },
          { title: t("own.reason"), dataIndex: "reason", ellipsis: true },
          { title: t("settings.who"), width: 90, render: (_, a) => a.actor_name ?? a.actor ?? "" },
        ]}
      />
      {editor && (history.data?.length ?? 0) > 0 && (
        <>
          <Typography.Title level={5}>{t("own.history")}</Typography.Title>
          <Timeline items={(history.data ?? []).map((e) => ({ key: e.id, title: moment(e.at), content: <ChangeLine event={e} /> }))} />
        </>
      )}
    </>
  );
}
