import { App as AntApp, ConfigProvider, Result, Spin } from "antd";
import enUS from "antd/locale/en_US";
import zhCN from "antd/locale/zh_CN";
import dayjs from "dayjs";
import "dayjs/locale/zh-cn";
import { Button, Space } from "antd";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { lazy, Suspense, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, on, onSessionOver, windowLabel, type Session } from "./api";
import { ErrorBoundary } from "./common/ErrorBoundary";
import { describe } from "./common/errors";
import { LinkProvider } from "./common/link";
import i18n, { type UiLang } from "./i18n";
import { ConnectPage, ModePage } from "./session/ConnectPage";
import { LockOverlay } from "./session/LockOverlay";
import { LoginPage } from "./session/LoginPage";
import { UnlockPage } from "./session/UnlockPage";
import { SetupPage } from "./session/SetupPage";
import { Shell } from "./Shell";
import { theme } from "./theme";

// The archive window (with its charts) loads only in its own window.
const ArchiveWindow = lazy(() => import("./archive/ArchiveWindow").then((m) => ({ default: m.ArchiveWindow })));

/** Language, theme, and which screen: setup, login, or the shell. */
export function Root() {
  const [lang, setLang] = useState<UiLang>(i18n.language as UiLang);
  const changeLang = (l: UiLang) => {
    setLang(l);
    void i18n.changeLanguage(l);
    void api.setLanguage(l);
    localStorage.setItem("lang", l);
  };
  useEffect(() => {
    const saved = localStorage.getItem("lang") as UiLang | null;
    changeLang(saved ?? lang);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  dayjs.locale(lang === "zh-CN" ? "zh-cn" : "en");

  return (
    <ConfigProvider locale={lang === "zh-CN" ? zhCN : enUS} theme={theme}>
      <AntApp>
        <ErrorBoundary>
          {windowLabel() === "archive" ? (
            <Suspense fallback={<div className="center-page"><Spin size="large" /></div>}>
              <ArchiveWindow />
            </Suspense>
          ) : (
            <LinkProvider>
              <MainWindow lang={lang} onLang={changeLang} />
            </LinkProvider>
          )}
        </ErrorBoundary>
      </AntApp>
    </ConfigProvider>
  );
}

/** Which screen the main window shows: how this desk works (first start),
 * connecting to the server, first-start setup, login, or the shell (with the
 * lock over it when the session locked). */
function MainWindow({ lang, onLang }: { lang: UiLang; onLang: (l: UiLang) => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const status = useQuery({ queryKey: ["setup"], queryFn: api.setupStatus });
  const [session, setSession] = useState<Session | null>(null);
  // The administrator who just set up an empty site starts on its first steps.
  const [fresh, setFresh] = useState(false);
  const [screen, setScreen] = useState<"choose" | "connect" | null>(null);
  const [locked, setLocked] = useState<{ reason: string | null } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const current = useRef<Session | null>(null);
  current.current = session;
  const isLocked = useRef(false);
  isLocked.current = locked !== null;
  const rules = useQuery({ queryKey: ["settings", "session-rules"], queryFn: api.sessionRules, enabled: session !== null && !locked });
  const idleMinutes = rules.data?.idle_lock_minutes ?? 15;
  useEffect(() => {
    if (status.data?.session) setSession(status.data.session);
  }, [status.data]);

  const logout = async () => {
    await api.logout().catch(() => undefined);
    qc.clear();
    setLocked(null);
    setFresh(false);
    setSession(null);
    void status.refetch();
  };
  // A session that ended while working: locked (same person, password
  // again, screen kept) or over (disabled, logged out elsewhere: login page).
  useEffect(() => {
    const over = (id: string, message: string) => {
      // Locked already: the overlay asks for the password; what fails
      // underneath meanwhile (a refresh) must not log the person out.
      if (!current.current || isLocked.current) return;
      if (id === "session_locked") {
        // Ends what is left of it here too (and closes the archive window).
        void api.lockSession().catch(() => undefined);
        setLocked({ reason: message });
      } else {
        setNotice(message);
        void logout();
      }
    };
    const stopCalls = onSessionOver((e) => over(e.id, e.message));
    const stopEvents = on.sessionEnded((e) => over(e.reason, e.message));
    return () => {
      stopCalls();
      void stopEvents.then((f) => f());
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const changed = () => {
    setScreen(null);
    setSession(null);
    void status.refetch();
  };
  if (status.isLoading) return <div className="center-page"><Spin size="large" /></div>;
  if (status.error) return <Result status="error" title={describe(status.error).title} subTitle={describe(status.error).text} />;
  const s = status.data;
  if (screen === "connect") return <ConnectPage onConnected={changed} onCancel={() => setScreen(s?.desk ? null : "choose")} />;
  if (screen === "choose" || (s && !s.desk && s.ok && s.empty && !session))
    return <ModePage onThisPc={changed} onServer={() => setScreen("connect")} />;
  if (s && !s.ok && s.needs_key) return <UnlockPage onUnlocked={() => void status.refetch()} />;
  if (s && !s.ok) {
    const remote = s.desk?.mode === "server";
    return (
      <Result status="error" title={remote ? t("connect.cannotReach") : t("setup.dbError")} subTitle={<span data-testid="setup-error">{s.error}</span>}
        extra={<Space>
          <Button type="primary" onClick={() => void status.refetch()}>{t("common.retry")}</Button>
          <Button onClick={() => setScreen("choose")}>{t("connect.backToChoice")}</Button>
        </Space>} />
    );
  }
  if (session)
    return (
      <>
        <Shell key={session.login} session={session} lang={lang} onLang={onLang} locked={locked !== null} idleMinutes={idleMinutes}
          firstPage={fresh && session.role === "admin" ? "start" : "orders"}
          onLock={() => { void api.lockSession(); setLocked({ reason: null }); }}
          onConnection={() => { void logout(); setScreen("choose"); }}
          onLogout={() => void logout()} />
        {locked && (
          <LockOverlay session={session} minutes={idleMinutes} reason={locked.reason}
            onUnlocked={() => { setLocked(null); void qc.invalidateQueries(); }} onLogout={() => void logout()} />
        )}
      </>
    );
  if (s?.empty) return <SetupPage lang={lang} onLang={onLang} onDemo={() => void status.refetch()} onAdmin={(x) => { setFresh(true); setSession(x); }} />;
  return <LoginPage onLogin={(x) => { setNotice(null); setSession(x); }} lang={lang} onLang={onLang} desk={s?.desk ?? null}
    demo={s?.demo ?? false} notice={notice} onConnection={() => setScreen("choose")} />;
}
