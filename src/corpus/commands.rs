//! The corpus subcommands, thin: resolve flags, find the files, load the model, run, report.

use std::io::{self, Read};
use std::path::{Path, PathBuf};

use super::filter::FilterOptions;
use super::inputs::{self, InputSpec, Shard};
use super::{CorpusError, Settings};
use crate::align::Thresholds;
use crate::cli::{AlignArgs, MergeArgs};
use crate::config::check_lang;
use crate::output::Format;
use crate::read::TextEncoding;
use crate::segment::Segmenter;
use crate::Error;

/// Whether the main command's arguments ask for corpus mode: a directory or glob input,
/// --files-from, --shard or --glob.
pub fn is_corpus(args: &AlignArgs) -> bool {
    let c = &args.corpus;
    c.files_from.is_some()
        || c.shard.is_some()
        || !c.glob.is_empty()
        || args.input.as_deref().is_some_and(|p| p.as_os_str() != "-" && InputSpec::from_arg(p).is_many())
}

fn usage(msg: impl Into<String>) -> Error {
    Error::Corpus(CorpusError::Usage(msg.into()))
}

impl Settings {
    /// Resolves the main command's flags for corpus mode (the checks `Job::from_args` makes for
    /// one document, and those of corpus mode).
    pub fn from_args(args: &AlignArgs) -> Result<Settings, Error> {
        check_lang("--from", &args.from)?;
        check_lang("--to", &args.to)?;
        args.formats.check()?;
        if args.output.is_some() {
            return Err(usage("corpus mode writes files for each input: use --out-dir DIR instead of -o"));
        }
        let out_dir = args
            .out_dir
            .clone()
            .ok_or_else(|| usage("corpus mode needs --out-dir DIR: outputs mirror the inputs there"))?;
        if !(0.0..=1.0).contains(&args.low_score) {
            return Err(usage("--low-score must be between 0 and 1"));
        }
        let shard = args.corpus.shard.as_deref().map(Shard::parse).transpose()?;
        // JSONL always (the per-file record `corpus merge` reads), first.
        let formats = crate::config::dedup(&[&[Format::Jsonl], args.format.as_slice()].concat());
        let srx_hash = match &args.srx {
            Some(p) => Some(
                super::manifest::hash_file(p)
                    .map_err(|source| CorpusError::Io { path: p.display().to_string(), source })?,
            ),
            None => None,
        };
        let jobs = match args.corpus.jobs {
            0 => std::thread::available_parallelism().map_or(2, |n| n.get()),
            n => n,
        };
        Ok(Settings {
            src_lang: args.from.clone(),
            tgt_lang: args.to.clone(),
            encoding: TextEncoding::from_label(&args.encoding).map_err(|e| usage(e.to_string()))?,
            formats,
            writer_options: args.formats.writer_options(args.low_score),
            thresholds: Thresholds { low_score: args.low_score, ..Thresholds::default() },
            segmenter: Segmenter::load(&args.from, args.srx.as_deref())?,
            srx_hash,
            out_dir,
            filters: FilterOptions { arabic_source: super::filter::is_arabic(&args.from), ..FilterOptions::default() },
            jobs,
            shard,
            redo: args.corpus.redo,
            padded_batches: args.corpus.padded_batches,
            quiet: args.quiet,
        })
    }
}

