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
  Align an Arabic text with its existing English translation (bitext mode):
    align report.ar.txt report.en.txt --model ~/models/opus-mt-ar-en
    align report.ar.txt report.en.txt --no-mt                  # lengths and anchors only
    align a.ar a.en --segmented --mt-file a.mt.en --format vecalign,tmx

  Measure the aligner against gold data:
    align eval align

  Align a whole corpus (every *.txt below raw/), resumably; or this machine's 1/16th of it;
  then merge the outputs into one clean corpus (docs/corpus.md, docs/scale.md):
    align corpora/raw/ --to en --out-dir corpora/aligned/
    align 'news/**/*.ar.txt' --to en --out-dir out/ --shard 3/16
    align corpus merge out/ --format moses,tmx --min-score 0.5

  Show how a text is cut into sentences, or what a model directory holds:
    align segment article.ar.txt
    align info --model ~/models/opus-mt-ar-en

Models: without --model, the first run downloads the default model (opus-mt-ar-en, ~157 MB)
into ~/.local/share/nazir/models. `align models list` shows what is installed and what the
catalogue offers; `align models pull NAME --mirror URL` fetches from an internal mirror;
docs/models.md covers conversion, mirrors and the config file (`align config show`).";

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
    /// Download, list, check and remove models (`align models pull opus-mt-ar-en`).
    Models(ModelsArgs),
    /// Show the settings in force (config file, model, models directory, mirror) and where each
    /// came from.
    Config(ConfigArgs),
    /// Measure quality against gold data: `align eval segment` (docs/segmentation.md),
    /// `align eval align` and `align eval score` (docs/alignment.md).
    #[command(subcommand)]
    Eval(EvalCommand),
    /// Corpus tools: merge the outputs of corpus runs (shards) into one clean corpus.
    #[command(subcommand)]
    Corpus(CorpusCommand),
}

#[derive(Debug, Subcommand)]
pub enum EvalCommand {
    /// Sentence-boundary precision/recall/F1 of our rules, the naive splitter and LanguageTool's
    /// SRX rules, side by side, on the shared corpora or a gold file.
    Segment(EvalSegmentArgs),
    /// Bitext alignment against gold (NTREX-128, TICO-19, UD-PUD from ../shared/data):
    /// vecalign's strict and lax F1 for our Gale–Church baseline, --no-mt, and simulated MT.
    ///
    /// Each set's documents become paragraphs; variants merge neighbouring lines (2-1, 1-2),
    /// delete lines (1-0, 0-1) and, in "hard", drop the English paragraph breaks. The oracle and
    /// noisy systems are simulations: their "MT" is the gold English, intact or degraded.
    Align(EvalAlignArgs),
    /// Score alignment files against gold files in vecalign's format (as vecalign's score.py).
    Score(EvalScoreArgs),
}

