import { Button, Result } from "antd";
import { Component, type ErrorInfo, type ReactNode } from "react";
import { useTranslation } from "react-i18next";

/** A window whose screen failed to draw says so and offers a reload, instead
 * of going blank. Data is safe either way: every change is one transaction. */
export class ErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  state = { error: null as Error | null };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  componentDidCatch(error: Error, info: ErrorInfo) {
    console.error("screen failed to draw", error, info.componentStack);
  }

  render() {
    return this.state.error ? <Failed error={this.state.error} /> : this.props.children;
  }
}

function Failed({ error }: { error: Error }) {
  const { t } = useTranslation();
  return (
    <div className="center-page">
      <Result
        status="error"
        title={t("common.crashTitle")}
        subTitle={<>{t("common.crashHint")}<br /><code>{error.message}</code></>}
        extra={<Button type="primary" onClick={() => window.location.reload()} data-testid="reload">{t("common.reload")}</Button>}
      />
    </div>
  );
}