/// `align DIR|GLOB|--files-from … --out-dir OUT`: corpus mode.
pub fn run(args: &AlignArgs) -> Result<(), Error> {
    let settings = Settings::from_args(args)?;
    let mut specs = Vec::new();
    if let Some(input) = &args.input {
        if input.as_os_str() == "-" {
            return Err(usage("corpus mode reads files: give a directory, a glob, or the list with --files-from -"));
        }
        specs.push(InputSpec::from_arg(input));
    }
    if let Some(list) = &args.corpus.files_from {
        specs.extend(read_list(list)?.iter().map(|p| InputSpec::from_arg(p)));
    }
    let patterns = inputs::compile_patterns(&args.corpus.glob)?;
    // Files are found before the model loads, so a typo costs nothing.
    let all = inputs::discover(&specs, &patterns, Some(&settings.out_dir), &settings.src_lang)?;
    if all.is_empty() {
        let mut searched: Vec<String> = args.input.iter().map(|p| p.display().to_string()).collect();
        searched.extend(args.corpus.files_from.iter().map(|p| format!("the list {}", p.display())));
        return Err(CorpusError::NoInputs(format!(
            "nothing matched {} (directories are searched for {}; choose with --glob)",
            searched.join(", "),
            if args.corpus.glob.is_empty() { inputs::DEFAULT_GLOB.to_string() } else { args.corpus.glob.join(", ") }
        ))
        .into());
    }
    let mine: Vec<_> = match settings.shard {
        Some(shard) => all.iter().filter(|f| shard.takes(&f.rel)).cloned().collect(),
        None => all.clone(),
    };
    if !args.quiet {
        let of = settings.shard.map(|s| format!(" (shard {}/{} of {} files)", s.k, s.n, all.len())).unwrap_or_default();
        eprintln!("align: corpus mode: {} files{of} into {}", mine.len(), settings.out_dir.display());
    }
    // Batches of equal-length sentences: a file then translates the same whatever it shares
    // batches with (other files, another shard, a resumed run), so outputs are reproducible.
    // Padding changes the numbers slightly (measured: 2 of 96 beam-4 outputs differ between a
    // sentence alone and in a padded batch), hence the opt-in.
    let mut engine = args.engine.options()?;
    engine.uniform_batches = !settings.padded_batches;
    let translator = crate::commands::load_translator_with(args, engine, &settings.src_lang, &settings.tgt_lang)?;
    let report = super::run(&settings, &mine, translator.as_ref())?;
    let (json, html) = settings.report_paths();
    if !args.quiet {
        eprint!("{}", report.summary());
        eprintln!("  report: {}, {}", json.display(), html.display());
    }
    if report.files.failed > 0 {
        if args.quiet {
            for f in report.per_file.iter().filter(|f| f.error.is_some()) {
                eprintln!("align: {}", f.error.as_deref().unwrap_or_default());
            }
        }
        return Err(CorpusError::FilesFailed {
            failed: report.files.failed,
            total: report.files.total,
            report: json.display().to_string(),
        }
        .into());
    }
    Ok(())
}

/// The paths of a --files-from list: one per line, or NUL-separated; blank lines skipped.
fn read_list(list: &Path) -> Result<Vec<PathBuf>, Error> {
    let mut bytes = Vec::new();
    let name = if list.as_os_str() == "-" { "<stdin>".to_string() } else { list.display().to_string() };
    let result = if list.as_os_str() == "-" {
        io::stdin().lock().read_to_end(&mut bytes)
    } else {
        std::fs::File::open(list).and_then(|mut f| f.read_to_end(&mut bytes))
    };
    result.map_err(|source| CorpusError::Io { path: name.clone(), source })?;
    let text = String::from_utf8(bytes)
        .map_err(|_| usage(format!("--files-from {name}: not UTF-8 text (one path per line)")))?;
    let sep = if text.contains('\0') { '\0' } else { '\n' };
    Ok(text.split(sep).map(|l| l.trim_end_matches('\r')).filter(|l| !l.trim().is_empty()).map(PathBuf::from).collect())
}

/// `align corpus merge DIR…`: one clean corpus from the runs' JSONL.
pub fn merge(args: &MergeArgs) -> Result<(), Error> {
    args.formats.check()?;
    if !(0.0..=1.0).contains(&args.min_score) {
        return Err(usage("--min-score must be between 0 and 1"));
    }
    if args.max_ratio < 1.0 {
        return Err(usage("--max-ratio must be at least 1"));
    }
    if args.name.is_empty() || args.name.contains(['/', '\\']) {
        return Err(usage("--name is a file name (no '/'): the merged files are NAME.ar-en.*"));
    }
    let options = super::merge::Options {
        dirs: args.dirs.clone(),
        formats: args.format.clone(),
        out_dir: args.out_dir.clone(),
        name: args.name.clone(),
        filters: FilterOptions {
            min_score: args.min_score,
            max_ratio: args.max_ratio,
            min_words: args.min_words,
            max_words: args.max_words,
            numbers: !args.keep_number_mismatch,
            arabic_source: true,
        },
        dedup: !args.keep_duplicates,
        writer_options: args.formats.writer_options(args.min_score),
    };
    let report = super::merge::run(&options)?;
    if !args.quiet {
        eprint!("{}", report.summary());
    }
    for w in &report.warnings {
        eprintln!("align: warning: {w}");
    }
    Ok(())
}
