//! Export of the archive under a filter to CSV or XLSX, page by page (keyset),
//! with progress and a way to stop. The file is written beside the target
//! and renamed into place when complete, so a stopped or failed export never
//! leaves half a file under the chosen name.
//!
//! CSV is UTF-8 with a byte-order mark (spreadsheets then read Chinese right);
//! XLSX cells are typed: amounts as numbers with two decimals, dates as dates.

use std::path::Path;

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{ExcelDateTime, Format as CellFormat, Workbook};
use serde::{Deserialize, Serialize};

use crate::auth::{Session, require_manager};
use crate::domain::{Lang, Status};
use crate::error::{Error, ErrorKind, Msg, Result};
use crate::search::{self, Row, SearchPage, SearchQuery};
use crate::store::{self, Store, settings::Reason};

const PAGE: i64 = 500;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Csv,
    Xlsx,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ExportReport {
    pub rows: i64,
    pub path: String,
    /// False when stopped before the end (then no file was left).
    pub complete: bool,
}

fn headers(lang: Lang) -> [&'static str; 10] {
    match lang {
        Lang::ZhCn => [
            "订单号",
            "客户",
            "关闭方式",
            "处理人",
            "部门",
            "金额",
            "币种",
            "下单日期",
            "关闭日期",
            "取消原因",
        ],
        Lang::En => [
            "Number",
            "Customer",
            "Closed as",
            "Handler",
            "Department",
            "Total",
            "Currency",
            "Order date",
            "Closed on",
            "Reason",
        ],
    }
}

struct Labels {
    reasons: Vec<(String, String, String)>,
    lang: Lang,
}

impl Labels {
    fn closed_as(&self, row: &Row) -> String {
        row.closed_as
            .as_deref()
            .and_then(|c| c.parse::<Status>().ok())
            .map(|s| s.label(self.lang).to_string())
            .unwrap_or_default()
    }
    fn reason(&self, row: &Row) -> String {
        let Some(code) = row.reason.as_deref() else {
            return String::new();
        };
        self.reasons
            .iter()
            .find(|(c, _, _)| c == code)
            .map(|(_, zh, en)| self.lang.pick(zh, en).to_string())
            .unwrap_or_else(|| code.to_string())
    }
    fn department<'a>(&self, row: &'a Row) -> &'a str {
        self.lang.pick(&row.department, &row.department_en)
    }
}

fn date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.get(..10)?, "%Y-%m-%d").ok()
}

