import { useEffect, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { api, on, type JobKind, type JobStatus, type Selection } from "../api";

/** Starts, runs, stops and resumes a bulk job, following its progress events. */
export function useJob() {
  const qc = useQueryClient();
  const [status, setStatus] = useState<JobStatus | null>(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    const stop = on.jobProgress((s) => setStatus((cur) => (cur && cur.id === s.id ? s : cur)));
    return () => void stop.then((f) => f());
  }, []);

  const run = async (id: string) => {
    setRunning(true);
    try {
      setStatus(await api.runJob(id));
    } catch (e) {
      setError(e);
    } finally {
      setRunning(false);
      void qc.invalidateQueries({ queryKey: ["orders"] });
    }
  };

  return {
    status,
    running,
    error,
    start: async (kind: JobKind, selection: Selection) => {
      setError(null);
      try {
        const s = await api.startJob(kind, selection);
        setStatus(s);
        await run(s.id);
      } catch (e) {
        setError(e);
      }
    },
    resume: () => (status ? run(status.id) : Promise.resolve()),
    /** Takes up a job this window did not start (interrupted by a crash). */
    resumeJob: (job: JobStatus) => {
      setError(null);
      setStatus(job);
      return run(job.id);
    },
    stop: () => (status ? api.stopJob(status.id) : Promise.resolve()),
  };
}
