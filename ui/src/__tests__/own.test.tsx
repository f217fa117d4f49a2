// @vitest-environment jsdom
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { act, cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CustomerRecord, DraftOrder, ImportReport, ImportSheet, JobStatus, Product, Session } from "../api";
import i18n from "../i18n";
import { ImportPage } from "../import/ImportPage";
import { OrderForm } from "../orders/OrderForm";
import { wrap } from "./support";

const customer: CustomerRecord = {
  id: 7, code: "HD01", name: "上海宏达实业", name_latin: "Shanghaihongda", initials: "shhdsy",
  contact: null, email: null, phone: null, language: "zh-CN", active: true,
};
const stapler: Product = { id: 3, sku: "OD-STAPLER", name_zh: "订书机", name_en: "Stapler", unit_price_minor: 1250, on_hand: 100, reserved: 0, unit: "个", active: true };
const paper: Product = { id: 4, sku: "OD-PAPER", name_zh: "复印纸", name_en: "Paper", unit_price_minor: 123_450, on_hand: 20, reserved: 0, unit: "箱", active: true };
const admin = { user_id: 1, login: "boss", display_name: "李老板", role: "admin", department_id: 1 } as Session;

beforeEach(async () => {
  await i18n.changeLanguage("en");
});
afterEach(async () => {
  cleanup();
  // Event listeners unlisten a tick after unmounting; the mocks must still be there.
  await new Promise((r) => setTimeout(r, 0));
  clearMocks();
});

/** The search input inside an antd Select with this test id. */
function selectInput(testId: string): HTMLInputElement {
  const el = screen.getByTestId(testId);
  return (el.tagName === "INPUT" ? el : el.querySelector("input")) as HTMLInputElement;
}

/** Types into a picker and takes the option the search brings first, as
 * Enter does; waits until the picker shows `shown`. */
async function pick(testId: string, text: string, option: string, shown: string) {
  const input = selectInput(testId);
  // Other pickers' lists may hold the same option: wait for one more.
  const before = screen.queryAllByTestId(option).length;
  fireEvent.mouseDown(input);
  fireEvent.change(input, { target: { value: text } });
  // Enter takes the active option: wait until the new one is it (a busy
  // machine renders the list before it marks one).
  await waitFor(() => {
    const found = screen.queryAllByTestId(option);
    expect(found.length).toBeGreaterThan(before);
    expect(found[found.length - 1].closest(".ant-select-item-option-active")).toBeTruthy();
  });
  fireEvent.keyDown(input, { key: "Enter", code: "Enter", keyCode: 13 });
  await waitFor(() => expect(screen.getByTestId(testId).textContent).toContain(shown));
}

describe("the new-order form", () => {
  it("is filled from the keyboard: Enter adds a line, Ctrl+S saves what the core needs", async () => {
    const created: DraftOrder[] = [];
    const searched: string[] = [];
    mockIPC((cmd, args) => {
      const a = args as Record<string, unknown>;
      if (cmd === "customers_find") {
        searched.push(a.text as string);
        return a.text === "hd" ? [customer] : [];
      }
      if (cmd === "products_find") return String(a.text).startsWith("OD-P") ? [paper] : [stapler, paper];
      if (cmd === "order_create") {
        created.push(a.draft as DraftOrder);
        return { number: "SO-2026-000101", version: 1, total_minor: 0 };
      }
      return null;
    });
    let saved = "";
    wrap(<OrderForm onClose={() => {}} onSaved={(n) => { saved = n; }} />);
    await pick("order-customer", "hd", "customer-option-HD01", "上海宏达实业");
    expect(searched).toContain("hd");
    await pick("line-product-0", "订书", "product-option-OD-STAPLER", "OD-STAPLER");
    const qty = screen.getByTestId("line-quantity-0").querySelector("input") ?? (screen.getByTestId("line-quantity-0") as HTMLInputElement);
    fireEvent.change(qty, { target: { value: "3" } });
    fireEvent.keyDown(qty, { key: "Enter", code: "Enter" });
    await screen.findByTestId("line-product-1");
    await pick("line-product-1", "OD-P", "product-option-OD-PAPER", "OD-PAPER");
    await waitFor(() => expect(screen.getByTestId("order-total").textContent).toContain("1,272.00"));
    await act(async () => {
      fireEvent.keyDown(window, { key: "s", ctrlKey: true });
    });
    await waitFor(() => expect(created).toHaveLength(1));
    expect(created[0].customer).toBe(7);
    expect(created[0].lines).toEqual([
      { product: 3, quantity: 3, unit_price_minor: 1250 },
      { product: 4, quantity: 1, unit_price_minor: 123_450 },
    ]);
    await waitFor(() => expect(saved).toBe("SO-2026-000101"));
  });

  it("says what is missing, and shows the core's refusal without closing", async () => {
    mockIPC((cmd, args) => {
      const a = args as Record<string, unknown>;
      if (cmd === "customers_find") return [customer];
      if (cmd === "products_find") return [stapler];
      if (cmd === "order_create") {
        void a;
        return Promise.reject({ kind: "rule_violation", message: "The customer 上海宏达实业 is deactivated; activate them first or pick another customer.", details: null });
      }
      return null;
    });
    let saved = false;
    wrap(<OrderForm onClose={() => {}} onSaved={() => { saved = true; }} />);
    fireEvent.click(screen.getByTestId("order-save"));
    expect((await screen.findByTestId("order-error")).textContent).toContain("Choose the customer");
    await pick("order-customer", "sh", "customer-option-HD01", "上海宏达实业");
    await pick("line-product-0", "OD", "product-option-OD-STAPLER", "OD-STAPLER");
    fireEvent.click(screen.getByTestId("order-save"));
    await waitFor(() => expect(screen.getByTestId("order-error").textContent).toContain("deactivated"));
    expect(saved).toBe(false);
  });
});

