//! Paragraphs → sentences.
//!
//! Two engines behind one `Segmenter`: our own rules for Arabic and English (`rules`, matching
//! on a normalised view of the text, see `norm`) or the SRX rules of the user's CAT tool (`srx`).
//! Both return byte ranges into the paragraph, so no character is lost or reordered: the text
//! between two sentences is whitespace only. Never splits on `،` or `؛`.

pub mod eval;
pub mod export;
pub mod java;
pub mod norm;
#[cfg(test)]
mod props;
pub mod rules;
pub mod srx;
pub mod words;

use std::ops::Range;
use std::path::Path;

use crate::bead::{Paragraph, Sentence};
use rules::{ranges_from_breaks, RuleSegmenter};
use srx::{SrxDocument, SrxError, SrxSegmenter};

#[derive(Debug, thiserror::Error)]
pub enum SegmentError {
    #[error(transparent)]
    Srx(#[from] SrxError),
}

/// The language whose rules apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    Arabic,
    English,
}

impl Lang {
    /// Our rules for a language code; languages without rules of their own get the English ones
    /// (Latin-script punctuation), Arabic-script languages the Arabic ones.
    pub fn from_code(code: &str) -> Lang {
        match code.split(['-', '_']).next().unwrap_or(code).to_ascii_lowercase().as_str() {
            "ar" | "arb" | "ara" | "fa" | "fas" | "per" | "ur" | "urd" | "ps" | "pus" | "ckb" | "ug" | "sd" => {
                Lang::Arabic
            }
            _ => Lang::English,
        }
    }
}

/// Splits text into sentences.
#[derive(Clone, Debug)]
pub struct Segmenter {
    lang: Lang,
    engine: Engine,
}

#[derive(Clone, Debug)]
enum Engine {
    Rules(RuleSegmenter),
    Srx(SrxSegmenter),
}

impl Segmenter {
    /// Our rules for `lang`.
    pub fn new(lang: Lang) -> Segmenter {
        Segmenter { lang, engine: Engine::Rules(RuleSegmenter::new(lang)) }
    }

    /// The rules of an SRX document for the language `code` (e.g. `ar`, `en-US`).
    pub fn from_srx(doc: &SrxDocument, code: &str) -> Result<Segmenter, SegmentError> {
        Ok(Segmenter { lang: Lang::from_code(code), engine: Engine::Srx(doc.rules_for(code)?) })
    }

    /// Our rules for `code`, or the rules of the SRX file `srx` when one is given.
    pub fn load(code: &str, srx: Option<&Path>) -> Result<Segmenter, SegmentError> {
        match srx {
            None => Ok(Segmenter::new(Lang::from_code(code))),
            Some(path) => Segmenter::from_srx(&SrxDocument::load(path)?, code),
        }
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// What segments: "built-in Arabic rules" or the SRX file and language.
    pub fn describe(&self) -> String {
        match &self.engine {
            Engine::Rules(_) => format!("built-in {:?} rules", self.lang),
            Engine::Srx(s) => format!("SRX rules from {}", s.description()),
        }
    }

    /// Sentence ranges of `text`, trimmed of surrounding whitespace, in order.
    pub fn split(&self, text: &str) -> Vec<Range<usize>> {
        let breaks = match &self.engine {
            Engine::Rules(r) => r.breaks(text),
            Engine::Srx(s) => s.breaks(text),
        };
        ranges_from_breaks(text, &breaks)
    }

    /// Sentences of a paragraph, numbered from `first_id`.
    pub fn sentences(&self, paragraph: &Paragraph, first_id: usize) -> Vec<Sentence> {
        self.split(&paragraph.text)
            .into_iter()
            .enumerate()
            .map(|(k, r)| {
                let (start, line) = paragraph.locate(r.start);
                let (end, _) = paragraph.locate(r.end);
                Sentence {
                    id: first_id + k,
                    text: output_text(&paragraph.text[r]),
                    paragraph: paragraph.index,
                    span: Some(start..end),
                    line,
                }
            })
            .collect()
    }
}

/// The text a sentence is written out as: line breaks inside it become single spaces.
pub fn output_text(slice: &str) -> String {
    if !slice.contains(['\n', '\r']) {
        return slice.to_string();
    }
    let mut out = String::with_capacity(slice.len());
    for (i, line) in slice.split('\n').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(line.trim_matches(['\r', ' ', '\t']));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(lang: Lang, text: &str) -> Vec<String> {
        Segmenter::new(lang).split(text).into_iter().map(|r| text[r].to_string()).collect()
    }

    #[test]
    fn arabic_rules() {
        let cases: &[(&str, &[&str])] = &[
            ("قال إنه مهم. جاء ذلك في خطاب.", &["قال إنه مهم.", "جاء ذلك في خطاب."]),
            ("هل هذا صحيح؟ نعم!", &["هل هذا صحيح؟", "نعم!"]),
            ("قال، ثم أضاف؛ وانتهى", &["قال، ثم أضاف؛ وانتهى"]),
            ("قال \"انتهى.\" ثم غادر.", &["قال \"انتهى.\"", "ثم غادر."]),
            ("بلغ 3.5 مليون. ثم", &["بلغ 3.5 مليون.", "ثم"]),
            ("قال د. أحمد إنه بخير.", &["قال د. أحمد إنه بخير."]),
            ("انتظر... ثم تكلم", &["انتظر...", "ثم تكلم"]),
        ];
        for (text, want) in cases {
            assert_eq!(split(Lang::Arabic, text), *want, "{text}");
        }
    }

    #[test]
    fn english_abbreviations_do_not_split() {
        assert_eq!(
            split(Lang::English, "Mr. Smith went to Washington. He left."),
            vec!["Mr. Smith went to Washington.", "He left."]
        );
        assert_eq!(split(Lang::English, "The U.S. economy grew."), vec!["The U.S. economy grew."]);
    }

    #[test]
    fn ranges_cover_all_non_whitespace_in_order() {
        let text = "  أ. ب؟ ج!! د \"هـ.\"  و ";
        let ranges = Segmenter::new(Lang::Arabic).split(text);
        let mut rebuilt = String::new();
        let mut last = 0;
        for r in &ranges {
            assert!(r.start >= last);
            assert!(text[last..r.start].trim().is_empty());
            rebuilt.push_str(&text[r.clone()]);
            last = r.end;
        }
        assert!(text[last..].trim().is_empty());
        let strip = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        assert_eq!(strip(&rebuilt), strip(text));
    }

    #[test]
    fn sentence_spans_point_into_the_input_across_lines() {
        let input = "سطر أول\r\nيتابع هنا. جملة";
        let p = Paragraph {
            index: 0,
            text: "سطر أول\nيتابع هنا. جملة".into(),
            start: 0,
            line: 1,
            line_starts: vec![0, "سطر أول\r\n".len()],
        };
        let s = Segmenter::new(Lang::Arabic).sentences(&p, 0);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].text, "سطر أول يتابع هنا.");
        let span = s[1].span.clone().unwrap();
        assert_eq!(&input[span], "جملة");
        assert_eq!(s[1].line, 2);
    }
}
