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
    Eval(#[from] segment::eval::EvalError),
    #[error("{0}: no text to align (the input is empty or only whitespace)")]
    EmptyInput(String),
    #[error("interrupted")]
    Interrupted,
}

impl Error {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Config(_) => 2,
            Error::Convert(e) if e.is_usage() => 2,
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
const CHUNK_SENTENCES: usize = 2048;
/// A chunk also ends after this much text: 2,048 sentences of ordinary prose are ~300 KB, but
/// a crawl without punctuation gives paragraph-long sentences of up to 1 MiB each, and 2,048 of
/// those would hold gigabytes.
const CHUNK_BYTES: usize = 2 << 20;

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
    let meta = Meta {
        input: job.input_name.clone(),
        src_lang: job.src_lang.clone(),
        tgt_lang: job.tgt_lang.clone(),
        model: Some(translator.name()),
        created: time::OffsetDateTime::now_utc(),
    };
    // Moses is one format written as two files: its two writers go with its two destinations.
    let plan = job
        .outputs
        .iter()
        .flat_map(|(format, dests)| dests.iter().cloned().zip(output::writers_for(*format, &job.writer_options)))
        .collect();
    let mut outputs = output::Outputs::create(plan, &meta)?;

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
