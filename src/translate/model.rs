//! Model directories: which family a CTranslate2 model belongs to, and what that means for
//! tokenization (tokenizer files, special tokens, language tokens, `</s>`).
//!
//! Detection looks only at file names, the vocabulary and small JSON files, so it is fast and
//! gives a precise error before CTranslate2 (C++) ever sees the directory.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::langs;
use super::model_bin::{self, BinError, ModelBin, ShapeProblem};
use super::vocab_check;

#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("model directory {dir} does not exist")]
    Missing { dir: String },
    #[error("model path {dir} is not a directory (or an .argosmodel package)")]
    NotADirectory { dir: String },
    #[error("{dir} is not a CTranslate2 model: it has no model.bin (convert a model with ct2-transformers-converter; see docs/models.md)")]
    NotCtranslate2 { dir: String },
    #[error("model directory {dir} has no {file}")]
    MissingFile { dir: String, file: String },
    #[error("cannot tell which model family {dir} is: looked for source.spm + target.spm (OPUS-MT/Marian), sentencepiece.bpe.model or tokenizer.json with language tokens (NLLB-200, M2M-100), metadata.json + model/ (Argos package), tokenizer.json, or a bare vocabulary (pre-tokenized)")]
    UnknownFamily { dir: String },
    #[error("cannot read {path}: {reason}")]
    BadFile { path: String, reason: String },
    #[error("model.bin in {dir} is damaged: {reason}")]
    Damaged { dir: String, reason: String },
    #[error("{dir} is not a translation model: its model.bin holds {what}; use a sequence-to-sequence model such as OPUS-MT, NLLB-200 or M2M-100 (see docs/models.md)")]
    WrongKind { dir: String, what: String },
    #[error("the files of model {dir} do not belong together (copied from two models?): {reason}")]
    VocabularyMismatch { dir: String, reason: String },
    #[error("model {dir} translates {pair}, not {asked}")]
    WrongPair { dir: String, pair: String, asked: String },
    #[error(
        "model {dir} has no language token for {lang:?} (it knows {known}); use one of its codes with --from/--to"
    )]
    UnknownLanguage { dir: String, lang: String, known: String },
    #[error("cannot load model {dir}: {reason}")]
    Load { dir: String, reason: String },
    #[error("cannot tokenize with {path}: {reason}")]
    Tokenizer { path: String, reason: String },
    #[error("cannot unpack {path}: {reason}")]
    Package { path: String, reason: String },
}

/// The model families we know how to drive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// OPUS-MT and other Marian models: `source.spm` + `target.spm`, `</s>` after the source.
    OpusMt,
    /// NLLB-200: one SentencePiece model, `arb_Arab`-style language tokens; the source is
    /// `[src_lang] pieces </s>`, the target starts with `tgt_lang`, stripped from the output.
    Nllb,
    /// M2M-100: like NLLB with `__ar__`-style language tokens.
    M2m100,
    /// An Argos Translate package: `metadata.json` (from_code/to_code), the CTranslate2 model in
    /// `model/`, one `sentencepiece.model`; nothing appended to the source.
    Argos,
    /// Any CTranslate2 model with a Hugging Face `tokenizer.json`.
    HfTokenizer,
    /// A model with vocabularies but no tokenizer file (OpenNMT models trained on pre-tokenized
    /// text, character-level models): the input is split at whitespace, nothing is appended,
    /// output tokens are joined with spaces.
    Whitespace,
}

impl Family {
    pub fn name(self) -> &'static str {
        match self {
            Family::OpusMt => "OPUS-MT (Marian)",
            Family::Nllb => "NLLB-200",
            Family::M2m100 => "M2M-100",
            Family::Argos => "Argos Translate package",
            Family::HfTokenizer => "Hugging Face tokenizer (tokenizer.json)",
            Family::Whitespace => "pre-tokenized (whitespace tokens, no tokenizer file)",
        }
    }

    /// Is the language chosen per request with language tokens?
    pub fn is_multilingual(self) -> bool {
        matches!(self, Family::Nllb | Family::M2m100)
    }
}

/// Which files tokenize for this model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TokenizerFiles {
    /// Separate source and target SentencePiece models (Marian).
    SentencePiecePair { source: PathBuf, target: PathBuf },
    /// One SentencePiece model for both sides.
    SentencePiece(PathBuf),
    /// A Hugging Face tokenizer.
    HfJson(PathBuf),
    /// Whitespace tokens.
    Whitespace,
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

