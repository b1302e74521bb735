//! Corpus mode: many input files through one model, resumable, shardable across machines.
//!
//! `inputs` finds the files and their relative names (and which shard takes each), `manifest`
//! records finished files so a rerun skips them, `pipeline` runs reading, translation and
//! writing concurrently around one shared translator, `report` says what happened, and `merge`
//! turns the per-file JSONL of one or many runs into one de-duplicated, filtered corpus.
//! docs/corpus.md describes the whole; docs/scale.md runs it on clusters.

pub mod commands;
pub mod filter;
pub mod inputs;
pub mod manifest;
pub mod merge;
mod pipeline;
mod progress;
pub mod report;

use std::collections::{HashMap, HashSet};
use std::io;
use std::path::PathBuf;

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::align::Thresholds;
use crate::bead::Meta;
use crate::output::{Format, WriterOptions};
use crate::read::TextEncoding;
use crate::segment::Segmenter;
use crate::translate::Translator;
use crate::Error;

use filter::FilterOptions;
use inputs::{output_stem, InputFile, Shard};
use report::{FileReport, FileStatus, RunMeta, RunReport};

#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    #[error("{0}")]
    Usage(String),
    #[error("cannot read {path}: {source}")]
    Io { path: String, source: io::Error },
    #[error("cannot write {path}: {source}")]
    Write { path: String, source: io::Error },
    #[error("{a} and {b} both have the relative name {rel}, so their outputs would collide: run them separately or rename one")]
    SameName { a: String, b: String, rel: String },
    #[error("{a} and {b} would both write {stem}.*: rename one, or choose one with --glob")]
    SameOutputs { a: String, b: String, stem: String },
    #[error("no input files: {0}")]
    NoInputs(String),
    #[error("{path} line {line}: {msg}")]
    Line { path: String, line: usize, msg: String },
    #[error("{failed} of {total} files failed (listed above and in {report})")]
    FilesFailed { failed: usize, total: usize, report: String },
}

impl CorpusError {
    pub fn is_usage(&self) -> bool {
        matches!(self, CorpusError::Usage(_) | CorpusError::NoInputs(_))
    }
}

/// Everything a corpus run needs besides the files and the translator.
pub struct Settings {
    pub src_lang: String,
    pub tgt_lang: String,
    pub encoding: TextEncoding,
    /// JSONL (always: the canonical per-file record `corpus merge` reads) and the formats asked.
    pub formats: Vec<Format>,
    pub writer_options: WriterOptions,
    pub thresholds: Thresholds,
    pub segmenter: Segmenter,
    /// Content hash of the SRX file in use, if any (part of the options hash).
    pub srx_hash: Option<String>,
    pub out_dir: PathBuf,
    /// For the report's preview of what `corpus merge` would reject.
    pub filters: FilterOptions,
    /// Reader threads, and at least this many writer threads.
    pub jobs: usize,
    pub shard: Option<Shard>,
    /// Redo files the manifest lists as finished.
    pub redo: bool,
    /// Engine batches mix sentence lengths (--padded-batches); the report says which.
    pub padded_batches: bool,
    pub quiet: bool,
}

impl Settings {
    /// Hash of everything that shapes a file's outputs apart from the model: a change means
    /// finished files are done again.
    pub fn options_hash(&self) -> String {
        let formats: Vec<&str> = self.formats.iter().map(|f| f.name()).collect();
        let key = format!(
            "{}|{}|{}|{:?}|{}|{:?}|{:?}|{}|{:?}",
            env!("CARGO_PKG_VERSION"),
            self.src_lang,
            self.tgt_lang,
            self.encoding,
            formats.join(","),
            self.writer_options,
            self.thresholds,
            self.segmenter.describe(),
            self.srx_hash
        );
        short_hash(&key)
    }

    /// The manifest this process appends to.
    pub fn manifest_path(&self) -> PathBuf {
        self.out_dir.join(manifest::file_name(self.shard))
    }

    /// `nazir-report.json` / `index.html`, with the shard in the name when sharded.
    pub fn report_paths(&self) -> (PathBuf, PathBuf) {
        match self.shard {
            Some(s) => (
                self.out_dir.join(format!("nazir-report.{}.json", s.tag())),
                self.out_dir.join(format!("index.{}.html", s.tag())),
            ),
            None => (self.out_dir.join("nazir-report.json"), self.out_dir.join("index.html")),
        }
    }
}

fn short_hash(s: &str) -> String {
    manifest::hex(&Sha256::digest(s.as_bytes())[..12])
}

