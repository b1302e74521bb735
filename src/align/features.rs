//! What the bitext aligner compares, computed from each sentence's text once.
//!
//! Lengths (for Gale–Church), anchors that survive translation (numbers in either digit system,
//! Latin-script tokens such as names and URLs, question marks, quotation marks), n-gram profiles
//! for the MT similarity (character n-grams for chrF; word uni- and bigrams for BLEU-2, Bleualign's
//! measure, kept for comparison) and a small hashed vector for the coarse passes over long
//! documents. Profiles are sorted multisets of hashes, so the overlap of two spans is one merge.

use std::collections::HashSet;

use super::checks;

/// Character n-gram orders of our chrF. chrF's standard is 1..6; 2..4 aligns as well on the dev
/// split (docs/alignment.md has the numbers) at 1.6 times the speed: character unigrams say little
/// about which English sentence is meant, and 5- and 6-grams mostly repeat what 4-grams found.
pub const CHAR_ORDERS: std::ops::RangeInclusive<usize> = 2..=4;
/// Dimensions of the hashed vectors used by the coarse passes.
pub const DENSE_DIM: usize = 64;

/// How the MT of a source span is compared with a target span.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Similarity {
    /// Character n-gram F-score (chrF with β = 1 and orders `CHAR_ORDERS`).
    Chrf,
    /// Bleualign's BLEU over word uni- and bigrams, harmonic mean of both directions.
    Bleu2,
}

impl Similarity {
    pub fn name(self) -> &'static str {
        match self {
            Similarity::Chrf => "chrF",
            Similarity::Bleu2 => "BLEU-2",
        }
    }
    /// The profile of a text for this measure.
    pub fn profile(self, text: &str) -> Profile {
        match self {
            Similarity::Chrf => Profile::chars(text),
            Similarity::Bleu2 => Profile::words(text),
        }
    }
    /// The length the measure counts in (characters without whitespace for chrF, words for BLEU).
    pub fn units(self, text: &str) -> u32 {
        match self {
            Similarity::Chrf => text.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).count() as u32,
            Similarity::Bleu2 => tokens(text).len() as u32,
        }
    }

    /// An upper bound of `score` from lengths alone (`units` of each text of both spans): no
    /// n-gram can match more often than the shorter side has it. 1 when there is no such bound.
    pub fn bound(self, hyp: &[u32], reference: &[u32]) -> f64 {
        if self != Similarity::Chrf {
            return 1.0;
        }
        let grams = |lens: &[u32], n: u32| lens.iter().map(|&l| (l + 1).saturating_sub(n)).sum::<u32>();
        let (mut sum, mut orders) = (0.0, 0);
        for n in CHAR_ORDERS {
            let (h, r) = (grams(hyp, n as u32), grams(reference, n as u32));
            if h > 0 && r > 0 {
                orders += 1;
                sum += 2.0 * h.min(r) as f64 / (h + r) as f64;
            }
        }
        if orders == 0 {
            0.0
        } else {
            sum / orders as f64
        }
    }

    /// Similarity in 0..=1 of a hypothesis (MT of the source span) and a reference (target span).
    pub fn score(self, hyp: &Profile, reference: &Profile) -> f64 {
        match self {
            Similarity::Chrf => chrf(hyp, reference),
            Similarity::Bleu2 => bleu2(hyp, reference),
        }
    }
}

#[inline]
fn mix(h: u64, x: u64) -> u64 {
    (h.rotate_left(5) ^ x).wrapping_mul(0x517c_c1b7_2722_0a95)
}

#[inline]
fn finish(h: u64) -> u64 {
    let h = (h ^ (h >> 31)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    h ^ (h >> 29)
}

/// A key: 29 bits of hash, then the n-gram order (1-based) minus one in the low 3 bits.
#[inline]
fn key(h: u64, order: usize) -> u32 {
    ((finish(h) >> 32) as u32 & !7) | (order as u32 - 1)
}

/// Hash of a string (anchors, words).
pub fn hash_str(s: &str) -> u32 {
    let mut h = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h = mix(h, b as u64);
    }
    (finish(h) >> 32) as u32
}

/// A text as a sorted multiset of hashed n-grams, with the number of n-grams of each order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Profile {
    keys: Vec<u32>,
    totals: [u32; 8],
}