/// `metadata.json` of an Argos package (the fields we use).
#[derive(Clone, Debug, Deserialize)]
struct ArgosMetadata {
    from_code: String,
    to_code: String,
}

/// A model directory that looks usable, with what detection found.
#[derive(Clone, Debug)]
pub struct ModelDir {
    /// The CTranslate2 model directory (for Argos, the package's `model/`).
    pub path: PathBuf,
    /// What the user pointed at, when it differs from `path` (an Argos package or zip).
    pub given: PathBuf,
    pub family: Family,
    pub tokenizer: TokenizerFiles,
    pub config: Ct2Config,
    /// Number of entries in the (source) vocabulary.
    pub vocab_size: usize,
    /// Language pair when the model says it (Argos metadata, `opus-mt-ar-en` directory names).
    pub pair: Option<(String, String)>,
    /// Language tokens in the vocabulary of a multilingual model (`arb_Arab`, `__ar__` …).
    pub language_tokens: Vec<String>,
    /// Size of model.bin in bytes.
    pub weights_bytes: u64,
    /// The layout of model.bin (spec, variables), checked before CTranslate2 loads it.
    pub bin: ModelBin,
    /// What the user should know about the model (one line each): e.g. tokenizer pieces missing
    /// from the vocabulary.
    pub warnings: Vec<String>,
}

impl ModelDir {
    /// A short name for headers and TMX props: the name of what the user pointed at.
    pub fn name(&self) -> String {
        let name = self.given.file_name().map(|n| n.to_string_lossy().into_owned());
        name.unwrap_or_else(|| self.given.display().to_string())
    }

    pub fn detect(given: &Path) -> Result<ModelDir, ModelError> {
        let dir = given.display().to_string();
        if !given.exists() {
            return Err(ModelError::Missing { dir });
        }
        // An unreadable directory would otherwise look like one without model.bin.
        if given.is_dir() {
            fs::read_dir(given).map_err(|e| ModelError::BadFile { path: dir.clone(), reason: e.to_string() })?;
        }
        let package_root = if given.is_file() {
            if !is_zip(given) {
                return Err(ModelError::NotADirectory { dir });
            }
            super::argos::unpack_cached(given)?
        } else {
            given.to_path_buf()
        };
        // An Argos package: metadata.json beside model/.
        let metadata_path = package_root.join("metadata.json");
        if metadata_path.is_file() && package_root.join("model").is_dir() {
            let meta: ArgosMetadata = read_json(&metadata_path)?;
            let model = package_root.join("model");
            if let Err(e @ ModelError::WrongKind { .. }) = check_kind(&model, given) {
                return Err(e);
            }
            let spm = package_root.join("sentencepiece.model");
            if !spm.is_file() {
                let reason = if package_root.join("bpe.model").is_file() {
                    "it uses BPE (bpe.model), which Nazir does not support yet; use a SentencePiece package"
                } else {
                    "it has no sentencepiece.model"
                };
                return Err(ModelError::BadFile { path: dir, reason: reason.into() });
            }
            let mut found = ModelDir::inspect(&model, given, Family::Argos, TokenizerFiles::SentencePiece(spm))?;
            found.pair = Some((meta.from_code, meta.to_code));
            return Ok(found);
        }
        let path = package_root;
        if !path.join("model.bin").is_file() {
            return Err(ModelError::NotCtranslate2 { dir });
        }
        // What kind of model this is decides everything else: say it before looking for files a
        // speech or language model does not have. (Damage is reported once the family is known.)
        if let Err(e @ ModelError::WrongKind { .. }) = check_kind(&path, given) {
            return Err(e);
        }
        let (source_spm, target_spm) = (path.join("source.spm"), path.join("target.spm"));
        if source_spm.is_file() || target_spm.is_file() {
            for (p, name) in [(&source_spm, "source.spm"), (&target_spm, "target.spm")] {
                if !p.is_file() {
                    return Err(ModelError::MissingFile { dir, file: name.into() });
                }
            }
            let tokenizer = TokenizerFiles::SentencePiecePair { source: source_spm, target: target_spm };
            let mut found = ModelDir::inspect(&path, given, Family::OpusMt, tokenizer)?;
            found.pair = pair_from_name(&found.name()).or_else(|| pair_from_name(&dir_name(&path)));
            return Ok(found);
        }
        let bpe = path.join("sentencepiece.bpe.model");
        let hf = path.join("tokenizer.json");
        let tokenizer = if bpe.is_file() {
            Some(TokenizerFiles::SentencePiece(bpe))
        } else if hf.is_file() {
            Some(TokenizerFiles::HfJson(hf))
        } else {
            None
        };
        if let Some(tokenizer) = tokenizer {
            let tokens = read_vocabulary(&path)?;
            let nllb = langs::nllb_tokens(&tokens);
            let m2m = langs::m2m_tokens(&tokens);
            let (family, languages) = if nllb.len() >= 2 {
                (Family::Nllb, nllb)
            } else if m2m.len() >= 2 {
                (Family::M2m100, m2m)
            } else if matches!(tokenizer, TokenizerFiles::HfJson(_)) {
                (Family::HfTokenizer, Vec::new())
            } else {
                return Err(ModelError::UnknownFamily { dir });
            };
            let mut found = ModelDir::inspect(&path, given, family, tokenizer)?;
            found.language_tokens = languages;
            return Ok(found);
        }
        let has_tokenizer_file = ["sentencepiece.model", "metadata.json"].iter().any(|f| path.join(f).exists());
        if !has_tokenizer_file && read_vocabulary(&path).is_ok() {
            return ModelDir::inspect(&path, given, Family::Whitespace, TokenizerFiles::Whitespace);
        }
        Err(ModelError::UnknownFamily { dir })
    }

