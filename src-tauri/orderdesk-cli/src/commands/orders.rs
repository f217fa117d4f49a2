//! Finding and reading orders; copy; forward steps and payments.

use orderdesk_client::Backend;
use orderdesk_core::detail::OrderDetail;
use orderdesk_core::domain::Lang;
use orderdesk_core::lifecycle::Step;
use orderdesk_core::search::{SearchQuery, Sort};
use orderdesk_core::{Error, Msg};

use super::{Out, Outcome, date_arg, department_arg, money_arg, status_arg, version};
use crate::output::{self, money, opt, pairs, print_rows, status, table};
use crate::{SearchArgs, parse_int};

async fn query(b: &Backend, a: &SearchArgs) -> Result<SearchQuery, Error> {
    let statuses = match &a.status {
        Some(list) => list
            .split(',')
            .filter(|t| !t.trim().is_empty())
            .map(status_arg)
            .collect::<Result<Vec<_>, _>>()?,
        None => Vec::new(),
    };
    let sort = match a.sort.as_deref() {
        None => Sort::DateDesc,
        Some(code) => {
            serde_json::from_value(serde_json::Value::String(code.to_string())).map_err(|_| {
                Error::invalid(Msg::BadField {
                    field: "sort".into(),
                    value: code.to_string(),
                })
            })?
        }
    };
    Ok(SearchQuery {
        text: a.text.clone(),
        statuses,
        date_from: date_arg(&a.from)?,
        date_to: date_arg(&a.to)?,
        handler: a.handler.clone(),
        unassigned: a.unassigned,
        department: department_arg(b, &a.department).await?,
        min_total_minor: money_arg(&a.min_total)?,
        max_total_minor: money_arg(&a.max_total)?,
        archived: a.archived,
        closed_as: a.closed_as.as_deref().map(status_arg).transpose()?,
        reason: a.reason.clone(),
        sort,
        limit: Some(parse_int(&a.limit)?),
        after: a.after.clone(),
        ..Default::default()
    })
}

pub async fn search(b: &Backend, a: &SearchArgs, out: Out) -> Outcome {
    let lang = out.lang;
    let page = b.search_orders(query(b, a).await?).await?;
    if out.json {
        output::json(&page);
    } else {
        print_rows(&page.rows, lang);
        let more = if page.total_capped { "+" } else { "" };
        println!("\n{}: {}{more}", lang.pick("共", "total"), page.total);
        if let Some(c) = &page.next_cursor {
            println!("{}: --after '{c}'", lang.pick("下一页", "next page"));
        }
    }
    Ok(0)
}

pub async fn show(b: &Backend, number: &str, out: Out) -> Outcome {
    let d = b.order_detail(number.to_string()).await?;
    if out.json {
        output::json(&d);
    } else {
        print_detail(&d, out.lang);
    }
    Ok(0)
}

fn print_detail(d: &OrderDetail, lang: Lang) {
    pairs(&[
        (lang.pick("订单号", "number"), d.number.clone()),
        (lang.pick("状态", "status"), status(d.status.code(), lang)),
        (lang.pick("客户", "customer"), d.customer.name.clone()),
        (lang.pick("处理人", "handler"), opt(&d.handler)),
        (
            lang.pick("部门", "department"),
            lang.pick(&d.department.name_zh, &d.department.name_en)
                .to_string(),
        ),
        (
            lang.pick("金额", "total"),
            money(d.total_minor, &d.currency),
        ),
        (lang.pick("下单日期", "order date"), d.order_date.clone()),
        (lang.pick("版本", "version"), d.version.to_string()),
        (lang.pick("关注人", "watchers"), d.watchers.join(", ")),
        (lang.pick("复制自", "copied from"), opt(&d.copied_from)),
    ]);
    println!();
    let lines: Vec<Vec<String>> = d
        .lines
        .iter()
        .map(|l| {
            vec![
                l.line_no.to_string(),
                l.sku.clone(),
                lang.pick(&l.product_zh, &l.product_en).to_string(),
                l.quantity.to_string(),
                money(l.unit_price_minor, &d.currency),
            ]
        })
        .collect();
    table(
        &[
            lang.pick("行", "line"),
            "SKU",
            lang.pick("产品", "product"),
            lang.pick("数量", "qty"),
            lang.pick("单价", "price"),
        ],
        &lines,
    );
    if !d.finance.is_empty() {
        println!();
        let finance: Vec<Vec<String>> = d
            .finance
            .iter()
            .map(|f| {
                vec![
                    f.kind.clone(),
                    f.reference.clone(),
                    money(f.amount_minor, &f.currency),
                ]
            })
            .collect();
        table(
            &[
                lang.pick("财务", "finance"),
                lang.pick("单据", "reference"),
                lang.pick("金额", "amount"),
            ],
            &finance,
        );
    }
    println!();
    print_timeline(d, lang);
}

fn print_timeline(d: &OrderDetail, lang: Lang) {
    let events: Vec<Vec<String>> = d
        .events
        .iter()
        .map(|e| {
            vec![
                e.at.clone(),
                e.kind.clone(),
                opt(&e.actor),
                e.from
                    .as_deref()
                    .map(|s| status(s, lang))
                    .unwrap_or_default(),
                e.to.as_deref().map(|s| status(s, lang)).unwrap_or_default(),
                opt(&e.reason),
                opt(&e.note),
            ]
        })
        .collect();
    table(
        &[
            lang.pick("时间", "at"),
            lang.pick("事件", "event"),
            lang.pick("操作人", "actor"),
            lang.pick("从", "from"),
            lang.pick("到", "to"),
            lang.pick("原因", "reason"),
            lang.pick("说明", "note"),
        ],
        &events,
    );
}

pub async fn copy(b: &Backend, number: &str, out: Out) -> Outcome {
    let copied = b.copy_order(number.to_string()).await?;
    if out.json {
        output::json(&copied);
    } else {
        println!(
            "{} → {} ({})",
            copied.source,
            copied.number,
            out.lang.pick("新草稿", "new draft")
        );
    }
    Ok(0)
}

pub async fn advance(
    b: &Backend,
    number: &str,
    to: &str,
    expect_version: &Option<String>,
    out: Out,
) -> Outcome {
    let Some(step) = Step::parse(to) else {
        return Err(Error::invalid(Msg::BadField {
            field: "status".into(),
            value: to.to_string(),
        })
        .into());
    };
    let seen = version(b, number, expect_version).await?;
    let new_version = b.advance_order(number.to_string(), seen, step).await?;
    let (_, reached) = step.from_to();
    let number = number.trim();
    if out.json {
        output::json(
            &serde_json::json!({ "number": number, "status": reached, "version": new_version }),
        );
    } else {
        println!("{number}: {}", status(reached.code(), out.lang));
    }
    Ok(0)
}

pub async fn pay(
    b: &Backend,
    number: &str,
    amount: &str,
    expect_version: &Option<String>,
    out: Out,
) -> Outcome {
    let amount_minor = money_arg(&Some(amount.to_string()))?.unwrap_or_default();
    let seen = version(b, number, expect_version).await?;
    let order = b
        .record_payment(number.to_string(), seen, amount_minor)
        .await?;
    if out.json {
        output::json(
            &serde_json::json!({ "number": order.number, "version": order.version, "amount_minor": amount_minor }),
        );
    } else {
        println!(
            "{}: {} {}",
            order.number,
            out.lang.pick("已收款", "payment recorded"),
            money(amount_minor, &order.currency)
        );
    }
    Ok(0)
}
