//! The clean-corpus filters: why a pair is not fit for training, one reason per pair.
//!
//! `corpus merge` applies them (and global de-duplication) and writes every rejected pair with
//! its reason; a corpus run counts them per file with the default settings as a preview. The
//! checks are deliberately simple and explainable, the kind OPUS and ParaCrawl cleaning applies.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::align::checks::{arabic_share, numbers};
use crate::bead::Flags;

/// Why a pair was rejected. The order of the variants is the order of the checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    /// A side has fewer words than `min_words` (an empty side of a 1-0 or 0-1 bead, too).
    TooShort,
    /// A side has more words than `max_words`.
    TooLong,
    /// The source is not mostly Arabic script (checked when the source language is Arabic).
    NonArabicSource,
    /// Both sides are the same text (untranslated, or a copied number or name).
    IdenticalSides,
    /// The numbers on the two sides differ.
    NumberMismatch,
    /// One side is more than `max_ratio` times longer than the other, in characters.
    LengthRatio,
    /// The score is below `min_score`.
    LowScore,
    /// A reviewer rejected the pair on the review page.
    ReviewerRejected,
    /// The same pair was already kept (global de-duplication; `corpus merge` only).
    Duplicate,
}

impl Reason {
    pub const ALL: [Reason; 9] = [
        Reason::TooShort,
        Reason::TooLong,
        Reason::NonArabicSource,
        Reason::IdenticalSides,
        Reason::NumberMismatch,
        Reason::LengthRatio,
        Reason::LowScore,
        Reason::ReviewerRejected,
        Reason::Duplicate,
    ];

    /// The label written in reports and the rejected file: `too-short`, `low-score` …
    pub fn label(self) -> &'static str {
        match self {
            Reason::TooShort => "too-short",
            Reason::TooLong => "too-long",
            Reason::NonArabicSource => "non-arabic-source",
            Reason::IdenticalSides => "identical-sides",
            Reason::NumberMismatch => "number-mismatch",
            Reason::LengthRatio => "length-ratio",
            Reason::LowScore => "low-score",
            Reason::ReviewerRejected => "reviewer-rejected",
            Reason::Duplicate => "duplicate",
        }
    }
}

/// Where the filters trip.
#[derive(Clone, Debug, PartialEq)]
pub struct FilterOptions {
    pub min_score: f32,
    /// Longest side / shortest side, in non-space characters.
    pub max_ratio: f64,
    pub min_words: usize,
    pub max_words: usize,
    /// Reject pairs whose numbers differ.
    pub numbers: bool,
    /// Check that the source is Arabic (set when the source language is Arabic).
    pub arabic_source: bool,
}

impl Default for FilterOptions {
    fn default() -> Self {
        // min_score as --low-score's default; 3× in characters is looser than the 2.5× around
        // the document's own ratio that flags a pair for review, since the corpus has no single
        // typical ratio; 250 words is about where MT training pipelines cut sentences.
        FilterOptions {
            min_score: 0.3,
            max_ratio: 3.0,
            min_words: 1,
            max_words: 250,
            numbers: true,
            arabic_source: true,
        }
    }
}

/// The first reason to reject a pair, or `None` to keep it (de-duplication is the caller's).
pub fn check(src: &str, tgt: &str, score: f32, flags: Flags, o: &FilterOptions) -> Option<Reason> {
    let (sw, tw) = (src.split_whitespace().count(), tgt.split_whitespace().count());
    if sw < o.min_words || tw < o.min_words || sw == 0 || tw == 0 {
        return Some(Reason::TooShort);
    }
    if sw > o.max_words || tw > o.max_words {
        return Some(Reason::TooLong);
    }
    if o.arabic_source && arabic_share(src) < 0.5 {
        return Some(Reason::NonArabicSource);
    }
    if normalise(src) == normalise(tgt) {
        return Some(Reason::IdenticalSides);
    }
    if o.numbers && numbers(src) != numbers(tgt) {
        return Some(Reason::NumberMismatch);
    }
    let (a, b) = (visible_len(src).max(1) as f64, visible_len(tgt).max(1) as f64);
    if a.max(b) / a.min(b) > o.max_ratio {
        return Some(Reason::LengthRatio);
    }
    if score < o.min_score {
        return Some(Reason::LowScore);
    }
    if flags.contains(Flags::REJECTED) {
        return Some(Reason::ReviewerRejected);
    }
    None
}

/// Whether a language tag is Arabic (ar, ara, arb, ar-SA …).
pub fn is_arabic(lang: &str) -> bool {
    let primary = lang.split('-').next().unwrap_or(lang).to_ascii_lowercase();
    matches!(primary.as_str(), "ar" | "ara" | "arb")
}

/// Whitespace collapsed and case folded: the form pairs are compared and de-duplicated in.
pub fn normalise(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

fn visible_len(text: &str) -> usize {
    text.chars().filter(|c| !c.is_whitespace()).count()
}

/// Counts by reason label, in check order (for reports).
pub fn count_map(counts: &BTreeMap<Reason, usize>) -> BTreeMap<String, usize> {
    counts.iter().map(|(r, n)| (r.label().to_string(), *n)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_reason_with_an_example() {
        let o = FilterOptions::default();
        let ok = ("قال الرئيس إن الاجتماع سيعقد غدا.", "The president said the meeting would be held tomorrow.");
        assert_eq!(check(ok.0, ok.1, 0.9, Flags::NONE, &o), None);
        let cases: [(&str, &str, f32, Flags, Reason); 8] = [
            ("قال الرئيس.", "", 0.9, Flags::NONE, Reason::TooShort),
            (&"كلمة ".repeat(300), &"word ".repeat(300), 0.9, Flags::NONE, Reason::TooLong),
            ("The meeting is tomorrow.", "The meeting is tomorrow!", 0.9, Flags::NONE, Reason::NonArabicSource),
            ("قال الرئيس  إن", "قال الرئيس إن", 0.9, Flags::NONE, Reason::IdenticalSides),
            ("في عام 1991 انهار الاتحاد", "In 1992 the union collapsed", 0.9, Flags::NONE, Reason::NumberMismatch),
            (
                "قال الرئيس إن الاجتماع سيعقد غدا في المقر الرئيسي للحكومة.",
                "Yes.",
                0.9,
                Flags::NONE,
                Reason::LengthRatio,
            ),
            (ok.0, ok.1, 0.2, Flags::NONE, Reason::LowScore),
            (ok.0, ok.1, 0.9, Flags::REJECTED, Reason::ReviewerRejected),
        ];
        for (src, tgt, score, flags, want) in cases {
            assert_eq!(check(src, tgt, score, flags, &o), Some(want), "{src} | {tgt}");
        }
        let lax = FilterOptions { numbers: false, ..o };
        assert_eq!(check("في عام 1991 انهار الاتحاد", "In 1992 the union collapsed", 0.9, Flags::NONE, &lax), None);
    }

    #[test]
    fn labels_are_unique() {
        let mut labels: Vec<_> = Reason::ALL.iter().map(|r| r.label()).collect();
        labels.sort();
        labels.dedup();
        assert_eq!(labels.len(), Reason::ALL.len());
    }
}
