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

/// Every archived order to an English workbook at `path`.
fn xlsx(
    store: &orderdesk_core::Store,
    s: &orderdesk_core::auth::Session,
    path: &std::path::Path,
    progress: &mut dyn FnMut(i64, i64) -> bool,
) -> orderdesk_core::Result<export::ExportReport> {
    export::archive(
        store,
        s,
        &archived_query(),
        Format::Xlsx,
        Lang::En,
        path,
        progress,
    )
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
    let report = xlsx(&f.store, &admin, &path, &mut |_, _| false).expect("export");
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

/// A workbook open in Excel (which lets others read it, never replace it) is
/// refused before anything is written, in words that say so; one that is
/// opened while the export runs is refused at the end. Either way the file
/// is as it was and no partial file is left beside it.
#[cfg(windows)]
#[test]
fn an_export_onto_a_workbook_open_in_another_program_says_so_and_leaves_nothing() {
    use orderdesk_core::error::ErrorKind;
    use std::os::windows::fs::OpenOptionsExt;
    const FILE_SHARE_READ: u32 = 1;
    let hold = |path: &std::path::Path| {
        std::fs::OpenOptions::new()
            .read(true)
            .share_mode(FILE_SHARE_READ)
            .open(path)
            .expect("hold the file as Excel does")
    };
    let f = fixture(1500);
    let admin = login(&f.store, "admin");
    let path = f.dir.path().join("open.xlsx");
    let original = b"the workbook as Excel has it".to_vec();
    std::fs::write(&path, &original).expect("write");
    let leftovers = || {
        std::fs::read_dir(f.dir.path())
            .expect("list")
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("open.") && n != "open.xlsx")
            .collect::<Vec<_>>()
    };
    let export =
        |progress: &mut dyn FnMut(i64, i64) -> bool| xlsx(&f.store, &admin, &path, progress);

    let held = hold(&path);
    let e = export(&mut |_, _| true).expect_err("refused while open");
    assert_eq!(e.kind(), ErrorKind::Conflict);
    assert!(
        e.message(Lang::En)
            .contains("is open in another program: close it and try again")
    );
    assert!(e.message(Lang::ZhCn).contains("正在被其他程序使用"));
    drop(held);
    assert_eq!(std::fs::read(&path).expect("read"), original);
    assert!(leftovers().is_empty(), "{:?}", leftovers());

    let mut held = None;
    let e = export(&mut |_, _| {
        held.get_or_insert_with(|| hold(&path));
        true
    })
    .expect_err("refused when opened meanwhile");
    assert_eq!(e.kind(), ErrorKind::Conflict, "{e:?}");
    drop(held);
    assert_eq!(std::fs::read(&path).expect("read"), original);
    assert!(leftovers().is_empty(), "{:?}", leftovers());

    export(&mut |_, _| true).expect("closed: exported");
    assert!(leftovers().is_empty(), "{:?}", leftovers());
}
