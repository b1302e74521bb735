//! The subcommands, each a thin layer between parsed flags and the library.

use std::io::{self, BufWriter, Write};
use std::time::Instant;

use crate::cli::{AlignArgs, ConvertArgs, EvalCommand, EvalSegmentArgs, InfoArgs, SegmentArgs, SegmentFormat};
use crate::config::{Bitext, Job, MtSource};
use crate::read::{Paragraphs, Source, TextEncoding};
use crate::segment::Segmenter;
use crate::translate::model::TokenizerFiles;
use crate::translate::{cache, CachedTranslator, Ct2Translator, EngineOptions, ModelDir, Translator};
use crate::{translate_document, Error};

pub use crate::corpus::commands::merge as corpus_merge;
pub use crate::models::commands::{config, models};

/// The main job: translate and align one document, or align it with its translation.
pub fn align(args: &AlignArgs) -> Result<(), Error> {
    // A directory, a glob or a list of files: corpus mode (src/corpus).
    if crate::corpus::commands::is_corpus(args) {
        return crate::corpus::commands::run(args);
    }
    let job = Job::from_args(args)?;
    // --out-dir is created when missing (the README's `--out-dir out` on a fresh clone), and
    // before any model download, so a bad output path fails first.
    if let Some(dir) = &args.out_dir {
        std::fs::create_dir_all(dir)
            .map_err(|source| crate::output::OutputError::Io { path: dir.display().to_string(), source })?;
    }
    if let Some(bitext) = Bitext::from_args(args)? {
        return align_bitext(args, &job, &bitext);
    }
    let started = Instant::now();
    let translator = load_translator(args, &job)?;
    let loaded = started.elapsed();
    let report = translate_document(&job, translator.as_ref())?;
    if !job.quiet {
        let cached = translator.cache_hits().map(|hits| format!(", {hits} from the cache")).unwrap_or_default();
        eprintln!(
            "align: {} sentences in {} paragraphs, {} flagged{cached}; model loaded in {:.2}s, total {:.2}s",
            report.sentences,
            report.paragraphs,
            report.flagged,
            loaded.as_secs_f64(),
            started.elapsed().as_secs_f64()
        );
        for path in &report.written {
            eprintln!("  wrote {}", path.display());
        }
    }
    // Warnings say that an output differs from the input; they show even with --quiet.
    for warning in &report.warnings {
        eprintln!("align: warning: {warning}");
    }
    Ok(())
}

/// Finds the model (a directory, a catalogue name, the config file's model, or the catalogue
/// default, downloaded once: src/models), loads it for the job's languages and puts the
/// translation cache in front of it.
fn load_translator(args: &AlignArgs, job: &Job) -> Result<Box<dyn Translator>, Error> {
    load_translator_with(args, args.engine.options()?, &job.src_lang, &job.tgt_lang)
}

/// Resolves and loads the model the main command's flags ask for (a directory, a catalogue
/// name, the config file's or the catalogue's default, downloaded once), with the persistent
/// cache in front unless --no-cache; `engine` comes from `args.engine.options()`, adjusted by
/// the caller. Corpus mode loads its one shared translator through this.
pub fn load_translator_with(
    args: &AlignArgs,
    mut engine: EngineOptions,
    from: &str,
    to: &str,
) -> Result<Box<dyn Translator>, Error> {
    let model_path = match &args.model {
        Some(dir) if dir.exists() => dir.clone(),
        spec => crate::models::Options::resolve(&crate::models::Overrides {
            models_dir: args.models_dir.clone(),
            mirror: None,
            quiet: args.quiet,
        })?
        .model_for_run(spec.as_deref(), from, to)?,
    };
    let model = ModelDir::detect(&model_path)?;
    for warning in &model.warnings {
        eprintln!("align: warning: {warning}");
    }
    if engine.max_input_tokens == 0 {
        engine.max_input_tokens = model.max_input_tokens();
    }
    let translator = Ct2Translator::load(model, from, to, engine)?;
    Ok(with_cache(translator, args.engine.no_cache))
}

/// Puts the persistent cache in front of `translator` unless disabled; a cache that cannot be
/// opened is a warning.
pub fn with_cache(translator: Ct2Translator, disabled: bool) -> Box<dyn Translator> {
    if disabled {
        return Box::new(translator);
    }
    match CachedTranslator::open(translator, &cache::default_path()) {
        Ok(cached) => Box::new(cached),
        Err((translator, reason)) => {
            eprintln!("align: warning: translation cache not used: {reason}");
            Box::new(translator)
        }
    }
}

/// `align convert IN OUT`: read one bitext format, write another.
pub fn convert(args: &ConvertArgs) -> Result<(), Error> {
    let report = crate::convert::run(args)?;
    if !args.quiet {
        eprintln!("align: {}", report.summary());
    }
    for warning in &report.warnings {
        eprintln!("align: warning: {warning}");
    }
    Ok(())
}