describe("the import wizard", () => {
  it("maps the columns, shows the dry run per row, then imports with the job's results", async () => {
    const sheet: ImportSheet = {
      kind: "customers", format: "csv-gb18030", headers: ["客户编码", "客户名称", "备注"], rows: 3,
      sample: [["HD01", "上海宏达实业", ""]],
      fields: [
        { key: "code", label_zh: "客户编码", label_en: "code", required: true },
        { key: "name", label_zh: "客户名称", label_en: "name", required: true },
        { key: "email", label_zh: "邮箱", label_en: "email", required: false },
      ],
      mapping: [{ field: "code", column: 0 }, { field: "name", column: 1 }, { field: "email", column: null }],
    };
    const report: ImportReport = {
      kind: "customers", total: 3, accepted: 2, unchanged: 0, refused: 1, omitted: 0,
      rows: [
        { number: "HD01", state: "accepted", problem: null, row: 2 },
        { number: "XX", state: "refused", problem: { kind: "invalid_input", message_zh: "请填写名称。", message_en: "The name is required." }, row: 3 },
        { number: "AC03", state: "accepted", problem: null, row: 4 },
      ],
    };
    const done: JobStatus = { id: "job-1", kind: "import_customers", state: "done", total: 3, done: 2, refused: 1, pending: 0, unchanged: 0 };
    const calls: string[] = [];
    mockIPC((cmd, args) => {
      calls.push(cmd);
      const a = args as Record<string, unknown>;
      if (cmd === "import_inspect_file") return { ...sheet, kind: a.kind };
      if (cmd === "import_dry_run_file") return report;
      if (cmd === "import_start_file") return { ...done, state: "pending", done: 0, refused: 1, pending: 2 };
      if (cmd === "run_job") return done;
      if (cmd === "job_results") return report.rows.map((r) => ({ ...r, state: r.state === "accepted" ? "done" : r.state }));
      return null;
    }, { shouldMockEvents: true });
    wrap(<ImportPage />, admin);
    fireEvent.change(screen.getByTestId("import-path"), { target: { value: "/tmp/客户.csv" } });
    fireEvent.click(screen.getByTestId("import-next"));
    await screen.findByTestId("import-mapping");
    expect(screen.getByText("3 rows (csv-gb18030): which column holds what?")).toBeTruthy();
    fireEvent.click(screen.getByTestId("import-dry-run"));
    await screen.findByTestId("import-dry-rows");
    expect(screen.getByText("The name is required.")).toBeTruthy();
    expect(screen.getByTestId("import-start").textContent).toContain("Import 2 records");
    fireEvent.click(screen.getByTestId("import-start"));
    await screen.findByTestId("import-done");
    expect(screen.getByTestId("import-done").textContent).toContain("2 created, 0 already there, 1 refused");
    expect(calls).toEqual(expect.arrayContaining(["import_inspect_file", "import_dry_run_file", "import_start_file", "run_job", "job_results"]));
    expect(calls.indexOf("import_start_file")).toBeGreaterThan(calls.indexOf("import_dry_run_file"));
  });
});
