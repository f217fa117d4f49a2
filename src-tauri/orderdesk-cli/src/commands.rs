//! One function per command: open the store, log in if needed, call the core,
//! print. Returns the process exit code.

use std::path::PathBuf;

use chrono::Local;
use orderdesk_core::auth::{self, Session};
use orderdesk_core::cancel::{self, CancelRequest};
use orderdesk_core::domain::{Lang, Money, Status};
use orderdesk_core::jobs::{self, JobKind, JobStatus, Selection};
use orderdesk_core::lifecycle::{self, Step};
use orderdesk_core::reassign::{self, Target};
use orderdesk_core::search::{SearchQuery, Sort};
use orderdesk_core::{Error, Msg, Store, analytics, check, detail, inbox, seed, settings};

use crate::output::{self, money, opt, pairs, status, table};
use crate::{AuditCommand, Cli, Command, Failure, ReportCommand, SearchArgs, exit_code, parse_int};

type Outcome = Result<u8, Failure>;

pub fn default_db_path() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join(orderdesk_core::APP_IDENTIFIER)
        .join(orderdesk_core::DB_FILE_NAME)
}

pub fn db_path(cli: &Cli) -> PathBuf {
    cli.db.clone().unwrap_or_else(default_db_path)
}

fn open(cli: &Cli) -> Result<Store, Failure> {
    let path = db_path(cli);
    if cli.db.is_none()
        && let Some(dir) = path.parent()
    {
        // The default folder may not exist before the app first ran.
        let _ = std::fs::create_dir_all(dir);
    }
    Ok(Store::open(&path)?)
}

fn session(cli: &Cli, store: &Store) -> Result<Session, Failure> {
    let Some(login) = cli.as_user.as_deref() else {
        return Err(Failure::Usage(
            "this command needs a user: --as LOGIN (password from ORDERDESK_PASSWORD)".into(),
        ));
    };
    let password = match std::env::var("ORDERDESK_PASSWORD") {
        Ok(p) => p,
        Err(_) => rpassword::prompt_password(format!("Password for {login}: ")).map_err(|_| {
            Failure::Usage("no password: set ORDERDESK_PASSWORD or run in a terminal".into())
        })?,
    };
    Ok(auth::login(store, login, &password)?)
}

/// The store and the session of `--as`, for commands that act as someone.
fn logged_in(cli: &Cli) -> Result<(Store, Session), Failure> {
    let store = open(cli)?;
    let s = session(cli, &store)?;
    Ok((store, s))
}

fn version(store: &Store, s: &Session, number: &str, given: &Option<String>) -> Result<i64, Error> {
    match given {
        Some(v) => parse_int(v),
        None => detail::version(store, s, number),
    }
}

fn date_arg(value: &Option<String>) -> Result<Option<String>, Error> {
    value
        .as_deref()
        .map(|d| orderdesk_core::search::parse_date(d).map(|d| d.to_string()))
        .transpose()
}

fn money_arg(value: &Option<String>) -> Result<Option<i64>, Error> {
    value
        .as_deref()
        .map(|v| {
            Money::parse(v).map(Money::minor).ok_or_else(|| {
                Error::invalid(Msg::BadNumber {
                    value: v.to_string(),
                })
            })
        })
        .transpose()
}

fn status_arg(text: &str) -> Result<Status, Error> {
    text.trim().parse().map_err(|_| {
        Error::invalid(Msg::BadField {
            field: "status".into(),
            value: text.to_string(),
        })
    })
}

