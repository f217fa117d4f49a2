import { Badge, Button, Empty, Flex, List, Segmented, Typography } from "antd";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { api, type InboxItem } from "../api";
import { moment } from "../common/format";

export function InboxPage({ onOpen }: { onOpen: (n: string) => void }) {
  const { t, i18n } = useTranslation();
  const qc = useQueryClient();
  const [unreadOnly, setUnreadOnly] = useState(false);
  const q = useQuery({ queryKey: ["inbox", "list", unreadOnly], queryFn: () => api.inbox(unreadOnly) });
  const zh = i18n.language === "zh-CN";

  const open = async (item: InboxItem) => {
    if (!item.read) {
      await api.markRead([item.id]);
      void qc.invalidateQueries({ queryKey: ["inbox"] });
    }
    if (item.order_number) onOpen(item.order_number);
  };

  return (
    <Flex vertical gap={12}>
      <Flex justify="space-between" align="center">
        <Typography.Title level={4} style={{ margin: 0 }}>{t("inbox.title")}</Typography.Title>
        <Flex gap={8}>
          <Segmented value={unreadOnly ? "unread" : "all"} onChange={(v) => setUnreadOnly(v === "unread")}
            options={[{ value: "all", label: t("common.all") }, { value: "unread", label: t("inbox.unreadOnly") }]} />
          <Button onClick={async () => { await api.markRead([]); void qc.invalidateQueries({ queryKey: ["inbox"] }); }} data-testid="inbox-mark-all">
            {t("inbox.markAll")}
          </Button>
        </Flex>
      </Flex>
      <List<InboxItem>
        data-testid="inbox-list"
        bordered
        loading={q.isLoading}
        dataSource={q.data ?? []}
        locale={{ emptyText: <Empty description={t("inbox.empty")} /> }}
        renderItem={(item) => (
          <List.Item style={{ cursor: "pointer", background: item.read ? undefined : "var(--unread-bg)" }}
            onClick={() => void open(item)} data-testid={`inbox-item-${item.order_number ?? item.id}`}>
            <List.Item.Meta
              avatar={<Badge dot={!item.read} />}
              title={zh ? item.title_zh : item.title_en}
              description={zh ? item.body_zh : item.body_en}
            />
            <Typography.Text type="secondary">{moment(item.created_at)}</Typography.Text>
          </List.Item>
        )}
      />
    </Flex>
  );
}
