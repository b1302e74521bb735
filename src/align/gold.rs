//! Gold alignments for `align eval align`, built from the shared data sets.
//!
//! Each set is a list of documents whose Arabic and English lines correspond 1-1 (NTREX-128,
//! TICO-19, UD-PUD). A *case* is one set in one variant: lines grouped by document into
//! paragraphs, then, with a fixed seed, neighbouring lines merged on one side (2-1, 1-2 beads) or
//! deleted on one side (1-0, 0-1), and in the hard variant the English paragraph breaks removed.
//! Documents are split by position (even: dev, odd: test) so tuning and reporting never share one.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use super::Rng;
use crate::bead::Sentence;
use crate::segment::eval::{conllu_texts, tico_units, EvalError};

#[derive(Debug, thiserror::Error)]
pub enum GoldError {
    #[error("cannot read {path}: {source} (the gold sets live in ../shared/data; choose another folder with --data)")]
    Io { path: String, source: std::io::Error },
    #[error("{path}: {problem}")]
    Format { path: String, problem: String },
    #[error("unknown gold set {0:?}: use ntrex, tico or pud")]
    UnknownSet(String),
    #[error("unknown variant {0:?}: use clean, merged, deleted or hard")]
    UnknownVariant(String),
}

/// The shared-data readers live with the segmentation eval, which reads the same sets.
impl From<EvalError> for GoldError {
    fn from(e: EvalError) -> GoldError {
        match e {
            EvalError::Io { path, source } => GoldError::Io { path, source },
            EvalError::Format { path, message } => GoldError::Format { path, problem: message },
            EvalError::NoData(dir) => GoldError::Format { path: dir, problem: "no gold data".into() },
        }
    }
}

/// One document: line i of `ar` translates line i of `en`.
#[derive(Clone, Debug)]
pub struct GoldDoc {
    pub id: String,
    pub ar: Vec<String>,
    pub en: Vec<String>,
}

/// A gold set: its documents in their original order.
#[derive(Clone, Debug)]
pub struct GoldSet {
    pub name: String,
    pub docs: Vec<GoldDoc>,
}

fn read(path: &Path) -> Result<String, GoldError> {
    fs::read_to_string(path).map_err(|source| GoldError::Io { path: path.display().to_string(), source })
}

fn format_error(path: &Path, problem: impl Into<String>) -> GoldError {
    GoldError::Format { path: path.display().to_string(), problem: problem.into() }
}

/// The gold sets this command knows, by name.
pub const SETS: &[&str] = &["ntrex", "tico", "pud"];

/// Loads a gold set from the shared data folder.
pub fn load(data: &Path, name: &str) -> Result<GoldSet, GoldError> {
    let docs = match name {
        "ntrex" => ntrex(&data.join("ntrex128-arb-eng"))?,
        "tico" => tico(&data.join("tico19-en-ar/all.en-ar.tmx"))?,
        "pud" => pud(&data.join("ud-pud-ar-en"))?,
        other => return Err(GoldError::UnknownSet(other.to_string())),
    };
    Ok(GoldSet { name: name.to_string(), docs })
}

/// Groups consecutive (id, ar, en) triples into documents.
fn group(rows: impl IntoIterator<Item = (String, String, String)>) -> Vec<GoldDoc> {
    let mut docs: Vec<GoldDoc> = Vec::new();
    for (id, ar, en) in rows {
        match docs.last_mut() {
            Some(d) if d.id == id => {
                d.ar.push(ar);
                d.en.push(en);
            }
            _ => docs.push(GoldDoc { id, ar: vec![ar], en: vec![en] }),
        }
    }
    docs
}

fn ntrex(dir: &Path) -> Result<Vec<GoldDoc>, GoldError> {
    let files: [PathBuf; 3] =
        ["DOCUMENT_IDS.tsv", "newstest2019-ref.arb.txt", "newstest2019-src.eng.txt"].map(|f| dir.join(f));
    let texts: Vec<String> = files.iter().map(|p| read(p)).collect::<Result<_, _>>()?;
    let lines: Vec<Vec<&str>> = texts.iter().map(|t| t.lines().collect()).collect();
    if lines[0].len() != lines[1].len() || lines[1].len() != lines[2].len() {
        return Err(format_error(dir, "DOCUMENT_IDS.tsv and the two text files differ in line count"));
    }
    Ok(group(
        (0..lines[0].len()).map(|i| (lines[0][i].trim().to_string(), lines[1][i].to_string(), lines[2][i].to_string())),
    ))
}

