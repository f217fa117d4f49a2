//! Import of customers, products and orders from generated files — UTF-8
//! and GBK CSV, XLSX — with good and bad rows: the dry run says what the
//! import then does, a second import changes nothing, a stopped job resumes
//! without losing or repeating a record.

use orderdesk_core::auth::Session;
use orderdesk_core::domain::Status;
use orderdesk_core::import::{self, ImportKind, ImportReport, Upload};
use orderdesk_core::jobs::{self, ItemResult, JobStatus};
use orderdesk_core::search::{self, SearchQuery};
use orderdesk_core::{Store, detail};

use crate::support::{assert_invariants, fixture, login, product_reserved};

fn csv(text: &str) -> Upload {
    Upload {
        name: "file.csv".into(),
        data: text.as_bytes().to_vec(),
    }
}

fn gbk(text: &str) -> Upload {
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(text);
    assert!(!unmappable);
    Upload {
        name: "客户.csv".into(),
        data: bytes.into_owned(),
    }
}

fn xlsx(rows: &[&[&str]]) -> Upload {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            // Numbers as numbers, as Excel keeps them.
            match cell.parse::<f64>() {
                Ok(n) if r > 0 && !cell.starts_with('0') => {
                    sheet.write_number(r as u32, c as u16, n).expect("cell");
                }
                _ => {
                    sheet.write_string(r as u32, c as u16, *cell).expect("cell");
                }
            }
        }
    }
    Upload {
        name: "file.xlsx".into(),
        data: book.save_to_buffer().expect("xlsx"),
    }
}

fn dry(store: &Store, s: &Session, kind: ImportKind, file: &Upload) -> ImportReport {
    let sheet = import::inspect(s, kind, file).expect("inspect");
    import::dry_run(store, s, kind, file, &sheet.mapping, None).expect("dry run")
}

/// Imports a file to the end; the job's final status and every result.
fn run(
    store: &Store,
    s: &Session,
    kind: ImportKind,
    file: &Upload,
) -> (JobStatus, Vec<ItemResult>) {
    let sheet = import::inspect(s, kind, file).expect("inspect");
    let job = import::start(store, s, kind, file, &sheet.mapping).expect("start");
    let status = jobs::run(store, s, &job.id, 2, &mut |_| true).expect("run");
    let results = jobs::results(store, s, &job.id, "", 10_000, 0).expect("results");
    (status, results)
}

fn state_of<'a>(results: &'a [ItemResult], key: &str) -> &'a str {
    results
        .iter()
        .find(|r| r.number == key)
        .map(|r| r.state.as_str())
        .unwrap_or_else(|| panic!("no result for {key}"))
}

const CUSTOMERS: &str = "客户编码,客户名称,英文名,联系人,电话,邮箱,语言,备注
K001,上海宏达实业有限公司,Hongda Industrial,王经理,021-5555 1234,wang@hongda.cn,中文,老客户
K002,Acme Trading GmbH,,Mr. Smith,+49 30 1234,smith@acme.de,en,
K003,,,,,,,没有名字
K004,北京华联商贸,,,,not-an-email,,
K001,重复的编码,,,,,,
K005,重庆长城重工,,,,,klingon,
K006,厦门东方办公设备有限公司,,林小姐,,lin@dongfang.cn,zh-CN,
";

