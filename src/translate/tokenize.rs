//! Text ↔ tokens for each model family, with the family's special tokens.
//!
//! | family     | source tokens                   | target prefix | output            |
//! |------------|---------------------------------|---------------|-------------------|
//! | OPUS-MT    | pieces `</s>`                   | —             | target.spm decode |
//! | NLLB-200   | `arb_Arab` pieces `</s>`        | `eng_Latn`    | prefix stripped   |
//! | M2M-100    | `__ar__` pieces `</s>`          | `__en__`      | prefix stripped   |
//! | Argos      | pieces                          | —             | SentencePiece decode |
//! | tokenizer.json | the tokenizer's own template | —            | ids → decode      |
//! | whitespace | words                           | —             | joined by spaces  |
//!
//! `</s>` is appended only when config.json does not say CTranslate2 adds it (`add_source_eos`),
//! so it is never there twice.

use sentencepiece::SentencePieceProcessor;

use super::model::{Family, ModelDir, ModelError, TokenizerFiles};

enum Pieces {
    SentencePiece(SentencePieceProcessor),
    Hf(Box<tokenizers::Tokenizer>),
    Whitespace,
}

impl Pieces {
    fn encode(&self, text: &str, special: bool) -> Result<Vec<String>, String> {
        match self {
            Pieces::SentencePiece(sp) => {
                Ok(sp.encode(text).map_err(|e| e.to_string())?.into_iter().map(|p| p.piece).collect())
            }
            Pieces::Hf(t) => Ok(t.encode(text, special).map_err(|e| e.to_string())?.get_tokens().to_vec()),
            Pieces::Whitespace => Ok(text.split_whitespace().map(String::from).collect()),
        }
    }

    fn decode(&self, tokens: &[String]) -> Result<String, String> {
        match self {
            Pieces::SentencePiece(sp) => sp.decode_pieces(tokens).map_err(|e| e.to_string()),
            Pieces::Hf(t) => {
                let ids: Vec<u32> = tokens.iter().filter_map(|tok| t.token_to_id(tok)).collect();
                t.decode(&ids, true).map_err(|e| e.to_string())
            }
            Pieces::Whitespace => Ok(tokens.join(" ")),
        }
    }
}

/// A model's tokenizers plus the language and end tokens of one translation direction.
pub struct Tokenizer {
    source: Pieces,
    /// `None`: the target side uses the source tokenizer.
    target: Option<Pieces>,
    /// Source language token placed first (NLLB, M2M-100).
    source_prefix: Option<String>,
    /// Token placed last (`</s>`), unless CTranslate2 adds it.
    append_eos: Option<String>,
    /// Forced first target token (NLLB, M2M-100), stripped from the output.
    pub target_prefix: Option<String>,
    /// The tokenizer.json's own template adds special tokens.
    hf_special: bool,
}

fn load_spm(path: &std::path::Path) -> Result<Pieces, ModelError> {
    SentencePieceProcessor::open(path)
        .map(Pieces::SentencePiece)
        .map_err(|e| ModelError::Tokenizer { path: path.display().to_string(), reason: e.to_string() })
}

fn load_hf(path: &std::path::Path) -> Result<Pieces, ModelError> {
    tokenizers::Tokenizer::from_file(path)
        .map(|t| Pieces::Hf(Box::new(t)))
        .map_err(|e| ModelError::Tokenizer { path: path.display().to_string(), reason: e.to_string() })
}

impl Tokenizer {
    /// Loads the tokenizer for `model` translating with the given language tokens
    /// (from `ModelDir::languages_for`).
    pub fn load(model: &ModelDir, languages: (Option<String>, Option<String>)) -> Result<Tokenizer, ModelError> {
        let (source, target) = match &model.tokenizer {
            TokenizerFiles::SentencePiecePair { source, target } => (load_spm(source)?, Some(load_spm(target)?)),
            TokenizerFiles::SentencePiece(path) => (load_spm(path)?, None),
            TokenizerFiles::HfJson(path) => (load_hf(path)?, None),
            TokenizerFiles::Whitespace => (Pieces::Whitespace, None),
        };
        let eos =
            || (!model.config.add_source_eos).then(|| model.config.eos_token.clone().unwrap_or_else(|| "</s>".into()));
        let (source_prefix, target_prefix) = languages;
        let hf_special = matches!(source, Pieces::Hf(_)) && !model.family.is_multilingual();
        let append_eos = match model.family {
            Family::OpusMt | Family::Nllb | Family::M2m100 => eos(),
            // OpenNMT-py models (Argos) and pre-tokenized models take the bare pieces;
            // tokenizer.json templates add their own special tokens.
            Family::Argos | Family::Whitespace | Family::HfTokenizer => None,
        };
        Ok(Tokenizer { source, target, source_prefix, append_eos, target_prefix, hf_special })
    }

    pub fn encode(&self, text: &str) -> Result<Vec<String>, String> {
        let mut tokens = Vec::new();
        if let Some(p) = &self.source_prefix {
            tokens.push(p.clone());
        }
        tokens.extend(self.source.encode(text, self.hf_special)?);
        if let Some(eos) = &self.append_eos {
            tokens.push(eos.clone());
        }
        Ok(tokens)
    }

    /// Tokens `encode` adds besides the text's own pieces.
    pub fn overhead(&self) -> usize {
        usize::from(self.source_prefix.is_some()) + usize::from(self.append_eos.is_some())
    }

    /// Only the end token, which must stay last when a too-long input is cut.
    pub fn has_eos(&self) -> bool {
        self.append_eos.is_some()
    }

    pub fn decode(&self, tokens: &[String]) -> Result<String, String> {
        let tokens = match (&self.target_prefix, tokens.first()) {
            (Some(p), Some(first)) if first == p => &tokens[1..],
            _ => tokens,
        };
        self.target.as_ref().unwrap_or(&self.source).decode(tokens)
    }
}
