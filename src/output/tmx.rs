//! TMX 1.4b (LISA OSCAR), the translation-memory format every CAT tool imports.
//!
//! One `<tu>` per bead with text on both sides (and/or per paragraph, `TmxUnits`); 1-0 and 0-1
//! beads are left out unless asked for, because CAT tools drop or choke on half-empty units.
//! Header: all seven attributes the standard requires, dates `YYYYMMDDThhmmssZ` in UTC. Per unit,
//! `x-` props carry document, paragraph, sentence ids (0-based), score, bead type, flags and
//! model (TMX §3.1 allows any user-defined `type` on `<prop>`; `x-` marks ours).

use std::io::{self, Write};

use super::xml::{escape, escape_attr, removed_warning};
use super::Writer;
use crate::bead::{Aligned, Flags, Meta, Sentence};

/// Which translation units the TMX holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum TmxUnits {
    /// One unit per sentence pair (bead).
    #[default]
    Sentence,
    /// One unit per paragraph: all its sentences on each side.
    Paragraph,
    /// Both: sentence units, and after each paragraph of two or more pairs a paragraph unit
    /// (`<tu segtype="paragraph">`). A CAT tool then finds a match whether it segments into
    /// sentences as we do or not at all.
    Both,
}

#[derive(Clone, Debug, Default)]
pub struct TmxOptions {
    /// Locale written for the source side instead of the language code (e.g. "ar-SA").
    pub src_locale: Option<String>,
    /// Locale written for the target side (e.g. "en-US").
    pub tgt_locale: Option<String>,
    /// Keep 1-0 and 0-1 beads as units with an empty side.
    pub keep_empty: bool,
    pub units: TmxUnits,
}

/// One `<tu>` to write: a bead, or a whole paragraph.
struct Unit {
    paragraph: usize,
    src_ids: Vec<usize>,
    tgt_ids: Vec<usize>,
    src: String,
    tgt: String,
    score: f32,
    flags: Flags,
}

impl Unit {
    fn from_bead(part: &Aligned, bead: &crate::bead::Bead) -> Unit {
        let ids = |s: &[Sentence]| s.iter().map(|s| s.id).collect();
        Unit {
            paragraph: part.paragraph_of(bead),
            src_ids: ids(part.src_of(bead)),
            tgt_ids: ids(part.tgt_of(bead)),
            src: Aligned::join(part.src_of(bead)),
            tgt: Aligned::join(part.tgt_of(bead)),
            score: bead.score,
            flags: bead.flags,
        }
    }

    /// Appends the next bead of the same paragraph.
    fn extend(&mut self, next: Unit) {
        for (mine, theirs) in [(&mut self.src, next.src), (&mut self.tgt, next.tgt)] {
            if !mine.is_empty() && !theirs.is_empty() {
                mine.push(' ');
            }
            mine.push_str(&theirs);
        }
        self.src_ids.extend(next.src_ids);
        self.tgt_ids.extend(next.tgt_ids);
        self.score = self.score.min(next.score);
        self.flags.insert(next.flags);
    }
}