/// Runs corpus mode over `files` (already this shard's): skips what the manifests list as
/// finished, aligns the rest, writes the report. Files that fail are reported, not fatal.
pub fn run(settings: &Settings, files: &[InputFile], translator: &dyn Translator) -> Result<RunReport, Error> {
    let started = std::time::Instant::now();
    let out_dir = &settings.out_dir;
    std::fs::create_dir_all(out_dir)
        .map_err(|source| CorpusError::Write { path: out_dir.display().to_string(), source })?;
    let options_hash = settings.options_hash();
    let model_hash = short_hash(&translator.identity());

    let (finished, warnings) = manifest::load_all(out_dir)?;
    for w in warnings {
        eprintln!("align: warning: {w}");
    }
    // Which files an earlier run finished (with these options and this model).
    let done_before: Vec<Option<manifest::Entry>> = files
        .par_iter()
        .map(|f| {
            if settings.redo {
                return None;
            }
            finished.get(&f.rel)?.iter().rev().find(|e| e.covers(f, &options_hash, &model_hash, out_dir)).cloned()
        })
        .collect();
    let todo: Vec<InputFile> =
        files.iter().zip(&done_before).filter(|(_, d)| d.is_none()).map(|(f, _)| f.clone()).collect();
    remove_stale_temporaries(settings, &todo);

    let bytes: u64 = todo.iter().map(|f| f.size).sum();
    let progress = progress::CorpusProgress::new(todo.len(), bytes, settings.quiet);
    let ctx = pipeline::Context {
        files: &todo,
        settings,
        translator,
        options_hash,
        model_hash,
        progress: &progress,
        created: Meta::creation_time(),
    };
    let manifest = manifest::Writer::open(&settings.manifest_path())?;
    let result = pipeline::run(&ctx, manifest);
    progress.finish();
    let mut per_file = result?;
    for (f, entry) in files.iter().zip(done_before) {
        if let Some(e) = entry {
            per_file.push(FileReport {
                path: f.rel.clone(),
                status: FileStatus::Resumed,
                outputs: e.outputs,
                stats: e.stats,
                error: None,
            });
        }
    }
    let meta = RunMeta {
        model: translator.name(),
        shard: settings.shard.map(|s| format!("{}/{}", s.k, s.n)),
        src_lang: settings.src_lang.clone(),
        tgt_lang: settings.tgt_lang.clone(),
        batching: if settings.padded_batches { "padded" } else { "equal-length" }.into(),
    };
    let report = RunReport::new(meta, per_file, started.elapsed().as_secs_f64());
    let (json_path, html_path) = settings.report_paths();
    let json = serde_json::to_string_pretty(&report).map_err(io::Error::other);
    json.and_then(|j| report::write_atomically(&json_path, &(j + "\n")))
        .map_err(|source| CorpusError::Write { path: json_path.display().to_string(), source })?;
    report::write_atomically(&html_path, &report.html())
        .map_err(|source| CorpusError::Write { path: html_path.display().to_string(), source })?;
    Ok(report)
}

