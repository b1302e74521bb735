//! What the user typed → what the pipeline needs. The one place flag errors come from.

use std::path::{Path, PathBuf};

use crate::align::Thresholds;
use crate::cli::{AlignArgs, BatchType, Device, EngineArgs, FormatArgs};
use crate::output::{self, Destination, Format, TmxOptions, WriterOptions};
use crate::read::{Source, TextEncoding};
use crate::segment::Segmenter;
use crate::translate::ct2::parse_compute_type;
use crate::translate::EngineOptions;
use crate::Error;

/// One document to align, fully resolved.
pub struct Job {
    pub input: Source,
    /// The input's name for headers ("-" shows as <stdin>).
    pub input_name: String,
    pub encoding: TextEncoding,
    pub src_lang: String,
    pub tgt_lang: String,
    /// Each format with where it goes (Moses: two files, source side first).
    pub outputs: Vec<(Format, Vec<Destination>)>,
    pub writer_options: WriterOptions,
    pub thresholds: Thresholds,
    pub quiet: bool,
    /// Our rules for the source language, or those of `--srx`.
    pub segmenter: Segmenter,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{0}")]
    Usage(String),
}

fn usage(msg: impl Into<String>) -> Error {
    Error::Config(ConfigError::Usage(msg.into()))
}

/// Checks a language code: letters, digits and hyphens (BCP 47 shape), no underscores.
pub fn check_lang(flag: &str, code: &str) -> Result<(), Error> {
    let ok = !code.is_empty()
        && code.len() <= 35
        && code.split('-').all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric()));
    if ok {
        Ok(())
    } else {
        Err(usage(format!("{flag} {code:?} is not a language tag (use codes like ar, en, en-US)")))
    }
}

impl Job {
    pub fn from_args(args: &AlignArgs) -> Result<Job, Error> {
        let input_path = args.input.clone().ok_or_else(|| usage("no input file given"))?;
        check_lang("--from", &args.from)?;
        check_lang("--to", &args.to)?;
        args.formats.check()?;
        let input = Source::from_arg(&input_path);
        let encoding = TextEncoding::from_label(&args.encoding).map_err(|e| usage(e.to_string()))?;
        let formats = dedup(&args.format);
        let outputs = match &args.output {
            Some(path) => {
                let explicit = std::env::args().any(|a| a == "--format" || a == "-f" || a.starts_with("--format="));
                let format = if explicit || path.as_os_str() == "-" {
                    if formats.len() != 1 {
                        return Err(usage("-o writes one format: choose it with --format (e.g. --format tmx)"));
                    }
                    formats[0]
                } else {
                    Format::from_path(path).ok_or_else(|| {
                        usage(format!("cannot tell the format of {} from its extension: add --format", path.display()))
                    })?
                };
                if format == Format::Moses {
                    return Err(usage("moses writes two files: use --out-dir instead of -o"));
                }
                let dest = if path.as_os_str() == "-" { Destination::Stdout } else { Destination::File(path.clone()) };
                vec![(format, vec![dest])]
            }
            None => {
                if matches!(input, Source::Stdin) && args.out_dir.is_none() {
                    return Err(usage(
                        "reading standard input: say where outputs go with --out-dir DIR, or -o FILE (-o - for standard output)",
                    ));
                }
                let dir = match &args.out_dir {
                    Some(d) => d.clone(),
                    None => input_path.parent().map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from(".")),
                };
                let dir = if dir.as_os_str().is_empty() { PathBuf::from(".") } else { dir };
                let stem = match input {
                    Source::Stdin => "stdin".to_string(),
                    Source::File(_) => output::stem(&input_path, &args.from),
                };
                formats
                    .iter()
                    .map(|&f| {
                        let paths = output::paths_for(&dir, &stem, f, &args.from, &args.to);
                        (f, paths.into_iter().map(Destination::File).collect())
                    })
                    .collect()
            }
        };
        if !(0.0..=1.0).contains(&args.low_score) {
            return Err(usage("--low-score must be between 0 and 1"));
        }
        Ok(Job {
            input_name: input.name(),
            input,
            encoding,
            src_lang: args.from.clone(),
            tgt_lang: args.to.clone(),
            outputs,
            writer_options: args.formats.writer_options(args.low_score),
            thresholds: Thresholds { low_score: args.low_score, ..Thresholds::default() },
            quiet: args.quiet,
            segmenter: Segmenter::load(&args.from, args.srx.as_deref())?,
        })
    }
}

