import { Layout, Result, Spin, Tabs, Typography } from "antd";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api } from "../api";
import { isManager, SessionContext } from "../common/session";
import { useBackendEvents } from "../common/useBackendEvents";
import { Analytics } from "./Analytics";
import { ArchiveSearch, type Drill } from "./ArchiveSearch";

/** The archive window: search the history, read it, copy from it, export it,
 * and analyse cancellations. Managers and administrators only. */
export function ArchiveWindow() {
  const { t } = useTranslation();
  useBackendEvents();
  const status = useQuery({ queryKey: ["setup"], queryFn: api.setupStatus });
  const [tab, setTab] = useState("orders");
  const [drill, setDrill] = useState<Drill | null>(null);
  const session = status.data?.session;
  if (status.isLoading) return <div className="center-page"><Spin size="large" /></div>;
  if (!session || !isManager(session)) {
    return <div className="center-page"><Result status="403" title={t("archiveWindow.forbidden")} /></div>;
  }
  return (
    <SessionContext.Provider value={session}>
      <Layout style={{ height: "100vh" }} data-testid="archive-window">
        <Layout.Header className="header">
          <Typography.Title level={4} style={{ margin: 0, lineHeight: "52px" }}>{t("archiveWindow.title")}</Typography.Title>
        </Layout.Header>
        <Layout.Content style={{ padding: "0 16px 16px", overflow: "auto" }}>
          <Tabs activeKey={tab} onChange={setTab}
            items={[
              { key: "orders", label: <span data-testid="tab-archive-orders">{t("archiveWindow.orders")}</span>, children: <ArchiveSearch drill={drill} /> },
              { key: "analytics", label: <span data-testid="tab-analytics">{t("archiveWindow.analytics")}</span>,
                children: <Analytics onDrill={(d) => { setDrill(d); setTab("orders"); }} /> },
            ]} />
        </Layout.Content>
      </Layout>
    </SessionContext.Provider>
  );
}
