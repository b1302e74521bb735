//! Aligning a text with its existing translation (bitext mode).
//!
//! Paragraphs are barriers when both sides have the same structure, evidence otherwise. Inside a
//! block the search is exact when small; a long block gets vecalign's coarse-to-fine treatment
//! (halve both sides until a full search is cheap, then refine a band around each level's path),
//! so time and memory stay linear. At the sentence level a provisional pass gives the beads the
//! costs are calibrated on, and a second pass over the same band gives the alignment.

use std::collections::{HashMap, HashSet, VecDeque};
use std::ops::Range;

use super::coarse;
use super::cost::{self, residual, Evidence, Params, NULL_SAMPLES};
use super::dp::{self, Band, Step, FINE_TYPES};
use super::features::{self, anchor_counts, Anchors, Profile, Similarity, DENSE_DIM};
use super::Rng;
use crate::bead::Sentence;

/// Source sentences whose best candidate describes translations before any alignment exists.
const ROW_SAMPLES: usize = 2000;

/// How the bitext aligner searches.
#[derive(Clone, Debug)]
pub struct Options {
    pub similarity: Similarity,
    /// Half-width of the band around a coarser level's path, in sentences (vecalign uses 5).
    pub width: usize,
    /// Blocks with at most this many grid nodes are searched exactly (vecalign: 300 × 300).
    pub full_cells: usize,
    /// Seed of the random pairs that describe the null.
    pub seed: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options { similarity: Similarity::Chrf, width: 5, full_cells: 301 * 301, seed: 0x5eed }
    }
}

/// The aligner's answer: beads as ranges of sentence indices, each with a score in 0..=1.
#[derive(Clone, Debug, Default)]
pub struct Alignment {
    pub steps: Vec<Step>,
    pub scores: Vec<f32>,
    /// Paragraphs were used as barriers (both sides had the same structure).
    pub barriers: bool,
    /// Target characters per source character, measured on the document.
    pub ratio: f64,
    /// The calibrated parameters of the final pass.
    pub params: Option<Params>,
}

/// Per-sentence features of one side.
struct Side<'a> {
    len: Vec<f64>,
    anchors: Vec<Anchors>,
    para_start: Vec<bool>,
    dense: Vec<[f32; DENSE_DIM]>,
    /// What the similarity reads: the MT of each source sentence, the target sentences.
    text: Option<Vec<&'a str>>,
    /// Their lengths in the similarity's units (for its upper bound).
    units: Vec<u32>,
}

struct Doc<'a> {
    src: Side<'a>,
    tgt: Side<'a>,
    ratio: f64,
    similarity: Similarity,
}

fn para_starts(sentences: &[Sentence]) -> Vec<bool> {
    sentences.iter().enumerate().map(|(k, s)| k == 0 || sentences[k - 1].paragraph != s.paragraph).collect()
}

