//! Word lists the rules consult, kept apart so the rules read as sentences.
//!
//! Lists are written in ordinary spelling; they are folded through the normalised view once
//! (`norm::fold_str`) before lookup, so `أ` and `ا`, or a word with and without diacritics, match.

use std::collections::HashSet;
use std::sync::OnceLock;

use super::norm::fold_str;

/// English titles that stand before a name, and abbreviations that stand before a number or a
/// reference ("Fig. 2", "Eq. (3)"): a period after them does not end a sentence.
#[rustfmt::skip]
pub const EN_TITLES: &[&str] = &[
    "fig", "figs", "eq", "eqs", "refs", "suppl", "vol", "vols", "mr", "mrs", "ms", "mx", "messrs", "mmes", "mme",
    "mlle", "dr", "drs", "prof", "profs", "rev", "revd", "fr", "sr", "sen", "sens", "rep", "reps", "gov", "govs",
    "gen", "lt", "col", "maj", "capt", "cmdr", "cdr", "cmdt", "adm", "sgt", "cpl", "pvt", "det", "insp", "supt",
    "hon", "pres", "st", "ste", "mt", "ft", "msgr", "atty", "supt", "brig",
];

/// English abbreviations that may end a sentence: after them a sentence ends only if the next
/// word is one that typically starts a sentence ("in the U.S. The …" vs "the U.S. Navy").
#[rustfmt::skip]
pub const EN_MAY_END: &[&str] = &[
    "etc", "inc", "ltd", "co", "corp", "jr", "bros", "llc", "plc", "assn", "dept", "univ", "govt", "ave", "blvd",
    "rd", "hwy", "pkwy", "sq", "u.s", "u.k", "u.n", "u.s.a", "d.c", "e.u", "a.m", "p.m", "ph.d", "b.a", "m.a",
    "b.sc", "m.sc", "m.d", "d.d.s", "r.n", "l.a", "n.y", "n.j", "approx", "eds", "al",
];

/// Month and weekday abbreviations and US state abbreviations in AP style, matched with their
/// capital ("Calif.", "Sat."), since several are also words that end sentences in lower case
/// ("ill.", "wash.", "sat.").
#[rustfmt::skip]
pub const EN_CAPITALISED: &[&str] = &[
    "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "Mon", "Tue", "Tues",
    "Wed", "Thu", "Thur", "Thurs", "Fri", "Sat", "Sun", "Ala", "Ariz", "Ark", "Calif", "Colo", "Conn", "Del", "Fla",
    "Ga", "Ill", "Ind", "Kan", "Kans", "Ky", "La", "Md", "Mass", "Mich", "Minn", "Miss", "Mo", "Mont", "Neb", "Nev",
    "Okla", "Ore", "Pa", "Tenn", "Tex", "Vt", "Va", "Wash", "Wis", "Wyo",
];

/// Abbreviations that never end a sentence.
pub const EN_NEVER_END: &[&str] = &["e.g", "i.e", "cf", "vs", "v", "viz", "ca", "c.f", "resp", "incl", "esp"];

/// Abbreviations that take a number after them ("No. 5", "p. 12", "Nov. 6").
#[rustfmt::skip]
pub const EN_BEFORE_NUMBER: &[&str] = &[
    "no", "nos", "nr", "vol", "vols", "p", "pp", "fig", "figs", "ch", "chap", "sec", "art", "para", "op", "tel",
    "ext", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "rev", "ed", "pt",
    "pts", "col", "cols", "ref", "refs", "approx", "est", "av", "ave", "rt", "rte", "hwy", "apt", "ste",
];

/// Words that typically start an English sentence: pronouns, determiners, conjunctions and
/// sentence adverbs. Names and nouns are left out on purpose: after an abbreviation a capitalised
/// noun usually continues the sentence ("U.S. President").
#[rustfmt::skip]
pub const EN_STARTERS: &[&str] = &[
    "The", "A", "An", "This", "That", "These", "Those", "There", "Then", "He", "She", "It", "They", "We", "I",
    "You", "His", "Her", "Its", "Their", "Our", "My", "Your", "But", "And", "Or", "So", "Yet", "However",
    "Meanwhile", "In", "On", "At", "For", "After", "Before", "When", "While", "If", "As", "Although", "Though",
    "Because", "Since", "Still", "Also", "Now", "Today", "Yesterday", "Tomorrow", "What", "Why", "How", "Who",
    "Where", "Which", "Some", "Many", "Most", "Other", "Others", "More", "All", "No", "None", "One", "Each",
    "Every", "Both", "Neither", "Nor", "Such", "Instead", "Indeed", "Thus", "Therefore", "Moreover", "Furthermore",
    "Nevertheless", "Nonetheless", "Overall", "Finally", "First", "Second", "Last", "Later", "Earlier", "Despite",
    "During", "From", "To", "With", "Without", "Under", "Over", "By", "Among", "According",
    "Is", "Are", "Was", "Were", "Do", "Does", "Did", "Can", "Could", "Would", "Should", "Might",
    "Here", "Even", "Only", "Just", "Not", "Please", "Let", "Yes",
];

