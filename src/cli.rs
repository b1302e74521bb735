//! Every flag, documented once: the doc comments are the `--help` text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::convert::InputFormat;
use crate::output::{Format, TmxUnits, XliffVersion};

const EXAMPLES: &str = "\
Examples:
  Translate and align an Arabic article (writes article.ar-en.tmx, .tsv and .html beside it):
    align article.ar.txt --to en --model ~/models/opus-mt-ar-en

  Choose formats and where they go:
    align article.ar.txt --model ~/models/opus-mt-ar-en --format tmx,jsonl --out-dir out/

  Read standard input, write one format to standard output:
    cat article.ar.txt | align - --model ~/models/opus-mt-ar-en --format tsv -o -

  Turn an edited JSONL (e.g. the review page's export) into a TMX again, or a TMX into a sheet:
    align convert article.ar-en.jsonl article.ar-en.tmx
    align convert article.ar-en.tmx review.xlsx

  Show how a text is cut into sentences, or what a model directory holds:
    align segment article.ar.txt
    align info --model ~/models/opus-mt-ar-en

Getting a model: docs/models.md (for example, ct2-transformers-converter --model
Helsinki-NLP/opus-mt-ar-en --output_dir ~/models/opus-mt-ar-en --quantization int8
--copy_files source.spm target.spm).";

/// Turn Arabic text into sentence-aligned Arabic–English bitext with a local CTranslate2 model.
///
/// Segments the input into sentences, translates them, pairs each sentence with its translation
/// and writes TMX, TSV, JSONL, Moses, side-by-side text and a bilingual HTML review page.
#[derive(Debug, Parser)]
#[command(name = "align", version, after_help = EXAMPLES, args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub align: AlignArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the sentences of a file, one per line (or as JSON Lines with offsets).
    Segment(SegmentArgs),
    /// Show what a model directory holds: family, languages, vocabulary, size.
    Info(InfoArgs),
    /// Convert between bitext formats: an edited JSONL or TSV becomes a TMX again, a TMX an
    /// XLIFF or an XLSX review sheet, and so on.
    Convert(ConvertArgs),
}

#[derive(Debug, Args)]
pub struct AlignArgs {
    /// The Arabic text to align; "-" reads standard input.
    ///
    /// UTF-8 (with or without BOM) or UTF-16 with BOM; see --encoding for legacy code pages.
    /// Paragraphs are separated by blank lines.
    #[arg(value_name = "INPUT", required = true)]
    pub input: Option<PathBuf>,

    /// Language of the translation.
    #[arg(long, value_name = "LANG", default_value = "en")]
    pub to: String,

    /// Language of the input.
    #[arg(long, value_name = "LANG", default_value = "ar")]
    pub from: String,

    /// CTranslate2 model directory (OPUS-MT/Marian layout: model.bin, source.spm, target.spm).
    #[arg(short, long, value_name = "DIR", env = "NAZIR_MODEL")]
    pub model: Option<PathBuf>,

    /// Output formats, comma-separated.
    ///
    /// Files are named after the input: article.ar.txt gives article.ar-en.tmx and so on
    /// (xliff writes .xlf, side-by-side .txt; moses writes two files, .ar and .en).
    #[arg(short, long, value_delimiter = ',', default_values = ["tmx", "tsv", "html"])]
    pub format: Vec<Format>,

    /// Directory for the output files (default: beside the input).
    #[arg(short = 'd', long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,

    /// Write the (single) format to this file instead; "-" writes to standard output.
    ///
    /// When --format is not given, the format comes from the file's extension.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Text encoding of the input: auto (UTF-8, or UTF-16 with a BOM), utf-8, utf-16le,
    /// utf-16be, windows-1256, iso-8859-6 …
    #[arg(long, value_name = "ENC", default_value = "auto")]
    pub encoding: String,

    #[command(flatten)]
    pub engine: EngineArgs,

    #[command(flatten)]
    pub formats: FormatArgs,

    /// Pairs scoring below this are flagged low-score.
    #[arg(long, value_name = "SCORE", default_value_t = 0.3)]
    pub low_score: f32,

    /// No progress bar or summary on standard error.
    #[arg(short, long)]
    pub quiet: bool,
}

/// How TMX and XLIFF are written (the main command and `align convert` share these).
#[derive(Debug, Args, Clone)]
pub struct FormatArgs {
    /// Language tag for the source side of the TMX and XLIFF, when your translation memory
    /// needs a locale (e.g. ar-SA).
    #[arg(long, value_name = "TAG")]
    pub src_locale: Option<String>,

    /// Language tag for the target side of the TMX and XLIFF (e.g. en-US).
    #[arg(long, value_name = "TAG")]
    pub tgt_locale: Option<String>,

    /// Keep 1-0 and 0-1 pairs in the TMX as units with one empty side (left out by default:
    /// CAT tools drop or reject them).
    #[arg(long)]
    pub tmx_keep_empty: bool,

