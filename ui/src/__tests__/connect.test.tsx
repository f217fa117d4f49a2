// @vitest-environment jsdom
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { act, cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { api, onSessionOver } from "../api";
import i18n from "../i18n";
import { ConnectPage } from "../session/ConnectPage";
import { LockOverlay } from "../session/LockOverlay";
import { LoginPage } from "../session/LoginPage";
import { wrap } from "./support";

const FINGERPRINT = "658b089e307808c97f4d610ba53deacdab3395965f542aef707cecc73d7d9d3e";

beforeEach(async () => {
  await i18n.changeLanguage("en");
});
afterEach(() => {
  cleanup();
  clearMocks();
});

describe("connecting a desk", () => {
  it("shows the server's fingerprint to compare, and pins exactly that one when trusted", async () => {
    const calls: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      if (cmd === "discover_servers") return [];
      if (cmd === "probe_server") return { address: "192.168.1.20:4780", fingerprint: FINGERPRINT, version: "0.1.0" };
      return null;
    });
    let connected = false;
    wrap(<ConnectPage onConnected={() => { connected = true; }} onCancel={() => {}} />);
    fireEvent.change(screen.getByTestId("connect-address"), { target: { value: "192.168.1.20" } });
    fireEvent.click(screen.getByTestId("connect-probe"));
    const shown = await screen.findByTestId("connect-fingerprint");
    expect(shown.textContent?.replace(/\s/g, "")).toBe(FINGERPRINT);
    expect(shown.textContent).toContain("658b 089e 3078 08c9");
    fireEvent.click(screen.getByTestId("connect-trust"));
    await waitFor(() => expect(connected).toBe(true));
    const pinned = calls.find(([c]) => c === "connect_server");
    expect(pinned?.[1]).toEqual({ address: "192.168.1.20:4780", fingerprint: FINGERPRINT });
  });

  it("names why a server cannot be reached and trusts nothing", async () => {
    const calls: string[] = [];
    mockIPC((cmd) => {
      calls.push(cmd);
      if (cmd === "discover_servers") return [];
      if (cmd === "probe_server") {
        return Promise.reject({
          kind: "unavailable",
          message: "The office server 192.168.1.20:4780 refused the connection: the PC is on, but the OrderDesk service is not running.",
          details: { message_id: "server_refused", address: "192.168.1.20:4780" },
        });
      }
      return null;
    });
    wrap(<ConnectPage onConnected={() => {}} onCancel={() => {}} />);
    fireEvent.change(screen.getByTestId("connect-address"), { target: { value: "192.168.1.20" } });
    fireEvent.click(screen.getByTestId("connect-probe"));
    await waitFor(() => expect(screen.getByTestId("connect-error").textContent).toContain("service is not running"));
    expect(calls).not.toContain("connect_server");
  });
});

describe("a session that ends while working", () => {
  it("tells the window when a call finds the session locked, and not for other refusals", async () => {
    mockIPC((cmd) => {
      if (cmd === "watching") {
        return Promise.reject({ kind: "forbidden", message: "Nothing was done for 15 minutes…", details: { message_id: "session_locked", minutes: 15 } });
      }
      if (cmd === "order_detail") {
        return Promise.reject({ kind: "forbidden", message: "You may not see SO-1.", details: { message_id: "no_access", number: "SO-1" } });
      }
      return null;
    });
    const heard: string[] = [];
    const stop = onSessionOver((e) => heard.push(e.id));
    await expect(api.detail("SO-1")).rejects.toThrow("You may not see");
    expect(heard).toEqual([]);
    await expect(api.watching()).rejects.toThrow("15 minutes");
    expect(heard).toEqual(["session_locked"]);
    stop();
  });

  it("unlocks with the same person's password and keeps the window", async () => {
    const calls: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      if (cmd === "login") return { user_id: 7, login: "clerk01", display_name: "王芳", role: "clerk", department_id: 1 };
      return null;
    });
    let unlocked = false;
    const session = { user_id: 7, login: "clerk01", display_name: "王芳", role: "clerk" as const, department_id: 1 };
    wrap(<LockOverlay session={session} minutes={15} reason={null} onUnlocked={() => { unlocked = true; }} onLogout={() => {}} />);
    expect((await screen.findByTestId("lock-overlay")).textContent).toContain("15 minutes");
    fireEvent.change(screen.getByTestId("lock-password"), { target: { value: "demo" } });
    await act(async () => {
      fireEvent.click(screen.getByTestId("lock-unlock"));
    });
    await waitFor(() => expect(unlocked).toBe(true));
    expect(calls.find(([c]) => c === "login")?.[1]).toEqual({ login: "clerk01", password: "demo" });
  });
});

describe("an update from the office server", () => {
  const server = { mode: "server" as const, address: "192.168.1.20:4780", fingerprint: FINGERPRINT };

  it("offers the server's release on the login page and installs it with one click", async () => {
    const calls: string[] = [];
    mockIPC((cmd) => {
      calls.push(cmd);
      if (cmd === "server_update") return "0.2.0";
      if (cmd === "install_server_update") {
        return Promise.reject({ kind: "unavailable", message: "The update could not be installed: signature mismatch. This desk keeps its current version.", details: null });
      }
      return null;
    });
    wrap(<LoginPage onLogin={() => {}} lang="en" onLang={() => {}} desk={server} demo={false} notice={null} onConnection={() => {}} />);
    const offer = await screen.findByTestId("server-update");
    expect(offer.textContent).toContain("The office server offers OrderDesk 0.2.0");
    fireEvent.click(screen.getByTestId("server-update-install"));
    await waitFor(() => expect(screen.getByTestId("server-update-error").textContent).toContain("signature mismatch"));
    expect(calls).toContain("install_server_update");
  });

  it("says nothing when the server offers nothing, and a desk on this PC does not ask", async () => {
    const calls: string[] = [];
    mockIPC((cmd) => {
      calls.push(cmd);
      return null;
    });
    wrap(<LoginPage onLogin={() => {}} lang="en" onLang={() => {}} desk={server} demo={false} notice={null} onConnection={() => {}} />);
    await waitFor(() => expect(calls).toContain("server_update"));
    expect(screen.queryByTestId("server-update")).toBeNull();
    cleanup();
    calls.length = 0;
    wrap(<LoginPage onLogin={() => {}} lang="en" onLang={() => {}} desk={{ mode: "this_pc" }} demo={false} notice={null} onConnection={() => {}} />);
    await screen.findByTestId("login-card");
    expect(calls).not.toContain("server_update");
  });
});