impl<'a> Doc<'a> {
    fn new(src: &'a [Sentence], tgt: &'a [Sentence], mt: Option<&'a [String]>, similarity: Similarity) -> Doc<'a> {
        let src_anchors: Vec<Anchors> = src.iter().map(|s| Anchors::of(&s.text, None)).collect();
        let vocabulary: HashSet<u32> = src_anchors.iter().flat_map(|a| a.latin.iter().copied()).collect();
        let tgt_anchors: Vec<Anchors> = tgt.iter().map(|s| Anchors::of(&s.text, Some(&vocabulary))).collect();
        // One side: lengths and anchors from its sentences; similarity units and the dense
        // features from what the similarity reads (`text`), when there is a bridge.
        let side = |sentences: &[Sentence], text: Option<Vec<&'a str>>, anchors: Vec<Anchors>| -> Side<'a> {
            let dense = anchors
                .iter()
                .enumerate()
                .map(|(k, a)| {
                    let words = text.as_ref().map(|t| features::tokens(t[k])).unwrap_or_default();
                    features::dense(&words, a)
                })
                .collect();
            Side {
                units: text.as_ref().map(|t| t.iter().map(|x| similarity.units(x)).collect()).unwrap_or_default(),
                len: sentences.iter().map(|s| features::visible_len(&s.text) as f64).collect(),
                dense,
                anchors,
                para_start: para_starts(sentences),
                text,
            }
        };
        let mt_text: Option<Vec<&str>> = mt.map(|m| m.iter().map(String::as_str).collect());
        let tgt_text: Option<Vec<&str>> = mt.map(|_| tgt.iter().map(|s| s.text.as_str()).collect());
        let src_side = side(src, mt_text, src_anchors);
        let tgt_side = side(tgt, tgt_text, tgt_anchors);
        let (ls, lt): (f64, f64) = (src_side.len.iter().sum(), tgt_side.len.iter().sum());
        let ratio = if ls > 0.0 && lt > 0.0 { lt / ls } else { 1.0 };
        Doc { src: src_side, tgt: tgt_side, ratio, similarity }
    }

    fn has_mt(&self) -> bool {
        self.src.text.is_some() && self.tgt.text.is_some()
    }

    /// Evidence for source i..i+di against target j..j+dj (global indices), similarity aside.
    fn evidence(&self, i: usize, j: usize, di: usize, dj: usize) -> Evidence {
        let ls: f64 = self.src.len[i..i + di].iter().sum();
        let lt: f64 = self.tgt.len[j..j + dj].iter().sum();
        Evidence {
            sim: None,
            z: residual(ls, lt, self.ratio),
            anchors: anchor_counts(&self.src.anchors[i..i + di], &self.tgt.anchors[j..j + dj]),
            para: 2 * u8::from(self.src.para_start[i]) + u8::from(self.tgt.para_start[j]),
            grams: if self.has_mt() {
                let a: u32 = self.src.units[i..i + di].iter().sum();
                let b: u32 = self.tgt.units[j..j + dj].iter().sum();
                a.min(b) as f64
            } else {
                0.0
            },
        }
    }

    /// Random source–target pairs (all of them when there are few): the null.
    fn null_sample(&self, rng: &mut Rng) -> Vec<Evidence> {
        let (n, m) = (self.src.len.len(), self.tgt.len.len());
        if n == 0 || m == 0 {
            return Vec::new();
        }
        let pairs: Vec<(usize, usize)> = if n * m <= NULL_SAMPLES {
            (0..n).flat_map(|i| (0..m).map(move |j| (i, j))).collect()
        } else {
            // Random pairs among a random subset of each side, so each profile serves several
            // pairs: √NULL_SAMPLES sentences per side at least, a tenth of the pairs at most.
            let k = ((NULL_SAMPLES as f64).sqrt() as usize).max(NULL_SAMPLES / 10);
            let src: Vec<usize> = (0..k.min(n)).map(|_| rng.below(n)).collect();
            let tgt: Vec<usize> = (0..k.min(m)).map(|_| rng.below(m)).collect();
            (0..NULL_SAMPLES).map(|_| (src[rng.below(src.len())], tgt[rng.below(tgt.len())])).collect()
        };
        let (Some(st), Some(tt)) = (&self.src.text, &self.tgt.text) else {
            return pairs.into_iter().map(|(i, j)| self.evidence(i, j, 1, 1)).collect();
        };
        let sim = self.similarity;
        let mut src_profiles: HashMap<usize, Profile> = HashMap::new();
        let mut tgt_profiles: HashMap<usize, Profile> = HashMap::new();
        pairs
            .into_iter()
            .map(|(i, j)| {
                let mut e = self.evidence(i, j, 1, 1);
                let a = src_profiles.entry(i).or_insert_with(|| sim.profile(st[i]));
                let b = tgt_profiles.entry(j).or_insert_with(|| sim.profile(tt[j]));
                e.sim = Some(sim.score(a, b));
                e
            })
            .collect()
    }
}

/// Profiles of spans of one side near the search front, evicted once the search has passed.
#[derive(Default)]
struct Window {
    first: usize,
    /// For each position p ≥ first: profiles of the spans p..p+1, p..p+2, p..p+3.
    slots: VecDeque<[Option<Profile>; 3]>,
}

impl Window {
    fn reset(&mut self) {
        self.first = 0;
        self.slots.clear();
    }

    fn release_before(&mut self, p: usize) {
        while self.first < p && !self.slots.is_empty() {
            self.slots.pop_front();
            self.first += 1;
        }
        if self.slots.is_empty() {
            self.first = self.first.max(p);
        }
    }

