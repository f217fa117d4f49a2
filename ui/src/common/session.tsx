import { createContext, useContext } from "react";
import type { Session } from "../api";

export const SessionContext = createContext<Session | null>(null);

/** The logged-in user; only rendered inside the logged-in shell. */
export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error("useSession outside the logged-in shell");
  return s;
}

export const isManager = (s: Session) => s.role === "manager" || s.role === "admin";
