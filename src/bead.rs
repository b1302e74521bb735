//! The data model every stage shares: paragraphs, sentences and beads.
//!
//! A *bead* links a run of consecutive source sentences with a run of consecutive target
//! sentences (vecalign's term): 1-1 when a sentence has one translation, 2-1 or 1-2 when a
//! sentence was split or merged, 1-0 or 0-1 when one side has nothing. Every sentence of both
//! sides is in exactly one bead, in order; `Aligned::check` verifies that and tests call it.

use std::fmt;
use std::ops::Range;

use serde::{Deserialize, Serialize};

/// A unit of input text that sentences never cross: a block between blank lines, or one line of
/// a block when the lines are list items, headings or captions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paragraph {
    /// 0-based index in the document.
    pub index: usize,
    /// The text exactly as in the input (it may hold line breaks of a hard-wrapped block).
    pub text: String,
    /// Byte offset of `text` in the decoded (UTF-8) input.
    pub start: usize,
    /// 1-based line number where the paragraph starts.
    pub line: usize,
    /// Byte offset in the decoded input of each line of `text` (lines are joined by '\n' in
    /// `text`, whatever their terminators were in the input).
    #[serde(skip)]
    pub line_starts: Vec<usize>,
}

impl Paragraph {
    /// Maps a byte offset in `text` to the byte offset in the decoded input and its line number.
    pub fn locate(&self, offset: usize) -> (usize, usize) {
        let mut line_start_in_text = 0;
        for (k, line) in self.text.split('\n').enumerate() {
            let end = line_start_in_text + line.len();
            if offset <= end || k + 1 == self.line_starts.len() {
                let base = self.line_starts.get(k).copied().unwrap_or(self.start);
                return (base + offset.saturating_sub(line_start_in_text), self.line + k);
            }
            line_start_in_text = end + 1;
        }
        (self.start + offset, self.line)
    }
}

/// One sentence of either side.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sentence {
    /// 0-based index among the sentences of its side, over the whole document.
    pub id: usize,
    /// The text written to outputs: the input slice with inner line breaks turned into spaces.
    pub text: String,
    /// Index of the paragraph it belongs to.
    pub paragraph: usize,
    /// Byte range in the decoded input; `None` for machine output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<Range<usize>>,
    /// 1-based line where it starts in the input; 0 for machine output.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub line: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// What a reviewer should look at; a bead can carry several.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Flags(u16);

macro_rules! flags {
    ($($(#[$doc:meta])* $name:ident = $bit:expr, $label:literal;)*) => {
        impl Flags {
            $($(#[$doc])* pub const $name: Flags = Flags(1 << $bit);)*
            /// Every flag with its label, in display order.
            pub const ALL: &'static [(Flags, &'static str)] = &[$((Flags::$name, $label)),*];
        }
    };
}

flags! {
    /// The score is below the low-score threshold.
    LOW_SCORE = 0, "low-score";
    /// The length ratio of the two sides is far from the document's typical ratio.
    LENGTH_RATIO = 1, "length-ratio";
    /// The numbers on the two sides differ.
    NUMBER_MISMATCH = 2, "number-mismatch";
    /// The target is identical to the source, or the model copied it.
    UNTRANSLATED = 3, "untranslated";
    /// The source was longer than the model accepts and was translated in pieces.
    SPLIT_FOR_MODEL = 4, "split-for-model";
    /// Not a 1-1 bead (n-m, 1-0 or 0-1).
    NOT_ONE_TO_ONE = 5, "not-1-1";
    /// A reviewer changed the pair (set by the review page's export).
    EDITED = 6, "edited";
    /// A reviewer checked the pair and accepted it (set by the review page's export).
    CONFIRMED = 7, "confirmed";
    /// A reviewer checked the pair and rejected it: the page's TMX export leaves it out.
    REJECTED = 8, "rejected";
}

impl Flags {
    pub const NONE: Flags = Flags(0);

    pub fn contains(self, other: Flags) -> bool {
        self.0 & other.0 == other.0 && other.0 != 0
    }
    pub fn insert(&mut self, other: Flags) {
        self.0 |= other.0;
    }
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    pub fn bits(self) -> u16 {
        self.0
    }
    /// Flags from `bits()`; unknown bits are dropped.
    pub fn from_bits(bits: u16) -> Flags {
        let known = Flags::ALL.iter().fold(0, |acc, (f, _)| acc | f.0);
        Flags(bits & known)
    }
    /// Labels of the flags that are set, e.g. `["low-score", "not-1-1"]`.
    pub fn labels(self) -> impl Iterator<Item = &'static str> {
        Flags::ALL.iter().filter(move |(f, _)| self.contains(*f)).map(|(_, l)| *l)
    }
    /// The flag with this label, if any.
    pub fn from_label(label: &str) -> Option<Flags> {
        Flags::ALL.iter().find(|(_, l)| *l == label).map(|(f, _)| *f)
    }
}

impl std::ops::BitOr for Flags {
    type Output = Flags;
    fn bitor(self, rhs: Flags) -> Flags {
        Flags(self.0 | rhs.0)
    }
}

impl fmt::Display for Flags {
    /// Comma-separated labels, empty when no flag is set.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, label) in self.labels().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            f.write_str(label)?;
        }
        Ok(())
    }
}

