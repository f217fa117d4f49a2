// @vitest-environment jsdom
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CancelPreview, CustomerNotice, OrderDetail } from "../api";
import i18n from "../i18n";
import { CancelWizard } from "../wizards/CancelWizard";
import { LoginPage } from "../session/LoginPage";
import { wrap } from "./support";

const order = { number: "SO-2026-000042", version: 3 } as OrderDetail;

/** The printed notice of the previews, as data. */
const sheet: CustomerNotice["sheet"] = {
  language: "zh-CN", company_name: "东方办公", company_address: "", company_phone: "", customer: "上海华联贸易有限公司",
  number: "SO-2026-000042", order_date: "2026-11-20", lines: [], total: "CNY 12,345.00", reason: "缺货", message: null,
  cancelled_on: "2026-12-05", operator: "王小二",
};

function preview(over: Partial<CancelPreview>): CancelPreview {
  return {
    number: order.number, status: "invoiced", version: 3, total_minor: 1_234_500, currency: "CNY",
    allowed: true, blockers: [], needs_approval: false, approval_reasons: [], approval_threshold_minor: 5_000_000,
    reversal: { stock: [{ sku: "P-0101", product_zh: "办公椅 A100", product_en: "Office chair A100", quantity: 2 }], credit_notes: [{ invoice: "INV-2026-000042", amount_minor: 1_234_500 }], refund_due_minor: 0 },
    recipients: [{ kind: "department_managers", user_id: 2, login: "mgr.east", display_name: "陈明" }],
    customer_notice: { customer: "上海华联贸易有限公司", to: "a@example.cn", language: "zh-CN", subject: "订单 SO-2026-000042 已取消", body: "尊敬的客户", sheet, pdf_hash: "ab" },
    ...over,
  };
}

beforeEach(async () => {
  await i18n.changeLanguage("en");
});
afterEach(() => {
  cleanup();
  clearMocks();
});

describe("the cancel wizard", () => {
  it("shows what blocks a cancel and offers no way forward", async () => {
    mockIPC((cmd) => {
      if (cmd === "cancel_preview") {
        return preview({ allowed: false, blockers: [{ kind: "rule_violation", message_zh: "已发货", message_en: "SO-2026-000042 has been shipped; create a return instead." }] });
      }
      if (cmd === "reasons") return [];
      return null;
    });
    wrap(<CancelWizard order={order} onClose={() => {}} />);
    expect(await screen.findByText(/create a return instead/)).toBeTruthy();
    expect((screen.getByTestId("cancel-next") as HTMLButtonElement).disabled).toBe(true);
  });

  it("says when a manager must approve, and lists what will be reversed", async () => {
    mockIPC((cmd) => {
      if (cmd === "cancel_preview") return preview({ needs_approval: true, approval_reasons: ["invoiced"] });
      if (cmd === "reasons") return [];
      return null;
    });
    wrap(<CancelWizard order={order} onClose={() => {}} />);
    expect(await screen.findByText("A manager must approve this cancellation")).toBeTruthy();
    expect(screen.getByText("The order has been invoiced")).toBeTruthy();
    expect(screen.getByText(/Credit note for invoice INV-2026-000042/)).toBeTruthy();
    expect(screen.getByText(/陈明 \(mgr.east\)/)).toBeTruthy();
  });

  it("will not go past the reason step without a reason", async () => {
    mockIPC((cmd) => {
      if (cmd === "cancel_preview") return preview({});
      if (cmd === "reasons") return [{ code: "customer_request", label_zh: "客户要求", label_en: "Customer request", active: true }];
      return null;
    });
    wrap(<CancelWizard order={order} onClose={() => {}} />);
    await screen.findByTestId("cancel-preview");
    fireEvent.click(screen.getByTestId("cancel-next"));
    await screen.findByText("Reason", { selector: "label" });
    fireEvent.click(screen.getByTestId("cancel-next"));
    expect(await screen.findByText("Choose a reason")).toBeTruthy();
    expect(screen.queryByTestId("cancel-confirm")).toBeNull();
  });
});

