//! What each kind of import reads — its fields, with the Chinese and English
//! headers that name them — and the mapping of a file's columns to them.
//! This list is the one definition: the automatic mapping, the templates,
//! the wizard's mapping form and the CLI all read it.

use serde::{Deserialize, Serialize};

use super::ImportKind;
use crate::error::{Error, Msg, Result};

/// One field an import reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// The field's key, also its English header.
    pub key: &'static str,
    /// The Chinese header.
    pub zh: &'static str,
    /// Other headers people write for it.
    pub aliases: &'static [&'static str],
    pub required: bool,
}

const fn f(key: &'static str, zh: &'static str, aliases: &'static [&'static str]) -> Field {
    Field {
        key,
        zh,
        aliases,
        required: false,
    }
}

const fn req(key: &'static str, zh: &'static str, aliases: &'static [&'static str]) -> Field {
    Field {
        key,
        zh,
        aliases,
        required: true,
    }
}

const CUSTOMERS: &[Field] = &[
    req(
        "code",
        "客户编码",
        &["customer_code", "客户代码", "编码", "编号"],
    ),
    req(
        "name",
        "客户名称",
        &["customer", "customer_name", "名称", "客户", "公司名称"],
    ),
    f(
        "name_latin",
        "英文名",
        &["english_name", "latin_name", "英文名称"],
    ),
    f("contact", "联系人", &["contact_person"]),
    f(
        "phone",
        "电话",
        &["tel", "telephone", "mobile", "手机", "联系电话"],
    ),
    f("email", "邮箱", &["e-mail", "mail", "电子邮件", "电子邮箱"]),
    f("language", "语言", &["lang"]),
];

const PRODUCTS: &[Field] = &[
    req(
        "sku",
        "编码",
        &["产品编码", "商品编码", "货号", "product_code", "code"],
    ),
    req(
        "name_zh",
        "名称",
        &["产品名称", "商品名称", "中文名称", "name"],
    ),
    f("name_en", "英文名称", &["english_name", "英文名"]),
    req("unit_price", "单价", &["price", "售价", "价格"]),
    f(
        "on_hand",
        "库存",
        &["stock", "quantity", "库存数量", "数量"],
    ),
    f("unit", "单位", &[]),
];

const ORDERS: &[Field] = &[
    req(
        "number",
        "订单号",
        &["order_number", "order_no", "单号", "订单编号"],
    ),
    req(
        "customer_code",
        "客户编码",
        &["customer", "客户代码", "客户"],
    ),
    req("order_date", "下单日期", &["date", "日期", "订单日期"]),
    req("status", "状态", &["订单状态"]),
    f("handler", "处理人", &["handler_login", "负责人"]),
    f("department", "部门", &["dept"]),
    req(
        "sku",
        "SKU",
        &["产品编码", "商品编码", "编码", "product_code", "货号"],
    ),
    req("quantity", "数量", &["qty"]),
    f("unit_price", "单价", &["price", "价格"]),
    f("sales_rep", "销售代表", &["业务员", "销售"]),
    f("paid", "已付金额", &["amount_paid", "已付", "已收款"]),
    f("closed_date", "关闭日期", &["closed_at", "完成日期"]),
    f("notes", "备注", &["note", "remarks", "说明"]),
];

impl ImportKind {
    pub fn fields(self) -> &'static [Field] {
        match self {
            ImportKind::Customers => CUSTOMERS,
            ImportKind::Products => PRODUCTS,
            ImportKind::Orders => ORDERS,
        }
    }
}

/// A field and the column that holds it (its place in the header row).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FieldColumn {
    pub field: String,
    /// None: the file has no such column.
    pub column: Option<u32>,
}