/// English verbs that introduce or follow a quotation ("… ?" she asked).
#[rustfmt::skip]
pub const EN_REPORTING: &[&str] = &[
    "said", "says", "say", "added", "adds", "asked", "asks", "told", "tells", "wrote", "writes", "reported",
    "reports", "explained", "explains", "noted", "notes", "continued", "continues", "recalled", "recalls",
    "replied", "replies", "insisted", "insists", "wondered", "wonders", "tweeted", "tweets", "declared", "declares",
    "stated", "states", "warned", "warns", "argued", "argues", "shouted", "shouts", "yelled", "yells", "cried",
    "cries", "whispered", "admitted", "admits", "acknowledged", "announced", "announces", "claimed", "claims",
    "conceded", "confirmed", "confirms", "laughed", "joked", "quipped", "observed", "remarked", "responded",
    "responds", "suggested", "suggests", "urged", "urges", "added", "chanted", "exclaimed", "posted", "commented",
    "comments", "concluded", "concludes", "agreed", "agrees",
];

/// Arabic single letters and letter groups that abbreviate an era: `م.` (ميلادي), `هـ.` (هجري),
/// `ق.م.` (قبل الميلاد). After a year they usually end the sentence.
pub const AR_ERAS: &[&str] = &["م", "هـ", "ه", "ق.م", "ق م", "ب.م"];

/// Words before a single letter that make it a letter, not an abbreviation ("فيتامين د.",
/// "الفئة ب.", "التهاب الكبد ج.").
#[rustfmt::skip]
pub const AR_LETTER_NAMERS: &[&str] = &[
    "فيتامين", "الفيتامين", "فيتامينات", "حرف", "الحرف", "فئة", "الفئة", "نوع", "النوع", "المجموعة", "مجموعة",
    "الخطة", "خطة", "البند", "بند", "الفقرة", "فقرة", "الملحق", "ملحق", "القسم", "قسم", "الجدول", "جدول", "الشكل",
    "شكل", "المستوى", "مستوى", "الدرجة", "درجة", "الكتلة", "كتلة", "الكبد", "الوبائي", "الفصيلة", "فصيلة", "الزمرة",
    "زمرة", "المرحلة", "مرحلة", "الخيار", "خيار", "البطارية", "المنطقة", "منطقة", "الجناح", "جناح", "الطراز",
];

/// Words that open an Arabic sentence and never a name: conjunction + verb or particle forms
/// common in news ("وقال", "وأضاف", "كما"), pronouns, demonstratives, prepositions that front a
/// sentence. After `د.` a name follows; one of these says the `د` was a letter ending a sentence.
#[rustfmt::skip]
pub const AR_STARTERS: &[&str] = &[
    "وقال", "وقالت", "وأضاف", "وأضافت", "وأكد", "وأكدت", "وأشار", "وأشارت", "وأوضح", "وأوضحت", "وكان", "وكانت",
    "ويقول", "وتقول", "وفي", "ومن", "وقد", "ولم", "ولا", "ولكن", "لكن", "وهو", "وهي", "وهم", "وهذا", "وهذه",
    "وهناك", "وبحسب", "ووفقا", "وتابع", "وتابعت", "ويعد", "وتعد", "ويبلغ", "وعلى", "وبعد", "وقبل", "وخلال", "ومع",
    "ويذكر", "وذكر", "وذكرت", "وأعلن", "وأعلنت", "وأفاد", "وأفادت", "وشدد", "وأشار", "وتشير", "ويشير", "وتأتي",
    "ويأتي", "وبين", "وفيما", "وإذا", "وإن", "وأن", "ولقد", "فقد", "فإن", "ثم", "كما", "إلا", "أما", "إن", "لقد",
    "قد", "هذا", "هذه", "ذلك", "تلك", "هناك", "هنا", "في", "من", "على", "عن", "إلى", "بعد", "قبل", "خلال", "منذ",
    "يذكر", "يشار", "يعد", "تعد", "كان", "كانت", "ليس", "ليست", "لم", "لن", "لا", "هل", "هو", "هي", "هم", "نحن",
    "أنا", "وأنا", "ونحن", "يجب", "ينبغي", "يمكن", "تم", "وتم", "ويجب", "وينبغي", "ويمكن", "وبالتالي", "لذلك",
    "ولذلك", "بينما", "وبينما", "حيث", "ومنذ", "كذلك", "وكذلك", "أيضا", "وأيضا",
];

