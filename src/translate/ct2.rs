//! The CTranslate2 engine, through ct2rs.
//!
//! Tokenization is ours (SentencePiece via the `sentencepiece` crate), so each family's special
//! tokens are handled explicitly: `</s>` is appended exactly once (unless the model's
//! config.json says CTranslate2 adds it), prefixes are added and stripped. Inputs are sorted by
//! length and cut into batches so that padding is small; inputs longer than the model accepts
//! are split at clause boundaries and translated in pieces rather than truncated.

use std::path::Path;

use ct2rs::sys::{self, ComputeType, Device};

use super::model::{ModelDir, ModelError};
use super::tokenize::Tokenizer;
use super::{TranslateError, Translation, Translator};
use crate::bead::Flags;

/// How to run the engine. Defaults follow what is fastest on CPU for sentence-level MT.
#[derive(Clone, Debug)]
pub struct EngineOptions {
    pub beam: usize,
    /// Sentences per batch, or tokens per batch when `batch_tokens` is true.
    pub batch_size: usize,
    pub batch_tokens: bool,
    /// Inputs with more tokens than this are split before translation.
    pub max_input_tokens: usize,
    pub max_output_tokens: usize,
    /// Threads for the engine; 0 means one per physical core.
    pub threads: usize,
    pub compute_type: ComputeType,
    pub device: Device,
    /// Batch only inputs of the same token length. CTranslate2's results for an input shift in
    /// the last digits with the padding its batch needs, so with this a sentence translates the
    /// same whatever else is being translated: corpus mode turns it on, so that shards, resumed
    /// runs and a single run write identical files. With corpus mode's pools of 8,192 sentences
    /// it costs nothing on the real-size model (no padding offsets the smaller batches) and
    /// about 8% on the tiny test model (docs/corpus.md).
    pub uniform_batches: bool,
}

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions {
            beam: 4,
            batch_size: 32,
            batch_tokens: false,
            max_input_tokens: 256,
            max_output_tokens: 256,
            threads: 0,
            compute_type: ComputeType::AUTO,
            device: Device::CPU,
            uniform_batches: false,
        }
    }
}

/// Parses `--compute-type`.
pub fn parse_compute_type(s: &str) -> Option<ComputeType> {
    Some(match s {
        "auto" => ComputeType::AUTO,
        "default" => ComputeType::DEFAULT,
        "int8" => ComputeType::INT8,
        "int8_float32" => ComputeType::INT8_FLOAT32,
        "int8_float16" => ComputeType::INT8_FLOAT16,
        "int8_bfloat16" => ComputeType::INT8_BFLOAT16,
        "int16" => ComputeType::INT16,
        "float32" => ComputeType::FLOAT32,
        "float16" => ComputeType::FLOAT16,
        "bfloat16" => ComputeType::BFLOAT16,
        _ => return None,
    })
}

/// A loaded CTranslate2 model with its tokenizers.
pub struct Ct2Translator {
    model: ModelDir,
    identity: String,
    engine: sys::Translator,
    tokenizer: Tokenizer,
    options: EngineOptions,
}

impl Ct2Translator {
    /// Loads `model` to translate `from` → `to` (checked against what the model knows).
    pub fn load(model: ModelDir, from: &str, to: &str, options: EngineOptions) -> Result<Ct2Translator, ModelError> {
        let languages = model.languages_for(from, to)?;
        let identity = format!(
            "{}|{:?}|{}|{}|{}|{:?}|{from}>{to}",
            model.fingerprint()?,
            languages,
            options.beam,
            options.max_input_tokens,
            options.max_output_tokens,
            options.compute_type
        );
        let tokenizer = Tokenizer::load(&model, languages)?;
        let threads = if options.threads == 0 { num_cpus::get_physical() } else { options.threads };
        let config = sys::Config {
            device: options.device,
            compute_type: options.compute_type,
            num_threads_per_replica: threads,
            ..Default::default()
        };
        sys::set_log_level(sys::LogLevel::Error);
        if options.device == Device::CUDA && sys::get_device_count(Device::CUDA) < 1 {
            return Err(ModelError::Load {
                dir: model.path.display().to_string(),
                reason: "--device cuda, but no CUDA device is visible (no NVIDIA GPU or driver, or the CUDA 12 \
                         runtime libraries libcublas/libcudart are not on the library path); use --device cpu"
                    .into(),
            });
        }
        let engine = sys::Translator::new(&model.path, &config).map_err(|e| ModelError::Load {
            dir: model.path.display().to_string(),
            reason: one_line(&e.to_string()),
        })?;
        Ok(Ct2Translator { model, identity, engine, tokenizer, options })
    }

