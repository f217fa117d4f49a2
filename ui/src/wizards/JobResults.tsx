import { Table, Tag } from "antd";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, type ItemResult } from "../api";

/** Per-order results of a job: done, or refused and why. An import's show
 * each record's row in the file and say "created" / "already there". */
export function JobResults({ job, version, rows = false }: { job: string; version: number; rows?: boolean }) {
  const { t, i18n } = useTranslation();
  const q = useQuery({ queryKey: ["job-results", job, version], queryFn: () => api.jobResults(job, "", 1000, 0) });
  return (
    <Table<ItemResult>
      data-testid="job-results"
      size="small"
      rowKey={(r) => `${r.row}-${r.number}`}
      loading={q.isLoading}
      dataSource={q.data ?? []}
      pagination={{ pageSize: 8, size: "small" }}
      columns={[
        ...(rows ? [{ title: t("own.row"), dataIndex: "row", width: 70 }] : []),
        { title: rows ? t("own.key") : t("orders.number"), dataIndex: "number", width: 150 },
        {
          title: t("archive.results"),
          dataIndex: "state",
          width: 110,
          render: (s: string) => (
            <Tag color={s === "done" ? "green" : s === "refused" ? "red" : "default"}>
              {t(rows ? `own.importState.${s}` : `archive.state.${s}`, { defaultValue: s })}
            </Tag>
          ),
        },
        { title: "", render: (_, r) => (r.problem ? (i18n.language === "zh-CN" ? r.problem.message_zh : r.problem.message_en) : "") },
      ]}
    />
  );
}