impl Profile {
    /// Character n-grams of the lower-cased text with whitespace removed (as chrF does).
    pub fn chars(text: &str) -> Profile {
        let chars: Vec<u32> =
            text.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).map(u32::from).collect();
        let max = *CHAR_ORDERS.end();
        let mut keys = Vec::with_capacity(chars.len() * CHAR_ORDERS.clone().count());
        let mut totals = [0u32; 8];
        for start in 0..chars.len() {
            let mut h = 0x2545_f491_4f6c_dd1d;
            for (k, &c) in chars[start..chars.len().min(start + max)].iter().enumerate() {
                h = mix(h, c as u64);
                let order = k + 1;
                if CHAR_ORDERS.contains(&order) {
                    keys.push(key(h, order));
                    totals[order - 1] += 1;
                }
            }
        }
        keys.sort_unstable();
        Profile { keys, totals }
    }

    /// Word unigrams and bigrams, BLEU's tokenisation in spirit: lower-cased, punctuation split off.
    pub fn words(text: &str) -> Profile {
        let words = tokens(text);
        let mut keys = Vec::with_capacity(words.len() * 2);
        let mut totals = [0u32; 8];
        let hashes: Vec<u64> = words.iter().map(|w| hash_str(w) as u64).collect();
        for (i, &h) in hashes.iter().enumerate() {
            keys.push(key(mix(1, h), 1));
            totals[0] += 1;
            if let Some(&next) = hashes.get(i + 1) {
                keys.push(key(mix(mix(2, h), next), 2));
                totals[1] += 1;
            }
        }
        keys.sort_unstable();
        Profile { keys, totals }
    }

    /// The profile of several texts together (n-grams across their joins are not added): a
    /// linear merge of sorted lists.
    pub fn merged(parts: &[&Profile]) -> Profile {
        let mut out = Profile::default();
        for p in parts {
            out = if out.keys.is_empty() { (*p).clone() } else { out.merge(p) };
        }
        out
    }

    fn merge(&self, other: &Profile) -> Profile {
        let (a, b) = (&self.keys, &other.keys);
        let mut keys = Vec::with_capacity(a.len() + b.len());
        let (mut i, mut j) = (0, 0);
        while i < a.len() && j < b.len() {
            if a[i] <= b[j] {
                keys.push(a[i]);
                i += 1;
            } else {
                keys.push(b[j]);
                j += 1;
            }
        }
        keys.extend_from_slice(&a[i..]);
        keys.extend_from_slice(&b[j..]);
        let mut totals = self.totals;
        for (t, x) in totals.iter_mut().zip(other.totals) {
            *t += x;
        }
        Profile { keys, totals }
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

/// Clipped matches per order: Σ over n-grams of min(count in a, count in b).
///
/// One branch-free merge of the two sorted multisets: equal keys advance both sides, so runs of a
/// repeated n-gram match min(count, count) times.
fn matches(a: &Profile, b: &Profile) -> [u32; 8] {
    let mut m = [0u32; 8];
    let (x, y) = (&a.keys, &b.keys);
    let (mut i, mut j) = (0, 0);
    while i < x.len() && j < y.len() {
        let (p, q) = (x[i], y[j]);
        m[(p & 7) as usize] += u32::from(p == q);
        i += usize::from(p <= q);
        j += usize::from(q <= p);
    }
    m
}

/// chrF with β = 1: per order, the F1 of n-gram precision and recall, averaged over the orders
/// both texts have. β = 1 because an alignment must cover both sides equally: a bead that leaves
/// half of the English uncovered is as wrong as one that leaves half of the Arabic uncovered.
pub fn chrf(hyp: &Profile, reference: &Profile) -> f64 {
    let m = matches(hyp, reference);
    let (mut sum, mut orders) = (0.0, 0);
    for ((&h, &r), &matched) in hyp.totals.iter().zip(&reference.totals).zip(&m) {
        if h == 0 || r == 0 {
            continue;
        }
        orders += 1;
        sum += 2.0 * matched as f64 / (h + r) as f64;
    }
    if orders == 0 {
        0.0
    } else {
        sum / orders as f64
    }
}

/// Bleualign's sentence BLEU over word uni- and bigrams: BLEU of the hypothesis against the
/// reference and of the reference against the hypothesis, each with its brevity penalty, and
/// their harmonic mean; 0 when no bigram matches (Bleualign's choice as well).
pub fn bleu2(hyp: &Profile, reference: &Profile) -> f64 {
    let m = matches(hyp, reference);
    if m[0] == 0 || m[1] == 0 {
        return 0.0;
    }
    let (hl, rl) = (hyp.totals[0] as f64, reference.totals[0] as f64);
    let one_way = |guess: &[u32; 8], len: f64, other: f64| {
        let mut log = 0.0;
        for k in 0..2 {
            log += (m[k] as f64).ln() - (guess[k].max(1) as f64).ln();
        }
        (log / 2.0 + (1.0 - other / len).min(0.0)).exp()
    };
    let forward = one_way(&hyp.totals, hl, rl);
    let backward = one_way(&reference.totals, rl, hl);
    2.0 * forward * backward / (forward + backward)
}

/// Lower-cased word tokens, punctuation split off as its own tokens.
pub fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() {
            cur.extend(c.to_lowercase());
        } else {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            if !c.is_whitespace() {
                out.push(c.to_string());
            }
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Visible length: characters that are not whitespace (Gale–Church counts characters).
pub fn visible_len(text: &str) -> u32 {
    text.chars().filter(|c| !c.is_whitespace()).count() as u32
}

/// Tokens that translation leaves alone, as sorted hash lists, plus sentence punctuation.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Anchors {
    /// Numbers normalised to ASCII digits (`١٬٢٣٤` = `1,234` = 1234).
    pub numbers: Vec<u32>,
    /// Lower-cased Latin-script tokens (names, acronyms, URLs). On the English side only those
    /// that also occur as Latin tokens somewhere in the Arabic document count.
    pub latin: Vec<u32>,
    /// Punctuation marks present: `QUESTION`, `QUOTE`, `PAREN`, `COLON` bits.
    pub marks: u8,
    /// How the sentence ends: 0 without terminal punctuation (headlines, captions), 1 `.`,
    /// 2 `?` or `؟`, 3 `!`, 4 `:`, 5 `…` (closing quotes and brackets skipped).
    pub ending: u8,
}

/// Bits of `Anchors::marks`.
pub const QUESTION: u8 = 1;
pub const QUOTE: u8 = 2;
pub const PAREN: u8 = 4;
pub const COLON: u8 = 8;

/// Kinds of anchors compared: numbers, Latin tokens, question marks, quotes, parentheses, colons,
/// sentence ends.
pub const ANCHOR_KINDS: usize = 7;

fn ending(text: &str) -> u8 {
    let closers = |c: char| c.is_whitespace() || "\"'»”’)]}\u{200f}\u{200e}".contains(c);
    match text.trim_end_matches(closers).chars().next_back() {
        Some('.' | '۔') => 1,
        Some('?' | '؟') => 2,
        Some('!') => 3,
        Some(':') => 4,
        Some('…') => 5,
        _ => 0,
    }
}

fn is_latin_letter(c: char) -> bool {
    c.is_ascii_alphabetic() || (('\u{00C0}'..='\u{024F}').contains(&c) && c.is_alphabetic())
}

/// Latin-script tokens of a text: runs of Latin letters, digits and the characters URLs and
/// e-mail addresses are made of, trimmed of edge punctuation, with at least one Latin letter and
/// two characters.
pub fn latin_tokens(text: &str) -> Vec<String> {
    let inner = |c: char| is_latin_letter(c) || c.is_ascii_digit() || "._/:@-'&%?=#+~".contains(c);
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut flush = |cur: &mut String| {
        let t = cur.trim_matches(|c: char| !(is_latin_letter(c) || c.is_ascii_digit()));
        if t.chars().count() >= 2 && t.chars().any(is_latin_letter) {
            out.push(t.to_lowercase());
        }
        cur.clear();
    };
    for c in text.chars() {
        if inner(c) {
            cur.push(c);
        } else {
            flush(&mut cur);
        }
    }
    flush(&mut cur);
    out
}

impl Anchors {
    /// Anchors of a sentence. `latin_vocabulary`: when given, only Latin tokens in it are kept
    /// (for the English side: an English word is an anchor only if the Arabic side has it too).
    pub fn of(text: &str, latin_vocabulary: Option<&HashSet<u32>>) -> Anchors {
        let mut numbers: Vec<u32> = checks::numbers(text).iter().map(|n| hash_str(n)).collect();
        numbers.sort_unstable();
        let mut latin: Vec<u32> = latin_tokens(text)
            .iter()
            .map(|t| hash_str(t))
            .filter(|h| latin_vocabulary.is_none_or(|v| v.contains(h)))
            .collect();
        latin.sort_unstable();
        Anchors {
            numbers,
            latin,
            marks: [
                (QUESTION, text.contains(['?', '؟'])),
                (QUOTE, text.contains(['"', '«', '»', '“', '”', '„'])),
                (PAREN, text.contains(['(', ')'])),
                (COLON, text.contains(':')),
            ]
            .iter()
            .fold(0, |m, &(bit, on)| if on { m | bit } else { m }),
            ending: ending(text),
        }
    }
}

/// Agreement of anchors between two spans: for each kind, matches and unmatched items.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AnchorCounts {
    /// `[numbers, latin, question, quote, paren, colon, ending]` × `(matched, unmatched)`.
    pub kinds: [(u32, u32); ANCHOR_KINDS],
}