    pub fn model(&self) -> &ModelDir {
        &self.model
    }

    fn options(&self) -> sys::TranslationOptions<String, String> {
        sys::TranslationOptions {
            beam_size: self.options.beam.max(1),
            max_input_length: 0, // we split long inputs ourselves; never truncate silently
            max_decoding_length: self.options.max_output_tokens,
            return_scores: true,
            ..Default::default()
        }
    }

    /// Cuts tokenized inputs into pieces the model accepts. Returns the pieces and, for each
    /// input, how many consecutive pieces it became.
    fn fit(&self, inputs: &[&str]) -> Result<(Vec<Vec<String>>, Vec<usize>), TranslateError> {
        let limit = self.options.max_input_tokens.max(8);
        let mut pieces = Vec::with_capacity(inputs.len());
        let mut counts = Vec::with_capacity(inputs.len());
        for text in inputs {
            let mut n = 0;
            for text in presplit(text, PRESPLIT_BYTES) {
                n += self.fit_one(text, limit, &mut pieces)?;
            }
            counts.push(n);
        }
        Ok((pieces, counts))
    }

    /// Tokenizes one (presplit) text into pieces of at most `limit` tokens; returns how many.
    fn fit_one(&self, text: &str, limit: usize, pieces: &mut Vec<Vec<String>>) -> Result<usize, TranslateError> {
        {
            let tokens = self.tokenizer.encode(text).map_err(TranslateError::Engine)?;
            if tokens.len() <= limit {
                pieces.push(tokens);
                return Ok(1);
            }
            let mut n = 0;
            for part in
                split_to_fit(text, &|s: &str| self.tokenizer.encode(s).map(|t| t.len()).unwrap_or(usize::MAX), limit)
            {
                let mut tokens = self.tokenizer.encode(part).map_err(TranslateError::Engine)?;
                if tokens.len() > limit {
                    // A run of text with no place to cut: cut the tokens themselves, keeping the
                    // language token first and </s> last in every piece.
                    let eos = if self.tokenizer.has_eos() { tokens.pop() } else { None };
                    let prefix_len = self.tokenizer.overhead() - usize::from(eos.is_some());
                    let prefix: Vec<String> = tokens.drain(..prefix_len).collect();
                    for chunk in tokens.chunks(limit - self.tokenizer.overhead()) {
                        let mut c = prefix.clone();
                        c.extend_from_slice(chunk);
                        c.extend(eos.iter().cloned());
                        pieces.push(c);
                        n += 1;
                    }
                } else {
                    pieces.push(tokens);
                    n += 1;
                }
            }
            Ok(n)
        }
    }

