//! `align convert IN OUT`: bitext in one format → the same beads in another.
//!
//! A reader per input format (JSONL, TSV, TMX, XLIFF; ours and other tools') turns a file into
//! `Unit`s — a bead with its sentences — and the ordinary writers of `output` write them, so a
//! converted file is exactly what the main command would have written for those beads. Readers
//! never panic on any input: a malformed file gives one line naming the file and line (and byte,
//! for XML) and what is wrong.
//!
//! Pair formats (TSV, TMX, XLIFF) store a bead's text per side, not where its sentences split:
//! reading an n-m bead back gives its first sentence the whole text and the others empty text,
//! which keeps every id, the bead shape and every text written out again (`Aligned::join` skips
//! empty sentences). Only JSONL keeps the split and the byte offsets.

mod jsonl;
#[cfg(test)]
mod roundtrip;
mod tmx;
mod tsv;
mod xliff;
mod xml;

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use crate::bead::{Aligned, Bead, Flags, Meta, Sentence};
use crate::cli::ConvertArgs;
use crate::config::check_lang;
use crate::output::{self, Destination, Format, Outputs};
use crate::Error;

/// The formats `align convert` reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum InputFormat {
    /// One JSON object per bead (what the main command and the review page's export write).
    Jsonl,
    /// Tab-separated, with our header (or any header whose first two columns are the texts).
    Tsv,
    /// TMX 1.4 (ours or any tool's).
    Tmx,
    /// XLIFF 1.2 or 2.x (ours or any tool's).
    Xliff,
}

impl InputFormat {
    pub fn from_path(path: &Path) -> Option<InputFormat> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "jsonl" | "ndjson" => Some(InputFormat::Jsonl),
            "tsv" | "tab" => Some(InputFormat::Tsv),
            "tmx" => Some(InputFormat::Tmx),
            "xlf" | "xliff" => Some(InputFormat::Xliff),
            _ => None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConvertError {
    #[error("cannot read {path}: {source}")]
    Io { path: String, source: io::Error },
    /// A problem at a line of a line-based file (JSONL, TSV).
    #[error("cannot convert {path}: line {line}: {msg}")]
    Line { path: String, line: usize, msg: String },
    /// A problem at a place in an XML file.
    #[error("cannot convert {path}: line {line}, byte {byte}: {msg}")]
    Xml { path: String, line: usize, byte: usize, msg: String },
    #[error("cannot convert {path}: {msg}")]
    File { path: String, msg: String },
    #[error("{0}")]
    Usage(String),
}

impl ConvertError {
    /// Usage errors exit with 2, like the main command's flag errors.
    pub fn is_usage(&self) -> bool {
        matches!(self, ConvertError::Usage(_))
    }
}

/// One bead as a reader gives it: its sentences, score and flags, in a paragraph.
#[derive(Clone, Debug, PartialEq)]
pub struct Unit {
    pub paragraph: usize,
    pub src: Vec<Sentence>,
    pub tgt: Vec<Sentence>,
    pub score: f32,
    pub flags: Flags,
}

/// What a reader learned about the document (known once the first unit was read).
#[derive(Clone, Debug, Default)]
pub struct Header {
    pub doc: Option<String>,
    pub src_lang: Option<String>,
    pub tgt_lang: Option<String>,
    pub model: Option<String>,
    pub created: Option<time::OffsetDateTime>,
}

/// A reader of one input format.
pub trait UnitReader {
    /// The next unit; `Ok(None)` at the end of the input.
    fn next_unit(&mut self) -> Result<Option<Unit>, ConvertError>;
    fn header(&self) -> &Header;
    /// Units read but left out (e.g. another tool's units with no text on either side).
    fn skipped(&self) -> usize {
        0
    }
}

/// Builds one side of a unit from the text a pair format stores for it.
///
/// `ids`: the sentence ids the file gives; `count`: the number of sentences the bead type says.
/// Without ids, sentences are numbered on from `next`. The first sentence gets the text (see
/// the module comment).
pub(crate) fn side(
    text: String,
    ids: Option<Vec<usize>>,
    count: Option<usize>,
    next: &mut usize,
    paragraph: usize,
) -> Result<Vec<Sentence>, String> {
    let ids = match ids {
        Some(ids) => {
            if let Some(n) = count.filter(|&n| n != ids.len()) {
                return Err(format!("the bead type says {n} sentences but {} ids are given", ids.len()));
            }
            ids
        }
        None => {
            let n = count.unwrap_or(usize::from(!text.is_empty()));
            let first = *next;
            (first..first.saturating_add(n)).collect()
        }
    };
    if ids.is_empty() && !text.is_empty() {
        return Err("a side with text but no sentence (bead type n-0 or no ids)".into());
    }
    if let Some(&last) = ids.last() {
        *next = last.saturating_add(1);
    }
    let mut text = Some(text);
    Ok(ids
        .into_iter()
        .map(|id| Sentence { id, text: text.take().unwrap_or_default(), paragraph, span: None, line: 0 })
        .collect())
}

/// Parses `"3,4"` (ids) as pair formats write them; empty gives no ids.
pub(crate) fn parse_ids(text: &str) -> Result<Vec<usize>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(Vec::new());
    }
    text.split(',')
        .map(|s| {
            s.trim()
                .parse::<usize>()
                .map_err(|_| format!("{s:?} is not a sentence id (ids are numbers, comma-separated)"))
        })
        .collect()
}

