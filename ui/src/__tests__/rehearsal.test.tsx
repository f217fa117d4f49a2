// @vitest-environment jsdom
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { act, cleanup, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { OrderDetail } from "../api";
import i18n from "../i18n";
import { Rehearsal } from "../orders/OrderDetailPane";
import { wrap } from "./support";

const allowed = { allowed: true, problem: null };
const detail: OrderDetail = {
  id: 42, number: "SO-2026-000042", status: "confirmed", closed_as: null, status_before_cancel: null, version: 3,
  customer: { id: 7, name: "华联商贸", name_latin: "Hualian Trading", email: null, phone: null, language: "zh-CN" },
  handler: "clerk01", handler_name: "王芳", department: { id: 1, name_zh: "华东销售部", name_en: "East" },
  sales_rep: "clerk01", sales_rep_name: "王芳", total_minor: 120000, currency: "CNY", order_date: "2026-11-01",
  created_at: "2026-11-01T08:00:00Z", updated_at: "2026-11-01T08:00:00Z", updated_by: null, closed_at: null,
  cancel_reason: null, cancel_note: null, cancel_requested_by: null, watchers: [], watcher_names: [], read_only: false,
  lines: [], reservations: [], stock_movements: [], finance: [], copied_from: null, copies: [], events: [],
  actions: { cancel: allowed, archive: allowed, reassign: allowed, copy: allowed, approve: allowed, advance: null, pay: allowed, edit: allowed },
  notes: null, paid_minor: 0,
};

beforeEach(async () => {
  await i18n.changeLanguage("zh-CN");
  vi.useFakeTimers({ shouldAdvanceTime: true });
});
afterEach(() => {
  cleanup();
  clearMocks();
  vi.useRealTimers();
  delete (window as unknown as { __odTimings?: unknown }).__odTimings;
});

describe("the rehearsal of the first open", () => {
  it("draws the order out of sight and out of reach, is not timed as an open, and then says it is done", async () => {
    mockIPC((cmd) => {
      if (cmd === "order_detail") return detail;
      if (cmd === "reasons") return [];
      throw new Error(`unexpected command ${cmd}`);
    });
    let done = false;
    wrap(<Rehearsal number={detail.number} onDone={() => (done = true)} />);
    const pane = await screen.findByTestId("order-detail");
    const stage = pane.closest("[inert]") as HTMLElement;
    expect(stage).toBeTruthy();
    expect(stage.getAttribute("aria-hidden")).toBe("true");
    expect(Number.parseInt(stage.style.left)).toBeLessThan(-1000);
    expect(done).toBe(false);
    await act(async () => {
      await vi.advanceTimersByTimeAsync(600);
    });
    expect(done).toBe(true);
    const timings = (window as unknown as { __odTimings?: Record<string, number[]> }).__odTimings;
    expect(timings?.open ?? []).toEqual([]);
  });
});
