//! Reads the layout of CTranslate2's `model.bin` without loading the weights, so a truncated
//! download, a damaged file or a model of the wrong kind is reported in one line before the C++
//! engine sees it (a C++ abort or an out-of-bounds read must never be the user's error message).
//!
//! The layout, as `ctranslate2/specs/model_spec.py` writes it and `src/models/model.cc` reads it
//! (little-endian; a string is a u16 length counting a final NUL, then the bytes and the NUL):
//! u32 binary version; from version 2 the spec name and a u32 revision; u32 variable count; per
//! variable its name, u8 rank, rank × u32 dimensions, then (version ≥ 4) u8 dtype id and u32 byte
//! count, or (before 4) u8 item size and u32 element count, then the data; from version 3 a u32
//! alias count and (alias, variable) name pairs. Nothing may follow.

use std::collections::HashMap;
use std::io::{self, Read, Seek, SeekFrom};

/// The newest binary version this parser (and the linked CTranslate2) reads.
pub const MAX_BINARY_VERSION: u32 = 6;

/// Data types by their id (the order of `DataType` in CTranslate2's `types.h`), with item sizes.
const DTYPES: [(&str, u64); 6] =
    [("float32", 4), ("int8", 1), ("int16", 2), ("int32", 4), ("float16", 2), ("bfloat16", 2)];

/// One weight tensor (or scalar) of the model.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Variable {
    pub name: String,
    pub shape: Vec<u64>,
    pub dtype: &'static str,
    /// Where the data starts in the file, and its length.
    pub offset: u64,
    pub bytes: u64,
}

/// The parsed header of a `model.bin`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModelBin {
    pub version: u32,
    /// "TransformerSpec" for translation models ("" and "TransformerBase"/"TransformerBig" in old
    /// files); "WhisperSpec", "TransformerDecoderSpec" … for other kinds.
    pub spec: String,
    pub revision: u32,
    pub variables: Vec<Variable>,
    /// Alias → the variable it names (shared embeddings, tied layer norms).
    pub aliases: HashMap<String, String>,
}

/// The file does not have the layout above: why, in words.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum BinError {
    #[error("it is truncated: {what} at byte {at} needs {need} bytes but the file ends at byte {len} (an interrupted download or copy? fetch the model again)")]
    Truncated { what: String, at: u64, need: u64, len: u64 },
    #[error("{0}")]
    Bad(String),
    #[error("it was written by a newer CTranslate2 (binary version {0}; this build reads up to {MAX_BINARY_VERSION}): convert the model with CTranslate2 4.x")]
    TooNew(u32),
    #[error("{0}")]
    Io(String),
}

/// Reads primitive values, checking every length against the file's size before reading or
/// allocating, so a corrupt count can neither over-allocate nor run past the end.
struct Cursor<'r, R> {
    r: &'r mut R,
    pos: u64,
    len: u64,
}