    /// Translation units in the TMX: one per sentence pair, one per paragraph, or both (a CAT
    /// tool whose segmentation differs from ours then still finds whole-paragraph matches).
    #[arg(long, value_enum, value_name = "UNITS", default_value_t = TmxUnits::Sentence)]
    pub tmx_units: TmxUnits,

    /// XLIFF version to write.
    #[arg(long, value_enum, value_name = "VERSION", default_value_t = XliffVersion::V12)]
    pub xliff_version: XliffVersion,
}

/// How the translation engine runs.
#[derive(Debug, Args, Clone)]
pub struct EngineArgs {
    /// Beam size (1 is greedy decoding: faster, slightly worse).
    #[arg(long, value_name = "N", default_value_t = 4)]
    pub beam: usize,

    /// Sentences per batch, or tokens per batch with --batch-type tokens.
    #[arg(long, value_name = "N", default_value_t = 32)]
    pub batch_size: usize,

    /// Whether --batch-size counts sentences or tokens.
    #[arg(long, value_enum, default_value_t = BatchType::Examples)]
    pub batch_type: BatchType,

    /// Longer inputs are split at clause boundaries and translated in pieces (flagged
    /// split-for-model). 0: the model's own limit.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub max_input_tokens: usize,

    /// Longest translation, in tokens.
    #[arg(long, value_name = "N", default_value_t = 256)]
    pub max_output_tokens: usize,

    /// Threads for translation (default: one per physical core).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub threads: usize,

    /// Numeric precision: auto, int8, int8_float32, int8_float16, int16, float16, bfloat16,
    /// float32.
    #[arg(long, value_name = "TYPE", default_value = "auto")]
    pub compute_type: String,

    /// Where to run the model.
    #[arg(long, value_enum, default_value_t = Device::Cpu)]
    pub device: Device,

    /// Do not use the persistent translation cache (by default finished translations are kept
    /// in the user's cache directory, or $NAZIR_CACHE_DIR, so a rerun is nearly free).
    #[arg(long)]
    pub no_cache: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BatchType {
    Examples,
    Tokens,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Device {
    Cpu,
    /// An NVIDIA GPU (needs a CTranslate2 library built with CUDA; see docs/engine.md).
    Cuda,
}

#[derive(Debug, Args)]
pub struct SegmentArgs {
    /// The text to segment; "-" reads standard input.
    pub input: PathBuf,
    /// Language rules to use.
    #[arg(long, default_value = "ar")]
    pub lang: String,
    /// text: one sentence per line, a blank line between paragraphs; jsonl: one object per
    /// sentence with paragraph/sentence ids and byte offsets into the input.
    #[arg(long, value_enum, default_value_t = SegmentFormat::Text)]
    pub format: SegmentFormat,
    /// Text encoding of the input (see the main command's --encoding).
    #[arg(long, value_name = "ENC", default_value = "auto")]
    pub encoding: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SegmentFormat {
    Text,
    Jsonl,
}

#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// The file to convert: JSONL, TSV, TMX or XLIFF ("-" reads standard input).
    ///
    /// The format comes from the extension (.jsonl, .tsv, .tmx, .xlf/.xliff) or --input-format.
    /// TMX and XLIFF written by other tools are read too.
    #[arg(value_name = "IN")]
    pub input: PathBuf,

    /// Where to write ("-" writes to standard output). The format comes from the extension or
    /// --format; for moses, OUT is a stem: OUT.ar and OUT.en are written.
    #[arg(value_name = "OUT")]
    pub output: PathBuf,

    /// Format of IN, when its extension does not say.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub input_format: Option<InputFormat>,

    /// Format of OUT, when its extension does not say (tmx, tsv, jsonl, xliff, xlsx, moses,
    /// side-by-side, html).
    #[arg(short, long, value_enum, value_name = "FORMAT")]
    pub format: Option<Format>,

    /// Which language of a TMX or XLIFF is the source side (e.g. ar, when another tool's TMX
    /// has English as srclang). Default: the file's own source language.
    #[arg(long, value_name = "LANG")]
    pub source: Option<String>,

    /// Rows scoring below this are highlighted in an XLSX sheet.
    #[arg(long, value_name = "SCORE", default_value_t = 0.3)]
    pub low_score: f32,

    #[command(flatten)]
    pub formats: FormatArgs,

    /// No summary on standard error (warnings still show).
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct InfoArgs {
    /// The model directory to describe.
    #[arg(short, long, value_name = "DIR", env = "NAZIR_MODEL")]
    pub model: PathBuf,
    /// Also load the model (checks that CTranslate2 accepts it, and times the load).
    #[arg(long)]
    pub load: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn subcommands_and_positional_input_coexist() {
        let cli = Cli::try_parse_from(["align", "in.txt", "--to", "en", "-f", "tmx,jsonl"]).unwrap();
        assert!(cli.command.is_none());
        assert_eq!(cli.align.format, vec![Format::Tmx, Format::Jsonl]);
        let cli = Cli::try_parse_from(["align", "segment", "in.txt"]).unwrap();
        assert!(matches!(cli.command, Some(Command::Segment(_))));
        assert!(Cli::try_parse_from(["align"]).is_err(), "an input is required");
    }
}