/// Parses a bead type `"2-1"` into its two counts.
pub(crate) fn parse_kind(text: &str) -> Result<(usize, usize), String> {
    let err = || format!("{text:?} is not a bead type (like 1-1, 2-1, 1-0)");
    let (a, b) = text.trim().split_once('-').ok_or_else(err)?;
    Ok((a.parse().map_err(|_| err())?, b.parse().map_err(|_| err())?))
}

/// Parses comma-separated flag labels.
pub(crate) fn parse_flags<'a>(labels: impl IntoIterator<Item = &'a str>) -> Result<Flags, String> {
    let mut flags = Flags::NONE;
    for label in labels.into_iter().map(str::trim).filter(|l| !l.is_empty()) {
        let flag = Flags::from_label(label).ok_or_else(|| {
            let known: Vec<_> = Flags::ALL.iter().map(|(_, l)| *l).collect();
            format!("unknown flag {label:?} (known: {})", known.join(", "))
        })?;
        flags.insert(flag);
    }
    Ok(flags)
}

pub(crate) fn parse_score(text: &str) -> Result<f32, String> {
    match text.trim().parse::<f32>() {
        Ok(s) if (0.0..=1.0).contains(&s) => Ok(s),
        _ => Err(format!("{text:?} is not a score (a number from 0 to 1)")),
    }
}

/// The readable input: a file, or standard input.
pub(crate) struct Input {
    pub name: String,
    pub reader: Box<dyn BufRead>,
}

impl Input {
    fn open(path: &Path) -> Result<Input, ConvertError> {
        if path.as_os_str() == "-" {
            return Ok(Input { name: "<stdin>".into(), reader: Box::new(BufReader::new(io::stdin())) });
        }
        let name = path.display().to_string();
        if path.is_dir() {
            return Err(ConvertError::File { path: name, msg: "it is a directory".into() });
        }
        let file = File::open(path).map_err(|source| ConvertError::Io { path: name.clone(), source })?;
        Ok(Input { name, reader: Box::new(BufReader::with_capacity(256 * 1024, file)) })
    }

    /// Reads the next line into `buf` (its terminator kept; a byte-order mark before the first
    /// line dropped) and counts it in `line`; false at the end of the input.
    fn next_line(&mut self, buf: &mut Vec<u8>, line: &mut usize) -> Result<bool, ConvertError> {
        buf.clear();
        let n = self
            .reader
            .read_until(b'\n', buf)
            .map_err(|source| ConvertError::Io { path: self.name.clone(), source })?;
        if n == 0 {
            return Ok(false);
        }
        *line += 1;
        if *line == 1 && buf.starts_with(b"\xEF\xBB\xBF") {
            buf.drain(..3);
        }
        Ok(true)
    }

    /// The whole input (XML readers parse from memory, which also gives exact error positions).
    fn read_all(mut self) -> Result<(String, Vec<u8>), ConvertError> {
        let mut bytes = Vec::new();
        self.reader.read_to_end(&mut bytes).map_err(|source| ConvertError::Io { path: self.name.clone(), source })?;
        Ok((self.name, bytes))
    }
}

/// Opens the right reader for `path`.
pub fn open_reader(
    path: &Path,
    format: Option<InputFormat>,
    source_lang: Option<&str>,
) -> Result<Box<dyn UnitReader>, ConvertError> {
    let format = format.or_else(|| InputFormat::from_path(path)).ok_or_else(|| {
        ConvertError::Usage(format!(
            "cannot tell the format of {} from its extension: add --input-format (jsonl, tsv, tmx or xliff)",
            path.display()
        ))
    })?;
    reader_for(format, Input::open(path)?, source_lang)
}

