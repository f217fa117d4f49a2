// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Row } from "../api";
import i18n from "../i18n";
import { OrderTable } from "../orders/OrderTable";

function row(number: string, customer: string): Row {
  return {
    id: Number(number.slice(-3)), number, customer, customer_latin: "", status: "confirmed", closed_as: null,
    handler: null, handler_name: null, department: "华东", department_en: "East", total_minor: 1000,
    currency: "CNY", order_date: "2026-11-01", closed_at: null, version: 1, reason: null,
  };
}

function checkbox(number: string): HTMLInputElement {
  return within(screen.getByTestId(`order-row-${number}`)).getByRole("checkbox") as HTMLInputElement;
}

beforeEach(async () => {
  await i18n.changeLanguage("en");
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

/** A ResizeObserver that reports every element `width` pixels wide. */
function widthOf(width: number) {
  vi.stubGlobal("ResizeObserver", class {
    constructor(private report: ResizeObserverCallback) {}
    observe(el: Element) {
      Object.defineProperty(el, "clientWidth", { value: width });
      this.report([{ contentRect: { width } } as ResizeObserverEntry], this as unknown as ResizeObserver);
    }
    disconnect() {}
  });
}

function headers(): string[] {
  return screen.getAllByRole("columnheader").map((h) => h.textContent ?? "").filter((t) => t !== "");
}

describe("the order list", () => {
  it("keeps the selection by order number while rows move to other places", () => {
    const a = row("SO-2026-000001", "华联商贸");
    const b = row("SO-2026-000002", "上海宏达");
    const c = row("SO-2026-000003", "北京万通");
    let selected: string[] = [];
    const table = (rows: Row[]) => (
      <OrderTable rows={rows} loading={false} active={null} onOpen={() => {}} height={400}
        selected={selected} onSelect={(numbers) => (selected = numbers)} />
    );
    const { rerender } = render(table([a, b]));
    fireEvent.click(checkbox(b.number));
    expect(selected).toEqual([b.number]);
    // A new search puts another order where b was, and b below it.
    rerender(table([c, a, b]));
    expect([checkbox(c.number).checked, checkbox(a.number).checked, checkbox(b.number).checked]).toEqual([false, false, true]);
    fireEvent.click(checkbox(c.number));
    expect([...selected].sort()).toEqual([b.number, c.number]);
  });

  it("gives up the date, then the amount, then the handler as it narrows, never the customer", async () => {
    const rows = [row("SO-2026-000001", "华联商贸")];
    const expected: [number, string[]][] = [
      [1200, ["Number", "Customer", "Status", "Handler", "Total", "Date"]],
      [800, ["Number", "Customer", "Status", "Handler", "Total"]],
      [650, ["Number", "Customer", "Status", "Handler"]],
      [545, ["Number", "Customer", "Status"]],
    ];
    for (const [width, columns] of expected) {
      widthOf(width);
      render(<OrderTable rows={rows} loading={false} active={null} onOpen={() => {}} height={400} />);
      expect(headers(), `${width} px`).toEqual(columns);
      cleanup();
    }
  });

  it("highlights the open order's row, and only that one", () => {
    const a = row("SO-2026-000001", "华联商贸");
    const b = row("SO-2026-000002", "上海宏达");
    const { rerender } = render(<OrderTable rows={[a, b]} loading={false} active={b.number} onOpen={() => {}} height={400} />);
    const lit = (n: string) => screen.getByTestId(`order-row-${n}`).classList.contains("row-active");
    expect([lit(a.number), lit(b.number)]).toEqual([false, true]);
    rerender(<OrderTable rows={[a, b]} loading={false} active={a.number} onOpen={() => {}} height={400} />);
    expect([lit(a.number), lit(b.number)]).toEqual([true, false]);
  });
});
