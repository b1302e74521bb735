//! A translator without a model, for tests: it tags each sentence instead of translating it.

use super::{TranslateError, Translation, Translator};
use crate::bead::Flags;

/// Returns `"[en] " + source` for each sentence, with score 1.
#[derive(Clone, Debug, Default)]
pub struct FakeTranslator {
    pub target: String,
}

impl FakeTranslator {
    pub fn new(target: &str) -> FakeTranslator {
        FakeTranslator { target: target.to_string() }
    }
}

impl Translator for FakeTranslator {
    fn translate(&self, inputs: &[&str], progress: &dyn Fn(usize)) -> Result<Vec<Translation>, TranslateError> {
        let out = inputs
            .iter()
            .map(|s| Translation { text: format!("[{}] {s}", self.target), score: 1.0, flags: Flags::NONE })
            .collect();
        progress(inputs.len());
        Ok(out)
    }

    fn name(&self) -> String {
        "fake".to_string()
    }
}
