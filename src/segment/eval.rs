//! `align eval segment`: boundary precision, recall and F1 against gold sentences.
//!
//! Gold comes from line-aligned corpora (NTREX-128, TICO-19, UD-PUD in ../shared/data) or a file
//! with one sentence per line and blank lines between paragraphs. A paragraph is its gold
//! sentences joined by single spaces; a boundary is the end of a sentence inside a paragraph
//! (paragraph ends are given, so they do not count). Documents are split into two halves by
//! position (A: even, B: odd) so rules tuned on one half can be checked on the other.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::ops::Range;
use std::path::{Path, PathBuf};

use quick_xml::events::Event;
use quick_xml::Reader;

use super::norm;
use super::srx::SrxDocument;
use super::{Lang, Segmenter};

#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("cannot read {path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{path}: {message}")]
    Format { path: String, message: String },
    #[error("no gold data in {0}: it should hold ntrex128-arb-eng/, tico19-en-ar/ or ud-pud-ar-en/; pass --data DIR (the shared data folder) or --gold FILE")]
    NoData(String),
}

/// A document: its paragraphs, each a list of gold sentences.
#[derive(Clone, Debug)]
pub struct Doc {
    pub id: String,
    pub paragraphs: Vec<Vec<String>>,
}

/// Gold sentences for one language of one corpus.
#[derive(Clone, Debug)]
pub struct Corpus {
    pub name: String,
    /// Language code, e.g. `ar`.
    pub lang: String,
    pub docs: Vec<Doc>,
    /// Said under the table (how the gold was built, caveats).
    pub note: &'static str,
    /// Each document is given as its lines (one gold sentence per line, no blank lines) to the
    /// paragraph reader (`read.rs`) first, as a pasted article would be; otherwise paragraphs are
    /// built as the protocol says and go to the segmenter directly.
    pub through_reader: bool,
}

impl Corpus {
    /// The same gold, read line by line through `read.rs`: layout (headings, list items, lines
    /// without final punctuation) is then the reader's job.
    pub fn as_lines(&self) -> Corpus {
        Corpus {
            name: format!("{}/lines", self.name),
            lang: self.lang.clone(),
            docs: self.docs.iter().map(|d| Doc { id: d.id.clone(), paragraphs: vec![d.paragraphs.concat()] }).collect(),
            note: "*/lines: each document as one sentence per line, no blank lines, through the paragraph reader",
            through_reader: true,
        }
    }
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> EvalError + '_ {
    move |source| EvalError::Io { path: path.display().to_string(), source }
}

fn read(path: &Path) -> Result<String, EvalError> {
    std::fs::read_to_string(path).map_err(io_err(path))
}

/// NTREX-128: per document (DOCUMENT_IDS.tsv), the first line (the headline) is a paragraph of its
/// own and the other lines are one paragraph; each line is a gold sentence.
pub fn ntrex(dir: &Path, lang: &str) -> Result<Corpus, EvalError> {
    let base = dir.join("ntrex128-arb-eng");
    let file = if lang == "ar" { "newstest2019-ref.arb.txt" } else { "newstest2019-src.eng.txt" };
    let ids = read(&base.join("DOCUMENT_IDS.tsv"))?;
    let text = read(&base.join(file))?;
    let lines: Vec<&str> = text.lines().collect();
    let mut docs: Vec<Doc> = Vec::new();
    for (i, id) in ids.lines().enumerate() {
        let Some(line) = lines.get(i) else { break };
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        match docs.last_mut() {
            Some(d) if d.id == id => {
                if d.paragraphs.len() == 1 {
                    d.paragraphs.push(Vec::new());
                }
                d.paragraphs[1].push(line.to_string());
            }
            _ => docs.push(Doc { id: id.to_string(), paragraphs: vec![vec![line.to_string()]] }),
        }
    }
    Ok(Corpus {
        name: "ntrex128".into(),
        lang: lang.into(),
        docs,
        note: "NTREX-128: headline = own paragraph, other lines of a document joined; gold = line ends",
        through_reader: false,
    })
}

