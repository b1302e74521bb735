//! Flags that tell a reviewer where to look: numbers that differ between the sides, text left
//! untranslated, a length ratio far from the document's usual one.
//!
//! Matching works on a normalised view (Arabic-Indic digits as ASCII, thousands separators
//! dropped); outputs are never changed.

use crate::bead::Flags;

/// Where the flags trip.
#[derive(Clone, Debug)]
pub struct Thresholds {
    /// Below this score a bead is flagged `low-score`.
    pub low_score: f32,
    /// A pair whose length ratio differs from the document's typical ratio by more than this
    /// factor (either way) is flagged `length-ratio`.
    pub ratio_factor: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        // 0.3 is exp(-1.2): a mean token log-probability that trained ar→en models rarely fall
        // below on well-formed sentences. 2.5× mirrors common corpus-cleaning ratio filters.
        Thresholds { low_score: 0.3, ratio_factor: 2.5 }
    }
}

/// The numbers in a text, normalised: `١٬٢٣٤٫٥` and `1,234.5` both give "1234.5".
pub fn numbers(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if let Some(d) = digit(c) {
            cur.push(d);
            continue;
        }
        let next_is_digit = chars.peek().is_some_and(|&n| digit(n).is_some());
        if !cur.is_empty() && next_is_digit {
            match c {
                // Thousands separators vanish; decimal signs become '.'.
                ',' | '٬' | '\'' => continue,
                '.' | '٫' => {
                    cur.push('.');
                    continue;
                }
                _ => {}
            }
        }
        if !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out.sort();
    out
}

fn digit(c: char) -> Option<char> {
    match c {
        '0'..='9' => Some(c),
        '٠'..='٩' => char::from_digit(c as u32 - '٠' as u32, 10),
        '۰'..='۹' => char::from_digit(c as u32 - '۰' as u32, 10),
        _ => None,
    }
}

fn is_arabic_letter(c: char) -> bool {
    matches!(c, '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{08A0}'..='\u{08FF}' | '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}')
        && c.is_alphabetic()
}

/// Share of letters in Arabic script.
pub fn arabic_share(text: &str) -> f64 {
    let (mut arabic, mut letters) = (0usize, 0usize);
    for c in text.chars().filter(|c| c.is_alphabetic()) {
        letters += 1;
        arabic += usize::from(is_arabic_letter(c));
    }
    if letters == 0 {
        0.0
    } else {
        arabic as f64 / letters as f64
    }
}

fn visible_len(text: &str) -> usize {
    text.chars().filter(|c| !c.is_whitespace()).count()
}

/// The median target/source length ratio over pairs with text on both sides (1.0 if none).
pub fn typical_ratio<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>) -> f64 {
    let mut ratios: Vec<f64> = pairs
        .filter_map(|(s, t)| {
            let (a, b) = (visible_len(s), visible_len(t));
            (a >= 10 && b > 0).then(|| b as f64 / a as f64)
        })
        .collect();
    if ratios.is_empty() {
        return 1.0;
    }
    ratios.sort_by(f64::total_cmp);
    ratios[ratios.len() / 2]
}

/// Flags for one pair of texts (source, target).
pub fn flags(source: &str, target: &str, typical_ratio: f64, t: &Thresholds) -> Flags {
    let mut flags = Flags::NONE;
    if numbers(source) != numbers(target) {
        flags.insert(Flags::NUMBER_MISMATCH);
    }
    let normalised = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    if !target.trim().is_empty()
        && (normalised(source) == normalised(target) || (arabic_share(source) > 0.5 && arabic_share(target) > 0.5))
    {
        flags.insert(Flags::UNTRANSLATED);
    }
    let (a, b) = (visible_len(source), visible_len(target));
    if a >= 10 || b >= 10 {
        let ratio = (b.max(1) as f64 / a.max(1) as f64) / typical_ratio;
        if ratio > t.ratio_factor || ratio < 1.0 / t.ratio_factor {
            flags.insert(Flags::LENGTH_RATIO);
        }
    }
    flags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_both_digit_systems_compare_equal() {
        assert_eq!(numbers("بلغ ١٬٢٣٤٫٥ مليون في ٢٠٢٠"), numbers("reached 1,234.5 million in 2020"));
        assert_eq!(numbers("في عام 1991،"), vec!["1991"]);
        assert_ne!(numbers("3 people"), numbers("ثلاثة 4"));
    }

    #[test]
    fn flags_for_typical_problems() {
        let t = Thresholds::default();
        assert!(flags("في عام 1991 انهار", "In 1992 it collapsed", 1.0, &t).contains(Flags::NUMBER_MISMATCH));
        assert!(flags("نص عربي طويل هنا", "نص عربي طويل هنا", 1.0, &t).contains(Flags::UNTRANSLATED));
        assert!(flags("جملة عربية طويلة بما يكفي للقياس", "Hi", 1.0, &t).contains(Flags::LENGTH_RATIO));
        assert_eq!(flags("قال إنه سيأتي غدا", "He said he would come tomorrow", 1.0, &t), Flags::NONE);
    }
}
