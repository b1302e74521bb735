//! The bilingual review page (`--format html`): one self-contained file that reviewers open,
//! correct and send back, with no network access, external fonts or scripts.
//!
//! The page is a fixed shell (`page.html`, `review.css`, the script in `model.js`, `export.js`,
//! `render.js`, `review.js`; all embedded at compile time) plus the beads as JSON inside
//! `<script type="application/json">`; the script renders them and carries out the edits and
//! exports. See docs/review.md for what the page does.

use std::io::{self, Write};

use serde::Serialize;

use crate::bead::{Aligned, Flags, Meta};
use crate::output::{JsonSentence, Writer};

const PAGE: &str = include_str!("page.html");
const CSS: &str = include_str!("review.css");
/// The page's script, in four files for reading; one function scope on the page, in this order.
const SCRIPTS: [&str; 4] =
    [include_str!("model.js"), include_str!("export.js"), include_str!("render.js"), include_str!("review.js")];

/// Flags that record a reviewer's decision rather than something for a reviewer to check; a pair
/// with only these is not "flagged".
const DECISIONS: &[Flags] = &[Flags::EDITED, Flags::CONFIRMED, Flags::REJECTED];

/// Writes the review page. Why JSON rather than rendered rows: JSON keeps every character (the
/// HTML parser turns `\r` into `\n` and drops NUL, so text read back from rows would not be
/// lossless), the edited JSONL export needs ids, offsets and lines that rows would have to repeat,
/// and the script, holding one copy of the data, can render a 10,000-pair page lazily.
#[derive(Default)]
pub struct HtmlWriter {
    begun: bool,
    pairs: usize,
    flagged: usize,
    /// Fingerprint of the document's content: the key under which the page keeps edits.
    key: Fnv64,
}

/// The first lines of the page, up to the bead data, with the five values escaped in.
fn page_head(meta: &Meta) -> String {
    let model = meta.model.as_deref().unwrap_or("none");
    let date = meta.created.to_offset(time::UtcOffset::UTC);
    let date = format!(
        "{:04}-{:02}-{:02} {:02}:{:02} UTC",
        date.year(),
        u8::from(date.month()),
        date.day(),
        date.hour(),
        date.minute()
    );
    let layout = if direction(&meta.src_lang) == "rtl" { "src-rtl" } else { "src-ltr" };
    fill(
        PAGE,
        &[
            ("css", CSS),
            ("lang", &escape_html(&meta.tgt_lang)),
            ("layout", layout),
            ("version", env!("CARGO_PKG_VERSION")),
            ("title", &escape_html(&format!("{} ({} → {}) — review", meta.input, meta.src_lang, meta.tgt_lang))),
            ("file", &escape_html(&meta.input)),
            ("langs", &escape_html(&format!("{} → {}", meta.src_lang, meta.tgt_lang))),
            ("model", &escape_html(model)),
            ("date", &date),
        ],
    )
}