describe("the cancel wizard keeps the internal note from the customer", () => {
  it("prefills the message from the reason, previews the notice without the note, and says what was done", async () => {
    const previews: unknown[][] = [];
    const sent: Record<string, unknown>[] = [];
    mockIPC((cmd, args) => {
      const a = args as Record<string, unknown>;
      if (cmd === "cancel_preview") {
        previews.push([a.note, a.customerMessage]);
        const body = `尊敬的客户：订单已取消。${a.customerMessage ?? ""}`;
        return preview({ customer_notice: { customer: "上海华联贸易有限公司", to: "a@example.cn", language: "zh-CN", subject: "订单 SO-2026-000042 已取消", body, sheet, pdf_hash: "ab" } });
      }
      if (cmd === "reasons") return [{ code: "out_of_stock", label_zh: "缺货", label_en: "Out of stock", active: true }];
      if (cmd === "cancel_order") {
        sent.push(a.request as Record<string, unknown>);
        return {
          number: order.number, status: "cancelled", from: "invoiced", version: 4, reversal: { stock: [], credit_notes: [], refund_due_minor: 0 },
          notified: ["mgr.east"], notified_names: ["陈明"], customer_message_id: 9, customer_notice_to: "a@example.cn",
        };
      }
      return null;
    });
    wrap(<CancelWizard order={order} onClose={() => {}} />);
    await screen.findByTestId("cancel-preview");
    fireEvent.click(screen.getByTestId("cancel-next"));
    const reason = (await screen.findByTestId("cancel-reason")).querySelector("input") as HTMLInputElement;
    fireEvent.mouseDown(reason);
    fireEvent.click(await screen.findByTitle("Out of stock"));
    // The customer's wording of the reason, in the customer's language.
    await waitFor(() => expect((screen.getByTestId("cancel-customer-message") as HTMLTextAreaElement).value).toBe("很抱歉，所订货品缺货，无法按时交付。"));
    fireEvent.change(screen.getByTestId("cancel-note"), { target: { value: "供应商延期，内部跟进" } });
    fireEvent.click(screen.getByTestId("cancel-next"));
    const notice = await screen.findByTestId("cancel-notice");
    await waitFor(() => expect(screen.getByTestId("cancel-notice").textContent).toContain("缺货，无法按时交付"));
    expect(notice.textContent).not.toContain("供应商延期");
    expect(screen.getByTestId("cancel-internal-note").textContent).toContain("供应商延期");
    fireEvent.click(screen.getByTestId("cancel-confirm"));
    const result = await screen.findByTestId("cancel-result");
    expect(sent[0].note).toBe("供应商延期，内部跟进");
    expect(sent[0].customer_message).toBe("很抱歉，所订货品缺货，无法按时交付。");
    expect(result.textContent).toContain("was cancelled");
    expect(result.textContent).toContain("Invoiced → Cancelled");
    expect(result.textContent).toContain("Told: 陈明");
    expect(result.textContent).toContain("queued for a@example.cn");
    expect(result.textContent).not.toContain("Who is notified");
  });
});

describe("limits come from the core", () => {
  it("the note field takes the length the core says", async () => {
    mockIPC((cmd) => {
      if (cmd === "cancel_preview") return preview({});
      if (cmd === "reasons") return [];
      if (cmd === "limits") return { note: 7, order_notes: 9, order_lines: 3, customer_name: 5, customer_code: 5, contact: 5, phone: 5, email: 5, sku: 5, product_name: 5, unit: 2, stock_reason: 5, password_min: 8, password_max: 256 };
      return null;
    });
    wrap(<CancelWizard order={order} onClose={() => {}} />);
    await screen.findByTestId("cancel-preview");
    fireEvent.click(screen.getByTestId("cancel-next"));
    await waitFor(() => expect(screen.getByTestId("cancel-note").getAttribute("maxlength")).toBe("7"));
  });
});

describe("the login page says a lock in this desk's time", () => {
  it("shows the local time, the minutes left and what to do", async () => {
    const until = new Date(Date.now() + 4 * 60_000);
    mockIPC((cmd) => {
      if (cmd === "login") {
        return Promise.reject({ kind: "forbidden", message: "locked (server text)", details: { message_id: "account_locked", until: until.toISOString(), minutes: 4 } });
      }
      return null;
    });
    wrap(<LoginPage onLogin={() => {}} lang="en" onLang={() => {}} desk={null} demo={false} notice={null} onConnection={() => {}} />);
    fireEvent.change(screen.getByTestId("login-user"), { target: { value: "clerk01" } });
    fireEvent.change(screen.getByTestId("login-password"), { target: { value: "wrong" } });
    fireEvent.click(screen.getByTestId("login-submit"));
    const local = until.toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });
    await waitFor(() => expect(screen.getByTestId("login-error").textContent).toContain(`until ${local} (about 4 minutes)`));
    expect(screen.getByTestId("login-error").textContent).toContain("Ask your administrator");
  });
});

describe("the login page", () => {
  it("shows the lockout message the core sends", async () => {
    mockIPC((cmd) => {
      if (cmd === "login") return Promise.reject({ kind: "forbidden", message: "Too many failed logins; the account is locked until 2026-11-29 10:05:00 UTC.", details: null });
      return null;
    });
    wrap(<LoginPage onLogin={() => {}} lang="en" onLang={() => {}} desk={null} demo={false} notice={null} onConnection={() => {}} />);
    fireEvent.change(screen.getByTestId("login-user"), { target: { value: "clerk01" } });
    fireEvent.change(screen.getByTestId("login-password"), { target: { value: "wrong" } });
    fireEvent.click(screen.getByTestId("login-submit"));
    await waitFor(() => expect(screen.getByTestId("login-error").textContent).toContain("locked until"));
  });

  it("names the demo users only where the database holds the demo data", () => {
    const { unmount } = wrap(<LoginPage onLogin={() => {}} lang="en" onLang={() => {}} desk={null} demo={false} notice={null} onConnection={() => {}} />);
    expect(screen.queryByTestId("login-demo-hint")).toBeNull();
    unmount();
    wrap(<LoginPage onLogin={() => {}} lang="en" onLang={() => {}} desk={null} demo={true} notice={null} onConnection={() => {}} />);
    expect(screen.getByTestId("login-demo-hint").textContent).toContain("password “demo”");
  });
});