    /// Makes sure the profile of texts[start..start+len] (len 1..=3) is built; false when the
    /// window has moved past `start` (the caller then builds it itself).
    fn prepare(&mut self, texts: &[&str], sim: Similarity, start: usize, len: usize) -> bool {
        if start < self.first || len == 0 || len > 3 {
            return false;
        }
        while self.first + self.slots.len() < start + len {
            self.slots.push_back(Default::default());
        }
        for (p, text) in texts.iter().enumerate().skip(start).take(len) {
            let slot = &mut self.slots[p - self.first];
            if slot[0].is_none() {
                slot[0] = Some(sim.profile(text));
            }
        }
        if self.slots[start - self.first][len - 1].is_none() {
            let parts: Vec<&Profile> =
                (start..start + len).filter_map(|p| self.slots[p - self.first][0].as_ref()).collect();
            let merged = Profile::merged(&parts);
            self.slots[start - self.first][len - 1] = Some(merged);
        }
        true
    }

    fn profile(&self, start: usize, len: usize) -> Option<&Profile> {
        self.slots.get(start.checked_sub(self.first)?)?.get(len.checked_sub(1)?)?.as_ref()
    }
}

fn fresh_profile(texts: &[&str], sim: Similarity, start: usize, len: usize) -> Profile {
    let parts: Vec<Profile> = texts[start..start + len].iter().map(|t| sim.profile(t)).collect();
    Profile::merged(&parts.iter().collect::<Vec<_>>())
}

/// Costs of the sentence-level search in one block, with every similarity computed at most once.
struct Fine<'d, 'a> {
    doc: &'d Doc<'a>,
    src0: usize,
    tgt0: usize,
    band: Band,
    /// Similarity per (band node where the bead ends, bead type); NaN until computed.
    sims: Vec<f32>,
    src_window: Window,
    tgt_window: Window,
    row: usize,
}

fn type_index(di: usize, dj: usize) -> usize {
    FINE_TYPES.iter().position(|&t| t == (di, dj)).unwrap_or(0)
}

impl<'d, 'a> Fine<'d, 'a> {
    fn new(doc: &'d Doc<'a>, src: &Range<usize>, tgt: &Range<usize>, band: Band) -> Fine<'d, 'a> {
        let cells = if doc.has_mt() { band.cells() * FINE_TYPES.len() } else { 0 };
        Fine {
            doc,
            src0: src.start,
            tgt0: tgt.start,
            band,
            sims: vec![f32::NAN; cells],
            src_window: Window::default(),
            tgt_window: Window::default(),
            row: 0,
        }
    }

    fn start_pass(&mut self) {
        self.src_window.reset();
        self.tgt_window.reset();
        self.row = 0;
    }

    /// Similarity of local source i..i+di and target j..j+dj.
    fn sim(&mut self, i: usize, j: usize, di: usize, dj: usize) -> Option<f64> {
        let (Some(st), Some(tt)) = (&self.doc.src.text, &self.doc.tgt.text) else { return None };
        let slot = self.band.index(i + di, j + dj).map(|node| node * FINE_TYPES.len() + type_index(di, dj));
        if let Some(&s) = slot.and_then(|k| self.sims.get(k)) {
            if !s.is_nan() {
                return Some(s as f64);
            }
        }
        let row = i + di;
        if row > self.row {
            self.row = row;
            self.src_window.release_before((self.src0 + row).saturating_sub(3));
            let lo = self.band.row(row).start;
            self.tgt_window.release_before((self.tgt0 + lo).saturating_sub(3));
        }
        let sim = self.doc.similarity;
        let (si, tj) = (self.src0 + i, self.tgt0 + j);
        let s = match (self.src_window.prepare(st, sim, si, di), self.tgt_window.prepare(tt, sim, tj, dj)) {
            (true, true) => match (self.src_window.profile(si, di), self.tgt_window.profile(tj, dj)) {
                (Some(a), Some(b)) => sim.score(a, b),
                _ => sim.score(&fresh_profile(st, sim, si, di), &fresh_profile(tt, sim, tj, dj)),
            },
            _ => sim.score(&fresh_profile(st, sim, si, di), &fresh_profile(tt, sim, tj, dj)),
        };
        if let Some(k) = slot {
            self.sims[k] = s as f32;
        }
        Some(s)
    }

