import { App } from "antd";
import { useTranslation } from "react-i18next";
import { api, type Printed } from "../api";
import { describe } from "../common/errors";

/** Says where a notice written on this PC is, and whether a viewer opened
 * it (with none, the person opens the file from there). */
export function usePrinted() {
  const { message } = App.useApp();
  const { t } = useTranslation();
  return (p: Printed) =>
    p.opened
      ? message.success({ content: t("notices.opened"), duration: 3, className: "notice-opened" })
      : message.info({ content: t("notices.saved", { path: p.path }), duration: 8, className: "notice-opened" });
}

/** Opens an order's printed cancellation notice in the system's PDF viewer. */
export function usePrintNotice() {
  const { message } = App.useApp();
  const printed = usePrinted();
  return async (number: string) => {
    try {
      printed(await api.printNotice(number));
    } catch (e) {
      message.error(describe(e).text, 8);
    }
  };
}