/// Bitext mode: load the model only when it is the bridge, then align and summarise.
fn align_bitext(args: &AlignArgs, job: &Job, bitext: &Bitext) -> Result<(), Error> {
    let started = Instant::now();
    let translator = match &bitext.mt {
        MtSource::Model if args.model.is_none() => {
            Some(load_translator(args, job).map_err(|e| Error::NoBridgeModel(Box::new(e)))?)
        }
        MtSource::Model => Some(load_translator(args, job)?),
        _ => None,
    };
    let r = crate::align_bitext(job, bitext, translator.as_deref())?;
    if !job.quiet {
        eprintln!(
            "align: {} source and {} target sentences in {} beads ({}), {} flagged; {:.2}s",
            r.report.sentences,
            r.targets,
            r.summary.shapes.iter().map(|(_, n)| n).sum::<usize>(),
            if r.barriers { "paragraphs as barriers" } else { "paragraphs as evidence" },
            r.report.flagged,
            started.elapsed().as_secs_f64()
        );
        for line in r.summary.lines() {
            eprintln!("  {line}");
        }
        for path in &r.report.written {
            eprintln!("  wrote {}", path.display());
        }
    }
    for warning in &r.report.warnings {
        eprintln!("align: warning: {warning}");
    }
    Ok(())
}

/// `align segment`: one sentence per line, or JSONL with offsets; or write our rules as SRX.
pub fn segment(args: &SegmentArgs) -> Result<(), Error> {
    if let Some(path) = &args.export_srx {
        let xml = crate::segment::export::our_rules().to_xml();
        let write_err =
            |source| Error::Output(crate::output::OutputError::Io { path: path.display().to_string(), source });
        if path.as_os_str() == "-" {
            io::stdout().write_all(xml.as_bytes()).map_err(write_err)?;
        } else {
            std::fs::write(path, xml).map_err(write_err)?;
        }
        if args.input.is_none() {
            return Ok(());
        }
    }
    let Some(input) = &args.input else { return Ok(()) };
    let source = Source::from_arg(input);
    let segmenter = Segmenter::load(&args.lang, args.srx.as_deref())?;
    let paragraphs = Paragraphs::open(&source, TextEncoding::from_label(&args.encoding)?)?;
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut next_id = 0;
    let write_err = |source| Error::Output(crate::output::OutputError::Io { path: "<stdout>".into(), source });
    for (k, p) in paragraphs.enumerate() {
        let p = p?;
        let sentences = segmenter.sentences(&p, next_id);
        next_id += sentences.len();
        match args.format {
            SegmentFormat::Text => {
                if k > 0 {
                    writeln!(out).map_err(write_err)?;
                }
                for s in &sentences {
                    writeln!(out, "{}", s.text).map_err(write_err)?;
                }
            }
            SegmentFormat::Jsonl => {
                for (i, s) in sentences.iter().enumerate() {
                    let span = s.span.clone().unwrap_or(0..0);
                    let obj = serde_json::json!({
                        "paragraph": s.paragraph, "sentence": i, "id": s.id,
                        "start": span.start, "end": span.end, "line": s.line, "text": s.text,
                    });
                    writeln!(out, "{obj}").map_err(write_err)?;
                }
            }
        }
    }
    out.flush().map_err(write_err)?;
    Ok(())
}

/// `align eval segment`: the boundary table (docs/segmentation.md shows and explains it).
pub fn eval_segment(args: &EvalSegmentArgs) -> Result<(), Error> {
    let options = crate::segment::eval::Options {
        data: args.data.clone(),
        gold: args.gold.clone().map(|g| (g, args.lang.clone())),
        srx_baseline: args.srx_baseline.clone(),
        srx: args.srx.clone(),
        errors: args.errors,
    };
    let out = crate::segment::eval::run(&options)?;
    let write_err = |source| Error::Output(crate::output::OutputError::Io { path: "<stdout>".into(), source });
    io::stdout().lock().write_all(out.as_bytes()).map_err(write_err)?;
    Ok(())
}