fn tico(path: &Path) -> Result<Vec<GoldDoc>, GoldError> {
    let rows = tico_units(path)?;
    if rows.is_empty() {
        return Err(format_error(path, "no translation units"));
    }
    Ok(group(rows))
}

fn pud(dir: &Path) -> Result<Vec<GoldDoc>, GoldError> {
    let ar = conllu_texts(&dir.join("ar_pud-ud-test.conllu"))?;
    let en: BTreeMap<String, String> = conllu_texts(&dir.join("en_pud-ud-test.conllu"))?.into_iter().collect();
    let rows: Vec<(String, String, String)> = ar
        .into_iter()
        .filter_map(|(id, a)| en.get(&id).map(|e| (id.chars().take(6).collect(), a, e.clone())))
        .collect();
    if rows.is_empty() {
        return Err(format_error(dir, "no sentence of the Arabic file has an English twin"));
    }
    Ok(group(rows))
}

/// How a case is made harder than the data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    /// 1-1 lines, documents as paragraphs on both sides.
    Clean,
    /// About 10% of neighbouring line pairs merged on each side: 1-2 and 2-1 beads.
    Merged,
    /// About 5% of lines deleted from one side or the other: 1-0 and 0-1 beads.
    Deleted,
    /// Merged and deleted, and no paragraph breaks on the English side (soft evidence only).
    Hard,
}

pub const VARIANTS: &[Variant] = &[Variant::Clean, Variant::Merged, Variant::Deleted, Variant::Hard];

impl Variant {
    pub fn name(self) -> &'static str {
        match self {
            Variant::Clean => "clean",
            Variant::Merged => "merged",
            Variant::Deleted => "deleted",
            Variant::Hard => "hard",
        }
    }
    pub fn parse(s: &str) -> Result<Variant, GoldError> {
        VARIANTS.iter().copied().find(|v| v.name() == s).ok_or_else(|| GoldError::UnknownVariant(s.to_string()))
    }
    fn merges(self) -> bool {
        matches!(self, Variant::Merged | Variant::Hard)
    }
    fn deletes(self) -> bool {
        matches!(self, Variant::Deleted | Variant::Hard)
    }
}

/// Which documents of a set: even positions (dev, for tuning), odd (test, for reporting), all.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Split {
    Dev,
    Test,
    All,
}

const MERGE_RATE: f64 = 0.10;
const DELETE_RATE: f64 = 0.05;

/// One set in one variant, ready to align, with its gold beads.
#[derive(Clone, Debug)]
pub struct Case {
    pub set: String,
    pub variant: Variant,
    pub src: Vec<Sentence>,
    pub tgt: Vec<Sentence>,
    /// For each source unit, the lines (numbered across the whole set) it holds.
    pub src_lines: Vec<Vec<usize>>,
    /// The English of every line of the set, by the same numbering.
    pub english: Vec<String>,
    /// Gold beads as (source units, target units), vecalign's `[i,j]:[k]`.
    pub gold: Vec<(Vec<usize>, Vec<usize>)>,
}

fn sentence(id: usize, text: String, paragraph: usize) -> Sentence {
    Sentence { id, text, paragraph, span: None, line: 0 }
}

/// Builds a case: the documents of `split`, in `variant`, with randomness from `seed`.
pub fn case(set: &GoldSet, variant: Variant, split: Split, seed: u64) -> Case {
    let mut rng = Rng::new(seed ^ crate::align::features::hash_str(&set.name) as u64 ^ (variant as u64) << 32);
    let mut c = Case {
        set: set.name.clone(),
        variant,
        src: Vec::new(),
        tgt: Vec::new(),
        src_lines: Vec::new(),
        english: Vec::new(),
        gold: Vec::new(),
    };
    let mut first_line = 0;
    let docs = set.docs.iter().enumerate().filter(|(k, _)| match split {
        Split::Dev => k % 2 == 0,
        Split::Test => k % 2 == 1,
        Split::All => true,
    });
    for (para, (_, doc)) in docs.enumerate() {
        add_doc(&mut c, doc, para, first_line, &mut rng);
        first_line += doc.ar.len();
    }
    c
}

