import { Result } from "antd";
import { InboxOutlined } from "@ant-design/icons";
import { useTranslation } from "react-i18next";

/** The archive window (search, analytics, export come with the archive issue). */
export function ArchiveWindow() {
  const { t } = useTranslation();
  return (
    <div className="center-page" data-testid="archive-window">
      <Result icon={<InboxOutlined />} title={t("archiveWindow.title")} subTitle={t("archiveWindow.placeholder")} />
    </div>
  );
}
