//! Property tests: no input makes segmentation panic, and the segments of any text are that
//! text, in order, without overlap, with only whitespace left out between them. The same for
//! the SRX engine, whose rules are themselves arbitrary input.

use proptest::prelude::*;

use super::srx::{LanguageMap, LanguageRule, SrxDocument, SrxRule};
use super::{export, java, Lang, Segmenter};

/// Text made of what segmentation cares about: Arabic and Latin letters, digits of both
/// systems, terminators, quotes, brackets, Arabic punctuation, marks, bidi controls, spaces.
fn interesting_text() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "قال",
        "د",
        "أ",
        "م",
        "هـ",
        "فيتامين",
        "وقال",
        "سأل",
        "أو",
        "Mr",
        "U.S",
        "J",
        "the",
        "He",
        "said",
        "Fig",
        ".",
        "..",
        "...",
        "…",
        "!",
        "?",
        "؟",
        "!?",
        "۔",
        "\"",
        "'",
        "“",
        "”",
        "«",
        "»",
        "(",
        ")",
        "[",
        "]",
        "،",
        "؛",
        ":",
        ",",
        "٫",
        "3",
        "٣",
        "12",
        "\u{200F}",
        "\u{202A}",
        "\u{202C}",
        "\u{0640}",
        "\u{064E}",
        " ",
        " ",
        "  ",
        "\n",
        "\t",
        "\u{A0}",
        "x",
        "ب",
    ]);
    prop::collection::vec(pieces, 0..40).prop_map(|v| v.concat())
}

/// Checks the segmentation promise for one split of `text`.
fn check_lossless(text: &str, ranges: &[std::ops::Range<usize>]) -> Result<(), TestCaseError> {
    let mut last = 0;
    for r in ranges {
        prop_assert!(r.start >= last, "overlap or disorder: {ranges:?}");
        prop_assert!(r.start < r.end && r.end <= text.len());
        prop_assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
        prop_assert!(text[last..r.start].trim().is_empty(), "non-whitespace lost before {r:?}");
        let s = &text[r.clone()];
        prop_assert_eq!(s.trim(), s, "segments are trimmed");
        last = r.end;
    }
    prop_assert!(text[last..].trim().is_empty(), "non-whitespace lost at the end");
    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let joined: String = ranges.iter().map(|r| &text[r.clone()]).collect();
    prop_assert_eq!(squash(&joined), squash(text));
    Ok(())
}

/// Our exported rules for Arabic and English, compiled once.
fn exported() -> &'static [Segmenter; 2] {
    static CELL: std::sync::OnceLock<[Segmenter; 2]> = std::sync::OnceLock::new();
    CELL.get_or_init(|| {
        let doc = export::our_rules();
        ["ar", "en"].map(|code| Segmenter::from_srx(&doc, code).expect("our export compiles"))
    })
}

fn srx_doc(rules: Vec<(bool, String, String)>) -> SrxDocument {
    SrxDocument {
        source: "prop".into(),
        cascade: false,
        language_rules: vec![LanguageRule {
            name: "x".into(),
            rules: rules
                .into_iter()
                .map(|(is_break, before, after)| SrxRule { is_break, before, after, line: 0, comment: None })
                .collect(),
        }],
        maps: vec![LanguageMap { pattern: ".*".into(), rule: "x".into() }],
    }
}

/// Regex-ish strings: metacharacters, classes, escapes Java and Rust read differently.
fn regexish() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "\\",
        "\\s",
        "\\p{L}",
        "\\p{InArabic}",
        "\\Q",
        "\\E",
        "\\u0645",
        "\\x{41}",
        "\\h",
        "\\<",
        "[",
        "]",
        "^",
        "-",
        "&&",
        "(",
        ")",
        "(?<=",
        "(?<!",
        "(?=",
        "(?!",
        "(?i)",
        "(?U)",
        "*",
        "+",
        "?",
        "{2}",
        "{1,3}",
        "|",
        ".",
        "$",
        "a",
        "د",
        "\\.",
        "\\s+",
        "[.!?]",
        "\\b",
        "\\d",
        "\\1",
        "(?>",
        "*+",
        "#",
    ]);
    prop::collection::vec(pieces, 0..12).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn our_rules_are_lossless_on_interesting_text(text in interesting_text()) {
        for lang in [Lang::Arabic, Lang::English] {
            check_lossless(&text, &Segmenter::new(lang).split(&text))?;
        }
    }

    #[test]
    fn our_rules_are_lossless_on_any_text(text in any::<String>()) {
        for lang in [Lang::Arabic, Lang::English] {
            check_lossless(&text, &Segmenter::new(lang).split(&text))?;
        }
    }

    #[test]
    fn exported_srx_is_lossless(text in interesting_text()) {
        for seg in exported() {
            check_lossless(&text, &seg.split(&text))?;
        }
    }

    #[test]
    fn any_srx_rules_give_an_error_or_a_lossless_split(
        rules in prop::collection::vec((any::<bool>(), regexish(), regexish()), 0..4),
        text in interesting_text(),
    ) {
        // Compiling may fail (with a message naming the rule); it must not panic, nor may splitting.
        if let Ok(seg) = Segmenter::from_srx(&srx_doc(rules), "ar") {
            check_lossless(&text, &seg.split(&text))?;
        }
    }

    #[test]
    fn java_translation_never_panics(pattern in any::<String>()) {
        if let Ok(t) = java::translate(&pattern) {
            let _ = fancy_regex::Regex::new(&t);
        }
    }

    #[test]
    fn srx_parsing_never_panics(xml in any::<String>()) {
        let _ = SrxDocument::parse(&xml, "prop");
        let wrapped = format!("<srx><body><languagerules><languagerule languagerulename=\"x\"><rule><beforebreak>{xml}</beforebreak></rule></languagerule></languagerules><maprules><languagemap languagepattern=\".*\" languagerulename=\"x\"/></maprules></body></srx>");
        if let Ok(doc) = SrxDocument::parse(&wrapped, "prop") {
            let _ = doc.rules_for("ar").map(|s| s.breaks("أ. ب؟ ج"));
        }
    }
}