    /// Runs the engine over tokenized inputs, in length-sorted batches; returns each output's
    /// tokens (target prefix included) and score. Public for the engine benchmark, which feeds
    /// the same pre-tokenized sentences to this and to Python's ctranslate2.
    pub fn translate_tokens(
        &self,
        pieces: &[Vec<String>],
        progress: &dyn Fn(usize),
    ) -> Result<Vec<(Vec<String>, f32)>, TranslateError> {
        let mut order: Vec<usize> = (0..pieces.len()).collect();
        order.sort_by_key(|&i| pieces[i].len());
        let options = self.options();
        let mut out: Vec<Option<(Vec<String>, f32)>> = vec![None; pieces.len()];
        let mut done = 0;
        let mut start = 0;
        while start < order.len() {
            // Ctrl-C stops between batches: a batch takes a second or two on a large model, a
            // chunk of 2,048 sentences minutes.
            if crate::INTERRUPTED.load(std::sync::atomic::Ordering::Relaxed) {
                return Err(TranslateError::Interrupted);
            }
            let mut end = start;
            while end < order.len() {
                let len = pieces[order[end]].len();
                if self.options.uniform_batches && len != pieces[order[start]].len() {
                    break;
                }
                let fits = if self.options.batch_tokens {
                    // Padded size of the batch if this input joins (sorted, so it is the longest).
                    (end - start + 1) * len <= self.options.batch_size.max(len)
                } else {
                    end - start < self.options.batch_size.max(1)
                };
                if !fits {
                    break;
                }
                end += 1;
            }
            let batch: Vec<&[String]> = order[start..end].iter().map(|&i| pieces[i].as_slice()).collect();
            let batch: Vec<Vec<&str>> = batch.iter().map(|p| p.iter().map(String::as_str).collect()).collect();
            let results = match &self.tokenizer.target_prefix {
                Some(prefix) => {
                    let prefixes = vec![vec![prefix.as_str()]; batch.len()];
                    self.engine.translate_batch_with_target_prefix(&batch, &prefixes, &options, None)
                }
                None => self.engine.translate_batch(&batch, &options, None),
            }
            .map_err(|e| TranslateError::Engine(one_line(&e.to_string())))?;
            for (k, result) in results.into_iter().enumerate() {
                let tokens = result.hypotheses.into_iter().next().unwrap_or_default();
                let score = result.scores.first().map_or(0.0, |s| s.exp().clamp(0.0, 1.0));
                out[order[start + k]] = Some((tokens, score));
            }
            done += end - start;
            progress(done);
            start = end;
        }
        out.into_iter()
            .map(|o| o.ok_or_else(|| TranslateError::Engine("the model returned fewer results than inputs".into())))
            .collect()
    }

    /// `translate_tokens`, detokenized.
    fn run(&self, pieces: &[Vec<String>], progress: &dyn Fn(usize)) -> Result<Vec<(String, f32)>, TranslateError> {
        self.translate_tokens(pieces, progress)?
            .into_iter()
            .map(|(tokens, score)| Ok((self.tokenizer.decode(&tokens).map_err(TranslateError::Engine)?, score)))
            .collect()
    }

    /// Tokenizes one sentence the way `translate` does (language token, `</s>`).
    pub fn tokenize(&self, text: &str) -> Result<Vec<String>, TranslateError> {
        self.tokenizer.encode(text).map_err(TranslateError::Engine)
    }
}

impl Translator for Ct2Translator {
    fn translate(&self, inputs: &[&str], progress: &dyn Fn(usize)) -> Result<Vec<Translation>, TranslateError> {
        let (pieces, counts) = self.fit(inputs)?;
        // Progress is in input sentences; pieces map back through `counts`.
        let piece_to_input: Vec<usize> =
            counts.iter().enumerate().flat_map(|(i, &n)| std::iter::repeat_n(i, n)).collect();
        let results = self.run(&pieces, &|done_pieces| {
            let done = if done_pieces == 0 { 0 } else { piece_to_input[done_pieces - 1] + 1 };
            progress(done.min(inputs.len()));
        })?;
        let mut out = Vec::with_capacity(inputs.len());
        let mut next = 0;
        for &n in &counts {
            let parts = &results[next..next + n];
            next += n;
            let text = parts.iter().map(|(t, _)| t.trim()).filter(|t| !t.is_empty()).collect::<Vec<_>>().join(" ");
            // The joined translation is as sure as its weakest piece.
            let score = parts.iter().map(|(_, s)| *s).fold(1.0f32, f32::min);
            let flags = if n > 1 { Flags::SPLIT_FOR_MODEL } else { Flags::NONE };
            out.push(Translation { text, score: if n == 0 { 0.0 } else { score }, flags });
        }
        Ok(out)
    }

