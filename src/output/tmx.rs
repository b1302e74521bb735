//! TMX 1.4b (LISA OSCAR), the translation-memory format every CAT tool imports.
//!
//! One `<tu>` per bead with text on both sides; 1-0 and 0-1 beads are left out unless asked
//! for, because CAT tools drop or choke on half-empty units. Header: all seven attributes the
//! standard requires, dates as `YYYYMMDDThhmmssZ` in UTC. Per unit, `x-` props carry the
//! document, paragraph, sentence ids, score, bead type, flags and model (TMX §3.1 allows any
//! user-defined `type` on `<prop>`; the `x-` prefix marks ours).

use std::io::{self, Write};

use super::xml::escape;
use super::Writer;
use crate::bead::{Aligned, Meta};

#[derive(Clone, Debug, Default)]
pub struct TmxOptions {
    /// Locale written for the source side instead of the language code (e.g. "ar-SA").
    pub src_locale: Option<String>,
    /// Locale written for the target side (e.g. "en-US").
    pub tgt_locale: Option<String>,
    /// Keep 1-0 and 0-1 beads as units with an empty side.
    pub keep_empty: bool,
}

pub struct TmxWriter {
    options: TmxOptions,
    src: String,
    tgt: String,
    date: String,
    doc: String,
    model: Option<String>,
    next_tuid: usize,
    /// Characters removed because XML forbids them.
    pub removed: usize,
}

impl TmxWriter {
    pub fn new(options: TmxOptions) -> TmxWriter {
        TmxWriter {
            options,
            src: String::new(),
            tgt: String::new(),
            date: String::new(),
            doc: String::new(),
            model: None,
            next_tuid: 1,
            removed: 0,
        }
    }
}

/// `20261129T102030Z`, the TMX date format (TMX §3.2 creationdate).
pub fn tmx_date(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// A language tag as TMX wants it (RFC 3066: hyphens, never underscores).
pub fn tag(code: &str) -> String {
    code.replace('_', "-")
}

impl Writer for TmxWriter {
    fn begin(&mut self, meta: &Meta, out: &mut dyn Write) -> io::Result<()> {
        self.src = tag(self.options.src_locale.as_deref().unwrap_or(&meta.src_lang));
        self.tgt = tag(self.options.tgt_locale.as_deref().unwrap_or(&meta.tgt_lang));
        self.date = tmx_date(meta.created);
        self.doc = meta.input.clone();
        self.model = meta.model.clone();
        let version = env!("CARGO_PKG_VERSION");
        write!(
            out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <tmx version=\"1.4\">\n  \
             <header creationtool=\"Nazir\" creationtoolversion=\"{version}\" segtype=\"sentence\" \
             o-tmf=\"Nazir\" adminlang=\"en\" srclang=\"{}\" datatype=\"plaintext\" creationdate=\"{}\"/>\n  \
             <body>\n",
            escape(&self.src, &mut self.removed),
            self.date
        )
    }

    fn write(&mut self, part: &Aligned, out: &mut dyn Write) -> io::Result<()> {
        for bead in &part.beads {
            let (src, tgt) = (part.src_of(bead), part.tgt_of(bead));
            if (src.is_empty() || tgt.is_empty()) && !self.options.keep_empty {
                continue;
            }
            let ids =
                |s: &[crate::bead::Sentence]| s.iter().map(|s| (s.id + 1).to_string()).collect::<Vec<_>>().join(",");
            let r = &mut self.removed;
            writeln!(out, "    <tu tuid=\"{}\" creationdate=\"{}\">", self.next_tuid, self.date)?;
            writeln!(out, "      <prop type=\"x-document\">{}</prop>", escape(&self.doc, r))?;
            writeln!(out, "      <prop type=\"x-paragraph\">{}</prop>", part.paragraph_of(bead) + 1)?;
            if !src.is_empty() {
                writeln!(out, "      <prop type=\"x-source-sentences\">{}</prop>", ids(src))?;
            }
            writeln!(out, "      <prop type=\"x-score\">{:.3}</prop>", bead.score)?;
            writeln!(out, "      <prop type=\"x-bead\">{}</prop>", bead.kind())?;
            if !bead.flags.is_empty() {
                writeln!(out, "      <prop type=\"x-flags\">{}</prop>", bead.flags)?;
            }
            if let Some(model) = &self.model {
                writeln!(out, "      <prop type=\"x-model\">{}</prop>", escape(model, r))?;
            }
            writeln!(
                out,
                "      <tuv xml:lang=\"{}\"><seg>{}</seg></tuv>",
                escape(&self.src, r),
                escape(&Aligned::join(src), r)
            )?;
            writeln!(
                out,
                "      <tuv xml:lang=\"{}\"><seg>{}</seg></tuv>",
                escape(&self.tgt, r),
                escape(&Aligned::join(tgt), r)
            )?;
            out.write_all(b"    </tu>\n")?;
            self.next_tuid += 1;
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(b"  </body>\n</tmx>\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::test_data::render;

    #[test]
    fn header_units_and_escaping() {
        let mut w = TmxWriter::new(TmxOptions::default());
        let tmx = render(&mut w);
        assert!(tmx.contains("srclang=\"ar\" datatype=\"plaintext\" creationdate=\"20261129T102030Z\""));
        assert_eq!(tmx.matches("<tu ").count(), 2, "the 1-0 bead is left out");
        assert!(tmx.contains("<seg>He said &lt;b&gt;&quot;hello&quot;&lt;/b&gt; &amp; goodbye.</seg>"));
        assert!(tmx.contains("<seg>الجملة\tالثانية. ثالثة.</seg>"));
        assert!(tmx.contains("<prop type=\"x-bead\">2-1</prop>"));
        assert!(tmx.trim_end().ends_with("</tmx>"));
    }

    #[test]
    fn empty_sides_kept_on_request_with_locales() {
        let mut w = TmxWriter::new(TmxOptions {
            src_locale: Some("ar_SA".into()),
            tgt_locale: Some("en-US".into()),
            keep_empty: true,
        });
        let tmx = render(&mut w);
        assert_eq!(tmx.matches("<tu ").count(), 3);
        assert!(tmx.contains("<tuv xml:lang=\"ar-SA\"><seg>رابعة.</seg></tuv>"), "control character removed");
        assert!(tmx.contains("<tuv xml:lang=\"en-US\"><seg></seg></tuv>"));
        assert_eq!(w.removed, 1);
    }
}
