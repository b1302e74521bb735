//! Model directories: which family a CTranslate2 model belongs to, and what that means for
//! tokenization (special tokens, language prefixes, `</s>`).
//!
//! Detection looks only at file names and small JSON files, so it is instant and gives a
//! precise error before CTranslate2 (C++) ever sees the directory.

use std::fs;
use std::path::{Path, PathBuf};

use serde::Deserialize;

#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("model directory {dir} does not exist")]
    Missing { dir: String },
    #[error("model path {dir} is not a directory")]
    NotADirectory { dir: String },
    #[error("{dir} is not a CTranslate2 model: it has no model.bin (convert a model with ct2-transformers-converter; see docs/models.md)")]
    NotCtranslate2 { dir: String },
    #[error("model directory {dir} has no {file}")]
    MissingFile { dir: String, file: &'static str },
    #[error("cannot tell which model family {dir} is: looked for source.spm + target.spm (OPUS-MT/Marian), sentencepiece.bpe.model with language tokens (NLLB-200, M2M-100), metadata.json (Argos) and tokenizer.json")]
    UnknownFamily { dir: String },
    #[error("cannot read {path}: {reason}")]
    BadFile { path: String, reason: String },
    #[error("model.bin in {dir} is damaged: {reason}")]
    Damaged { dir: String, reason: String },
    #[error("model {dir} translates {pair}, not {asked}")]
    WrongPair { dir: String, pair: String, asked: String },
    #[error("cannot load model {dir}: {reason}")]
    Load { dir: String, reason: String },
    #[error("cannot tokenize with {path}: {reason}")]
    Tokenizer { path: String, reason: String },
}

/// The model families we know how to drive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// OPUS-MT and other Marian models: `source.spm` + `target.spm`, `</s>` after the source.
    OpusMt,
    /// A model with vocabularies but no tokenizer file (OpenNMT models trained on pre-tokenized
    /// text, character-level models): the input is split at whitespace, nothing is appended,
    /// output tokens are joined with spaces.
    Whitespace,
}

impl Family {
    pub fn name(self) -> &'static str {
        match self {
            Family::OpusMt => "OPUS-MT (Marian)",
            Family::Whitespace => "pre-tokenized (whitespace tokens, no tokenizer file)",
        }
    }
}

/// The parts of CTranslate2's `config.json` that change tokenization.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Ct2Config {
    #[serde(default)]
    pub add_source_bos: bool,
    #[serde(default)]
    pub add_source_eos: bool,
    #[serde(default)]
    pub bos_token: Option<String>,
    #[serde(default)]
    pub eos_token: Option<String>,
    #[serde(default)]
    pub unk_token: Option<String>,
    #[serde(default)]
    pub decoder_start_token: Option<String>,
}

/// A model directory that looks usable, with what detection found.
#[derive(Clone, Debug)]
pub struct ModelDir {
    pub path: PathBuf,
    pub family: Family,
    pub config: Ct2Config,
    /// Number of entries in the (source) vocabulary.
    pub vocab_size: usize,
    /// Language pair when the directory says it (`opus-mt-ar-en`), as (source, target).
    pub pair: Option<(String, String)>,
    /// Size of model.bin in bytes.
    pub weights_bytes: u64,
}

impl ModelDir {
    /// A short name for headers and TMX props: the directory's name.
    pub fn name(&self) -> String {
        self.path.file_name().map_or_else(|| self.path.display().to_string(), |n| n.to_string_lossy().into_owned())
    }

