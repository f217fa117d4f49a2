import { infiniteQueryOptions, useInfiniteQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useMemo, useRef } from "react";
import { api, type SearchQuery } from "../api";
import { dropTiming, startTiming } from "../common/perf";
import { useLatest } from "../common/useLatest";

export const PAGE = 50;
/** How long a search or an order nobody shows any more stays cached (ms). */
export const GC_TIME = 15_000;

/** How a search is fetched and cached; shared by the list and by the search
 * box, which fetches the first page before the list switches to it. */
export function searchOptions(query: SearchQuery) {
  return infiniteQueryOptions({
    queryKey: ["orders", query],
    queryFn: ({ pageParam }) => api.search({ ...query, limit: PAGE, after: pageParam }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
    // Fresh for a moment, so a page fetched ahead is shown, not fetched again.
    // Changes made in any window invalidate it at once.
    staleTime: 5_000,
    // Every key typed is a search of its own: kept for minutes, they held
    // over 100 MB in the webview after a few hundred searches.
    gcTime: GC_TIME,
  });
}

/** Keyset pages of a search; `rows` is every page loaded so far. */
export function useOrderSearch(query: SearchQuery) {
  const q = useInfiniteQuery({ ...searchOptions(query), placeholderData: (previous) => previous });
  // The same array while the data is the same, so the memoised table skips renders.
  const rows = useMemo(() => q.data?.pages.flatMap((p) => p.rows) ?? [], [q.data]);
  const first = q.data?.pages[0];
  return { ...q, rows, total: first?.total ?? 0, capped: first?.total_capped ?? false };
}

/** Search as you type: the returned `onSearch(typed)` fetches the first page
 * for the typed text and calls `show(text)` once it is there, so the list
 * renders once, with the answer, and never flashes the old rows. One fetch
 * at a time; text typed meanwhile is fetched next, in one go, so fast typing
 * never queues up stale searches. `query` is what the list shows now. */
export function useSearchAsYouType(query: SearchQuery, show: (text: string) => void) {
  const qc = useQueryClient();
  const shown = useLatest(query);
  const wanted = useRef<string | null>(null);
  const fetching = useRef(false);
  const fetchWanted = useCallback(() => {
    const text = wanted.current;
    fetching.current = true;
    void qc.prefetchInfiniteQuery(searchOptions({ ...shown.current, text })).then(() => {
      fetching.current = false;
      if (text !== wanted.current) fetchWanted();
      else if (text === shown.current.text) dropTiming("search"); // typed and taken back
      else show(text ?? "");
    });
  }, [qc, show, shown]);
  return useCallback((typed: string) => {
    const text = typed.trim() || null;
    if (text === wanted.current && (fetching.current || text === shown.current.text)) return;
    wanted.current = text;
    if (text === shown.current.text && !fetching.current) {
      dropTiming("search");
      return;
    }
    startTiming("search", text ?? "");
    if (!fetching.current) fetchWanted();
  }, [fetchWanted, shown]);
}
