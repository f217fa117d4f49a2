// @vitest-environment jsdom
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SearchPage, SearchQuery, Session } from "../api";
import i18n from "../i18n";
import { OrdersPage, SearchBox } from "../orders/OrdersPage";
import { wrap } from "./support";

const clerk: Session = { user_id: 5, login: "clerk01", display_name: "王芳", role: "clerk", department_id: 1 };

/** The text field (the test id may sit on antd's wrapper around it). */
function searchInput(): HTMLInputElement {
  const el = screen.getByTestId("search-input");
  return el instanceof HTMLInputElement ? el : (el.querySelector("input") as HTMLInputElement);
}

beforeEach(async () => {
  await i18n.changeLanguage("en");
});
afterEach(() => {
  cleanup();
  clearMocks();
});

describe("the search box", () => {
  it("searches every change at once, but an input method's word only when it is committed", () => {
    const searched: string[] = [];
    render(<SearchBox onSearch={(text) => searched.push(text)} />);
    const input = searchInput();
    fireEvent.change(input, { target: { value: "S" } });
    fireEvent.compositionStart(input);
    fireEvent.change(input, { target: { value: "Shua" } });
    fireEvent.change(input, { target: { value: "S华联" } });
    fireEvent.compositionEnd(input);
    expect(searched).toEqual(["S", "S华联"]);
  });
});

describe("searching the orders", () => {
  it("fetches one search at a time, skips what was typed over meanwhile, and shows the latest", async () => {
    const asked: (string | null)[] = [];
    let inFlight = 0;
    let most = 0;
    mockIPC(async (cmd, args) => {
      if (cmd === "search_orders") {
        const q = (args as { query: SearchQuery }).query;
        asked.push(q.text ?? null);
        most = Math.max(most, ++inFlight);
        await new Promise((r) => setTimeout(r, 30));
        inFlight -= 1;
        // The total tells the pages apart: 10 per character typed, plus one.
        const page: SearchPage = { total: (q.text ?? "").length * 10 + 1, total_capped: false, rows: [], next_cursor: null };
        return page;
      }
      if (cmd === "departments") return [];
      if (cmd === "reassign_candidates") return { users: [], departments: [] };
      throw new Error(`unexpected command ${cmd}`);
    });
    wrap(<OrdersPage open={null} onOpen={() => {}} />, clerk);
    expect(await screen.findByText("1 order")).toBeTruthy();
    const input = searchInput();
    fireEvent.change(input, { target: { value: "a" } });
    fireEvent.change(input, { target: { value: "ab" } });
    fireEvent.change(input, { target: { value: "abc" } });
    // The list keeps the last page it had until the new one is there.
    expect(screen.getByText("1 order")).toBeTruthy();
    expect(await screen.findByText("31 orders")).toBeTruthy();
    expect(asked).toEqual([null, "a", "abc"]);
    expect(most).toBe(1);
  });
});