    fn name(&self) -> String {
        self.model.name()
    }

    fn identity(&self) -> String {
        self.identity.clone()
    }
}

/// Longer inputs are cut by length before tokenizing: no model takes more than ~1,000 tokens
/// (a few kilobytes), and tokenizing a megabyte-long "sentence" (a crawl without punctuation)
/// whole, once per level of `split_to_fit`, took a minute and hundreds of megabytes.
pub const PRESPLIT_BYTES: usize = 16 * 1024;

/// Cuts `text` into consecutive parts of at most `max` bytes: at clause punctuation or spaces
/// (`split_to_fit` by length), and a run with neither (a blob, or thousands of marks on one
/// letter) before a character that is not a combining mark where one is near, else anywhere.
/// Parts concatenate to `text`.
pub fn presplit(text: &str, max: usize) -> Vec<&str> {
    let max = max.max(4);
    if text.len() <= max {
        return vec![text];
    }
    let mut out = Vec::new();
    for part in split_to_fit(text, &str::len, max) {
        let mut rest = part;
        while rest.len() > max {
            let mut cut = max;
            while !rest.is_char_boundary(cut) {
                cut -= 1;
            }
            // Back up (by at most a quarter) to a base character so marks stay on their letter.
            let floor = max - max / 4;
            let mut base = cut;
            while base > floor && rest[base..].chars().next().is_some_and(is_combining) {
                base -= 1;
                while !rest.is_char_boundary(base) {
                    base -= 1;
                }
            }
            if base > floor {
                cut = base;
            }
            out.push(&rest[..cut]);
            rest = &rest[cut..];
        }
        out.push(rest);
    }
    out
}

/// Combining marks and joiners that belong to the character before them (Arabic harakat and
/// Quranic marks, Latin combining diacritics, ZWJ/ZWNJ, variation selectors, skin tones).
fn is_combining(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}' | '\u{0610}'..='\u{061A}' | '\u{064B}'..='\u{065F}' | '\u{0670}'
        | '\u{06D6}'..='\u{06ED}' | '\u{08D3}'..='\u{08FF}' | '\u{200C}' | '\u{200D}'
        | '\u{FE00}'..='\u{FE0F}' | '\u{1F3FB}'..='\u{1F3FF}' | '\u{E0100}'..='\u{E01EF}')
}

/// Splits `text` into consecutive parts whose `measure` is at most `limit`, cutting after clause
/// punctuation (، ؛ : ; , -) where possible, else at spaces. Parts concatenate to `text`.
pub fn split_to_fit<'a>(text: &'a str, measure: &dyn Fn(&str) -> usize, limit: usize) -> Vec<&'a str> {
    if measure(text) <= limit {
        return vec![text];
    }
    // Candidate cut points: after clause punctuation followed by a space; else after any space.
    let clause: Vec<usize> = text
        .char_indices()
        .filter(|&(i, c)| {
            matches!(c, '،' | '؛' | ':' | ';' | ',' | '-' | '–' | '—')
                && text[i + c.len_utf8()..].starts_with(char::is_whitespace)
        })
        .map(|(i, c)| i + c.len_utf8())
        .collect();
    let spaces: Vec<usize> = text.char_indices().filter(|(_, c)| c.is_whitespace()).map(|(i, _)| i).collect();
    let cuts = if clause.is_empty() { &spaces } else { &clause };
    // Cut at the candidate closest to the middle, then recurse on both halves.
    let mid = text.len() / 2;
    let Some(&cut) = cuts.iter().filter(|&&c| c > 0 && c < text.len()).min_by_key(|&&c| c.abs_diff(mid)) else {
        if cuts.as_ptr() == clause.as_ptr() && !spaces.is_empty() {
            return split_at_spaces(text, measure, limit, &spaces);
        }
        return vec![text];
    };
    let (a, b) = text.split_at(cut);
    let mut out = split_to_fit(a, measure, limit);
    out.extend(split_to_fit(b, measure, limit));
    out
}