/// The translation units of TICO-19's TMX, in order: (document id, the part of `tuid="DOC:N"`
/// before the colon; Arabic; English). Also read by the aligner's gold sets (align/gold.rs).
pub fn tico_units(path: &Path) -> Result<Vec<(String, String, String)>, EvalError> {
    let xml = read(path)?;
    let bad = |e: &dyn std::fmt::Display| EvalError::Format {
        path: path.display().to_string(),
        message: format!("not readable TMX: {e}"),
    };
    let mut reader = Reader::from_str(&xml);
    let mut rows = Vec::new();
    let (mut doc, mut lang, mut seg, mut in_seg) = (String::new(), String::new(), String::new(), false);
    let (mut ar, mut en) = (String::new(), String::new());
    loop {
        match reader.read_event().map_err(|e| bad(&e))? {
            Event::Start(e) => match e.local_name().as_ref() {
                b"tu" => {
                    for a in e.attributes().flatten() {
                        if a.key.as_ref() == b"tuid" {
                            let v = a.unescape_value().map_err(|e| bad(&e))?;
                            doc = v.split(':').next().unwrap_or("").to_string();
                        }
                    }
                    ar.clear();
                    en.clear();
                }
                b"tuv" => {
                    for a in e.attributes().flatten() {
                        if a.key.local_name().as_ref() == b"lang" {
                            lang = a.unescape_value().map_err(|e| bad(&e))?.to_lowercase();
                        }
                    }
                }
                b"seg" => {
                    in_seg = true;
                    seg.clear();
                }
                _ => {}
            },
            Event::Text(t) if in_seg => seg.push_str(&t.xml10_content().map_err(|e| bad(&e))?),
            Event::GeneralRef(r) if in_seg => {
                if let Some(c) = r.resolve_char_ref().map_err(|e| bad(&e))? {
                    seg.push(c);
                } else {
                    let name = r.decode().map_err(|e| bad(&e))?;
                    seg.push_str(quick_xml::escape::resolve_predefined_entity(&name).unwrap_or(""));
                }
            }
            Event::End(e) => match e.local_name().as_ref() {
                b"seg" => {
                    in_seg = false;
                    match lang.split('-').next() {
                        Some("ar") => ar = seg.trim().to_string(),
                        Some("en") => en = seg.trim().to_string(),
                        _ => {}
                    }
                }
                b"tu" => rows.push((doc.clone(), std::mem::take(&mut ar), std::mem::take(&mut en))),
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(rows)
}

/// `# sent_id` → `# text` of a CoNLL-U file, in order. Also read by align/gold.rs.
pub fn conllu_texts(path: &Path) -> Result<Vec<(String, String)>, EvalError> {
    let text = read(path)?;
    let mut out = Vec::new();
    let mut id = None;
    for line in text.lines() {
        if let Some(v) = line.strip_prefix("# sent_id = ") {
            id = Some(v.trim().to_string());
        } else if let Some(v) = line.strip_prefix("# text = ") {
            if let Some(id) = id.take() {
                out.push((id, v.trim().to_string()));
            }
        }
    }
    Ok(out)
}

/// Sentences grouped into one-paragraph documents by consecutive document ids.
fn group_docs(rows: impl IntoIterator<Item = (String, String)>) -> Vec<Doc> {
    let mut docs: Vec<Doc> = Vec::new();
    for (id, s) in rows {
        match docs.last_mut() {
            Some(d) if d.id == id => d.paragraphs[0].push(s),
            _ => docs.push(Doc { id, paragraphs: vec![vec![s]] }),
        }
    }
    docs
}

/// TICO-19: per document id (`tuid="DOC:N"`), all segments joined into one paragraph.
pub fn tico(dir: &Path, lang: &str) -> Result<Corpus, EvalError> {
    let units = tico_units(&dir.join("tico19-en-ar").join("all.en-ar.tmx"))?;
    let sentences =
        units.into_iter().map(|(doc, ar, en)| (doc, if lang == "ar" { ar } else { en })).filter(|(_, s)| !s.is_empty());
    Ok(Corpus {
        name: "tico19".into(),
        lang: lang.into(),
        docs: group_docs(sentences),
        note: "TICO-19: all segments of a document id joined; gold = segment ends",
        through_reader: false,
    })
}

/// UD-PUD: `# text` lines, grouped by document (first six characters of `sent_id`). The
/// sentences of a document are a sample, not adjacent text: this checks that complete sentences
/// are kept whole and told apart, mostly a test of abbreviations and quotes.
pub fn pud(dir: &Path, lang: &str) -> Result<Corpus, EvalError> {
    let path =
        dir.join("ud-pud-ar-en").join(if lang == "ar" { "ar_pud-ud-test.conllu" } else { "en_pud-ud-test.conllu" });
    let texts = conllu_texts(&path)?.into_iter().map(|(id, s)| (id.chars().take(6).collect(), s));
    Ok(Corpus {
        name: "ud-pud".into(),
        lang: lang.into(),
        docs: group_docs(texts),
        note: "UD-PUD: sampled, non-adjacent gold sentences of a document joined (abbreviation/quote check)",
        through_reader: false,
    })
}

/// A file with one gold sentence per line and blank lines between paragraphs (each paragraph is
/// counted as a document for the halves).
pub fn gold_file(path: &Path, lang: &str) -> Result<Corpus, EvalError> {
    let text = read(path)?;
    let mut docs = Vec::new();
    let mut current: Vec<String> = Vec::new();
    for line in text.lines().chain(std::iter::once("")) {
        let t = line.trim();
        if t.is_empty() {
            if !current.is_empty() {
                docs.push(Doc { id: format!("p{}", docs.len() + 1), paragraphs: vec![std::mem::take(&mut current)] });
            }
        } else {
            current.push(t.to_string());
        }
    }
    let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
    Ok(Corpus {
        name,
        lang: lang.into(),
        docs,
        note: "gold file: one sentence per line, paragraphs between blank lines",
        through_reader: false,
    })
}

/// Boundary counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Score {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
}

impl Score {
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
    fn add(&mut self, o: Score) {
        self.tp += o.tp;
        self.fp += o.fp;
        self.fn_ += o.fn_;
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

/// Which documents to count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Half {
    All,
    /// Even positions (0, 2, 4 …): the half the rules were tuned on.
    A,
    /// Odd positions: held out.
    B,
}

impl Half {
    fn keeps(self, k: usize) -> bool {
        match self {
            Half::All => true,
            Half::A => k % 2 == 0,
            Half::B => k % 2 == 1,
        }
    }
}

/// A paragraph's text and the byte offsets of its inner gold boundaries.
pub fn paragraph(sentences: &[String]) -> (String, Vec<usize>) {
    let mut text = String::new();
    let mut gold = Vec::new();
    for (i, s) in sentences.iter().enumerate() {
        if i > 0 {
            gold.push(text.len());
            text.push(' ');
        }
        text.push_str(s);
    }
    (text, gold)
}

/// Inner boundaries of a split: the ends of all ranges but the last.
pub fn boundaries(ranges: &[Range<usize>]) -> Vec<usize> {
    ranges.iter().take(ranges.len().saturating_sub(1)).map(|r| r.end).collect()
}

/// A splitter under evaluation.
pub type Splitter<'a> = &'a dyn Fn(&str) -> Vec<Range<usize>>;

/// Scores `split` on the chosen half of a corpus.
pub fn score(corpus: &Corpus, half: Half, split: Splitter) -> Score {
    let mut total = Score::default();
    for (k, doc) in corpus.docs.iter().enumerate() {
        if !half.keeps(k) {
            continue;
        }
        for (gold, pred, _) in predictions(corpus, doc, split) {
            total.add(compare(&gold, &pred));
        }
    }
    total
}

/// For each paragraph of a document (or the whole document when it goes through the reader):
/// gold boundaries, predicted boundaries, and the text they point into.
fn predictions(corpus: &Corpus, doc: &Doc, split: Splitter) -> Vec<(Vec<usize>, Vec<usize>, String)> {
    if !corpus.through_reader {
        return doc
            .paragraphs
            .iter()
            .map(|p| {
                let (text, gold) = paragraph(p);
                let pred = boundaries(&split(&text));
                (gold, pred, text)
            })
            .collect();
    }
    let lines = doc.paragraphs.concat();
    let text = lines.join("\n");
    let mut gold = Vec::new();
    let mut at = 0;
    for l in &lines[..lines.len().saturating_sub(1)] {
        at += l.len();
        gold.push(at);
        at += 1;
    }
    let reader = crate::read::Lines::new(
        corpus.name.clone(),
        Box::new(std::io::Cursor::new(text.clone().into_bytes())),
        crate::read::TextEncoding::Auto,
    );
    let mut pred = Vec::new();
    for p in crate::read::Paragraphs::new(reader).flatten() {
        for r in split(&p.text) {
            pred.push(p.locate(r.end).0);
        }
    }
    pred.retain(|&b| b < text.trim_end().len());
    pred.sort_unstable();
    pred.dedup();
    vec![(gold, pred, text)]
}

fn compare(gold: &[usize], pred: &[usize]) -> Score {
    let tp = pred.iter().filter(|b| gold.binary_search(b).is_ok()).count();
    Score { tp, fp: pred.len() - tp, fn_: gold.len() - tp }
}

/// Gold boundaries after a sentence that ends in a letter or digit (no punctuation at all): no
/// rule that looks at punctuation can find them.
pub fn unmarked(corpus: &Corpus, half: Half) -> (usize, usize) {
    let mut total = 0;
    let mut bare = 0;
    for (k, doc) in corpus.docs.iter().enumerate() {
        if !half.keeps(k) {
            continue;
        }
        for p in &doc.paragraphs {
            for s in &p[..p.len().saturating_sub(1)] {
                total += 1;
                let last = s.chars().rev().find_map(norm::fold);
                if last.is_some_and(char::is_alphanumeric) {
                    bare += 1;
                }
            }
        }
    }
    (bare, total)
}

/// The naive baseline: a break after `. ! ? ؟` followed by whitespace.
pub fn naive_split(text: &str) -> Vec<Range<usize>> {
    let mut breaks = Vec::new();
    let mut it = text.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if matches!(c, '.' | '!' | '?' | '؟') && it.peek().is_some_and(|&(_, n)| n.is_whitespace()) {
            breaks.push(i + c.len_utf8());
        }
    }
    super::rules::ranges_from_breaks(text, &breaks)
}

/// The errors of a splitter on one corpus, as lines for reading: the document's position and
/// half, FP (a break where gold has none) or FN (a gold break missed), and the text around it
/// with `‖` at the place.
pub fn errors(corpus: &Corpus, split: Splitter, out: &mut String) {
    for (k, doc) in corpus.docs.iter().enumerate() {
        for (gold, pred, text) in predictions(corpus, doc, split) {
            for (kind, list, other) in [("FP", &pred, &gold), ("FN", &gold, &pred)] {
                for &b in list.iter() {
                    if other.binary_search(&b).is_ok() {
                        continue;
                    }
                    let left: String = text[..b].chars().rev().take(60).collect::<Vec<_>>().into_iter().rev().collect();
                    let right: String = text[b..].chars().take(40).collect();
                    let half = if k % 2 == 0 { 'A' } else { 'B' };
                    let (left, right) = (left.replace('\n', "⏎"), right.replace('\n', "⏎"));
                    let _ = writeln!(out, "{} {} {half}{k:03} {kind} {left}‖{right}", corpus.name, corpus.lang);
                }
            }
        }
    }
}

/// Where LanguageTool's `segment.srx` may be found: a copy inside the `srx` crate's source in
/// Cargo's registry (`cargo info srx` or `cargo fetch` puts one there). The file is LGPL and is
/// never copied into this project.
pub fn find_languagetool_srx() -> Option<PathBuf> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))?;
    let src = home.join("registry").join("src");
    let mut found: Vec<PathBuf> = Vec::new();
    for index in std::fs::read_dir(&src).ok()?.flatten() {
        for krate in std::fs::read_dir(index.path()).into_iter().flatten().flatten() {
            let name = krate.file_name().to_string_lossy().into_owned();
            if name.starts_with("srx-") {
                let p = krate.path().join("data").join("segment.srx");
                if p.is_file() {
                    found.push(p);
                }
            }
        }
    }
    found.sort();
    found.pop()
}

