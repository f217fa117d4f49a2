//! The printed cancellation notice: a `NoticeSheet` (frozen when the notice
//! was queued) laid out on an A4 page and written as a PDF, in the
//! customer's language, with a 已作废 / CANCELLED watermark and Noto Sans SC
//! embedded (subset to the glyphs used), so that it prints the same on any
//! PC. Rendering is deterministic: the same sheet gives the same bytes.

use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Transform};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::{Font, TextDirection};
use serde::{Deserialize, Serialize};
use skrifa::MetadataProvider;
use skrifa::instance::{LocationRef, Size};

/// Noto Sans SC Regular (SIL Open Font License 1.1; `fonts/OFL.txt`).
static FONT: &[u8] = include_bytes!("../fonts/NotoSansSC-Regular.ttf");

const PAGE_W: f32 = 595.0;
const PAGE_H: f32 = 842.0;
const MARGIN: f32 = 56.0;
const INK: (u8, u8, u8) = (33, 37, 41);
const GREY: (u8, u8, u8) = (108, 117, 125);
const RED: (u8, u8, u8) = (200, 35, 51);

/// The words of the sheet, in one language.
struct Words {
    title: &'static str,
    customer: &'static str,
    order: &'static str,
    order_date: &'static str,
    cancelled_on: &'static str,
    operator: &'static str,
    reason: &'static str,
    columns: [&'static str; 5],
    total: &'static str,
    message: &'static str,
    watermark: &'static str,
    footer: &'static str,
    phone: &'static str,
}

const ZH: Words = Words {
    title: "订单取消通知",
    customer: "客户",
    order: "订单号",
    order_date: "下单日期",
    cancelled_on: "取消日期",
    operator: "经办人",
    reason: "取消原因",
    columns: ["编码", "产品", "数量", "单价", "金额"],
    total: "合计",
    message: "说明",
    watermark: "已作废",
    footer: "本通知说明上述订单已取消，不再执行。如有疑问，请与我们联系。",
    phone: "电话",
};

const EN: Words = Words {
    title: "Order Cancellation Notice",
    customer: "Customer",
    order: "Order",
    order_date: "Order date",
    cancelled_on: "Cancelled on",
    operator: "Handled by",
    reason: "Reason",
    columns: ["SKU", "Product", "Qty", "Unit price", "Amount"],
    total: "Total",
    message: "Message",
    watermark: "CANCELLED",
    footer: "This notice confirms that the order above has been cancelled and will not be fulfilled. Please contact us with any questions.",
    phone: "Tel.",
};

/// The language of a sheet (the customer's), written as the rest of
/// OrderDesk writes languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub enum SheetLanguage {
    #[serde(rename = "zh-CN")]
    ZhCn,
    #[serde(rename = "en")]
    En,
}

impl SheetLanguage {
    fn code(self) -> &'static str {
        match self {
            SheetLanguage::ZhCn => "zh-CN",
            SheetLanguage::En => "en",
        }
    }
}

/// The printed cancellation notice, as data: everything the sheet shows,
/// frozen when the notice is queued (the core fills it in).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct NoticeSheet {
    /// The customer's language: the whole sheet is in it.
    pub language: SheetLanguage,
    pub company_name: String,
    pub company_address: String,
    pub company_phone: String,
    pub customer: String,
    pub number: String,
    pub order_date: String,
    pub lines: Vec<SheetLine>,
    pub total: String,
    pub reason: String,
    /// The message to the customer, if the person wrote one.
    pub message: Option<String>,
    /// The day it was cancelled (a date: the preview shows the same sheet).
    pub cancelled_on: String,
    /// Who cancelled it (the person who asked, when a manager approved).
    pub operator: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SheetLine {
    pub sku: String,
    pub product: String,
    pub quantity: i64,
    pub unit_price: String,
    pub amount: String,
}