pub struct TmxWriter {
    options: TmxOptions,
    src: String,
    tgt: String,
    date: String,
    doc: String,
    model: Option<String>,
    next_tuid: usize,
    /// The paragraph being gathered for a paragraph unit, with how many beads it holds.
    paragraph: Option<(Unit, usize)>,
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
            paragraph: None,
            removed: 0,
        }
    }

    fn write_unit(&mut self, u: &Unit, segtype: Option<&str>, out: &mut dyn Write) -> io::Result<()> {
        if (u.src_ids.is_empty() || u.tgt_ids.is_empty()) && !self.options.keep_empty {
            return Ok(());
        }
        let ids = |ids: &[usize]| ids.iter().map(usize::to_string).collect::<Vec<_>>().join(",");
        let r = &mut self.removed;
        let segtype = segtype.map_or(String::new(), |s| format!(" segtype=\"{s}\""));
        writeln!(out, "    <tu tuid=\"{}\"{segtype} creationdate=\"{}\">", self.next_tuid, self.date)?;
        writeln!(out, "      <prop type=\"x-document\">{}</prop>", escape(&self.doc, r))?;
        writeln!(out, "      <prop type=\"x-paragraph\">{}</prop>", u.paragraph)?;
        if !u.src_ids.is_empty() {
            writeln!(out, "      <prop type=\"x-source-sentences\">{}</prop>", ids(&u.src_ids))?;
        }
        if !u.tgt_ids.is_empty() {
            writeln!(out, "      <prop type=\"x-target-sentences\">{}</prop>", ids(&u.tgt_ids))?;
        }
        writeln!(out, "      <prop type=\"x-score\">{:.3}</prop>", u.score)?;
        writeln!(out, "      <prop type=\"x-bead\">{}-{}</prop>", u.src_ids.len(), u.tgt_ids.len())?;
        if !u.flags.is_empty() {
            writeln!(out, "      <prop type=\"x-flags\">{}</prop>", u.flags)?;
        }
        if let Some(model) = &self.model {
            writeln!(out, "      <prop type=\"x-model\">{}</prop>", escape(model, r))?;
        }
        for (lang, text) in [(&self.src, &u.src), (&self.tgt, &u.tgt)] {
            writeln!(out, "      <tuv xml:lang=\"{}\"><seg>{}</seg></tuv>", escape_attr(lang, r), escape(text, r))?;
        }
        out.write_all(b"    </tu>\n")?;
        self.next_tuid += 1;
        Ok(())
    }

    /// Writes the gathered paragraph unit, if the options want one.
    fn flush_paragraph(&mut self, out: &mut dyn Write) -> io::Result<()> {
        let Some((unit, beads)) = self.paragraph.take() else { return Ok(()) };
        // In `both`, a one-pair paragraph's unit would repeat its sentence unit.
        if self.options.units == TmxUnits::Paragraph || beads > 1 {
            self.write_unit(&unit, Some("paragraph"), out)?;
        }
        Ok(())
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
        let segtype = if self.options.units == TmxUnits::Paragraph { "paragraph" } else { "sentence" };
        write!(
            out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <tmx version=\"1.4\">\n  \
             <header creationtool=\"Nazir\" creationtoolversion=\"{version}\" segtype=\"{segtype}\" \
             o-tmf=\"Nazir\" adminlang=\"en\" srclang=\"{}\" datatype=\"plaintext\" creationdate=\"{}\"/>\n  \
             <body>\n",
            escape_attr(&self.src, &mut self.removed),
            self.date
        )
    }

    fn write(&mut self, part: &Aligned, out: &mut dyn Write) -> io::Result<()> {
        for bead in &part.beads {
            let unit = Unit::from_bead(part, bead);
            if self.options.units != TmxUnits::Sentence {
                match &mut self.paragraph {
                    Some((p, beads)) if p.paragraph == unit.paragraph => {
                        p.extend(Unit::from_bead(part, bead));
                        *beads += 1;
                    }
                    _ => {
                        self.flush_paragraph(out)?;
                        self.paragraph = Some((Unit::from_bead(part, bead), 1));
                    }
                }
            }
            if self.options.units != TmxUnits::Paragraph {
                self.write_unit(&unit, None, out)?;
            }
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write) -> io::Result<()> {
        self.flush_paragraph(out)?;
        out.write_all(b"  </body>\n</tmx>\n")
    }

    fn warnings(&self) -> Vec<String> {
        removed_warning(self.removed).into_iter().collect()
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
            ..TmxOptions::default()
        });
        let tmx = render(&mut w);
        assert_eq!(tmx.matches("<tu ").count(), 3);
        assert!(tmx.contains("<tuv xml:lang=\"ar-SA\"><seg>رابعة.</seg></tuv>"), "control character removed");
        assert!(tmx.contains("<tuv xml:lang=\"en-US\"><seg></seg></tuv>"));
        assert_eq!(w.removed, 1);
        assert_eq!(w.warnings().len(), 1);
    }

    #[test]
    fn paragraph_units_alone_and_beside_sentence_units() {
        let mut w = TmxWriter::new(TmxOptions { units: TmxUnits::Paragraph, ..TmxOptions::default() });
        let tmx = render(&mut w);
        assert!(tmx.contains("segtype=\"paragraph\" o-tmf"));
        // Paragraph 0 holds beads 0 and 1; paragraph 1 holds only the 1-0 bead, left out.
        assert_eq!(tmx.matches("<tu ").count(), 1);
        assert!(
            tmx.contains("<seg>قال &lt;b&gt;&quot;مرحبا&quot;&lt;/b&gt; &amp; وداعا. الجملة\tالثانية. ثالثة.</seg>")
        );
        assert!(tmx.contains("<prop type=\"x-bead\">3-2</prop>"));
        assert!(tmx.contains("<prop type=\"x-score\">0.500</prop>"), "the lowest score of the paragraph");

        let mut w = TmxWriter::new(TmxOptions { units: TmxUnits::Both, ..TmxOptions::default() });
        let tmx = render(&mut w);
        assert_eq!(tmx.matches("<tu ").count(), 3);
        assert_eq!(tmx.matches("<tu tuid=\"3\" segtype=\"paragraph\"").count(), 1);
        assert!(tmx.contains("segtype=\"sentence\" o-tmf"));
    }
}
