//! XLIFF, the bilingual file CAT tools open for post-editing: the Arabic as source, the machine
//! translation as target marked for review, one unit per bead, one group per paragraph.
//!
//! 1.2 (OASIS, strict schema): `state="needs-review-translation"` with
//! `state-qualifier="mt-suggestion"`, a `<note>` with score and flags for the translator, and the
//! same facts machine-readable in `extradata` (so `align convert` reads them back). 2.1: state
//! `translated` with `subState="nazir:mt-suggestion"`, facts in the Metadata module (`mda:`).

use std::io::{self, Write};

use super::tmx::{tag, TmxOptions};
use super::xml::{escape, escape_attr, removed_warning};
use super::Writer;
use crate::bead::{Aligned, Bead, Meta, Sentence};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum XliffVersion {
    /// XLIFF 1.2: read by every CAT tool (OmegaT, Trados, memoQ, Phrase …).
    #[default]
    #[value(name = "1.2")]
    V12,
    /// XLIFF 2.1 (OASIS 2018).
    #[value(name = "2.1")]
    V21,
}

pub struct XliffWriter {
    version: XliffVersion,
    locales: TmxOptions,
    src: String,
    tgt: String,
    /// The paragraph whose group is open.
    group: Option<usize>,
    next_id: usize,
    removed: usize,
}

impl XliffWriter {
    /// `locales`: the TMX options' `src_locale`/`tgt_locale` apply here too.
    pub fn new(version: XliffVersion, locales: TmxOptions) -> XliffWriter {
        XliffWriter { version, locales, src: String::new(), tgt: String::new(), group: None, next_id: 1, removed: 0 }
    }

    fn close_group(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if self.group.take().is_some() {
            out.write_all(b"      </group>\n")?;
        }
        Ok(())
    }

    fn write_bead(&mut self, part: &Aligned, bead: &Bead, out: &mut dyn Write) -> io::Result<()> {
        let paragraph = part.paragraph_of(bead);
        if self.group != Some(paragraph) {
            self.close_group(out)?;
            let kind =
                if self.version == XliffVersion::V12 { "restype=\"x-paragraph\"" } else { "type=\"nazir:paragraph\"" };
            writeln!(out, "      <group id=\"p{paragraph}\" {kind}>")?;
            self.group = Some(paragraph);
        }
        let (src, tgt) = (part.src_of(bead), part.tgt_of(bead));
        let ids = |s: &[Sentence]| s.iter().map(|s| s.id.to_string()).collect::<Vec<_>>().join(",");
        let r = &mut self.removed;
        let source = escape(&Aligned::join(src), r);
        let target = escape(&Aligned::join(tgt), r);
        let note = if bead.flags.is_empty() {
            format!("score {:.3}, {} pair", bead.score, bead.kind())
        } else {
            format!(
                "score {:.3}, {} pair; check: {}",
                bead.score,
                bead.kind(),
                bead.flags.labels().collect::<Vec<_>>().join(", ")
            )
        };
        // A target with no source (0-1) is nothing to translate; a reader still gets it back.
        let translate = if src.is_empty() { " translate=\"no\"" } else { "" };
        let id = self.next_id;
        self.next_id += 1;
        match self.version {
            XliffVersion::V12 => {
                writeln!(
                    out,
                    "        <trans-unit id=\"{id}\" xml:space=\"preserve\"{translate} extradata=\"score={:.3};bead={};paragraph={paragraph};src={};tgt={};flags={}\">",
                    bead.score,
                    bead.kind(),
                    ids(src),
                    ids(tgt),
                    bead.flags
                )?;
                writeln!(out, "          <source xml:lang=\"{}\">{source}</source>", self.src)?;
                if !tgt.is_empty() {
                    writeln!(
                        out,
                        "          <target xml:lang=\"{}\" state=\"needs-review-translation\" state-qualifier=\"mt-suggestion\">{target}</target>",
                        self.tgt
                    )?;
                }
                writeln!(out, "          <note from=\"nazir\">{note}</note>")?;
                out.write_all(b"        </trans-unit>\n")
            }
            XliffVersion::V21 => {
                writeln!(
                    out,
                    "        <unit id=\"u{id}\" xml:space=\"preserve\" srcDir=\"rtl\" trgDir=\"ltr\"{translate}>"
                )?;
                writeln!(out, "          <mda:metadata><mda:metaGroup category=\"nazir\">")?;
                let mut meta = vec![
                    ("score", format!("{:.3}", bead.score)),
                    ("bead", bead.kind()),
                    ("paragraph", paragraph.to_string()),
                    ("source-sentences", ids(src)),
                    ("target-sentences", ids(tgt)),
                ];
                if !bead.flags.is_empty() {
                    meta.push(("flags", bead.flags.to_string()));
                }
                for (k, v) in meta {
                    writeln!(out, "            <mda:meta type=\"{k}\">{v}</mda:meta>")?;
                }
                writeln!(out, "          </mda:metaGroup></mda:metadata>")?;
                writeln!(out, "          <notes><note category=\"nazir\">{note}</note></notes>")?;
                if tgt.is_empty() {
                    writeln!(out, "          <segment state=\"initial\">")?;
                    writeln!(out, "            <source>{source}</source>")?;
                } else {
                    writeln!(out, "          <segment state=\"translated\" subState=\"nazir:mt-suggestion\">")?;
                    writeln!(out, "            <source>{source}</source>")?;
                    writeln!(out, "            <target>{target}</target>")?;
                }
                out.write_all(b"          </segment>\n        </unit>\n")
            }
        }
    }
}

