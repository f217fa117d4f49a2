import type { ThemeConfig } from "antd";

/** The one theme: calm, light, readable in Chinese. */
export const theme: ThemeConfig = {
  token: {
    colorPrimary: "#1668dc",
    borderRadius: 6,
    fontSize: 14,
    fontFamily:
      "-apple-system, BlinkMacSystemFont, 'Segoe UI', 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Helvetica Neue', Arial, sans-serif",
    colorBgLayout: "#f5f7fa",
  },
  components: {
    Layout: { headerBg: "#ffffff", headerHeight: 52, headerPadding: "0 20px", siderBg: "#ffffff" },
    Table: { rowSelectedBg: "#e6f0ff" },
  },
};
