//! Line-per-pair formats: TSV with a header, and Moses parallel files.
//!
//! TSV escaping (the convention of PostgreSQL's COPY and MySQL's LOAD DATA): a backslash is
//! written `\\`, a tab `\t`, a newline `\n`, a carriage return `\r`. Every other character is
//! written as is, so a line is always one record and a tab always a column break.

use std::io::{self, Write};

use super::Writer;
use crate::bead::{Aligned, Meta, Sentence};

/// Escapes a TSV field (see the module comment).
pub fn escape_field(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains(['\\', '\t', '\n', '\r']) {
        return text.into();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out.into()
}

/// Reverses `escape_field`; an unknown escape keeps its backslash.
#[allow(dead_code)] // used by `align convert` (reading TSV back)
pub fn unescape_field(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('\\') => out.push('\\'),
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

fn ids(sentences: &[Sentence]) -> String {
    sentences.iter().map(|s| s.id.to_string()).collect::<Vec<_>>().join(",")
}

/// `ar  en  score  bead  paragraph  src_ids  tgt_ids  flags`, one line per bead.
#[derive(Default)]
pub struct TsvWriter;

impl Writer for TsvWriter {
    fn begin(&mut self, meta: &Meta, out: &mut dyn Write) -> io::Result<()> {
        writeln!(
            out,
            "{}\t{}\tscore\tbead\tparagraph\tsrc_ids\ttgt_ids\tflags",
            escape_field(&meta.src_lang),
            escape_field(&meta.tgt_lang)
        )
    }

    fn write(&mut self, part: &Aligned, out: &mut dyn Write) -> io::Result<()> {
        for bead in &part.beads {
            let (src, tgt) = (part.src_of(bead), part.tgt_of(bead));
            writeln!(
                out,
                "{}\t{}\t{:.3}\t{}\t{}\t{}\t{}\t{}",
                escape_field(&Aligned::join(src)),
                escape_field(&Aligned::join(tgt)),
                bead.score,
                bead.kind(),
                part.paragraph_of(bead),
                ids(src),
                ids(tgt),
                bead.flags
            )?;
        }
        Ok(())
    }
}

/// Characters some reader takes as a line break: `\n`, `\r`, and the others that Python's
/// `str.splitlines` (used by many corpus scripts) also splits on — VT, FF, the file/group/record
/// separators, NEL, and the Unicode line and paragraph separators.
pub const LINE_BREAKS: [char; 10] =
    ['\n', '\r', '\u{0B}', '\u{0C}', '\u{1C}', '\u{1D}', '\u{1E}', '\u{85}', '\u{2028}', '\u{2029}'];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MosesSide {
    Source,
    Target,
}

/// One side of a Moses corpus: line i of the source file ↔ line i of the target file. Beads
/// with an empty side are left out of both files so the lines stay parallel; line breaks inside
/// a text (`LINE_BREAKS`) become spaces.
pub struct MosesWriter {
    side: MosesSide,
}

impl MosesWriter {
    pub fn new(side: MosesSide) -> MosesWriter {
        MosesWriter { side }
    }
}

impl Writer for MosesWriter {
    fn write(&mut self, part: &Aligned, out: &mut dyn Write) -> io::Result<()> {
        for bead in &part.beads {
            let (src, tgt) = (part.src_of(bead), part.tgt_of(bead));
            if src.is_empty() || tgt.is_empty() {
                continue;
            }
            let text = Aligned::join(if self.side == MosesSide::Source { src } else { tgt });
            writeln!(out, "{}", text.replace(LINE_BREAKS, " "))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::test_data::render;

    #[test]
    fn tsv_has_header_and_escapes_tabs() {
        let tsv = render(&mut TsvWriter);
        let lines: Vec<_> = tsv.lines().collect();
        assert_eq!(lines[0], "ar\ten\tscore\tbead\tparagraph\tsrc_ids\ttgt_ids\tflags");
        assert_eq!(lines.len(), 4);
        for line in &lines {
            assert_eq!(line.split('\t').count(), 8, "{line}");
        }
        assert!(lines[2].starts_with("الجملة\\tالثانية. ثالثة.\t"));
        assert!(lines[3].ends_with("\t1-0\t1\t3\t\tlow-score,not-1-1"));
    }

    #[test]
    fn escaping_round_trips() {
        for s in ["plain", "a\tb\nc\\d\re", "\\t literal", "ends with \\"] {
            assert_eq!(unescape_field(&escape_field(s)), s);
        }
    }

    #[test]
    fn moses_sides_stay_parallel() {
        let src = render(&mut MosesWriter::new(MosesSide::Source));
        let tgt = render(&mut MosesWriter::new(MosesSide::Target));
        assert_eq!(src.lines().count(), 2);
        assert_eq!(tgt.lines().count(), 2);
    }
}
