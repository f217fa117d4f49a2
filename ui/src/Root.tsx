import { App as AntApp, ConfigProvider, Result, Spin } from "antd";
import enUS from "antd/locale/en_US";
import zhCN from "antd/locale/zh_CN";
import dayjs from "dayjs";
import "dayjs/locale/zh-cn";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { lazy, Suspense, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { api, windowLabel, type Session } from "./api";
import { ErrorBoundary } from "./common/ErrorBoundary";
import { describe } from "./common/errors";
import i18n, { type UiLang } from "./i18n";
import { LoginPage } from "./session/LoginPage";
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
            <MainWindow lang={lang} onLang={changeLang} />
          )}
        </ErrorBoundary>
      </AntApp>
    </ConfigProvider>
  );
}

function MainWindow({ lang, onLang }: { lang: UiLang; onLang: (l: UiLang) => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const status = useQuery({ queryKey: ["setup"], queryFn: api.setupStatus });
  const [session, setSession] = useState<Session | null>(null);
  useEffect(() => {
    if (status.data?.session) setSession(status.data.session);
  }, [status.data]);

  if (status.isLoading) return <div className="center-page"><Spin size="large" /></div>;
  if (status.error) return <Result status="error" title={describe(status.error).title} subTitle={describe(status.error).text} />;
  const s = status.data;
  if (s && !s.ok) return <Result status="error" title={t("setup.dbError")} subTitle={s.error} />;
  if (session)
    return (
      <Shell key={session.login} session={session} lang={lang} onLang={onLang}
        onLogout={async () => { await api.logout(); qc.clear(); setSession(null); void status.refetch(); }} />
    );
  if (s?.empty) return <SetupPage onDemo={() => void status.refetch()} onAdmin={setSession} />;
  return <LoginPage onLogin={setSession} lang={lang} onLang={onLang} />;
}
