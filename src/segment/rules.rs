//! Our own segmentation rules for Arabic and English, and the engine that applies them.
//!
//! The engine finds *candidates* (a run of terminators with its closing quotes and brackets, then
//! whitespace; in Arabic also a closing quote after a quoted sentence), builds a small normalised
//! view of the words around each (`norm`), and asks the rules in order: the first rule that
//! applies decides, otherwise a terminator breaks and a bare closing quote does not. Every rule
//! says why it exists and carries examples that one test runs (`every_rule_decides_its_examples`).

use std::ops::Range;

use super::norm::{self, is_closer, is_format, is_quote, is_terminator, Word};
use super::words;
use super::Lang;

/// What kind of place a candidate is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// After `. ! ? ؟ …` (and closing quotes/brackets), before whitespace.
    Terminator,
    /// After a closing quotation mark with no terminator, before whitespace (Arabic only).
    Quote,
}

/// The quotation a `Kind::Quote` candidate closes.
#[derive(Clone, Debug, Default)]
pub struct Quotation {
    /// Words between the quotation marks.
    pub words: usize,
    /// The quotation opened where a sentence or clause starts: at the start of the sentence, after
    /// a colon, or right after another quotation.
    pub opens_clause: bool,
    /// Its last character is a comma (`،"`): the sentence goes on with who said it.
    pub ends_with_comma: bool,
}

/// Everything a rule may look at, seen through the normalised view.
#[derive(Debug)]
pub struct Context<'t> {
    pub lang: Lang,
    pub kind: Kind,
    pub text: &'t str,
    /// The terminator run, folded, without closers: ".", "...", "؟!", "" for `Kind::Quote`.
    pub term: String,
    /// The closing quotes and brackets after the terminator, folded.
    pub closers: String,
    /// The word the terminator is attached to ("u.s" stays one word), openers stripped.
    pub word: Option<Word>,
    /// The word before that.
    pub prev: Option<Word>,
    /// Up to six words after the candidate.
    pub next: Vec<Word>,
    /// Byte where the sentence that would end here starts.
    pub sentence_start: usize,
    /// Byte after the closers: where the sentence would end.
    pub end: usize,
    pub quotation: Option<Quotation>,
}

impl Context<'_> {
    /// The word the terminator is glued to, or "" when a bracket or quote stands between them
    /// ("(A, B and D)." is not the initial "D.").
    fn word(&self) -> &str {
        self.word.as_ref().filter(|w| !w.trimmed).map_or("", |w| w.norm.as_str())
    }
    fn next_word(&self) -> Option<&Word> {
        self.next.first()
    }
    fn is_period(&self) -> bool {
        self.term == "."
    }
    fn is_ellipsis(&self) -> bool {
        self.term == "…" || self.term.starts_with("..")
    }
    fn closes_quote(&self) -> bool {
        self.closers.chars().any(is_quote)
    }
    /// The word is the first of its sentence (an enumerator like "1." or "أ.").
    fn word_starts_sentence(&self) -> bool {
        self.word.as_ref().is_some_and(|w| {
            w.start >= self.sentence_start && self.text[self.sentence_start..w.start].trim().is_empty()
        })
    }
    /// The next word is not in Arabic script: Latin abbreviations and initials ("Dr.", "J.")
    /// stand before Latin names; before an Arabic word the period ends the sentence.
    fn next_is_latin(&self) -> bool {
        self.next_word().is_some_and(|n| !n.is_arabic())
    }
    /// The next word is one that starts sentences in this language.
    fn next_is_starter(&self) -> bool {
        let Some(n) = self.next_word() else { return false };
        if n.is_arabic() {
            words::ar_starters().contains(&n.norm)
        } else {
            words::en_starters().contains(&n.norm)
        }
    }
}

/// What a rule decides.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Break,
    NoBreak,
}

/// Which languages a rule serves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Langs {
    Arabic,
    English,
    Both,
}

impl Langs {
    fn has(self, lang: Lang) -> bool {
        matches!((self, lang), (Langs::Both, _) | (Langs::Arabic, Lang::Arabic) | (Langs::English, Lang::English))
    }
}