pub fn run(cli: &Cli, lang: Lang) -> Outcome {
    let json = cli.json;
    match &cli.command {
        Command::Init => {
            let store = open(cli)?;
            if json {
                output::json(&serde_json::json!({ "db": store.path() }));
            } else {
                println!(
                    "{}: {}",
                    lang.pick("数据库已就绪", "Database ready"),
                    store.path().display()
                );
            }
            Ok(0)
        }
        Command::Seed {
            orders,
            seed: seed_value,
            anchor,
            if_empty,
        } => {
            let orders = parse_int(orders)?;
            if !(0..=10_000_000).contains(&orders) {
                return Err(Error::invalid(Msg::BadNumber {
                    value: orders.to_string(),
                })
                .into());
            }
            let opts = seed::SeedOptions {
                orders: orders as usize,
                seed: parse_int(seed_value)? as u64,
                anchor: match anchor {
                    Some(a) => orderdesk_core::search::parse_date(a)?,
                    None => Local::now().date_naive(),
                },
            };
            let store = open(cli)?;
            let report = match seed::seed(&store, &opts) {
                Err(e) if *if_empty && matches!(e.msg(), Msg::NotEmpty) => {
                    println!(
                        "{}",
                        lang.pick(
                            "数据库已有数据，未载入演示数据。",
                            "The database already holds data; no demo data loaded."
                        )
                    );
                    return Ok(0);
                }
                other => other?,
            };
            if json {
                output::json(&report);
            } else {
                pairs(&[
                    (lang.pick("用户", "users"), report.users.to_string()),
                    (lang.pick("客户", "customers"), report.customers.to_string()),
                    (lang.pick("产品", "products"), report.products.to_string()),
                    (lang.pick("订单", "orders"), report.orders.to_string()),
                    (lang.pick("已归档", "archived"), report.archived.to_string()),
                    (lang.pick("事件", "events"), report.events.to_string()),
                ]);
            }
            Ok(0)
        }
        Command::Search(args) => search(cli, lang, args),
        Command::Show { number } => {
            let (store, s) = logged_in(cli)?;
            let d = detail::get(&store, &s, number)?;
            if json {
                output::json(&d);
                return Ok(0);
            }
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
            table(
                &[
                    lang.pick("行", "line"),
                    "SKU",
                    lang.pick("产品", "product"),
                    lang.pick("数量", "qty"),
                    lang.pick("单价", "price"),
                ],
                &d.lines
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
                    .collect::<Vec<_>>(),
            );
            if !d.finance.is_empty() {
                println!();
                table(
                    &[
                        lang.pick("财务", "finance"),
                        lang.pick("单据", "reference"),
                        lang.pick("金额", "amount"),
                    ],
                    &d.finance
                        .iter()
                        .map(|f| {
                            vec![
                                f.kind.clone(),
                                f.reference.clone(),
                                money(f.amount_minor, &f.currency),
                            ]
                        })
                        .collect::<Vec<_>>(),
                );
            }
            println!();
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
                &d.events
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
                    .collect::<Vec<_>>(),
            );
            Ok(0)
        }
        Command::Cancel {
            number,
            reason,
            note,
            preview,
            no_customer_notice,
            expect_version,
        } => {
            let (store, s) = logged_in(cli)?;
            if *preview {
                let p = cancel::preview(&store, &s, number, reason.as_deref(), note.as_deref())?;
                if json {
                    output::json(&p);
                } else {
                    print_preview(&p, lang);
                }
                return Ok(0);
            }
            let Some(reason) = reason else {
                return Err(Error::invalid(Msg::ReasonRequired).into());
            };
            let req = CancelRequest {
                number: number.clone(),
                seen_version: version(&store, &s, number, expect_version)?,
                reason_code: reason.clone(),
                note: note.clone(),
                notify_customer: !no_customer_notice,
            };
            let out = cancel::execute(&store, &s, &req)?;
            if json {
                output::json(&out);
            } else {
                let text = if out.status == Status::CancelPending {
                    lang.pick(
                        "已提交取消申请，等待主管审批",
                        "cancellation requested; waiting for a manager's approval",
                    )
                } else {
                    lang.pick("已取消", "cancelled")
                };
                println!("{}: {text}", out.number);
            }
            Ok(0)
        }
        Command::Approve {
            number,
            expect_version,
        } => {
            let (store, s) = logged_in(cli)?;
            let seen = version(&store, &s, number, expect_version)?;
            let out = cancel::approve(&store, &s, number, seen)?;
            if json {
                output::json(&out);
            } else {
                println!(
                    "{}: {}",
                    out.number,
                    lang.pick(
                        "已批准取消，订单已取消",
                        "cancellation approved; the order is cancelled"
                    )
                );
            }
            Ok(0)
        }
        Command::Reject {
            number,
            note,
            expect_version,
        } => {
            let (store, s) = logged_in(cli)?;
            let seen = version(&store, &s, number, expect_version)?;
            let order = cancel::reject(&store, &s, number, seen, note)?;
            if json {
                output::json(
                    &serde_json::json!({ "number": order.number, "status": order.status, "version": order.version }),
                );
            } else {
                println!(
                    "{}: {} ({})",
                    order.number,
                    lang.pick("已驳回取消申请", "cancellation rejected"),
                    status(order.status.code(), lang)
                );
            }
            Ok(0)
        }
        Command::Archive {
            numbers,
            closed_before,
            status: only,
            preview,
            resume,
            batch,
        } => {
            let batch = parse_int(batch)?;
            let (store, s) = logged_in(cli)?;
            let job = if let Some(id) = resume {
                jobs::status(&store, &s, id)?
            } else {
                let selection = match (numbers.is_empty(), closed_before) {
                    (false, None) => Selection::numbers(numbers.iter().cloned()),
                    (true, Some(before)) => Selection::ClosedBefore {
                        before: before.clone(),
                        status: only.as_deref().map(status_arg).transpose()?,
                    },
                    _ => {
                        return Err(Failure::Usage(
                            "archive takes order numbers, or --closed-before DATE".into(),
                        ));
                    }
                };
                if *preview {
                    let p = jobs::archive_preview(&store, &s, &selection)?;
                    if json {
                        output::json(&p);
                    } else {
                        println!(
                            "{}: {} / {}",
                            lang.pick("可归档", "can be archived"),
                            p.eligible,
                            p.total
                        );
                        print_refusals(&p.refused, lang);
                    }
                    return Ok(0);
                }
                jobs::create(&store, &s, &JobKind::Archive, &selection)?
            };
            run_job(&store, &s, &job, batch as usize, json, lang)
        }
        Command::Reassign {
            numbers,
            to_user,
            to_department,
            note,
        } => {
            let target = match (to_user, to_department) {
                (Some(u), None) => Target::User(u.clone()),
                (None, Some(d)) => Target::Department(d.clone()),
                _ => {
                    return Err(Failure::Usage(
                        "reassign needs --to-user LOGIN or --to-department NAME".into(),
                    ));
                }
            };
            if numbers.is_empty() {
                return Err(Failure::Usage(
                    "reassign needs at least one order number".into(),
                ));
            }
            let (store, s) = logged_in(cli)?;
            if numbers.len() == 1 {
                let seen = version(&store, &s, &numbers[0], &None)?;
                let out =
                    reassign::execute(&store, &s, &numbers[0], seen, &target, note.as_deref())?;
                if json {
                    output::json(&out);
                } else {
                    let to = out
                        .handler
                        .clone()
                        .unwrap_or_else(|| lang.pick("部门队列", "department queue").to_string());
                    println!(
                        "{}: {} {to}",
                        out.number,
                        lang.pick("已转交给", "reassigned to")
                    );
                }
                return Ok(0);
            }
            let kind = JobKind::Reassign {
                target,
                note: note.clone(),
            };
            let job = jobs::create(
                &store,
                &s,
                &kind,
                &Selection::numbers(numbers.iter().cloned()),
            )?;
            run_job(&store, &s, &job, jobs::DEFAULT_BATCH, json, lang)
        }
        Command::Copy { number } => {
            let (store, s) = logged_in(cli)?;
            let out = detail::copy(&store, &s, number)?;
            if json {
                output::json(&out);
            } else {
                println!(
                    "{} → {} ({})",
                    out.source,
                    out.number,
                    lang.pick("新草稿", "new draft")
                );
            }
            Ok(0)
        }
        Command::Advance {
            number,
            to,
            expect_version,
        } => {
            let Some(step) = Step::parse(to) else {
                return Err(Error::invalid(Msg::BadField {
                    field: "status".into(),
                    value: to.clone(),
                })
                .into());
            };
            let (store, s) = logged_in(cli)?;
            let seen = version(&store, &s, number, expect_version)?;
            let order = lifecycle::advance(&store, &s, number, seen, step)?;
            if json {
                output::json(
                    &serde_json::json!({ "number": order.number, "status": order.status, "version": order.version }),
                );
            } else {
                println!("{}: {}", order.number, status(order.status.code(), lang));
            }
            Ok(0)
        }
        Command::Pay {
            number,
            amount,
            expect_version,
        } => {
            let amount_minor = money_arg(&Some(amount.clone()))?.unwrap_or_default();
            let (store, s) = logged_in(cli)?;
            let seen = version(&store, &s, number, expect_version)?;
            let order = lifecycle::record_payment(&store, &s, number, seen, amount_minor)?;
            if json {
                output::json(
                    &serde_json::json!({ "number": order.number, "version": order.version, "amount_minor": amount_minor }),
                );
            } else {
                println!(
                    "{}: {} {}",
                    order.number,
                    lang.pick("已收款", "payment recorded"),
                    money(amount_minor, &order.currency)
                );
            }
            Ok(0)
        }
        Command::Inbox {
            unread,
            mark_read,
            limit,
        } => {
            let limit = parse_int(limit)?;
            let (store, s) = logged_in(cli)?;
            let items = inbox::list(&store, &s, *unread, limit)?;
            if *mark_read {
                inbox::mark_read(&store, &s, &[])?;
            }
            if json {
                output::json(&items);
            } else {
                table(
                    &[
                        lang.pick("时间", "at"),
                        lang.pick("订单", "order"),
                        lang.pick("标题", "title"),
                        lang.pick("内容", "text"),
                        lang.pick("已读", "read"),
                    ],
                    &items
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
                        .collect::<Vec<_>>(),
                );
            }
            Ok(0)
        }
        Command::Outbox { limit } => {
            let limit = parse_int(limit)?;
            let (store, s) = logged_in(cli)?;
            let items = inbox::outbox(&store, &s, limit)?;
            if json {
                output::json(&items);
            } else {
                table(
                    &[
                        lang.pick("时间", "at"),
                        lang.pick("订单", "order"),
                        lang.pick("客户", "customer"),
                        lang.pick("收件人", "to"),
                        lang.pick("主题", "subject"),
                        lang.pick("状态", "status"),
                    ],
                    &items
                        .iter()
                        .map(|m| {
                            vec![
                                m.created_at.clone(),
                                m.order_number.clone(),
                                m.customer.clone(),
                                opt(&m.recipient),
                                m.subject.clone(),
                                m.status.clone(),
                            ]
                        })
                        .collect::<Vec<_>>(),
                );
            }
            Ok(0)
        }
        Command::Watching => {
            let (store, s) = logged_in(cli)?;
            let rows = detail::watching(&store, &s)?;
            if json {
                output::json(&rows);
            } else {
                print_rows(&rows, lang);
            }
            Ok(0)
        }
        Command::Approvals => {
            let (store, s) = logged_in(cli)?;
            let rows = cancel::pending(&store, &s)?;
            if json {
                output::json(&rows);
            } else {
                print_rows(&rows, lang);
            }
            Ok(0)
        }
        Command::Candidates { filter } => {
            let (store, s) = logged_in(cli)?;
            let c = reassign::candidates(&store, &s, filter.as_deref(), None)?;
            if json {
                output::json(&c);
            } else {
                table(
                    &[
                        lang.pick("登录名", "login"),
                        lang.pick("姓名", "name"),
                        lang.pick("部门", "department"),
                        lang.pick("在办订单", "open orders"),
                    ],
                    &c.users
                        .iter()
                        .map(|u| {
                            vec![
                                u.login.clone(),
                                u.display_name.clone(),
                                lang.pick(&u.department_zh, &u.department_en).to_string(),
                                u.open_orders.to_string(),
                            ]
                        })
                        .collect::<Vec<_>>(),
                );
            }
            Ok(0)
        }
        Command::Reasons => {
            let store = open(cli)?;
            let reasons = settings::reasons(&store)?;
            if json {
                output::json(&reasons);
            } else {
                table(
                    &[
                        lang.pick("代码", "code"),
                        "中文",
                        "English",
                        lang.pick("启用", "active"),
                    ],
                    &reasons
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
                        .collect::<Vec<_>>(),
                );
            }
            Ok(0)
        }
        Command::Report {
            report:
                ReportCommand::Cancellations {
                    by,
                    from,
                    to,
                    department,
                    limit,
                },
        } => {
            let Some(by) = analytics::Dimension::parse(by) else {
                return Err(Error::invalid(Msg::BadField {
                    field: "by".into(),
                    value: by.clone(),
                })
                .into());
            };
            let (store, s) = logged_in(cli)?;
            let department = department_arg(&store, department)?;
            let filter = analytics::ReportFilter {
                from: date_arg(from)?,
                to: date_arg(to)?,
                department,
                limit: Some(parse_int(limit)?),
            };
            let report = analytics::cancellations(&store, &s, by, &filter)?;
            if json {
                output::json(&report);
            } else {
                table(
                    &[
                        lang.pick("分组", "group"),
                        lang.pick("取消单数", "cancelled"),
                        lang.pick("损失金额", "value lost"),
                        lang.pick("平均天数", "avg days"),
                    ],
                    &report
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
                        .collect::<Vec<_>>(),
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
            }
            Ok(0)
        }
        Command::Audit {
            audit: AuditCommand::Verify,
        } => {
            let store = open(cli)?;
            let report = check::verify_audit(&store)?;
            if json {
                output::json(&report);
            } else if report.ok {
                println!(
                    "{} ({} {})",
                    lang.pick("审计链完整", "audit chain intact"),
                    report.events,
                    lang.pick("个事件", "events")
                );
            } else {
                println!(
                    "{}: {:?}",
                    lang.pick(
                        "审计链已被篡改，首个异常事件",
                        "audit chain broken at event"
                    ),
                    report.first_broken_event
                );
            }
            Ok(if report.ok { 0 } else { 1 })
        }
        Command::Check => {
            let store = open(cli)?;
            let report = check::invariants(&store)?;
            if json {
                output::json(&report);
            } else if report.ok {
                println!(
                    "{} ({} {}, {} {})",
                    lang.pick("全部规则成立", "every invariant holds"),
                    report.active_orders,
                    lang.pick("个活动订单", "active orders"),
                    report.archived_orders,
                    lang.pick("个归档订单", "archived")
                );
            } else {
                for f in &report.findings {
                    println!("{}: {}", f.rule, f.offenders.join(", "));
                }
            }
            Ok(if report.ok { 0 } else { 1 })
        }
        Command::Bench { orders, samples } => {
            let orders = parse_int(orders)?;
            let samples = parse_int(samples)?;
            if orders < 1000 || samples < 1 {
                return Err(Error::invalid(Msg::BadNumber {
                    value: orders.to_string(),
                })
                .into());
            }
            crate::bench::run(cli.db.clone(), orders as usize, samples as usize, json)
        }
    }
}

