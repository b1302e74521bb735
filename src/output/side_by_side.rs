//! Two plain-text columns for reading in a terminal: English on the left, Arabic on the right,
//! right-aligned within its column as Arabic is read. Text stays in logical order, so terminals
//! with bidi support (mlterm, Konsole, GNOME Terminal) show it right-to-left correctly; widths
//! are measured in terminal cells (wide and combining characters counted properly).

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

impl Writer for SideBySideWriter {
    fn write(&mut self, part: &Aligned, out: &mut dyn Write) -> io::Result<()> {
        let col = (self.width.saturating_sub(3)) / 2;
        for bead in &part.beads {
            let left = wrap(&Aligned::join(part.tgt_of(bead)), col);
            let right = wrap(&Aligned::join(part.src_of(bead)), col);
            for i in 0..left.len().max(right.len()) {
                let l = left.get(i).map_or("", String::as_str);
                let r = right.get(i).map_or("", String::as_str);
                let lpad = col.saturating_sub(l.width());
                let rpad = col.saturating_sub(r.width());
                writeln!(out, "{l}{} │ {}{r}", " ".repeat(lpad), " ".repeat(rpad))?;
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

    #[test]
    fn columns_line_up() {
        let text = render(&mut SideBySideWriter { width: 61 });
        for line in text.lines().filter(|l| l.contains('│')) {
            assert_eq!(line.width(), 61, "{line}");
        }
        assert!(text.contains("goodbye."));
        assert!(text.contains("الثانية."));
    }
}