/// One rule: where it applies, what it decides, why, and examples that show it.
pub struct Rule {
    pub name: &'static str,
    pub langs: Langs,
    pub kind: Kind,
    pub decision: Decision,
    /// The linguistic reason, one sentence.
    pub why: &'static str,
    pub applies: fn(&Context) -> bool,
    /// Each example is the sentences the rule should produce, in order; the test joins them
    /// with a space and splits them again.
    pub examples: &'static [(Lang, &'static [&'static str])],
}

const AR: Lang = Lang::Arabic;
const EN: Lang = Lang::English;

/// The rules, in the order they are asked.
pub static RULES: &[Rule] = &[
    Rule {
        name: "bracketed-interjection",
        langs: Langs::Both,
        kind: Kind::Terminator,
        decision: Decision::NoBreak,
        why: "(!) (?) (؟) inside a sentence comment on it, they do not end it",
        applies: |c| {
            c.closers.starts_with(')') && !c.is_period() && c.word.as_ref().is_some_and(|w| w.opened && w.norm.is_empty())
        },
        examples: &[(AR, &["قال إنه سيفوز (!) في الانتخابات المقبلة."]), (EN, &["He said he would win (!) the next election."])],
    },
    Rule {
        name: "enumerator",
        langs: Langs::Both,
        kind: Kind::Terminator,
        decision: Decision::NoBreak,
        why: "a number or single letter with a period at the start of a sentence numbers a list item",
        applies: |c| {
            c.is_period()
                && c.closers.is_empty()
                && c.word_starts_sentence()
                && c.word.as_ref().filter(|w| !w.trimmed).is_some_and(|w| {
                    (w.norm.len() <= 3 && w.norm.chars().all(|ch| ch.is_ascii_digit()))
                        || (w.norm.chars().count() == 1 && w.norm.chars().all(char::is_alphabetic))
                })
        },
        examples: &[(AR, &["1. تقليل عدد الاجتماعات إلى النصف."]), (EN, &["2. Reduce the number of meetings."])],
    },
    Rule {
        name: "lowercase-continues",
        langs: Langs::English,
        kind: Kind::Terminator,
        decision: Decision::NoBreak,
        why: "an English sentence starts with a capital: a lower-case word after a period, an ellipsis or a closing quote continues the sentence (\"Why?\" she asked; 3 p.m. on Monday); after a bare ? or ! it does not, since lower-cased text (transcripts, chat) has questions in a row",
        applies: |c| {
            c.next_word().is_some_and(Word::starts_lowercase)
                && (c.is_period() || c.is_ellipsis() || !c.closers.is_empty())
        },
        examples: &[
            (EN, &["\"Why?\" she asked."]),
            (EN, &["The game starts at 3 p.m. on Wednesday in Naples."]),
            (EN, &["Wait... what did you say?"]),
        ],
    },
    Rule {
        name: "ar-ellipsis-pauses",
        langs: Langs::Arabic,
        kind: Kind::Terminator,
        decision: Decision::NoBreak,
        why: "in Arabic an ellipsis marks a pause or an omission inside a sentence more often than its end, and no capital tells them apart: it ends a sentence only before a word that starts one",
        applies: |c| c.is_ellipsis() && c.closers.is_empty() && !c.next_is_starter(),
        examples: &[
            (AR, &["يتجه عدد متزايد من الناس إلى الاقتراض... فيما قد يكون من الممكن السيطرة عليه."]),
            (AR, &["انتظر...", "ثم تكلم بهدوء."]),
        ],
    },
    Rule {
        name: "ar-question-or",
        langs: Langs::Arabic,
        kind: Kind::Terminator,
        decision: Decision::NoBreak,
        why: "a question followed by أو or أم (or) goes on with its alternative: من أين تأتي هذه الطاقة؟ أو ذلك الصوت؟",
        applies: |c| !c.is_period() && !c.is_ellipsis() && c.next_word().is_some_and(|n| n.is("او") || n.is("ام")),
        examples: &[(AR, &["من أين تستمد كل هذه الطاقة؟ أو ذلك الصوت الذي يخرج قويا؟"])],
    },
    Rule {
        name: "en-never-final",
        langs: Langs::Both,
        kind: Kind::Terminator,
        decision: Decision::NoBreak,
        why: "e.g., i.e., vs., cf. introduce what follows and never end a sentence",
        applies: |c| c.is_period() && words::en_never_end().contains(&c.word().to_lowercase()),
        examples: &[(EN, &["Arsenal vs. Chelsea ended in a draw."]), (EN, &["Some viruses, i.e. Coronaviruses, mutate."])],
    },
    Rule {
        name: "abbreviation-before-number",
        langs: Langs::Both,
        kind: Kind::Terminator,
        decision: Decision::NoBreak,
        why: "No. 5, p. 12, Nov. 6, ص. 12: these abbreviations take the number that follows",
        applies: |c| {
            c.is_period()
                && c.closers.is_empty()
                && c.next_word().is_some_and(Word::starts_digit)
                && (words::en_before_number().contains(&c.word().to_lowercase()) || is_arabic_abbreviation(c.word()))
        },
        examples: &[
            (EN, &["He was elected on Nov. 6 after a long campaign."]),
            (EN, &["The text is on p. 12 of the report."]),
            (AR, &["انظر ص. 12 من التقرير."]),
        ],
    },
    Rule {
        name: "en-title",
        langs: Langs::Both,
        kind: Kind::Terminator,
        decision: Decision::NoBreak,
        why: "Mr., Dr., Sen., Gov. … stand before a name; only a word that starts sentences after them shows a real end",
        applies: |c| {
            c.is_period()
                && c.closers.is_empty()
                && c.next_is_latin()
                && !c.next_is_starter()
                && words::en_titles().contains(&c.word().to_lowercase())
        },
        examples: &[
            (EN, &["Mr. Smith met Dr. Jones in Washington."]),
            (EN, &["Democratic Sen. Chris Coons spoke first."]),
            (EN, &["The parade went down Main St.", "The crowd cheered."]),
        ],
    },
    Rule {
        name: "en-abbreviation",
        langs: Langs::Both,
        kind: Kind::Terminator,
        decision: Decision::NoBreak,
        why: "U.S., Inc., a.m., Calif. and initials may end a sentence, but only a sentence-starting word after them shows it (\"the U.S. Navy\" vs \"in the U.S. The\")",
        applies: |c| {
            c.is_period()
                && c.closers.is_empty()
                && c.next_is_latin()
                && !c.next_is_starter()
                && c.next_word().is_some_and(|n| !n.starts_digit())
                && c.word.as_ref().filter(|w| !w.trimmed).is_some_and(|w| {
                    let lower = w.lower();
                    words::en_may_end().contains(&lower)
                        || words::en_capitalised().contains(&w.norm)
                        || is_initials(&w.norm)
                })
        },
        examples: &[
            (EN, &["The U.S. Defense Department set up a new centre."]),
            (EN, &["Police chief Murphy J. Paul told the media."]),
            (EN, &["Prices rose sharply in the U.S.", "The euro fell."]),
            (EN, &["Shares of Apple Inc. rose on Monday."]),
            (AR, &["ويتكون الفيروس من بروتين S.", "وفقا لدراسة حديثة فإنه يتحور."]),
            (EN, &["It has four lineages (A, B, C and D).", "Phylogenetic evidence shows this."]),
        ],
    },
    Rule {
        name: "quote-attribution",
        langs: Langs::Both,
        kind: Kind::Terminator,
        decision: Decision::NoBreak,
        why: "a quotation ending in ? or ! (or .) followed by who said it is the object of that verb: \"Are you ready?\" CNN reported.",
        applies: |c| c.closes_quote() && attribution_follows(c),
        examples: &[
            (EN, &["\"Are you ready?\" CNN reported."]),
            (EN, &["\"Do they think I get a discount?\" Jane wondered aloud."]),
            (EN, &["\"We will win.\"", "He said it twice and left."]),
            (EN, &["\"It glows in the minerals.\"", "Evans: \"Say, it sure is bright.\""]),
            (EN, &["\"Can we end poverty?\"", "The citizen replied: \"We can.\""]),
            (AR, &["\"هل هذه هي الأدوية؟\" سأل مارتن."]),
            (AR, &["\"انتهى الأمر.\"", "وقال الوزير إن الحكومة ستستقيل."]),
            (AR, &["\"كيف تحبه؟\"", "ردّ قائلا: حسنا، لا أعرف."]),
            (AR, &["\"السفن جاهزة.\"", "وقد أفاد المسؤول بأن المشكلة ازدادت."]),
            (AR, &["\"يوجد قرش في المياه!\" كما أضاف هاميل."]),
            (AR, &["\"نحن نلاحق هؤلاء.\" بحسب ما ذكر السيد ألبنس."]),
        ],
    },
    Rule {
        name: "ar-letter-ends-sentence",
        langs: Langs::Arabic,
        kind: Kind::Terminator,
        decision: Decision::Break,
        why: "a single letter after a word that names letters (فيتامين د., الفئة ب.) or before a word that only starts sentences is a letter ending the sentence, not an abbreviation",
        applies: |c| {
            c.is_period()
                && is_arabic_abbreviation(c.word())
                && (c.prev.as_ref().is_some_and(|p| words::ar_letter_namers().contains(&p.norm)) || c.next_is_starter())
        },
        examples: &[
            (AR, &["ينصح الأطباء بتناول فيتامين د.", "وقال الباحثون إن النتائج مشجعة."]),
            (AR, &["صنف المنتخب في الفئة ب.", "كما صنف في المجموعة الثانية."]),
        ],
    },
    Rule {
        name: "ar-era",
        langs: Langs::Arabic,
        kind: Kind::Terminator,
        decision: Decision::Break,
        why: "م. هـ. ق.م. after a year mark the era and usually close the sentence",
        applies: |c| {
            c.is_period()
                && words::ar_eras().contains(c.word())
                && c.prev.as_ref().is_some_and(|p| p.starts_digit())
        },
        examples: &[(AR, &["بنيت المدينة عام 762 م.", "وكانت عاصمة الخلافة."]), (AR, &["توفي سنة 505 هـ.", "وترك مؤلفات كثيرة."])],
    },
    Rule {
        name: "ar-abbreviation",
        langs: Langs::Arabic,
        kind: Kind::Terminator,
        decision: Decision::NoBreak,
        why: "a single Arabic letter with a period abbreviates a title or word (د. for دكتور, أ. for أستاذ, م. for مهندس), and so does a chain of them (أ.د.)",
        applies: |c| c.is_period() && is_arabic_abbreviation(c.word()),
        examples: &[
            (AR, &["قال د. أحمد زويل إن التجربة نجحت."]),
            (AR, &["حاضر أ.د. محمد علي في الجامعة."]),
            (AR, &["التقى م. سامي بالوزير."]),
        ],
    },
    Rule {
        name: "ar-quote-gloss",
        langs: Langs::Arabic,
        kind: Kind::Quote,
        decision: Decision::NoBreak,
        why: "a bracket right after a quotation glosses it: \"سبايك\" (أي الشوكة)",
        applies: |c| c.next_word().is_some_and(|n| n.opener.is_some_and(|o| !is_quote(o))),
        examples: &[(AR, &["يستخدم الفيروس بروتينا يسمى \"سبايك\" (أي الشوكة) للدخول إلى الخلية."])],
    },
    Rule {
        name: "ar-quote-after-quote",
        langs: Langs::Arabic,
        kind: Kind::Quote,
        decision: Decision::Break,
        why: "a quotation closed and a quoted sentence (three words or more) opened right after it: two quoted sentences, the period dropped as Arabic news often does; two quoted names side by side stay together",
        applies: |c| {
            !c.quotation.as_ref().is_some_and(|q| q.ends_with_comma)
                && c.next_word().is_some_and(|n| n.opener.is_some_and(is_quote) && quoted_words_from(c.text, n.start).is_none_or(|k| k >= 3))
        },
        examples: &[
            (AR, &["وقالت إن الأمر يتعلق بكلمة \"أنت\"", "\"لذا فأنا أنت، وأنا نحن.\""]),
            (AR, &["سرعان ما أبهر \"شين كيو\" \"وانغ أنشي\" بمهاراته."]),
            (AR, &["قال إنهم يحتاجون الدعم حتى لو كانوا أصدقاء\"", "\"لا تقض وقتك صامتا، عليك بالإفصاح.\""]),
        ],
    },
    Rule {
        name: "ar-quoted-sentence",
        langs: Langs::Arabic,
        kind: Kind::Quote,
        decision: Decision::Break,
        why: "Arabic news often drops the period after a quoted sentence: a quotation of several words that opened a clause, followed by a word that does not attribute or continue it, ends the sentence",
        applies: |c| {
            let Some(q) = &c.quotation else { return false };
            q.opens_clause
                && q.words >= 3
                && !q.ends_with_comma
                && c.next_word().is_some_and(|n| n.is_arabic() && !words::ar_attribution().contains(n.core()))
        },
        examples: &[
            (AR, &["وقال: \"لن نسمح بأن يفلتوا بفعلتهم تلك\"", "وفي خطابه للحشود هاجم الحكومة."]),
            (AR, &["وقال: \"هذا أمر لن نقبل به أبدا\" مضيفا أن الحكومة ستتحرك."]),
            (AR, &["وصف الخطة بأنها \"خطوة إلى الأمام\" في المفاوضات."]),
            (AR, &["\"كنت أظن أنني أعاني من انهيار،\" تتذكر السيدة شرودر."]),
            (AR, &["وقال: \"للأمم المتحدة دور مهم في الأزمة\" و\"إذا أعلنت الطوارئ فيجب التحرك\"."]),
        ],
    },
];

/// Several capital initials like "J" or "J.R" (and Arabic-context Latin initials).
fn is_initials(word: &str) -> bool {
    !word.is_empty()
        && word.split('.').all(|p| {
            let mut cs = p.chars();
            matches!((cs.next(), cs.next()), (Some(c), None) if c.is_uppercase())
        })
}

/// Words of the quotation that opens at byte `start` (with its quotation mark), up to the next
/// quotation mark; `None` if it does not close.
fn quoted_words_from(text: &str, start: usize) -> Option<usize> {
    let rest = &text[start..];
    let open_len = rest.chars().next().map_or(0, char::len_utf8);
    let inner = &rest[open_len..];
    let close = inner.find(['"', '”', '»', '“', '«'])?;
    Some(inner[..close].split_whitespace().count())
}

/// A single Arabic letter, or letters joined by periods (أ.د, ص.ب, ق.م).
fn is_arabic_abbreviation(word: &str) -> bool {
    !word.is_empty()
        && word.split('.').all(|p| {
            let mut cs = p.chars();
            matches!((cs.next(), cs.next()), (Some(c), None) if norm::is_arabic_letter(c))
        })
}

/// After a quotation that ends with a terminator: does a short attribution clause follow
/// ("CNN reported.", "سأل مارتن.", "she wondered aloud.")? The reporting verb must come within
/// the first three words, and the clause must end within a few words after it.
fn attribution_follows(c: &Context) -> bool {
    let arabic = c.next.first().is_some_and(Word::is_arabic);
    // A capitalised pronoun starts a new sentence ("He said …"); an attribution would be lower case.
    if !arabic
        && c.next.first().is_some_and(|w| matches!(w.norm.as_str(), "He" | "She" | "They" | "We" | "I" | "It" | "You"))
    {
        return false;
    }
    let last_char =
        |w: &Word| c.text[w.start..w.end].trim_end_matches(|ch: char| is_closer(ch) || is_format(ch)).chars().last();
    let ends_clause =
        |w: &Word| last_char(w).is_some_and(|ch| is_terminator(ch) || matches!(ch, ',' | '،' | ';' | '؛'));
    let introduces = |w: &Word| last_char(w) == Some(':');
    // Arabic puts the verb first ("…" قال فلان), or after "as" ("…" كما أضاف فلان, حسبما أفاد,
    // بحسب ما ذكر); English may put the subject first ("…" CNN reported), and its words must not
    // end a clause.
    let reach = if arabic {
        let mut k = 0;
        if c.next.first().is_some_and(|w| words::ar_as().contains(&w.norm)) {
            k = 1;
            if c.next.get(1).is_some_and(|w| w.is("ما")) {
                k = 2;
            }
        }
        k + 1
    } else {
        3
    };
    for (i, w) in c.next.iter().take(reach).enumerate() {
        if arabic && i + 1 < reach {
            continue;
        }
        // A word in quotation marks is quoted speech, not the verb that reports it.
        let is_verb = !w.opened
            && if arabic {
                words::ar_reporting().contains(&w.norm)
            } else {
                words::en_reporting().contains(&w.lower())
            };
        if is_verb {
            // An attribution is short: the clause ends at the verb or within two words after it
            // ("CNN reported.", "said Martin.", "told reporters Saturday,"); a longer clause after
            // the verb is a sentence of its own ("Smith said he would leave."), and a colon
            // ("replied: …", "ردّ قائلا: …") introduces new speech.
            for t in &c.next[i..c.next.len().min(i + 3)] {
                if introduces(t) {
                    return false;
                }
                if ends_clause(t) {
                    return true;
                }
            }
            return c.next.len() < i + 3;
        }
        if ends_clause(w) || introduces(w) {
            return false;
        }
    }
    false
}

/// The fast path of the scan: could the character at byte `i` be a terminator or a quotation
/// mark? Checked on bytes so that ordinary letters cost one comparison: `. ! ? "`, and the UTF-8
/// encodings of `؟` (D8 9F), `۔` (DB 94), `« »` (C2 AB/BB), `… ‼ “ ”` (E2 80 xx), `⁇ ⁈ ⁉`
/// (E2 81 87-89), fullwidth `！ ？` (EF BC 81/9F) and `。` (E3 80 82).
fn may_start_candidate(bytes: &[u8], i: usize, b: u8) -> bool {
    let at = |k: usize| bytes.get(i + k).copied().unwrap_or(0);
    match b {
        b'.' | b'!' | b'?' | b'"' => true,
        0xD8 => at(1) == 0x9F,
        0xDB => at(1) == 0x94,
        0xC2 => matches!(at(1), 0xAB | 0xBB),
        0xE2 => {
            (at(1) == 0x80 && matches!(at(2), 0xA6 | 0xBC | 0x9C | 0x9D))
                || (at(1) == 0x81 && matches!(at(2), 0x87..=0x89))
        }
        0xEF => at(1) == 0xBC && matches!(at(2), 0x81 | 0x9F),
        0xE3 => at(1) == 0x80 && at(2) == 0x82,
        _ => false,
    }
}

/// A place where the rules are asked.
#[derive(Clone, Copy, Debug)]
struct Candidate {
    kind: Kind,
    /// Byte of the first terminator (or of the closing quote).
    at: usize,
    /// Byte after the closers.
    end: usize,
}

/// Tracks whether a quotation is open, to tell opening from closing ASCII quotes.
#[derive(Default)]
struct Quotes {
    /// Byte of the open quotation mark, and whether it opened a clause.
    open: Option<(usize, bool)>,
}

/// One rule's decision at one place, for tests and for explaining a split.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trace {
    /// Byte where the sentence would end.
    pub at: usize,
    pub rule: &'static str,
    pub decision: Decision,
}