fn department_arg(
    store: &Store,
    name: &Option<String>,
) -> Result<Option<orderdesk_core::domain::DepartmentId>, Error> {
    match name {
        None => Ok(None),
        Some(n) => Ok(Some(orderdesk_core::reassign::department_id(store, n)?)),
    }
}

fn search(cli: &Cli, lang: Lang, a: &SearchArgs) -> Outcome {
    let (store, s) = logged_in(cli)?;
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
    let query = SearchQuery {
        text: a.text.clone(),
        statuses,
        date_from: date_arg(&a.from)?,
        date_to: date_arg(&a.to)?,
        handler: a.handler.clone(),
        unassigned: a.unassigned,
        department: department_arg(&store, &a.department)?,
        min_total_minor: money_arg(&a.min_total)?,
        max_total_minor: money_arg(&a.max_total)?,
        archived: a.archived,
        closed_as: a.closed_as.as_deref().map(status_arg).transpose()?,
        reason: a.reason.clone(),
        sort,
        limit: Some(parse_int(&a.limit)?),
        after: a.after.clone(),
        ..Default::default()
    };
    let page = orderdesk_core::search::search(&store, &s, &query)?;
    if cli.json {
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

fn print_rows(rows: &[orderdesk_core::search::Row], lang: Lang) {
    table(
        &[
            lang.pick("订单号", "number"),
            lang.pick("客户", "customer"),
            lang.pick("状态", "status"),
            lang.pick("处理人", "handler"),
            lang.pick("部门", "department"),
            lang.pick("金额", "total"),
            lang.pick("日期", "date"),
        ],
        &rows
            .iter()
            .map(|r| {
                vec![
                    r.number.clone(),
                    r.customer.clone(),
                    status(&r.status, lang),
                    opt(&r.handler),
                    lang.pick(&r.department, &r.department_en).to_string(),
                    money(r.total_minor, &r.currency),
                    r.order_date.clone(),
                ]
            })
            .collect::<Vec<_>>(),
    );
}

fn print_preview(p: &cancel::CancelPreview, lang: Lang) {
    pairs(&[
        (lang.pick("订单号", "number"), p.number.clone()),
        (lang.pick("状态", "status"), status(p.status.code(), lang)),
        (
            lang.pick("金额", "total"),
            money(p.total_minor, &p.currency),
        ),
        (
            lang.pick("可以取消", "can be cancelled"),
            p.allowed.to_string(),
        ),
        (
            lang.pick("需要审批", "needs approval"),
            p.needs_approval.to_string(),
        ),
        (
            lang.pick("释放库存", "stock released"),
            p.reversal
                .stock
                .iter()
                .map(|l| format!("{} ×{}", l.sku, l.quantity))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        (
            lang.pick("红字发票", "credit notes"),
            p.reversal
                .credit_notes
                .iter()
                .map(|c| format!("{} {}", c.invoice, money(c.amount_minor, &p.currency)))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        (
            lang.pick("应退款", "refund due"),
            money(p.reversal.refund_due_minor, &p.currency),
        ),
        (
            lang.pick("通知", "notified"),
            p.recipients
                .iter()
                .filter_map(|r| r.login.clone())
                .collect::<Vec<_>>()
                .join(", "),
        ),
    ]);
    for b in &p.blockers {
        println!("✗ {}", lang.pick(&b.message_zh, &b.message_en));
    }
    if let Some(n) = &p.customer_notice {
        println!(
            "\n{} → {}\n{}\n{}",
            lang.pick("客户通知", "customer notice"),
            opt(&n.to),
            n.subject,
            n.body
        );
    }
}

fn print_refusals(items: &[jobs::ItemResult], lang: Lang) {
    for item in items {
        if let Some(p) = &item.problem {
            println!(
                "✗ {}: {}",
                item.number,
                lang.pick(&p.message_zh, &p.message_en)
            );
        }
    }
}

/// Runs a job to the end, reporting progress on stderr; the exit code is that
/// of the first refusal, if any order was refused.
fn run_job(
    store: &Store,
    s: &Session,
    job: &JobStatus,
    batch: usize,
    json: bool,
    lang: Lang,
) -> Outcome {
    let total = job.total;
    let status = jobs::run(store, s, &job.id, batch, &mut |p| {
        if !json && total > batch as i64 {
            eprintln!(
                "{} {}/{}",
                lang.pick("进度", "progress"),
                p.done + p.refused,
                p.total
            );
        }
        true
    })?;
    let results = jobs::results(store, s, &job.id, "", 100_000, 0)?;
    // The first refusal also goes to stderr like any error, so a script that
    // archives one order reads the same {kind, message} as elsewhere.
    let first_refusal = results.iter().find_map(|r| r.problem.clone());
    if let Some(p) = &first_refusal
        && json
    {
        eprintln!(
            "{}",
            serde_json::json!({ "kind": p.kind.code(), "message": lang.pick(&p.message_zh, &p.message_en) })
        );
    }
    let first_refusal = first_refusal.map(|p| exit_code(p.kind));
    if json {
        output::json(&serde_json::json!({
            "job": status.id,
            "state": status.state,
            "total": status.total,
            "done": status.done,
            "refused": status.refused,
            "results": results,
        }));
    } else {
        println!(
            "{}: {} / {}",
            lang.pick("完成", "done"),
            status.done,
            status.total
        );
        let refused: Vec<_> = results
            .into_iter()
            .filter(|r| r.problem.is_some())
            .collect();
        print_refusals(&refused, lang);
    }
    Ok(first_refusal.unwrap_or(0))
}