    pub fn detect(path: &Path) -> Result<ModelDir, ModelError> {
        let dir = path.display().to_string();
        if !path.exists() {
            return Err(ModelError::Missing { dir });
        }
        if !path.is_dir() {
            return Err(ModelError::NotADirectory { dir });
        }
        let weights = path.join("model.bin");
        let weights_bytes = match fs::metadata(&weights) {
            Ok(m) => m.len(),
            Err(_) => return Err(ModelError::NotCtranslate2 { dir }),
        };
        let config: Ct2Config = match fs::read_to_string(path.join("config.json")) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| ModelError::BadFile {
                path: path.join("config.json").display().to_string(),
                reason: e.to_string(),
            })?,
            Err(_) => Ct2Config::default(),
        };
        let family = if path.join("source.spm").is_file() && path.join("target.spm").is_file() {
            Family::OpusMt
        } else if path.join("source.spm").is_file() {
            return Err(ModelError::MissingFile { dir, file: "target.spm" });
        } else if path.join("target.spm").is_file() {
            return Err(ModelError::MissingFile { dir, file: "source.spm" });
        } else if vocabulary_size(path).is_ok()
            && !has_any(path, &["sentencepiece.bpe.model", "sentencepiece.model", "tokenizer.json", "metadata.json"])
        {
            Family::Whitespace
        } else {
            return Err(ModelError::UnknownFamily { dir });
        };
        let vocab_size = vocabulary_size(path)?;
        let pair = pair_from_name(&path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
        Ok(ModelDir { path: path.to_path_buf(), family, config, vocab_size, pair, weights_bytes })
    }

    /// The longest input the model's position table takes, minus room for special tokens.
    pub fn max_input_tokens(&self) -> usize {
        match self.family {
            // Marian's sinusoidal table in CTranslate2 conversions has 512 positions.
            Family::OpusMt => 510,
            Family::Whitespace => 1024,
        }
    }

    /// Checks that this model can translate `from` → `to`, when its pair is known.
    pub fn check_pair(&self, from: &str, to: &str) -> Result<(), ModelError> {
        match &self.pair {
            Some((s, t)) if !(same_language(s, from) && same_language(t, to)) => Err(ModelError::WrongPair {
                dir: self.path.display().to_string(),
                pair: format!("{s}→{t}"),
                asked: format!("{from}→{to}"),
            }),
            _ => Ok(()),
        }
    }
}

/// Compares language codes on their primary subtag: `ar` matches `ar-SA` and `arb`.
pub fn same_language(a: &str, b: &str) -> bool {
    let norm = |c: &str| {
        let primary = c.split(['-', '_']).next().unwrap_or(c).to_ascii_lowercase();
        match primary.as_str() {
            "arb" => "ar".to_string(),
            "eng" => "en".to_string(),
            _ => primary,
        }
    };
    norm(a) == norm(b)
}

/// `opus-mt-ar-en` (with any prefix or suffix such as `-ct2-int8`) → ("ar", "en").
fn pair_from_name(name: &str) -> Option<(String, String)> {
    let lower = name.to_ascii_lowercase();
    let rest = &lower[lower.find("opus-mt-")? + "opus-mt-".len()..];
    let rest = rest.strip_prefix("tc-big-").unwrap_or(rest);
    let mut parts = rest.split('-');
    let (s, t) = (parts.next()?, parts.next()?);
    let is_code = |c: &str| (2..=3).contains(&c.len()) && c.chars().all(|ch| ch.is_ascii_lowercase());
    (is_code(s) && is_code(t)).then(|| (s.to_string(), t.to_string()))
}

fn has_any(dir: &Path, files: &[&str]) -> bool {
    files.iter().any(|f| dir.join(f).exists())
}

fn vocabulary_size(dir: &Path) -> Result<usize, ModelError> {
    for name in ["shared_vocabulary.json", "source_vocabulary.json"] {
        let path = dir.join(name);
        if let Ok(text) = fs::read_to_string(&path) {
            let tokens: Vec<String> = serde_json::from_str(&text)
                .map_err(|e| ModelError::BadFile { path: path.display().to_string(), reason: e.to_string() })?;
            return Ok(tokens.len());
        }
    }
    for name in ["shared_vocabulary.txt", "source_vocabulary.txt"] {
        if let Ok(text) = fs::read_to_string(dir.join(name)) {
            return Ok(text.lines().count());
        }
    }
    Err(ModelError::MissingFile { dir: dir.display().to_string(), file: "shared_vocabulary.json" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pair_from_directory_names() {
        assert_eq!(pair_from_name("opus-mt-ar-en"), Some(("ar".into(), "en".into())));
        assert_eq!(pair_from_name("Helsinki-NLP--opus-mt-tc-big-ar-en-int8"), Some(("ar".into(), "en".into())));
        assert_eq!(pair_from_name("my-model"), None);
    }

    #[test]
    fn language_codes_compare_on_primary_subtag() {
        assert!(same_language("ar", "ar-SA"));
        assert!(same_language("arb", "ar"));
        assert!(same_language("en_US", "en"));
        assert!(!same_language("en", "fr"));
    }
}
