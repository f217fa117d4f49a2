use std::collections::HashSet;

use orderdesk_core::domain::Status;
use orderdesk_core::search::{self, Row, SearchQuery, Sort};

use crate::support::*;

fn q(text: &str) -> SearchQuery {
    SearchQuery {
        text: Some(text.into()),
        limit: Some(500),
        ..Default::default()
    }
}

#[test]
fn finds_by_number_exact_prefix_and_digits() {
    let f = fixture(1500);
    let admin = login(&f.store, "admin");
    let row = pick(&f.store, Status::Confirmed, true);
    let exact = search::search(&f.store, &admin, &q(&row.number)).expect("exact");
    assert_eq!(exact.rows.len(), 1);
    let lower = search::search(&f.store, &admin, &q(&row.number.to_lowercase())).expect("lower");
    assert_eq!(lower.rows[0].number, row.number);
    let prefix = &row.number[..12];
    let page = search::search(&f.store, &admin, &q(prefix)).expect("prefix");
    assert!(
        page.rows.iter().all(|r| r.number.starts_with(prefix))
            && page.rows.iter().any(|r| r.number == row.number)
    );
    let digits = row
        .number
        .rsplit('-')
        .next()
        .expect("digits")
        .trim_start_matches('0');
    let page = search::search(&f.store, &admin, &q(digits)).expect("digits");
    assert!(page.rows.iter().any(|r| r.number == row.number));
}

#[test]
fn finds_by_customer_name_in_chinese_latin_and_pinyin_initials() {
    let f = fixture(1500);
    let admin = login(&f.store, "admin");
    for text in [
        "华联",
        "上海",
        "有限公司",
        "张三",
        "zhang san",
        "ZHANG",
        "zs",
    ] {
        let page = search::search(&f.store, &admin, &q(text)).expect("search");
        assert!(!page.rows.is_empty(), "nothing for {text}");
    }
    let page = search::search(&f.store, &admin, &q("zs")).expect("initials");
    assert!(page.rows.iter().any(|r| r.customer == "张三"));
    let page = search::search(&f.store, &admin, &q("华联")).expect("two characters");
    assert!(page.rows.iter().all(|r| r.customer.contains("华联")));
    let page = search::search(&f.store, &admin, &q("hualian")).expect("latin");
    assert!(page.rows.iter().all(|r| r.customer.contains("华联")) && !page.rows.is_empty());
    let none = search::search(&f.store, &admin, &q("不存在的客户名")).expect("none");
    assert_eq!((none.total, none.rows.len()), (0, 0));
}

#[test]
fn clerks_see_their_department_and_managers_need_the_archive_right() {
    let f = fixture(1500);
    let clerk = login(&f.store, "clerk01");
    let page = search::search(
        &f.store,
        &clerk,
        &SearchQuery {
            limit: Some(500),
            ..Default::default()
        },
    )
    .expect("search");
    assert!(page.rows.iter().all(|r| r.department == "华东销售部"));
    let e = search::search(
        &f.store,
        &clerk,
        &SearchQuery {
            archived: true,
            ..Default::default()
        },
    )
    .expect_err("archive");
    assert!(e.is_forbidden());
    let manager = login(&f.store, "mgr.north");
    let page = search::search(
        &f.store,
        &manager,
        &SearchQuery {
            archived: true,
            closed_as: Some(Status::Cancelled),
            ..Default::default()
        },
    )
    .expect("archive");
    assert!(!page.rows.is_empty());
    assert!(page.rows.iter().all(|r| r.status == "archived"
        && r.closed_as.as_deref() == Some("cancelled")
        && r.department == "华北销售部"));
}

#[test]
fn keyset_pages_cover_every_row_once_in_order() {
    let f = fixture(1500);
    let admin = login(&f.store, "admin");
    for sort in [
        Sort::DateDesc,
        Sort::DateAsc,
        Sort::TotalDesc,
        Sort::TotalAsc,
        Sort::NumberAsc,
    ] {
        let mut query = SearchQuery {
            sort,
            limit: Some(37),
            ..Default::default()
        };
        let first = search::search(&f.store, &admin, &query).expect("page");
        let mut seen = HashSet::new();
        let mut all = Vec::new();
        let mut page = first.clone();
        loop {
            for r in &page.rows {
                assert!(
                    seen.insert(r.number.clone()),
                    "{sort:?}: {} twice",
                    r.number
                );
                all.push(r.clone());
            }
            match page.next_cursor.clone() {
                Some(c) => {
                    query.after = Some(c);
                    page = search::search(&f.store, &admin, &query).expect("page");
                }
                None => break,
            }
        }
        assert_eq!(all.len() as i64, first.total, "{sort:?}");
        let key = |r: &orderdesk_core::search::Row| match sort {
            Sort::DateDesc | Sort::DateAsc => r.order_date.clone(),
            Sort::TotalDesc | Sort::TotalAsc => format!("{:020}", r.total_minor),
            Sort::NumberAsc => r.number.clone(),
        };
        let keys: Vec<String> = all.iter().map(key).collect();
        let mut sorted = keys.clone();
        sorted.sort();
        if matches!(sort, Sort::DateDesc | Sort::TotalDesc) {
            sorted.reverse();
        }
        assert_eq!(keys, sorted, "{sort:?} order");
    }
}

