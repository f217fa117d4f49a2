// @vitest-environment jsdom
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import i18n from "../i18n";
import { SetupPage } from "../session/SetupPage";
import { UnlockPage } from "../session/UnlockPage";
import { wrap } from "./support";

const RECOVERY = "7K2QD-XW4HA-00000-11111-22222-33333-44444-55555-66666-77777-88888";
const session = { user_id: 1, login: "boss", display_name: "Boss", role: "admin", department_id: 1 };

beforeEach(async () => {
  await i18n.changeLanguage("en");
});
afterEach(() => {
  cleanup();
  clearMocks();
});

describe("the first administrator", () => {
  it("encrypts the database by default and shows the recovery key until it is written down", async () => {
    const calls: string[] = [];
    let admitted = false;
    mockIPC((cmd) => {
      calls.push(cmd);
      if (cmd === "create_first_admin") return session;
      if (cmd === "encryption_enable") return { recovery_key: RECOVERY };
      if (cmd === "limits") return null;
      return null;
    });
    wrap(<SetupPage onDemo={() => {}} onAdmin={() => { admitted = true; }} lang="en" onLang={() => {}} />);
    fireEvent.change(screen.getByTestId("setup-login"), { target: { value: "boss" } });
    fireEvent.change(screen.getByTestId("setup-name"), { target: { value: "Boss" } });
    fireEvent.change(screen.getByTestId("setup-password"), { target: { value: "a-long-secret" } });
    fireEvent.change(screen.getByTestId("setup-password-again"), { target: { value: "a-long-secret" } });
    expect((screen.getByTestId("setup-encrypt") as HTMLInputElement).checked).toBe(true);
    fireEvent.click(screen.getByTestId("setup-create"));
    await waitFor(() => expect(screen.getByTestId("recovery-key").textContent).toContain(RECOVERY));
    expect(calls).toEqual(expect.arrayContaining(["create_first_admin", "encryption_enable"]));
    // Not closed before it is written down.
    expect((screen.getByTestId("recovery-done") as HTMLButtonElement).disabled).toBe(true);
    expect(admitted).toBe(false);
    fireEvent.click(screen.getByTestId("recovery-written"));
    fireEvent.click(screen.getByTestId("recovery-done"));
    expect(admitted).toBe(true);
  });

  it("goes on without encryption when the box is cleared", async () => {
    const calls: string[] = [];
    let admitted = false;
    mockIPC((cmd) => {
      calls.push(cmd);
      return cmd === "create_first_admin" ? session : null;
    });
    wrap(<SetupPage onDemo={() => {}} onAdmin={() => { admitted = true; }} lang="en" onLang={() => {}} />);
    fireEvent.change(screen.getByTestId("setup-login"), { target: { value: "boss" } });
    fireEvent.change(screen.getByTestId("setup-name"), { target: { value: "Boss" } });
    fireEvent.change(screen.getByTestId("setup-password"), { target: { value: "a-long-secret" } });
    fireEvent.change(screen.getByTestId("setup-password-again"), { target: { value: "a-long-secret" } });
    fireEvent.click(screen.getByTestId("setup-encrypt"));
    fireEvent.click(screen.getByTestId("setup-create"));
    await waitFor(() => expect(admitted).toBe(true));
    expect(calls).not.toContain("encryption_enable");
  });
});

describe("an encrypted database without its key here", () => {
  it("takes the recovery key and says when it is not the right one", async () => {
    let given = "";
    let opened = false;
    mockIPC((cmd, args) => {
      if (cmd === "unlock_database") {
        given = String((args as { recoveryKey: string }).recoveryKey);
        return given === RECOVERY ? null : Promise.reject({ kind: "invalid_input", message: "That is not a recovery key.", details: null });
      }
      return null;
    });
    wrap(<UnlockPage onUnlocked={() => { opened = true; }} />);
    expect((screen.getByTestId("unlock-submit") as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(screen.getByTestId("unlock-key"), { target: { value: "ABCDE" } });
    fireEvent.click(screen.getByTestId("unlock-submit"));
    await waitFor(() => expect(screen.getByTestId("unlock-error").textContent).toContain("not a recovery key"));
    expect(opened).toBe(false);
    fireEvent.change(screen.getByTestId("unlock-key"), { target: { value: RECOVERY } });
    fireEvent.click(screen.getByTestId("unlock-submit"));
    await waitFor(() => expect(opened).toBe(true));
    expect(given).toBe(RECOVERY);
  });
});