/// Matched and unmatched items between two sorted multisets.
fn sorted_agreement(a: &[u32], b: &[u32]) -> (u32, u32) {
    let (mut i, mut j, mut m) = (0, 0, 0u32);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Equal => {
                m += 1;
                i += 1;
                j += 1;
            }
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
        }
    }
    (m, (a.len() + b.len()) as u32 - 2 * m)
}

/// The items of a span's sentences as one sorted list, in `buf` (no allocation for one sentence).
fn gathered<'a>(side: &'a [Anchors], f: fn(&Anchors) -> &Vec<u32>, buf: &'a mut Vec<u32>) -> &'a [u32] {
    match side {
        [one] => f(one),
        _ => {
            buf.clear();
            side.iter().for_each(|a| buf.extend_from_slice(f(a)));
            buf.sort_unstable();
            buf
        }
    }
}

fn agreement(src: &[Anchors], tgt: &[Anchors], f: fn(&Anchors) -> &Vec<u32>) -> (u32, u32) {
    let count = |side: &[Anchors]| side.iter().map(|a| f(a).len() as u32).sum::<u32>();
    let (na, nb) = (count(src), count(tgt));
    if na == 0 || nb == 0 {
        return (0, na + nb);
    }
    let (mut x, mut y) = (Vec::new(), Vec::new());
    sorted_agreement(gathered(src, f, &mut x), gathered(tgt, f, &mut y))
}

