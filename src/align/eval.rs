//! `align eval align`: the bitext aligner against gold, scored the way the field scores.
//!
//! Scores are vecalign's strict and lax precision, recall and F1 over beads (`score.py`, after
//! Sennrich & Volk 2011): precision counts every output bead, deletions included; recall counts
//! gold beads with both sides non-empty, against output beads with both sides non-empty. The
//! translation step is pluggable: none, a file, the gold English (oracle) or a degraded copy of it
//! (noisy oracle) — the last two are simulations and are labelled so.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use super::bitext::{self, Options};
use super::features::Similarity;
use super::gold::{self, Case, GoldError, Split, Variant};
use crate::bead::Sentence;

/// Beads as vecalign writes them: source indices, target indices.
pub type Beads = Vec<(Vec<usize>, Vec<usize>)>;

/// True and false positives, strict and lax: vecalign's `[tpstrict, fpstrict, tplax, fplax]`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts([u64; 4]);

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, o: Counts) {
        for k in 0..4 {
            self.0[k] += o.0[k];
        }
    }
}

/// Counts of `test` beads against `gold` beads, as vecalign's `_precision`: beads empty on both
/// sides are ignored and duplicates count once; a test bead equal to a gold bead is a strict hit;
/// otherwise it is a lax hit when one of its targets is a gold partner of one of its sources.
fn precision_counts(gold: &Beads, test: &Beads) -> Counts {
    let as_set = |b: &Beads| -> HashSet<(Vec<usize>, Vec<usize>)> {
        b.iter().filter(|(s, t)| !s.is_empty() || !t.is_empty()).cloned().collect()
    };
    let (gold, test) = (as_set(gold), as_set(test));
    let mut partners: HashMap<usize, HashSet<usize>> = HashMap::new();
    for (s, t) in &gold {
        for &x in s {
            partners.entry(x).or_default().extend(t.iter().copied());
        }
    }
    let mut c = Counts::default();
    for bead in &test {
        if gold.contains(bead) {
            c.0[0] += 1;
            c.0[2] += 1;
        } else {
            c.0[1] += 1;
            let lax = bead.0.iter().any(|x| partners.get(x).is_some_and(|p| bead.1.iter().any(|y| p.contains(y))));
            c.0[if lax { 2 } else { 3 }] += 1;
        }
    }
    c
}

/// Strict and lax precision, recall and F1.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Scores {
    pub precision_strict: f64,
    pub recall_strict: f64,
    pub f1_strict: f64,
    pub precision_lax: f64,
    pub recall_lax: f64,
    pub f1_lax: f64,
}

/// Accumulates (gold, test) pairs, as vecalign's `score_multiple` does over files.
#[derive(Clone, Copy, Debug, Default)]
pub struct Scorer {
    precision: Counts,
    recall: Counts,
}

impl Scorer {
    pub fn add(&mut self, gold: &Beads, test: &Beads) {
        self.precision += precision_counts(gold, test);
        let both = |b: &Beads| -> Beads { b.iter().filter(|(s, t)| !s.is_empty() && !t.is_empty()).cloned().collect() };
        // Recall is precision with the roles swapped, deletions left out.
        self.recall += precision_counts(&both(test), &both(gold));
    }

    pub fn scores(&self) -> Scores {
        let ratio = |a: u64, b: u64| if a + b == 0 { 0.0 } else { a as f64 / (a + b) as f64 };
        let f1 = |p: f64, r: f64| if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) };
        let (p, r) = (self.precision.0, self.recall.0);
        let (ps, pl, rs, rl) = (ratio(p[0], p[1]), ratio(p[2], p[3]), ratio(r[0], r[1]), ratio(r[2], r[3]));
        Scores {
            precision_strict: ps,
            recall_strict: rs,
            f1_strict: f1(ps, rs),
            precision_lax: pl,
            recall_lax: rl,
            f1_lax: f1(pl, rl),
        }
    }
}

/// vecalign's text form of beads: `[0, 1]:[2]` per line (with `:score` when given).
pub fn write_vecalign(beads: &Beads, scores: Option<&[f32]>) -> String {
    let list = |v: &[usize]| format!("[{}]", v.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(", "));
    let mut out = String::new();
    for (k, (s, t)) in beads.iter().enumerate() {
        let _ = match scores.and_then(|sc| sc.get(k)) {
            Some(score) => writeln!(out, "{}:{}:{:.6}", list(s), list(t), score),
            None => writeln!(out, "{}:{}", list(s), list(t)),
        };
    }
    out
}

