//! A file as a table of text: the header row and the data rows, whatever the
//! file is — XLSX (or XLS, ODS) through calamine, or CSV in UTF-8 (with or
//! without BOM), UTF-16 with BOM (Excel's "Unicode text"), or GBK/GB18030 as
//! Chinese Excel writes it. The separator is sniffed from the header line.
//!
//! Cells keep their text; typed spreadsheet cells are written the way a
//! person would type them (dates as YYYY-MM-DD, whole numbers without ".0").

use std::io::Cursor;

use calamine::{Data, Reader};

use crate::error::{Error, Msg, Result};

/// Rows a file may hold at most (a site's whole history in one go).
pub const MAX_ROWS: usize = 1_000_000;

#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub headers: Vec<String>,
    /// Data rows with their row number in the file (the header is row 1).
    pub rows: Vec<(i64, Vec<String>)>,
    /// What the file turned out to be: `xlsx`, `csv-utf8`, `csv-gb18030`…
    pub format: &'static str,
}

fn unreadable(detail: impl Into<String>) -> Error {
    Error::invalid(Msg::ImportUnreadable {
        detail: detail.into(),
    })
}

/// Reads a file's first sheet (or the CSV) into a table.
pub fn read(bytes: &[u8]) -> Result<Table> {
    let is_zip = bytes.starts_with(b"PK\x03\x04");
    let is_ole = bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]);
    let table = if is_zip || is_ole {
        spreadsheet(bytes)?
    } else {
        let (text, format) = decode(bytes);
        csv_table(&text, format)?
    };
    if table.rows.is_empty() {
        return Err(Error::invalid(Msg::ImportEmpty));
    }
    Ok(table)
}

/// Text of a CSV file: BOMs first, then UTF-8 if it is valid, else GB18030
/// (a superset of GBK and GB2312, so every byte sequence Chinese Excel
/// writes reads as it was meant).
pub fn decode(bytes: &[u8]) -> (String, &'static str) {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom..]);
        let format = if encoding == encoding_rs::UTF_8 {
            "csv-utf8-bom"
        } else if encoding == encoding_rs::UTF_16LE {
            "csv-utf16le"
        } else {
            "csv-utf16be"
        };
        return (text.into_owned(), format);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_string(), "csv-utf8"),
        Err(_) => {
            let (text, _, _) = encoding_rs::GB18030.decode(bytes);
            (text.into_owned(), "csv-gb18030")
        }
    }
}

/// The separator the header line uses most: comma, semicolon or tab.
fn separator(text: &str) -> u8 {
    let first = text.lines().next().unwrap_or("");
    [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|s| first.bytes().filter(|b| b == s).count())
        .unwrap_or(b',')
}

fn csv_table(text: &str, format: &'static str) -> Result<Table> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(separator(text))
        .from_reader(text.as_bytes());
    let mut records = reader.records();
    let headers = match records.next() {
        Some(r) => r
            .map_err(|e| unreadable(e.to_string()))?
            .iter()
            .map(|h| h.trim().to_string())
            .collect(),
        None => return Err(Error::invalid(Msg::ImportEmpty)),
    };
    let mut rows = Vec::new();
    // The line each record starts on, counted from its byte offset: blank
    // lines (which the reader skips) and quoted line breaks count, as a
    // text editor shows them.
    let (mut seen_byte, mut line) = (0usize, 1i64);
    for record in records {
        let record = record.map_err(|e| unreadable(e.to_string()))?;
        let mut byte = record
            .position()
            .map_or(seen_byte, |p| p.byte() as usize)
            .min(text.len());
        // The reader's position is where it started looking: before the
        // blank lines it skipped.
        while matches!(text.as_bytes().get(byte), Some(b'\r' | b'\n')) {
            byte += 1;
        }
        line += text.as_bytes()[seen_byte..byte.min(text.len())]
            .iter()
            .filter(|b| **b == b'\n')
            .count() as i64;
        seen_byte = byte.min(text.len());
        if rows.len() >= MAX_ROWS {
            return Err(Error::invalid(Msg::ImportTooLarge { max_rows: MAX_ROWS }));
        }
        let cells: Vec<String> = record.iter().map(|c| c.trim().to_string()).collect();
        if cells.iter().all(String::is_empty) {
            continue;
        }
        rows.push((line, cells));
    }
    Ok(Table {
        headers,
        rows,
        format,
    })
}

