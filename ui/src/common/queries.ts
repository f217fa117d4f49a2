import type { SearchQuery } from "../api";

/** The first order of all, if any: whether a site has orders yet. */
export const ANY_ORDER: SearchQuery = {
  text: null, statuses: [], date_from: null, date_to: null, handler: null, unassigned: false, department: null,
  min_total_minor: null, max_total_minor: null, archived: false, closed_as: null, closed_from: null, closed_to: null,
  reason: null, sort: "date_desc", limit: 1, after: null,
};
