//! Bringing in what a site already has: customers, products (with their
//! stock) and orders with lines, from CSV (UTF-8 or GBK) or XLSX.
//!
//! The flow is the wizard's: [`inspect`] a file (its headers, the columns
//! mapped automatically), [`dry_run`] it (a result per record, nothing
//! written), [`start`] the import as a job (the records are parsed once and
//! kept in the database), then `jobs::run` it batch by batch like any bulk
//! job: resumable after a crash, each record in its own savepoint, so an
//! order and its lines go in together or not at all. The dry run and the job
//! call the same [`records::plan`]; only the job goes on to write.
//!
//! Importing is idempotent: a record whose key (customer code, SKU, original
//! order number) is already there is reported `unchanged` and left alone.
//! Administrators only.

mod fields;
mod records;
pub mod table;
pub mod values;

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

pub use fields::{Field, FieldColumn, auto_map};

use crate::auth::{Session, require_admin};
use crate::domain::{Lang, OrderId};
use crate::error::{Error, Result};
use crate::export::safe_cell;
use crate::jobs::{ItemResult, JobKind, JobStatus};
use crate::store::{self, Store, jobs::JobItem};
use fields::Columns;
use records::{Item, Pending};

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    Customers,
    Products,
    Orders,
}

impl ImportKind {
    pub fn code(self) -> &'static str {
        match self {
            ImportKind::Customers => "customers",
            ImportKind::Products => "products",
            ImportKind::Orders => "orders",
        }
    }

    pub fn parse(text: &str) -> Option<ImportKind> {
        [
            ImportKind::Customers,
            ImportKind::Products,
            ImportKind::Orders,
        ]
        .into_iter()
        .find(|k| k.code() == text)
    }

    /// The job kind's code ("import_orders").
    pub fn job_code(self) -> &'static str {
        match self {
            ImportKind::Customers => "import_customers",
            ImportKind::Products => "import_products",
            ImportKind::Orders => "import_orders",
        }
    }
}

/// A file as it crosses the wire: its name and its bytes (base64 in JSON).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Upload {
    pub name: String,
    #[serde(with = "base64_bytes")]
    #[cfg_attr(feature = "specta", specta(type = String))]
    pub data: Vec<u8>,
}

impl Upload {
    /// The file at `path`, named by its last component.
    pub fn read(path: &std::path::Path) -> std::io::Result<Upload> {
        let data = std::fs::read(path)?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        Ok(Upload { name, data })
    }
}

mod base64_bytes {
    use base64::Engine;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let text = String::deserialize(d)?;
        base64::engine::general_purpose::STANDARD
            .decode(text.as_bytes())
            .map_err(serde::de::Error::custom)
    }
}

/// A field as the mapping form shows it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FieldInfo {
    pub key: String,
    pub label_zh: String,
    pub label_en: String,
    pub required: bool,
}

/// A first look at a file: what it is, its columns, and how they map.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImportSheet {
    pub kind: ImportKind,
    /// `xlsx`, `csv-utf8`, `csv-utf8-bom`, `csv-gb18030`, `csv-utf16le`…
    pub format: String,
    pub headers: Vec<String>,
    pub rows: i64,
    /// The first few data rows, as read.
    pub sample: Vec<Vec<String>>,
    pub fields: Vec<FieldInfo>,
    pub mapping: Vec<FieldColumn>,
}

/// What importing a file would do (or did), record by record.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ImportReport {
    pub kind: ImportKind,
    /// Records (a customer, a product, an order with its lines).
    pub total: i64,
    pub accepted: i64,
    pub unchanged: i64,
    pub refused: i64,
    /// A result per record, in file order: `accepted`, `unchanged` or
    /// `refused` with why; at most `max_rows` of them, refused ones first.
    pub rows: Vec<ItemResult>,
    /// Results left out of `rows` by `max_rows`.
    pub omitted: i64,
}

fn fields_of(kind: ImportKind) -> Vec<FieldInfo> {
    kind.fields()
        .iter()
        .map(|f| FieldInfo {
            key: f.key.to_string(),
            label_zh: f.zh.to_string(),
            label_en: f.key.to_string(),
            required: f.required,
        })
        .collect()
}