/// Compares the anchors of a source span with those of a target span.
pub fn anchor_counts(src: &[Anchors], tgt: &[Anchors]) -> AnchorCounts {
    let mark = |bit: u8| {
        let (a, b) = (src.iter().any(|x| x.marks & bit != 0), tgt.iter().any(|x| x.marks & bit != 0));
        (u32::from(a && b), u32::from(a != b))
    };
    let end = match (src.last(), tgt.last()) {
        (Some(a), Some(b)) => (u32::from(a.ending == b.ending), u32::from(a.ending != b.ending)),
        _ => (0, 0),
    };
    AnchorCounts {
        kinds: [
            agreement(src, tgt, |a| &a.numbers),
            agreement(src, tgt, |a| &a.latin),
            mark(QUESTION),
            mark(QUOTE),
            mark(PAREN),
            mark(COLON),
            end,
        ],
    }
}

/// A hashed bag of words and anchors (signed feature hashing), for the coarse passes: summing
/// the vectors of a block of sentences gives the block's vector.
pub fn dense(words: &[String], anchors: &Anchors) -> [f32; DENSE_DIM] {
    let mut v = [0f32; DENSE_DIM];
    let mut add = |h: u32, w: f32| {
        let sign = if h & 0x8000_0000 != 0 { -1.0 } else { 1.0 };
        v[(h as usize >> 3) % DENSE_DIM] += sign * w;
    };
    for w in words {
        if w.chars().any(char::is_alphanumeric) {
            add(hash_str(w), 1.0);
        }
    }
    // Anchors are rare and reliable: they weigh as much as a few words.
    for &h in anchors.numbers.iter().chain(&anchors.latin) {
        add(h.rotate_left(7), 3.0);
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chrf_is_one_for_identical_text_and_low_for_unrelated() {
        let a = Profile::chars("The president arrived in Moscow on Monday.");
        let b = Profile::chars("the president  arrived in moscow on monday.");
        assert!((chrf(&a, &b) - 1.0).abs() < 1e-9);
        let c = Profile::chars("Rainfall totals were lower than expected this year.");
        assert!(chrf(&a, &c) < 0.3, "{}", chrf(&a, &c));
        assert_eq!(chrf(&Profile::default(), &a), 0.0);
    }

    #[test]
    fn length_bound_is_an_upper_bound() {
        let texts =
            ["The president arrived.", "He said so", "A much longer sentence about many other things entirely."];
        for a in texts {
            for b in texts {
                for c in texts {
                    let sim = Similarity::Chrf;
                    let ha = Profile::merged(&[&Profile::chars(a), &Profile::chars(b)]);
                    let bound = sim.bound(&[sim.units(a), sim.units(b)], &[sim.units(c)]);
                    assert!(chrf(&ha, &Profile::chars(c)) <= bound + 1e-12, "{a} + {b} vs {c}");
                }
            }
        }
        assert!(Similarity::Chrf.bound(&[100], &[10]) < 0.3);
    }

    #[test]
    fn repeated_ngrams_match_min_count_times() {
        let a = Profile::chars("aaaa");
        let b = Profile::chars("aaa");
        let m = matches(&a, &b);
        assert_eq!(m[1], 2, "bigram aa: min(3, 2)");
        assert_eq!(m[2], 1, "trigram aaa: min(2, 1)");
        assert_eq!(m[3], 0, "4-gram: only in a");
    }

    #[test]
    fn merged_profile_counts_both_parts() {
        let a = Profile::chars("one two");
        let b = Profile::chars("three");
        let ab = Profile::merged(&[&a, &b]);
        assert_eq!(ab.totals[0], a.totals[0] + b.totals[0]);
        let reference = Profile::chars("one two three");
        assert!(chrf(&ab, &reference) > chrf(&a, &reference));
    }

    #[test]
    fn bleu2_is_symmetric_and_zero_without_bigram_match() {
        let a = Profile::words("the cat sat on the mat");
        let b = Profile::words("the cat sat on a mat today");
        assert!((bleu2(&a, &b) - bleu2(&b, &a)).abs() < 1e-12);
        assert!(bleu2(&a, &b) > 0.4);
        assert_eq!(bleu2(&a, &Profile::words("mat cat")), 0.0);
        assert!((bleu2(&a, &a) - 1.0).abs() < 1e-9);
    }

    #[test]
    fn anchors_match_across_scripts_and_digit_systems() {
        let ar = Anchors::of("قالت وكالة BBC إن ١٬٢٣٤ شخصا زاروا www.example.com؟", None);
        let vocab: HashSet<u32> = ar.latin.iter().copied().collect();
        let en = Anchors::of("The BBC said 1,234 people visited www.example.com?", Some(&vocab));
        assert_eq!(en.latin.len(), 2, "the, said, people… are not anchors");
        let c = anchor_counts(std::slice::from_ref(&ar), std::slice::from_ref(&en));
        assert_eq!(c.kinds[0], (1, 0));
        assert_eq!(c.kinds[1], (2, 0));
        assert_eq!(c.kinds[2], (1, 0));
        let other = Anchors::of("No numbers here.", Some(&vocab));
        let c = anchor_counts(std::slice::from_ref(&ar), &[other]);
        let two = anchor_counts(&[ar.clone(), ar.clone()], std::slice::from_ref(&en));
        assert_eq!(two.kinds[0], (1, 1), "the number twice on one side, once on the other");
        assert_eq!(c.kinds[0], (0, 1));
        assert_eq!(c.kinds[2], (0, 1));
        assert_eq!(c.kinds[6], (0, 1), "? against .");
        assert_eq!(ending("عنوان بلا نقطة"), 0);
        assert_eq!(ending("He said \"yes.\" "), 1);
    }

    #[test]
    fn latin_tokens_trim_punctuation_and_skip_single_letters() {
        assert_eq!(latin_tokens("(COVID-19), و a و https://x.org/a."), vec!["covid-19", "https://x.org/a"]);
    }
}
