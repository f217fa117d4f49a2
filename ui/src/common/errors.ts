import { ApiError } from "../api";
import i18n from "../i18n";

/** Title and text for any error: the backend's message, under a translated title. */
export function describe(e: unknown): { title: string; text: string; kind: string } {
  // A lock's end in this desk's own time, with the minutes left and advice.
  if (e instanceof ApiError && e.id === "account_locked" && typeof e.details.until === "string") {
    const until = new Date(e.details.until);
    const time = until.toLocaleTimeString(i18n.language === "zh-CN" ? "zh-CN" : "en-GB", { hour: "2-digit", minute: "2-digit" });
    const minutes = Number(e.details.minutes) || Math.max(1, Math.ceil((until.getTime() - Date.now()) / 60_000));
    return { title: i18n.t("errors.forbidden"), text: i18n.t("login.locked", { time, count: minutes }), kind: e.kind };
  }
  if (e instanceof ApiError) {
    return { title: i18n.t(`errors.${e.kind}`), text: e.message, kind: e.kind };
  }
  return { title: i18n.t("errors.internal"), text: String(e instanceof Error ? e.message : e), kind: "internal" };
}
