//! Our rules written as SRX 2.0 with Java regular expressions, so a CAT tool (OmegaT, Okapi …)
//! can segment the way we do: `align segment --export-srx rules.srx`.
//!
//! Each rule of `rules::RULES` has a rendering here, in the same order, followed by the default
//! break. SRX has no normalised view and no state, so the patterns allow bidi marks where they
//! matter and the rules in `APPROXIMATE` are close but not exact (the reasons are listed there);
//! a test checks that the exported file splits every rule's examples as our engine does.

use super::norm;
use super::rules::{Langs, RULES};
use super::srx::{LanguageMap, LanguageRule, SrxDocument, SrxRule};
use super::words::*;

/// Rules whose SRX form is an approximation, and why.
pub const APPROXIMATE: &[(&str, &str)] = &[
    (
        "enumerator",
        "SRX has no state: \"first word of the sentence\" becomes \"after a terminator and space, or at the start\"",
    ),
    ("quote-attribution", "the reporting verb and the end of the clause are looked for within a fixed number of words"),
    ("ar-quote-after-quote", "a following quotation that does not close counts only if it has three words"),
    (
        "ar-quoted-sentence",
        "quotation marks are paired by position only (the engine tracks them through the paragraph)",
    ),
    ("word lists", "words after a break are matched without skipping diacritics or tatweel inside them"),
];

/// Terminators, as a class body.
const TERMS: &str = r".!?؟…۔‼⁇⁈⁉！？。";
/// Closing quotes and brackets, and the invisible format characters that may sit among them.
const CLOSERS: &str = r#""'“”‘’«»‹›„‚)\]}﴾）］\u00AD\u061C\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF"#;
/// Opening quotes and brackets (and format characters) before a word.
const OPENERS: &str =
    r#""'“”‘’«»‹›„‚(\[{﴿（［¿¡\u00AD\u061C\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF"#;
/// Marks and tatweel skipped inside Arabic words.
const MARKS: &str = r"\u0610-\u061A\u0640\u064B-\u065F\u0670\u06D6-\u06DC\u06DF-\u06E4\u06E7\u06E8\u06EA-\u06ED";
/// Arabic-script letters.
const AR_LETTER: &str = r"\u0620-\u063F\u0641-\u064A\u066E\u066F\u0671-\u06D3\u06D5\u06EE\u06EF\u06FA-\u06FC\u06FF";
/// Whitespace, Java's \s being ASCII only.
const SPACE: &str = r"[\s\p{Z}]";
/// Digits of the three digit systems.
const DIGIT: &str = r"[0-9\u0660-\u0669\u06F0-\u06F9]";

/// The start of a token: the text start, whitespace or an opener before it.
fn tok_start() -> String {
    format!(r"(?<![^\s\p{{Z}}{OPENERS}])")
}

/// An alternation of words, `|`-joined, regex-escaped, with Arabic alef and ya variants.
fn alternation(words: &[&str]) -> String {
    let mut out: Vec<String> = Vec::new();
    for w in words {
        let mut p = String::new();
        for c in w.chars() {
            match c {
                'ا' | 'أ' | 'إ' | 'آ' | 'ٱ' => p.push_str("[اأإآٱ]"),
                'ي' | 'ى' => p.push_str("[يى]"),
                '.' => p.push_str(r"\."),
                c if c.is_alphanumeric() || !c.is_ascii() => p.push(c),
                c => {
                    p.push('\\');
                    p.push(c);
                }
            }
        }
        if !out.contains(&p) {
            out.push(p);
        }
    }
    // Longer words first, so that "Sept" is tried before "Sep" inside a larger pattern.
    out.sort_by_key(|p| std::cmp::Reverse(p.len()));
    out.join("|")
}

/// Like `alternation`, allowing harakat and tatweel after every letter (ردّ, قالَ).
fn marked_alternation(words: &[&str]) -> String {
    let plain = alternation(words);
    let mut out = String::new();
    let mut in_class = false;
    for c in plain.chars() {
        out.push(c);
        match c {
            '[' => in_class = true,
            ']' => {
                in_class = false;
                out.push_str(r"[\u064B-\u0652\u0640]*");
            }
            '|' => {}
            c if !in_class && !c.is_ascii() => out.push_str(r"[\u064B-\u0652\u0640]*"),
            _ => {}
        }
    }
    out
}