/// `align info`: what was detected in a model directory.
pub fn info(args: &InfoArgs) -> Result<(), Error> {
    let model = ModelDir::detect(&args.model)?;
    let pair = if model.family.is_multilingual() {
        let some: Vec<&str> = model.language_tokens.iter().take(6).map(String::as_str).collect();
        format!("any pair of {} languages ({} …)", model.language_tokens.len(), some.join(", "))
    } else {
        let unknown = || "unknown (not in the directory name or metadata)".to_string();
        model.pair.as_ref().map_or_else(unknown, |(s, t)| format!("{s} → {t}"))
    };
    println!("model:        {}", model.path.display());
    println!("family:       {}", model.family.name());
    println!("languages:    {pair}");
    println!("vocabulary:   {} tokens", model.vocab_size);
    println!("max input:    {} tokens", model.max_input_tokens());
    println!("weights:      {:.1} MB", model.weights_bytes as f64 / 1e6);
    let spec = if model.bin.spec.is_empty() { "unnamed (TransformerSpec)" } else { model.bin.spec.as_str() };
    println!(
        "model.bin:    binary version {}, {spec} revision {}, {} variables, {} aliases (checked)",
        model.bin.version,
        model.bin.revision,
        model.bin.variables.len(),
        model.bin.aliases.len()
    );
    for warning in &model.warnings {
        println!("warning:      {warning}");
    }
    let tokenizer = match &model.tokenizer {
        TokenizerFiles::SentencePiecePair { .. } => "SentencePiece (source.spm, target.spm)".to_string(),
        TokenizerFiles::SentencePiece(p) => format!("SentencePiece ({})", p.display()),
        TokenizerFiles::HfJson(p) => format!("Hugging Face tokenizer ({})", p.display()),
        TokenizerFiles::Whitespace => "none: tokens are the input's whitespace-separated words".to_string(),
    };
    println!("tokenizer:    {tokenizer}");
    if model.path != model.given {
        println!("unpacked at:  {}", model.path.display());
    }
    println!("compute types: auto, int8, int8_float32, int16, float32 (CPU); float16, int8_float16, bfloat16 (CUDA)");
    if args.load {
        let started = Instant::now();
        let (from, to) = match (&model.pair, model.language_tokens.first()) {
            (Some((s, t)), _) => (s.clone(), t.clone()),
            (None, Some(tok)) => (tok.clone(), tok.clone()),
            (None, None) => ("ar".to_string(), "en".to_string()),
        };
        let _translator = Ct2Translator::load(model, &from, &to, Default::default())?;
        println!("load:         ok in {:.2}s", started.elapsed().as_secs_f64());
    }
    Ok(())
}

/// `align eval …`: measurements against gold data; tables go to standard output.
pub fn eval(command: &EvalCommand) -> Result<(), Error> {
    use crate::align::{eval, gold};
    let usage = |m: String| Error::Config(crate::config::ConfigError::Usage(m));
    let a = match command {
        EvalCommand::Segment(s) => return eval_segment(s),
        EvalCommand::Align(a) => a,
        EvalCommand::Score(s) => return eval_score(s),
    };
    let systems = a
        .systems
        .iter()
        .map(|s| eval::System::parse(s).ok_or_else(|| usage(eval::EvalError::UnknownSystem(s.clone()).to_string())))
        .collect::<Result<Vec<_>, _>>()?;
    let variants = a
        .variants
        .iter()
        .map(|v| gold::Variant::parse(v).map_err(|e| usage(e.to_string())))
        .collect::<Result<Vec<_>, _>>()?;
    for s in &a.sets {
        if !gold::SETS.contains(&s.as_str()) {
            return Err(usage(gold::GoldError::UnknownSet(s.clone()).to_string()));
        }
    }
    let opts = eval::EvalOptions {
        data: a.data.clone(),
        sets: a.sets.clone(),
        variants,
        systems,
        split: a.split,
        seed: a.seed,
        write: a.write.clone(),
    };
    let started = Instant::now();
    let cells = eval::run(&opts, &mut |c| {
        eprintln!(
            "  {} {} {}: strict F1 {:.3}, lax F1 {:.3} ({:.2}s)",
            c.set,
            c.variant.name(),
            opts.systems[c.system].label(),
            c.scores.f1_strict,
            c.scores.f1_lax,
            c.seconds
        )
    })
    .map_err(Error::AlignEval)?;
    eval::print(&opts, &cells)
        .map_err(|source| Error::Output(crate::output::OutputError::Io { path: "<stdout>".into(), source }))?;
    eprintln!("align: evaluated in {:.1}s", started.elapsed().as_secs_f64());
    Ok(())
}

/// `align eval score`: vecalign's score.py, for any alignment files.
fn eval_score(args: &crate::cli::EvalScoreArgs) -> Result<(), Error> {
    use crate::align::eval;
    if args.gold.len() != args.test.len() {
        return Err(Error::Config(crate::config::ConfigError::Usage(
            "give as many --gold files as --test files".into(),
        )));
    }
    let read = |p: &std::path::Path| -> Result<eval::Beads, Error> {
        let text = std::fs::read_to_string(p)
            .map_err(|source| Error::AlignEval(eval::EvalError::Read { path: p.display().to_string(), source }))?;
        eval::read_vecalign(&text)
            .ok_or_else(|| Error::AlignEval(eval::EvalError::NotAlignments(p.display().to_string())))
    };
    let mut scorer = eval::Scorer::default();
    for (g, t) in args.gold.iter().zip(&args.test) {
        scorer.add(&read(g)?, &read(t)?);
    }
    let s = scorer.scores();
    println!("|           | strict | lax   |");
    println!("| precision | {:.3}  | {:.3} |", s.precision_strict, s.precision_lax);
    println!("| recall    | {:.3}  | {:.3} |", s.recall_strict, s.recall_lax);
    println!("| F1        | {:.3}  | {:.3} |", s.f1_strict, s.f1_lax);
    Ok(())
}