/// The PDF of a cancellation notice.
pub fn cancellation_pdf(sheet: &NoticeSheet) -> Result<Vec<u8>, String> {
    let font = Font::new(FONT.into(), 0).ok_or("the embedded font does not load")?;
    let measure = Measure::new()?;
    let words = match sheet.language {
        SheetLanguage::ZhCn => &ZH,
        SheetLanguage::En => &EN,
    };
    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(format!("{} {}", words.title, sheet.number))
            .language(sheet.language.code().to_string())
            .creator("OrderDesk".to_string()),
    );
    let settings = PageSettings::from_wh(PAGE_W, PAGE_H).ok_or("page size")?;
    let mut page = document.start_page_with(settings);
    let mut surface = page.surface();
    let mut pen = Pen {
        surface: &mut surface,
        font,
        measure: &measure,
    };

    // The watermark first, under everything.
    pen.watermark(words.watermark);

    // Letterhead.
    let mut y = MARGIN + 10.0;
    if !sheet.company_name.is_empty() {
        pen.text(MARGIN, y, 15.0, INK, &sheet.company_name);
        y += 17.0;
    }
    let contact: Vec<String> = [
        sheet.company_address.clone(),
        if sheet.company_phone.is_empty() {
            String::new()
        } else {
            format!("{} {}", words.phone, sheet.company_phone)
        },
    ]
    .into_iter()
    .filter(|s| !s.is_empty())
    .collect();
    if !contact.is_empty() {
        pen.text(MARGIN, y, 9.0, GREY, &contact.join("    "));
        y += 12.0;
    }
    y += 8.0;
    pen.rule(y, 0.8, INK);
    y += 34.0;
    pen.text(MARGIN, y, 20.0, INK, words.title);
    y += 30.0;

    // Who, what, when, why.
    let fields = [
        (words.customer, sheet.customer.as_str()),
        (words.order, sheet.number.as_str()),
        (words.order_date, sheet.order_date.as_str()),
        (words.cancelled_on, sheet.cancelled_on.as_str()),
        (words.operator, sheet.operator.as_str()),
        (words.reason, sheet.reason.as_str()),
    ];
    let label_w = fields
        .iter()
        .map(|(label, _)| measure.width(label, 10.0))
        .fold(0.0, f32::max)
        + 16.0;
    for (label, value) in fields {
        pen.text(MARGIN, y, 10.0, GREY, label);
        for line in measure.wrap(value, 11.0, PAGE_W - 2.0 * MARGIN - label_w) {
            pen.text(MARGIN + label_w, y, 11.0, INK, &line);
            y += 16.0;
        }
        y += 3.0;
    }
    y += 14.0;

    // The lines.
    let right = PAGE_W - MARGIN;
    let cols = [MARGIN, MARGIN + 70.0, right - 170.0, right - 95.0, right];
    let header = |pen: &mut Pen<'_, '_>, y: f32| {
        pen.text(cols[0], y, 9.0, GREY, words.columns[0]);
        pen.text(cols[1], y, 9.0, GREY, words.columns[1]);
        pen.text_right(cols[2] + 30.0, y, 9.0, GREY, words.columns[2]);
        pen.text_right(cols[3] + 20.0, y, 9.0, GREY, words.columns[3]);
        pen.text_right(cols[4], y, 9.0, GREY, words.columns[4]);
    };
    header(&mut pen, y);
    y += 6.0;
    pen.rule(y, 0.5, GREY);
    y += 15.0;
    let product_w = cols[2] - 40.0 - cols[1];
    for line in &sheet.lines {
        if y > PAGE_H - 160.0 {
            break;
        }
        pen.text(cols[0], y, 9.5, INK, &line.sku);
        let names = measure.wrap(&line.product, 9.5, product_w);
        pen.text_right(cols[2] + 30.0, y, 9.5, INK, &line.quantity.to_string());
        pen.text_right(cols[3] + 20.0, y, 9.5, INK, &line.unit_price);
        pen.text_right(cols[4], y, 9.5, INK, &line.amount);
        for name in names {
            pen.text(cols[1], y, 9.5, INK, &name);
            y += 14.0;
        }
        y += 2.0;
    }
    pen.rule(y - 6.0, 0.5, GREY);
    y += 10.0;
    pen.text_right(cols[3] + 20.0, y, 10.0, GREY, words.total);
    pen.text_right(cols[4], y, 11.0, INK, &sheet.total);
    y += 30.0;

    // The message to the customer.
    if let Some(message) = &sheet.message {
        pen.text(MARGIN, y, 10.0, GREY, words.message);
        y += 16.0;
        for line in message
            .lines()
            .flat_map(|l| measure.wrap(l, 10.5, PAGE_W - 2.0 * MARGIN))
        {
            if y > PAGE_H - 90.0 {
                break;
            }
            pen.text(MARGIN, y, 10.5, INK, &line);
            y += 15.0;
        }
    }

    // Footer.
    let mut fy = PAGE_H - MARGIN - 10.0;
    let footer = measure.wrap(words.footer, 9.0, PAGE_W - 2.0 * MARGIN);
    fy -= 13.0 * footer.len().saturating_sub(1) as f32;
    pen.rule(fy - 16.0, 0.5, GREY);
    for line in footer {
        pen.text(MARGIN, fy, 9.0, GREY, &line);
        fy += 13.0;
    }

    surface.finish();
    page.finish();
    document.finish().map_err(|e| format!("{e:?}"))
}

/// Draws on a page: text in a colour, right-aligned text, rules.
struct Pen<'a, 'b> {
    surface: &'a mut krilla::surface::Surface<'b>,
    font: Font,
    measure: &'a Measure,
}

