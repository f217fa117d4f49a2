import { Alert, App, Descriptions, InputNumber, Modal } from "antd";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api, type OrderDetail } from "../api";
import { describe } from "../common/errors";
import { money } from "../common/format";

/** Money received for an order: part or all of what is still owed. The core
 * refuses more than that; its message shows here. */
export function PaymentDialog({ order, onClose }: { order: OrderDetail; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const owed = order.total_minor - order.paid_minor;
  const [amount, setAmount] = useState<number | null>(owed / 100);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const save = async () => {
    if (!amount || amount <= 0) return;
    setSaving(true);
    setError(null);
    try {
      await api.recordPayment(order.number, order.version, Math.round(amount * 100));
      message.success(t("own.paymentRecorded", { amount: money(Math.round(amount * 100), order.currency), number: order.number }));
      void qc.invalidateQueries({ queryKey: ["detail", order.number] });
      onClose();
    } catch (e) {
      setError(describe(e).text);
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal open title={t("own.payTitle", { number: order.number })} onCancel={onClose} onOk={() => void save()} okText={t("own.pay")}
      okButtonProps={{ loading: saving, disabled: !amount || amount <= 0, "data-testid": "pay-confirm" } as never}>
      <Descriptions size="small" column={1} items={[
        { key: "t", label: t("detail.total"), children: money(order.total_minor, order.currency) },
        { key: "p", label: t("own.paid"), children: money(order.paid_minor, order.currency) },
        { key: "o", label: t("own.owed"), children: <strong>{money(owed, order.currency)}</strong> },
      ]} />
      <InputNumber autoFocus min={0.01} max={owed / 100} precision={2} value={amount} onChange={setAmount} prefix="¥"
        onPressEnter={() => void save()} style={{ width: "100%", marginTop: 12 }} data-testid="pay-amount" />
      {error && <Alert style={{ marginTop: 12 }} type="error" showIcon title={error} />}
    </Modal>
  );
}