impl<R: Read + Seek> Cursor<'_, R> {
    fn need(&self, what: &dyn Fn() -> String, n: u64) -> Result<(), BinError> {
        if self.len.saturating_sub(self.pos) < n {
            return Err(BinError::Truncated { what: what(), at: self.pos, need: n, len: self.len });
        }
        Ok(())
    }

    fn bytes(&mut self, what: &dyn Fn() -> String, n: usize) -> Result<Vec<u8>, BinError> {
        self.need(what, n as u64)?;
        let mut buf = vec![0; n];
        self.r.read_exact(&mut buf).map_err(|e| BinError::Io(e.to_string()))?;
        self.pos += n as u64;
        Ok(buf)
    }

    fn u8(&mut self, what: &dyn Fn() -> String) -> Result<u8, BinError> {
        Ok(self.bytes(what, 1)?[0])
    }

    fn u16(&mut self, what: &dyn Fn() -> String) -> Result<u16, BinError> {
        let b = self.bytes(what, 2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    fn u32(&mut self, what: &dyn Fn() -> String) -> Result<u32, BinError> {
        let b = self.bytes(what, 4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn string(&mut self, what: &dyn Fn() -> String) -> Result<String, BinError> {
        let at = self.pos;
        let n = self.u16(what)?;
        if n == 0 {
            return Err(BinError::Bad(format!("{} at byte {at} has length 0", what())));
        }
        let mut b = self.bytes(what, n as usize)?;
        if b.pop() != Some(0) {
            return Err(BinError::Bad(format!("{} at byte {at} does not end with NUL", what())));
        }
        String::from_utf8(b).map_err(|_| BinError::Bad(format!("{} at byte {at} is not UTF-8", what())))
    }

    fn skip(&mut self, what: &dyn Fn() -> String, n: u64) -> Result<(), BinError> {
        self.need(what, n)?;
        let to = i64::try_from(n).map_err(|_| BinError::Bad(format!("{} is too large", what())))?;
        self.r.seek(SeekFrom::Current(to)).map_err(|e| BinError::Io(e.to_string()))?;
        self.pos += n;
        Ok(())
    }
}

/// What is wrong between the shapes of a translation model's weights and its vocabularies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShapeProblem {
    /// The weights contradict each other.
    Damaged(String),
    /// The weights and the vocabulary files come from different models.
    Vocabulary(String),
}

impl std::fmt::Display for ShapeProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ShapeProblem::Damaged(s) | ShapeProblem::Vocabulary(s) => f.write_str(s),
        }
    }
}

/// The smallest possible variable record (1-byte name, rank 0, dtype, size): bounds the count.
const MIN_VARIABLE_BYTES: u64 = 2 + 2 + 1 + 1 + 4;

/// Parses a `model.bin` of `len` bytes from `r` (positioned at its start). Seeks over the data.
pub fn parse<R: Read + Seek>(r: &mut R, len: u64) -> Result<ModelBin, BinError> {
    let mut c = Cursor { r, pos: 0, len };
    let version = c.u32(&|| "the binary version".into())?;
    if version == 0 {
        return Err(BinError::Bad("its binary version is 0".into()));
    }
    if version > MAX_BINARY_VERSION {
        return Err(BinError::TooNew(version));
    }
    let (spec, revision) = if version >= 2 {
        (c.string(&|| "the spec name".into())?, c.u32(&|| "the spec revision".into())?)
    } else {
        (String::new(), 1)
    };
    let count = c.u32(&|| "the number of variables".into())?;
    // A count the rest of the file cannot hold: truncated, or a damaged count. Either way, say
    // so before allocating or looping for it.
    let need = u64::from(count) * MIN_VARIABLE_BYTES;
    if need > len - c.pos {
        let what = format!("the {count} variables it announces");
        return Err(BinError::Truncated { what, at: c.pos, need, len });
    }
    let mut variables = Vec::with_capacity(count as usize);
    for i in 0..count {
        let name = c.string(&|| format!("the name of variable {i}"))?;
        let what = |part: &str| {
            let (name, part) = (name.clone(), part.to_string());
            move || format!("the {part} of variable '{name}'")
        };
        let rank = c.u8(&what("rank"))?;
        let mut shape = Vec::with_capacity(rank as usize);
        for _ in 0..rank {
            shape.push(u64::from(c.u32(&what("shape"))?));
        }
        let (dtype, item, bytes) = if version >= 4 {
            let id = c.u8(&what("data type"))?;
            let (dtype, item) = *DTYPES
                .get(id as usize)
                .ok_or_else(|| BinError::Bad(format!("variable '{name}' has an unknown data type id {id}")))?;
            (dtype, item, u64::from(c.u32(&what("size"))?))
        } else {
            let item = u64::from(c.u8(&what("item size"))?);
            let dtype = match item {
                1 => "int8",
                2 => "int16",
                4 => "float32",
                _ => return Err(BinError::Bad(format!("variable '{name}' has an unknown item size {item}"))),
            };
            (dtype, item, u64::from(c.u32(&what("size"))?) * item)
        };
        let elements = shape.iter().try_fold(1u64, |acc, &d| if d == 0 { None } else { acc.checked_mul(d) });
        match elements.and_then(|e| e.checked_mul(item)) {
            Some(expected) if expected == bytes => {}
            Some(expected) => {
                return Err(BinError::Bad(format!(
                    "variable '{name}' of shape {shape:?} ({dtype}) should hold {expected} bytes but says {bytes}"
                )))
            }
            None => return Err(BinError::Bad(format!("variable '{name}' has an invalid shape {shape:?}"))),
        }
        let offset = c.pos;
        c.skip(&what("data"), bytes)?;
        variables.push(Variable { name, shape, dtype, offset, bytes });
    }
    let mut aliases = HashMap::new();
    if version >= 3 {
        let count = c.u32(&|| "the number of aliases".into())?;
        let need = u64::from(count) * 6;
        if need > len - c.pos {
            let what = format!("the {count} aliases it announces");
            return Err(BinError::Truncated { what, at: c.pos, need, len });
        }
        for i in 0..count {
            let alias = c.string(&|| format!("alias {i}"))?;
            let target = c.string(&|| format!("the target of alias '{alias}'"))?;
            aliases.insert(alias, target);
        }
    }
    if c.pos != len {
        return Err(BinError::Bad(format!(
            "{} unexpected bytes follow the end of the model at byte {} (two files written over each other?)",
            len - c.pos,
            c.pos
        )));
    }
    let bin = ModelBin { version, spec, revision, variables, aliases };
    for (alias, target) in &bin.aliases {
        if bin.variable(target).is_none() {
            return Err(BinError::Bad(format!("alias '{alias}' names a variable '{target}' that does not exist")));
        }
    }
    Ok(bin)
}