fn io_error(path: &Path, e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Error {
    Error::with_source(
        ErrorKind::Storage,
        Msg::CannotWrite {
            path: path.display().to_string(),
        },
        e,
    )
}

/// Writes every archived order matching `query` (as `s` may see them) to
/// `path`. `progress(done, total)` is called after each page; returning
/// false stops the export.
pub fn archive(
    store: &Store,
    s: &Session,
    query: &SearchQuery,
    format: Format,
    lang: Lang,
    path: &Path,
    progress: &mut dyn FnMut(i64, i64) -> bool,
) -> Result<ExportReport> {
    require_manager(s)?;
    // Refused before the audit checkpoint that the export would carry.
    crate::store::files::check_replaceable(path)?;
    let reasons = store.read(|c| store::settings::reasons(c))?;
    let checkpoint = crate::audit::record(store)?;
    let mut pages = |q: &SearchQuery| search::search(store, s, q);
    write(
        &reasons,
        &mut pages,
        query,
        format,
        lang,
        path,
        Some(&checkpoint),
        progress,
    )
}

/// The writing half of [`archive`], with the pages coming from `pages`: the
/// store in this process, or an office server (a desk then writes the file
/// on its own disk, page by page, as search results).
#[allow(clippy::too_many_arguments)]
pub fn write(
    reasons: &[Reason],
    pages: &mut dyn FnMut(&SearchQuery) -> Result<SearchPage>,
    query: &SearchQuery,
    format: Format,
    lang: Lang,
    path: &Path,
    checkpoint: Option<&crate::audit::Checkpoint>,
    progress: &mut dyn FnMut(i64, i64) -> bool,
) -> Result<ExportReport> {
    let labels = Labels {
        reasons: reasons
            .iter()
            .map(|r| (r.code.clone(), r.label_zh.clone(), r.label_en.clone()))
            .collect(),
        lang,
    };
    crate::store::files::check_replaceable(path)?;
    let partial = path.with_extension(format!(
        "{}.part",
        path.extension().and_then(|e| e.to_str()).unwrap_or("out")
    ));
    let mut q = query.clone();
    q.archived = true;
    q.limit = Some(PAGE);
    q.after = None;
    let mut done = 0;
    let mut complete = true;
    let written = (|| {
        let mut sink = match format {
            Format::Csv => Sink::csv(&partial, lang)?,
            Format::Xlsx => Sink::xlsx(lang)?,
        };
        loop {
            let page = pages(&q)?;
            for row in &page.rows {
                sink.row(&labels, row, done + 1)?;
                done += 1;
            }
            let total = if page.total_capped {
                done.max(page.total)
            } else {
                page.total
            };
            match page.next_cursor {
                Some(cursor) if progress(done, total) => q.after = Some(cursor),
                Some(_) => {
                    complete = false;
                    return Ok(());
                }
                None => {
                    progress(done, done);
                    break;
                }
            }
        }
        sink.finish(&partial, checkpoint)?;
        crate::store::files::make_private(&partial)?;
        crate::store::files::replace(&partial, path)
            .map_err(|e| crate::store::files::write_error(path, e))
    })();
    // A failure or a stop leaves nothing behind: the file is as it was.
    if written.is_err() || !complete {
        let _ = std::fs::remove_file(&partial);
    }
    written?;
    // A CSV has one table: the audit checkpoint goes beside it.
    if let (true, Format::Csv, Some(point)) = (complete, format, checkpoint) {
        crate::audit::append_line(&crate::audit::beside(path), point)?;
    }
    Ok(ExportReport {
        rows: done,
        path: path.display().to_string(),
        complete,
    })
}

enum Sink {
    Csv(csv::Writer<std::fs::File>),
    Xlsx {
        book: Box<Workbook>,
        money: CellFormat,
        day: CellFormat,
    },
}

impl Sink {
    fn csv(path: &Path, lang: Lang) -> Result<Sink> {
        use std::io::Write;
        let mut file = std::fs::File::create(path).map_err(|e| io_error(path, e))?;
        file.write_all(b"\xEF\xBB\xBF")
            .map_err(|e| io_error(path, e))?;
        let mut w = csv::Writer::from_writer(file);
        w.write_record(headers(lang))
            .map_err(|e| io_error(path, e))?;
        Ok(Sink::Csv(w))
    }

    fn xlsx(lang: Lang) -> Result<Sink> {
        let mut book = Box::new(Workbook::new());
        let bold = CellFormat::new().set_bold();
        let sheet = book.add_worksheet();
        sheet
            .set_name(lang.pick("归档订单", "Archived orders"))
            .map_err(|e| Error::internal(e.to_string()))?;
        for (col, h) in headers(lang).iter().enumerate() {
            sheet
                .write_string_with_format(0, col as u16, *h, &bold)
                .map_err(|e| Error::internal(e.to_string()))?;
        }
        for (col, width) in [16, 32, 10, 12, 14, 14, 8, 12, 12, 14].iter().enumerate() {
            let _ = sheet.set_column_width(col as u16, *width);
        }
        Ok(Sink::Xlsx {
            book,
            money: CellFormat::new().set_num_format("#,##0.00"),
            day: CellFormat::new().set_num_format("yyyy-mm-dd"),
        })
    }

    fn row(&mut self, l: &Labels, r: &Row, n: i64) -> Result<()> {
        let amount = r.total_minor as f64 / 100.0;
        let handler = person(r);
        let closed = r.closed_at.as_deref().unwrap_or("");
        match self {
            Sink::Csv(w) => w
                .write_record(
                    [
                        r.number.as_str(),
                        r.customer.as_str(),
                        &l.closed_as(r),
                        &handler,
                        l.department(r),
                        &format!("{}.{:02}", r.total_minor / 100, (r.total_minor % 100).abs()),
                        r.currency.as_str(),
                        r.order_date.as_str(),
                        closed.get(..10).unwrap_or(closed),
                        &l.reason(r),
                    ]
                    .map(|cell| safe_cell(cell).into_owned()),
                )
                .map_err(|e| Error::internal(e.to_string())),
            Sink::Xlsx {
                book, money, day, ..
            } => {
                let sheet = book
                    .worksheet_from_index(0)
                    .map_err(|e| Error::internal(e.to_string()))?;
                let row = n as u32;
                let x = |e: rust_xlsxwriter::XlsxError| Error::internal(e.to_string());
                sheet.write_string(row, 0, &r.number).map_err(x)?;
                sheet.write_string(row, 1, &r.customer).map_err(x)?;
                sheet.write_string(row, 2, l.closed_as(r)).map_err(x)?;
                sheet.write_string(row, 3, &handler).map_err(x)?;
                sheet.write_string(row, 4, l.department(r)).map_err(x)?;
                sheet
                    .write_number_with_format(row, 5, amount, money)
                    .map_err(x)?;
                sheet.write_string(row, 6, &r.currency).map_err(x)?;
                for (col, text) in [(7u16, r.order_date.as_str()), (8, closed)] {
                    if let Some(d) = date(text) {
                        let cell = ExcelDateTime::from_ymd(
                            d.year() as u16,
                            d.month() as u8,
                            d.day() as u8,
                        )
                        .map_err(x)?;
                        sheet
                            .write_datetime_with_format(row, col, &cell, day)
                            .map_err(x)?;
                    }
                }
                sheet.write_string(row, 9, l.reason(r)).map_err(x)?;
                Ok(())
            }
        }
    }

    fn finish(self, path: &Path, checkpoint: Option<&crate::audit::Checkpoint>) -> Result<()> {
        match self {
            Sink::Csv(mut w) => {
                use std::io::Write;
                w.flush().map_err(|e| io_error(path, e))?;
                let mut file = w.into_inner().map_err(|e| io_error(path, e.to_string()))?;
                file.flush().map_err(|e| io_error(path, e))?;
                file.sync_all().map_err(|e| io_error(path, e))
            }
            Sink::Xlsx { mut book, .. } => {
                if let Some(point) = checkpoint {
                    audit_sheet(&mut book, point).map_err(|e| io_error(path, e.to_string()))?;
                }
                book.save(path).map_err(|e| io_error(path, e.to_string()))
            }
        }
    }
}
/// The audit logs' checkpoint when the export was made, on a sheet of its
/// own ("audit"), so an export is also evidence of the log at that moment.
fn audit_sheet(
    book: &mut rust_xlsxwriter::Workbook,
    p: &crate::audit::Checkpoint,
) -> std::result::Result<(), rust_xlsxwriter::XlsxError> {
    let sheet = book.add_worksheet();
    sheet.set_name("audit")?;
    let rows = [
        ("at", p.at.clone()),
        ("events", p.events.to_string()),
        ("last_event", p.last_event.to_string()),
        ("head", p.head.clone()),
        ("settings_events", p.settings_events.to_string()),
        ("last_setting", p.last_setting.to_string()),
        ("settings_head", p.settings_head.clone()),
    ];
    for (i, (k, v)) in rows.iter().enumerate() {
        sheet.write_string(i as u32, 0, *k)?;
        sheet.write_string(i as u32, 1, v)?;
    }
    sheet.set_column_width(1, 70)?;
    Ok(())
}

/// A spreadsheet application runs a cell that starts like a formula (`=`,
/// `+`, `-`, `@`, a tab or a carriage return): such text is written with a
/// leading apostrophe, as those applications expect for literal text.
pub(crate) fn safe_cell(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}").into()
    } else {
        text.into()
    }
}

/// The handler as people name them: "王芳 (clerk03)"; empty for a queue.
fn person(r: &Row) -> String {
    match (&r.handler_name, &r.handler) {
        (Some(name), Some(login)) => format!("{name} ({login})"),
        (None, Some(login)) => login.clone(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_cell;

    #[test]
    fn formulas_are_written_as_text() {
        for bad in ["=HYPERLINK(\"x\")", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(safe_cell(bad), format!("'{bad}"));
        }
        assert_eq!(safe_cell("上海华联"), "上海华联");
        assert_eq!(safe_cell("SO-2026-000001"), "SO-2026-000001");
    }
}
