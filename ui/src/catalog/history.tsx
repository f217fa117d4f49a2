import { Typography } from "antd";
import { useTranslation } from "react-i18next";
import type { SettingsEvent } from "../api";

/** Fields a change line leaves out: ids and computed values. */
const HIDDEN = new Set(["id", "initials"]);

type Json = Record<string, unknown> | null | undefined;

/** What changed, field by field: "contact: 林小姐 → 王先生". */
function differences(before: Json, after: Json): [string, string, string][] {
  if (!before || !after) return [];
  return Object.keys(after)
    .filter((k) => !HIDDEN.has(k) && JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    .map((k) => [k, show(before[k]), show(after[k])]);
}

function show(v: unknown): string {
  if (v === null || v === undefined || v === "") return "—";
  if (typeof v === "boolean") return v ? "✓" : "✗";
  return String(v);
}

/** One entry of a customer's or product's history: who did what, and the
 * fields before → after. */
export function ChangeLine({ event }: { event: SettingsEvent }) {
  const { t } = useTranslation();
  let detail: { before?: Json; after?: Json; reason?: string | null } = {};
  try {
    detail = event.detail ? JSON.parse(event.detail) : {};
  } catch {
    detail = {};
  }
  const changes = differences(detail.before, detail.after);
  return (
    <div>
      <Typography.Text strong>{t(`settings.logKinds.${event.kind}`, { defaultValue: event.kind })}</Typography.Text>
      <Typography.Text type="secondary"> · {event.actor}</Typography.Text>
      {detail.reason && <div>{t("own.reason")}: {detail.reason}</div>}
      {changes.map(([field, from, to]) => (
        <div key={field}>
          <Typography.Text type="secondary">{t(`own.field.${field}`, { defaultValue: field })}: </Typography.Text>
          {from} → {to}
        </div>
      ))}
    </div>
  );
}
