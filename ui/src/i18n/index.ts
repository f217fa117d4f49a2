import i18n from "i18next";
import { initReactI18next } from "react-i18next";
import { en } from "./en";
import { zh } from "./zh";

export type UiLang = "zh-CN" | "en";

/** The OS language, as the webview reports it. */
export function osLang(): UiLang {
  const l = (typeof navigator !== "undefined" && navigator.language) || "en";
  return l.toLowerCase().startsWith("zh") ? "zh-CN" : "en";
}

void i18n.use(initReactI18next).init({
  resources: { "zh-CN": { translation: zh }, en: { translation: en } },
  lng: osLang(),
  fallbackLng: "en",
  interpolation: { escapeValue: false },
});

export default i18n;