    fn evidence(&mut self, i: usize, j: usize, di: usize, dj: usize) -> Evidence {
        let mut e = self.doc.evidence(self.src0 + i, self.tgt0 + j, di, dj);
        e.sim = self.sim(i, j, di, dj);
        e
    }

    fn cost(&mut self, p: &Params, i: usize, j: usize, di: usize, dj: usize, limit: f64) -> f64 {
        if di == 0 || dj == 0 {
            return p.shape(di, dj);
        }
        let e = self.doc.evidence(self.src0 + i, self.tgt0 + j, di, dj);
        let base = p.shape(di, dj) - p.llr_without_sim(&e);
        let Some(d) = p.sim else { return base };
        // The similarity cannot exceed what the lengths allow: skip computing it when even that
        // would not beat the node's best so far.
        let (si, tj) = (self.src0 + i, self.tgt0 + j);
        let bound = self.doc.similarity.bound(&self.doc.src.units[si..si + di], &self.doc.tgt.units[tj..tj + dj]);
        let weight = p.sim_weight(&e);
        let best = base - weight * d.llr(bound);
        if best >= limit {
            return best;
        }
        match self.sim(i, j, di, dj) {
            Some(s) => base - weight * d.llr(s),
            None => base,
        }
    }

    /// The best 1-1 similarity within the band of every `step`-th source sentence.
    fn row_maxima(&mut self, step: usize) -> Vec<f64> {
        let mut out = Vec::new();
        for row in (1..=self.band.n()).step_by(step.max(1)) {
            let mut best = f64::NEG_INFINITY;
            for j in self.band.row(row).filter(|&j| j >= 1) {
                if let Some(s) = self.sim(row - 1, j - 1, 1, 1) {
                    best = best.max(s);
                }
            }
            if best.is_finite() {
                out.push(best);
            }
        }
        out
    }