/// Reads vecalign's text form back (`[i, j]:[k]` or `[i]:[]:0.5` per line).
pub fn read_vecalign(text: &str) -> Option<Beads> {
    let parse = |f: &str| -> Option<Vec<usize>> {
        let inner = f.trim().strip_prefix('[')?.strip_suffix(']')?;
        inner.split(',').map(str::trim).filter(|x| !x.is_empty()).map(|x| x.parse().ok()).collect()
    };
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let mut fields = l.split(':');
            Some((parse(fields.next()?)?, parse(fields.next()?)?))
        })
        .collect()
}

/// What stands in for machine translation in an evaluation run.
#[derive(Clone, Debug, PartialEq)]
pub enum Bridge {
    /// No translation: lengths and anchors only (`--no-mt`).
    None,
    /// Simulation: the gold English of each Arabic line.
    Oracle,
    /// Simulation: the gold English with words dropped, replaced or reordered at this rate.
    Noisy(f64),
    /// Translations made elsewhere, one per line of the gold set (`--mt-file`).
    File(PathBuf),
}

/// One column of the table.
#[derive(Clone, Debug, PartialEq)]
pub enum System {
    /// Our Gale–Church baseline.
    GaleChurch,
    Ours(Bridge, Similarity),
}

impl System {
    pub fn parse(s: &str) -> Option<System> {
        let (base, sim) = match s.strip_suffix("-bleu2") {
            Some(b) => (b, Similarity::Bleu2),
            None => (s, Similarity::Chrf),
        };
        Some(match base {
            "gale-church" => System::GaleChurch,
            "no-mt" => System::Ours(Bridge::None, sim),
            "oracle" => System::Ours(Bridge::Oracle, sim),
            _ => {
                if let Some(path) = base.strip_prefix("mt-file=") {
                    System::Ours(Bridge::File(PathBuf::from(path)), sim)
                } else {
                    let rate: f64 = base.strip_prefix("noisy")?.parse().ok()?;
                    System::Ours(Bridge::Noisy(rate / 100.0), sim)
                }
            }
        })
    }

    /// The column label; simulations say so.
    pub fn label(&self) -> String {
        match self {
            System::GaleChurch => "Gale–Church (ours)".into(),
            System::Ours(bridge, sim) => {
                let b = match bridge {
                    Bridge::None => "--no-mt".to_string(),
                    Bridge::Oracle => "oracle MT*".to_string(),
                    Bridge::Noisy(r) => format!("noisy {:.0}%*", r * 100.0),
                    Bridge::File(p) => {
                        format!("mt-file {}", p.file_name().map_or(String::new(), |n| n.to_string_lossy().into_owned()))
                    }
                };
                match (bridge, sim) {
                    (Bridge::None, _) | (_, Similarity::Chrf) => b,
                    (_, Similarity::Bleu2) => format!("{b} BLEU-2"),
                }
            }
        }
    }

    /// A short name for file names.
    pub fn slug(&self) -> String {
        match self {
            System::GaleChurch => "gale-church".into(),
            System::Ours(bridge, sim) => {
                let b = match bridge {
                    Bridge::None => "no-mt".to_string(),
                    Bridge::Oracle => "oracle".to_string(),
                    Bridge::Noisy(r) => format!("noisy{:.0}", r * 100.0),
                    Bridge::File(_) => "mt-file".to_string(),
                };
                if *sim == Similarity::Bleu2 && *bridge != Bridge::None {
                    format!("{b}-bleu2")
                } else {
                    b
                }
            }
        }
    }
}

/// The default columns.
pub const DEFAULT_SYSTEMS: &str =
    "gale-church,no-mt,oracle,noisy10,noisy30,noisy50,noisy70,noisy30-bleu2,noisy50-bleu2,noisy70-bleu2";

#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error(transparent)]
    Gold(#[from] GoldError),
    #[error("cannot read {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("cannot write {path}: {source}")]
    Write { path: String, source: std::io::Error },
    #[error("{0}: not an alignment file (lines like [0, 1]:[2] or [0]:[]:0.5 expected)")]
    NotAlignments(String),
    #[error("unknown system {0:?}: use gale-church, no-mt, oracle, noisyN (N percent), mt-file=FILE, each optionally with -bleu2")]
    UnknownSystem(String),
}