/// A header as compared: case, spaces, underscores, a required-mark and a
/// bracketed note ("单价(元)") do not matter.
fn normal(header: &str) -> String {
    let cut = header.split(['(', '（', '[']).next().unwrap_or(header);
    cut.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '_' | '-' | '*' | ':' | '：'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The columns each field reads, found from the headers; a header is used at
/// most once, and exact names win over aliases.
pub fn auto_map(kind: ImportKind, headers: &[String]) -> Vec<FieldColumn> {
    let headers: Vec<String> = headers.iter().map(|h| normal(h)).collect();
    let mut taken = vec![false; headers.len()];
    let mut found: Vec<Option<u32>> = vec![None; kind.fields().len()];
    for pass in 0..2 {
        for (i, field) in kind.fields().iter().enumerate() {
            if found[i].is_some() {
                continue;
            }
            let names: Vec<String> = if pass == 0 {
                vec![normal(field.key), normal(field.zh)]
            } else {
                field.aliases.iter().map(|a| normal(a)).collect()
            };
            if let Some(col) = headers
                .iter()
                .enumerate()
                .position(|(c, h)| !taken[c] && names.contains(h))
            {
                taken[col] = true;
                found[i] = Some(col as u32);
            }
        }
    }
    kind.fields()
        .iter()
        .zip(found)
        .map(|(field, column)| FieldColumn {
            field: field.key.to_string(),
            column,
        })
        .collect()
}

/// A checked mapping: for each field of the kind, its column (or none).
#[derive(Debug, Clone)]
pub struct Columns {
    kind: ImportKind,
    columns: Vec<Option<usize>>,
}

impl Columns {
    /// Checks a mapping against the file: known fields, columns that exist,
    /// every required field mapped.
    pub fn new(kind: ImportKind, mapping: &[FieldColumn], width: usize) -> Result<Columns> {
        let mut columns = vec![None; kind.fields().len()];
        for m in mapping {
            let Some(i) = kind.fields().iter().position(|f| f.key == m.field) else {
                return Err(Error::invalid(Msg::BadField {
                    field: "field".into(),
                    value: m.field.chars().take(40).collect(),
                }));
            };
            if let Some(col) = m.column {
                if col as usize >= width {
                    return Err(Error::invalid(Msg::BadField {
                        field: "column".into(),
                        value: col.to_string(),
                    }));
                }
                columns[i] = Some(col as usize);
            }
        }
        for (field, column) in kind.fields().iter().zip(&columns) {
            if field.required && column.is_none() {
                return Err(Error::invalid(Msg::ImportColumnMissing {
                    field: field.key.into(),
                }));
            }
        }
        Ok(Columns { kind, columns })
    }

    /// The cell of `field` in `row`, trimmed ("" when unmapped or absent).
    pub fn get<'a>(&self, row: &'a [String], field: &str) -> &'a str {
        self.kind
            .fields()
            .iter()
            .position(|f| f.key == field)
            .and_then(|i| self.columns[i])
            .and_then(|c| row.get(c))
            .map(|s| s.trim())
            .unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(map: &[FieldColumn], field: &str) -> Option<u32> {
        map.iter().find(|m| m.field == field).and_then(|m| m.column)
    }

    #[test]
    fn chinese_and_english_headers_map_in_any_order() {
        let zh: Vec<String> = ["电话", "客户名称", "备用", "客户编码", "邮箱"]
            .map(String::from)
            .to_vec();
        let map = auto_map(ImportKind::Customers, &zh);
        assert_eq!(col(&map, "code"), Some(3));
        assert_eq!(col(&map, "name"), Some(1));
        assert_eq!(col(&map, "phone"), Some(0));
        assert_eq!(col(&map, "email"), Some(4));
        assert_eq!(col(&map, "contact"), None);
        let en: Vec<String> = [
            "Order Number",
            "SKU",
            "quantity",
            "Customer_Code",
            "order_date",
            "Status",
        ]
        .map(String::from)
        .to_vec();
        let map = auto_map(ImportKind::Orders, &en);
        assert_eq!(col(&map, "number"), Some(0));
        assert_eq!(col(&map, "customer_code"), Some(3));
        assert_eq!(col(&map, "sku"), Some(1));
        assert!(Columns::new(ImportKind::Orders, &map, en.len()).is_ok());
    }

    #[test]
    fn a_header_is_used_once_and_exact_names_win() {
        // "编码" is the product's SKU header; "产品编码" an alias of it.
        let h: Vec<String> = ["产品编码", "编码", "名称", "单价(元)"]
            .map(String::from)
            .to_vec();
        let map = auto_map(ImportKind::Products, &h);
        assert_eq!(col(&map, "sku"), Some(1));
        assert_eq!(col(&map, "name_zh"), Some(2));
        assert_eq!(col(&map, "unit_price"), Some(3));
    }

    #[test]
    fn a_missing_required_column_is_named() {
        let h: Vec<String> = ["客户名称"].map(String::from).to_vec();
        let map = auto_map(ImportKind::Customers, &h);
        let e = Columns::new(ImportKind::Customers, &map, 1).expect_err("code missing");
        assert!(matches!(e.msg(), Msg::ImportColumnMissing { field } if field == "code"));
    }
}
