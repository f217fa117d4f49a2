import { Tag } from "antd";
import { useTranslation } from "react-i18next";
import type { Status } from "../api";

const colors: Record<Status, string> = {
  draft: "default",
  confirmed: "blue",
  invoiced: "geekblue",
  shipped: "cyan",
  completed: "green",
  cancel_pending: "orange",
  cancelled: "red",
  archived: "purple",
};

export function StatusTag({ status, closedAs }: { status: Status; closedAs?: Status | null }) {
  const { t } = useTranslation();
  return (
    <Tag color={colors[status]} data-testid="status-tag" data-status={status} style={{ marginInlineEnd: 0 }}>
      {t(`status.${status}`)}
      {closedAs ? ` · ${t(`status.${closedAs}`)}` : ""}
    </Tag>
  );
}