/// A link between consecutive source and target sentences.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bead {
    /// Indices into `Aligned::source`.
    pub src: Range<usize>,
    /// Indices into `Aligned::target`.
    pub tgt: Range<usize>,
    /// How sure the aligner or the model is, from 0 (no evidence) to 1.
    pub score: f32,
    pub flags: Flags,
}

impl Bead {
    /// The bead's shape as the field writes it: "1-1", "2-1", "0-1" …
    pub fn kind(&self) -> String {
        format!("{}-{}", self.src.len(), self.tgt.len())
    }
}

/// Facts about a run that writers put in headers.
#[derive(Clone, Debug)]
pub struct Meta {
    /// The input's name as the user gave it ("-" for standard input).
    pub input: String,
    pub src_lang: String,
    pub tgt_lang: String,
    /// What produced the target side: a model's name, or a file's.
    pub model: Option<String>,
    pub created: time::OffsetDateTime,
}

impl Meta {
    /// The creation time written into outputs (TMX, XLIFF, HTML): now, or `$SOURCE_DATE_EPOCH`
    /// (seconds since 1970, the reproducible-builds.org convention) so that two runs over the
    /// same input write byte-identical files. A value that is not a number is ignored (the
    /// convention asks for an error; a wrong date is not worth failing a translation for).
    pub fn creation_time() -> time::OffsetDateTime {
        std::env::var("SOURCE_DATE_EPOCH")
            .ok()
            .and_then(|v| v.trim().parse::<i64>().ok())
            .and_then(|secs| time::OffsetDateTime::from_unix_timestamp(secs).ok())
            .unwrap_or_else(time::OffsetDateTime::now_utc)
    }
}

/// Aligned sentences of one stretch of a document; a long document comes as several.
#[derive(Clone, Debug, Default)]
pub struct Aligned {
    pub paragraphs: Vec<Paragraph>,
    pub source: Vec<Sentence>,
    pub target: Vec<Sentence>,
    pub beads: Vec<Bead>,
}

impl Aligned {
    pub fn src_of(&self, bead: &Bead) -> &[Sentence] {
        &self.source[bead.src.clone()]
    }
    pub fn tgt_of(&self, bead: &Bead) -> &[Sentence] {
        &self.target[bead.tgt.clone()]
    }
    /// The text of one side of a bead: its sentences joined by a space. Empty sentences add
    /// nothing (a bead read back from a pair format holds its text in its first sentence).
    pub fn join(sentences: &[Sentence]) -> String {
        let mut out = String::new();
        for s in sentences.iter().filter(|s| !s.text.is_empty()) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&s.text);
        }
        out
    }
    /// The paragraph a bead belongs to: that of its first source sentence, else of its target.
    pub fn paragraph_of(&self, bead: &Bead) -> usize {
        self.src_of(bead).first().or_else(|| self.tgt_of(bead).first()).map_or(0, |s| s.paragraph)
    }

    /// Checks the bead invariant: beads cover every sentence of both sides exactly once, in order.
    pub fn check(&self) -> Result<(), String> {
        let (mut s, mut t) = (0, 0);
        for (i, b) in self.beads.iter().enumerate() {
            if b.src.start != s || b.tgt.start != t {
                return Err(format!("bead {i} starts at {}/{}, expected {s}/{t}", b.src.start, b.tgt.start));
            }
            if b.src.is_empty() && b.tgt.is_empty() {
                return Err(format!("bead {i} is empty"));
            }
            s = b.src.end;
            t = b.tgt.end;
        }
        if s != self.source.len() || t != self.target.len() {
            return Err(format!(
                "beads end at {s}/{t} but there are {}/{} sentences",
                self.source.len(),
                self.target.len()
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentence(id: usize) -> Sentence {
        Sentence { id, text: format!("s{id}"), paragraph: 0, span: None, line: 0 }
    }

    #[test]
    fn flags_have_unique_labels_and_round_trip() {
        let all = Flags::ALL.iter().fold(Flags::NONE, |acc, (f, _)| acc | *f);
        let labels: Vec<_> = all.labels().collect();
        assert_eq!(labels.len(), Flags::ALL.len());
        for label in labels {
            assert_eq!(Flags::from_label(label).map(|f| f.labels().next()), Some(Some(label)));
        }
        assert_eq!((Flags::LOW_SCORE | Flags::NOT_ONE_TO_ONE).to_string(), "low-score,not-1-1");
        assert!(!Flags::NONE.contains(Flags::NONE));
    }

    #[test]
    fn check_finds_gaps_and_accepts_covering_beads() {
        let mut a = Aligned {
            source: (0..3).map(sentence).collect(),
            target: (0..2).map(sentence).collect(),
            ..Default::default()
        };
        a.beads = vec![
            Bead { src: 0..2, tgt: 0..1, score: 1.0, flags: Flags::NONE },
            Bead { src: 2..3, tgt: 1..1, score: 0.0, flags: Flags::NONE },
            Bead { src: 3..3, tgt: 1..2, score: 0.0, flags: Flags::NONE },
        ];
        assert_eq!(a.check(), Ok(()));
        assert_eq!(a.beads[0].kind(), "2-1");
        a.beads.remove(1);
        assert!(a.check().is_err());
    }
}
