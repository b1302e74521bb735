//! Reads JSONL, the lossless form: one bead per line, as `output::jsonl` writes it and the
//! review page exports it. Lenient where that costs nothing: unknown fields are ignored, a missing
//! `paragraph` makes the bead its own paragraph, a missing `score` is 1, a missing sentence `id`
//! continues the numbering; `bead` is informative (the `src`/`tgt` arrays decide). Blank lines
//! are skipped.

use serde::Deserialize;

use super::{parse_flags, ConvertError, Header, Input, Unit, UnitReader};
use crate::bead::Sentence;

#[derive(Deserialize)]
struct SentenceIn {
    id: Option<usize>,
    text: String,
    start: Option<usize>,
    end: Option<usize>,
    line: Option<usize>,
}

#[derive(Deserialize)]
struct BeadIn {
    doc: Option<String>,
    src_lang: Option<String>,
    tgt_lang: Option<String>,
    score: Option<f32>,
    #[serde(default)]
    flags: Vec<String>,
    paragraph: Option<usize>,
    #[serde(default)]
    src: Vec<SentenceIn>,
    #[serde(default)]
    tgt: Vec<SentenceIn>,
    model: Option<String>,
}

pub struct JsonlReader {
    input: Input,
    line: usize,
    buf: Vec<u8>,
    header: Header,
    next_src: usize,
    next_tgt: usize,
    units: usize,
}

impl JsonlReader {
    pub(crate) fn new(input: Input) -> JsonlReader {
        JsonlReader { input, line: 0, buf: Vec::new(), header: Header::default(), next_src: 0, next_tgt: 0, units: 0 }
    }

    fn err(&self, msg: impl Into<String>) -> ConvertError {
        ConvertError::Line { path: self.input.name.clone(), line: self.line, msg: msg.into() }
    }

    fn sentences(
        &self,
        list: Vec<SentenceIn>,
        next: &mut usize,
        paragraph: usize,
    ) -> Result<Vec<Sentence>, ConvertError> {
        list.into_iter()
            .map(|s| {
                let id = s.id.unwrap_or(*next);
                *next = id.saturating_add(1);
                let span = match (s.start, s.end) {
                    (Some(a), Some(b)) if a <= b => Some(a..b),
                    (None, None) => None,
                    _ => return Err(self.err(format!("sentence {id}: start and end must both be given, start ≤ end"))),
                };
                Ok(Sentence { id, text: s.text, paragraph, span, line: s.line.unwrap_or(0) })
            })
            .collect()
    }
}

impl UnitReader for JsonlReader {
    fn next_unit(&mut self) -> Result<Option<Unit>, ConvertError> {
        loop {
            if !self.input.next_line(&mut self.buf, &mut self.line)? {
                return Ok(None);
            }
            let text = std::str::from_utf8(&self.buf)
                .map_err(|e| self.err(format!("invalid UTF-8 at column {}", e.valid_up_to() + 1)))?;
            if text.trim().is_empty() {
                continue;
            }
            let bead: BeadIn = serde_json::from_str(text).map_err(|e| {
                // serde_json's message ends with "at line 1 column N": keep the column only.
                let msg = e.to_string();
                let msg = msg.rsplit_once(" at line ").map_or(msg.as_str(), |(m, _)| m).to_string();
                self.err(format!(
                    "{msg} (column {}); each line must be one JSON object with src and tgt arrays",
                    e.column()
                ))
            })?;
            if self.header.doc.is_none() {
                self.header.doc = bead.doc.clone();
                self.header.src_lang = bead.src_lang.clone();
                self.header.tgt_lang = bead.tgt_lang.clone();
                self.header.model = bead.model.clone();
            }
            let score = bead.score.unwrap_or(1.0);
            if !(0.0..=1.0).contains(&score) {
                return Err(self.err(format!("score {score} is not between 0 and 1")));
            }
            let flags = parse_flags(bead.flags.iter().map(String::as_str)).map_err(|m| self.err(m))?;
            let paragraph = bead.paragraph.unwrap_or(self.units);
            self.units += 1;
            let mut next = self.next_src;
            let src = self.sentences(bead.src, &mut next, paragraph)?;
            self.next_src = next;
            let mut next = self.next_tgt;
            let tgt = self.sentences(bead.tgt, &mut next, paragraph)?;
            self.next_tgt = next;
            if src.is_empty() && tgt.is_empty() {
                return Err(self.err("a bead with no sentence on either side"));
            }
            return Ok(Some(Unit { paragraph, src, tgt, score, flags }));
        }
    }

    fn header(&self) -> &Header {
        &self.header
    }
}