/// Temporary files a killed run left beside this run's outputs (`.NAME.xxxxxx.tmp`, as
/// `output::Outputs` names them). Only those of files this process will write are removed, so
/// shards sharing a directory never delete each other's work in progress.
fn remove_stale_temporaries(settings: &Settings, todo: &[InputFile]) {
    let mut names: HashMap<PathBuf, HashSet<String>> = HashMap::new();
    for f in todo {
        let stem_path = settings.out_dir.join(output_stem(&f.rel, &settings.src_lang));
        let (Some(dir), Some(stem)) = (stem_path.parent(), stem_path.file_name()) else { continue };
        let stem = stem.to_string_lossy();
        let set = names.entry(dir.to_path_buf()).or_default();
        for format in &settings.formats {
            for ext in format.suffixes(&settings.src_lang, &settings.tgt_lang) {
                set.insert(format!("{stem}.{}-{}.{ext}", settings.src_lang, settings.tgt_lang));
            }
        }
    }
    for (dir, set) in names {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for e in entries.filter_map(|e| e.ok()) {
            let name = e.file_name().to_string_lossy().into_owned();
            let Some(inner) = name.strip_prefix('.').and_then(|n| n.strip_suffix(".tmp")) else { continue };
            let Some((output, _random)) = inner.rsplit_once('.') else { continue };
            if set.contains(output) {
                crate::output::remove_quietly(&dir.join(&name));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Job;
    use crate::output::Destination;
    use crate::read::Source;
    use crate::translate::FakeTranslator;
    use std::path::Path;

    fn settings(out: &Path) -> Settings {
        Settings {
            src_lang: "ar".into(),
            tgt_lang: "en".into(),
            encoding: TextEncoding::Auto,
            formats: vec![Format::Jsonl, Format::Tsv],
            writer_options: WriterOptions::default(),
            thresholds: Thresholds::default(),
            segmenter: Segmenter::load("ar", None).unwrap(),
            srx_hash: None,
            out_dir: out.to_path_buf(),
            filters: FilterOptions::default(),
            jobs: 2,
            shard: None,
            redo: false,
            padded_batches: false,
            quiet: true,
        }
    }

    fn files(dir: &Path) -> Vec<InputFile> {
        let patterns = inputs::compile_patterns(&[]).unwrap();
        inputs::discover(&[inputs::InputSpec::Dir(dir.to_path_buf())], &patterns, None, "ar").unwrap()
    }

    #[test]
    fn every_file_is_written_as_alone_failures_are_counted_and_a_rerun_skips_finished_files() {
        let tmp = tempfile::tempdir().unwrap();
        let input = tmp.path().join("in");
        let out = tmp.path().join("out");
        std::fs::create_dir_all(input.join("sub")).unwrap();
        // A file longer than one piece (2048 sentences), small ones, an empty one, a bad one.
        let long: String = (0..2500).map(|i| format!("هذه الجملة رقم {i} في النص.\n\n")).collect();
        std::fs::write(input.join("long.ar.txt"), &long).unwrap();
        for i in 0..5 {
            std::fs::write(input.join(format!("sub/s{i}.txt")), format!("قال الرئيس {i}. ثم غادر.\n")).unwrap();
        }
        std::fs::write(input.join("empty.txt"), "  \n\n").unwrap();
        std::fs::write(input.join("bad.txt"), [0xd8, 0xa7, 0xff, 0xfe, 0x00]).unwrap();
        let s = settings(&out);
        let all = files(&input);
        assert_eq!(all.len(), 8);
        let fake = FakeTranslator::new("en");
        let report = run(&s, &all, &fake).unwrap();
        assert_eq!((report.files.done, report.files.empty, report.files.failed), (6, 1, 1), "{report:#?}");
        assert_eq!(report.total.sentences, 2500 + 10);
        assert!(out.join("sub/s3.ar-en.jsonl").is_file() && out.join("sub/s3.ar-en.tsv").is_file());
        assert!(!out.join("bad.ar-en.jsonl").exists() && !out.join("empty.ar-en.jsonl").exists());

        // The long file's TSV is byte for byte what aligning it alone writes.
        let alone = tmp.path().join("alone.tsv");
        let job = Job {
            input: Source::File(input.join("long.ar.txt")),
            input_name: "long.ar.txt".into(),
            encoding: TextEncoding::Auto,
            src_lang: "ar".into(),
            tgt_lang: "en".into(),
            outputs: vec![(Format::Tsv, vec![Destination::File(alone.clone())])],
            writer_options: WriterOptions::default(),
            thresholds: Thresholds::default(),
            quiet: true,
            segmenter: Segmenter::load("ar", None).unwrap(),
        };
        crate::translate_document(&job, &fake).unwrap();
        assert_eq!(std::fs::read(&alone).unwrap(), std::fs::read(out.join("long.ar-en.tsv")).unwrap());

        // A rerun skips the finished files and retries the failed one; a changed file is redone.
        let before = std::fs::metadata(out.join("sub/s1.ar-en.jsonl")).unwrap().modified().unwrap();
        std::fs::write(input.join("sub/s2.txt"), "نص جديد مختلف.\n").unwrap();
        let again = run(&s, &files(&input), &fake).unwrap();
        assert_eq!((again.files.resumed, again.files.done, again.files.failed), (6, 1, 1), "{again:#?}");
        assert_eq!(std::fs::metadata(out.join("sub/s1.ar-en.jsonl")).unwrap().modified().unwrap(), before);
        let s2 = std::fs::read_to_string(out.join("sub/s2.ar-en.jsonl")).unwrap();
        assert!(s2.contains("نص جديد"), "{s2}");
        // Other options: everything is done again.
        let other = Settings { formats: vec![Format::Jsonl], ..settings(&out) };
        let third = run(&other, &files(&input), &fake).unwrap();
        assert_eq!(third.files.resumed, 0);
        assert!(out.join("nazir-report.json").is_file() && out.join("index.html").is_file());
    }

    #[test]
    fn stale_temporaries_of_this_runs_outputs_are_removed_and_others_kept() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        std::fs::create_dir_all(out.join("sub")).unwrap();
        let mine = out.join("sub/.a.ar-en.jsonl.Ab12Cd.tmp");
        let theirs = out.join("sub/.b.ar-en.jsonl.Xy34Zw.tmp");
        let user = out.join("sub/.notes.tmp");
        for p in [&mine, &theirs, &user] {
            std::fs::write(p, "x").unwrap();
        }
        let todo = [InputFile { path: "in/sub/a.txt".into(), rel: "sub/a.txt".into(), size: 1 }];
        remove_stale_temporaries(&settings(&out), &todo);
        assert!(!mine.exists());
        assert!(theirs.exists() && user.exists());
    }
}