impl Pen<'_, '_> {
    fn fill(&mut self, (r, g, b): (u8, u8, u8), opacity: f32) {
        self.surface.set_fill(Some(Fill {
            paint: rgb::Color::new(r, g, b).into(),
            opacity: NormalizedF32::new(opacity).unwrap_or(NormalizedF32::ONE),
            rule: Default::default(),
        }));
    }

    fn text(&mut self, x: f32, y: f32, size: f32, colour: (u8, u8, u8), text: &str) {
        self.fill(colour, 1.0);
        self.surface.draw_text(
            Point::from_xy(x, y),
            self.font.clone(),
            size,
            text,
            false,
            TextDirection::Auto,
        );
    }

    fn text_right(&mut self, right: f32, y: f32, size: f32, colour: (u8, u8, u8), text: &str) {
        let w = self.measure.width(text, size);
        self.text(right - w, y, size, colour, text);
    }

    fn rule(&mut self, y: f32, width: f32, (r, g, b): (u8, u8, u8)) {
        let mut pb = PathBuilder::new();
        pb.move_to(MARGIN, y);
        pb.line_to(PAGE_W - MARGIN, y);
        if let Some(path) = pb.finish() {
            self.surface.set_fill(None);
            self.surface.set_stroke(Some(Stroke {
                paint: rgb::Color::new(r, g, b).into(),
                width,
                ..Default::default()
            }));
            self.surface.draw_path(&path);
            self.surface.set_stroke(None);
        }
    }

    /// Large, light, turned: under the content, over the whole page.
    fn watermark(&mut self, text: &str) {
        let size = if text.is_ascii() { 88.0 } else { 120.0 };
        let w = self.measure.width(text, size);
        self.surface.push_transform(&Transform::from_rotate_at(
            -35.0,
            PAGE_W / 2.0,
            PAGE_H / 2.0,
        ));
        // A frame around it, as a stamp.
        let pad = 18.0;
        if let Some(rect) = Rect::from_xywh(
            (PAGE_W - w) / 2.0 - pad,
            PAGE_H / 2.0 - size * 0.88 - pad / 2.0,
            w + 2.0 * pad,
            size * 1.1 + pad,
        ) {
            let mut pb = PathBuilder::new();
            pb.push_rect(rect);
            if let Some(path) = pb.finish() {
                self.surface.set_fill(None);
                self.surface.set_stroke(Some(Stroke {
                    paint: rgb::Color::new(RED.0, RED.1, RED.2).into(),
                    width: 5.0,
                    opacity: NormalizedF32::new(0.16).unwrap_or(NormalizedF32::ONE),
                    ..Default::default()
                }));
                self.surface.draw_path(&path);
                self.surface.set_stroke(None);
            }
        }
        self.fill(RED, 0.16);
        self.surface.draw_text(
            Point::from_xy((PAGE_W - w) / 2.0, PAGE_H / 2.0),
            self.font.clone(),
            size,
            text,
            false,
            TextDirection::Auto,
        );
        self.surface.pop();
    }
}

/// Text widths from the font's own advances.
struct Measure {
    font: skrifa::FontRef<'static>,
}

impl Measure {
    fn new() -> Result<Measure, String> {
        let font = skrifa::FontRef::new(FONT).map_err(|e| format!("font: {e}"))?;
        Ok(Measure { font })
    }

    fn width(&self, text: &str, size: f32) -> f32 {
        let charmap = self.font.charmap();
        let metrics = self
            .font
            .glyph_metrics(Size::new(size), LocationRef::default());
        text.chars()
            .map(|c| {
                charmap
                    .map(c)
                    .and_then(|g| metrics.advance_width(g))
                    .unwrap_or(size * 0.5)
            })
            .sum()
    }

