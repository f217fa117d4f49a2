import { Alert, Flex, Typography } from "antd";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api } from "../api";
import { useWindowHeight } from "../common/useWindowHeight";
import { OrderDetailPane } from "./OrderDetailPane";
import { OrderTable } from "./OrderTable";

/** Orders the user handed off: their progress, read-only. */
export function WatchingPage({ open, onOpen }: { open: string | null; onOpen: (n: string | null) => void }) {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: ["watching"], queryFn: api.watching });
  const height = useWindowHeight() - 230;
  return (
    <Flex gap={16} style={{ height: "100%" }}>
      <Flex vertical gap={12} style={{ flex: 1, minWidth: 0 }}>
        <Typography.Title level={4} style={{ margin: 0 }}>{t("watching.title")}</Typography.Title>
        <Alert type="info" showIcon title={t("watching.hint")} />
        <OrderTable testId="watching-table" rows={q.data ?? []} loading={q.isLoading} active={open} onOpen={onOpen} height={height} />
      </Flex>
      {open && (
        <div style={{ width: 560, flexShrink: 0, overflow: "auto" }}>
          <OrderDetailPane number={open} onOpen={onOpen} onClose={() => onOpen(null)} />
        </div>
      )}
    </Flex>
  );
}
