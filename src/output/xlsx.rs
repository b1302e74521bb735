//! The Excel review sheet (what LF Aligner and XTM users review in): one row per bead with ids,
//! Arabic in right-to-left cells, English, score, bead type, flags and a status column with a
//! drop-down for the reviewer; rows below the low-score threshold are shaded; the header stays
//! frozen and carries filters. Written with `rust_xlsxwriter`, which builds the workbook in memory
//! and escapes control characters the way Excel does (`_x0001_`), so none is lost. A cell holds
//! at most 32,767 characters (Excel's limit): longer texts are cut and the user is warned.

use std::io::{self, Write};

use rust_xlsxwriter::{Color, DataValidation, DocProperties, Format, FormatAlign, Workbook, Worksheet, XlsxError};

use super::Writer;
use crate::bead::{Aligned, Flags, Meta, Sentence};

/// Excel's limit on the characters in one cell.
const CELL_LIMIT: usize = 32_767;
/// Excel's last row (1,048,576 rows, the first is the header).
const MAX_ROWS: u32 = 1_048_575;

/// Columns, in order.
const COLUMNS: [(&str, f64); 10] = [
    ("#", 6.0),
    ("paragraph", 10.0),
    ("src ids", 9.0),
    ("tgt ids", 9.0),
    ("SRC", 60.0),
    ("TGT", 60.0),
    ("score", 8.0),
    ("bead", 6.0),
    ("flags", 22.0),
    ("status", 12.0),
];
const STATUSES: [&str; 3] = ["confirmed", "rejected", "edited"];

pub struct XlsxWriter {
    low_score: f32,
    workbook: Workbook,
    row: u32,
    truncated: usize,
    formats: Formats,
}

struct Formats {
    header: Format,
    rtl: Format,
    ltr: Format,
    plain: Format,
    score: Format,
    rtl_low: Format,
    ltr_low: Format,
    plain_low: Format,
    score_low: Format,
}

impl Formats {
    fn new() -> Formats {
        let rtl = Format::new().set_reading_direction(2).set_align(FormatAlign::Right).set_text_wrap();
        let ltr = Format::new().set_reading_direction(1).set_text_wrap();
        let plain = Format::new().set_align(FormatAlign::Top);
        let score = Format::new().set_num_format("0.000").set_align(FormatAlign::Top);
        let low = |f: &Format| f.clone().set_background_color(Color::RGB(0xF8D7DA));
        Formats {
            header: Format::new().set_bold().set_background_color(Color::RGB(0xE7E6E6)),
            rtl_low: low(&rtl),
            ltr_low: low(&ltr),
            plain_low: low(&plain),
            score_low: low(&score),
            rtl,
            ltr,
            plain,
            score,
        }
    }
}

impl XlsxWriter {
    pub fn new(low_score: f32) -> XlsxWriter {
        XlsxWriter { low_score, workbook: Workbook::new(), row: 0, truncated: 0, formats: Formats::new() }
    }

    fn sheet(&mut self) -> Result<&mut Worksheet, XlsxError> {
        self.workbook.worksheet_from_index(0)
    }
}

fn xlsx_err(e: XlsxError) -> io::Error {
    io::Error::other(format!("XLSX: {e}"))
}

/// Cuts `text` to Excel's cell limit, counting the cuts.
fn fit(text: String, truncated: &mut usize) -> String {
    match text.char_indices().nth(CELL_LIMIT) {
        Some((at, _)) => {
            *truncated += 1;
            text[..at].to_string()
        }
        None => text,
    }
}

fn ids(sentences: &[Sentence]) -> String {
    sentences.iter().map(|s| s.id.to_string()).collect::<Vec<_>>().join(",")
}

impl Writer for XlsxWriter {
    fn begin(&mut self, meta: &Meta, _out: &mut dyn Write) -> io::Result<()> {
        let properties = DocProperties::new()
            .set_title(format!("{} ({} → {})", meta.input, meta.src_lang, meta.tgt_lang))
            .set_comment(match &meta.model {
                Some(m) => format!("Aligned by Nazir {} with {m}", env!("CARGO_PKG_VERSION")),
                None => format!("Aligned by Nazir {}", env!("CARGO_PKG_VERSION")),
            });
        self.workbook.set_properties(&properties);
        let header = self.formats.header.clone();
        let sheet = self.workbook.add_worksheet();
        sheet.set_name("review").map_err(xlsx_err)?;
        for (col, (name, width)) in COLUMNS.iter().enumerate() {
            let col = col as u16;
            let name = match *name {
                "SRC" => meta.src_lang.as_str(),
                "TGT" => meta.tgt_lang.as_str(),
                n => n,
            };
            sheet.write_string_with_format(0, col, name, &header).map_err(xlsx_err)?;
            sheet.set_column_width(col, *width).map_err(xlsx_err)?;
        }
        sheet.set_freeze_panes(1, 0).map_err(xlsx_err)?;
        Ok(())
    }

