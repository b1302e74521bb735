//! The bilingual review page: one self-contained HTML file (no network, no external fonts or
//! scripts), Arabic right-to-left beside English left-to-right, score and flags per pair.
//!
//! Every text goes through HTML escaping; mixed-direction runs are isolated by `dir` on each
//! cell and `<bdi>` around the text, so numbers and Latin names inside Arabic stay in place.

use std::io::{self, Write};

use super::Writer;
use crate::bead::{Aligned, Meta};

#[derive(Default)]
pub struct HtmlWriter {
    pairs: usize,
    flagged: usize,
    last_paragraph: Option<usize>,
}

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if super::xml::allowed(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
    out
}

const STYLE: &str = r#"
:root { --ar: "Noto Naskh Arabic", "Noto Sans Arabic", "Amiri", "Scheherazade New", "Geeza Pro", "Arial", sans-serif;
        --en: "Noto Serif", "Georgia", "Times New Roman", serif; }
body { margin: 0 auto; max-width: 80rem; padding: 1rem; font-family: var(--en); color: #1d1d1f; background: #fff; }
header { border-bottom: 1px solid #ccc; margin-bottom: 1rem; }
header h1 { font-size: 1.2rem; margin: .2rem 0; }
header p { margin: .2rem 0; color: #555; font-size: .9rem; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
col.en, col.ar { width: 45%; }
col.meta { width: 10%; }
td { vertical-align: top; padding: .45rem .6rem; border-bottom: 1px solid #eee; line-height: 1.6; overflow-wrap: anywhere; }
td.ar { font-family: var(--ar); font-size: 1.15rem; text-align: right; }
td.en { text-align: left; }
td.meta { font-size: .75rem; color: #666; text-align: center; }
tr.paragraph-start td { border-top: 2px solid #bbb; }
tr.flagged td.meta { background: #fff4e0; color: #8a4b00; }
.flags { display: block; }
@media print { body { max-width: none; } tr { break-inside: avoid; } }
"#;

impl Writer for HtmlWriter {
    fn begin(&mut self, meta: &Meta, out: &mut dyn Write) -> io::Result<()> {
        let title = format!("{} — {}→{}", meta.input, meta.src_lang, meta.tgt_lang);
        let model = meta.model.as_deref().unwrap_or("none");
        write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"{tgt}\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<header>\n\
             <h1><bdi>{title}</bdi></h1>\n<p>Model: <bdi>{model}</bdi> · created {date}</p>\n</header>\n\
             <table>\n<colgroup><col class=\"en\"><col class=\"meta\"><col class=\"ar\"></colgroup>\n\
             <thead><tr><th lang=\"en\">{tgt}</th><th>score</th><th dir=\"rtl\">{src}</th></tr></thead>\n<tbody>\n",
            tgt = escape_html(&meta.tgt_lang),
            src = escape_html(&meta.src_lang),
            title = escape_html(&title),
            model = escape_html(model),
            date = super::tmx::tmx_date(meta.created),
        )
    }

    fn write(&mut self, part: &Aligned, out: &mut dyn Write) -> io::Result<()> {
        for bead in &part.beads {
            let paragraph = part.paragraph_of(bead);
            let mut classes = Vec::new();
            if self.last_paragraph.is_some_and(|p| p != paragraph) {
                classes.push("paragraph-start");
            }
            self.last_paragraph = Some(paragraph);
            if !bead.flags.is_empty() {
                classes.push("flagged");
                self.flagged += 1;
            }
            self.pairs += 1;
            let src = escape_html(&Aligned::join(part.src_of(bead)));
            let tgt = escape_html(&Aligned::join(part.tgt_of(bead)));
            let flags = if bead.flags.is_empty() {
                String::new()
            } else {
                format!("<span class=\"flags\">{}</span>", escape_html(&bead.flags.to_string()))
            };
            writeln!(
                out,
                "<tr class=\"{}\" data-bead=\"{}\"><td class=\"en\" dir=\"ltr\" lang=\"en\"><bdi>{tgt}</bdi></td>\
                 <td class=\"meta\">{:.2} {}{flags}</td><td class=\"ar\" dir=\"rtl\" lang=\"ar\"><bdi>{src}</bdi></td></tr>",
                classes.join(" "),
                bead.kind(),
                bead.score,
                bead.kind(),
            )?;
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write) -> io::Result<()> {
        write!(
            out,
            "</tbody>\n</table>\n<footer><p>{} pairs, {} flagged.</p></footer>\n</body>\n</html>\n",
            self.pairs, self.flagged
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::test_data::render;

    #[test]
    fn page_is_escaped_and_directional() {
        let html = render(&mut HtmlWriter::default());
        assert!(!html.contains("<b>"), "markup in text must be escaped");
        assert!(html.contains("&lt;b&gt;&quot;hello&quot;&lt;/b&gt; &amp; goodbye."));
        assert_eq!(html.matches("dir=\"rtl\" lang=\"ar\"").count(), 3);
        assert!(html.contains("3 pairs, 2 flagged."));
        assert!(!html.contains("http"), "self-contained: no external resources");
    }
}
