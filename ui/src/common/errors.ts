import { ApiError } from "../api";
import i18n from "../i18n";

/** Title and text for any error: the backend's message, under a translated title. */
export function describe(e: unknown): { title: string; text: string; kind: string } {
  if (e instanceof ApiError) {
    return { title: i18n.t(`errors.${e.kind}`), text: e.message, kind: e.kind };
  }
  return { title: i18n.t("errors.internal"), text: String(e instanceof Error ? e.message : e), kind: "internal" };
}