    fn write(&mut self, part: &Aligned, _out: &mut dyn Write) -> io::Result<()> {
        for bead in &part.beads {
            if self.row >= MAX_ROWS {
                return Err(io::Error::other(format!(
                    "an XLSX sheet holds at most {MAX_ROWS} pairs; write TSV or JSONL for a document this long"
                )));
            }
            self.row += 1;
            let row = self.row;
            let (src, tgt) = (part.src_of(bead), part.tgt_of(bead));
            let mut truncated = self.truncated;
            let ar = fit(Aligned::join(src), &mut truncated);
            let en = fit(Aligned::join(tgt), &mut truncated);
            self.truncated = truncated;
            let low = bead.score < self.low_score;
            let f = &self.formats;
            let (rtl, ltr, plain, score) = if low {
                (f.rtl_low.clone(), f.ltr_low.clone(), f.plain_low.clone(), f.score_low.clone())
            } else {
                (f.rtl.clone(), f.ltr.clone(), f.plain.clone(), f.score.clone())
            };
            let status = if bead.flags.contains(Flags::EDITED) { "edited" } else { "" };
            let paragraph = part.paragraph_of(bead);
            let sheet = self.sheet().map_err(xlsx_err)?;
            let r = (|| -> Result<(), XlsxError> {
                sheet.write_number_with_format(row, 0, row, &plain)?;
                sheet.write_number_with_format(row, 1, paragraph as f64, &plain)?;
                sheet.write_string_with_format(row, 2, ids(src), &plain)?;
                sheet.write_string_with_format(row, 3, ids(tgt), &plain)?;
                sheet.write_string_with_format(row, 4, ar, &rtl)?;
                sheet.write_string_with_format(row, 5, en, &ltr)?;
                sheet.write_number_with_format(row, 6, f64::from(bead.score), &score)?;
                sheet.write_string_with_format(row, 7, bead.kind(), &plain)?;
                sheet.write_string_with_format(row, 8, bead.flags.to_string(), &plain)?;
                sheet.write_string_with_format(row, 9, status, &plain)?;
                Ok(())
            })();
            r.map_err(xlsx_err)?;
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write) -> io::Result<()> {
        let last = self.row.max(1);
        let sheet = self.sheet().map_err(xlsx_err)?;
        sheet.autofilter(0, 0, last, COLUMNS.len() as u16 - 1).map_err(xlsx_err)?;
        let validation = DataValidation::new().allow_list_strings(&STATUSES).map_err(xlsx_err)?.ignore_blank(true);
        sheet.add_data_validation(1, 9, last, 9, &validation).map_err(xlsx_err)?;
        let bytes = self.workbook.save_to_buffer().map_err(xlsx_err)?;
        out.write_all(&bytes)
    }

    fn warnings(&self) -> Vec<String> {
        if self.truncated == 0 {
            return Vec::new();
        }
        vec![format!(
            "{} text{} cut at Excel's limit of {CELL_LIMIT} characters per cell; the JSONL and TSV outputs keep them whole",
            self.truncated,
            if self.truncated == 1 { " was" } else { "s were" }
        )]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::test_data::{aligned, meta};

    #[test]
    fn writes_a_zip_workbook_and_cuts_overlong_cells() {
        let mut w = XlsxWriter::new(0.3);
        let mut part = aligned();
        part.target[1].text = "x".repeat(CELL_LIMIT + 5);
        let mut out = Vec::new();
        w.begin(&meta(), &mut out).unwrap();
        w.write(&part, &mut out).unwrap();
        w.finish(&mut out).unwrap();
        assert!(out.starts_with(b"PK\x03\x04"), "an XLSX file is a zip archive");
        assert_eq!(w.row, 3);
        assert_eq!(w.warnings().len(), 1);
        let mut n = 0;
        assert_eq!(fit("abc".into(), &mut n), "abc");
        assert_eq!(n, 0);
    }
}