    fn inspect(path: &Path, given: &Path, family: Family, tokenizer: TokenizerFiles) -> Result<ModelDir, ModelError> {
        let dir = path.display().to_string();
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
        let vocabulary = read_vocabulary(path)?;
        // CTranslate2 appends the unknown token to a vocabulary that lacks it.
        let unk = config.unk_token.as_deref().unwrap_or("<unk>");
        let loaded_size = |v: &[String]| v.len() + usize::from(!v.iter().any(|t| t == unk));
        let target_vocab_size = match read_target_vocabulary(path)? {
            Some(target) => loaded_size(&target),
            None => loaded_size(&vocabulary),
        };
        let bin = check_kind(path, given)?;
        bin.check_transformer((loaded_size(&vocabulary), target_vocab_size)).map_err(|p| match p {
            ShapeProblem::Damaged(reason) => ModelError::Damaged { dir: dir.clone(), reason },
            ShapeProblem::Vocabulary(reason) => ModelError::VocabularyMismatch { dir: dir.clone(), reason },
        })?;
        let warnings = check_tokenizer(&dir, &tokenizer, &vocabulary)?;
        Ok(ModelDir {
            path: path.to_path_buf(),
            given: given.to_path_buf(),
            family,
            tokenizer,
            config,
            vocab_size: vocabulary.len(),
            pair: None,
            language_tokens: Vec::new(),
            weights_bytes,
            bin,
            warnings,
        })
    }

