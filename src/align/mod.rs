//! Sentences of both sides → beads.
//!
//! In translation mode each source sentence is paired 1-1 with its machine translation; the
//! score is the model's confidence and `checks` adds the flags a reviewer needs. Paragraph
//! boundaries are kept because every target sentence carries its source's paragraph.
//! In bitext mode (`bitext`) an existing translation is aligned n-m with the source: `features`
//! and `cost` score candidate beads, `dp` searches, `eval` measures the result against gold.

pub mod bitext;
pub mod checks;
pub mod coarse;
pub mod cost;
pub mod dp;
pub mod eval;
pub mod features;
pub mod gold;

use crate::bead::{Aligned, Bead, Flags, Paragraph, Sentence};
use crate::translate::Translation;

pub use checks::Thresholds;

/// Pairs each source sentence with its translation.
pub fn pair_translations(
    paragraphs: Vec<Paragraph>,
    source: Vec<Sentence>,
    translations: Vec<Translation>,
    first_target_id: usize,
    thresholds: &Thresholds,
) -> Aligned {
    debug_assert_eq!(source.len(), translations.len());
    let target: Vec<Sentence> = source
        .iter()
        .zip(&translations)
        .enumerate()
        .map(|(k, (s, t))| Sentence {
            id: first_target_id + k,
            text: t.text.clone(),
            paragraph: s.paragraph,
            span: None,
            line: 0,
        })
        .collect();
    let ratio =
        checks::typical_ratio(source.iter().map(|s| s.text.as_str()).zip(target.iter().map(|t| t.text.as_str())));
    let beads = translations
        .iter()
        .enumerate()
        .map(|(k, t)| {
            let mut flags = t.flags | checks::flags(&source[k].text, &target[k].text, ratio, thresholds);
            if t.score < thresholds.low_score {
                flags.insert(crate::bead::Flags::LOW_SCORE);
            }
            Bead { src: k..k + 1, tgt: k..k + 1, score: t.score, flags }
        })
        .collect();
    Aligned { paragraphs, source, target, beads }
}

/// Beads from a bitext alignment, with the flags a reviewer needs: not-1-1, low-score, and for
/// beads with both sides the checks of translation mode (numbers, length ratio, untranslated).
pub fn bitext_beads(
    alignment: &bitext::Alignment,
    source: &[Sentence],
    target: &[Sentence],
    thresholds: &Thresholds,
) -> Vec<Bead> {
    let joined = |s: &[Sentence]| Aligned::join(s);
    let ratio = checks::typical_ratio(
        alignment
            .steps
            .iter()
            .filter(|s| s.src.len() == 1 && s.tgt.len() == 1)
            .map(|s| (source[s.src.start].text.as_str(), target[s.tgt.start].text.as_str())),
    );
    alignment
        .steps
        .iter()
        .zip(&alignment.scores)
        .map(|(step, &score)| {
            let mut flags = Flags::NONE;
            if step.src.len() != 1 || step.tgt.len() != 1 {
                flags.insert(Flags::NOT_ONE_TO_ONE);
            }
            if score < thresholds.low_score {
                flags.insert(Flags::LOW_SCORE);
            }
            if !step.src.is_empty() && !step.tgt.is_empty() {
                let (a, b) = (joined(&source[step.src.clone()]), joined(&target[step.tgt.clone()]));
                flags.insert(checks::flags(&a, &b, ratio, thresholds));
            }
            Bead { src: step.src.clone(), tgt: step.tgt.clone(), score, flags }
        })
        .collect()
}

/// What a bitext run's summary shows: beads per shape and a histogram of scores.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Summary {
    /// (shape, count), most frequent first.
    pub shapes: Vec<(String, usize)>,
    /// Beads with both sides, by score: [0, 0.1), [0.1, 0.2) … [0.9, 1].
    pub histogram: [usize; 10],
}

impl Summary {
    pub fn of(beads: &[Bead]) -> Summary {
        let mut shapes: Vec<(String, usize)> = Vec::new();
        let mut histogram = [0; 10];
        for b in beads {
            let kind = b.kind();
            match shapes.iter_mut().find(|(k, _)| *k == kind) {
                Some((_, n)) => *n += 1,
                None => shapes.push((kind, 1)),
            }
            if !b.src.is_empty() && !b.tgt.is_empty() {
                histogram[((b.score.clamp(0.0, 1.0) * 10.0) as usize).min(9)] += 1;
            }
        }
        shapes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        Summary { shapes, histogram }
    }

    /// Two lines for standard error.
    pub fn lines(&self) -> [String; 2] {
        let shapes: Vec<String> = self.shapes.iter().map(|(k, n)| format!("{k}: {n}")).collect();
        let total: usize = self.histogram.iter().sum();
        let bars: Vec<String> = self
            .histogram
            .iter()
            .enumerate()
            .map(|(k, &n)| format!("{:.1}-{:.1}: {n}", k as f64 / 10.0, (k + 1) as f64 / 10.0))
            .collect();
        [
            format!("beads by shape: {}", shapes.join(", ")),
            format!("scores of the {total} beads with both sides: {}", bars.join(", ")),
        ]
    }
}

/// A small deterministic random generator (SplitMix64): the aligner's samples and the
/// evaluation's variants must be the same on every run and machine.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in 0..n (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 * n as f64) as usize % n.max(1)
    }
    /// True with probability p.
    pub fn chance(&mut self, p: f64) -> bool {
        ((self.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < p
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bead::Flags;

    #[test]
    fn every_sentence_gets_a_one_to_one_bead() {
        let source: Vec<Sentence> = (0..3)
            .map(|i| Sentence { id: 10 + i, text: format!("جملة {i}"), paragraph: i / 2, span: None, line: 1 })
            .collect();
        let translations = (0..3)
            .map(|i| Translation {
                text: format!("sentence {i}"),
                score: if i == 1 { 0.1 } else { 0.9 },
                flags: Flags::NONE,
            })
            .collect();
        let a = pair_translations(vec![], source, translations, 10, &Thresholds::default());
        assert_eq!(a.check(), Ok(()));
        assert_eq!(a.target[2].paragraph, 1);
        assert_eq!(a.target[0].id, 10);
        assert!(a.beads[1].flags.contains(Flags::LOW_SCORE));
        assert!(!a.beads[0].flags.contains(Flags::LOW_SCORE));
    }
}