fn spreadsheet(bytes: &[u8]) -> Result<Table> {
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| unreadable(e.to_string()))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| Error::invalid(Msg::ImportEmpty))?
        .map_err(|e| unreadable(e.to_string()))?;
    let Some((top, _)) = range.start() else {
        return Err(Error::invalid(Msg::ImportEmpty));
    };
    let mut lines = range.rows();
    let headers = match lines.next() {
        Some(h) => h.iter().map(|c| cell_text(c).trim().to_string()).collect(),
        None => return Err(Error::invalid(Msg::ImportEmpty)),
    };
    let mut rows = Vec::new();
    for (i, line) in lines.enumerate() {
        if rows.len() >= MAX_ROWS {
            return Err(Error::invalid(Msg::ImportTooLarge { max_rows: MAX_ROWS }));
        }
        let cells: Vec<String> = line
            .iter()
            .map(|c| cell_text(c).trim().to_string())
            .collect();
        if cells.iter().all(String::is_empty) {
            continue;
        }
        // Row numbers as the spreadsheet shows them.
        rows.push((top as i64 + i as i64 + 2, cells));
    }
    Ok(Table {
        headers,
        rows,
        format: "xlsx",
    })
}

/// A cell as a person would have typed it.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => float_text(*f),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) if d.is_datetime() => {
            let (y, m, day, ..) = d.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{day:02}")
        }
        Data::DateTime(d) => float_text(d.as_f64()),
    }
}

/// 3.0 → "3", 1234.5 → "1234.5" (the shortest text that reads back the same).
fn float_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbk_csv_reads_as_chinese() {
        let text = "客户编码,客户名称\nC1,上海华联贸易有限公司\n";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        let t = read(&gbk).expect("read");
        assert_eq!(t.format, "csv-gb18030");
        assert_eq!(t.headers, vec!["客户编码", "客户名称"]);
        assert_eq!(
            t.rows,
            vec![(
                2,
                vec!["C1".to_string(), "上海华联贸易有限公司".to_string()]
            )]
        );
    }

    #[test]
    fn utf8_with_and_without_bom_and_other_separators() {
        let plain = read("code;name\nC1;Acme\n\nC2;Beta\n".as_bytes()).expect("read");
        assert_eq!(plain.format, "csv-utf8");
        assert_eq!(plain.rows.len(), 2);
        assert_eq!(plain.rows[1].0, 4, "row numbers count the blank line");
        let bom = read("\u{FEFF}code\tname\nC1\t张三\n".as_bytes()).expect("read");
        assert_eq!(bom.format, "csv-utf8-bom");
        assert_eq!(bom.headers, vec!["code", "name"]);
        assert_eq!(bom.rows[0].1[1], "张三");
    }

    #[test]
    fn quoted_commas_stay_in_their_cell() {
        let t = read("sku,unit_price\nP-1,\"1,234.50\"\n".as_bytes()).expect("read");
        assert_eq!(t.rows[0].1[1], "1,234.50");
    }

    #[test]
    fn empty_files_and_junk_are_refused_clearly() {
        assert!(read(b"code,name\n").expect_err("empty").is_invalid_input());
        assert!(
            read(b"PK\x03\x04 not really a zip")
                .expect_err("junk")
                .is_invalid_input()
        );
    }

    #[test]
    fn floats_read_as_typed() {
        assert_eq!(float_text(3.0), "3");
        assert_eq!(float_text(1234.5), "1234.5");
        assert_eq!(float_text(19.99), "19.99");
    }
}
