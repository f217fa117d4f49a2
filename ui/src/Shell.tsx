import { Alert, App, Avatar, Badge, Button, Dropdown, Flex, Layout, Menu, Segmented, Tag, Typography } from "antd";
import { ApiOutlined, AppstoreOutlined, MailOutlined, BellOutlined, CheckSquareOutlined, EyeOutlined, FileSearchOutlined, ImportOutlined, InboxOutlined, LockOutlined, LogoutOutlined, RocketOutlined, SettingOutlined, TeamOutlined } from "@ant-design/icons";
import { useQuery } from "@tanstack/react-query";
import { lazy, memo, Suspense, useCallback, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, type Session } from "./api";
import { ANY_ORDER } from "./common/queries";
import { ApprovalsPage } from "./approvals/ApprovalsPage";
import { describe } from "./common/errors";
import { useLink } from "./common/link";
import { isManager, SessionContext } from "./common/session";
import { useBackendEvents } from "./common/useBackendEvents";
import { useIdle } from "./common/useIdle";
import type { UiLang } from "./i18n";
import { InboxPage } from "./inbox/InboxPage";
import { OrdersPage } from "./orders/OrdersPage";
import { CustomersPage } from "./catalog/CustomersPage";
import { ProductsPage } from "./catalog/ProductsPage";
import { WatchingPage } from "./orders/WatchingPage";
import { OutboxPage } from "./notices/OutboxPage";
import { InterruptedJobs } from "./wizards/InterruptedJobs";

// Administrators only: loaded when first opened.
const SettingsPage = lazy(() => import("./settings/SettingsPage").then((m) => ({ default: m.SettingsPage })));
const ImportPage = lazy(() => import("./import/ImportPage").then((m) => ({ default: m.ImportPage })));
const GettingStarted = lazy(() => import("./start/GettingStarted").then((m) => ({ default: m.GettingStarted })));

type Page = "orders" | "inbox" | "approvals" | "watching" | "outbox" | "settings" | "customers" | "products" | "import" | "start";

/** The logged-in main window: navigation on the left, the page on the right.
 * Opening an order re-renders the page only: the navigation and the top bar
 * are memoised. */
export function Shell({ session, lang, onLang, onLogout, onLock, onConnection, locked, idleMinutes, firstPage = "orders" }: {
  session: Session; lang: UiLang; onLang: (l: UiLang) => void; onLogout: () => void;
  /** Locks the window (the idle time passed, or the person asked). */
  onLock: () => void;
  /** Leaves this session to change how the desk works. */
  onConnection: () => void;
  locked: boolean;
  idleMinutes: number;
  /** "start" for the administrator who just set up an empty site. */
  firstPage?: Page;
}) {
  const { message } = App.useApp();
  const [page, setPage] = useState<Page>(firstPage);
  const [startNew, setStartNew] = useState(false);
  const [open, setOpen] = useState<string | null>(null);
  useBackendEvents();
  useIdle(idleMinutes, locked, onLock, () => void api.me().catch(() => undefined));

  const openOrder = useCallback((n: string | null) => {
    setOpen(n);
    if (n) setPage((p) => (p === "orders" || p === "watching" ? p : "orders"));
  }, []);
  const goTo = useCallback((p: Page) => {
    setPage(p);
    setOpen(null);
  }, []);
  const openArchive = useCallback(async () => {
    try {
      await api.openArchiveWindow();
    } catch (e) {
      message.error(describe(e).text);
    }
  }, [message]);

  return (
    <SessionContext.Provider value={session}>
      <Layout style={{ height: "100vh" }}>
        <Layout.Sider width={208} theme="light" style={{ borderInlineEnd: "1px solid var(--border)" }}>
          <Navigation session={session} page={page} onPage={goTo} onArchive={openArchive} />
        </Layout.Sider>
        <Layout>
          <Layout.Header className="header">
            <TopBar session={session} lang={lang} onLang={onLang} onLogout={onLogout} onArchive={openArchive} onLock={onLock} onConnection={onConnection} />
          </Layout.Header>
          <Layout.Content style={{ padding: 16, overflow: "hidden", display: "flex", flexDirection: "column" }}>
            <LinkBanner />
            <InterruptedJobs />
            <div style={{ flex: 1, minHeight: 0 }}>
            {page === "orders" && <OrdersPage open={open} onOpen={openOrder} startNew={startNew} />}
            {page === "customers" && <CustomersPage />}
            {page === "products" && <ProductsPage />}
            {(page === "import" || page === "start") && (
              <Suspense fallback={null}>
                {page === "import" ? <ImportPage /> : <GettingStarted onGo={(p) => { setStartNew(p === "orders"); goTo(p); }} />}
              </Suspense>
            )}
            {page === "inbox" && <InboxPage onOpen={openOrder} />}
            {page === "approvals" && <ApprovalsPage onOpen={openOrder} />}
            {page === "watching" && <WatchingPage open={open} onOpen={setOpen} />}
            {page === "outbox" && <OutboxPage onOpen={openOrder} />}
            {page === "settings" && (
              <Suspense fallback={null}>
                <SettingsPage />
              </Suspense>
            )}
            </div>
          </Layout.Content>
        </Layout>
      </Layout>
    </SessionContext.Provider>
  );
}