    fn pass(&mut self, p: &Params) -> Vec<Step> {
        self.start_pass();
        let band = self.band.clone();
        let path = dp::best_path(&band, FINE_TYPES, &mut |i, j, di, dj, limit| self.cost(p, i, j, di, dj, limit));
        path.unwrap_or_else(|| all_deletions(band.n(), band.m()))
    }
}

fn all_deletions(n: usize, m: usize) -> Vec<Step> {
    let src = (0..n).map(|i| Step { src: i..i + 1, tgt: 0..0, cost: 0.0 });
    src.chain((0..m).map(|j| Step { src: n..n, tgt: j..j + 1, cost: 0.0 })).collect()
}

/// The blocks to align separately: paragraph pairs when both sides have the same structure
/// (as many paragraphs, each pair of plausible relative length), else the whole document.
fn blocks(src: &[Sentence], tgt: &[Sentence], doc: &Doc) -> Option<Vec<(Range<usize>, Range<usize>)>> {
    let spans = |s: &[Sentence]| -> Vec<Range<usize>> {
        let mut out: Vec<Range<usize>> = Vec::new();
        for (k, x) in s.iter().enumerate() {
            match out.last_mut() {
                Some(r) if s[r.start].paragraph == x.paragraph => r.end = k + 1,
                _ => out.push(k..k + 1),
            }
        }
        out
    };
    let (a, b) = (spans(src), spans(tgt));
    if a.len() != b.len() || a.len() < 2 {
        return None;
    }
    // A paragraph pair whose lengths differ by more than 6 standard deviations of Gale–Church's
    // residual is not a translation pair: the structures only look alike.
    let sd = cost::GALE_CHURCH_VARIANCE.sqrt();
    for (x, y) in a.iter().zip(&b) {
        let ls: f64 = doc.src.len[x.clone()].iter().sum();
        let lt: f64 = doc.tgt.len[y.clone()].iter().sum();
        if residual(ls, lt, doc.ratio).abs() > 6.0 * sd {
            return None;
        }
    }
    Some(a.into_iter().zip(b).collect())
}

/// The band for the sentence-level search of one block: everything when small, else the band
/// around the path found by coarse-to-fine search.
fn fine_band(doc: &Doc, src: &Range<usize>, tgt: &Range<usize>, opts: &Options, rng: &mut Rng) -> Band {
    let (n, m) = (src.len(), tgt.len());
    if (n + 1) * (m + 1) <= opts.full_cells || n == 0 || m == 0 {
        return Band::full(n, m);
    }
    let a = coarse::Side { len: &doc.src.len[src.clone()], vectors: &doc.src.dense[src.clone()] };
    let b = coarse::Side { len: &doc.tgt.len[tgt.clone()], vectors: &doc.tgt.dense[tgt.clone()] };
    coarse::band(a, b, doc.ratio, opts, rng)
}

/// Aligns source sentences with target sentences. `mt`: the machine translation of each source
/// sentence, when there is one. Every sentence ends up in exactly one bead.
pub fn align(src: &[Sentence], tgt: &[Sentence], mt: Option<&[String]>, opts: &Options) -> Alignment {
    let mt = mt.filter(|m| m.len() == src.len());
    let doc = Doc::new(src, tgt, mt, opts.similarity);
    let mut rng = Rng::new(opts.seed);
    let barrier_blocks = blocks(src, tgt, &doc);
    let barriers = barrier_blocks.is_some();
    let block_list = barrier_blocks.unwrap_or_else(|| vec![(0..src.len(), 0..tgt.len())]);

    let null = doc.null_sample(&mut rng);
    let mut fines: Vec<Fine> = block_list
        .iter()
        .map(|(s, t)| {
            let band = fine_band(&doc, s, t, opts, &mut rng);
            Fine::new(&doc, s, t, band)
        })
        .collect();

    // Provisional pass: the similarity's "translation" side from each sentence's best candidate.
    let sim_true = if doc.has_mt() {
        // A few thousand rows describe the distribution as well as all of them.
        let step = src.len().div_ceil(ROW_SAMPLES);
        let mut maxima: Vec<f64> = fines.iter_mut().flat_map(|f| f.row_maxima(step)).collect();
        cost::robust_spread(&mut maxima)
    } else {
        None
    };
    let provisional = Params::provisional(&null, sim_true);
    let mut truth = Vec::new();
    let mut shapes = Vec::new();
    for f in &mut fines {
        for s in f.pass(&provisional) {
            shapes.push((s.src.len(), s.tgt.len()));
            if s.src.len() == 1 && s.tgt.len() == 1 {
                truth.push(f.evidence(s.src.start, s.tgt.start, 1, 1));
            }
        }
    }
    let params = Params::calibrate(&truth, &null, &shapes, !barriers);

    let mut steps = Vec::new();
    let mut scores = Vec::new();
    for f in &mut fines {
        for s in f.pass(&params) {
            let score = if s.src.is_empty() || s.tgt.is_empty() {
                0.0
            } else {
                let e = f.evidence(s.src.start, s.tgt.start, s.src.len(), s.tgt.len());
                sigmoid(params.llr(&e)) as f32
            };
            steps.push(Step {
                src: s.src.start + f.src0..s.src.end + f.src0,
                tgt: s.tgt.start + f.tgt0..s.tgt.end + f.tgt0,
                cost: s.cost,
            });
            scores.push(score);
        }
    }
    Alignment { steps, scores, barriers, ratio: doc.ratio, params: Some(params) }
}

fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// Our Gale–Church baseline: lengths only, Gale and Church's variance and priors, the
/// document's character ratio, paragraphs as barriers when the structures match, exact search.
pub fn gale_church(src: &[Sentence], tgt: &[Sentence]) -> Vec<Step> {
    let doc = Doc::new(src, tgt, None, Similarity::Chrf);
    let block_list = blocks(src, tgt, &doc).unwrap_or_else(|| vec![(0..src.len(), 0..tgt.len())]);
    let types: &[(usize, usize)] = &[(1, 1), (1, 0), (0, 1), (2, 1), (1, 2), (2, 2)];
    let mut out = Vec::new();
    for (s, t) in block_list {
        let prefix = |lens: &[f64]| -> Vec<f64> {
            let mut sum = 0.0;
            std::iter::once(0.0)
                .chain(lens.iter().map(|l| {
                    sum += l;
                    sum
                }))
                .collect()
        };
        let (ps, pt) = (prefix(&doc.src.len[s.clone()]), prefix(&doc.tgt.len[t.clone()]));
        let band = Band::full(s.len(), t.len());
        let path = dp::best_path(&band, types, &mut |i, j, di, dj, _| {
            cost::gale_church(ps[i + di] - ps[i], pt[j + dj] - pt[j], doc.ratio, di, dj)
        })
        .unwrap_or_else(|| all_deletions(s.len(), t.len()));
        out.extend(path.into_iter().map(|p| Step {
            src: p.src.start + s.start..p.src.end + s.start,
            tgt: p.tgt.start + t.start..p.tgt.end + t.start,
            cost: p.cost,
        }));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentences(texts: &[&str], paras: &[usize]) -> Vec<Sentence> {
        texts
            .iter()
            .zip(paras)
            .enumerate()
            .map(|(id, (t, &p))| Sentence { id, text: t.to_string(), paragraph: p, span: None, line: 0 })
            .collect()
    }

    fn covers(steps: &[Step], n: usize, m: usize) {
        let (mut i, mut j) = (0, 0);
        for s in steps {
            assert_eq!((s.src.start, s.tgt.start), (i, j), "{steps:?}");
            i = s.src.end;
            j = s.tgt.end;
        }
        assert_eq!((i, j), (n, m));
    }

    #[test]
    fn oracle_mt_finds_a_merge_and_a_deletion() {
        let en = [
            "The minister arrived in Cairo on Monday.",
            "He met the president for two hours and discussed the water crisis and trade.",
            "Prices rose by 12 percent last year.",
            "The weather was hot.",
            "Officials said talks would continue next week in Geneva.",
        ];
        // Arabic side: sentence 1 is split in two, sentence 3 is missing.
        let ar = [
            "وصل الوزير إلى القاهرة يوم الاثنين.",
            "التقى بالرئيس لمدة ساعتين.",
            "وناقشا أزمة المياه والتجارة.",
            "ارتفعت الأسعار بنسبة 12 في المئة العام الماضي.",
            "قال مسؤولون إن المحادثات ستستمر الأسبوع المقبل في جنيف.",
        ];
        let mt: Vec<String> = vec![
            en[0].into(),
            "He met the president for two hours.".into(),
            "and discussed the water crisis and trade.".into(),
            en[2].into(),
            en[4].into(),
        ];
        let src = sentences(&ar, &[0; 5]);
        let tgt = sentences(&en, &[0; 5]);
        let a = align(&src, &tgt, Some(&mt), &Options::default());
        covers(&a.steps, 5, 5);
        let shapes: Vec<(usize, usize)> = a.steps.iter().map(|s| (s.src.len(), s.tgt.len())).collect();
        assert_eq!(shapes, vec![(1, 1), (2, 1), (1, 1), (0, 1), (1, 1)], "{:?}", a.steps);
        assert!(a.scores[0] > 0.5);
        assert_eq!(a.scores[3], 0.0);
    }

    #[test]
    fn empty_sides_and_no_mt_still_cover_everything() {
        let src = sentences(&["جملة.", "أخرى 5."], &[0, 0]);
        let a = align(&src, &[], None, &Options::default());
        covers(&a.steps, 2, 0);
        let tgt = sentences(&["One.", "Another 5."], &[0, 0]);
        let a = align(&[], &tgt, None, &Options::default());
        covers(&a.steps, 0, 2);
        let a = align(&src, &tgt, None, &Options::default());
        covers(&a.steps, 2, 2);
        covers(&gale_church(&src, &tgt), 2, 2);
    }

    /// A synthetic document pair: English sentences of random words, "Arabic" of random Arabic
    /// letters with a length near the English one, and the English as perfect MT; sentence 37
    /// of the English has no Arabic, and Arabic sentences 100 and 101 are one English sentence.
    fn synthetic(n: usize, seed: u64) -> (Vec<Sentence>, Vec<Sentence>, Vec<String>) {
        let mut rng = Rng::new(seed);
        let words = [
            "river", "council", "north", "price", "vote", "school", "storm", "bank", "train", "music", "doctor",
            "market",
        ];
        let english: Vec<String> = (0..n)
            .map(|k| {
                let len = 4 + rng.below(14);
                let mut s: Vec<String> = (0..len).map(|_| words[rng.below(words.len())].to_string()).collect();
                s.push(format!("{}.", k * 7 + 3));
                s.join(" ")
            })
            .collect();
        let arabic_of = |e: &str, rng: &mut Rng| -> String {
            let letters: Vec<char> = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي".chars().collect();
            e.split(' ')
                .map(|w| {
                    if w.ends_with('.') {
                        w.to_string()
                    } else {
                        (0..w.len()).map(|_| letters[rng.below(letters.len())]).collect()
                    }
                })
                .collect::<Vec<_>>()
                .join(" ")
        };
        let mut ar = Vec::new();
        let mut mt = Vec::new();
        for (k, e) in english.iter().enumerate() {
            match k {
                37 => {}
                100 => {
                    let (a, b) = e.split_at(e.find(' ').unwrap_or(0));
                    for part in [a.trim(), b.trim()] {
                        ar.push(arabic_of(part, &mut rng));
                        mt.push(part.to_string());
                    }
                }
                _ => {
                    ar.push(arabic_of(e, &mut rng));
                    mt.push(e.clone());
                }
            }
        }
        let sents = |v: &[String]| -> Vec<Sentence> {
            v.iter()
                .enumerate()
                .map(|(id, t)| Sentence { id, text: t.clone(), paragraph: 0, span: None, line: 0 })
                .collect()
        };
        (sents(&ar), sents(&english), mt)
    }

    #[test]
    fn long_documents_take_the_coarse_to_fine_path_and_still_find_everything() {
        let (src, tgt, mt) = synthetic(600, 3);
        // A tiny exact-search limit forces four coarse levels on 600 sentences.
        let opts = Options { full_cells: 40 * 40, ..Options::default() };
        for bridge in [Some(mt.as_slice()), None] {
            let a = align(&src, &tgt, bridge, &opts);
            covers(&a.steps, src.len(), tgt.len());
            let find = |s: &[usize], t: &[usize]| {
                a.steps.iter().any(|x| x.src.clone().eq(s.iter().copied()) && x.tgt.clone().eq(t.iter().copied()))
            };
            assert!(find(&[], &[37]), "the unmatched English sentence is a 0-1 bead");
            assert!(find(&[99, 100], &[100]), "the split sentence is a 2-1 bead");
            let right = a
                .steps
                .iter()
                .filter(|s| {
                    s.src.len() == 1
                        && s.tgt.len() == 1
                        && s.tgt.start == s.src.start + usize::from(s.src.start >= 37) - usize::from(s.src.start > 100)
                })
                .count();
            assert!(right >= 590, "{right} of 597 1-1 beads right (bridge: {})", bridge.is_some());
        }
    }

    proptest::proptest! {
        #[test]
        fn any_input_is_covered_exactly_once(
            src in proptest::collection::vec(("[ a-zه-ي0-9.?؟\u{200f}]{0,30}", 0usize..3), 0..25),
            tgt in proptest::collection::vec(("[ a-zA-Z0-9.?!\"]{0,30}", 0usize..3), 0..25),
            with_mt in proptest::bool::ANY,
        ) {
            let side = |v: &[(String, usize)]| -> Vec<Sentence> {
                let mut para = 0;
                v.iter().enumerate().map(|(id, (t, p))| {
                    para += p / 2;
                    Sentence { id, text: t.clone(), paragraph: para, span: None, line: 0 }
                }).collect()
            };
            let (s, t) = (side(&src), side(&tgt));
            let mt: Vec<String> = src.iter().map(|(x, _)| x.chars().rev().collect()).collect();
            let a = align(&s, &t, with_mt.then_some(mt.as_slice()), &Options { full_cells: 8 * 8, ..Options::default() });
            let aligned = crate::bead::Aligned {
                paragraphs: vec![],
                beads: super::super::bitext_beads(&a, &s, &t, &super::super::Thresholds::default()),
                source: s,
                target: t,
            };
            proptest::prop_assert_eq!(aligned.check(), Ok(()));
            proptest::prop_assert!(a.scores.iter().all(|x| (0.0..=1.0).contains(x)));
        }
    }

    #[test]
    fn same_paragraph_structure_makes_barriers() {
        let src = sentences(&["أ ب ج د.", "هـ و ز.", "ح ط ي ك ل."], &[0, 1, 1]);
        let tgt = sentences(&["A b c d e.", "F g h i.", "J k l m n o."], &[0, 1, 1]);
        let a = align(&src, &tgt, None, &Options::default());
        assert!(a.barriers);
        covers(&a.steps, 3, 3);
        let tgt_flat = sentences(&["A b c d e.", "F g h i.", "J k l m n o."], &[0, 0, 0]);
        assert!(!align(&src, &tgt_flat, None, &Options::default()).barriers);
    }
}