/// What to evaluate.
#[derive(Clone, Debug)]
pub struct EvalOptions {
    pub data: PathBuf,
    pub sets: Vec<String>,
    pub variants: Vec<Variant>,
    pub systems: Vec<System>,
    pub split: Split,
    pub seed: u64,
    /// Where to write inputs, gold and outputs as files (vecalign's format), if anywhere.
    pub write: Option<PathBuf>,
}

/// One cell of the table.
#[derive(Clone, Debug)]
pub struct Cell {
    pub set: String,
    pub variant: Variant,
    pub system: usize,
    pub scores: Scores,
    pub seconds: f64,
}

fn steps_to_beads(steps: &[super::dp::Step]) -> Beads {
    steps.iter().map(|s| (s.src.clone().collect(), s.tgt.clone().collect())).collect()
}

fn bridge_text(case: &Case, bridge: &Bridge, seed: u64) -> Result<Option<Vec<String>>, EvalError> {
    Ok(match bridge {
        Bridge::None => None,
        Bridge::Oracle => Some(case.oracle()),
        Bridge::Noisy(rate) => Some(case.noisy_oracle(*rate, seed)),
        Bridge::File(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|source| EvalError::Read { path: path.display().to_string(), source })?;
            Some(case.from_lines(&text.lines().map(String::from).collect::<Vec<_>>()))
        }
    })
}

fn segmented_text(units: &[Sentence]) -> String {
    let mut out = String::new();
    for (k, s) in units.iter().enumerate() {
        if k > 0 && units[k - 1].paragraph != s.paragraph {
            out.push('\n');
        }
        out.push_str(&s.text);
        out.push('\n');
    }
    out
}

fn write_file(dir: &Path, name: &str, text: &str) -> Result<(), EvalError> {
    let path = dir.join(name);
    std::fs::write(&path, text).map_err(|source| EvalError::Write { path: path.display().to_string(), source })
}

/// Runs every system on every case; `progress` hears about each finished cell.
pub fn run(opts: &EvalOptions, progress: &mut dyn FnMut(&Cell)) -> Result<Vec<Cell>, EvalError> {
    let mut cells = Vec::new();
    for set_name in &opts.sets {
        let set = gold::load(&opts.data, set_name)?;
        for &variant in &opts.variants {
            let case = gold::case(&set, variant, opts.split, opts.seed);
            let stem = format!("{}.{}.{}", set_name, variant.name(), split_name(opts.split));
            if let Some(dir) = &opts.write {
                std::fs::create_dir_all(dir)
                    .map_err(|source| EvalError::Write { path: dir.display().to_string(), source })?;
                write_file(dir, &format!("{stem}.ar"), &segmented_text(&case.src))?;
                write_file(dir, &format!("{stem}.en"), &segmented_text(&case.tgt))?;
                write_file(dir, &format!("{stem}.gold"), &write_vecalign(&case.gold, None))?;
                write_file(dir, &format!("{stem}.oracle.en"), &(case.oracle().join("\n") + "\n"))?;
                write_file(dir, &format!("{stem}.noisy30.en"), &(case.noisy_oracle(0.3, opts.seed).join("\n") + "\n"))?;
            }
            for (k, system) in opts.systems.iter().enumerate() {
                let started = Instant::now();
                let (steps, scores) = match system {
                    System::GaleChurch => (bitext::gale_church(&case.src, &case.tgt), None),
                    System::Ours(bridge, sim) => {
                        let mt = bridge_text(&case, bridge, opts.seed)?;
                        let options = Options { similarity: *sim, ..Options::default() };
                        let a = bitext::align(&case.src, &case.tgt, mt.as_deref(), &options);
                        (a.steps, Some(a.scores))
                    }
                };
                let seconds = started.elapsed().as_secs_f64();
                let beads = steps_to_beads(&steps);
                let mut scorer = Scorer::default();
                scorer.add(&case.gold, &beads);
                if let Some(dir) = &opts.write {
                    write_file(
                        dir,
                        &format!("{stem}.{}.align", system.slug()),
                        &write_vecalign(&beads, scores.as_deref()),
                    )?;
                }
                let cell = Cell { set: set_name.clone(), variant, system: k, scores: scorer.scores(), seconds };
                progress(&cell);
                cells.push(cell);
            }
        }
    }
    Ok(cells)
}

fn split_name(split: Split) -> &'static str {
    match split {
        Split::Dev => "dev",
        Split::Test => "test",
        Split::All => "all",
    }
}

