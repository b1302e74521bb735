//! Sentences → English (or whatever target the model knows).
//!
//! `Translator` is the seam: `Ct2Translator` runs a CTranslate2 model through ct2rs, and
//! `FakeTranslator` answers instantly so the pipeline, writers and corpus mode are tested without
//! a model. `translate_unique` sits in front of either: identical sentences of a run are
//! translated once.

pub mod argos;
pub mod cache;
pub mod ct2;
pub mod fake;
pub mod langs;
pub mod model;
pub mod model_bin;
pub mod tokenize;
pub mod vocab_check;

use std::collections::HashMap;

use crate::bead::Flags;

pub use cache::CachedTranslator;
pub use ct2::{Ct2Translator, EngineOptions};
pub use fake::FakeTranslator;
pub use model::{ModelDir, ModelError};

/// One sentence's translation.
#[derive(Clone, Debug, PartialEq)]
pub struct Translation {
    pub text: String,
    /// The model's confidence: exp(mean token log-probability), in 0..=1.
    pub score: f32,
    /// `SPLIT_FOR_MODEL` when the input was too long and was translated in pieces.
    pub flags: Flags,
}

#[derive(Debug, thiserror::Error)]
pub enum TranslateError {
    #[error(transparent)]
    Model(#[from] ModelError),
    #[error("translation failed: {0}")]
    Engine(String),
    #[error("interrupted")]
    Interrupted,
}

/// Anything that turns source sentences into target sentences, in order.
pub trait Translator: Send + Sync {
    /// Translates `inputs`; calls `progress` with the number of sentences finished so far.
    fn translate(&self, inputs: &[&str], progress: &dyn Fn(usize)) -> Result<Vec<Translation>, TranslateError>;
    /// What to call the model in outputs (TMX `x-model` prop, HTML header).
    fn name(&self) -> String;
    /// Everything that decides the output for a given input (model weights, tokenizers,
    /// languages, decoding options): the translation cache's key prefix.
    fn identity(&self) -> String {
        self.name()
    }
    /// Sentences answered from a translation cache so far (`None`: no cache).
    fn cache_hits(&self) -> Option<usize> {
        None
    }
}

/// Translates each distinct sentence once and fans the results back out.
///
/// Web text repeats boilerplate ("Share this article", captions), so a batch often holds the
/// same sentence several times. Progress counts input sentences, duplicates included.
pub fn translate_unique(
    translator: &dyn Translator,
    inputs: &[&str],
    progress: &dyn Fn(usize),
) -> Result<Vec<Translation>, TranslateError> {
    let mut first: HashMap<&str, usize> = HashMap::with_capacity(inputs.len());
    let mut unique: Vec<&str> = Vec::new();
    let mut slot = Vec::with_capacity(inputs.len());
    for &s in inputs {
        let idx = *first.entry(s).or_insert_with(|| {
            unique.push(s);
            unique.len() - 1
        });
        slot.push(idx);
    }
    let scale = inputs.len() as f64 / unique.len().max(1) as f64;
    let translated = translator.translate(&unique, &|done| progress(((done as f64) * scale).round() as usize))?;
    if translated.len() != unique.len() {
        return Err(TranslateError::Engine(format!(
            "the model returned {} translations for {} sentences",
            translated.len(),
            unique.len()
        )));
    }
    progress(inputs.len());
    Ok(slot.into_iter().map(|i| translated[i].clone()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    struct Counting(AtomicUsize);
    impl Translator for Counting {
        fn translate(&self, inputs: &[&str], _: &dyn Fn(usize)) -> Result<Vec<Translation>, TranslateError> {
            self.0.fetch_add(inputs.len(), Ordering::SeqCst);
            Ok(inputs.iter().map(|s| Translation { text: s.to_uppercase(), score: 1.0, flags: Flags::NONE }).collect())
        }
        fn name(&self) -> String {
            "counting".into()
        }
    }

    #[test]
    fn duplicates_are_translated_once_and_order_is_kept() {
        let t = Counting(AtomicUsize::new(0));
        let out = translate_unique(&t, &["a", "b", "a", "c", "b"], &|_| {}).unwrap();
        let texts: Vec<_> = out.iter().map(|t| t.text.as_str()).collect();
        assert_eq!(texts, ["A", "B", "A", "C", "B"]);
        assert_eq!(t.0.load(Ordering::SeqCst), 3);
    }
}
