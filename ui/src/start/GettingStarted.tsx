import { Button, Card, Flex, Steps, Typography } from "antd";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { api } from "../api";
import { ANY_ORDER } from "../common/queries";
import { Departments, Users } from "../settings/SettingsPage";

export type StartTarget = "import" | "customers" | "products" | "orders";

/** A new site's first steps, for the administrator who started empty:
 * departments → people → customers and products (imported or typed) →
 * orders. Each step says whether it is done yet. */
export function GettingStarted({ onGo }: { onGo: (page: StartTarget) => void }) {
  const { t } = useTranslation();
  const departments = useQuery({ queryKey: ["departments"], queryFn: api.departments });
  const users = useQuery({ queryKey: ["settings", "users"], queryFn: api.users });
  const customers = useQuery({ queryKey: ["customers", "find", "", true], queryFn: () => api.customersFind("", true, 1) });
  const products = useQuery({ queryKey: ["products", "find", "", true], queryFn: () => api.productsFind("", true, 1) });
  const orders = useQuery({ queryKey: ["orders", "any"], queryFn: () => api.search(ANY_ORDER) });
  const d = departments.data ?? [];
  // The first administrator's own department (总部) is there from the start.
  const done = [
    d.length > 1,
    (users.data?.length ?? 0) > 1,
    (customers.data?.length ?? 0) > 0 && (products.data?.length ?? 0) > 0,
    (orders.data?.total ?? 0) > 0,
  ];
  const current = done.findIndex((x) => !x);
  return (
    <Flex vertical gap={16} style={{ height: "100%", overflow: "auto" }} data-testid="getting-started">
      <div>
        <Typography.Title level={4} style={{ margin: 0 }}>{t("own.startTitle")}</Typography.Title>
        <Typography.Text type="secondary">{t("own.startIntro")}</Typography.Text>
      </div>
      <Steps direction="vertical" current={current === -1 ? 4 : current} items={[
        {
          title: t("own.startDepartments"), status: done[0] ? "finish" : undefined,
          description: <Card size="small" style={{ marginTop: 8 }}><Departments departments={d} /></Card>,
        },
        {
          title: t("own.startUsers"), status: done[1] ? "finish" : undefined,
          description: <Card size="small" style={{ marginTop: 8 }}><Users departments={d} /></Card>,
        },
        {
          title: t("own.startData"), status: done[2] ? "finish" : undefined,
          description: (
            <Flex vertical gap={8} style={{ marginTop: 8 }}>
              <Typography.Text type="secondary">{t("own.startDataText")}</Typography.Text>
              <Flex gap={8}>
                <Button type="primary" onClick={() => onGo("import")} data-testid="start-import">{t("own.importTitle")}</Button>
                <Button onClick={() => onGo("customers")}>{t("own.customers")}</Button>
                <Button onClick={() => onGo("products")}>{t("own.products")}</Button>
              </Flex>
            </Flex>
          ),
        },
        {
          title: t("own.startOrders"), status: done[3] ? "finish" : undefined,
          description: (
            <Flex vertical gap={8} style={{ marginTop: 8 }}>
              <Typography.Text type="secondary">{t("own.startOrdersText")}</Typography.Text>
              <Flex gap={8}>
                <Button onClick={() => onGo("import")}>{t("own.importOrders")}</Button>
                <Button onClick={() => onGo("orders")}>{t("own.newOrder")}</Button>
              </Flex>
            </Flex>
          ),
        },
      ]} />
    </Flex>
  );
}
