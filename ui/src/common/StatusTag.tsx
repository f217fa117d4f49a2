import { Tag } from "antd";
import type { TFunction } from "i18next";
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

/** A status as a coloured tag, with the translation passed in: a list of
 * rows renders these without each one subscribing to the language. */
export function statusTag(t: TFunction, status: Status, closedAs?: Status | null) {
  return (
    <Tag color={colors[status]} data-testid="status-tag" data-status={status} style={{ marginInlineEnd: 0 }}>
      {t(`status.${status}`)}
      {closedAs ? ` · ${t(`status.${closedAs}`)}` : ""}
    </Tag>
  );
}

export function StatusTag({ status, closedAs }: { status: Status; closedAs?: Status | null }) {
  const { t } = useTranslation();
  return statusTag(t, status, closedAs);
}
