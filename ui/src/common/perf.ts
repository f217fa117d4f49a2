// In-app timings (search typed → first page shown, click → order shown), kept
// on `window.__odTimings` for the end-to-end run to read and report. "Shown"
// is after the browser has painted: the first task after the next frame.
// Each timing may carry a label (what was searched), kept in the same order
// on `window.__odTimingLabels`.
const started = new Map<string, { at: number; label: string }>();

function record(name: string, ms: number, label: string) {
  // A clock can end after its window is gone (a test torn down mid-frame).
  if (typeof window === "undefined") return;
  const w = window as unknown as { __odTimings?: Record<string, number[]>; __odTimingLabels?: Record<string, string[]> };
  const all = (w.__odTimings ??= {});
  (all[name] ??= []).push(ms);
  const labels = (w.__odTimingLabels ??= {});
  (labels[name] ??= []).push(label);
}

/** Starts (or restarts) the clock for `name`. With `keep`, a clock already
 * running is left alone. */
export function startTiming(name: string, label = "", keep = false) {
  if (keep && started.has(name)) return;
  started.set(name, { at: performance.now(), label });
}

/** Forgets a clock that will not end (the user took it back). */
export function dropTiming(name: string) {
  started.delete(name);
}

/** Stops the clock for `name` once what was just committed is painted. */
export function endTiming(name: string) {
  const clock = started.get(name);
  if (clock === undefined) return;
  started.delete(name);
  requestAnimationFrame(() => setTimeout(() => record(name, performance.now() - clock.at, clock.label), 0));
}
