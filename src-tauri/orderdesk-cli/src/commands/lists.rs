//! Lists: inbox, watching, approvals, candidates, reasons, reports.

use orderdesk_client::Backend;
use orderdesk_core::analytics::{self, ReportFilter};
use orderdesk_core::{Error, Msg};

use super::{Out, Outcome, date_arg, department_arg};
use crate::output::{self, money, opt, pairs, print_rows, table};
use crate::{Command, ReportCommand, parse_int};

pub async fn inbox(b: &Backend, unread: bool, mark_read: bool, limit: &str, out: Out) -> Outcome {
    let lang = out.lang;
    let limit = parse_int(limit)?;
    let items = b.inbox_list(unread, Some(limit)).await?;
    if mark_read {
        b.inbox_mark_read(Vec::new()).await?;
    }
    if out.json {
        output::json(&items);
        return Ok(0);
    }
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|i| {
            vec![
                i.created_at.clone(),
                opt(&i.order_number),
                lang.pick(&i.title_zh, &i.title_en).to_string(),
                lang.pick(&i.body_zh, &i.body_en).to_string(),
                if i.read { "✓".into() } else { String::new() },
            ]
        })
        .collect();
    table(
        &[
            lang.pick("时间", "at"),
            lang.pick("订单", "order"),
            lang.pick("标题", "title"),
            lang.pick("内容", "text"),
            lang.pick("已读", "read"),
        ],
        &rows,
    );
    Ok(0)
}

pub async fn watching(b: &Backend, out: Out) -> Outcome {
    let rows = b.watching().await?;
    if out.json {
        output::json(&rows);
    } else {
        print_rows(&rows, out.lang);
    }
    Ok(0)
}

pub async fn approvals(b: &Backend, out: Out) -> Outcome {
    let rows = b.pending_approvals().await?;
    if out.json {
        output::json(&rows);
    } else {
        print_rows(&rows, out.lang);
    }
    Ok(0)
}

pub async fn candidates(b: &Backend, filter: &Option<String>, out: Out) -> Outcome {
    let lang = out.lang;
    let c = b.reassign_candidates(filter.clone(), None).await?;
    if out.json {
        output::json(&c);
        return Ok(0);
    }
    let rows: Vec<Vec<String>> = c
        .users
        .iter()
        .map(|u| {
            vec![
                u.login.clone(),
                u.display_name.clone(),
                lang.pick(&u.department_zh, &u.department_en).to_string(),
                u.open_orders.to_string(),
            ]
        })
        .collect();
    table(
        &[
            lang.pick("登录名", "login"),
            lang.pick("姓名", "name"),
            lang.pick("部门", "department"),
            lang.pick("在办订单", "open orders"),
        ],
        &rows,
    );
    Ok(0)
}

pub async fn reasons(b: &Backend, out: Out) -> Outcome {
    let lang = out.lang;
    let reasons = b.reasons().await?;
    if out.json {
        output::json(&reasons);
        return Ok(0);
    }
    let rows: Vec<Vec<String>> = reasons
        .iter()
        .map(|r| {
            vec![
                r.code.clone(),
                r.label_zh.clone(),
                r.label_en.clone(),
                if r.active {
                    "✓".into()
                } else {
                    String::new()
                },
            ]
        })
        .collect();
    table(
        &[
            lang.pick("代码", "code"),
            "中文",
            "English",
            lang.pick("启用", "active"),
        ],
        &rows,
    );
    Ok(0)
}

pub async fn report(b: &Backend, command: &Command, out: Out) -> Outcome {
    let Command::Report {
        report:
            ReportCommand::Cancellations {
                by,
                from,
                to,
                department,
                limit,
            },
    } = command
    else {
        return Ok(0);
    };
    let Some(dimension) = analytics::Dimension::parse(by) else {
        return Err(Error::invalid(Msg::BadField {
            field: "by".into(),
            value: by.clone(),
        })
        .into());
    };
    let filter = ReportFilter {
        from: date_arg(from)?,
        to: date_arg(to)?,
        department: department_arg(b, department).await?,
        limit: Some(parse_int(limit)?),
    };
    let report = b.analytics(dimension, filter).await?;
    if out.json {
        output::json(&report);
        return Ok(0);
    }
    let lang = out.lang;
    let rows: Vec<Vec<String>> = report
        .rows
        .iter()
        .map(|r| {
            vec![
                r.label.clone(),
                r.orders.to_string(),
                money(r.value_minor, "CNY"),
                r.avg_days_to_cancel
                    .map(|d| format!("{d:.1}"))
                    .unwrap_or_default(),
            ]
        })
        .collect();
    table(
        &[
            lang.pick("分组", "group"),
            lang.pick("取消单数", "cancelled"),
            lang.pick("损失金额", "value lost"),
            lang.pick("平均天数", "avg days"),
        ],
        &rows,
    );
    let t = &report.totals;
    println!();
    pairs(&[
        (
            lang.pick("取消单数", "cancelled"),
            t.cancelled_orders.to_string(),
        ),
        (
            lang.pick("完成单数", "completed"),
            t.completed_orders.to_string(),
        ),
        (
            lang.pick("取消率", "cancellation rate"),
            format!("{:.1}%", t.cancellation_rate * 100.0),
        ),
        (
            lang.pick("损失金额", "value lost"),
            money(t.value_lost_minor, "CNY"),
        ),
    ]);
    Ok(0)
}