impl FormatArgs {
    /// Checks the locale flags.
    pub fn check(&self) -> Result<(), Error> {
        for (flag, tag) in [("--src-locale", &self.src_locale), ("--tgt-locale", &self.tgt_locale)] {
            if let Some(tag) = tag {
                check_lang(flag, tag)?;
            }
        }
        Ok(())
    }

    pub fn writer_options(&self, low_score: f32) -> WriterOptions {
        WriterOptions {
            tmx: TmxOptions {
                src_locale: self.src_locale.clone(),
                tgt_locale: self.tgt_locale.clone(),
                keep_empty: self.tmx_keep_empty,
                units: self.tmx_units,
            },
            xliff: self.xliff_version,
            low_score,
        }
    }
}

/// Where bitext mode gets the translation that bridges the two sides.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MtSource {
    /// Translate the source with the model (`--model`).
    Model,
    /// Translations made elsewhere (`--mt-file`).
    File(PathBuf),
    /// No bridge (`--no-mt`).
    None,
}

/// Bitext mode: the translation to align with, and how the sides are compared.
pub struct Bitext {
    pub target: Source,
    pub target_name: String,
    pub segmented: bool,
    pub mt: MtSource,
}

impl Bitext {
    /// `None` in translation mode (one input).
    pub fn from_args(args: &AlignArgs) -> Result<Option<Bitext>, Error> {
        let Some(target) = &args.target else {
            if args.no_mt || args.segmented || args.mt_file.is_some() {
                return Err(usage(
                    "--no-mt, --segmented and --mt-file are for bitext mode: give the translation as a second input (align a.ar.txt a.en.txt …)",
                ));
            }
            return Ok(None);
        };
        if target.as_os_str() == "-" && args.input.as_deref().is_some_and(|p| p.as_os_str() == "-") {
            return Err(usage("only one of the two inputs can be standard input"));
        }
        let target = Source::from_arg(target);
        let mt = match (&args.mt_file, args.no_mt) {
            (Some(f), _) => MtSource::File(f.clone()),
            (None, true) => MtSource::None,
            (None, false) => MtSource::Model,
        };
        Ok(Some(Bitext { target_name: target.name(), target, segmented: args.segmented, mt }))
    }
}

/// The formats in the order given, each once (`-f tmx,tsv,tmx`).
pub(crate) fn dedup(formats: &[Format]) -> Vec<Format> {
    let mut out = Vec::new();
    for &f in formats {
        if !out.contains(&f) {
            out.push(f);
        }
    }
    out
}

impl EngineArgs {
    pub fn options(&self) -> Result<EngineOptions, Error> {
        let compute_type = parse_compute_type(&self.compute_type).ok_or_else(|| {
            usage(format!(
                "--compute-type {:?} is not one of auto, int8, int8_float32, int8_float16, int8_bfloat16, int16, float16, bfloat16, float32",
                self.compute_type
            ))
        })?;
        if self.beam == 0 {
            return Err(usage("--beam must be at least 1"));
        }
        if self.batch_size == 0 {
            return Err(usage("--batch-size must be at least 1"));
        }
        Ok(EngineOptions {
            beam: self.beam,
            batch_size: self.batch_size,
            batch_tokens: self.batch_type == BatchType::Tokens,
            max_input_tokens: self.max_input_tokens,
            max_output_tokens: self.max_output_tokens.max(1),
            threads: self.threads,
            compute_type,
            device: match self.device {
                Device::Cpu => ct2rs::sys::Device::CPU,
                Device::Cuda => ct2rs::sys::Device::CUDA,
            },
            uniform_batches: false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_tags() {
        assert!(check_lang("--to", "en").is_ok());
        assert!(check_lang("--to", "en-US").is_ok());
        assert!(check_lang("--to", "en_US").is_err());
        assert!(check_lang("--to", "*all*").is_err());
        assert!(check_lang("--to", "").is_err());
    }
}
