import { Alert, App, Button, Checkbox, Descriptions, Flex, Form, Input, Modal, Result, Select, Skeleton, Steps, Tag, Typography } from "antd";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useLimits } from "../common/limits";
import { api, type CancelOutcome, type CancelPreview, type OrderDetail, type Reversal } from "../api";
import { describe } from "../common/errors";
import { money } from "../common/format";
import { FilePdfOutlined } from "@ant-design/icons";
import { usePrinted } from "../notices/usePrintNotice";

/** Every step a cancel reverses: stock released, credit notes, refunds due. */
export function ReversalList({ r, currency }: { r: Reversal; currency: string }) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language === "zh-CN";
  const nothing = r.stock.length === 0 && r.credit_notes.length === 0 && r.refund_due_minor === 0;
  if (nothing) return <>{t("cancel.nothingToReverse")}</>;
  return (
    <Flex vertical gap={4}>
      {r.stock.length > 0 && (
        <div>{t("cancel.releaseStock")}: {r.stock.map((s) => <Tag key={s.sku}>{zh ? s.product_zh : s.product_en} ×{s.quantity}</Tag>)}</div>
      )}
      {r.credit_notes.map((c) => (
        <div key={c.invoice}>{t("cancel.creditNote", { invoice: c.invoice })}: {money(c.amount_minor, currency)}</div>
      ))}
      {r.refund_due_minor > 0 && <div>{t("cancel.refundDue")}: {money(r.refund_due_minor, currency)}</div>}
    </Flex>
  );
}

/** What the preview says will happen, in words. */
function PreviewBody({ p }: { p: CancelPreview }) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language === "zh-CN";
  const r = p.reversal;
  return (
    <Flex vertical gap={12} data-testid="cancel-preview">
      {!p.allowed && (
        <Alert type="error" showIcon title={t("cancel.blocked")}
          description={p.blockers.map((b) => (zh ? b.message_zh : b.message_en)).join(" ")} data-testid="cancel-blocked" />
      )}
      {p.allowed && (
        <Alert
          type={p.needs_approval ? "warning" : "success"}
          showIcon
          data-testid="cancel-approval"
          title={p.needs_approval ? t("cancel.approvalNeeded") : t("cancel.approvalNone")}
          description={p.approval_reasons.map((a) => t(`cancel.approvalReason.${a}`, { threshold: money(p.approval_threshold_minor ?? 0, p.currency) })).join("；")}
        />
      )}
      <Descriptions size="small" column={1} bordered
        items={[
          {
            key: "r",
            label: t("cancel.willReverse"),
            children: <ReversalList r={r} currency={p.currency} />,
          },
          {
            key: "n",
            label: t("cancel.notified"),
            children: p.recipients.length ? p.recipients.map((x) => (x.login ? `${x.display_name} (${x.login})` : x.display_name)).join("、") : t("cancel.noRecipients"),
          },
        ]}
      />
    </Flex>
  );
}