/// Reads a file and maps its columns from their headers.
pub fn inspect(s: &Session, kind: ImportKind, file: &Upload) -> Result<ImportSheet> {
    require_admin(s)?;
    let table = table::read(&file.data)?;
    Ok(ImportSheet {
        kind,
        format: table.format.to_string(),
        mapping: auto_map(kind, &table.headers),
        rows: table.rows.len() as i64,
        sample: table.rows.iter().take(5).map(|(_, r)| r.clone()).collect(),
        headers: table.headers,
        fields: fields_of(kind),
    })
}

/// The file's records under a mapping (None: the automatic one).
fn items_of(kind: ImportKind, file: &Upload, mapping: Option<&[FieldColumn]>) -> Result<Vec<Item>> {
    let table = table::read(&file.data)?;
    let auto;
    let mapping = match mapping {
        Some(m) if !m.is_empty() => m,
        _ => {
            auto = auto_map(kind, &table.headers);
            &auto
        }
    };
    let columns = Columns::new(kind, mapping, table.headers.len())?;
    Ok(records::items(kind, &table, &columns))
}

fn item_result(item: &Item, outcome: &Result<records::Plan>) -> ItemResult {
    let (state, problem) = match (&item.refused, outcome) {
        (Some(e), _) | (None, Err(e)) => ("refused", Some(e.problem())),
        (None, Ok(records::Plan::Unchanged)) => ("unchanged", None),
        (None, Ok(_)) => ("accepted", None),
    };
    ItemResult {
        number: item.key.clone(),
        state: state.into(),
        problem,
        row: item.row,
    }
}

/// What importing the file would do, record by record; nothing is written.
/// Records that depend on earlier ones in the same file (stock reserved by
/// confirmed orders) are counted as the import would meet them.
pub fn dry_run(
    store: &Store,
    s: &Session,
    kind: ImportKind,
    file: &Upload,
    mapping: &[FieldColumn],
    max_rows: Option<i64>,
) -> Result<ImportReport> {
    require_admin(s)?;
    let items = items_of(kind, file, Some(mapping))?;
    let results: Vec<ItemResult> = store.read(|c| {
        let mut pending = Pending::default();
        Ok(items
            .iter()
            .map(|item| {
                let outcome = match &item.refused {
                    Some(_) => Err(Error::internal("refused")),
                    None => records::plan(c, kind, &item.raw, Some(&mut pending)),
                };
                item_result(item, &outcome)
            })
            .collect())
    })?;
    let count = |state: &str| results.iter().filter(|r| r.state == state).count() as i64;
    let max = max_rows.map_or(usize::MAX, |m| m.max(0) as usize);
    let (mut refused, others): (Vec<ItemResult>, Vec<ItemResult>) =
        results.iter().cloned().partition(|r| r.state == "refused");
    refused.extend(others);
    refused.truncate(max);
    refused.sort_by_key(|r| r.row);
    Ok(ImportReport {
        kind,
        total: results.len() as i64,
        accepted: count("accepted"),
        unchanged: count("unchanged"),
        refused: count("refused"),
        omitted: results.len() as i64 - refused.len() as i64,
        rows: refused,
    })
}

/// Makes the import job: every record kept in the database with its row
/// number, those that cannot be read refused at once. Nothing is imported
/// until the job runs.
pub fn start(
    store: &Store,
    s: &Session,
    kind: ImportKind,
    file: &Upload,
    mapping: &[FieldColumn],
) -> Result<JobStatus> {
    require_admin(s)?;
    let items = items_of(kind, file, Some(mapping))?;
    let id = uuid::Uuid::new_v4().to_string();
    let at = store::stamp(store.now());
    let job_kind = JobKind::Import {
        what: kind,
        file: file.name.chars().take(200).collect(),
    };
    let params = serde_json::to_string(&job_kind)?;
    store.write(|tx| {
        store::jobs::insert(tx, &id, kind.job_code(), s.user_id, &at, &params)?;
        for item in &items {
            let key = OrderId(item.row);
            store::jobs::add_item(tx, &id, key, &item.key, 0)?;
            match &item.refused {
                Some(e) => crate::jobs::refuse(tx, &id, key, e)?,
                None => {
                    let data = serde_json::to_string(&item.raw)?;
                    store::jobs::insert_import_row(tx, &id, item.row, &data)?;
                }
            }
        }
        store::jobs::set_total(tx, &id)?;
        crate::jobs::status_in(tx, &id)
    })
}