#[derive(Debug, Args)]
pub struct EvalScoreArgs {
    /// Gold alignment files, one per test file.
    #[arg(short, long, required = true, num_args = 1..)]
    pub gold: Vec<PathBuf>,
    /// Alignment files to score (`[i, j]:[k]` or `[i, j]:[k]:score` lines).
    #[arg(short, long, required = true, num_args = 1..)]
    pub test: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct EvalAlignArgs {
    /// Folder holding ntrex128-arb-eng/, tico19-en-ar/ and ud-pud-ar-en/.
    #[arg(long, value_name = "DIR", default_value = "../shared/data")]
    pub data: PathBuf,
    /// Gold sets, comma-separated: ntrex, tico, pud.
    #[arg(long, value_delimiter = ',', default_value = "ntrex,tico,pud")]
    pub sets: Vec<String>,
    /// Variants, comma-separated: clean, merged, deleted, hard.
    #[arg(long, value_delimiter = ',', default_value = "clean,merged,deleted,hard")]
    pub variants: Vec<String>,
    /// Systems (table columns), comma-separated: gale-church, no-mt, oracle, noisyN (words
    /// damaged at N percent), mt-file=FILE (one translation per line of the gold set's Arabic
    /// file); add -bleu2 to compare with Bleualign's BLEU-2 instead of chrF.
    #[arg(long, value_delimiter = ',', default_value = crate::align::eval::DEFAULT_SYSTEMS)]
    pub systems: Vec<String>,
    /// Documents to use: dev (even positions, used for tuning), test (odd, for reporting), all.
    #[arg(long, value_enum, default_value_t = crate::align::gold::Split::Test)]
    pub split: crate::align::gold::Split,
    /// Seed of the variants and the noise.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Also write every input, gold alignment and output to this folder (vecalign's format:
    /// score them with vecalign's score.py to check the numbers).
    #[arg(long, value_name = "DIR")]
    pub write: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct AlignArgs {
    /// The Arabic text to align; "-" reads standard input.
    ///
    /// UTF-8 (with or without BOM) or UTF-16 with BOM; see --encoding for legacy code pages.
    /// Paragraphs are separated by blank lines. A directory or a quoted glob ('news/**/*.txt')
    /// runs corpus mode: every file into --out-dir, resumable (see "Corpus mode" below).
    #[arg(value_name = "INPUT", required_unless_present = "files_from")]
    pub input: Option<PathBuf>,

    /// An existing translation of INPUT: Nazir then aligns the two texts (bitext mode) instead
    /// of translating, with 1-1, 2-1, 1-2, 2-2, 1-3, 3-1, 1-0 and 0-1 beads. The model, if
    /// given, translates INPUT only as a bridge for comparing the two sides.
    #[arg(value_name = "TRANSLATION")]
    pub target: Option<PathBuf>,

    /// Bitext mode without machine translation: align by sentence lengths and anchors
    /// (numbers, Latin-script names and URLs, quotes, question marks). Needs no model.
    #[arg(long, conflicts_with = "mt_file")]
    pub no_mt: bool,

    /// Bitext mode: both inputs are already one sentence per line (a blank line separates
    /// paragraphs); beads then refer to input lines.
    #[arg(long)]
    pub segmented: bool,

    /// Bitext mode: translations of INPUT made elsewhere, one line per source sentence (per
    /// non-blank line with --segmented; `align segment` shows the sentences otherwise).
    #[arg(long, value_name = "FILE")]
    pub mt_file: Option<PathBuf>,

    /// Language of the translation.
    #[arg(long, value_name = "LANG", default_value = "en")]
    pub to: String,

    /// Language of the input.
    #[arg(long, value_name = "LANG", default_value = "ar")]
    pub from: String,

    /// The model: a CTranslate2 model directory, or a catalogue name (`align models list`).
    ///
    /// Default: `model` in the config file, else the catalogue's default for the language pair
    /// (opus-mt-ar-en for ar→en), downloaded once on first use into the models directory.
    #[arg(short, long, value_name = "NAME|DIR", env = "NAZIR_MODEL")]
    pub model: Option<PathBuf>,

    /// Where downloaded models are stored (default: the platform data directory,
    /// ~/.local/share/nazir/models on Linux, or `models_dir` in the config file).
    #[arg(long, value_name = "DIR", env = "NAZIR_MODELS_DIR")]
    pub models_dir: Option<PathBuf>,

    /// Output formats, comma-separated.
    ///
    /// Files are named after the input: article.ar.txt gives article.ar-en.tmx and so on
    /// (xliff writes .xlf, side-by-side .txt; moses writes two files, .ar and .en).
    /// (side-by-side writes .txt; moses writes two files, .ar and .en; vecalign writes
    /// .vecalign, one `[i, j]:[k]:score` line per bead).
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

    /// Segment with the rules of this SRX file (as exported by OmegaT, Okapi, memoQ, Trados)
    /// instead of the built-in ones, so units match your CAT tool's segments.
    #[arg(long, value_name = "FILE")]
    pub srx: Option<PathBuf>,

    /// Pairs scoring below this are flagged low-score.
    #[arg(long, value_name = "SCORE", default_value_t = 0.3)]
    pub low_score: f32,

    /// No progress bar or summary on standard error.
    #[arg(short, long)]
    pub quiet: bool,

    #[command(flatten)]
    pub corpus: CorpusFlags,
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
    #[arg(required_unless_present = "export_srx")]
    pub input: Option<PathBuf>,
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
    /// Use the rules of this SRX file instead of the built-in ones.
    #[arg(long, value_name = "FILE")]
    pub srx: Option<PathBuf>,
    /// Write the built-in rules as an SRX 2.0 file for OmegaT and other CAT tools ("-": standard
    /// output); without an input file, that is all it does.
    #[arg(long, value_name = "FILE")]
    pub export_srx: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct EvalSegmentArgs {
    /// The shared data folder (ntrex128-arb-eng/, tico19-en-ar/, ud-pud-ar-en/); default
    /// ../shared/data.
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Evaluate on this file instead: one gold sentence per line, blank lines between paragraphs.
    #[arg(long, value_name = "FILE")]
    pub gold: Option<PathBuf>,
    /// Language of --gold.
    #[arg(long, default_value = "ar", requires = "gold")]
    pub lang: String,
    /// LanguageTool's segment.srx for the baseline column (default: the copy in the srx crate's
    /// source under ~/.cargo/registry, if there is one).
    #[arg(long, value_name = "FILE")]
    pub srx_baseline: Option<PathBuf>,
    /// Also score the rules of this SRX file (e.g. your CAT tool's).
    #[arg(long, value_name = "FILE")]
    pub srx: Option<PathBuf>,
    /// After the table, list every boundary our rules got wrong (FP: extra break, FN: missed).
    #[arg(long)]
    pub errors: bool,
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

#[derive(Debug, Args)]
pub struct ModelsArgs {
    #[command(subcommand)]
    pub command: ModelsCommand,
    /// Where downloaded models are stored (default: the platform data directory,
    /// ~/.local/share/nazir/models on Linux, or `models_dir` in the config file).
    #[arg(long, value_name = "DIR", env = "NAZIR_MODELS_DIR", global = true)]
    pub models_dir: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum ModelsCommand {
    /// Installed models (where, size) and what the catalogue offers.
    List,
    /// Download a catalogue model, verify its checksums and install it.
    Pull(PullArgs),
    /// Describe a catalogue model or a model directory.
    Info {
        /// A catalogue name or a model directory.
        #[arg(value_name = "NAME|DIR")]
        target: String,
    },
    /// Check a model: required files, checksums, and that CTranslate2 loads it.
    Verify {
        /// An installed model's name or a model directory.
        #[arg(value_name = "NAME|DIR")]
        target: String,
    },
    /// Delete an installed model (and any partial download of it).
    Remove {
        /// The installed model's name (`align models list`).
        name: String,
    },
}

#[derive(Debug, Args)]
pub struct PullArgs {
    /// The catalogue name (`align models list`).
    pub name: String,
    /// A branch, tag or commit of the hub repository instead of the catalogue's.
    #[arg(long, value_name = "REV")]
    pub revision: Option<String>,
    /// An internal mirror: Hugging Face layout for hub models ({URL}/{repo}/resolve/{rev}/{file},
    /// as HF_ENDPOINT), {URL}/{file name} for URL models.
    #[arg(long, value_name = "URL")]
    pub mirror: Option<String>,
    /// Download again even when the model is installed.
    #[arg(long)]
    pub force: bool,
    /// No notes or progress bar on standard error.
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct ConfigArgs {
    #[command(subcommand)]
    pub command: ConfigCommand,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print each setting in force and where it came from (flag, environment, config file,
    /// default).
    Show {
        /// Print a commented example config file instead.
        #[arg(long)]
        example: bool,
    },
}

/// Corpus mode: many files into --out-dir, resumable and shardable (docs/corpus.md).
#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "Corpus mode")]
pub struct CorpusFlags {
    /// Read input paths from FILE, one per line (or NUL-separated, as `find -print0` writes);
    /// "-" reads standard input. Lines may also be directories or globs.
    #[arg(long, value_name = "FILE")]
    pub files_from: Option<PathBuf>,

    /// Which files of a directory input to take (default *.txt); repeat for several. A pattern
    /// without "/" matches file names at any depth (*.ar.txt); one with "/" matches the path
    /// below the directory (2024/**/*.txt).
    #[arg(long, value_name = "PATTERN")]
    pub glob: Vec<String>,

    /// Take only shard K of N (K from 1 to N): the files whose relative path hashes to K, so N
    /// processes, on as many machines, split a corpus without talking to each other.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<String>,

    /// Threads that read, segment and write files (default: one per core; translation has
    /// --threads).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub jobs: usize,

    /// Align every file again, even those the output directory's manifest lists as finished.
    #[arg(long)]
    pub redo: bool,

    /// Batch sentences of different lengths together (padded), as a single document does:
    /// faster on small corpora, which hold few sentences of each length. A sentence's
    /// translation then depends slightly on its batch, so a resumed or sharded run can differ
    /// from an uninterrupted one in a few translations and scores. By default only sentences of
    /// equal length share a batch, which makes every output reproducible.
    #[arg(long)]
    pub padded_batches: bool,
}

#[derive(Debug, Subcommand)]
pub enum CorpusCommand {
    /// Combine the per-file JSONL of corpus runs (one directory, or one per shard) into one
    /// de-duplicated, filtered corpus; rejected pairs go to NAME.ar-en.rejected.tsv with the
    /// reason, so nothing disappears silently.
    Merge(MergeArgs),
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Output directories of corpus runs (each with its manifest); their files are merged in
    /// the order of their relative paths, so shards merge exactly as one run would.
    #[arg(value_name = "DIR", required = true)]
    pub dirs: Vec<PathBuf>,

    /// Formats of the merged corpus, comma-separated (moses writes NAME.ar-en.ar and .en).
    #[arg(short, long, value_delimiter = ',', default_values = ["moses", "tmx"])]
    pub format: Vec<Format>,

    /// Directory for the merged corpus, the rejected pairs and the merge report.
    #[arg(short = 'o', long, visible_short_alias = 'd', value_name = "DIR", default_value = ".")]
    pub out_dir: PathBuf,

    /// Name of the merged files: NAME.ar-en.tmx and so on.
    #[arg(long, value_name = "NAME", default_value = "corpus")]
    pub name: String,

    /// Reject pairs scoring below this.
    #[arg(long, value_name = "SCORE", default_value_t = 0.3)]
    pub min_score: f32,

    /// Reject pairs whose longer side has more than this many times the characters of the
    /// shorter.
    #[arg(long, value_name = "RATIO", default_value_t = 3.0)]
    pub max_ratio: f64,

    /// Reject pairs with a side of fewer words (1 rejects pairs with an empty side).
    #[arg(long, value_name = "N", default_value_t = 1)]
    pub min_words: usize,

    /// Reject pairs with a side of more words.
    #[arg(long, value_name = "N", default_value_t = 250)]
    pub max_words: usize,

    /// Keep pairs whose numbers differ between the sides.
    #[arg(long)]
    pub keep_number_mismatch: bool,

    /// Keep repeated pairs (by default each distinct pair is kept once, the first time).
    #[arg(long)]
    pub keep_duplicates: bool,

    #[command(flatten)]
    pub formats: FormatArgs,

    /// No summary on standard error.
    #[arg(short, long)]
    pub quiet: bool,
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

    #[test]
    fn models_and_config_subcommands_parse() {
        let cli = Cli::try_parse_from([
            "align",
            "models",
            "pull",
            "opus-mt-ar-en",
            "--revision",
            "abc",
            "--mirror",
            "http://m",
        ])
        .unwrap();
        let Some(Command::Models(m)) = cli.command else { panic!("models subcommand") };
        assert!(
            matches!(m.command, ModelsCommand::Pull(PullArgs { ref name, revision: Some(_), mirror: Some(_), .. }) if name == "opus-mt-ar-en")
        );
        let cli = Cli::try_parse_from(["align", "models", "list", "--models-dir", "/tmp/m"]).unwrap();
        assert!(matches!(cli.command, Some(Command::Models(ModelsArgs { models_dir: Some(_), .. }))));
        assert!(matches!(Cli::try_parse_from(["align", "config", "show"]).unwrap().command, Some(Command::Config(_))));
        let cli = Cli::try_parse_from(["align", "--files-from", "-", "--out-dir", "o", "--shard", "2/4"]).unwrap();
        assert!(cli.align.input.is_none());
        assert_eq!(cli.align.corpus.shard.as_deref(), Some("2/4"));
        let cli =
            Cli::try_parse_from(["align", "corpus", "merge", "a", "b", "-f", "moses", "--min-score", "0.5"]).unwrap();
        let Some(Command::Corpus(CorpusCommand::Merge(m))) = cli.command else { panic!("corpus merge") };
        assert_eq!((m.dirs.len(), m.min_score, m.format.clone()), (2, 0.5, vec![Format::Moses]));
        // Without --model the main command still parses: the model is resolved later.
        let cli = Cli::try_parse_from(["align", "in.txt", "--to", "en"]).unwrap();
        assert!(cli.align.model.is_none());
    }

    #[test]
    fn a_second_input_and_the_bitext_flags() {
        let cli = Cli::try_parse_from(["align", "a.ar", "a.en", "--segmented", "--mt-file", "a.mt"]).unwrap();
        assert_eq!(cli.align.target, Some(PathBuf::from("a.en")));
        assert!(cli.align.segmented);
        assert!(Cli::try_parse_from(["align", "a.ar", "a.en", "--no-mt", "--mt-file", "x"]).is_err());
        let cli = Cli::try_parse_from(["align", "eval", "align", "--sets", "ntrex", "--split", "dev"]).unwrap();
        assert!(matches!(cli.command, Some(Command::Eval(_))));
    }
}