/** The pages, with the unread and pending counts, and the archive window. */
const Navigation = memo(function Navigation({ session, page, onPage, onArchive }: {
  session: Session; page: Page; onPage: (p: Page) => void; onArchive: () => void;
}) {
  const { t } = useTranslation();
  const unread = useQuery({ queryKey: ["inbox", "count"], queryFn: api.unreadCount, refetchInterval: 30_000 });
  const pending = useQuery({ queryKey: ["approvals"], queryFn: api.pendingApprovals, enabled: isManager(session) });
  const notices = useQuery({ queryKey: ["outbox", "counts"], queryFn: api.outboxCounts, enabled: session.role === "admin", refetchInterval: 30_000 });
  // A site with no orders yet: the administrator's first steps stay at hand.
  const anyOrder = useQuery({ queryKey: ["orders", "any"], queryFn: () => api.search(ANY_ORDER), enabled: session.role === "admin", staleTime: 60_000 });
  const newSite = anyOrder.data?.total === 0 || page === "start";
  const items = [
    { key: "orders", icon: <FileSearchOutlined />, label: <span data-testid="nav-orders">{t("nav.orders")}</span> },
    {
      key: "inbox",
      icon: <BellOutlined />,
      label: (
        <Flex justify="space-between" align="center" data-testid="nav-inbox">
          {t("nav.inbox")}
          <Badge count={unread.data ?? 0} size="small" data-testid="inbox-badge" />
        </Flex>
      ),
    },
    ...(isManager(session)
      ? [{
          key: "approvals",
          icon: <CheckSquareOutlined />,
          label: (
            <Flex justify="space-between" align="center" data-testid="nav-approvals">
              {t("nav.approvals")}
              <Badge count={pending.data?.length ?? 0} size="small" color="orange" />
            </Flex>
          ),
        }]
      : []),
    { key: "watching", icon: <EyeOutlined />, label: <span data-testid="nav-watching">{t("nav.watching")}</span> },
    {
      key: "outbox",
      icon: <MailOutlined />,
      label: (
        <Flex justify="space-between" align="center" data-testid="nav-outbox">
          {t("notices.title")}
          {/* The administrator sees notices that failed (red) or wait. */}
          <Badge count={notices.data ? notices.data.failed || notices.data.queued + notices.data.sending + notices.data.retrying : 0} size="small"
            color={notices.data?.failed ? "red" : "gray"} data-testid="outbox-badge" />
        </Flex>
      ),
    },
    { key: "customers", icon: <TeamOutlined />, label: <span data-testid="nav-customers">{t("own.customers")}</span> },
    { key: "products", icon: <AppstoreOutlined />, label: <span data-testid="nav-products">{t("own.products")}</span> },
    ...(session.role === "admin"
      ? [
          { key: "import", icon: <ImportOutlined />, label: <span data-testid="nav-import">{t("own.importTitle")}</span> },
          ...(newSite ? [{ key: "start", icon: <RocketOutlined />, label: <span data-testid="nav-start">{t("own.startNav")}</span> }] : []),
          { key: "settings", icon: <SettingOutlined />, label: <span data-testid="nav-settings">{t("nav.settings")}</span> },
        ]
      : []),
  ];
  return (
    <Flex vertical style={{ height: "100%" }}>
      <div className="brand">
        <img src="/icon.png" width={28} height={28} alt="" />
        <Typography.Text strong>{t("app.name")}</Typography.Text>
      </div>
      <Menu mode="inline" selectedKeys={[page]} items={items} onClick={(e) => onPage(e.key as Page)} style={{ borderInlineEnd: 0, flex: 1 }} />
      {isManager(session) && (
        <Button type="text" icon={<InboxOutlined />} style={{ margin: 8, justifyContent: "flex-start" }} onClick={onArchive} data-testid="open-archive">
          {t("nav.archive")}
        </Button>
      )}
    </Flex>
  );
});