pub async fn customers(
    b: &Backend,
    text: &Option<String>,
    all: bool,
    limit: &str,
    out: Out,
) -> Outcome {
    let lang = out.lang;
    let found = b
        .customers_find(text.clone().unwrap_or_default(), all, parse_int(limit)?)
        .await?;
    if out.json {
        output::json(&found);
        return Ok(0);
    }
    let rows: Vec<Vec<String>> = found
        .iter()
        .map(|c| {
            vec![
                c.code.clone(),
                c.name.clone(),
                c.name_latin.clone(),
                opt(&c.contact),
                opt(&c.phone),
                opt(&c.email),
                if c.active {
                    String::new()
                } else {
                    lang.pick("已停用", "inactive").into()
                },
            ]
        })
        .collect();
    table(
        &[
            lang.pick("编码", "code"),
            lang.pick("名称", "name"),
            lang.pick("英文名", "Latin name"),
            lang.pick("联系人", "contact"),
            lang.pick("电话", "phone"),
            lang.pick("邮箱", "email"),
            "",
        ],
        &rows,
    );
    Ok(0)
}

pub async fn products(
    b: &Backend,
    text: &Option<String>,
    all: bool,
    limit: &str,
    out: Out,
) -> Outcome {
    let lang = out.lang;
    let found = b
        .products_find(text.clone().unwrap_or_default(), all, parse_int(limit)?)
        .await?;
    if out.json {
        output::json(&found);
        return Ok(0);
    }
    let rows: Vec<Vec<String>> = found
        .iter()
        .map(|p| {
            vec![
                p.sku.clone(),
                lang.pick(&p.name_zh, &p.name_en).to_string(),
                money(p.unit_price_minor, "CNY"),
                p.on_hand.to_string(),
                p.reserved.to_string(),
                p.available().to_string(),
                p.unit.clone(),
                if p.active {
                    String::new()
                } else {
                    lang.pick("已停用", "inactive").into()
                },
            ]
        })
        .collect();
    table(
        &[
            "SKU",
            lang.pick("名称", "name"),
            lang.pick("单价", "unit price"),
            lang.pick("库存", "on hand"),
            lang.pick("已预留", "reserved"),
            lang.pick("可用", "available"),
            lang.pick("单位", "unit"),
            "",
        ],
        &rows,
    );
    Ok(0)
}

/// The archive under the archive search's filters, to CSV or XLSX, page by
/// page from the file or the server alike, with the audit checkpoint.
pub async fn export(b: &Backend, a: &crate::ExportArgs, out: Out) -> Outcome {
    use orderdesk_core::export::{self, Format};
    let format = match a.format.as_str() {
        "csv" => Format::Csv,
        "xlsx" => Format::Xlsx,
        other => {
            return Err(crate::Failure::Usage(format!(
                "--format takes csv or xlsx, not {other}"
            )));
        }
    };
    let query = orderdesk_core::search::SearchQuery {
        text: a.text.clone(),
        archived: true,
        closed_as: a.closed_as.as_deref().map(super::status_arg).transpose()?,
        date_from: date_arg(&a.from)?,
        date_to: date_arg(&a.to)?,
        closed_from: date_arg(&a.closed_from)?,
        closed_to: date_arg(&a.closed_to)?,
        handler: a.handler.clone(),
        department: department_arg(b, &a.department).await?,
        reason: a.reason.clone(),
        min_total_minor: super::money_arg(&a.min_total)?,
        max_total_minor: super::money_arg(&a.max_total)?,
        ..Default::default()
    };
    let reasons = b.reasons().await?;
    let checkpoint = b.audit_checkpoint().await?;
    let target = std::path::absolute(&a.out).unwrap_or_else(|_| a.out.clone());
    // The pages are fetched one at a time on this thread's runtime.
    let handle = tokio::runtime::Handle::current();
    let report = tokio::task::block_in_place(|| {
        let mut pages =
            |q: &orderdesk_core::search::SearchQuery| handle.block_on(b.search_orders(q.clone()));
        export::write(
            &reasons,
            &mut pages,
            &query,
            format,
            out.lang,
            &target,
            Some(&checkpoint),
            &mut |_, _| true,
        )
    })?;
    if out.json {
        output::json(&report);
    } else {
        println!(
            "{} {} → {}",
            report.rows,
            out.lang.pick("个订单已导出", "orders exported"),
            report.path
        );
    }
    Ok(0)
}