/// Loads the built-in corpora that exist under `dir` for Arabic and English, in table order.
pub fn shared_corpora(dir: &Path) -> Result<Vec<Corpus>, EvalError> {
    if !dir.is_dir() {
        return Err(EvalError::NoData(dir.display().to_string()));
    }
    let mut out = Vec::new();
    for lang in ["ar", "en"] {
        if dir.join("ntrex128-arb-eng").is_dir() {
            out.push(ntrex(dir, lang)?);
        }
        if dir.join("tico19-en-ar").is_dir() {
            out.push(tico(dir, lang)?);
        }
        if dir.join("ud-pud-ar-en").is_dir() {
            out.push(pud(dir, lang)?);
        }
    }
    if out.is_empty() {
        return Err(EvalError::NoData(dir.display().to_string()));
    }
    let lines: Vec<Corpus> = out.iter().filter(|c| c.name != "ud-pud").map(Corpus::as_lines).collect();
    out.extend(lines);
    Ok(out)
}

/// A boxed splitter, or why a system has none for a language.
pub type SplitterFor<'a> = Result<Box<dyn Fn(&str) -> Vec<Range<usize>> + 'a>, String>;

/// A column of the table: a name and a splitter per language.
pub struct System<'a> {
    pub name: String,
    pub split: HashMap<String, SplitterFor<'a>>,
}