/// Replaces each `{{name}}` of `template` with its value, in one pass (so a value that happens
/// to contain `{{…}}` is left alone). A fixed handful of placeholders: no templating crate needed.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 1024);
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        match after.find("}}").and_then(|close| values.iter().find(|(n, _)| *n == &after[..close]).map(|v| (close, v)))
        {
            Some((close, (_, value))) => {
                out.push_str(value);
                rest = &after[close + 2..];
            }
            None => {
                out.push_str("{{");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The facts the script needs besides the beads.
#[derive(Serialize)]
struct PageMeta<'a> {
    doc: &'a str,
    src_lang: &'a str,
    tgt_lang: &'a str,
    src_dir: &'static str,
    tgt_dir: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    model: Option<&'a str>,
    /// RFC 3339, UTC.
    created: String,
    version: &'static str,
    /// Every flag label in display order (the order JSONL writes them in).
    flags: Vec<&'static str>,
    /// The labels that record a reviewer's decision.
    decisions: Vec<&'static str>,
}

/// One bead as embedded: the JSONL line's fields less those every line repeats (doc, languages,
/// model), which the script adds back when it exports.
#[derive(Serialize)]
struct PageBead {
    bead: String,
    score: f32,
    flags: Vec<&'static str>,
    paragraph: usize,
    src: Vec<JsonSentence>,
    tgt: Vec<JsonSentence>,
}

#[derive(Serialize)]
struct PageEnd {
    pairs: usize,
    flagged: usize,
    key: String,
}

impl Writer for HtmlWriter {
    fn begin(&mut self, meta: &Meta, out: &mut dyn Write) -> io::Result<()> {
        let label = |f: &Flags| Flags::ALL.iter().find(|(g, _)| g == f).map(|(_, l)| *l);
        let page_meta = PageMeta {
            doc: &meta.input,
            src_lang: &meta.src_lang,
            tgt_lang: &meta.tgt_lang,
            src_dir: direction(&meta.src_lang),
            tgt_dir: direction(&meta.tgt_lang),
            model: meta.model.as_deref(),
            created: meta
                .created
                .to_offset(time::UtcOffset::UTC)
                .format(&time::format_description::well_known::Rfc3339)
                .map_err(io::Error::other)?,
            version: env!("CARGO_PKG_VERSION"),
            flags: Flags::ALL.iter().map(|(_, l)| *l).collect(),
            decisions: DECISIONS.iter().filter_map(label).collect(),
        };
        self.key.add(meta.input.as_bytes());
        self.key.add(meta.src_lang.as_bytes());
        self.key.add(meta.tgt_lang.as_bytes());
        out.write_all(page_head(meta).as_bytes())?;
        writeln!(out, "<script type=\"application/json\" id=\"nazir-meta\">{}</script>", script_json(&page_meta)?)?;
        out.write_all(b"<script type=\"application/json\" id=\"nazir-beads\">[\n")?;
        self.begun = true;
        Ok(())
    }

    fn write(&mut self, part: &Aligned, out: &mut dyn Write) -> io::Result<()> {
        if !self.begun {
            return Err(io::Error::other("HTML writer used before begin"));
        }
        for bead in &part.beads {
            let (src, tgt) = (part.src_of(bead), part.tgt_of(bead));
            // The key covers what edits are made against: both sides' texts and the bead shapes.
            self.key.add(bead.kind().as_bytes());
            for s in src.iter().chain(tgt) {
                self.key.add(s.text.as_bytes());
            }
            let line = PageBead {
                bead: bead.kind(),
                score: bead.score,
                flags: bead.flags.labels().collect(),
                paragraph: part.paragraph_of(bead),
                src: src.iter().map(JsonSentence::from).collect(),
                tgt: tgt.iter().map(JsonSentence::from).collect(),
            };
            if self.pairs > 0 {
                out.write_all(b",\n")?;
            }
            out.write_all(script_json(&line)?.as_bytes())?;
            self.pairs += 1;
            if bead.flags.labels().any(|l| !DECISIONS.iter().any(|d| Flags::from_label(l) == Some(*d))) {
                self.flagged += 1;
            }
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if !self.begun {
            return Err(io::Error::other("HTML writer used before begin"));
        }
        let end = PageEnd { pairs: self.pairs, flagged: self.flagged, key: format!("{:016x}", self.key.0) };
        write!(
            out,
            "\n]</script>\n<script type=\"application/json\" id=\"nazir-end\">{}</script>\n",
            script_json(&end)?
        )?;
        out.write_all(b"<script>\n(function () {\n'use strict';\n")?;
        for script in SCRIPTS {
            out.write_all(script.as_bytes())?;
        }
        out.write_all(b"})();\n</script>\n</body>\n</html>\n")
    }
}

/// "rtl" for languages written right to left, else "ltr".
pub fn direction(lang: &str) -> &'static str {
    let primary = lang.split(['-', '_']).next().unwrap_or(lang).to_ascii_lowercase();
    match primary.as_str() {
        "ar" | "arb" | "fa" | "ur" | "ps" | "ckb" | "he" | "yi" | "dv" | "sd" | "ug" | "syr" => "rtl",
        _ => "ltr",
    }
}

/// JSON that is safe inside `<script type="application/json">`: the element ends at the first
/// `</script` and `<!--` changes how the parser looks for it, so `<`, `>` and `&` are written as
/// `\u003c`, `\u003e`, `\u0026` (they can only occur inside JSON strings, where the escape means
/// the same). U+2028 and U+2029 are escaped too, for readers that treat the block as JavaScript.
pub fn script_json<T: Serialize>(value: &T) -> io::Result<String> {
    let json = serde_json::to_string(value).map_err(io::Error::other)?;
    if !json.contains(['<', '>', '&', '\u{2028}', '\u{2029}']) {
        return Ok(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    Ok(out)
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
            // Characters HTML forbids or rewrites (controls, NUL, noncharacters) show as U+FFFD.
            c if crate::output::xml::allowed(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
    out
}

/// FNV-1a, 64 bits: a stable fingerprint (unlike std's hasher, its output is fixed by its
/// definition), enough to tell documents apart; not a defence against anyone.
#[derive(Clone, Copy)]
struct Fnv64(u64);

impl Default for Fnv64 {
    fn default() -> Self {
        Fnv64(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv64 {
    /// Adds a field; the length first, so ("ab", "c") and ("a", "bc") differ.
    fn add(&mut self, bytes: &[u8]) {
        for &b in (bytes.len() as u64).to_le_bytes().iter().chain(bytes) {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bead::{Bead, Paragraph, Sentence};
    use crate::output::test_data::{aligned, meta, render};
    use serde_json::Value;

    /// The text of the `<script type="application/json" id=ID>` block.
    fn block<'a>(html: &'a str, id: &str) -> &'a str {
        let open = format!("<script type=\"application/json\" id=\"{id}\">");
        let start = html.find(&open).unwrap_or_else(|| panic!("no {id} block")) + open.len();
        let len = html[start..].find("</script>").expect("the block is closed");
        &html[start..start + len]
    }

    fn sentence(id: usize, text: &str) -> Sentence {
        Sentence { id, text: text.into(), paragraph: 0, span: None, line: 0 }
    }

    #[test]
    fn beads_are_embedded_intact_and_in_order() {
        let html = render(&mut HtmlWriter::default());
        let beads: Vec<Value> = serde_json::from_str(block(&html, "nazir-beads")).unwrap();
        let source = aligned();
        assert_eq!(beads.len(), source.beads.len());
        assert_eq!(beads[0]["src"][0]["text"], source.source[0].text, "markup and quotes come back unchanged");
        assert_eq!(beads[1]["src"][0]["text"], "الجملة\tالثانية.");
        assert_eq!(beads[2]["src"][0]["text"], "رابعة\u{1}.", "a control character survives (as \\u0001)");
        assert_eq!(beads[1]["bead"], "2-1");
        assert_eq!(beads[2]["flags"], serde_json::json!(["low-score", "not-1-1"]));
        assert_eq!(beads[0]["src"][0]["start"], 0);
        assert_eq!(beads[1]["paragraph"], 0);
        assert_eq!(beads[2]["paragraph"], 1);
        let end: Value = serde_json::from_str(block(&html, "nazir-end")).unwrap();
        assert_eq!(end["pairs"], 3);
        assert_eq!(end["flagged"], 2);
        let m: Value = serde_json::from_str(block(&html, "nazir-meta")).unwrap();
        assert_eq!(m["src_dir"], "rtl");
        assert_eq!(m["tgt_dir"], "ltr");
        assert_eq!(m["flags"].as_array().unwrap().len(), Flags::ALL.len());
        assert_eq!(m["decisions"], serde_json::json!(["edited", "confirmed", "rejected"]));
    }

    #[test]
    fn nothing_in_a_text_can_end_the_data_block_or_become_markup() {
        let evil = "</script><script>alert(1)</script> <!--<script> \"><img src=x onerror=alert(1)> \
                    </SCRIPT \u{2028}\u{2029} & end";
        let mut part = aligned();
        part.source[0].text = evil.into();
        part.target[0].text = evil.into();
        let mut m = meta();
        m.input = "\"><img src=x onerror=alert(1)>.ar.txt".into();
        m.model = Some("<script>alert(1)</script>".into());
        let mut w = HtmlWriter::default();
        let mut out = Vec::new();
        w.begin(&m, &mut out).unwrap();
        w.write(&part, &mut out).unwrap();
        w.finish(&mut out).unwrap();
        let html = String::from_utf8(out).unwrap();

        // Exactly our own elements: three data blocks and the page script, one <style>.
        assert_eq!(html.matches("<script").count(), 4, "no script element came from the text");
        assert_eq!(html.to_ascii_lowercase().matches("</script").count(), 4);
        assert!(!html.contains("<img"), "no element came from the text");
        assert!(!html.contains("<!--<"), "no comment opener inside a script block");
        assert!(!html.contains('\u{2028}') && !html.contains('\u{2029}'));
        assert!(html.contains("<h1><bdi>&quot;&gt;&lt;img src=x onerror=alert(1)&gt;.ar.txt</bdi>"));
        assert!(html.contains("<bdi>&lt;script&gt;alert(1)&lt;/script&gt;</bdi>"));
        // And the data still reads back as the exact text.
        let beads: Vec<Value> = serde_json::from_str(block(&html, "nazir-beads")).unwrap();
        assert_eq!(beads[0]["src"][0]["text"], evil);
        assert_eq!(beads[0]["tgt"][0]["text"], evil);
        let meta_back: Value = serde_json::from_str(block(&html, "nazir-meta")).unwrap();
        assert_eq!(meta_back["doc"], m.input);
    }

    #[test]
    fn parts_stream_into_one_array_and_the_key_follows_the_content() {
        // The same beads in one part or in three give the same page.
        let whole = aligned();
        let one = render(&mut HtmlWriter::default());
        let mut w = HtmlWriter::default();
        let mut out = Vec::new();
        w.begin(&meta(), &mut out).unwrap();
        for k in 0..whole.beads.len() {
            let mut part = whole.clone();
            part.beads = vec![whole.beads[k].clone()];
            w.write(&part, &mut out).unwrap();
            w.write(&Aligned::default(), &mut out).unwrap();
        }
        w.finish(&mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), one);

        // One changed English word gives another key; the date does not.
        let key = |a: &Aligned, m: &Meta| {
            let mut w = HtmlWriter::default();
            let mut out = Vec::new();
            w.begin(m, &mut out).unwrap();
            w.write(a, &mut out).unwrap();
            w.finish(&mut out).unwrap();
            let html = String::from_utf8(out).unwrap();
            let end: Value = serde_json::from_str(block(&html, "nazir-end")).unwrap();
            end["key"].as_str().unwrap().to_string()
        };
        let mut later = meta();
        later.created = time::macros::datetime!(2027-01-01 00:00:00 UTC);
        assert_eq!(key(&whole, &meta()), key(&whole, &later));
        let mut changed = whole.clone();
        changed.target[1].text.push('!');
        assert_ne!(key(&whole, &meta()), key(&changed, &meta()));
        assert_eq!(key(&whole, &meta()).len(), 16);
    }

    #[test]
    fn header_and_shell_are_complete_and_self_contained() {
        let html = render(&mut HtmlWriter::default());
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.trim_end().ends_with("</html>"));
        assert!(!html.contains("{{"), "every placeholder is filled");
        assert!(html.contains("<bdi>article.ar.txt</bdi>"));
        assert!(html.contains("<bdi>opus-mt-ar-en</bdi>"));
        assert!(html.contains("2026-11-29 10:20 UTC"));
        assert!(html.contains("class=\"src-rtl\""));
        // No resource is fetched: no URL in src/href attributes, and the policy forbids it.
        for attr in ["src=\"http", "href=\"http", "url(", "@import"] {
            assert!(!html.contains(attr), "{attr}");
        }
        assert!(html.contains("default-src 'none'"));
    }

    #[test]
    fn directions_and_decision_flags() {
        assert_eq!(direction("ar"), "rtl");
        assert_eq!(direction("ar-SA"), "rtl");
        assert_eq!(direction("fa_IR"), "rtl");
        assert_eq!(direction("en"), "ltr");
        assert_eq!(direction(""), "ltr");
        // A pair whose only flags are decisions does not count as flagged.
        let a = Aligned {
            paragraphs: vec![Paragraph { index: 0, text: "x".into(), start: 0, line: 1, line_starts: vec![0] }],
            source: vec![sentence(0, "أ"), sentence(1, "ب")],
            target: vec![sentence(0, "a"), sentence(1, "b")],
            beads: vec![
                Bead { src: 0..1, tgt: 0..1, score: 1.0, flags: Flags::CONFIRMED | Flags::EDITED },
                Bead { src: 1..2, tgt: 1..2, score: 0.1, flags: Flags::LOW_SCORE | Flags::CONFIRMED },
            ],
        };
        let mut w = HtmlWriter::default();
        let mut out = Vec::new();
        w.begin(&meta(), &mut out).unwrap();
        w.write(&a, &mut out).unwrap();
        w.finish(&mut out).unwrap();
        assert_eq!(w.flagged, 1);
    }

    #[test]
    fn placeholders_are_filled_once() {
        assert_eq!(fill("a {{x}} b {{y}} {{z}}", &[("x", "{{y}}"), ("y", "2")]), "a {{y}} b 2 {{z}}");
    }

    #[test]
    fn writing_before_begin_is_an_error_not_a_broken_page() {
        let mut out = Vec::new();
        assert!(HtmlWriter::default().write(&aligned(), &mut out).is_err());
        assert!(out.is_empty());
    }
}
