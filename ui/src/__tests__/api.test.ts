// @vitest-environment jsdom
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import { api, ApiError } from "../api";

afterEach(() => clearMocks());

describe("the api layer", () => {
  it("returns a command's data", async () => {
    mockIPC((cmd, args) => {
      if (cmd === "order_detail") return { number: (args as { number: string }).number, status: "draft" };
      return null;
    });
    const d = await api.detail("SO-2026-000001");
    expect(d.number).toBe("SO-2026-000001");
  });

  it("turns a refusal into an ApiError with its kind and message", async () => {
    mockIPC((cmd) => {
      if (cmd === "cancel_order") {
        return Promise.reject({ kind: "rule_violation", message: "SO-1 已发货，不能取消", details: null });
      }
      return null;
    });
    const err = await api
      .cancel({ number: "SO-1", seen_version: 1, reason_code: "duplicate", note: null, notify_customer: true })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).kind).toBe("rule_violation");
    expect((err as ApiError).message).toContain("已发货");
  });

  it("passes arguments under the names the commands expect", async () => {
    let seen: unknown = null;
    mockIPC((cmd, args) => {
      if (cmd === "reassign_order") seen = args;
      return { number: "SO-1", version: 2, handler: "clerk02", department_id: 1, previous_handler: "clerk01", notified: [] };
    });
    await api.reassign("SO-1", 1, { kind: "user", value: "clerk02" }, "请跟进");
    expect(seen).toEqual({ number: "SO-1", version: 1, target: { kind: "user", value: "clerk02" }, note: "请跟进" });
  });
});
