import { useQuery } from "@tanstack/react-query";
import { api, type Limits } from "../api";

/** What the core accepts in each field, as it says: the UI never keeps a
 * copy of the numbers. Undefined until the first answer. */
export function useLimits(): Limits | undefined {
  return useQuery({ queryKey: ["limits"], queryFn: api.limits, staleTime: Infinity }).data;
}
