import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import { App } from "antd";
import type { Session } from "../api";
import { SessionContext } from "../common/session";

/** Renders `ui` as the app does: a fresh query cache that does not retry,
 * antd's App, and (when given) the logged-in session. */
export function wrap(ui: React.ReactNode, session?: Session) {
  const qc = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const inner = session ? <SessionContext.Provider value={session}>{ui}</SessionContext.Provider> : ui;
  return render(<QueryClientProvider client={qc}><App>{inner}</App></QueryClientProvider>);
}
