import { infiniteQueryOptions, useInfiniteQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { api, type SearchQuery } from "../api";

export const PAGE = 50;

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