/// Adds one document's units and gold beads to a case.
fn add_doc(c: &mut Case, doc: &GoldDoc, para: usize, first_line: usize, rng: &mut Rng) {
    let n = doc.ar.len().min(doc.en.len());
    // merged[side][k]: line k joins line k+1 on that side (0: Arabic, 1: English).
    let mut merged = [vec![false; n], vec![false; n]];
    let mut deleted = [vec![false; n], vec![false; n]];
    if c.variant.merges() {
        for side in 0..2 {
            let mut k = 0;
            while k + 1 < n {
                let other = 1 - side;
                let free = !merged[other][k] && !merged[other][k + 1] && (k == 0 || !merged[other][k - 1]);
                if free && rng.chance(MERGE_RATE) {
                    merged[side][k] = true;
                    k += 2;
                } else {
                    k += 1;
                }
            }
        }
    }
    if c.variant.deletes() {
        let in_merge = |k: usize, m: &[Vec<bool>; 2]| (0..2).any(|s| m[s][k] || (k > 0 && m[s][k - 1]));
        for k in 0..n {
            let near = (k > 0 && (deleted[0][k - 1] || deleted[1][k - 1])) || in_merge(k, &merged);
            if !near && rng.chance(DELETE_RATE) {
                let side = rng.below(2);
                // Keep at least one line of the document on each side.
                if deleted[side].iter().filter(|&&d| d).count() + 1 < n {
                    deleted[side][k] = true;
                }
            }
        }
    }
    // Units of each side: runs of lines, a merge joining two; deleted lines make no unit.
    let mut unit_of = [vec![None; n], vec![None; n]];
    for side in 0..2 {
        let lines = if side == 0 { &doc.ar } else { &doc.en };
        let mut k = 0;
        while k < n {
            let take = if merged[side][k] { 2 } else { 1 };
            let members: Vec<usize> = (k..k + take).filter(|&x| !deleted[side][x]).collect();
            if !members.is_empty() {
                let text = members.iter().map(|&x| lines[x].trim()).collect::<Vec<_>>().join(" ");
                let units = if side == 0 { &mut c.src } else { &mut c.tgt };
                let id = units.len();
                let paragraph = if side == 1 && c.variant == Variant::Hard { 0 } else { para };
                units.push(sentence(id, text, paragraph));
                if side == 0 {
                    c.src_lines.push(members.iter().map(|&x| first_line + x).collect());
                }
                for &x in &members {
                    unit_of[side][x] = Some(id);
                }
            }
            k += take;
        }
    }
    // Gold beads: lines chain their Arabic and English units; merges never overlap, so each
    // bead is the set of units the lines of a run touch.
    let mut k = 0;
    while k < n {
        let mut src: Vec<usize> = Vec::new();
        let mut tgt: Vec<usize> = Vec::new();
        let mut end = k;
        loop {
            for (side, list) in [(0, &mut src), (1, &mut tgt)] {
                if let Some(u) = unit_of[side][end] {
                    if !list.contains(&u) {
                        list.push(u);
                    }
                }
            }
            let continues = end + 1 < n && (merged[0][end] || merged[1][end]);
            end += 1;
            if !continues {
                break;
            }
        }
        c.gold.push((src, tgt));
        k = end;
    }
    c.english.extend(doc.en.iter().take(n).cloned());
    // Lines past the shorter side (none in the shared sets) are dropped.
    c.english.resize(first_line + n, String::new());
}

impl Case {
    /// The gold English of each source unit: the upper bound of an MT bridge.
    pub fn oracle(&self) -> Vec<String> {
        self.src_lines
            .iter()
            .map(|lines| lines.iter().map(|&l| self.english[l].as_str()).collect::<Vec<_>>().join(" "))
            .collect()
    }

    /// Per source unit, the given per-line translations joined (`--mt-file` for a gold set).
    pub fn from_lines(&self, mt: &[String]) -> Vec<String> {
        self.src_lines
            .iter()
            .map(|lines| lines.iter().map(|&l| mt.get(l).map_or("", String::as_str)).collect::<Vec<_>>().join(" "))
            .collect()
    }

