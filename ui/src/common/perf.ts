// In-app timings (search → first page shown, click → order shown), kept on
// `window.__odTimings` for the end-to-end run to read and report.
const started = new Map<string, number>();

export function startTiming(name: string) {
  started.set(name, performance.now());
}

export function endTiming(name: string) {
  const at = started.get(name);
  if (at === undefined) return;
  started.delete(name);
  const w = window as unknown as { __odTimings?: Record<string, number[]> };
  const all = (w.__odTimings ??= {});
  (all[name] ??= []).push(performance.now() - at);
}