/** While the office server is out of reach: says so, and why. */
function LinkBanner() {
  const { t } = useTranslation();
  const { link } = useLink();
  if (link.state !== "reconnecting") return null;
  return (
    <Alert type="error" showIcon banner style={{ marginBottom: 12 }} data-testid="link-banner"
      title={t("link.reconnecting")} description={<>{link.message ? <div>{link.message}</div> : null}{t("link.offline")}</>} />
  );
}

/** Language, and the user's menu (archive window, lock, connection, log out). */
const TopBar = memo(function TopBar({ session, lang, onLang, onLogout, onArchive, onLock, onConnection }: {
  session: Session; lang: UiLang; onLang: (l: UiLang) => void; onLogout: () => void; onArchive: () => void;
  onLock: () => void; onConnection: () => void;
}) {
  const { t } = useTranslation();
  const { link } = useLink();
  return (
    <Flex justify="end" align="center" gap={16} style={{ height: "100%" }}>
      {link.state !== "this_pc" && (
        <Tag color={link.state === "connected" ? "green" : "red"} icon={<ApiOutlined />} data-testid="link-state">
          {link.state === "connected" ? t("link.connected") : t("link.reconnectingShort")}
        </Tag>
      )}
      <Segmented size="small" value={lang} onChange={(v) => onLang(v as UiLang)} options={[{ value: "zh-CN", label: <span data-testid="lang-zh">中文</span> }, { value: "en", label: <span data-testid="lang-en">EN</span> }]} />
      <Dropdown trigger={["click"]} menu={{ items: [
        ...(isManager(session) ? [{ key: "archive", icon: <InboxOutlined />, label: t("nav.archive"), onClick: onArchive }] : []),
        { key: "lock", icon: <LockOutlined />, label: <span data-testid="lock-now">{t("lock.title")}</span>, onClick: onLock },
        { key: "connection", icon: <ApiOutlined />, label: <span data-testid="change-connection">{t("connect.current")}…</span>, onClick: onConnection },
        { key: "logout", icon: <LogoutOutlined />, label: <span data-testid="logout">{t("common.logout")}</span>, onClick: onLogout },
      ] }}>
        <Flex align="center" gap={8} style={{ cursor: "pointer" }} data-testid="user-menu">
          <Avatar size="small" style={{ background: "#1668dc" }}>{session.display_name.slice(0, 1)}</Avatar>
          <span data-testid="user-name">{session.display_name}</span>
          <Tag>{session.login}</Tag>
        </Flex>
      </Dropdown>
    </Flex>
  );
});
