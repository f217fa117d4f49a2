import { Table, Tag } from "antd";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api, type ItemResult } from "../api";

/** Per-order results of a job: done, or refused and why. */
export function JobResults({ job, version }: { job: string; version: number }) {
  const { t, i18n } = useTranslation();
  const q = useQuery({ queryKey: ["job-results", job, version], queryFn: () => api.jobResults(job, "", 1000, 0) });
  return (
    <Table<ItemResult>
      data-testid="job-results"
      size="small"
      rowKey="number"
      loading={q.isLoading}
      dataSource={q.data ?? []}
      pagination={{ pageSize: 8, size: "small" }}
      columns={[
        { title: t("orders.number"), dataIndex: "number", width: 150 },
        {
          title: t("archive.results"),
          dataIndex: "state",
          width: 110,
          render: (s: string) => <Tag color={s === "done" ? "green" : s === "refused" ? "red" : "default"}>{t(`archive.state.${s}`, { defaultValue: s })}</Tag>,
        },
        { title: "", render: (_, r) => (r.problem ? (i18n.language === "zh-CN" ? r.problem.message_zh : r.problem.message_en) : "") },
      ]}
    />
  );
}