/// Splits text with `RULES` for one language.
#[derive(Clone, Debug)]
pub struct RuleSegmenter {
    lang: Lang,
}

impl RuleSegmenter {
    pub fn new(lang: Lang) -> RuleSegmenter {
        RuleSegmenter { lang }
    }

    /// Byte offsets where sentences end (after closers, before whitespace), in order.
    pub fn breaks(&self, text: &str) -> Vec<usize> {
        let mut out = Vec::new();
        self.run(text, |t| {
            if t.decision == Decision::Break {
                out.push(t.at);
            }
        });
        out
    }

    /// Every decision taken, with the rule that took it ("default" when none applied).
    pub fn trace(&self, text: &str) -> Vec<Trace> {
        let mut out = Vec::new();
        self.run(text, |t| out.push(t));
        out
    }

    fn run(&self, text: &str, mut emit: impl FnMut(Trace)) {
        let mut sentence_start = 0;
        let mut quotes = Quotes::default();
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if !may_start_candidate(bytes, i, b) {
                i += 1;
                continue;
            }
            let Some(c) = text[i..].chars().next() else { break };
            let len = c.len_utf8();
            if is_terminator(c) {
                let cand = self.terminator_candidate(text, i, &mut quotes);
                i = cand.map_or(i + len, |k| k.end.max(i + len));
                if let Some(k) = cand {
                    let d = self.decide(text, k, sentence_start, None);
                    if d.decision == Decision::Break {
                        // A quotation may go on over several sentences: its state is kept.
                        sentence_start = k.end;
                    }
                    emit(d);
                }
                continue;
            }
            if is_quote(c) && matches!(c, '"' | '“' | '”' | '«' | '»') {
                if let Some(q) = self.quote_event(text, i, c, &mut quotes, sentence_start) {
                    let d = self.decide(text, q.0, sentence_start, Some(q.1));
                    if d.decision == Decision::Break {
                        sentence_start = q.0.end;
                    }
                    emit(d);
                }
            }
            i += len;
        }
    }

    /// A terminator at `at`: take the run of terminators, closers and format characters after it;
    /// it is a candidate if whitespace and more text follow.
    fn terminator_candidate(&self, text: &str, at: usize, quotes: &mut Quotes) -> Option<Candidate> {
        let mut end = at;
        let mut quoted = false;
        for (j, c) in text[at..].char_indices() {
            if is_terminator(c) || is_closer(c) || is_format(c) {
                end = at + j + c.len_utf8();
                quoted |= is_quote(c);
            } else {
                break;
            }
        }
        let rest = &text[end..];
        let next = rest.chars().next()?;
        if !next.is_whitespace() || rest.trim().is_empty() {
            return None;
        }
        if quoted {
            quotes.open = None;
        }
        Some(Candidate { kind: Kind::Terminator, at, end })
    }

    /// A quotation mark at `at`: update the open/closed state; a closing mark without a terminator
    /// before it, followed by whitespace and more text, is an Arabic quote candidate.
    fn quote_event(
        &self,
        text: &str,
        at: usize,
        c: char,
        quotes: &mut Quotes,
        sentence_start: usize,
    ) -> Option<(Candidate, Quotation)> {
        let before = text[..at].chars().rev().find(|&ch| !is_format(ch));
        let after_end = at + c.len_utf8();
        let after = text[after_end..].chars().find(|&ch| !is_format(ch));
        let space_before = before.is_none_or(|b| b.is_whitespace() || norm::is_opener(b) || b == ':');
        let space_after =
            after.is_none_or(|a| a.is_whitespace() || a.is_ascii_punctuation() || matches!(a, '،' | '؛' | '؟'));
        let opening = match c {
            '“' | '«' => true,
            '»' => false,
            // `”` and `"` go both ways in Arabic web text: position decides, then parity.
            _ => {
                if space_before && !space_after {
                    true
                } else if space_after && !space_before {
                    false
                } else {
                    quotes.open.is_none()
                }
            }
        };
        if opening {
            let opens_clause = {
                let head = text[..at].trim_end_matches(|ch: char| ch.is_whitespace() || is_format(ch));
                at <= sentence_start
                    || text[sentence_start..at].trim().is_empty()
                    || head.ends_with([':', '"', '”', '»'])
            };
            quotes.open = Some((at, opens_clause));
            return None;
        }
        // A closing mark with no open quotation (web text loses some) still closes something: its
        // words are unknown, so only the rules that look after it can fire.
        let open = quotes.open.take();
        if self.lang != Lang::Arabic || before.is_some_and(|b| is_terminator(b) || b.is_whitespace()) {
            return None;
        }
        let rest = &text[after_end..];
        if !rest.starts_with(char::is_whitespace) || rest.trim().is_empty() {
            return None;
        }
        let (words, opens_clause) = match open {
            Some((open_at, opens_clause)) => (text[open_at..at].split_whitespace().count(), opens_clause),
            None => (0, false),
        };
        let ends_with_comma = before.is_some_and(|b| matches!(b, ',' | '،'));
        Some((Candidate { kind: Kind::Quote, at, end: after_end }, Quotation { words, opens_clause, ends_with_comma }))
    }

    fn decide(&self, text: &str, k: Candidate, sentence_start: usize, quotation: Option<Quotation>) -> Trace {
        let word = norm::word_before(text, k.at);
        let prev = word.as_ref().and_then(|w| norm::word_before(text, w.start));
        let (term, closers) = if k.kind == Kind::Terminator {
            let mut term = String::new();
            let mut closers = String::new();
            for c in text[k.at..k.end].chars().filter_map(norm::fold) {
                if is_terminator(c) && closers.is_empty() {
                    term.push(c);
                } else if is_closer(c) {
                    closers.push(c);
                }
            }
            (term, closers)
        } else {
            (String::new(), text[k.at..k.end].to_string())
        };
        let ctx = Context {
            lang: self.lang,
            kind: k.kind,
            text,
            term,
            closers,
            word,
            prev,
            next: norm::words_after(text, k.end, 6),
            sentence_start,
            end: k.end,
            quotation,
        };
        for rule in RULES {
            if rule.kind == k.kind && rule.langs.has(self.lang) && (rule.applies)(&ctx) {
                return Trace { at: k.end, rule: rule.name, decision: rule.decision };
            }
        }
        let decision = if k.kind == Kind::Terminator { Decision::Break } else { Decision::NoBreak };
        Trace { at: k.end, rule: "default", decision }
    }
}

