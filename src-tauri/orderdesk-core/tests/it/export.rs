use calamine::{Data, Reader, Xlsx, open_workbook};
use orderdesk_core::domain::{Lang, Status};
use orderdesk_core::export::{self, Format};
use orderdesk_core::search::{self, SearchQuery};

use crate::support::*;

fn cancelled_query() -> SearchQuery {
    SearchQuery {
        archived: true,
        closed_as: Some(Status::Cancelled),
        ..Default::default()
    }
}

fn archived_query() -> SearchQuery {
    SearchQuery {
        archived: true,
        ..Default::default()
    }
}

#[test]
fn xlsx_holds_every_row_of_the_filter_with_typed_cells() {
    let f = fixture(3000);
    let manager = login(&f.store, "mgr.east");
    let total = search::search(
        &f.store,
        &manager,
        &SearchQuery {
            limit: Some(1),
            ..archived_query()
        },
    )
    .expect("count")
    .total;
    assert!(total > 500, "more than one page: {total}");
    let path = f.dir.path().join("archive.xlsx");
    let mut calls = 0;
    let report = export::archive(
        &f.store,
        &manager,
        &archived_query(),
        Format::Xlsx,
        Lang::ZhCn,
        &path,
        &mut |_, _| {
            calls += 1;
            true
        },
    )
    .expect("export");
    assert!(report.complete && calls >= 2);
    assert_eq!(report.rows, total);
    let mut book: Xlsx<_> = open_workbook(&path).expect("open xlsx");
    let sheet = book.worksheet_range("归档订单").expect("sheet");
    assert_eq!(
        sheet.height() as i64,
        total + 1,
        "header plus one row per order"
    );
    assert_eq!(sheet.get((0, 0)), Some(&Data::String("订单号".into())));
    let second = sheet.rows().nth(1).expect("row");
    assert!(matches!(second[0], Data::String(ref n) if n.starts_with("SO-")));
    assert!(
        matches!(second[2], Data::String(ref c) if c == "已取消" || c == "已完成"),
        "{:?}",
        second[2]
    );
    assert!(
        matches!(second[5], Data::Float(x) if x > 0.0),
        "amount is a number: {:?}",
        second[5]
    );
    assert!(
        matches!(second[7], Data::DateTime(_)),
        "order date is a date: {:?}",
        second[7]
    );
    assert!(
        matches!(second[4], Data::String(ref d) if d == "华东销售部"),
        "managers export their department"
    );
}

#[test]
fn csv_is_utf8_with_bom_and_english_headers_when_asked() {
    let f = fixture(1500);
    let admin = login(&f.store, "admin");
    let path = f.dir.path().join("all.csv");
    let report = export::archive(
        &f.store,
        &admin,
        &cancelled_query(),
        Format::Csv,
        Lang::En,
        &path,
        &mut |_, _| true,
    )
    .expect("export");
    let bytes = std::fs::read(&path).expect("read");
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8(bytes[3..].to_vec()).expect("utf8");
    let mut lines = text.lines();
    assert!(
        lines
            .next()
            .expect("header")
            .starts_with("Number,Customer,Closed as")
    );
    assert_eq!(lines.count() as i64, report.rows);
    assert!(text.contains("Cancelled"));
    assert!(
        text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "Chinese customer names survive"
    );
}

#[test]
fn a_stopped_export_leaves_no_file_and_clerks_may_not_export() {
    let f = fixture(3000);
    let admin = login(&f.store, "admin");
    let path = f.dir.path().join("stopped.xlsx");
    let report = export::archive(
        &f.store,
        &admin,
        &archived_query(),
        Format::Xlsx,
        Lang::En,
        &path,
        &mut |_, _| false,
    )
    .expect("export");
    assert!(!report.complete);
    assert!(!path.exists());
    assert!(std::fs::read_dir(f.dir.path()).expect("dir").all(|e| {
        !e.expect("entry")
            .file_name()
            .to_string_lossy()
            .ends_with(".part")
    }));
    let clerk = login(&f.store, "clerk01");
    let e = export::archive(
        &f.store,
        &clerk,
        &cancelled_query(),
        Format::Csv,
        Lang::En,
        &path,
        &mut |_, _| true,
    )
    .expect_err("clerk");
    assert!(e.is_forbidden());
}
