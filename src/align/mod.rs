//! Sentences of both sides → beads.
//!
//! In translation mode each source sentence is paired 1-1 with its machine translation; the
//! score is the model's confidence and `checks` adds the flags a reviewer needs. Paragraph
//! boundaries are kept because every target sentence carries its source's paragraph.

pub mod checks;

use crate::bead::{Aligned, Bead, Paragraph, Sentence};
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