/// The table: one row per corpus, language and half; one column per system.
pub fn table(corpora: &[Corpus], systems: &[System]) -> String {
    let mut out = String::new();
    let _ = write!(out, "{:<14} {:<4} {:<5} {:>5} {:>8}", "corpus", "lang", "half", "gold", "unmarked");
    for s in systems {
        let _ = write!(out, " | {:^20}", s.name);
    }
    out.push('\n');
    let _ = write!(out, "{:<14} {:<4} {:<5} {:>5} {:>8}", "", "", "", "", "");
    for _ in systems {
        let _ = write!(out, " | {:>6} {:>6} {:>6}", "P", "R", "F1");
    }
    out.push('\n');
    for c in corpora {
        for half in [Half::All, Half::A, Half::B] {
            let (bare, total) = unmarked(c, half);
            let label = match half {
                Half::All => "all",
                Half::A => "A",
                Half::B => "B",
            };
            let _ = write!(out, "{:<14} {:<4} {:<5} {:>5} {:>8}", c.name, c.lang, label, total, bare);
            for s in systems {
                match s.split.get(&c.lang) {
                    Some(Ok(f)) => {
                        let sc = score(c, half, f.as_ref());
                        let _ = write!(out, " | {:>6.3} {:>6.3} {:>6.3}", sc.precision(), sc.recall(), sc.f1());
                    }
                    _ => {
                        let _ = write!(out, " | {:^20}", "skipped");
                    }
                }
            }
            out.push('\n');
        }
    }
    out
}