/// An Arabic abbreviation: one letter (with its marks), or letters joined by periods, then the period.
fn ar_abbreviation() -> String {
    format!(r"[{AR_LETTER}][{MARKS}]*(?:\.[{AR_LETTER}][{MARKS}]*)*\.")
}

/// After the break: whitespace, openers, then a word that is none of `words`, not Arabic when
/// `latin`, and not a number when `no_digit`.
fn next_word_not(words: &str, latin: bool, no_digit: bool) -> String {
    let first = if latin { format!(r"[^\s\p{{Z}}{AR_LETTER}]") } else { r"[^\s\p{Z}]".to_string() };
    let digit = if no_digit { format!("(?!{DIGIT})") } else { String::new() };
    format!(r"{SPACE}+[{OPENERS}]*{digit}(?!(?:{words})(?![\p{{L}}\p{{M}}\p{{N}}])){first}")
}

fn rule(is_break: bool, before: String, after: String, comment: &str) -> SrxRule {
    SrxRule { is_break, before, after, line: 0, comment: Some(comment.to_string()) }
}

/// The SRX rules that render one of our rules.
fn render(name: &str) -> Vec<SrxRule> {
    let ts = tok_start();
    let en_starters = alternation(EN_STARTERS);
    let starters = format!("{}|{}", alternation(AR_STARTERS), en_starters);
    let after_space = SPACE.to_string();
    let no = false;
    let yes = true;
    match name {
        "bracketed-interjection" => vec![rule(
            no,
            r"(?<![^\s\p{Z}])\((?:[!?؟‼⁇⁈⁉！？]+|\.{2,}|…)\)".to_string(),
            after_space,
            "(!) (?) inside a sentence",
        )],
        "enumerator" => vec![rule(
            no,
            format!(r"(?:^|[{TERMS}][{CLOSERS}]*{SPACE}+)(?:{DIGIT}{{1,3}}|\p{{L}})\."),
            after_space,
            "1. / أ. numbering a list item at the start of a sentence",
        )],
        "lowercase-continues" => vec![
            rule(
                no,
                r"(?:\.+|…)".to_string(),
                format!(r"{SPACE}+[{OPENERS}]*\p{{Ll}}"),
                "English: a lower-case word after a period or an ellipsis continues the sentence",
            ),
            rule(
                no,
                format!(r"[{TERMS}][{TERMS}{CLOSERS}]*[{CLOSERS}]"),
                format!(r"{SPACE}+[{OPENERS}]*\p{{Ll}}"),
                "English: a lower-case word after a closing quote continues the sentence (\"Why?\" she asked)",
            ),
        ],
        "en-never-final" => vec![rule(
            no,
            format!(r"{ts}(?i:{})\.", alternation(EN_NEVER_END)),
            after_space,
            "e.g. i.e. vs. cf. never end a sentence",
        )],
        "abbreviation-before-number" => vec![rule(
            no,
            format!(r"{ts}(?:(?i:{})\.|{})", alternation(EN_BEFORE_NUMBER), ar_abbreviation()),
            format!(r"{SPACE}+[{OPENERS}]*{DIGIT}"),
            "No. 5, p. 12, Nov. 6, ص. 12",
        )],
        "en-title" => vec![rule(
            no,
            format!(r"{ts}(?i:{})\.", alternation(EN_TITLES)),
            next_word_not(&en_starters, true, false),
            "Mr. Dr. Sen. … before a name",
        )],
        "en-abbreviation" => {
            let after = next_word_not(&en_starters, true, true);
            vec![
                rule(
                    no,
                    format!(r"{ts}(?i:{})\.", alternation(EN_MAY_END)),
                    after.clone(),
                    "U.S., Inc., a.m. … end a sentence only before a word that starts one",
                ),
                rule(
                    no,
                    format!(r"{ts}(?:{})\.", alternation(EN_CAPITALISED)),
                    after.clone(),
                    "Nov., Calif. … (with their capital)",
                ),
                rule(no, format!(r"{ts}\p{{Lu}}(?:\.\p{{Lu}})*\."), after, "initials: J. R. R. Tolkien"),
            ]
        }
        "quote-attribution" => {
            let quote_end = format!(r#"[{TERMS}][{TERMS}{CLOSERS}]*["'“”‘’«»‹›][{CLOSERS}]*"#);
            // After the verb: the clause ends at it or within two words, no word introducing
            // new speech with a colon, or the text ends.
            let end = r#"[.,،;؛!?؟…]["'“”‘’«»‹›)\]]*(?![^\s\p{Z}])"#;
            let mid = r#"[^\s\p{Z}]*[^\s\p{Z}:.,،;؛!?؟…"'“”‘’«»‹›)\]]"#;
            let tail = format!(
                r"(?:{end}|(?:{SPACE}+{mid}){{0,1}}{SPACE}+[^\s\p{{Z}}]*?{end}|(?:{SPACE}+{mid}){{0,2}}{SPACE}*$)"
            );
            let ar_verbs = marked_alternation(AR_REPORTING);
            let ar_as = alternation(AR_AS);
            vec![
                rule(
                    no,
                    quote_end.clone(),
                    format!(
                        r"{SPACE}+(?!(?:He|She|They|We|I|It|You)(?![\p{{L}}\p{{M}}]))(?:{mid}{SPACE}+){{0,2}}(?i:{})(?![\p{{L}}\p{{M}}]){tail}",
                        alternation(EN_REPORTING)
                    ),
                    "a quotation followed by who said it: \"Are you ready?\" CNN reported.",
                ),
                rule(
                    no,
                    quote_end,
                    format!(r"{SPACE}+(?:(?:{ar_as})(?:{SPACE}+ما)?{SPACE}+)?(?:{ar_verbs})(?![\p{{L}}\p{{M}}]){tail}"),
                    "a quotation followed by who said it: \"…؟\" سأل مارتن. / \"…\" كما أضاف هاميل.",
                ),
            ]
        }
        "ar-letter-ends-sentence" => vec![
            rule(
                yes,
                format!(r"(?<![^\s\p{{Z}}])(?:{}){SPACE}+[{AR_LETTER}][{MARKS}]*\.", alternation(AR_LETTER_NAMERS)),
                after_space.clone(),
                "فيتامين د. / الفئة ب.: a letter ending the sentence",
            ),
            rule(
                yes,
                format!(r"{ts}{}", ar_abbreviation()),
                format!(r"{SPACE}+[{OPENERS}]*(?:{starters})(?![\p{{L}}\p{{M}}\p{{N}}])"),
                "a single letter before a word that only starts sentences",
            ),
        ],
        "ar-era" => vec![rule(
            yes,
            format!(r"{DIGIT}[^\s\p{{Z}}]*{SPACE}+(?:{})[{MARKS}]*\.", alternation(AR_ERAS)),
            after_space,
            "م. هـ. ق.م. after a year",
        )],
        "ar-abbreviation" => {
            vec![rule(no, format!(r"{ts}{}", ar_abbreviation()), after_space, "د. أ. م. أ.د. before a name")]
        }
        "ar-ellipsis-pauses" => vec![rule(
            no,
            r"(?:\.{2,}|…)[.…]*".to_string(),
            next_word_not(&starters, false, false),
            "Arabic: an ellipsis ends a sentence only before a word that starts one",
        )],
        "ar-question-or" => vec![rule(
            no,
            format!(r"[!?؟‼⁇⁈⁉！？][{TERMS}{CLOSERS}]*"),
            format!(r"{SPACE}+[{OPENERS}]*[اأإآ][وم](?![\p{{L}}\p{{M}}])"),
            "a question followed by أو / أم goes on",
        )],
        "ar-quote-gloss" => vec![rule(
            no,
            r#"[^\s\p{Z}.!?؟…]["”»]"#.to_string(),
            format!(r"{SPACE}+[(\[{{﴿（［]"),
            "a bracket after a quotation glosses it",
        )],
        "ar-quote-after-quote" => vec![rule(
            yes,
            r#"[^\s\p{Z}.!?؟…,،]["”»]"#.to_string(),
            format!(r#"{SPACE}+["“«”]{SPACE}*[^"“«”»\s\p{{Z}}]+(?:{SPACE}+[^"“«”»\s\p{{Z}}]+){{2}}"#),
            "a quotation followed by a quoted sentence",
        )],
        "ar-quoted-sentence" => {
            let attribution = alternation(AR_ATTRIBUTION);
            vec![rule(
                yes,
                format!(
                    r#"(?<=(?:^|[{TERMS}:][{CLOSERS}]{{0,2}}|["”»]){SPACE}{{0,3}})["“«”][^"“«”»]*?[^\s\p{{Z}}"“«”»]+(?:{SPACE}+[^\s\p{{Z}}"“«”»]+){{2,}}(?<![,،])["”»]"#
                ),
                format!(r"{SPACE}+(?!(?:{attribution})(?![\p{{L}}\p{{M}}]))[{AR_LETTER}]"),
                "a quoted sentence (three words or more, opening a clause) without a final period",
            )]
        }
        _ => Vec::new(),
    }
}

/// The break every rule above makes an exception to: after terminators (with their closing
/// quotes and brackets), before whitespace.
fn default_break() -> SrxRule {
    rule(true, format!(r"[{TERMS}][{TERMS}{CLOSERS}]*"), SPACE.to_string(), "break after . ! ? ؟ … and closing quotes")
}

fn language_rule(name: &str, arabic: bool) -> LanguageRule {
    let mut rules = Vec::new();
    for r in RULES {
        let applies = match r.langs {
            Langs::Both => true,
            Langs::Arabic => arabic,
            Langs::English => !arabic,
        };
        if applies {
            rules.extend(render(r.name));
        }
    }
    rules.push(default_break());
    LanguageRule { name: name.to_string(), rules }
}

/// Our default rules as an SRX document: "Nazir Arabic" for Arabic-script languages, "Nazir
/// English" for the rest.
pub fn our_rules() -> SrxDocument {
    let _ = norm::is_format; // the classes above mirror norm::is_format and norm::is_arabic_mark
    SrxDocument {
        source: "<built-in rules>".into(),
        cascade: false,
        language_rules: vec![language_rule("Nazir Arabic", true), language_rule("Nazir English", false)],
        maps: vec![
            LanguageMap {
                pattern: "(?i)(ar|arb|ara|fa|fas|per|ur|urd|ps|pus|ckb|ug|sd)([-_].*)?".into(),
                rule: "Nazir Arabic".into(),
            },
            LanguageMap { pattern: ".*".into(), rule: "Nazir English".into() },
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::rules::ranges_from_breaks;
    use crate::segment::Segmenter;

    #[test]
    fn every_rule_has_an_srx_form() {
        for r in RULES {
            assert!(!render(r.name).is_empty(), "rule {} has no SRX rendering", r.name);
        }
    }

    #[test]
    fn exported_rules_compile_and_split_every_example_as_we_do() {
        let doc = SrxDocument::parse(&our_rules().to_xml(), "export").unwrap();
        let mut failures = Vec::new();
        for code in ["ar", "en"] {
            let srx = Segmenter::from_srx(&doc, code).unwrap();
            for r in RULES {
                for (lang, want) in r.examples {
                    if (*lang == crate::segment::Lang::Arabic) != (code == "ar") {
                        continue;
                    }
                    let text = want.join(" ");
                    let got: Vec<&str> = srx.split(&text).into_iter().map(|x| &text[x]).collect();
                    if got != *want {
                        failures.push(format!("{code} {}: {text:?}\n  want {want:?}\n  got  {got:?}", r.name));
                    }
                }
            }
        }
        assert!(failures.is_empty(), "\n{}", failures.join("\n"));
        let _ = ranges_from_breaks;
    }

    #[test]
    fn arabic_codes_map_to_the_arabic_rules() {
        let doc = our_rules();
        for code in ["ar", "AR-SA", "fa", "ur_PK"] {
            assert_eq!(doc.rules_for(code).unwrap().description(), format!("<built-in rules> ({code})"));
        }
        let ar = doc.rules_for("ar").unwrap().len();
        let en = doc.rules_for("en").unwrap().len();
        assert_ne!(ar, en, "Arabic and English get different rule sets");
    }
}