fn reader_for(
    format: InputFormat,
    input: Input,
    source_lang: Option<&str>,
) -> Result<Box<dyn UnitReader>, ConvertError> {
    Ok(match format {
        InputFormat::Jsonl => Box::new(jsonl::JsonlReader::new(input)),
        InputFormat::Tsv => Box::new(tsv::TsvReader::new(input)?),
        InputFormat::Tmx => {
            let (name, bytes) = input.read_all()?;
            Box::new(tmx::TmxReader::new(name, bytes, source_lang)?)
        }
        InputFormat::Xliff => {
            let (name, bytes) = input.read_all()?;
            Box::new(xliff::XliffReader::new(name, bytes, source_lang)?)
        }
    })
}

/// Collects units into `Aligned` parts for the writers.
#[derive(Default)]
pub struct Batch {
    pub part: Aligned,
}

impl Batch {
    /// Adds a unit; units with no sentence on either side are not beads and are dropped.
    pub fn push(&mut self, unit: Unit) -> bool {
        if unit.src.is_empty() && unit.tgt.is_empty() {
            return false;
        }
        let a = &mut self.part;
        let (s, t) = (a.source.len(), a.target.len());
        let src = (s..s + unit.src.len(), unit.src);
        let tgt = (t..t + unit.tgt.len(), unit.tgt);
        a.source.extend(src.1.into_iter().map(|x| Sentence { paragraph: unit.paragraph, ..x }));
        a.target.extend(tgt.1.into_iter().map(|x| Sentence { paragraph: unit.paragraph, ..x }));
        a.beads.push(Bead { src: src.0, tgt: tgt.0, score: unit.score, flags: unit.flags });
        true
    }

    pub fn take(&mut self) -> Aligned {
        std::mem::take(&mut self.part)
    }
}

/// Every unit of a reader as one `Aligned` (for tests and small files).
pub fn read_all(reader: &mut dyn UnitReader) -> Result<Aligned, ConvertError> {
    let mut batch = Batch::default();
    while let Some(unit) = reader.next_unit()? {
        batch.push(unit);
    }
    Ok(batch.take())
}

/// Reads a whole file given as bytes (tests, and callers that hold the file already): its beads
/// and what the reader learned about the document.
pub fn read_bytes(
    format: InputFormat,
    name: &str,
    bytes: Vec<u8>,
    source_lang: Option<&str>,
) -> Result<(Aligned, Header), ConvertError> {
    let input = Input { name: name.to_string(), reader: Box::new(io::Cursor::new(bytes)) };
    let mut reader = reader_for(format, input, source_lang)?;
    let aligned = read_all(reader.as_mut())?;
    Ok((aligned, reader.header().clone()))
}

/// Beads handed to the writers at a time.
const CHUNK_BEADS: usize = 2048;

/// What `run` did.
#[derive(Debug, Default)]
pub struct ConvertReport {
    pub input: String,
    pub pairs: usize,
    pub skipped: usize,
    pub written: Vec<PathBuf>,
    pub warnings: Vec<String>,
}

impl ConvertReport {
    pub fn summary(&self) -> String {
        let outputs: Vec<String> = self.written.iter().map(|p| p.display().to_string()).collect();
        let outputs = if outputs.is_empty() { "<stdout>".to_string() } else { outputs.join(", ") };
        let skipped = match self.skipped {
            0 => String::new(),
            n => format!(" ({n} unit{} with no text left out)", if n == 1 { "" } else { "s" }),
        };
        format!("{} pairs from {} → {outputs}{skipped}", self.pairs, self.input)
    }
}

