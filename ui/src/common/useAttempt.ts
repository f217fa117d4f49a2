import { useCallback, useState } from "react";
import { describe } from "./errors";

/** A step a person started that may be refused: `busy` while it runs, and
 * the refusal in their language (`error`) until the next try. */
export function useAttempt() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(async (step: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await step();
    } catch (e) {
      setError(describe(e).text);
    } finally {
      setBusy(false);
    }
  }, []);
  const dismiss = useCallback(() => setError(null), []);
  return { busy, error, run, dismiss };
}
