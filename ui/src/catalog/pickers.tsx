import { Select, Typography } from "antd";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { forwardRef, useState } from "react";
import type { RefSelectProps } from "antd";
import { useTranslation } from "react-i18next";
import { api, type CustomerRecord, type Product } from "../api";
import { money } from "../common/format";

/** Rows a picker shows: enough to choose from while typing narrows them. */
const PICKER_ROWS = 20;

export const customersKey = (text: string, all: boolean) => ["customers", "find", text, all] as const;
export const productsKey = (text: string, all: boolean) => ["products", "find", text, all] as const;

/** Picks an active customer by code, name or pinyin initials, as you type. */
export const CustomerPicker = forwardRef<RefSelectProps, {
  value?: number | null; onChange?: (id: number, customer: CustomerRecord) => void; selected?: CustomerRecord | null;
  autoFocus?: boolean; testId?: string; status?: "error";
}>(function CustomerPicker({ value, onChange, selected, autoFocus, testId, status }, ref) {
  const { t } = useTranslation();
  const [text, setText] = useState("");
  const found = useQuery({
    queryKey: customersKey(text, false), queryFn: () => api.customersFind(text, false, PICKER_ROWS),
    placeholderData: keepPreviousData, staleTime: 10_000,
  });
  // Results of an older text are not offered: Enter typed fast would take them.
  const rows = found.isPlaceholderData ? [] : (found.data ?? []);
  // The chosen customer stays an option when a new search leaves it out.
  const options = [...(selected && !rows.some((c) => c.id === selected.id) ? [selected] : []), ...rows];
  return (
    <Select<number>
      ref={ref}
      value={value ?? undefined}
      autoFocus={autoFocus}
      status={status}
      placeholder={t("own.customerPick")}
      showSearch={{ filterOption: false, onSearch: setText }}
      onChange={(id) => {
        const c = options.find((x) => x.id === id);
        if (c) onChange?.(id, c);
      }}
      loading={found.isFetching}
      notFoundContent={found.isFetching ? t("common.loading") : t("own.noneFound")}
      style={{ width: "100%" }}
      data-testid={testId}
      options={options.map((c) => ({
        value: c.id,
        label: (
          <span data-testid={`customer-option-${c.code}`}>
            {c.name} <Typography.Text type="secondary">· {c.code}{c.name_latin ? ` · ${c.name_latin}` : ""}</Typography.Text>
          </span>
        ),
      }))}
    />
  );
});

/** Picks an active product by SKU or name, showing what is available. */
export const ProductPicker = forwardRef<RefSelectProps, {
  value?: number | null; onChange?: (id: number, product: Product) => void; selected?: Product | null;
  autoFocus?: boolean; testId?: string; status?: "error";
}>(function ProductPicker({ value, onChange, selected, autoFocus, testId, status }, ref) {
  const { t, i18n } = useTranslation();
  const [text, setText] = useState("");
  const found = useQuery({
    queryKey: productsKey(text, false), queryFn: () => api.productsFind(text, false, PICKER_ROWS),
    placeholderData: keepPreviousData, staleTime: 10_000,
  });
  const rows = found.isPlaceholderData ? [] : (found.data ?? []);
  const options = [...(selected && !rows.some((p) => p.id === selected.id) ? [selected] : []), ...rows];
  const zh = i18n.language === "zh-CN";
  return (
    <Select<number>
      ref={ref}
      value={value ?? undefined}
      autoFocus={autoFocus}
      status={status}
      placeholder={t("own.productPick")}
      showSearch={{ filterOption: false, onSearch: setText }}
      onChange={(id) => {
        const p = options.find((x) => x.id === id);
        if (p) onChange?.(id, p);
      }}
      loading={found.isFetching}
      notFoundContent={found.isFetching ? t("common.loading") : t("own.noneFound")}
      popupMatchSelectWidth={420}
      style={{ width: "100%" }}
      data-testid={testId}
      options={options.map((p) => ({
        value: p.id,
        label: (
          <span data-testid={`product-option-${p.sku}`}>
            {p.sku} {zh ? p.name_zh : p.name_en}{" "}
            <Typography.Text type="secondary">· {money(p.unit_price_minor)} · {t("own.availableN", { count: p.on_hand - p.reserved })}</Typography.Text>
          </span>
        ),
      }))}
    />
  );
});
