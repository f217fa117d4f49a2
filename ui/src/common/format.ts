// Numbers, money and dates for people, in the UI language, through Intl.
// Formatters are built once per language: constructing one per table cell
// costs more than rendering the cell.
import i18n from "../i18n";

const locale = () => (i18n.language === "zh-CN" ? "zh-CN" : "en-US");

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();

function formatter<T extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: (l: string) => T): T {
  const k = `${locale()}|${key}`;
  let f = cache.get(k) as T | undefined;
  if (!f) {
    f = make(locale());
    cache.set(k, f);
  }
  return f;
}

/** Minor units to "¥12,345.60" / "CN¥12,345.60". */
export function money(minor: number, currency = "CNY"): string {
  return formatter(`money:${currency}`, (l) => new Intl.NumberFormat(l, { style: "currency", currency })).format(minor / 100);
}

export function count(n: number): string {
  return formatter("count", (l) => new Intl.NumberFormat(l)).format(n);
}

/** "2026-11-28" stays a calendar date (no time zone shift). */
export function day(iso: string): string {
  const [y, m, d] = iso.slice(0, 10).split("-").map(Number);
  return formatter("day", (l) => new Intl.DateTimeFormat(l, { year: "numeric", month: "2-digit", day: "2-digit", timeZone: "UTC" })).format(
    new Date(Date.UTC(y, m - 1, d)),
  );
}

/** A stored UTC timestamp in local time. */
export function moment(iso: string): string {
  return formatter("moment", (l) => new Intl.DateTimeFormat(l, { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" })).format(new Date(iso));
}
