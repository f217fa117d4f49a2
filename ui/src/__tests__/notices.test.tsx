// @vitest-environment jsdom
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import i18n from "../i18n";
import type { CustomerMessage, MailSetup } from "../api";
import { NoticeSettings } from "../notices/NoticeSettings";
import { OutboxPage } from "../notices/OutboxPage";
import { wrap } from "./support";

const admin = { user_id: 1, login: "admin", display_name: "Admin", role: "admin", department_id: 1 } as const;
const clerk = { user_id: 5, login: "clerk01", display_name: "王小二", role: "clerk", department_id: 1 } as const;

function message(over: Partial<CustomerMessage>): CustomerMessage {
  return {
    id: 1, customer_id: 3, customer: "上海华联贸易有限公司", order_number: "SO-2026-000042", event: "cancelled", language: "zh-CN",
    recipient: "a@example.cn", subject: "订单已取消", body: "尊敬的客户", created_at: "2026-12-05T08:00:00Z", status: "queued",
    attempts: 0, last_answer: null, next_attempt_at: null, sent_at: null, department_id: 1, requested_by: 5, message_id: "<x@orderdesk.notice>",
    ...over,
  };
}

const unset: MailSetup = {
  settings: { host: "", port: 0, security: "ssl", user: "", from_name: "", from_address: "", reply_to: "" },
  configured: false, password_set: false, password_kept: null, waiting: 3,
};

beforeEach(async () => {
  await i18n.changeLanguage("en");
});
afterEach(() => {
  cleanup();
  clearMocks();
});

describe("the outbox", () => {
  it("shows each notice's state and answer, and lets a manager act on the right ones only", async () => {
    const calls: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      if (cmd === "outbox_list") return [
        message({ id: 1, order_number: "SO-2026-000001", status: "failed", attempts: 1, last_answer: "550 5.1.1 Mailbox unavailable" }),
        message({ id: 2, order_number: "SO-2026-000002", status: "queued" }),
        message({ id: 3, order_number: "SO-2026-000003", status: "sent", attempts: 1, last_answer: "250 ok" }),
      ];
      if (cmd === "mail_get") return unset;
      if (cmd === "outbox_resend") return message({ id: 1, status: "queued" });
      return null;
    });
    wrap(<OutboxPage onOpen={() => {}} />, admin);
    await waitFor(() => expect(screen.getByText("550 5.1.1 Mailbox unavailable")).toBeTruthy());
    // The administrator is told that notices wait for a channel.
    await waitFor(() => expect(screen.getByTestId("outbox-waiting").textContent).toContain("3 notices are waiting"));
    // In words a person would write: one notice "is" waiting.
    expect(i18n.t("notices.waiting", { count: 1 })).toBe("1 notice is waiting to go out or to be tried again");
    expect(screen.queryByTestId("notice-resend-SO-2026-000001")).toBeTruthy();
    expect(screen.queryByTestId("notice-withdraw-SO-2026-000002")).toBeTruthy();
    // Nothing to do on a sent one but print it.
    const sent = screen.getByTestId("notice-actions-SO-2026-000003");
    expect(within(sent).queryByText("Send again")).toBeNull();
    expect(within(sent).queryByText("Withdraw")).toBeNull();
    fireEvent.click(screen.getByTestId("notice-resend-SO-2026-000001"));
    await waitFor(() => expect(calls.some(([c, a]) => c === "outbox_resend" && (a as { id: number }).id === 1)).toBe(true));
  });

  it("gives a clerk the list without the manager's buttons", async () => {
    mockIPC((cmd) => (cmd === "outbox_list"
      ? [message({ status: "failed" }), message({ id: 2, order_number: "SO-2026-000043", status: "queued" })]
      : null));
    wrap(<OutboxPage onOpen={() => {}} />, clerk);
    await waitFor(() => expect(screen.getByTestId("notice-state-failed")).toBeTruthy());
    expect(screen.getByTestId("notice-state-queued")).toBeTruthy();
    expect(screen.queryByTestId("notice-resend-SO-2026-000042")).toBeNull();
    expect(screen.queryByTestId("notice-withdraw-SO-2026-000043")).toBeNull();
    // Printing is everyone's.
    expect(within(screen.getByTestId("notice-actions-SO-2026-000043")).queryByText("Print")).toBeTruthy();
    expect(screen.queryByTestId("outbox-deliver")).toBeNull();
  });
});

describe("the email settings", () => {
  it("fills a provider in, sends the password only when typed, and reports the test answer", async () => {
    const saved: Record<string, unknown>[] = [];
    mockIPC((cmd, args) => {
      if (cmd === "mail_get") return saved.length ? { ...unset, configured: true, password_set: true, password_kept: "keychain", settings: (saved[0] as { mail: MailSetup["settings"] }).mail } : unset;
      if (cmd === "company_get") return { name_zh: "", name_en: "", address_zh: "", address_en: "", phone: "" };
      if (cmd === "mail_set") {
        saved.push(args as Record<string, unknown>);
        return unset;
      }
      if (cmd === "mail_test") return Promise.reject({ kind: "unavailable", message: "The message was not sent: 535 Login fail", details: null });
      return null;
    });
    wrap(<NoticeSettings />, admin);
    await screen.findByTestId("mail-preset");
    fireEvent.mouseDown(screen.getByTestId("mail-preset").querySelector(".ant-select-selector") ?? screen.getByTestId("mail-preset"));
    fireEvent.click(await screen.findByText("QQ Mail"));
    await waitFor(() => expect((screen.getByTestId("mail-host") as HTMLInputElement).value).toBe("smtp.qq.com"));
    expect(screen.getByTestId("mail-authcode-hint").textContent).toContain("授权码");
    expect((screen.getByTestId("mail-port") as HTMLInputElement).value).toBe("465");
    fireEvent.change(screen.getByTestId("mail-user"), { target: { value: "12345@qq.com" } });
    fireEvent.change(screen.getByTestId("mail-from"), { target: { value: "12345@qq.com" } });
    fireEvent.click(screen.getByTestId("mail-save"));
    await waitFor(() => expect(saved.length).toBe(1));
    expect(saved[0].password).toBeNull();
    expect((saved[0].mail as { host: string; security: string }).security).toBe("ssl");
    fireEvent.change(screen.getByTestId("mail-password"), { target: { value: "abcdefghijklmnop" } });
    fireEvent.click(screen.getByTestId("mail-save"));
    await waitFor(() => expect(saved.length).toBe(2));
    expect(saved[1].password).toBe("abcdefghijklmnop");
    fireEvent.change(screen.getByTestId("mail-test-to"), { target: { value: "me@example.com" } });
    await waitFor(() => expect((screen.getByTestId("mail-test-send") as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(screen.getByTestId("mail-test-send"));
    await waitFor(() => expect(screen.getByTestId("mail-test-result").textContent).toContain("535 Login fail"));
  });
});
