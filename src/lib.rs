//! Nazir: Arabic text → sentence-aligned Arabic–English bitext.
//!
//! The pipeline, one module per stage, data flowing one way:
//! `read` (bytes → paragraphs) → `segment` (→ sentences) → `translate` (→ English) →
//! `align` (→ beads) → `output` (→ TMX, TSV, JSONL, HTML …). `bead` holds the types they share.

pub mod align;
pub mod bead;
pub mod cli;
pub mod commands;
pub mod config;
pub mod convert;
pub mod corpus;
pub mod models;
pub mod output;
pub mod progress;
pub mod read;
pub mod review;
pub mod segment;
pub mod translate;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

use bead::{Meta, Paragraph};
use config::Job;
use read::Paragraphs;
use segment::Segmenter;
use translate::{translate_unique, Translator};

/// Every error the tool reports; each prints as one line.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Read(#[from] read::ReadError),
    #[error(transparent)]
    Output(#[from] output::OutputError),
    #[error(transparent)]
    Model(#[from] translate::ModelError),
    #[error(transparent)]
    Translate(#[from] translate::TranslateError),
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    #[error(transparent)]
    Convert(#[from] convert::ConvertError),
    #[error(transparent)]
    Models(#[from] models::ModelsError),
    #[error(transparent)]
    Segment(#[from] segment::SegmentError),
    #[error(transparent)]
    SegmentEval(#[from] segment::eval::EvalError),
    #[error(transparent)]
    AlignEval(#[from] align::eval::EvalError),
    #[error(transparent)]
    Corpus(#[from] corpus::CorpusError),
    #[error("{0}: no text to align (the input is empty or only whitespace)")]
    EmptyInput(String),
    #[error("{path}: {lines} translations for {sentences} source sentences; --mt-file needs one line per source sentence (with --segmented: per non-blank line; otherwise `align segment` shows the sentences)")]
    MtFileMismatch { path: String, lines: usize, sentences: usize },
    #[error("bitext mode needs a bridge translation: give --model DIR, --mt-file FILE, or --no-mt")]
    NoBridge,
    #[error("{0}; in bitext mode you can also align without a model: --no-mt, or --mt-file FILE")]
    NoBridgeModel(Box<Error>),
    #[error("interrupted")]
    Interrupted,
}

impl Error {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Config(_) => 2,
            Error::NoBridgeModel(inner) => inner.exit_code(),
            Error::Convert(e) if e.is_usage() => 2,
            Error::Corpus(e) if e.is_usage() => 2,
            Error::Interrupted | Error::Translate(translate::TranslateError::Interrupted) => 130,
            _ => 1,
        }
    }
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Output(e) if e.is_broken_pipe())
    }
}

/// Set by the Ctrl-C handler; stages check it between batches.
pub static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Opens every output the job asks for (temporary files until they are finished), dated by
/// `Meta::creation_time` so SOURCE_DATE_EPOCH gives reproducible files in both modes.
fn open_outputs(job: &Job, model: String) -> Result<output::Outputs, Error> {
    let meta = Meta {
        input: job.input_name.clone(),
        src_lang: job.src_lang.clone(),
        tgt_lang: job.tgt_lang.clone(),
        model: Some(model),
        created: Meta::creation_time(),
    };
    // Moses is one format written as two files: its two writers go with its two destinations.
    let plan = job
        .outputs
        .iter()
        .flat_map(|(format, dests)| dests.iter().cloned().zip(output::writers_for(*format, &job.writer_options)))
        .collect();
    Ok(output::Outputs::create(plan, &meta)?)
}

fn check_interrupt() -> Result<(), Error> {
    if INTERRUPTED.load(Ordering::Relaxed) {
        Err(Error::Interrupted)
    } else {
        Ok(())
    }
}

/// What a finished run reports.
#[derive(Debug, Default)]
pub struct Report {
    pub paragraphs: usize,
    pub sentences: usize,
    pub flagged: usize,
    pub written: Vec<PathBuf>,
    /// Problems with the outputs the user should know about (one line each).
    pub warnings: Vec<String>,
}

/// Sentences translated together; also the unit in which outputs are streamed.
pub(crate) const CHUNK_SENTENCES: usize = 2048;
/// A chunk also ends after this much text: 2,048 sentences of ordinary prose are ~300 KB, but
/// a crawl without punctuation gives paragraph-long sentences of up to 1 MiB each, and 2,048 of
/// those would hold gigabytes.
pub(crate) const CHUNK_BYTES: usize = 2 << 20;

/// Translates and aligns one document, streaming it through in chunks.
pub fn translate_document(job: &Job, translator: &dyn Translator) -> Result<Report, Error> {
    let segmenter = &job.segmenter;
    let mut paragraphs = Paragraphs::open(&job.input, job.encoding)?;
    let total_bytes = match &job.input {
        read::Source::File(p) => std::fs::metadata(p).map(|m| m.len()).ok(),
        read::Source::Stdin => None,
    };
    let progress = progress::Progress::new(total_bytes, job.quiet);
    let mut report = Report::default();

    // Read the first chunk before opening outputs: an empty input must leave no files behind.
    let mut chunk = next_chunk(&mut paragraphs, segmenter, &mut report)?;
    if chunk.1.is_empty() {
        return Err(Error::EmptyInput(job.input_name.clone()));
    }
    let mut outputs = open_outputs(job, translator.name())?;

    let mut target_id = 0;
    while !chunk.1.is_empty() {
        check_interrupt()?;
        let (paras, sentences) = chunk;
        let texts: Vec<&str> = sentences.iter().map(|s| s.text.as_str()).collect();
        let chunk_end = paras.last().map_or(0, |p: &Paragraph| p.start + p.text.len()) as u64;
        let chunk_start = paras.first().map_or(0, |p| p.start) as u64;
        let n = texts.len();
        let translations = translate_unique(translator, &texts, &|done| {
            progress.set_position(
                chunk_start + (chunk_end - chunk_start) * done as u64 / n.max(1) as u64,
                report.sentences - n + done,
            );
        })
        .map_err(|e| if INTERRUPTED.load(Ordering::Relaxed) { Error::Interrupted } else { e.into() })?;
        check_interrupt()?;
        let aligned = align::pair_translations(paras, sentences, translations, target_id, &job.thresholds);
        target_id += aligned.target.len();
        report.flagged += aligned.beads.iter().filter(|b| !b.flags.is_empty()).count();
        outputs.write(&aligned)?;
        chunk = next_chunk(&mut paragraphs, segmenter, &mut report)?;
    }
    check_interrupt()?;
    let finished = outputs.finish()?;
    report.written = finished.paths;
    report.warnings = finished.warnings;
    progress.finish();
    Ok(report)
}

/// What a bitext run reports.
#[derive(Debug, Default)]
pub struct BitextReport {
    pub report: Report,
    pub targets: usize,
    pub summary: align::Summary,
    /// Paragraphs were barriers (both sides had the same structure).
    pub barriers: bool,
}

/// Aligns a document with its existing translation (bitext mode): read and segment both sides,
/// get the bridge translation (model, file or none), align n-m, write the outputs.
pub fn align_bitext(
    job: &Job,
    bitext: &config::Bitext,
    translator: Option<&dyn Translator>,
) -> Result<BitextReport, Error> {
    // The source side uses the job's segmenter (--srx applies to it); the target its language's rules.
    let (paragraphs, source) = read_side(&job.input, job, &job.segmenter, bitext.segmented)?;
    let target_rules = segment::Segmenter::new(segment::Lang::from_code(&job.tgt_lang));
    let (_, target) = read_side(&bitext.target, job, &target_rules, bitext.segmented)?;
    if source.is_empty() {
        return Err(Error::EmptyInput(job.input_name.clone()));
    }
    if target.is_empty() {
        return Err(Error::EmptyInput(bitext.target_name.clone()));
    }
    let model = match (&bitext.mt, translator) {
        (config::MtSource::File(p), _) => format!("mt-file {}", p.display()),
        (config::MtSource::None, _) => "none (--no-mt)".to_string(),
        (config::MtSource::Model, Some(t)) => t.name(),
        (config::MtSource::Model, None) => return Err(Error::NoBridge),
    };
    let mut outputs = open_outputs(job, model)?;
    let mt: Option<Vec<String>> = match (&bitext.mt, translator) {
        (config::MtSource::File(path), _) => {
            let text = std::fs::read_to_string(path)
                .map_err(|source| read::ReadError::Io { path: path.display().to_string(), source })?;
            let lines: Vec<String> = text.lines().map(String::from).collect();
            if lines.len() != source.len() {
                return Err(Error::MtFileMismatch {
                    path: path.display().to_string(),
                    lines: lines.len(),
                    sentences: source.len(),
                });
            }
            Some(lines)
        }
        (config::MtSource::Model, Some(t)) => Some(translate_all(t, &source, job.quiet)?),
        _ => None,
    };
    check_interrupt()?;
    let alignment = align::bitext::align(&source, &target, mt.as_deref(), &align::bitext::Options::default());
    let beads = align::bitext_beads(&alignment, &source, &target, &job.thresholds);
    let summary = align::Summary::of(&beads);
    let report = Report {
        paragraphs: paragraphs.len(),
        sentences: source.len(),
        flagged: beads.iter().filter(|b| !b.flags.is_empty()).count(),
        written: Vec::new(),
        warnings: Vec::new(),
    };
    let targets = target.len();
    outputs.write(&bead::Aligned { paragraphs, source, target, beads })?;
    check_interrupt()?;
    let finished = outputs.finish()?;
    Ok(BitextReport {
        report: Report { written: finished.paths, warnings: finished.warnings, ..report },
        targets,
        summary,
        barriers: alignment.barriers,
    })
}

/// One side of a bitext: sentences from our segmenter, or one per line with `--segmented`.
fn read_side(
    source: &read::Source,
    job: &Job,
    segmenter: &Segmenter,
    segmented: bool,
) -> Result<(Vec<Paragraph>, Vec<bead::Sentence>), Error> {
    if segmented {
        return Ok(read::segmented(source, job.encoding)?);
    }
    let (mut paragraphs, mut sentences) = (Vec::new(), Vec::new());
    for p in Paragraphs::open(source, job.encoding)? {
        let mut p = p?;
        let s = segmenter.sentences(&p, sentences.len());
        if s.is_empty() {
            continue;
        }
        // Paragraph indices count only paragraphs with sentences, on each side alike.
        p.index = paragraphs.len();
        sentences.extend(s.into_iter().map(|mut x| {
            x.paragraph = p.index;
            x
        }));
        paragraphs.push(p);
    }
    Ok((paragraphs, sentences))
}

/// The bridge translation of every source sentence, in chunks, with progress.
fn translate_all(translator: &dyn Translator, source: &[bead::Sentence], quiet: bool) -> Result<Vec<String>, Error> {
    let progress = progress::Progress::new(Some(source.len() as u64), quiet);
    let mut out = Vec::with_capacity(source.len());
    for chunk in source.chunks(CHUNK_SENTENCES) {
        check_interrupt()?;
        let texts: Vec<&str> = chunk.iter().map(|s| s.text.as_str()).collect();
        let done = out.len();
        let translations =
            translate_unique(translator, &texts, &|k| progress.set_position((done + k) as u64, done + k))
                .map_err(|e| if INTERRUPTED.load(Ordering::Relaxed) { Error::Interrupted } else { e.into() })?;
        out.extend(translations.into_iter().map(|t| t.text));
    }
    progress.finish();
    Ok(out)
}

type Chunk = (Vec<Paragraph>, Vec<bead::Sentence>);

/// Reads paragraphs until the chunk holds `CHUNK_SENTENCES` sentences (or the input ends).
fn next_chunk(paragraphs: &mut Paragraphs, segmenter: &Segmenter, report: &mut Report) -> Result<Chunk, Error> {
    let mut paras = Vec::new();
    let mut sentences = Vec::new();
    let mut bytes = 0;
    while sentences.len() < CHUNK_SENTENCES && bytes < CHUNK_BYTES {
        check_interrupt()?;
        let Some(p) = paragraphs.next() else { break };
        let p = p?;
        bytes += p.text.len();
        let mut s = segmenter.sentences(&p, report.sentences);
        if s.is_empty() {
            continue;
        }
        report.sentences += s.len();
        report.paragraphs += 1;
        sentences.append(&mut s);
        paras.push(p);
    }
    Ok((paras, sentences))
}
