//! The subcommands, each a thin layer between parsed flags and the library.

use std::io::{self, BufWriter, Write};
use std::time::Instant;

use crate::cli::{AlignArgs, EvalArgs, EvalCommand, InfoArgs, SegmentArgs, SegmentFormat};
use crate::config::{Bitext, Job, MtSource};
use crate::read::{Paragraphs, Source, TextEncoding};
use crate::segment::{Lang, Segmenter};
use crate::translate::model::Family;
use crate::translate::{Ct2Translator, ModelDir};
use crate::{translate_document, Error};

/// The main job: translate and align one document, or align it with its translation.
pub fn align(args: &AlignArgs) -> Result<(), Error> {
    let job = Job::from_args(args)?;
    if let Some(bitext) = Bitext::from_args(args)? {
        return align_bitext(args, &job, &bitext);
    }
    let mut engine = args.engine.options()?;
    let model_path = args.model.clone().ok_or_else(|| {
        Error::Config(crate::config::ConfigError::Usage(
            "no model given: use --model DIR or set NAZIR_MODEL (docs/models.md explains how to get one)".into(),
        ))
    })?;
    let model = ModelDir::detect(&model_path)?;
    model.check_pair(&job.src_lang, &job.tgt_lang)?;
    if engine.max_input_tokens == 0 {
        engine.max_input_tokens = model.max_input_tokens();
    }
    let started = Instant::now();
    let translator = Ct2Translator::load(model, engine)?;
    let loaded = started.elapsed();
    let report = translate_document(&job, &translator)?;
    if !job.quiet {
        eprintln!(
            "align: {} sentences in {} paragraphs, {} flagged; model loaded in {:.2}s, total {:.2}s",
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
    Ok(())
}

/// Bitext mode: load the model only when it is the bridge, then align and summarise.
fn align_bitext(args: &AlignArgs, job: &Job, bitext: &Bitext) -> Result<(), Error> {
    let started = Instant::now();
    let translator = match (&bitext.mt, &args.model) {
        (MtSource::Model, Some(path)) => {
            let mut engine = args.engine.options()?;
            let model = ModelDir::detect(path)?;
            model.check_pair(&job.src_lang, &job.tgt_lang)?;
            if engine.max_input_tokens == 0 {
                engine.max_input_tokens = model.max_input_tokens();
            }
            Some(Ct2Translator::load(model, engine)?)
        }
        (MtSource::Model, None) => return Err(Error::NoBridge),
        _ => None,
    };
    let r = crate::align_bitext(job, bitext, translator.as_ref().map(|t| t as &dyn crate::translate::Translator))?;
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
    Ok(())
}

/// `align segment`: one sentence per line, or JSONL with offsets.
pub fn segment(args: &SegmentArgs) -> Result<(), Error> {
    let source = Source::from_arg(&args.input);
    let segmenter = Segmenter::new(Lang::from_code(&args.lang));
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

/// `align info`: what was detected in a model directory.
pub fn info(args: &InfoArgs) -> Result<(), Error> {
    let model = ModelDir::detect(&args.model)?;
    let pair = model
        .pair
        .as_ref()
        .map_or_else(|| "unknown (not in the directory name)".to_string(), |(s, t)| format!("{s} → {t}"));
    println!("model:        {}", model.path.display());
    println!("family:       {}", model.family.name());
    println!("languages:    {pair}");
    println!("vocabulary:   {} tokens", model.vocab_size);
    println!("max input:    {} tokens", model.max_input_tokens());
    println!("weights:      {:.1} MB", model.weights_bytes as f64 / 1e6);
    println!(
        "tokenizer:    {}",
        match model.family {
            Family::OpusMt => "SentencePiece (source.spm, target.spm)",
            Family::Whitespace => "none: tokens are the input's whitespace-separated words",
        }
    );
    println!("compute types: auto, int8, int8_float32, int16, float32 (CPU); float16, int8_float16, bfloat16 (CUDA)");
    if args.load {
        let started = Instant::now();
        let _translator = Ct2Translator::load(model, Default::default())?;
        println!("load:         ok in {:.2}s", started.elapsed().as_secs_f64());
    }
    Ok(())
}

/// `align eval align`: the bitext aligner against gold; the table goes to standard output.
pub fn eval(args: &EvalArgs) -> Result<(), Error> {
    use crate::align::{eval, gold};
    let usage = |m: String| Error::Config(crate::config::ConfigError::Usage(m));
    let a = match &args.command {
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
    .map_err(Error::Eval)?;
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
            .map_err(|source| Error::Eval(eval::EvalError::Read { path: p.display().to_string(), source }))?;
        eval::read_vecalign(&text).ok_or_else(|| Error::Eval(eval::EvalError::NotAlignments(p.display().to_string())))
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
