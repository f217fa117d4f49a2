import { Alert, App, Button, DatePicker, Flex, Form, List, Modal, Progress, Radio, Result, Select, Skeleton, Typography } from "antd";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api, type Selection, type Status } from "../api";
import { describe } from "../common/errors";
import { count } from "../common/format";
import { JobResults } from "./JobResults";
import { useJob } from "./useJob";

/** Archive one order, a selection, or everything closed before a date. */
export function ArchiveWizard({ numbers, onClose }: { numbers: string[]; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const { modal } = App.useApp();
  const [mode, setMode] = useState<"selection" | "filter">(numbers.length ? "selection" : "filter");
  const [before, setBefore] = useState<string | null>(null);
  const [closedAs, setClosedAs] = useState<Status | null>(null);
  const job = useJob();
  const zh = i18n.language === "zh-CN";

  const selection: Selection | null =
    mode === "selection"
      ? { kind: "orders", orders: numbers.map((n) => [n, null]) }
      : before
        ? { kind: "closed_before", before, status: closedAs }
        : null;
  const preview = useQuery({
    queryKey: ["archive-preview", selection],
    queryFn: () => api.archivePreview(selection as Selection),
    enabled: selection !== null && !job.status,
  });

  const s = job.status;
  const finished = s && !job.running && s.pending === 0;
  const stopped = s && !job.running && s.pending > 0;
  const percent = s && s.total ? Math.floor(((s.done + s.refused) / s.total) * 100) : 0;

  // Archiving is for good: say so before it starts.
  const confirmStart = () =>
    selection &&
    modal.confirm({
      title: t("archive.confirmTitle", { count: preview.data?.eligible ?? 0 }),
      content: t("archive.confirmText"),
      okText: t("archive.start", { count: preview.data?.eligible ?? 0 }),
      okButtonProps: { "data-testid": "archive-confirm" } as never,
      onOk: () => void job.start({ kind: "archive" }, selection),
    });

  const footer = [
    <Button key="close" onClick={onClose} disabled={job.running} data-testid="archive-close">{finished ? t("common.done") : t("common.close")}</Button>,
    job.running && <Button key="stop" danger onClick={() => void job.stop()} data-testid="archive-stop">{t("common.stop")}</Button>,
    stopped && <Button key="resume" type="primary" onClick={() => void job.resume()}>{t("archive.resume")}</Button>,
    !s && (
      <Button key="go" type="primary" disabled={!preview.data || preview.data.eligible === 0}
        onClick={confirmStart} data-testid="archive-start">
        {t("archive.start", { count: preview.data?.eligible ?? 0 })}
      </Button>
    ),
  ];

  return (
    <Modal open title={t("archive.title")} onCancel={job.running ? undefined : onClose} closable={!job.running} width={720} footer={footer} mask={{ closable: false }}>
      {!s && (
        <Flex vertical gap={16}>
          {numbers.length > 0 && (
            <Radio.Group value={mode} onChange={(e) => setMode(e.target.value)}
              options={[
                { value: "selection", label: `${t("archive.modeSelection")} (${numbers.length})` },
                { value: "filter", label: t("archive.modeFilter") },
              ]} />
          )}
          {mode === "filter" && (
            <Form layout="inline">
              <Form.Item label={t("archive.closedBefore")}>
                <DatePicker onChange={(_, d) => setBefore(typeof d === "string" && d ? d : null)} data-testid="archive-before" />
              </Form.Item>
              <Form.Item label={t("archive.closedAs")}>
                <Select style={{ width: 180 }} value={closedAs ?? "both"} onChange={(v) => setClosedAs(v === "both" ? null : (v as Status))}
                  options={[
                    { value: "both", label: t("archive.both") },
                    { value: "completed", label: t("status.completed") },
                    { value: "cancelled", label: t("status.cancelled") },
                  ]} />
              </Form.Item>
            </Form>
          )}
          {preview.isFetching && <Skeleton active paragraph={{ rows: 2 }} />}
          {preview.error && <Alert type="error" showIcon title={describe(preview.error).text} />}
          {preview.data && !preview.isFetching && (
            <>
              <Alert type={preview.data.eligible ? "info" : "warning"} showIcon data-testid="archive-preview"
                title={t("archive.preview", { eligible: count(preview.data.eligible), total: count(preview.data.total) })} />
              {preview.data.refused.length > 0 && (
                <List size="small" header={<Typography.Text strong>{t("archive.refused")}</Typography.Text>} bordered
                  dataSource={preview.data.refused}
                  renderItem={(r) => (
                    <List.Item>
                      <Typography.Text strong>{r.number}</Typography.Text>&nbsp;
                      {r.problem ? (zh ? r.problem.message_zh : r.problem.message_en) : ""}
                    </List.Item>
                  )} />
              )}
            </>
          )}
        </Flex>
      )}
      {s && (
        <Flex vertical gap={16}>
          <Progress percent={percent} status={job.running ? "active" : stopped ? "exception" : "success"} data-testid="archive-progress" />
          {job.running && <Typography.Text>{t("archive.running")} {count(s.done + s.refused)} / {count(s.total)}</Typography.Text>}
          {stopped && <Alert type="warning" showIcon title={t("archive.stopped", { done: count(s.done) })} />}
          {finished && (
            <Result status={s.refused ? "warning" : "success"} data-testid="archive-result"
              title={t("archive.finished", { done: count(s.done), refused: count(s.refused) })} style={{ padding: 8 }} />
          )}
          {!job.running && <JobResults job={s.id} version={s.done + s.refused} />}
        </Flex>
      )}
      {job.error != null && <Alert type="error" showIcon title={describe(job.error).text} />}
    </Modal>
  );
}
