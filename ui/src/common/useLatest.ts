import { useLayoutEffect, useRef } from "react";

/** A ref that always holds the latest `value`: callbacks can read it and
 * still stay the same function from render to render. */
export function useLatest<T>(value: T) {
  const ref = useRef(value);
  useLayoutEffect(() => {
    ref.current = value;
  });
  return ref;
}