    /// A fingerprint of the model's content: SHA-256 over model.bin's size, first and last MiB,
    /// and every small file beside it (config, vocabulary, tokenizers). Cheap even for
    /// gigabyte models, and unchanged when the directory is copied or moved.
    pub fn fingerprint(&self) -> Result<String, ModelError> {
        use sha2::{Digest, Sha256};
        use std::io::{Seek, SeekFrom};
        let bad =
            |p: &Path, e: std::io::Error| ModelError::BadFile { path: p.display().to_string(), reason: e.to_string() };
        let mut h = Sha256::new();
        let weights = self.path.join("model.bin");
        let mut f = fs::File::open(&weights).map_err(|e| bad(&weights, e))?;
        let len = f.metadata().map_err(|e| bad(&weights, e))?.len();
        h.update(len.to_le_bytes());
        let mut buf = vec![0u8; 1 << 20];
        let n = read_up_to(&mut f, &mut buf).map_err(|e| bad(&weights, e))?;
        h.update(&buf[..n]);
        if len > buf.len() as u64 {
            f.seek(SeekFrom::End(-(buf.len() as i64))).map_err(|e| bad(&weights, e))?;
            let n = read_up_to(&mut f, &mut buf).map_err(|e| bad(&weights, e))?;
            h.update(&buf[..n]);
        }
        let mut small: Vec<PathBuf> = fs::read_dir(&self.path)
            .map_err(|e| bad(&self.path, e))?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != "model.bin"))
            .collect();
        match &self.tokenizer {
            TokenizerFiles::SentencePiece(p) | TokenizerFiles::HfJson(p) => small.push(p.clone()),
            _ => {}
        }
        small.sort();
        small.dedup();
        for p in small {
            if fs::metadata(&p).map(|m| m.len()).unwrap_or(u64::MAX) <= 64 << 20 {
                h.update(p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default().as_bytes());
                h.update(fs::read(&p).map_err(|e| bad(&p, e))?);
            }
        }
        Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
    }

    /// The longest input the model's position table takes, minus room for special tokens.
    pub fn max_input_tokens(&self) -> usize {
        match self.family {
            // Marian's sinusoidal table in CTranslate2 conversions has 512 positions.
            Family::OpusMt => 510,
            // NLLB-200 and M2M-100 were trained with 1024 positions; room for the language
            // token and </s>.
            Family::Nllb | Family::M2m100 => 1020,
            // OpenNMT-py models (Argos) have no hard limit, but were trained on sentences.
            Family::Argos | Family::HfTokenizer | Family::Whitespace => 510,
        }
    }

    /// Checks that this model can translate `from` → `to`, and returns the language tokens to
    /// use (source prefix, target prefix) for multilingual models.
    pub fn languages_for(&self, from: &str, to: &str) -> Result<(Option<String>, Option<String>), ModelError> {
        if self.family.is_multilingual() {
            let find = |lang: &str| {
                langs::token_for(self.family, lang, &self.language_tokens).ok_or_else(|| ModelError::UnknownLanguage {
                    dir: self.given.display().to_string(),
                    lang: lang.to_string(),
                    known: summarize(&self.language_tokens),
                })
            };
            return Ok((Some(find(from)?), Some(find(to)?)));
        }
        match &self.pair {
            Some((s, t)) if !(same_language(s, from) && same_language(t, to)) => Err(ModelError::WrongPair {
                dir: self.given.display().to_string(),
                pair: format!("{s}→{t}"),
                asked: format!("{from}→{to}"),
            }),
            _ => Ok((None, None)),
        }
    }

    /// Checks the language pair (single-pair models) or that both languages exist
    /// (multilingual models).
    pub fn check_pair(&self, from: &str, to: &str) -> Result<(), ModelError> {
        self.languages_for(from, to).map(|_| ())
    }
}