/// What `align eval segment` was asked to do.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The shared data folder; default ../shared/data (from the working directory, else from the
    /// source tree).
    pub data: Option<PathBuf>,
    /// A gold file and its language, instead of the shared data.
    pub gold: Option<(PathBuf, String)>,
    /// LanguageTool's segment.srx; default: the srx crate's copy in Cargo's registry.
    pub srx_baseline: Option<PathBuf>,
    /// Another SRX file to score.
    pub srx: Option<PathBuf>,
    /// List our rules' errors after the table.
    pub errors: bool,
}

/// Builds the corpora, scores every system and returns the report: the table, notes on how the
/// gold was built and which columns were skipped, and the errors when asked.
pub fn run(args: &Options) -> Result<String, crate::Error> {
    let corpora = match &args.gold {
        Some((path, lang)) => vec![gold_file(path, lang)?],
        None => {
            let dir = match &args.data {
                Some(d) => d.clone(),
                None => {
                    let here = PathBuf::from("../shared/data");
                    if here.is_dir() {
                        here
                    } else {
                        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data")
                    }
                }
            };
            shared_corpora(&dir)?
        }
    };
    let mut langs: Vec<String> = corpora.iter().map(|c| c.lang.clone()).collect();
    langs.sort();
    langs.dedup();
    let column = |name: &str, make: &dyn Fn(&str) -> SplitterFor<'static>| System {
        name: name.to_string(),
        split: langs.iter().map(|l| (l.clone(), make(l))).collect::<HashMap<_, _>>(),
    };
    let ours = column("ours", &|l| {
        let s = Segmenter::new(Lang::from_code(l));
        Ok(Box::new(move |t: &str| s.split(t)))
    });
    let exported = super::export::our_rules();
    let ours_srx = column("ours as SRX", &|l| {
        let s = Segmenter::from_srx(&exported, l).map_err(|e| e.to_string())?;
        Ok(Box::new(move |t: &str| s.split(t)))
    });
    let naive = column("naive", &|_| Ok(Box::new(naive_split)));
    let mut notes = Vec::new();
    let lt_path = args.srx_baseline.clone().or_else(find_languagetool_srx);
    let lt_doc = match &lt_path {
        Some(p) => match SrxDocument::load(p) {
            Ok(d) => {
                notes.push(format!("LanguageTool SRX: {}", p.display()));
                Some(d)
            }
            Err(e) => {
                notes.push(format!("LanguageTool SRX skipped: {e}"));
                None
            }
        },
        None => {
            notes.push("LanguageTool SRX skipped: no --srx-baseline given and no copy of the srx crate's data/segment.srx under ~/.cargo/registry (`cargo info srx` downloads one)".to_string());
            None
        }
    };
    let lt = column("LanguageTool SRX", &|l| match &lt_doc {
        Some(d) => {
            let s = Segmenter::from_srx(d, l).map_err(|e| e.to_string())?;
            Ok(Box::new(move |t: &str| s.split(t)))
        }
        None => Err("no file".into()),
    });
    for (name, sys) in [("LanguageTool SRX", &lt), ("ours as SRX", &ours_srx)] {
        for (lang, r) in &sys.split {
            if let Err(e) = r {
                if lt_doc.is_some() || name != "LanguageTool SRX" {
                    notes.push(format!("{name} skipped for {lang}: {e}"));
                }
            }
        }
    }
    let mut systems = vec![ours, ours_srx, naive, lt];
    if let Some(path) = &args.srx {
        let doc = SrxDocument::load(path).map_err(super::SegmentError::from)?;
        systems.push(column(&path.file_name().map_or("--srx".into(), |n| n.to_string_lossy().into_owned()), &|l| {
            let s = Segmenter::from_srx(&doc, l).map_err(|e| e.to_string())?;
            Ok(Box::new(move |t: &str| s.split(t)))
        }));
    }
    let mut out = String::from("Sentence boundaries inside paragraphs: precision, recall, F1.\n");
    out.push_str("half: A = documents at even positions (rules were tuned on these), B = odd (held out).\n");
    out.push_str(
        "unmarked: gold boundaries after a sentence with no final punctuation (no punctuation rule can find them).\n\n",
    );
    out.push_str(&table(&corpora, &systems));
    out.push('\n');
    let mut seen = Vec::new();
    for c in &corpora {
        if !seen.contains(&c.note) {
            seen.push(c.note);
            out.push_str(c.note);
            out.push('\n');
        }
    }
    for n in notes {
        out.push_str(&n);
        out.push('\n');
    }
    if args.errors {
        out.push('\n');
        for c in &corpora {
            if let Some(Ok(f)) = systems[0].split.get(&c.lang) {
                errors(c, f.as_ref(), &mut out);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundaries_are_compared_inside_paragraphs() {
        let (text, gold) = paragraph(&["A b.".to_string(), "C d".to_string(), "E.".to_string()]);
        assert_eq!(text, "A b. C d E.");
        assert_eq!(gold, vec![4, 8]);
        let s = compare(&gold, &boundaries(&naive_split(&text)));
        assert_eq!(s, Score { tp: 1, fp: 0, fn_: 1 });
        assert_eq!(s.precision(), 1.0);
        assert_eq!(s.recall(), 0.5);
    }

    #[test]
    fn gold_file_paragraphs_and_halves() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("g.txt");
        std::fs::write(&path, "One.\nTwo.\n\nThree.\n\n\nFour. Five.\nSix.\n").unwrap();
        let c = gold_file(&path, "en").unwrap();
        assert_eq!(c.docs.len(), 3);
        let naive: Splitter = &naive_split;
        // Gold: One.|Two. and Four. Five.|Six.; naive also breaks after "Four.".
        assert_eq!(score(&c, Half::All, naive), Score { tp: 2, fp: 1, fn_: 0 });
        assert_eq!(score(&c, Half::A, naive), Score { tp: 2, fp: 1, fn_: 0 });
        assert_eq!(score(&c, Half::B, naive), Score::default());
    }

    #[test]
    fn naive_baseline_is_what_the_issue_describes() {
        let text = "قال. \"نعم.\" هل؟ لا! 3.5 x";
        let parts: Vec<&str> = naive_split(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(parts, ["قال.", "\"نعم.\" هل؟", "لا!", "3.5 x"]);
    }
}