/// `align convert`.
pub fn run(args: &ConvertArgs) -> Result<ConvertReport, Error> {
    args.formats.check()?;
    if let Some(lang) = &args.source {
        check_lang("--source", lang)?;
    }
    if !(0.0..=1.0).contains(&args.low_score) {
        return Err(ConvertError::Usage("--low-score must be between 0 and 1".into()).into());
    }
    let format = match args.format.or_else(|| Format::from_path(&args.output)) {
        Some(f) => f,
        None if args.output.as_os_str() == "-" => {
            return Err(ConvertError::Usage("writing to standard output: choose the format with --format".into()).into())
        }
        None => {
            return Err(ConvertError::Usage(format!(
                "cannot tell the format of {} from its extension: add --format",
                args.output.display()
            ))
            .into())
        }
    };
    let mut reader = open_reader(&args.input, args.input_format, args.source.as_deref())?;
    let input_name = args.input.display().to_string();

    // The first unit comes before any output is opened: an empty or broken input leaves no file.
    let mut batch = Batch::default();
    let mut report = ConvertReport { input: input_name.clone(), ..Default::default() };
    loop {
        match reader.next_unit()? {
            Some(unit) => {
                if batch.push(unit) {
                    report.pairs += 1;
                    break;
                }
                report.skipped += 1;
            }
            None => return Err(ConvertError::File { path: input_name, msg: "no pairs to convert".into() }.into()),
        }
    }
    let header = reader.header().clone();
    let meta = Meta {
        input: header.doc.clone().unwrap_or_else(|| {
            args.input.file_name().map_or_else(|| input_name.clone(), |n| n.to_string_lossy().into_owned())
        }),
        src_lang: header.src_lang.clone().unwrap_or_else(|| "ar".into()),
        tgt_lang: header.tgt_lang.clone().unwrap_or_else(|| "en".into()),
        model: header.model.clone(),
        created: header.created.unwrap_or_else(crate::bead::Meta::creation_time),
    };
    let dests: Vec<Destination> = if args.output.as_os_str() == "-" {
        if format == Format::Moses {
            return Err(ConvertError::Usage("moses writes two files: give OUT as a file stem, not -".into()).into());
        }
        vec![Destination::Stdout]
    } else if format == Format::Moses {
        let stem = args.output.display().to_string();
        vec![
            Destination::File(PathBuf::from(format!("{stem}.{}", meta.src_lang))),
            Destination::File(PathBuf::from(format!("{stem}.{}", meta.tgt_lang))),
        ]
    } else {
        vec![Destination::File(args.output.clone())]
    };
    let options = args.formats.writer_options(args.low_score);
    let plan = dests.into_iter().zip(output::writers_for(format, &options)).collect();
    let mut outputs = Outputs::create(plan, &meta)?;
    loop {
        if crate::INTERRUPTED.load(std::sync::atomic::Ordering::Relaxed) {
            return Err(Error::Interrupted);
        }
        let unit = reader.next_unit()?;
        let end = unit.is_none();
        if let Some(unit) = unit {
            if batch.push(unit) {
                report.pairs += 1;
            } else {
                report.skipped += 1;
            }
        }
        if end || batch.part.beads.len() >= CHUNK_BEADS {
            outputs.write(&batch.take())?;
        }
        if end {
            break;
        }
    }
    report.skipped += reader.skipped();
    let finished = outputs.finish()?;
    report.written = finished.paths;
    report.warnings = finished.warnings;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sides_get_ids_and_the_first_sentence_holds_the_text() {
        let mut next = 5;
        let s = side("a b".into(), None, None, &mut next, 2).unwrap();
        assert_eq!((s.len(), s[0].id, s[0].paragraph, next), (1, 5, 2, 6));
        let s = side("a. b.".into(), Some(vec![7, 8]), Some(2), &mut next, 0).unwrap();
        assert_eq!((s[0].text.as_str(), s[1].text.as_str(), next), ("a. b.", "", 9));
        assert_eq!(Aligned::join(&s), "a. b.");
        assert!(side("".into(), None, None, &mut next, 0).unwrap().is_empty());
        assert!(side("x".into(), Some(vec![]), None, &mut next, 0).is_err());
        assert!(side("x".into(), Some(vec![1]), Some(2), &mut next, 0).is_err());
    }

    #[test]
    fn fields_parse_or_say_why_not() {
        assert_eq!(parse_ids(" 1,2 "), Ok(vec![1, 2]));
        assert_eq!(parse_ids(""), Ok(vec![]));
        assert!(parse_ids("1,x").is_err());
        assert_eq!(parse_kind("2-1"), Ok((2, 1)));
        assert!(parse_kind("2:1").is_err());
        assert_eq!(parse_flags(["low-score", " not-1-1"]), Ok(Flags::LOW_SCORE | Flags::NOT_ONE_TO_ONE));
        assert!(parse_flags(["nope"]).unwrap_err().contains("known: low-score"));
        assert!(parse_score("1.5").is_err());
        assert!(parse_score("NaN").is_err());
    }
}