fn read_up_to(f: &mut fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match f.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

fn summarize(tokens: &[String]) -> String {
    let shown: Vec<&str> = tokens.iter().take(8).map(String::as_str).collect();
    if tokens.len() > shown.len() {
        format!("{} and {} more", shown.join(", "), tokens.len() - shown.len())
    } else {
        shown.join(", ")
    }
}

fn dir_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

fn is_zip(path: &Path) -> bool {
    let mut magic = [0u8; 4];
    fs::File::open(path).and_then(|mut f| f.read_exact(&mut magic)).is_ok() && &magic == b"PK\x03\x04"
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, ModelError> {
    let bad = |reason: String| ModelError::BadFile { path: path.display().to_string(), reason };
    let text = fs::read_to_string(path).map_err(|e| bad(e.to_string()))?;
    serde_json::from_str(&text).map_err(|e| bad(e.to_string()))
}

/// Compares language codes on their primary subtag: `ar` matches `ar-SA` and `arb`.
pub fn same_language(a: &str, b: &str) -> bool {
    langs::primary(a) == langs::primary(b)
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

/// Reads and checks the layout of `dir/model.bin` (see `model_bin`).
pub fn read_model_bin(dir: &Path) -> Result<ModelBin, ModelError> {
    let path = dir.join("model.bin");
    let bad = |reason: String| ModelError::BadFile { path: path.display().to_string(), reason };
    let mut file = fs::File::open(&path).map_err(|e| bad(e.to_string()))?;
    let len = file.metadata().map_err(|e| bad(e.to_string()))?.len();
    let mut reader = std::io::BufReader::with_capacity(64 * 1024, &mut file);
    model_bin::parse(&mut reader, len).map_err(|e| match e {
        BinError::Io(reason) => bad(reason),
        BinError::TooNew(_) => ModelError::Load { dir: dir.display().to_string(), reason: e.to_string() },
        BinError::Truncated { .. } | BinError::Bad(_) => {
            ModelError::Damaged { dir: dir.display().to_string(), reason: e.to_string() }
        }
    })
}

/// Reads model.bin's layout and refuses models that do not translate (speech, language models).
fn check_kind(path: &Path, given: &Path) -> Result<ModelBin, ModelError> {
    let bin = read_model_bin(path)?;
    match bin.kind_problem() {
        Some(what) => {
            Err(ModelError::WrongKind { dir: given.display().to_string(), what: format!("{what}, {}", bin.spec) })
        }
        None => Ok(bin),
    }
}

/// Checks that the source tokenizer's pieces are in the model's vocabulary: most missing is an
/// error (the files come from different models), a few a warning.
fn check_tokenizer(dir: &str, tokenizer: &TokenizerFiles, vocabulary: &[String]) -> Result<Vec<String>, ModelError> {
    let (file, pieces) = match tokenizer {
        TokenizerFiles::SentencePiecePair { source: p, .. } | TokenizerFiles::SentencePiece(p) => {
            let bytes = fs::read(p)
                .map_err(|e| ModelError::BadFile { path: p.display().to_string(), reason: e.to_string() })?;
            let pieces = vocab_check::spm_pieces(&bytes)
                .map_err(|reason| ModelError::Tokenizer { path: p.display().to_string(), reason })?;
            (p, pieces)
        }
        TokenizerFiles::HfJson(p) => {
            let text = fs::read_to_string(p)
                .map_err(|e| ModelError::BadFile { path: p.display().to_string(), reason: e.to_string() })?;
            let pieces = vocab_check::hf_pieces(&text)
                .map_err(|reason| ModelError::Tokenizer { path: p.display().to_string(), reason })?;
            (p, pieces)
        }
        TokenizerFiles::Whitespace => return Ok(Vec::new()),
    };
    let c = vocab_check::coverage(pieces.iter().map(String::as_str), vocabulary);
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let summary = format!(
        "{} of the {} pieces of {name} are not in the model's vocabulary (e.g. {})",
        c.missing,
        c.pieces,
        c.examples.iter().map(|e| format!("{e:?}")).collect::<Vec<_>>().join(", ")
    );
    if c.missing_percent() > vocab_check::MISMATCH_PERCENT {
        return Err(ModelError::VocabularyMismatch { dir: dir.to_string(), reason: summary });
    }
    if c.missing_percent() > vocab_check::WARN_PERCENT {
        return Ok(vec![format!("model {dir}: {summary}; words made of them become <unk>")]);
    }
    Ok(Vec::new())
}

/// The target vocabulary when the model has its own (`target_vocabulary.*`); `None` when the
/// vocabulary is shared.
pub fn read_target_vocabulary(dir: &Path) -> Result<Option<Vec<String>>, ModelError> {
    if dir.join("shared_vocabulary.json").is_file() || dir.join("shared_vocabulary.txt").is_file() {
        return Ok(None);
    }
    let json = dir.join("target_vocabulary.json");
    if json.is_file() {
        return read_json(&json).map(Some);
    }
    let txt = dir.join("target_vocabulary.txt");
    match fs::read_to_string(&txt) {
        Ok(text) => Ok(Some(text.lines().map(String::from).collect())),
        Err(_) => Ok(None),
    }
}

/// The model's (source or shared) vocabulary, from the JSON or text file CTranslate2 wrote.
pub fn read_vocabulary(dir: &Path) -> Result<Vec<String>, ModelError> {
    for name in ["shared_vocabulary.json", "source_vocabulary.json"] {
        let path = dir.join(name);
        if path.is_file() {
            return read_json(&path);
        }
    }
    for name in ["shared_vocabulary.txt", "source_vocabulary.txt"] {
        let path = dir.join(name);
        if let Ok(text) = fs::read_to_string(&path) {
            return Ok(text.lines().map(String::from).collect());
        }
    }
    Err(ModelError::MissingFile { dir: dir.display().to_string(), file: "shared_vocabulary.json".into() })
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