/// One batch of an import job, inside the job's transaction: each record in
/// its own savepoint, marked created, unchanged or refused with it.
pub(crate) fn run_batch(
    c: &Connection,
    s: &Session,
    job: &str,
    kind: ImportKind,
    items: &[JobItem],
    at: &str,
) -> Result<()> {
    require_admin(s)?;
    for item in items {
        let Some(data) = store::jobs::import_row(c, job, item.order_id.0)? else {
            // Parsed as refused when the job was made; nothing to do.
            continue;
        };
        let raw: records::Raw = serde_json::from_str(&data)?;
        let outcome = store::in_savepoint(c, || {
            let plan = records::plan(c, kind, &raw, None)?;
            records::apply(c, s, plan, job, item.order_id.0, at)
        });
        match outcome {
            Ok(true) => store::jobs::finish_item(c, job, item.order_id, "done", None)?,
            Ok(false) => store::jobs::finish_item(c, job, item.order_id, "unchanged", None)?,
            Err(e) if e.kind() == crate::ErrorKind::Storage => return Err(e),
            Err(e) => crate::jobs::refuse(c, job, item.order_id, &e)?,
        }
        store::jobs::delete_import_row(c, job, item.order_id.0)?;
    }
    Ok(())
}

/// An empty file with the headers an import reads, in one language: CSV
/// (UTF-8 with BOM, so Excel shows the Chinese) or XLSX.
pub fn template(kind: ImportKind, lang: Lang, xlsx: bool) -> Result<Vec<u8>> {
    let headers: Vec<&str> = kind
        .fields()
        .iter()
        .map(|f| lang.pick(f.zh, f.key))
        .collect();
    if xlsx {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        let bold = rust_xlsxwriter::Format::new().set_bold();
        for (i, h) in headers.iter().enumerate() {
            sheet
                .write_string_with_format(0, i as u16, *h, &bold)
                .map_err(|e| Error::internal(e.to_string()))?;
            sheet
                .set_column_width(i as u16, 16)
                .map_err(|e| Error::internal(e.to_string()))?;
        }
        return book
            .save_to_buffer()
            .map_err(|e| Error::internal(e.to_string()));
    }
    let mut out = b"\xEF\xBB\xBF".to_vec();
    let mut w = csv::Writer::from_writer(&mut out);
    w.write_record(&headers)
        .map_err(|e| Error::internal(e.to_string()))?;
    w.flush().map_err(|e| Error::internal(e.to_string()))?;
    drop(w);
    Ok(out)
}

/// A job's results as CSV (UTF-8 with BOM): row, key, result, why.
pub fn results_csv(results: &[ItemResult], lang: Lang) -> Result<Vec<u8>> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    let mut w = csv::Writer::from_writer(&mut out);
    let fail = |e: csv::Error| Error::internal(e.to_string());
    w.write_record([
        lang.pick("行", "row"),
        lang.pick("编码/单号", "key"),
        lang.pick("结果", "result"),
        lang.pick("原因", "why"),
    ])
    .map_err(fail)?;
    for r in results {
        let state = match r.state.as_str() {
            "done" => lang.pick("完成", "done"),
            "unchanged" => lang.pick("已存在，未改动", "already there, unchanged"),
            "refused" => lang.pick("拒绝", "refused"),
            "accepted" => lang.pick("可导入", "accepted"),
            other => other,
        };
        let why = r
            .problem
            .as_ref()
            .map(|p| lang.pick(&p.message_zh, &p.message_en))
            .unwrap_or("");
        w.write_record([
            r.row.to_string().as_str(),
            &safe_cell(&r.number),
            state,
            &safe_cell(why),
        ])
        .map_err(fail)?;
    }
    w.flush().map_err(|e| Error::internal(e.to_string()))?;
    drop(w);
    Ok(out)
}