fn split_at_spaces<'a>(text: &'a str, measure: &dyn Fn(&str) -> usize, limit: usize, spaces: &[usize]) -> Vec<&'a str> {
    let mid = text.len() / 2;
    match spaces.iter().filter(|&&c| c > 0 && c < text.len()).min_by_key(|&&c| c.abs_diff(mid)) {
        Some(&cut) => {
            let (a, b) = text.split_at(cut);
            let mut out = split_to_fit(a, measure, limit);
            out.extend(split_to_fit(b, measure, limit));
            out
        }
        None => vec![text],
    }
}

/// CTranslate2 errors can span lines; users get one.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// True when `dir` holds a model this engine can load (used by `info`).
pub fn is_model_dir(dir: &Path) -> bool {
    dir.join("model.bin").is_file()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_text_is_split_at_clauses_and_nothing_is_lost() {
        let text = "الجزء الأول من الجملة، والجزء الثاني منها؛ والجزء الثالث: والأخير هنا";
        let words = |s: &str| s.split_whitespace().count();
        let parts = split_to_fit(text, &words, 4);
        assert!(parts.len() >= 3, "{parts:?}");
        assert_eq!(parts.concat(), text);
        for p in &parts {
            assert!(words(p) <= 4, "{p}");
        }
    }

    #[test]
    fn text_without_cut_points_comes_back_whole() {
        let parts = split_to_fit("abcdefgh", &|s: &str| s.len(), 3);
        assert_eq!(parts, vec!["abcdefgh"]);
    }

    #[test]
    fn presplit_bounds_every_part_and_loses_nothing() {
        let words = "كلمة بلا ترقيم ".repeat(5000);
        let marks = format!("ب{}", "\u{0651}".repeat(20_000));
        let blob = "x".repeat(70_000);
        for text in [words.as_str(), marks.as_str(), blob.as_str(), "قصير", ""] {
            let parts = presplit(text, PRESPLIT_BYTES);
            assert_eq!(parts.concat(), text);
            assert!(
                parts.iter().all(|p| p.len() <= PRESPLIT_BYTES),
                "{:?}",
                parts.iter().map(|p| p.len()).collect::<Vec<_>>()
            );
        }
        // Words are cut at spaces, not inside a word.
        let parts = presplit(&words, PRESPLIT_BYTES);
        assert!(parts.len() > 4 && parts.windows(2).all(|w| w[0].ends_with(' ') || w[1].starts_with(' ')));
        // A base letter keeps at least its first marks: no part but the first starts with the letter.
        assert!(presplit(&format!("ا{}ب{}", "\u{064E}".repeat(7000), "\u{064E}".repeat(9000)), PRESPLIT_BYTES)[1]
            .starts_with('ب'));
    }

    #[test]
    fn split_to_fit_worst_cases_stay_shallow() {
        // Clause marks only at the start, spaces only at the start, then a long run: a few levels,
        // each linear; measured by calls.
        let calls = std::cell::Cell::new(0usize);
        let measure = |s: &str| {
            calls.set(calls.get() + 1);
            s.split_whitespace().count()
        };
        let text = format!("{}{}", "أ، ".repeat(50), "كلمة ".repeat(8000));
        let parts = split_to_fit(&text, &measure, 100);
        assert_eq!(parts.concat(), text);
        assert!(parts.iter().all(|p| measure(p) <= 100));
        assert!(calls.get() < 1000, "{} calls", calls.get());
    }

    #[test]
    fn compute_types_parse() {
        assert_eq!(parse_compute_type("int8"), Some(ComputeType::INT8));
        assert_eq!(parse_compute_type("bogus"), None);
    }
}