/// Arabic words that, right after a closing quote, attribute or continue it: the sentence goes
/// on ("…" قال فلان / "…" حسبما أفاد / "…" مضيفا). With a leading و the verb starts a new
/// sentence instead ("…" وقال), so those forms are not here.
#[rustfmt::skip]
pub const AR_ATTRIBUTION: &[&str] = &[
    "قال", "قالت", "قالوا", "يقول", "تقول", "أضاف", "أضافت", "يضيف", "تضيف", "سأل", "سألت", "تساءل", "تساءلت",
    "أكد", "أكدت", "يؤكد", "تؤكد", "أوضح", "أوضحت", "صرح", "صرحت", "أشار", "أشارت", "كتب", "كتبت", "ذكر", "ذكرت",
    "أعلن", "أعلنت", "أفاد", "أفادت", "رد", "ردت", "علق", "علقت", "تابع", "تابعت", "أردف", "أردفت", "هتف", "هتفوا",
    "قائلا", "قائلة", "قائلين", "مضيفا", "مضيفة", "مشيرا", "مشيرة", "موضحا", "موضحة", "مؤكدا", "مؤكدة", "متسائلا",
    "متسائلة", "حسب", "حسبما", "بحسب", "وفق", "وفقا", "طبقا", "نقلا", "كما", "على", "هذا", "هكذا", "بهذه", "بهذا",
    "في", "من", "عن", "إلى", "ل", "لـ", "أو", "و", "بل", "ثم", "التي", "الذي", "الذين", "لكن", "بينما", "مع", "أي",
];

/// Arabic verbs of saying that attribute a quotation, for the rule that keeps `… ؟" سأل مارتن`
/// together (the subset of `AR_ATTRIBUTION` that is a verb).
#[rustfmt::skip]
pub const AR_REPORTING: &[&str] = &[
    "قال", "قالت", "قالوا", "يقول", "تقول", "أضاف", "أضافت", "سأل", "سألت", "تساءل", "تساءلت", "أكد", "أكدت",
    "أوضح", "أوضحت", "صرح", "صرحت", "أشار", "أشارت", "كتب", "كتبت", "ذكر", "ذكرت", "أعلن", "أعلنت", "أفاد", "أفادت",
    "رد", "ردت", "علق", "علقت", "تابع", "تابعت", "أردف", "أردفت", "هتف", "هتفوا", "قائلا", "قائلة", "مضيفا",
    "مضيفة", "متسائلا", "متسائلة",
];

/// Arabic words for "as" that can introduce an attribution after a quotation ("…" كما أضاف فلان،
/// "…" حسبما أفاد، "…" بحسب ما ذكر).
#[rustfmt::skip]
pub const AR_AS: &[&str] = &["كما", "حسبما", "بحسب", "حسب", "وفق", "وفقا", "طبقا", "مثلما", "وفقما"];

/// A word list folded once for lookups.
pub struct Lexicon(HashSet<String>);

impl Lexicon {
    fn new(words: &[&str], lower: bool) -> Lexicon {
        Lexicon(words.iter().map(|w| if lower { fold_str(w).to_lowercase() } else { fold_str(w) }).collect())
    }
    pub fn contains(&self, word: &str) -> bool {
        self.0.contains(word)
    }
}

macro_rules! lexicon {
    ($name:ident, $list:expr, $lower:expr) => {
        pub fn $name() -> &'static Lexicon {
            static CELL: OnceLock<Lexicon> = OnceLock::new();
            CELL.get_or_init(|| Lexicon::new($list, $lower))
        }
    };
}

lexicon!(en_titles, EN_TITLES, true);
lexicon!(en_may_end, EN_MAY_END, true);
lexicon!(en_capitalised, EN_CAPITALISED, false);
lexicon!(en_never_end, EN_NEVER_END, true);
lexicon!(en_before_number, EN_BEFORE_NUMBER, true);
lexicon!(en_starters, EN_STARTERS, false);
lexicon!(en_reporting, EN_REPORTING, true);
lexicon!(ar_eras, AR_ERAS, false);
lexicon!(ar_letter_namers, AR_LETTER_NAMERS, false);
lexicon!(ar_starters, AR_STARTERS, false);
lexicon!(ar_attribution, AR_ATTRIBUTION, false);
lexicon!(ar_reporting, AR_REPORTING, false);
lexicon!(ar_as, AR_AS, false);
