import { Alert, Badge, Button, Flex, Input, List, Modal, Result, Segmented, Select, Steps, Typography } from "antd";
import { ApartmentOutlined, UserOutlined } from "@ant-design/icons";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useLimits } from "../common/limits";
import { api, type Target } from "../api";
import { describe } from "../common/errors";
import { JobResults } from "./JobResults";
import { useJob } from "./useJob";

/** Hand one order (at `version`) or a selection to a person or a department queue. */
export function ReassignWizard({ numbers, version, onClose }: { numbers: string[]; version?: number; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const zh = i18n.language === "zh-CN";
  const [step, setStep] = useState(0);
  const [kind, setKind] = useState<"user" | "department">("user");
  const [filter, setFilter] = useState("");
  const [department, setDepartment] = useState<number | null>(null);
  const [target, setTarget] = useState<Target | null>(null);
  const [targetLabel, setTargetLabel] = useState("");
  const [note, setNote] = useState("");
  const [busy, setBusy] = useState(false);
  const limits = useLimits();
  const [done, setDone] = useState<string | null>(null);
  const [failure, setFailure] = useState<{ title: string; text: string } | null>(null);
  const job = useJob();
  const many = numbers.length > 1;

  const departments = useQuery({ queryKey: ["departments"], queryFn: api.departments, staleTime: 600_000 });
  const candidates = useQuery({
    queryKey: ["candidates", filter, department],
    queryFn: () => api.candidates(filter || null, department),
    placeholderData: (prev) => prev,
  });

  const confirm = async () => {
    if (!target) return;
    setBusy(true);
    try {
      if (many) {
        await job.start({ kind: "reassign", target, note: note || null }, { kind: "orders", orders: numbers.map((n) => [n, null]) });
      } else {
        const out = await api.reassign(numbers[0], version ?? 0, target, note || null);
        setDone(out.handler_name ? `${out.handler_name} (${out.handler})` : targetLabel);
      }
    } catch (e) {
      setFailure(describe(e));
      void qc.invalidateQueries({ queryKey: ["detail", numbers[0]] });
    } finally {
      setBusy(false);
      setStep(2);
    }
  };

  const footer = step === 2
    ? [<Button key="ok" type="primary" onClick={onClose} disabled={job.running} data-testid="reassign-done">{t("common.done")}</Button>]
    : [
        <Button key="close" onClick={onClose}>{t("common.close")}</Button>,
        step === 1 && <Button key="back" onClick={() => setStep(0)}>{t("common.back")}</Button>,
        step === 0 && <Button key="next" type="primary" disabled={!target} onClick={() => setStep(1)} data-testid="reassign-next">{t("common.next")}</Button>,
        step === 1 && <Button key="go" type="primary" loading={busy} onClick={confirm} data-testid="reassign-confirm">{t("reassign.confirm", { target: targetLabel })}</Button>,
      ];

  return (
    <Modal open width={640} mask={{ closable: false }} onCancel={onClose} footer={footer}
      title={many ? t("reassign.titleMany", { count: numbers.length }) : `${t("reassign.title")} ${numbers[0]}`}>
      <Steps size="small" current={step} style={{ margin: "8px 0 16px" }}
        items={[{ title: t("reassign.pick") }, { title: t("reassign.note") }, { title: t("cancel.stepResult") }]} />
      {step === 0 && (
        <Flex vertical gap={12}>
          <Segmented value={kind} onChange={(v) => { setKind(v as "user" | "department"); setTarget(null); }} block
            options={[
              { value: "user", label: t("reassign.toUser"), icon: <UserOutlined /> },
              { value: "department", label: t("reassign.toDepartment"), icon: <ApartmentOutlined /> },
            ]} />
          <Flex gap={8}>
            <Input.Search allowClear placeholder={t("reassign.filter")} value={filter} onChange={(e) => setFilter(e.target.value)} data-testid="reassign-filter" />
            <Select allowClear style={{ width: 200 }} placeholder={t("reassign.department")} value={department} onChange={(v) => setDepartment(v ?? null)}
              options={(departments.data ?? []).map((d) => ({ value: d.id, label: zh ? d.name_zh : d.name_en }))} />
          </Flex>
          {kind === "user" ? (
            <List size="small" bordered style={{ maxHeight: 320, overflow: "auto" }} loading={candidates.isLoading}
              dataSource={candidates.data?.users ?? []}
              renderItem={(u) => {
                const active = target?.kind === "user" && target.value === u.login;
                return (
                  <List.Item className={active ? "row-active" : ""} style={{ cursor: "pointer" }} data-testid={`candidate-${u.login}`}
                    onClick={() => { setTarget({ kind: "user", value: u.login }); setTargetLabel(`${u.display_name} (${u.login})`); }}>
                    <List.Item.Meta title={`${u.display_name} · ${u.login}`} description={zh ? u.department_zh : u.department_en} />
                    <Badge count={t("reassign.workload", { count: u.open_orders })} color={u.open_orders > 60 ? "orange" : "blue"} />
                  </List.Item>
                );
              }} />
          ) : (
            <List size="small" bordered dataSource={candidates.data?.departments ?? []}
              renderItem={(d) => {
                const active = target?.kind === "department" && target.value === d.name_zh;
                return (
                  <List.Item className={active ? "row-active" : ""} style={{ cursor: "pointer" }} data-testid={`candidate-dept-${d.id}`}
                    onClick={() => { setTarget({ kind: "department", value: d.name_zh }); setTargetLabel(zh ? d.name_zh : d.name_en); }}>
                    <List.Item.Meta title={zh ? d.name_zh : d.name_en} />
                    <Badge count={t("reassign.queue", { count: d.queue })} color="purple" />
                  </List.Item>
                );
              }} />
          )}
        </Flex>
      )}
      {step === 1 && (
        <Flex vertical gap={12}>
          <Typography.Text>{t("reassign.confirm", { target: targetLabel })}</Typography.Text>
          <Input.TextArea rows={3} maxLength={limits?.note} showCount value={note} onChange={(e) => setNote(e.target.value)}
            placeholder={t("reassign.note")} data-testid="reassign-note" />
        </Flex>
      )}
      {step === 2 && done && <Result status="success" title={t("reassign.done", { target: done })} data-testid="reassign-result" />}
      {step === 2 && failure && <Result status="warning" title={failure.title} subTitle={failure.text} />}
      {step === 2 && many && job.status && (
        <Flex vertical gap={12}>
          <Alert type={job.status.refused ? "warning" : "success"} showIcon
            title={t("reassign.doneMany", { done: job.status.done, refused: job.status.refused })} />
          {!job.running && <JobResults job={job.status.id} version={job.status.done} />}
        </Flex>
      )}
    </Modal>
  );
}
