import { useEffect, useRef } from "react";
import { useLatest } from "./useLatest";

const INPUT = ["mousedown", "mousemove", "keydown", "wheel", "touchstart"] as const;

/** Calls `onIdle` once `minutes` pass without mouse or keyboard, and
 * `onActive` at most once a minute while the person works (so the server
 * counts reading and scrolling as activity too). Off while `paused`. */
export function useIdle(minutes: number, paused: boolean, onIdle: () => void, onActive: () => void) {
  const last = useRef(Date.now());
  const told = useRef(Date.now());
  const idle = useLatest(onIdle);
  const active = useLatest(onActive);
  useEffect(() => {
    if (paused) return;
    last.current = Date.now();
    const seen = () => {
      last.current = Date.now();
      if (Date.now() - told.current > 60_000) {
        told.current = Date.now();
        active.current();
      }
    };
    for (const e of INPUT) window.addEventListener(e, seen, { passive: true });
    const timer = window.setInterval(() => {
      if (Date.now() - last.current >= minutes * 60_000) idle.current();
    }, 5_000);
    return () => {
      for (const e of INPUT) window.removeEventListener(e, seen);
      window.clearInterval(timer);
    };
  }, [minutes, paused, idle, active]);
}
