import { App, Form, Input, Modal } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useLimits } from "../common/limits";
import { api } from "../api";
import { describe } from "../common/errors";

/** A manager rejects a pending cancellation; the note is required. */
export function RejectDialog({ number, version, onClose }: { number: string; version: number; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ note: string }>();
  const [busy, setBusy] = useState(false);
  const limits = useLimits();
  const ok = async () => {
    const { note } = await form.validateFields();
    setBusy(true);
    try {
      await api.reject(number, version, note);
      message.success(t("approvals.rejected", { number }));
      onClose();
    } catch (e) {
      message.error(describe(e).text);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open title={t("approvals.rejectTitle", { number })} onOk={ok} onCancel={onClose} confirmLoading={busy}
      okButtonProps={{ danger: true, ...{ "data-testid": "reject-confirm" } }} okText={t("detail.reject")}>
      <Form form={form} layout="vertical">
        <Form.Item name="note" label={t("approvals.rejectNote")} rules={[{ required: true, whitespace: true, message: t("approvals.rejectNote") }, { max: limits?.note }]}>
          <Input.TextArea rows={3} data-testid="reject-note" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