#[test]
fn filters_combine() {
    let f = fixture(1500);
    let admin = login(&f.store, "admin");
    let page = search::search(
        &f.store,
        &admin,
        &SearchQuery {
            statuses: vec![Status::Invoiced, Status::Confirmed],
            date_from: Some("2026-09-01".into()),
            date_to: Some("2026-11-30".into()),
            min_total_minor: Some(100_000),
            handler: Some("clerk02".into()),
            limit: Some(500),
            ..Default::default()
        },
    )
    .expect("search");
    for r in &page.rows {
        assert!(r.status == "invoiced" || r.status == "confirmed");
        assert!(r.order_date.as_str() >= "2026-09-01" && r.total_minor >= 100_000);
        assert_eq!(r.handler.as_deref(), Some("clerk02"));
    }
    assert_eq!(page.total, page.rows.len() as i64);
}

/// Every page of a search, following the cursors.
fn all_pages(f: &Fixture, s: &orderdesk_core::auth::Session, query: &SearchQuery) -> Vec<Row> {
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let page = search::search(
            &f.store,
            s,
            &SearchQuery {
                limit: Some(50),
                after: after.take(),
                ..query.clone()
            },
        )
        .expect("page");
        out.extend(page.rows);
        match page.next_cursor {
            Some(c) => after = Some(c),
            None => return out,
        }
    }
}

/// The order numbers of every page of a search for `text`.
fn all_numbers(f: &Fixture, s: &orderdesk_core::auth::Session, text: Option<&str>) -> Vec<String> {
    let query = SearchQuery {
        text: text.map(Into::into),
        ..Default::default()
    };
    all_pages(f, s, &query)
        .into_iter()
        .map(|r| r.number)
        .collect()
}

#[test]
fn a_number_typed_key_by_key_finds_what_the_full_list_holds_in_the_same_order() {
    // Enough orders that the broad prefixes take the other way to the page.
    let f = fixture(2600);
    for who in ["admin", "clerk01"] {
        let s = login(&f.store, who);
        let everything = all_numbers(&f, &s, None);
        let number = everything[everything.len() / 3].clone();
        for end in "SO-2026-".len()..=number.len() {
            let prefix = &number[..end];
            let expected: Vec<&String> = everything
                .iter()
                .filter(|n| n.starts_with(prefix))
                .collect();
            let found = all_numbers(&f, &s, Some(prefix));
            assert_eq!(
                found.iter().collect::<Vec<_>>(),
                expected,
                "{who} typing {prefix}"
            );
        }
    }
}

#[test]
fn a_customer_name_finds_what_the_full_list_holds_in_the_same_order() {
    // Few matches are read through the customer index and sorted; many are
    // found by walking the sort index (here: 有限公司 in the archive, over
    // 2,000). Both must give the full list's rows.
    let f = fixture(4000);
    let admin = login(&f.store, "admin");
    for archived in [false, true] {
        for sort in [Sort::DateDesc, Sort::TotalAsc, Sort::NumberAsc] {
            let base = SearchQuery {
                archived,
                sort,
                ..Default::default()
            };
            let everything = all_pages(&f, &admin, &base);
            for text in ["华联", "上海", "有限公司"] {
                let expected: Vec<&str> = everything
                    .iter()
                    .filter(|r| r.customer.contains(text))
                    .map(|r| r.number.as_str())
                    .collect();
                let query = SearchQuery {
                    text: Some(text.into()),
                    ..base.clone()
                };
                let found = all_pages(&f, &admin, &query);
                let found: Vec<&str> = found.iter().map(|r| r.number.as_str()).collect();
                assert_eq!(found, expected, "{text}, archived {archived}, {sort:?}");
                // Both ways are taken: more than 2,000 walk the sort index.
                let many = archived && text == "有限公司";
                assert_eq!(expected.len() > 2000, many, "{text}, archived {archived}");
            }
        }
    }
}