    /// The oracle degraded: each word is, with probability `rate`, dropped, replaced by a random
    /// word of the set's English, or swapped with its neighbour (one of the three at random).
    pub fn noisy_oracle(&self, rate: f64, seed: u64) -> Vec<String> {
        let vocabulary: Vec<&str> = self.english.iter().flat_map(|l| l.split_whitespace()).collect();
        self.oracle()
            .iter()
            .enumerate()
            .map(|(u, text)| {
                let mut rng = Rng::new(seed ^ (u as u64).wrapping_mul(0x2545_f491_4f6c_dd1d));
                let mut words: Vec<&str> = Vec::new();
                let mut swap_next = false;
                for w in text.split_whitespace() {
                    if swap_next {
                        let last = words.pop();
                        words.push(w);
                        words.extend(last);
                        swap_next = false;
                        continue;
                    }
                    if !rng.chance(rate) {
                        words.push(w);
                        continue;
                    }
                    match rng.below(3) {
                        0 => {}
                        1 if !vocabulary.is_empty() => words.push(vocabulary[rng.below(vocabulary.len())]),
                        _ => {
                            words.push(w);
                            swap_next = true;
                        }
                    }
                }
                words.join(" ")
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toy() -> GoldSet {
        let doc = |id: &str, n: usize| GoldDoc {
            id: id.into(),
            ar: (0..n).map(|k| format!("جملة {id} رقم {k}.")).collect(),
            en: (0..n).map(|k| format!("Sentence {id} number {k}.")).collect(),
        };
        GoldSet { name: "toy".into(), docs: vec![doc("a", 30), doc("b", 25), doc("c", 40), doc("d", 12)] }
    }

    fn check_gold(c: &Case) {
        let (mut i, mut j) = (0, 0);
        for (s, t) in &c.gold {
            assert!(!s.is_empty() || !t.is_empty());
            for &x in s {
                assert_eq!(x, i);
                i += 1;
            }
            for &y in t {
                assert_eq!(y, j);
                j += 1;
            }
        }
        assert_eq!((i, j), (c.src.len(), c.tgt.len()), "gold covers every unit once, in order");
    }

    #[test]
    fn variants_cover_every_unit_and_have_the_promised_beads() {
        let set = toy();
        for &v in VARIANTS {
            let c = case(&set, v, Split::All, 7);
            check_gold(&c);
            let shapes: Vec<(usize, usize)> = c.gold.iter().map(|(s, t)| (s.len(), t.len())).collect();
            let has = |shape| shapes.contains(&shape);
            assert_eq!(has((2, 1)) || has((1, 2)), v.merges(), "{v:?}: {shapes:?}");
            assert_eq!(has((1, 0)) || has((0, 1)), v.deletes(), "{v:?}");
            assert!(shapes.iter().all(|&(a, b)| a <= 2 && b <= 2));
            assert_eq!(c.oracle().len(), c.src.len());
        }
        // The same seed gives the same case.
        assert_eq!(case(&set, Variant::Hard, Split::All, 7).gold, case(&set, Variant::Hard, Split::All, 7).gold);
        assert_eq!(case(&set, Variant::Hard, Split::All, 7).tgt.iter().map(|s| s.paragraph).max(), Some(0));
    }

    #[test]
    fn dev_and_test_split_documents() {
        let set = toy();
        let dev = case(&set, Variant::Clean, Split::Dev, 1);
        let test = case(&set, Variant::Clean, Split::Test, 1);
        assert_eq!(dev.src.len(), 30 + 40);
        assert_eq!(test.src.len(), 25 + 12);
        assert!(test.src[0].text.contains('b'));
    }

    #[test]
    fn noisy_oracle_degrades_with_the_rate() {
        let c = case(&toy(), Variant::Clean, Split::All, 1);
        let clean = c.oracle();
        assert_eq!(c.noisy_oracle(0.0, 3), clean);
        let noisy = c.noisy_oracle(0.5, 3);
        let changed = noisy.iter().zip(&clean).filter(|(a, b)| a != b).count();
        assert!(changed > clean.len() / 2);
        assert_eq!(noisy, c.noisy_oracle(0.5, 3));
    }

    #[test]
    fn shared_sets_load_when_present() {
        let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
        if !data.is_dir() {
            return;
        }
        let counts: Vec<(usize, usize)> = SETS
            .iter()
            .map(|s| {
                let set = load(&data, s).unwrap();
                (set.docs.len(), set.docs.iter().map(|d| d.ar.len()).sum())
            })
            .collect();
        assert_eq!(counts, vec![(123, 1997), (31, 3071), (397, 1000)]);
    }
}
