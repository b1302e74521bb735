//! JSON Lines: one bead per line, the lossless form every other format can be made from.
//!
//! `{"doc", "src_lang", "tgt_lang", "bead", "score", "flags", "paragraph",
//!   "src": [{"id", "text", "start", "end", "line"}], "tgt": [{"id", "text"}], "model"}`
//! Offsets are byte offsets into the decoded (UTF-8) input; ids are 0-based per side.

use std::io::{self, Write};

use serde::{Deserialize, Serialize};

use super::Writer;
use crate::bead::{Aligned, Meta, Sentence};

#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct JsonSentence {
    pub id: usize,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

impl From<&Sentence> for JsonSentence {
    fn from(s: &Sentence) -> Self {
        JsonSentence {
            id: s.id,
            text: s.text.clone(),
            start: s.span.as_ref().map(|r| r.start),
            end: s.span.as_ref().map(|r| r.end),
            line: (s.line > 0).then_some(s.line),
        }
    }
}

/// One line of the JSONL output.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
pub struct JsonBead {
    pub doc: String,
    pub src_lang: String,
    pub tgt_lang: String,
    pub bead: String,
    pub score: f32,
    pub flags: Vec<String>,
    pub paragraph: usize,
    pub src: Vec<JsonSentence>,
    pub tgt: Vec<JsonSentence>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
}

#[derive(Default)]
pub struct JsonlWriter {
    meta: Option<Meta>,
}

impl Writer for JsonlWriter {
    fn begin(&mut self, meta: &Meta, _out: &mut dyn Write) -> io::Result<()> {
        self.meta = Some(meta.clone());
        Ok(())
    }

    fn write(&mut self, part: &Aligned, out: &mut dyn Write) -> io::Result<()> {
        let meta = self.meta.as_ref().ok_or_else(|| io::Error::other("JSONL writer used before begin"))?;
        for bead in &part.beads {
            let line = JsonBead {
                doc: meta.input.clone(),
                src_lang: meta.src_lang.clone(),
                tgt_lang: meta.tgt_lang.clone(),
                bead: bead.kind(),
                score: bead.score,
                flags: bead.flags.labels().map(String::from).collect(),
                paragraph: part.paragraph_of(bead),
                src: part.src_of(bead).iter().map(JsonSentence::from).collect(),
                tgt: part.tgt_of(bead).iter().map(JsonSentence::from).collect(),
                model: meta.model.clone(),
            };
            serde_json::to_writer(&mut *out, &line)?;
            out.write_all(b"\n")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::test_data::render;

    #[test]
    fn one_valid_object_per_bead() {
        let text = render(&mut JsonlWriter::default());
        let beads: Vec<JsonBead> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(beads.len(), 3);
        assert_eq!(beads[1].bead, "2-1");
        assert_eq!(beads[1].src.iter().map(|s| s.id).collect::<Vec<_>>(), vec![1, 2]);
        assert_eq!(beads[0].src[0].start, Some(0));
        assert_eq!(beads[2].tgt, vec![]);
        assert_eq!(beads[2].flags, vec!["low-score", "not-1-1"]);
        assert_eq!(beads[0].src[0].text, "قال <b>\"مرحبا\"</b> & وداعا.");
    }
}