/// `2026-11-29T10:20:30Z` (xsd:dateTime, the type of XLIFF 1.2's `date`).
fn iso_date(t: time::OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

impl Writer for XliffWriter {
    fn begin(&mut self, meta: &Meta, out: &mut dyn Write) -> io::Result<()> {
        let r = &mut self.removed;
        self.src = escape_attr(&tag(self.locales.src_locale.as_deref().unwrap_or(&meta.src_lang)), r);
        self.tgt = escape_attr(&tag(self.locales.tgt_locale.as_deref().unwrap_or(&meta.tgt_lang)), r);
        let original = escape_attr(&meta.input, r);
        let date = iso_date(meta.created);
        let version = env!("CARGO_PKG_VERSION");
        let model = meta.model.as_deref().map(|m| escape(m, r));
        out.write_all(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")?;
        match self.version {
            XliffVersion::V12 => {
                writeln!(out, "<xliff version=\"1.2\" xmlns=\"urn:oasis:names:tc:xliff:document:1.2\">")?;
                writeln!(
                    out,
                    "  <file original=\"{original}\" source-language=\"{}\" target-language=\"{}\" datatype=\"plaintext\" date=\"{date}\" tool-id=\"nazir\">",
                    self.src, self.tgt
                )?;
                writeln!(out, "    <header>")?;
                writeln!(out, "      <tool tool-id=\"nazir\" tool-name=\"Nazir\" tool-version=\"{version}\"/>")?;
                if let Some(model) = model {
                    writeln!(out, "      <note from=\"nazir\">model: {model}</note>")?;
                }
                writeln!(out, "    </header>\n    <body>")
            }
            XliffVersion::V21 => {
                writeln!(
                    out,
                    "<xliff xmlns=\"urn:oasis:names:tc:xliff:document:2.0\" xmlns:mda=\"urn:oasis:names:tc:xliff:metadata:2.0\" version=\"2.1\" srcLang=\"{}\" trgLang=\"{}\">",
                    self.src, self.tgt
                )?;
                writeln!(out, "  <file id=\"f1\" original=\"{original}\">")?;
                writeln!(out, "    <mda:metadata><mda:metaGroup category=\"nazir\">")?;
                writeln!(out, "      <mda:meta type=\"tool\">Nazir {version}</mda:meta>")?;
                writeln!(out, "      <mda:meta type=\"created\">{date}</mda:meta>")?;
                if let Some(model) = model {
                    writeln!(out, "      <mda:meta type=\"model\">{model}</mda:meta>")?;
                }
                writeln!(out, "    </mda:metaGroup></mda:metadata>")
            }
        }
    }

    fn write(&mut self, part: &Aligned, out: &mut dyn Write) -> io::Result<()> {
        for bead in &part.beads {
            self.write_bead(part, bead, out)?;
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write) -> io::Result<()> {
        self.close_group(out)?;
        match self.version {
            XliffVersion::V12 => out.write_all(b"    </body>\n  </file>\n</xliff>\n"),
            XliffVersion::V21 => out.write_all(b"  </file>\n</xliff>\n"),
        }
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
    fn v12_units_groups_states_and_notes() {
        let mut w = XliffWriter::new(XliffVersion::V12, TmxOptions::default());
        let x = render(&mut w);
        assert_eq!(x.matches("<trans-unit ").count(), 3, "every bead, 1-0 included");
        assert_eq!(x.matches("<group id=\"p").count(), 2);
        assert!(x.contains("source-language=\"ar\" target-language=\"en\""));
        assert!(x.contains("<target xml:lang=\"en\" state=\"needs-review-translation\" state-qualifier=\"mt-suggestion\">He said &lt;b&gt;&quot;hello&quot;&lt;/b&gt; &amp; goodbye.</target>"));
        assert!(x.contains("extradata=\"score=0.500;bead=2-1;paragraph=0;src=1,2;tgt=1;flags=not-1-1\""));
        assert!(x.contains("<note from=\"nazir\">score 0.000, 1-0 pair; check: low-score, not-1-1</note>"));
        assert!(x.contains("<note from=\"nazir\">model: opus-mt-ar-en</note>"));
        // The 1-0 unit has no target; the forbidden U+0001 is gone and counted.
        assert!(x.contains("<source xml:lang=\"ar\">رابعة.</source>\n          <note"));
        assert_eq!(w.warnings().len(), 1);
        assert!(x.ends_with("</group>\n    </body>\n  </file>\n</xliff>\n"));
    }

    #[test]
    fn v21_units_with_metadata() {
        let x = render(&mut XliffWriter::new(XliffVersion::V21, TmxOptions::default()));
        assert!(x.contains("version=\"2.1\" srcLang=\"ar\" trgLang=\"en\""));
        assert_eq!(x.matches("<unit ").count(), 3);
        assert_eq!(x.matches("subState=\"nazir:mt-suggestion\"").count(), 2);
        assert!(x.contains("<mda:meta type=\"source-sentences\">1,2</mda:meta>"));
        assert!(x.contains("<segment state=\"initial\">"));
    }
}