    /// Lines no wider than `max`: breaks between words, and anywhere in
    /// Chinese text (which has no spaces).
    fn wrap(&self, text: &str, size: f32, max: f32) -> Vec<String> {
        let mut lines = Vec::new();
        let mut line = String::new();
        let mut word = String::new();
        let flush_word = |line: &mut String, word: &mut String, lines: &mut Vec<String>| {
            if word.is_empty() {
                return;
            }
            let candidate = format!("{line}{word}");
            if self.width(candidate.trim_end(), size) <= max || line.is_empty() {
                *line = candidate;
            } else {
                lines.push(line.trim_end().to_string());
                *line = word.trim_start().to_string();
            }
            word.clear();
        };
        for c in text.chars() {
            if c.is_ascii() && !c.is_ascii_whitespace() {
                word.push(c);
                continue;
            }
            flush_word(&mut line, &mut word, &mut lines);
            if c.is_ascii_whitespace() {
                line.push(' ');
            } else {
                let candidate = format!("{line}{c}");
                if self.width(&candidate, size) > max && !line.is_empty() {
                    lines.push(line.trim_end().to_string());
                    line = c.to_string();
                } else {
                    line = candidate;
                }
            }
        }
        flush_word(&mut line, &mut word, &mut lines);
        if !line.trim().is_empty() || lines.is_empty() {
            lines.push(line.trim_end().to_string());
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(lang: SheetLanguage) -> NoticeSheet {
        NoticeSheet {
            language: lang,
            company_name: "上海东方办公设备有限公司".into(),
            company_address: "上海市浦东新区世纪大道 100 号".into(),
            company_phone: "021-5555 0101".into(),
            customer: "厦门润发商贸有限公司".into(),
            number: "SO-2026-000123".into(),
            order_date: "2026-11-20".into(),
            lines: vec![
                SheetLine {
                    sku: "P-0101".into(),
                    product: "人体工学办公椅 A100".into(),
                    quantity: 12,
                    unit_price: "CNY 1,280.00".into(),
                    amount: "CNY 15,360.00".into(),
                },
                SheetLine {
                    sku: "P-0202".into(),
                    product: "升降办公桌 B120（1.4 米，白色桌面，含安装）".into(),
                    quantity: 3,
                    unit_price: "CNY 2,450.00".into(),
                    amount: "CNY 7,350.00".into(),
                },
            ],
            total: "CNY 22,710.00".into(),
            reason: "客户取消采购计划".into(),
            message: Some("您好，应贵司要求，本订单已取消，已开具的发票将作红冲处理。".into()),
            cancelled_on: "2026-12-05".into(),
            operator: "王小二".into(),
        }
    }

    #[test]
    fn a_notice_renders_the_same_bytes_each_time() {
        let a = cancellation_pdf(&sheet(SheetLanguage::ZhCn)).expect("pdf");
        let b = cancellation_pdf(&sheet(SheetLanguage::ZhCn)).expect("pdf");
        assert!(a.starts_with(b"%PDF-"));
        assert_eq!(a, b, "deterministic");
        // The font is subset: far smaller than the 10 MB it comes from.
        assert!(a.len() < 400_000, "{} bytes", a.len());
        let en = cancellation_pdf(&sheet(SheetLanguage::En)).expect("pdf");
        assert_ne!(a, en);
    }

    #[test]
    fn long_text_wraps_within_the_width() {
        let m = Measure::new().expect("font");
        let lines = m.wrap(
            "The quick brown fox jumps over the lazy dog, again and again, until the line is full.",
            10.0,
            120.0,
        );
        assert!(lines.len() > 2, "{lines:?}");
        assert!(
            lines
                .iter()
                .all(|l| m.width(l, 10.0) <= 120.0 || !l.contains(' '))
        );
        let zh = m.wrap("应贵司要求本订单已取消已开具的发票将作红冲处理", 10.0, 60.0);
        assert!(
            zh.len() > 2 && zh.iter().all(|l| m.width(l, 10.0) <= 60.0),
            "{zh:?}"
        );
        assert_eq!(
            zh.concat(),
            "应贵司要求本订单已取消已开具的发票将作红冲处理"
        );
    }

    /// Poppler's tools read the file back: its text holds what the customer must read, and it
    /// turns into a picture (kept under `target/` for a person to look at).
    #[test]
    fn poppler_reads_the_number_the_reason_and_the_chinese_name() {
        let dir = tempfile::tempdir().expect("dir");
        let pdf = dir.path().join("notice.pdf");
        std::fs::write(
            &pdf,
            cancellation_pdf(&sheet(SheetLanguage::ZhCn)).expect("pdf"),
        )
        .expect("write");
        let text = std::process::Command::new("pdftotext")
            .args(["-layout", "-enc", "UTF-8"])
            .arg(&pdf)
            .arg("-")
            .output()
            .expect("pdftotext (poppler-utils) is installed by `cargo xtask setup`");
        assert!(text.status.success(), "{text:?}");
        let text = String::from_utf8(text.stdout).expect("utf-8");
        for wanted in [
            "SO-2026-000123",
            "厦门润发商贸有限公司",
            "客户取消采购计划",
            "上海东方办公设备有限公司",
            "CNY 22,710.00",
            "王小二",
        ] {
            assert!(text.contains(wanted), "{wanted} missing from:\n{text}");
        }
        let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/notice-zh");
        let png = std::process::Command::new("pdftoppm")
            .args(["-png", "-r", "80", "-singlefile"])
            .arg(&pdf)
            .arg(&out)
            .status()
            .expect("pdftoppm");
        assert!(png.success());
        let bytes = std::fs::read(out.with_extension("png")).expect("png");
        assert!(
            bytes.starts_with(b"\x89PNG") && bytes.len() > 10_000,
            "{} bytes",
            bytes.len()
        );
    }
}
