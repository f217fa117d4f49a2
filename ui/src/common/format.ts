// Numbers, money and dates for people, in the UI language, through Intl.
import i18n from "../i18n";

const locale = () => (i18n.language === "zh-CN" ? "zh-CN" : "en-US");

/** Minor units to "¥12,345.60" / "CN¥12,345.60". */
export function money(minor: number, currency = "CNY"): string {
  return new Intl.NumberFormat(locale(), { style: "currency", currency }).format(minor / 100);
}

export function count(n: number): string {
  return new Intl.NumberFormat(locale()).format(n);
}

/** "2026-11-28" stays a calendar date (no time zone shift). */
export function day(iso: string): string {
  const [y, m, d] = iso.slice(0, 10).split("-").map(Number);
  return new Intl.DateTimeFormat(locale(), { year: "numeric", month: "2-digit", day: "2-digit", timeZone: "UTC" }).format(
    new Date(Date.UTC(y, m - 1, d)),
  );
}

/** A stored UTC timestamp in local time. */
export function moment(iso: string): string {
  return new Intl.DateTimeFormat(locale(), {
    year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
  }).format(new Date(iso));
}