/// Parses a `model.bin` held in memory (tests, fuzzing).
pub fn parse_bytes(bytes: &[u8]) -> Result<ModelBin, BinError> {
    parse(&mut io::Cursor::new(bytes), bytes.len() as u64)
}

impl ModelBin {
    /// The variable called `name`, through an alias if need be.
    pub fn variable(&self, name: &str) -> Option<&Variable> {
        let name = self.aliases.get(name).map_or(name, String::as_str);
        self.variables.iter().find(|v| v.name == name)
    }

    /// Is this a sequence-to-sequence (translation) model? If not, what it is, in words.
    pub fn kind_problem(&self) -> Option<&'static str> {
        match self.spec.as_str() {
            "" | "TransformerBase" | "TransformerBig" | "TransformerSpec" => None,
            "TransformerDecoderSpec" => Some("a text generator (a decoder-only language model such as GPT or Llama)"),
            "TransformerEncoderSpec" => Some("an encoder (embeddings or classification, such as BERT)"),
            "WhisperSpec" => Some("a speech recognition model (Whisper)"),
            "Wav2Vec2Spec" | "Wav2Vec2BertSpec" => Some("a speech model (wav2vec 2.0)"),
            "Drama3Spec" => Some("a retrieval encoder (Drama)"),
            _ => Some("a model type this version of CTranslate2 does not know"),
        }
    }

    /// Checks a translation model's shapes against each other and against its vocabularies:
    /// every token id the tokenizer can produce must have an embedding row, and every id the
    /// decoder can produce a vocabulary entry (else CTranslate2 reads out of bounds or fails in
    /// the middle of a run). `vocab` = (source tokens, target tokens).
    pub fn check_transformer(&self, vocab: (usize, usize)) -> Result<(), ShapeProblem> {
        self.check_shapes(vocab).map_err(|(vocabulary, reason)| {
            if vocabulary {
                ShapeProblem::Vocabulary(reason)
            } else {
                ShapeProblem::Damaged(reason)
            }
        })
    }

    /// `check_transformer`, with `true` for problems between the weights and the vocabulary.
    fn check_shapes(&self, vocab: (usize, usize)) -> Result<(), (bool, String)> {
        let damaged = |reason: String| (false, reason);
        let shape = |name: &str| self.variable(name).map(|v| v.shape.as_slice());
        let Some(&[src_rows, d_model]) =
            shape("encoder/embeddings_0/weight").or_else(|| shape("encoder/embeddings/weight"))
        else {
            return Err(damaged("it has no source embeddings (encoder/embeddings_0/weight of rank 2)".into()));
        };
        if (vocab.0 as u64) > src_rows {
            return Err((
                true,
                format!(
                    "the source vocabulary has {} tokens but the source embeddings in model.bin only {src_rows} rows",
                    vocab.0
                ),
            ));
        }
        let target = vocab.1 as u64;
        let mismatch = |name: &str, rows: u64| {
            (true, format!("the target vocabulary has {target} tokens but {name} in model.bin has {rows} rows"))
        };
        // Decoder inputs are target ids, which need an embedding row each; decoder outputs are
        // rows of the projection, which need a vocabulary entry each.
        for (name, fits) in [
            ("decoder/embeddings/weight", &(|rows| rows >= target) as &dyn Fn(u64) -> bool),
            ("decoder/projection/weight", &|rows| rows <= target),
        ] {
            let Some(&[rows, cols]) = shape(name) else {
                return Err(damaged(format!("it has no {name} of rank 2")));
            };
            if !fits(rows) {
                return Err(mismatch(name, rows));
            }
            if cols != d_model {
                return Err(damaged(format!("{name} has {cols} columns, not the model width {d_model}")));
            }
        }
        for v in &self.variables {
            let rows = v.shape.first().copied().unwrap_or(0);
            if let Some(stem) = v.name.strip_suffix("/bias") {
                if let Some(w) = self.variable(&format!("{stem}/weight")).filter(|w| w.shape.len() == 2) {
                    if v.shape != [w.shape[0]] {
                        let reason =
                            format!("{} has shape {:?} but its weight has {} rows", v.name, v.shape, w.shape[0]);
                        return Err(damaged(reason));
                    }
                }
            }
            if v.shape.len() != 2 || !v.name.contains("/layer_") || !v.name.ends_with("/weight") {
                continue;
            }
            let cols = v.shape[1];
            // The second feed-forward layer takes the first one's output; every other linear layer
            // takes a vector of the model's width.
            let expected = match v.name.strip_suffix("/ffn/linear_1/weight") {
                Some(ffn) => self.variable(&format!("{ffn}/ffn/linear_0/weight")).map_or(cols, |w| w.shape[0]),
                None => d_model,
            };
            if cols != expected || rows == 0 {
                return Err(damaged(format!("{} has shape {:?}: expected {expected} columns", v.name, v.shape)));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes a model.bin the way CTranslate2's Python writer does (binary version 6).
    pub(crate) fn write(spec: &str, vars: &[(&str, &[u32], u8, usize)], aliases: &[(&str, &str)]) -> Vec<u8> {
        fn s(out: &mut Vec<u8>, x: &str) {
            out.extend_from_slice(&(x.len() as u16 + 1).to_le_bytes());
            out.extend_from_slice(x.as_bytes());
            out.push(0);
        }
        let mut out = 6u32.to_le_bytes().to_vec();
        s(&mut out, spec);
        out.extend_from_slice(&7u32.to_le_bytes());
        out.extend_from_slice(&(vars.len() as u32).to_le_bytes());
        for (name, shape, dtype, bytes) in vars {
            s(&mut out, name);
            out.push(shape.len() as u8);
            for d in *shape {
                out.extend_from_slice(&d.to_le_bytes());
            }
            out.push(*dtype);
            out.extend_from_slice(&(*bytes as u32).to_le_bytes());
            out.extend(std::iter::repeat_n(0u8, *bytes));
        }
        out.extend_from_slice(&(aliases.len() as u32).to_le_bytes());
        for (a, t) in aliases {
            s(&mut out, a);
            s(&mut out, t);
        }
        out
    }

    fn small() -> Vec<u8> {
        write(
            "TransformerSpec",
            &[
                ("decoder/embeddings/weight", &[10, 4], 0, 160),
                ("decoder/projection/bias", &[10], 0, 40),
                ("decoder/layer_0/ffn/linear_0/weight", &[8, 4], 1, 32),
                ("decoder/layer_0/ffn/linear_0/bias", &[8], 0, 32),
                ("decoder/layer_0/ffn/linear_1/weight", &[4, 8], 1, 32),
                ("encoder/scale_embeddings", &[], 0, 4),
            ],
            &[
                ("encoder/embeddings_0/weight", "decoder/embeddings/weight"),
                ("decoder/projection/weight", "decoder/embeddings/weight"),
            ],
        )
    }

    #[test]
    fn a_well_formed_file_parses_and_checks() {
        let bin = parse_bytes(&small()).unwrap();
        assert_eq!((bin.version, bin.spec.as_str(), bin.revision, bin.variables.len()), (6, "TransformerSpec", 7, 6));
        assert_eq!(bin.variable("encoder/embeddings_0/weight").unwrap().shape, [10, 4]);
        assert_eq!(bin.kind_problem(), None);
        assert_eq!(bin.check_transformer((10, 10)), Ok(()));
        let err = bin.check_transformer((11, 10)).unwrap_err();
        assert!(matches!(&err, ShapeProblem::Vocabulary(s) if s.contains("source vocabulary has 11 tokens")), "{err}");
        let err = bin.check_transformer((10, 9)).unwrap_err();
        assert!(matches!(&err, ShapeProblem::Vocabulary(s) if s.contains("target vocabulary has 9 tokens")), "{err}");
    }

    #[test]
    fn every_truncation_is_reported_as_truncated_never_a_panic() {
        let bytes = small();
        for len in 0..bytes.len() {
            match parse_bytes(&bytes[..len]) {
                Err(BinError::Truncated { len: l, .. }) => assert_eq!(l, len as u64),
                other => panic!("{len}: {other:?}"),
            }
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(parse_bytes(&longer).unwrap_err().to_string().contains("1 unexpected bytes follow"));
    }

    #[test]
    fn damaged_headers_say_what_is_wrong() {
        let bytes = small();
        let mut newer = bytes.clone();
        newer[0] = 7;
        assert_eq!(parse_bytes(&newer), Err(BinError::TooNew(7)));
        // The first variable's first dimension: 10 → 11 no longer matches its byte count.
        let at = 4 + 2 + 16 + 4 + 4 + 2 + 26 + 1;
        let mut wrong = bytes.clone();
        wrong[at] = 11;
        let err = parse_bytes(&wrong).unwrap_err().to_string();
        assert!(err.contains("should hold 176 bytes but says 160"), "{err}");
        wrong[at] = 0;
        assert!(parse_bytes(&wrong).unwrap_err().to_string().contains("invalid shape"));
        let mut count = bytes.clone();
        count[26..30].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(parse_bytes(&count).unwrap_err().to_string().contains("the 4294967295 variables it announces"));
        let bad_alias = write("TransformerSpec", &[("a", &[1], 0, 4)], &[("b", "nope")]);
        assert!(parse_bytes(&bad_alias).unwrap_err().to_string().contains("'nope' that does not exist"));
    }

    #[test]
    fn other_kinds_of_model_are_named() {
        let whisper = parse_bytes(&write("WhisperSpec", &[], &[])).unwrap();
        assert!(whisper.kind_problem().unwrap().contains("speech recognition"));
        let llm = parse_bytes(&write("TransformerDecoderSpec", &[], &[])).unwrap();
        assert!(llm.kind_problem().unwrap().contains("text generator"));
    }

    #[test]
    fn shapes_that_do_not_chain_are_found() {
        let transposed = write(
            "TransformerSpec",
            &[
                ("decoder/embeddings/weight", &[10, 4], 0, 160),
                ("decoder/layer_0/ffn/linear_0/weight", &[4, 8], 0, 128),
            ],
            &[
                ("encoder/embeddings_0/weight", "decoder/embeddings/weight"),
                ("decoder/projection/weight", "decoder/embeddings/weight"),
            ],
        );
        let err = parse_bytes(&transposed).unwrap().check_transformer((10, 10)).unwrap_err().to_string();
        assert!(err.contains("linear_0/weight has shape [4, 8]: expected 4 columns"), "{err}");
    }
}
