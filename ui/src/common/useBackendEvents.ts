import { useEffect } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { on } from "../api";

/** Keeps queries fresh: the backend says what changed, the UI reloads it. */
export function useBackendEvents() {
  const qc = useQueryClient();
  useEffect(() => {
    const stops = [
      on.ordersChanged(() => {
        void qc.invalidateQueries({ queryKey: ["orders"] });
        void qc.invalidateQueries({ queryKey: ["detail"] });
        void qc.invalidateQueries({ queryKey: ["approvals"] });
        void qc.invalidateQueries({ queryKey: ["watching"] });
        void qc.invalidateQueries({ queryKey: ["jobs"] });
        void qc.invalidateQueries({ queryKey: ["outbox"] });
        // Orders reserve and ship stock.
        void qc.invalidateQueries({ queryKey: ["products"] });
      }),
      on.inboxChanged(() => {
        void qc.invalidateQueries({ queryKey: ["inbox"] });
      }),
      on.settingsChanged(() => {
        void qc.invalidateQueries({ queryKey: ["settings"] });
        void qc.invalidateQueries({ queryKey: ["reasons"] });
        void qc.invalidateQueries({ queryKey: ["departments"] });
        void qc.invalidateQueries({ queryKey: ["candidates"] });
        void qc.invalidateQueries({ queryKey: ["customers"] });
        void qc.invalidateQueries({ queryKey: ["products"] });
      }),
    ];
    return () => {
      for (const s of stops) void s.then((stop) => stop());
    };
  }, [qc]);
}
