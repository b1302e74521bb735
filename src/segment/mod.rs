//! Paragraphs → sentences.
//!
//! Splits after `. ! ? ؟ … ۔` (and runs of them), carrying closing quotes and brackets with the
//! terminator; never splits on `،` or `؛`. Splitting returns byte ranges into the paragraph, so
//! no character is lost or reordered: the text between two sentences is whitespace only.

use std::ops::Range;

use crate::bead::{Paragraph, Sentence};

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
        match code.split(['-', '_']).next().unwrap_or(code) {
            "ar" | "arb" | "fa" | "ur" | "ps" | "ckb" => Lang::Arabic,
            _ => Lang::English,
        }
    }
}

/// Splits text into sentences with a fixed set of rules.
#[derive(Clone, Debug)]
pub struct Segmenter {
    lang: Lang,
}

const TERMINATORS: &[char] = &['.', '!', '?', '؟', '…', '۔', '‼', '⁇', '⁈', '⁉'];
const CLOSERS: &[char] =
    &['"', '\'', '»', '”', '’', ')', ']', '}', '›', '\u{200F}', '\u{200E}', '\u{202C}', '\u{2069}'];

/// English abbreviations after which a period does not end a sentence.
const EN_ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs", "etc", "e.g", "i.e", "inc", "ltd", "co", "corp", "no",
    "gen", "gov", "sen", "rep", "col", "lt", "sgt", "capt", "mt", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
    "sep", "sept", "oct", "nov", "dec", "u.s", "u.k", "u.n",
];

impl Segmenter {
    pub fn new(lang: Lang) -> Segmenter {
        Segmenter { lang }
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// Sentence ranges of `text`, trimmed of surrounding whitespace, in order.
    pub fn split(&self, text: &str) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        let mut start = 0;
        let mut iter = text.char_indices().peekable();
        while let Some((i, c)) = iter.next() {
            if !TERMINATORS.contains(&c) {
                continue;
            }
            // Take the whole run of terminators and closers: `?!`, `..."`, `.»`.
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = iter.peek() {
                if TERMINATORS.contains(&d) || CLOSERS.contains(&d) {
                    end = j + d.len_utf8();
                    iter.next();
                } else {
                    break;
                }
            }
            let followed_by_space = text[end..].chars().next().is_none_or(char::is_whitespace);
            if !followed_by_space || (c == '.' && self.is_abbreviation(&text[start..i])) {
                continue;
            }
            push_trimmed(text, start..end, &mut out);
            start = end;
        }
        push_trimmed(text, start..text.len(), &mut out);
        out
    }

    /// Is the word before a period an abbreviation that does not end the sentence?
    fn is_abbreviation(&self, before: &str) -> bool {
        let word = before.rsplit(char::is_whitespace).next().unwrap_or("");
        match self.lang {
            Lang::English => {
                let lower = word.trim_start_matches(['(', '"', '“']).to_lowercase();
                EN_ABBREVIATIONS.contains(&lower.as_str())
                    || (lower.chars().count() == 1 && lower.chars().all(char::is_alphabetic))
            }
            // A lone Arabic letter before a period is usually an abbreviation (د. for doctor,
            // أ. for professor); a sentence ending in a one-letter word is rare.
            Lang::Arabic => word.chars().count() == 1 && word.chars().all(|c| ('\u{0621}'..='\u{064A}').contains(&c)),
        }
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

fn push_trimmed(text: &str, range: Range<usize>, out: &mut Vec<Range<usize>>) {
    let s = &text[range.clone()];
    let trimmed_start = s.len() - s.trim_start().len();
    let trimmed_end = s.trim_end().len();
    if trimmed_end > trimmed_start {
        out.push(range.start + trimmed_start..range.start + trimmed_end);
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