/// Sentence ranges from break offsets: each piece trimmed of whitespace, empty pieces dropped.
pub fn ranges_from_breaks(text: &str, breaks: &[usize]) -> Vec<Range<usize>> {
    let mut out = Vec::with_capacity(breaks.len() + 1);
    let mut start = 0;
    for &b in breaks.iter().chain(std::iter::once(&text.len())) {
        if b < start || b > text.len() || !text.is_char_boundary(b) {
            continue;
        }
        push_trimmed(text, start..b, &mut out);
        start = b;
    }
    out
}

fn push_trimmed(text: &str, range: Range<usize>, out: &mut Vec<Range<usize>>) {
    let s = &text[range.clone()];
    let trimmed_start = s.len() - s.trim_start().len();
    let trimmed_end = s.trim_end().len();
    if trimmed_end > trimmed_start {
        out.push(range.start + trimmed_start..range.start + trimmed_end);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(lang: Lang, text: &str) -> Vec<String> {
        let seg = RuleSegmenter::new(lang);
        ranges_from_breaks(text, &seg.breaks(text)).into_iter().map(|r| text[r].to_string()).collect()
    }

    #[test]
    fn every_rule_decides_its_examples() {
        let mut failures = Vec::new();
        for rule in RULES {
            assert!(!rule.examples.is_empty(), "rule {} has no example", rule.name);
            let mut fired = false;
            for (lang, want) in rule.examples {
                let text = want.join(" ");
                let got = split(*lang, &text);
                if got != *want {
                    failures.push(format!("{}: {text:?}\n  want {want:?}\n  got  {got:?}", rule.name));
                }
                fired |= RuleSegmenter::new(*lang).trace(&text).iter().any(|t| t.rule == rule.name);
            }
            if !fired {
                failures.push(format!("{}: none of its examples is decided by it", rule.name));
            }
        }
        assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    }

    #[test]
    fn docs_list_every_rule() {
        let docs = include_str!("../../docs/segmentation.md");
        for rule in RULES {
            assert!(docs.contains(&format!("`{}`", rule.name)), "docs/segmentation.md does not describe {}", rule.name);
        }
    }

    #[test]
    fn plain_breaks_and_never_on_comma_or_semicolon() {
        let cases: &[(Lang, &[&str])] = &[
            (AR, &["قال إنه مهم.", "جاء ذلك في خطاب."]),
            (AR, &["هل هذا صحيح؟", "نعم!"]),
            (AR, &["قال، ثم أضاف؛ وانتهى"]),
            (AR, &["قال \"انتهى.\"", "ثم غادر."]),
            (AR, &["بلغ 3.5 مليون.", "ثم"]),
            (AR, &["بلغ ٣٫٥ مليون.", "ثم"]),
            (AR, &["انتظر...", "ثم تكلم"]),
            (AR, &["قالت «انتهى».", "وغادرت."]),
            (AR, &["زار د.الزهايمر المعهد."]),
            (AR, &["انتهى الاجتماع\u{202A}.\u{202C}", "وغادر الجميع."]),
            (AR, &["انتهـــى الاجتماعُ.", "وغادرَ."]),
            (EN, &["It ended.", "\"Then what?\"", "He left (quietly)."]),
        ];
        for (lang, want) in cases {
            assert_eq!(split(*lang, &want.join(" ")), *want);
        }
    }
}
