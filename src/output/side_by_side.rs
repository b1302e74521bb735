//! Two plain-text columns for reading in a terminal: English on the left, Arabic on the right,
//! right-aligned within its column as Arabic is read. Text stays in logical order, so terminals
//! with bidi support (mlterm, Konsole, GNOME Terminal) show it right-to-left correctly; widths
//! are measured in terminal cells (wide and combining characters counted properly). Control
//! characters are shown as control pictures and bidi overrides end at their cell, so no text can
//! drive the terminal or reorder the other column.

use std::io::{self, Write};

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::Writer;
use crate::bead::Aligned;

pub struct SideBySideWriter {
    /// Total line width in cells.
    pub width: usize,
}

impl Default for SideBySideWriter {
    fn default() -> Self {
        let width = std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()).unwrap_or(100usize);
        SideBySideWriter { width: width.clamp(40, 400) }
    }
}

/// Wraps `text` into lines of at most `width` cells, breaking at spaces, or inside a word longer
/// than a line.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut line_w = 0;
    for word in text.split_whitespace() {
        let w = word.width();
        if line_w > 0 && line_w + 1 + w > width {
            lines.push(std::mem::take(&mut line));
            line_w = 0;
        }
        if w > width {
            for c in word.chars() {
                let cw = c.width().unwrap_or(0);
                if line_w + cw > width && line_w > 0 {
                    lines.push(std::mem::take(&mut line));
                    line_w = 0;
                }
                line.push(c);
                line_w += cw;
            }
            continue;
        }
        if line_w > 0 {
            line.push(' ');
            line_w += 1;
        }
        line.push_str(word);
        line_w += w;
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Control characters shown as their Unicode control pictures (␛ for ESC): written raw, an ESC
/// sequence in the text would drive the reader's terminal, and a control character's width is
/// not defined, so columns would not line up.
fn visible(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return text.into();
    }
    text.chars()
        .map(|c| match c {
            '\u{0}'..='\u{1F}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{FFFD}'),
            '\u{7F}' => '\u{2421}',
            c if c.is_control() => '\u{FFFD}',
            c => c,
        })
        .collect::<String>()
        .into()
}

/// A cell holding bidi embeddings, overrides or isolates is wrapped in an isolate (FSI … PDI),
/// which ends them at the cell's edge: an unclosed right-to-left override would otherwise reverse
/// the separator and the other column in a terminal that does bidi.
fn isolated(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.contains([
        '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
    ]) {
        format!("\u{2068}{cell}\u{2069}").into()
    } else {
        cell.into()
    }
}

impl Writer for SideBySideWriter {
    fn write(&mut self, part: &Aligned, out: &mut dyn Write) -> io::Result<()> {
        let col = (self.width.saturating_sub(3)) / 2;
        // The right column takes the odd cell, so rows are exactly `width` wide.
        let rcol = self.width.saturating_sub(3) - col;
        for bead in &part.beads {
            let left = wrap(&visible(&Aligned::join(part.tgt_of(bead))), col);
            let right = wrap(&visible(&Aligned::join(part.src_of(bead))), rcol);
            for i in 0..left.len().max(right.len()) {
                let l = left.get(i).map_or("", String::as_str);
                let r = right.get(i).map_or("", String::as_str);
                let lpad = col.saturating_sub(l.width());
                let rpad = rcol.saturating_sub(r.width());
                writeln!(out, "{}{} │ {}{}", isolated(l), " ".repeat(lpad), " ".repeat(rpad), isolated(r))?;
            }
            let note = if bead.flags.is_empty() { String::new() } else { format!("  {}", bead.flags) };
            writeln!(out, "{:─<col$}─┴─ {} {:.2}{note}", "", bead.kind(), bead.score)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::test_data::render;

    #[test]
    fn wraps_at_spaces_and_inside_long_words() {
        assert_eq!(wrap("aa bb cc", 5), vec!["aa bb", "cc"]);
        assert_eq!(wrap("abcdefgh", 3), vec!["abc", "def", "gh"]);
        assert_eq!(wrap("", 3), vec![""]);
    }

    /// Issue 10 (found by the property test `side_by_side_rows_are_the_page_width`): ESC sequences
    /// reached the terminal and made rows one cell too wide; even widths lost a cell.
    #[test]
    fn issue_10_control_characters_are_shown_and_overrides_end_at_the_cell() {
        assert_eq!(visible("a\u{1b}[31mb\u{7f}"), "a\u{241b}[31mb\u{2421}");
        assert_eq!(visible("plain"), "plain");
        assert_eq!(isolated("\u{202E}abc"), "\u{2068}\u{202E}abc\u{2069}");
        assert_eq!(isolated("abc"), "abc");
    }

    #[test]
    fn columns_line_up() {
        for width in [61, 62] {
            let text = render(&mut SideBySideWriter { width });
            for line in text.lines().filter(|l| l.contains('│')) {
                assert_eq!(line.width(), width, "{line}");
            }
        }
        let text = render(&mut SideBySideWriter { width: 61 });
        assert!(text.contains("goodbye."));
        assert!(text.contains("الثانية."));
    }
}
