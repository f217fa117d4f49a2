import { Alert, Button, Modal, Progress, Typography } from "antd";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, type UnfinishedJob } from "../api";
import { describe } from "../common/errors";
import { moment } from "../common/format";
import { useLink } from "../common/link";
import { JobResults } from "./JobResults";
import { useJob } from "./useJob";

/** Bulk jobs that stopped before their end (a crash, a shutdown, a closed
 * window) and that this person may take up again, with a way to do it. */
export function InterruptedJobs() {
  const { t } = useTranslation();
  const { online } = useLink();
  const q = useQuery({ queryKey: ["jobs", "unfinished"], queryFn: api.unfinishedJobs });
  const [resuming, setResuming] = useState<UnfinishedJob | null>(null);
  const waiting = (q.data ?? []).filter((j) => !j.running);
  const first = waiting[0]?.job;
  return (
    <>
      {first && !resuming && (
        <Alert type="warning" showIcon style={{ marginBottom: 12 }} data-testid="interrupted-job"
          title={t("jobs.interrupted", {
            kind: t(`jobs.kind.${first.kind}`, { defaultValue: first.kind }),
            done: first.done + first.refused, total: first.total, at: moment(first.created_at), by: first.created_by_name,
          })}
          action={<Button size="small" type="primary" disabled={!online} onClick={() => setResuming(first)} data-testid="resume-job">{t("jobs.resume")}</Button>} />
      )}
      {resuming && <ResumeJob job={resuming} onClose={() => { setResuming(null); void q.refetch(); }} />}
    </>
  );
}

function ResumeJob({ job, onClose }: { job: UnfinishedJob; onClose: () => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const run = useJob();
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    const pending = job.total - job.done - job.refused - job.unchanged;
    void run.resumeJob({ id: job.id, kind: job.kind, state: job.state, total: job.total, done: job.done, refused: job.refused, unchanged: job.unchanged, pending })
      .then(() => qc.invalidateQueries({ queryKey: ["jobs"] }));
  }, [job, run, qc]);
  const s = run.status;
  const percent = s && s.total ? Math.floor(((s.done + s.refused + s.unchanged) / s.total) * 100) : 0;
  return (
    <Modal open title={t("jobs.resuming")} closable={!run.running} onCancel={run.running ? undefined : onClose} mask={{ closable: false }}
      footer={[
        run.running && <Button key="stop" danger onClick={() => void run.stop()}>{t("common.stop")}</Button>,
        <Button key="close" disabled={run.running} onClick={onClose} data-testid="resume-close">{t("common.close")}</Button>,
      ]}>
      <Progress percent={percent} status={run.running ? "active" : undefined} data-testid="resume-progress" />
      {s && <Typography.Paragraph type="secondary">{s.done + s.refused} / {s.total}</Typography.Paragraph>}
      {run.error !== null && <Alert type="error" showIcon title={describe(run.error).text} />}
      {s && !run.running && <JobResults job={s.id} version={s.done + s.refused} />}
    </Modal>
  );
}