#[test]
fn customers_from_a_gbk_csv_dry_run_then_import_then_nothing_new() {
    let f = fixture(30);
    let admin = login(&f.store, "admin");
    let file = gbk(CUSTOMERS);
    let sheet = import::inspect(&admin, ImportKind::Customers, &file).expect("inspect");
    assert_eq!(sheet.format, "csv-gb18030");
    assert_eq!(sheet.rows, 7);

    let report = dry(&f.store, &admin, ImportKind::Customers, &file);
    assert_eq!(
        (
            report.total,
            report.accepted,
            report.refused,
            report.unchanged
        ),
        (7, 3, 4, 0)
    );
    let refused: Vec<(i64, &str)> = report
        .rows
        .iter()
        .filter(|r| r.state == "refused")
        .map(|r| {
            (
                r.row,
                r.problem
                    .as_ref()
                    .map(|p| p.message_en.as_str())
                    .unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        refused.iter().map(|r| r.0).collect::<Vec<_>>(),
        [4, 5, 6, 7]
    );
    assert!(refused[0].1.contains("name"), "{refused:?}");
    assert!(refused[1].1.contains("not-an-email"), "{refused:?}");
    assert!(refused[2].1.contains("twice"), "{refused:?}");
    assert!(refused[3].1.contains("klingon"), "{refused:?}");

    let (status, results) = run(&f.store, &admin, ImportKind::Customers, &file);
    assert_eq!(
        (status.state.as_str(), status.done, status.refused),
        ("done", 3, 4)
    );
    assert_eq!(state_of(&results, "K001"), "done");
    assert_eq!(state_of(&results, "K004"), "refused");
    let found = orderdesk_core::customers::find(&f.store, &admin, "K00", true, 20).expect("find");
    let codes: Vec<&str> = found.iter().map(|c| c.code.as_str()).collect();
    assert_eq!(codes, ["K001", "K002", "K006"]);
    let hongda = &found[0];
    assert_eq!(hongda.initials, "shhdsyyxgs");
    assert_eq!(hongda.contact.as_deref(), Some("王经理"));
    assert_eq!(found[1].language, orderdesk_core::domain::Lang::En);

    // The same file again: nothing new, and each row says so.
    let again = dry(&f.store, &admin, ImportKind::Customers, &file);
    assert_eq!((again.accepted, again.unchanged), (0, 3));
    let (status, results) = run(&f.store, &admin, ImportKind::Customers, &file);
    assert_eq!((status.done, status.unchanged, status.refused), (0, 3, 4));
    assert_eq!(state_of(&results, "K002"), "unchanged");
    let after = orderdesk_core::customers::find(&f.store, &admin, "K00", true, 20).expect("find");
    assert_eq!(after.len(), 3);
}

#[test]
fn only_administrators_import() {
    let f = fixture(30);
    let manager = login(&f.store, "mgr.east");
    let e = import::inspect(&manager, ImportKind::Customers, &csv(CUSTOMERS)).expect_err("admins");
    assert!(e.is_forbidden());
    let e = import::dry_run(
        &f.store,
        &manager,
        ImportKind::Customers,
        &csv(CUSTOMERS),
        &[],
        None,
    )
    .expect_err("admins");
    assert!(e.is_forbidden());
}

fn products_file() -> Upload {
    xlsx(&[
        &["SKU", "名称", "英文名称", "单价", "库存", "单位"],
        &["OD-A1", "订书机", "Stapler", "12.5", "100", "个"],
        &[
            "OD-A2",
            "复印纸 A4",
            "Copy paper A4",
            "¥1,234.50",
            "20",
            "箱",
        ],
        &["OD-A3", "白板笔", "", "8", "0", "支"],
        &["OD-A4", "碎纸机", "Shredder", "free", "5", "台"],
        &["OD-A5", "文件柜", "Cabinet", "899", "-3", "个"],
    ])
}

#[test]
fn products_from_xlsx_with_their_opening_stock() {
    let f = fixture(30);
    let admin = login(&f.store, "admin");
    let file = products_file();
    let report = dry(&f.store, &admin, ImportKind::Products, &file);
    assert_eq!((report.accepted, report.refused), (3, 2));
    let (status, _) = run(&f.store, &admin, ImportKind::Products, &file);
    assert_eq!((status.done, status.refused), (3, 2));
    let found = orderdesk_core::products::find(&f.store, &admin, "OD-A", true, 20).expect("find");
    let got: Vec<(&str, i64, i64, &str)> = found
        .iter()
        .map(|p| {
            (
                p.sku.as_str(),
                p.unit_price_minor,
                p.on_hand,
                p.name_en.as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("OD-A1", 1250, 100, "Stapler"),
            ("OD-A2", 123_450, 20, "Copy paper A4"),
            ("OD-A3", 800, 0, "白板笔"),
        ]
    );
    let history =
        orderdesk_core::products::stock_history(&f.store, &admin, found[0].id, 5).expect("history");
    assert_eq!(history.len(), 1);
    assert_eq!(
        (history[0].kind.as_str(), history[0].quantity),
        ("import", 100)
    );
    let (again, _) = run(&f.store, &admin, ImportKind::Products, &file);
    assert_eq!((again.done, again.unchanged), (0, 3));
    assert_invariants(&f.store);
}

fn orders_csv() -> Upload {
    // One row per line; orders of every importable status, and bad ones.
    csv(
        "订单号,客户编码,下单日期,状态,处理人,部门,SKU,数量,单价,已付金额
PO-7001,K001,2026-03-05,draft,clerk01,,OD-A1,2,,
PO-7002,K001,2026/3/6,已确认,clerk01,,OD-A1,10,12.50,
PO-7002,K001,2026/3/6,已确认,clerk01,,OD-A2,1,,
PO-7003,K002,2026年3月7日,Invoiced,clerk02,,OD-A1,5,,50
SO-2025-009001,K002,2025-12-01,shipped,clerk01,,OD-A2,2,,
PO-7005,K001,46088,completed,,华东销售部,OD-A3,3,,
PO-7006,K002,2026-03-09,cancelled,clerk01,,OD-A1,1,,
PO-7007,NOPE,2026-03-09,draft,clerk01,,OD-A1,1,,
PO-7008,K001,2026-03-09,draft,clerk01,,NOSKU,1,,
PO-7009,K001,2026-03-09,draft,clerk01,,OD-A1,-2,,
PO-7010,K001,2026-13-09,draft,clerk01,,OD-A1,1,,
PO-7011,K001,2026-03-09,draft,clerk01,,OD-A1,1,1.2.3,
PO-7012,K001,2026-03-09,archived,clerk01,,OD-A1,1,,
PO-7013,K001,2026-03-09,confirmed,clerk01,,OD-A2,500,,
PO-7014,K001,2026-03-09,draft,clerk01,,OD-A1,1,,
PO-7014,K002,2026-03-09,draft,clerk01,,OD-A2,1,,
PO-7015,K001,2026-03-09,draft,nobody,,OD-A1,1,,
",
    )
}

fn master_data(store: &Store, admin: &Session) {
    run(store, admin, ImportKind::Customers, &gbk(CUSTOMERS));
    run(store, admin, ImportKind::Products, &products_file());
}

#[test]
fn orders_keep_their_numbers_and_the_facts_their_status_implies() {
    let f = fixture(60);
    let admin = login(&f.store, "admin");
    master_data(&f.store, &admin);
    let file = orders_csv();
    let report = dry(&f.store, &admin, ImportKind::Orders, &file);
    let states: Vec<(&str, &str)> = report
        .rows
        .iter()
        .map(|r| (r.number.as_str(), r.state.as_str()))
        .collect();
    let refused = [
        "PO-7007", "PO-7008", "PO-7009", "PO-7010", "PO-7011", "PO-7012", "PO-7013", "PO-7014",
        "PO-7015",
    ];
    for (number, state) in &states {
        let expected = if refused.contains(number) {
            "refused"
        } else {
            "accepted"
        };
        assert_eq!(*state, expected, "{number}: {:?}", report.rows);
    }
    assert_eq!(report.total, 15);

    let (status, results) = run(&f.store, &admin, ImportKind::Orders, &file);
    assert_eq!((status.done, status.refused), (6, 9), "{results:?}");
    let why = |n: &str| {
        results
            .iter()
            .find(|r| r.number == n)
            .and_then(|r| r.problem.as_ref())
            .map(|p| p.message_en.clone())
            .unwrap_or_default()
    };
    assert!(why("PO-7007").contains("NOPE"));
    assert!(why("PO-7008").contains("NOSKU"));
    assert!(why("PO-7010").contains("2026-13-09"));
    assert!(why("PO-7013").contains("OD-A2"), "{}", why("PO-7013"));
    assert!(why("PO-7014").contains("customer"), "{}", why("PO-7014"));
    assert!(why("PO-7015").contains("nobody"));

    let clerk = login(&f.store, "clerk01");
    let d = detail::get(&f.store, &clerk, "PO-7002").expect("imported order");
    assert_eq!(d.status, Status::Confirmed);
    assert_eq!(d.lines.len(), 2);
    assert_eq!(d.total_minor, 10 * 1250 + 123_450);
    assert_eq!(d.events[0].kind, "imported");
    // Confirmed holds its stock: 10 of OD-A1, and 1 of OD-A2.
    assert_eq!(product_reserved(&f.store, "OD-A1"), 10 + 5);
    assert_eq!(product_reserved(&f.store, "OD-A2"), 1);
    let invoiced = detail::get(&f.store, &admin, "PO-7003").expect("invoiced");
    let kinds: Vec<(&str, i64)> = invoiced
        .finance
        .iter()
        .map(|e| (e.kind.as_str(), e.amount_minor))
        .collect();
    assert_eq!(kinds, [("invoice", 5 * 1250), ("payment", 5_000)]);
    let completed = detail::get(&f.store, &admin, "PO-7005").expect("completed");
    assert_eq!(
        completed.handler, None,
        "a department with no handler: its queue"
    );
    assert_eq!(completed.order_date, "2026-03-07");
    assert_eq!(completed.paid_minor, completed.total_minor);
    assert_invariants(&f.store);

    // The search box finds imported numbers exactly and by prefix.
    let search = |text: &str| {
        search::search(
            &f.store,
            &admin,
            &SearchQuery {
                text: Some(text.into()),
                ..Default::default()
            },
        )
        .expect("search")
        .rows
        .into_iter()
        .map(|r| r.number)
        .collect::<Vec<_>>()
    };
    assert_eq!(search("PO-7003"), ["PO-7003"]);
    assert_eq!(search("po-7003"), ["PO-7003"]);
    let mut prefix = search("PO-700");
    prefix.sort();
    assert_eq!(
        prefix,
        ["PO-7001", "PO-7002", "PO-7003", "PO-7005", "PO-7006"]
    );
    assert_eq!(search("SO-2025-009001"), ["SO-2025-009001"]);

    // A number like ours moved the year's counter past it.
    let next = f
        .store
        .write(|tx| orderdesk_core::store::orders::next_number(tx, 2025))
        .expect("next");
    assert_eq!(next, "SO-2025-009002");

    // Again: nothing new; refused rows are refused again.
    let (again, _) = run(&f.store, &admin, ImportKind::Orders, &file);
    assert_eq!((again.done, again.unchanged, again.refused), (0, 6, 9));
    assert_eq!(product_reserved(&f.store, "OD-A1"), 15);
    assert_invariants(&f.store);
}

#[test]
fn a_stopped_import_resumes_without_losing_or_repeating_an_order() {
    let f = fixture(30);
    let admin = login(&f.store, "admin");
    master_data(&f.store, &admin);
    let mut text = String::from("number,customer_code,order_date,status,handler,sku,quantity\n");
    for i in 0..40 {
        text.push_str(&format!("R-{i:03},K001,2026-04-01,draft,clerk01,OD-A1,1\n"));
        text.push_str(&format!("R-{i:03},K001,2026-04-01,draft,clerk01,OD-A3,2\n"));
    }
    let file = csv(&text);
    let sheet = import::inspect(&admin, ImportKind::Orders, &file).expect("inspect");
    let job =
        import::start(&f.store, &admin, ImportKind::Orders, &file, &sheet.mapping).expect("start");
    // Stop after the first batch, as a crash or Stop would.
    let mut batches = 0;
    let stopped = jobs::run(&f.store, &admin, &job.id, 7, &mut |_| {
        batches += 1;
        batches < 2
    })
    .expect("run");
    assert_eq!((stopped.state.as_str(), stopped.done), ("stopped", 14));
    let unfinished = jobs::unfinished(&f.store, &admin).expect("unfinished");
    assert!(
        unfinished
            .iter()
            .any(|j| j.id == job.id && j.kind == "import_orders")
    );
    let done = jobs::run(&f.store, &admin, &job.id, 7, &mut |_| true).expect("resume");
    assert_eq!(
        (done.state.as_str(), done.done, done.refused),
        ("done", 40, 0)
    );
    let count: i64 = f
        .store
        .read(|c| {
            Ok(c.query_row(
                "SELECT count(*) FROM orders WHERE number LIKE 'R-%'",
                [],
                |r| r.get(0),
            )?)
        })
        .expect("count");
    assert_eq!(count, 40);
    let lines: i64 = f
        .store
        .read(|c| {
            Ok(c.query_row(
                "SELECT count(*) FROM order_lines l JOIN orders o ON o.id = l.order_id
                 WHERE o.number LIKE 'R-%'",
                [],
                |r| r.get(0),
            )?)
        })
        .expect("lines");
    assert_eq!(lines, 80);
    let left: i64 = f
        .store
        .read(|c| Ok(c.query_row("SELECT count(*) FROM import_rows", [], |r| r.get(0))?))
        .expect("rows");
    assert_eq!(left, 0, "records are dropped once imported");
    assert_invariants(&f.store);
}

#[test]
fn a_mapping_the_person_corrected_is_used() {
    let f = fixture(30);
    let admin = login(&f.store, "admin");
    // Headers nobody could guess.
    let file = csv("Kundennummer,Firma\nD-1,Müller KG\n");
    let sheet = import::inspect(&admin, ImportKind::Customers, &file).expect("inspect");
    assert!(sheet.mapping.iter().all(|m| m.column.is_none()));
    let e = import::dry_run(
        &f.store,
        &admin,
        ImportKind::Customers,
        &file,
        &sheet.mapping,
        None,
    )
    .expect_err("code and name unmapped");
    assert!(e.is_invalid_input());
    let mapping = vec![
        import::FieldColumn {
            field: "code".into(),
            column: Some(0),
        },
        import::FieldColumn {
            field: "name".into(),
            column: Some(1),
        },
    ];
    let report = import::dry_run(
        &f.store,
        &admin,
        ImportKind::Customers,
        &file,
        &mapping,
        None,
    )
    .expect("dry run");
    assert_eq!(report.accepted, 1);
}

#[test]
fn templates_carry_the_headers_in_either_language() {
    for kind in [
        ImportKind::Customers,
        ImportKind::Products,
        ImportKind::Orders,
    ] {
        for lang in [
            orderdesk_core::domain::Lang::ZhCn,
            orderdesk_core::domain::Lang::En,
        ] {
            let csv_bytes = import::template(kind, lang, false).expect("csv");
            let table_csv = import::table::read(&[csv_bytes, b"x\n".to_vec()].concat());
            let headers = match table_csv {
                Ok(t) => t.headers,
                Err(e) => panic!("{e:?}"),
            };
            assert_eq!(
                import::auto_map(kind, &headers)
                    .iter()
                    .filter(|m| m.column.is_some())
                    .count(),
                headers.len(),
                "{kind:?} {lang:?}: every template header maps back"
            );
            let xlsx_bytes = import::template(kind, lang, true).expect("xlsx");
            assert!(xlsx_bytes.starts_with(b"PK"));
        }
    }
}
