//! Does the tokenizer belong to the model? Compares the pieces a tokenizer can produce with the
//! model's vocabulary, before any translation: a `source.spm` from another model turns most
//! words into `<unk>` (or unknown ids) and the output is garbage without any error.
//!
//! SentencePiece files are read directly (a serialized `ModelProto`: field 1 holds the pieces,
//! each with its text in field 1 and its type in field 3), because the sentencepiece crate does
//! not list pieces; `tokenizer.json` vocabularies are read with serde_json.

use std::collections::HashSet;

/// How many of a tokenizer's ordinary pieces are missing from the model's vocabulary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Coverage {
    pub pieces: usize,
    pub missing: usize,
    /// A few of the missing pieces, for the message.
    pub examples: Vec<String>,
}

impl Coverage {
    /// Share of pieces missing, in percent (rounded down).
    pub fn missing_percent(&self) -> usize {
        self.missing.saturating_mul(100).checked_div(self.pieces).unwrap_or(0)
    }
}

/// Above this share of missing pieces the tokenizer and the model do not belong together.
pub const MISMATCH_PERCENT: usize = 50;
/// Above this share (but not a mismatch) the user is warned: rare words will become `<unk>`.
pub const WARN_PERCENT: usize = 2;

/// Compares `pieces` with `vocabulary`.
pub fn coverage<'a>(pieces: impl IntoIterator<Item = &'a str>, vocabulary: &[String]) -> Coverage {
    let vocab: HashSet<&str> = vocabulary.iter().map(String::as_str).collect();
    let mut c = Coverage { pieces: 0, missing: 0, examples: Vec::new() };
    for p in pieces {
        c.pieces += 1;
        if !vocab.contains(p) {
            c.missing += 1;
            if c.examples.len() < 3 {
                c.examples.push(p.to_string());
            }
        }
    }
    c
}

/// The ordinary pieces (not control, unknown, byte or unused ones) of a SentencePiece model
/// file, or why the file is not one.
pub fn spm_pieces(bytes: &[u8]) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut top = Proto { b: bytes, pos: 0 };
    while let Some((field, value)) = top.next()? {
        let (1, Value::Bytes(piece_msg)) = (field, value) else { continue };
        let mut inner = Proto { b: piece_msg, pos: 0 };
        let (mut text, mut kind) = (None, 1);
        while let Some((field, value)) = inner.next()? {
            match (field, value) {
                (1, Value::Bytes(t)) => text = Some(t),
                (3, Value::Varint(k)) => kind = k,
                _ => {}
            }
        }
        // Type 1 is NORMAL (the default) and 4 USER_DEFINED; 2 UNKNOWN, 3 CONTROL, 5 UNUSED and
        // 6 BYTE pieces need no vocabulary entry of their own.
        if matches!(kind, 1 | 4) {
            let text = text.ok_or("a piece without text")?;
            out.push(String::from_utf8_lossy(text).into_owned());
        }
    }
    if out.is_empty() {
        return Err("no pieces (not a SentencePiece model?)".into());
    }
    Ok(out)
}

/// The vocabulary of a Hugging Face `tokenizer.json`: `model.vocab` as an object (BPE,
/// WordPiece) or a list of `[piece, score]` (Unigram), plus the added tokens.
pub fn hf_pieces(json: &str) -> Result<Vec<String>, String> {
    let v: serde_json::Value = serde_json::from_str(json).map_err(|e| e.to_string())?;
    let mut out: Vec<String> = match &v["model"]["vocab"] {
        serde_json::Value::Object(m) => m.keys().cloned().collect(),
        serde_json::Value::Array(a) => a.iter().filter_map(|e| e.get(0)?.as_str().map(String::from)).collect(),
        _ => return Err("it has no model.vocab".into()),
    };
    if let Some(added) = v["added_tokens"].as_array() {
        out.extend(added.iter().filter_map(|t| t["content"].as_str().map(String::from)));
    }
    Ok(out)
}

enum Value<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
    Fixed,
}

/// A protobuf wire-format walker over one message: (field number, value) pairs.
struct Proto<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Proto<'a> {
    fn varint(&mut self) -> Result<u64, String> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = *self.b.get(self.pos).ok_or("truncated")?;
            self.pos += 1;
            v |= u64::from(byte & 0x7F) << shift;
            if byte & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err("a varint longer than 10 bytes".into())
    }

    fn take(&mut self, n: u64) -> Result<&'a [u8], String> {
        let end = usize::try_from(n).ok().and_then(|n| self.pos.checked_add(n)).filter(|&e| e <= self.b.len());
        let end = end.ok_or("truncated")?;
        let s = &self.b[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    fn next(&mut self) -> Result<Option<(u64, Value<'a>)>, String> {
        if self.pos >= self.b.len() {
            return Ok(None);
        }
        let key = self.varint()?;
        let value = match key & 7 {
            0 => Value::Varint(self.varint()?),
            1 => {
                self.take(8)?;
                Value::Fixed
            }
            2 => {
                let n = self.varint()?;
                Value::Bytes(self.take(n)?)
            }
            5 => {
                self.take(4)?;
                Value::Fixed
            }
            t => return Err(format!("wire type {t}")),
        };
        Ok(Some((key >> 3, value)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn fixture(path: &str) -> Vec<u8> {
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/models").join(path)).unwrap()
    }

    #[test]
    fn pieces_of_the_test_models_are_all_in_their_vocabularies() {
        let vocab: Vec<String> = serde_json::from_slice(&fixture("opus-mt-ar-en-tiny/shared_vocabulary.json")).unwrap();
        for spm in ["source.spm", "target.spm"] {
            let pieces = spm_pieces(&fixture(&format!("opus-mt-ar-en-tiny/{spm}"))).unwrap();
            assert!(pieces.len() > 300, "{}", pieces.len());
            assert!(!pieces.iter().any(|p| p == "<unk>" || p == "</s>"), "control pieces are left out");
            let c = coverage(pieces.iter().map(String::as_str), &vocab);
            assert_eq!(c.missing, 0, "{c:?}");
        }
        // Another model's vocabulary: the character-level transliteration model's.
        let letters: Vec<String> = (0x0621..=0x064A).filter_map(char::from_u32).map(String::from).collect();
        let pieces = spm_pieces(&fixture("opus-mt-ar-en-tiny/source.spm")).unwrap();
        let c = coverage(pieces.iter().map(String::as_str), &letters);
        assert!(c.missing_percent() > MISMATCH_PERCENT, "{c:?}");
        assert_eq!(c.examples.len(), 3);
    }

    #[test]
    fn hf_vocabularies_in_both_shapes() {
        let bpe = r#"{"model":{"vocab":{"a":0,"b":1}},"added_tokens":[{"content":"</s>"}]}"#;
        assert_eq!(hf_pieces(bpe).unwrap().len(), 3);
        let unigram = r#"{"model":{"vocab":[["a",0.0],["b",-1.0]]}}"#;
        assert_eq!(hf_pieces(unigram).unwrap(), ["a", "b"]);
        assert!(hf_pieces("{}").is_err());
    }

    #[test]
    fn damaged_protobuf_is_an_error_not_a_panic() {
        let good = fixture("opus-mt-ar-en-tiny/source.spm");
        for cut in [1, 2, 7, 100, good.len() / 2] {
            let _ = spm_pieces(&good[..cut]);
        }
        assert!(spm_pieces(b"").is_err());
        assert!(spm_pieces(&[0xFF; 20]).is_err());
    }
}
