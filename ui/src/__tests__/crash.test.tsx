// @vitest-environment jsdom
import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { ErrorBoundary } from "../common/ErrorBoundary";
import i18n from "../i18n";

beforeEach(async () => {
  await i18n.changeLanguage("zh-CN");
});
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

function Broken(): React.ReactNode {
  throw new Error("rows is undefined");
}

it("shows what failed and a reload button instead of a blank window", () => {
  vi.spyOn(console, "error").mockImplementation(() => {});
  render(<ErrorBoundary><Broken /></ErrorBoundary>);
  expect(screen.getByText("此界面出现了意外错误")).toBeTruthy();
  expect(screen.getByText("rows is undefined")).toBeTruthy();
  expect(screen.getByTestId("reload").textContent?.replace(/\s/g, "")).toBe("刷新");
});