export function CancelWizard({ order, onClose }: { order: OrderDetail; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const [step, setStep] = useState(0);
  const [reason, setReason] = useState<string | null>(null);
  const [note, setNote] = useState("");
  // The message to the customer: prefilled from the reason, in the
  // customer's language, until the person writes their own.
  const [message, setMessage] = useState("");
  const [messageTouched, setMessageTouched] = useState(false);
  const [notify, setNotify] = useState(true);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<CancelOutcome | null>(null);
  const [failure, setFailure] = useState<{ title: string; text: string } | null>(null);
  const [pdfOpening, setPdfOpening] = useState(false);
  const { message: toast } = App.useApp();
  const printed = usePrinted();
  const [form] = Form.useForm();
  const zh = i18n.language === "zh-CN";
  const limits = useLimits();
  const NOTE_MAX = limits?.note;

  const preview = useQuery({
    queryKey: ["cancel-preview", order.number, reason, note, message],
    queryFn: () => api.cancelPreview(order.number, reason, note || null, message.trim() || null),
    placeholderData: (prev) => prev,
  });
  const reasons = useQuery({ queryKey: ["reasons"], queryFn: api.reasons, staleTime: 300_000 });
  const reasonLabel = reasons.data?.find((r) => r.code === reason);
  const p = preview.data;

  /** The PDF the customer would get, opened in the system's viewer. */
  const openPdf = async () => {
    setPdfOpening(true);
    try {
      printed(await api.previewNotice(order.number, reason, note || null, message.trim() || null));
    } catch (e) {
      toast.error(describe(e).text, 8);
    } finally {
      setPdfOpening(false);
    }
  };

  const submit = async () => {
    if (!reason) return;
    setBusy(true);
    try {
      const out = await api.cancel({
        number: order.number, seen_version: order.version, reason_code: reason, note: note || null,
        notify_customer: notify && !!p?.customer_notice, customer_message: message.trim() || null,
      });
      setOutcome(out);
      setFailure(null);
    } catch (e) {
      setFailure(describe(e));
      void qc.invalidateQueries({ queryKey: ["detail", order.number] });
    } finally {
      setBusy(false);
      setStep(3);
    }
  };

  const customerT = i18n.getFixedT((p?.customer_notice?.language ?? order.customer?.language) === "en" ? "en" : "zh-CN");
  const chooseReason = (code: string | null) => {
    setReason(code);
    if (!messageTouched) {
      const wording = code ? customerT(`cancel.customerWording.${code}`, { defaultValue: "" }) : "";
      setMessage(wording);
      form.setFieldValue("message", wording);
    }
  };

  const next = async () => {
    if (step === 1) {
      try {
        await form.validateFields();
      } catch {
        return; // the form shows what is missing
      }
    }
    setStep(step + 1);
  };

  const footer = step === 3
    ? [<Button key="done" type="primary" onClick={onClose} data-testid="cancel-done">{t("common.done")}</Button>]
    : [
        <Button key="close" onClick={onClose} data-testid="cancel-close">{t("common.close")}</Button>,
        step > 0 && <Button key="back" onClick={() => setStep(step - 1)}>{t("common.back")}</Button>,
        step < 2 && <Button key="next" type="primary" onClick={next} disabled={!p?.allowed} data-testid="cancel-next">{t("common.next")}</Button>,
        step === 2 && (
          <Button key="go" type="primary" danger loading={busy} onClick={submit} data-testid="cancel-confirm">
            {p?.needs_approval ? t("cancel.submitApproval") : t("cancel.submit")}
          </Button>
        ),
      ];

  return (
    <Modal open title={t("cancel.title", { number: order.number })} onCancel={onClose} width={760} footer={footer} mask={{ closable: false }} destroyOnHidden>
      <Steps size="small" current={step} style={{ margin: "8px 0 20px" }}
        items={[{ title: t("cancel.stepPreview") }, { title: t("cancel.stepReason") }, { title: t("cancel.stepConfirm") }, { title: t("cancel.stepResult") }]} />
      {step === 0 && (p ? <PreviewBody p={p} /> : <Skeleton active />)}
      {step === 1 && (
        <Form form={form} layout="vertical" initialValues={{ reason, note, message }}
          onValuesChange={(changed, v) => {
            if ("reason" in changed) chooseReason(v.reason ?? null);
            if ("note" in changed) setNote(v.note ?? "");
            if ("message" in changed) { setMessage(v.message ?? ""); setMessageTouched(true); }
          }}>
          <Form.Item name="reason" label={t("cancel.reason")} rules={[{ required: true, message: t("cancel.reasonRequired") }]}>
            <Select data-testid="cancel-reason" placeholder={t("cancel.reasonRequired")}
              options={(reasons.data ?? []).filter((r) => r.active).map((r) => ({ value: r.code, label: zh ? r.label_zh : r.label_en }))} />
          </Form.Item>
          <Form.Item name="note" label={t("cancel.note")} extra={t("cancel.noteHint")}
            rules={[
              ...(NOTE_MAX ? [{ max: NOTE_MAX }] : []),
              { validator: (_, v) => (reason === "other" && !String(v ?? "").trim() ? Promise.reject(new Error(t("cancel.noteRequired"))) : Promise.resolve()) },
            ]}>
            <Input.TextArea rows={3} showCount maxLength={NOTE_MAX} placeholder={t("cancel.notePlaceholder")} data-testid="cancel-note" />
          </Form.Item>
          {p?.customer_notice && (
            <Form.Item name="message" label={t("cancel.customerMessage", { customer: p.customer_notice.customer })} extra={t("cancel.customerMessageHint")} rules={NOTE_MAX ? [{ max: NOTE_MAX }] : []}>
              <Input.TextArea rows={2} showCount maxLength={NOTE_MAX} data-testid="cancel-customer-message" />
            </Form.Item>
          )}
        </Form>
      )}
      {step === 2 && p && (
        <Flex vertical gap={12}>
          <Typography.Paragraph strong>
            {p.needs_approval
              ? t("cancel.confirmApproval", { number: order.number })
              : t("cancel.confirmText", { number: order.number, reason: reasonLabel ? (zh ? reasonLabel.label_zh : reasonLabel.label_en) : reason })}
          </Typography.Paragraph>
          <PreviewBody p={p} />
          {note.trim() && (
            <Typography.Text type="secondary" data-testid="cancel-internal-note">{t("cancel.internalNoteShown")}: {note.trim()}</Typography.Text>
          )}
          {p.customer_notice && (
            <div>
              <Checkbox checked={notify} onChange={(e) => setNotify(e.target.checked)} data-testid="cancel-notify">
                {t("cancel.sendNotice")} ({p.customer_notice.to ?? t("cancel.noAddress", { customer: p.customer_notice.customer })})
              </Checkbox>
              {notify && (
                <>
                  <Typography.Paragraph type="secondary" style={{ margin: "4px 0" }}>{t("cancel.exactlyThis")}</Typography.Paragraph>
                  <pre className="notice" data-testid="cancel-notice">{p.customer_notice.subject}{"\n\n"}{p.customer_notice.body}</pre>
                  <Button size="small" icon={<FilePdfOutlined />} loading={pdfOpening} data-testid="cancel-notice-pdf"
                    onClick={() => void openPdf()}>
                    {t("notices.previewPdf")}
                  </Button>
                </>
              )}
            </div>
          )}
        </Flex>
      )}
      {step === 3 && outcome && <Outcome outcome={outcome} />}
      {step === 3 && failure && <Result status="warning" title={failure.title} subTitle={failure.text} data-testid="cancel-failure" />}
      {step === 0 && preview.error && <Alert type="error" title={describe(preview.error).text} />}
    </Modal>
  );
}

/** What the cancel did, in the past tense: from → to, who was told, and
 * whether (and where) the customer notice went. */
function Outcome({ outcome }: { outcome: CancelOutcome }) {
  const { t } = useTranslation();
  const cancelled = outcome.status === "cancelled";
  const lines = [
    `${t(`status.${outcome.from}`)} → ${t(`status.${outcome.status}`)}`,
    outcome.notified_names.length ? t("cancel.toldStaff", { names: outcome.notified_names.join("、") }) : t("cancel.toldNobody"),
    !cancelled
      ? t("cancel.noticeOnApproval")
      : outcome.customer_message_id === null
        ? t("cancel.noticeNotSent")
        : outcome.customer_notice_to
          ? t("cancel.noticeQueued", { to: outcome.customer_notice_to })
          : t("cancel.noticeQueuedNoAddress"),
  ];
  return (
    <Result
      data-testid="cancel-result"
      status={cancelled ? "success" : "info"}
      title={cancelled ? t("cancel.doneCancelled", { number: outcome.number }) : t("cancel.donePending", { number: outcome.number })}
      subTitle={<Flex vertical gap={4}>{lines.map((l) => <span key={l}>{l}</span>)}</Flex>}
    />
  );
}