/// The results as a Markdown table: strict F1 (lax F1 in parentheses) per case and system.
pub fn table(opts: &EvalOptions, cells: &[Cell]) -> String {
    let mut out = String::new();
    let _ = write!(out, "| set | variant | units |");
    for s in &opts.systems {
        let _ = write!(out, " {} |", s.label());
    }
    out.push('\n');
    out.push_str("|---|---|---|");
    out.push_str(&"---|".repeat(opts.systems.len()));
    out.push('\n');
    let mut rows: Vec<(String, Variant)> = Vec::new();
    for c in cells {
        if !rows.contains(&(c.set.clone(), c.variant)) {
            rows.push((c.set.clone(), c.variant));
        }
    }
    for (set, variant) in rows {
        let units = gold::load(&opts.data, &set)
            .map(|s| gold::case(&s, variant, opts.split, opts.seed))
            .map(|c| format!("{}/{}", c.src.len(), c.tgt.len()))
            .unwrap_or_default();
        let _ = write!(out, "| {set} | {} | {units} |", variant.name());
        for k in 0..opts.systems.len() {
            match cells.iter().find(|c| c.set == set && c.variant == variant && c.system == k) {
                Some(c) => {
                    let _ = write!(out, " {:.3} ({:.3}) |", c.scores.f1_strict, c.scores.f1_lax);
                }
                None => out.push_str(" |"),
            }
        }
        out.push('\n');
    }
    out.push_str("\nStrict F1 (lax F1), vecalign's scorer. * = simulation: the bridge is the gold English (oracle) or a degraded copy of it, not a translation model.\n");
    out
}

/// Prints the table for the command line.
pub fn print(opts: &EvalOptions, cells: &[Cell]) -> std::io::Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(table(opts, cells).as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn beads(text: &str) -> Beads {
        read_vecalign(text).unwrap()
    }

    #[test]
    fn strict_and_lax_counts_follow_vecalign() {
        let gold = beads("[0]:[0]\n[1, 2]:[1]\n[3]:[]\n[4]:[2]\n");
        // Exact copy: perfect.
        let mut s = Scorer::default();
        s.add(&gold, &gold);
        assert_eq!(s.scores().f1_strict, 1.0);
        // [1]:[1] and [2]:[] overlap the gold 2-1 bead: strict misses, lax hits for [1]:[1];
        // the deletion [2]:[] is a lax miss (no target), as in vecalign.
        let test = beads("[0]:[0]\n[1]:[1]\n[2]:[]\n[3]:[]\n[4]:[2]\n");
        let c = precision_counts(&gold, &test);
        assert_eq!(c, Counts([3, 2, 4, 1]));
        let mut s = Scorer::default();
        s.add(&gold, &test);
        let r = s.scores();
        assert!((r.precision_strict - 0.6).abs() < 1e-12);
        // Recall: gold without deletions [0]:[0], [1,2]:[1], [4]:[2] against test 1-1 beads.
        assert!((r.recall_strict - 2.0 / 3.0).abs() < 1e-12);
        assert!((r.recall_lax - 1.0).abs() < 1e-12);
    }

    #[test]
    fn vecalign_text_round_trips_and_duplicates_count_once() {
        let b = beads("[0, 1]:[0]:0.5\n[]:[1]:0.000000\n");
        assert_eq!(b, vec![(vec![0, 1], vec![0]), (vec![], vec![1])]);
        assert_eq!(read_vecalign(&write_vecalign(&b, None)).unwrap(), b);
        assert_eq!(write_vecalign(&b, Some(&[0.5, 0.0])), "[0, 1]:[0]:0.500000\n[]:[1]:0.000000\n");
        let twice = beads("[0]:[0]\n[0]:[0]\n");
        assert_eq!(precision_counts(&twice, &twice), Counts([1, 0, 1, 0]));
    }

    #[test]
    fn systems_parse_and_label_simulations() {
        assert_eq!(System::parse("noisy30"), Some(System::Ours(Bridge::Noisy(0.3), Similarity::Chrf)));
        assert_eq!(System::parse("oracle-bleu2"), Some(System::Ours(Bridge::Oracle, Similarity::Bleu2)));
        assert!(System::parse("oracle").unwrap().label().contains('*'));
        assert!(System::parse("nonsense").is_none());
        for s in DEFAULT_SYSTEMS.split(',') {
            assert!(System::parse(s).is_some(), "{s}");
        }
    }
}
