import { useLayoutEffect, useState, type RefObject } from "react";

/** The element's width in pixels, kept current as it resizes; `fallback`
 * until it has one (not laid out yet, hidden, or in jsdom). */
export function useWidth(ref: RefObject<HTMLElement | null>, fallback: number): number {
  const [width, setWidth] = useState(fallback);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === "undefined") return;
    const take = (w: number) => {
      if (w > 0) setWidth(Math.floor(w));
    };
    take(el.clientWidth);
    const observer = new ResizeObserver(([entry]) => take(entry.contentRect.width));
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}
