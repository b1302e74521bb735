//! The coarse levels of the search over a long block (vecalign's coarse-to-fine).
//!
//! A unit at level k is 2^k consecutive sentences with their lengths and hashed bag-of-words
//! vectors summed; each level is searched with 1-1 beads and deletions inside the band that the
//! level above found, calibrated on itself like the sentence level, so the whole descent costs
//! time and memory linear in the block's length.

use super::bitext::Options;
use super::cost::{self, residual, Evidence, Params, NULL_SAMPLES};
use super::dp::{self, Band, Step, COARSE_TYPES};
use super::features::DENSE_DIM;
use super::Rng;

/// A block's units at one coarse level: summed lengths and vectors.
struct Units {
    len: Vec<f64>,
    raw: Vec<[f32; DENSE_DIM]>,
}

impl Units {
    fn halve(&self) -> Units {
        Units::pairs(&self.len, &self.raw)
    }

    /// Units of two consecutive items each (the last may hold one).
    fn pairs(lens: &[f64], vectors: &[[f32; DENSE_DIM]]) -> Units {
        let mut len = Vec::with_capacity(lens.len().div_ceil(2));
        let mut raw = Vec::with_capacity(len.capacity());
        for k in (0..lens.len()).step_by(2) {
            let mut v = vectors[k];
            let mut l = lens[k];
            if let Some(w) = vectors.get(k + 1) {
                for (x, y) in v.iter_mut().zip(w) {
                    *x += y;
                }
                l += lens[k + 1];
            }
            len.push(l);
            raw.push(v);
        }
        Units { len, raw }
    }

    /// Vectors centred on the level's mean and scaled to length 1; empty ones stay zero, so
    /// that two blocks without words or anchors are not "similar".
    fn normalised(&self) -> Vec<[f32; DENSE_DIM]> {
        let mut mean = [0f32; DENSE_DIM];
        let live: Vec<&[f32; DENSE_DIM]> = self.raw.iter().filter(|v| v.iter().any(|&x| x != 0.0)).collect();
        for v in &live {
            for (m, x) in mean.iter_mut().zip(v.iter()) {
                *m += x / live.len() as f32;
            }
        }
        self.raw
            .iter()
            .map(|v| {
                if v.iter().all(|&x| x == 0.0) {
                    return [0.0; DENSE_DIM];
                }
                let mut c = [0f32; DENSE_DIM];
                for k in 0..DENSE_DIM {
                    c[k] = v[k] - mean[k];
                }
                let norm = c.iter().map(|x| x * x).sum::<f32>().sqrt();
                if norm > 0.0 {
                    c.iter_mut().for_each(|x| *x /= norm);
                }
                c
            })
            .collect()
    }
}

/// One coarse level's search, calibrated on itself like the sentence level.
fn coarse_pass(src: &Units, tgt: &Units, ratio: f64, band: &Band, rng: &mut Rng) -> Option<Vec<Step>> {
    let (vs, vt) = (src.normalised(), tgt.normalised());
    let evidence = |i: usize, j: usize| Evidence {
        sim: Some(vs[i].iter().zip(&vt[j]).map(|(a, b)| (a * b) as f64).sum()),
        z: residual(src.len[i], tgt.len[j], ratio),
        ..Default::default()
    };
    let (n, m) = (src.len.len(), tgt.len.len());
    let null: Vec<Evidence> = if n * m <= NULL_SAMPLES {
        (0..n).flat_map(|i| (0..m).map(move |j| (i, j))).map(|(i, j)| evidence(i, j)).collect()
    } else {
        (0..NULL_SAMPLES).map(|_| evidence(rng.below(n), rng.below(m))).collect()
    };
    let mut maxima: Vec<f64> = (1..=n)
        .filter_map(|row| {
            band.row(row).filter(|&j| j >= 1).map(|j| evidence(row - 1, j - 1).sim.unwrap_or(0.0)).reduce(f64::max)
        })
        .collect();
    let provisional = Params::provisional(&null, cost::robust_spread(&mut maxima));
    let run = |p: &Params| {
        dp::best_path(band, COARSE_TYPES, &mut |i, j, di, dj, _| {
            if di == 0 || dj == 0 {
                p.shape(di, dj)
            } else {
                p.cost(&evidence(i, j), di, dj)
            }
        })
    };
    let first = run(&provisional)?;
    let truth: Vec<Evidence> = first
        .iter()
        .filter(|s| s.src.len() == 1 && s.tgt.len() == 1)
        .map(|s| evidence(s.src.start, s.tgt.start))
        .collect();
    let shapes: Vec<(usize, usize)> = first.iter().map(|s| (s.src.len(), s.tgt.len())).collect();
    run(&Params::calibrate(&truth, &null, &shapes, false))
}

/// One side of a block at the sentence level: lengths and hashed vectors.
pub struct Side<'a> {
    pub len: &'a [f64],
    pub vectors: &'a [[f32; DENSE_DIM]],
}

/// The band of the sentence-level search: halve both sides until an exact search is cheap
/// (`opts.full_cells`), search that level, then refine a band around each level's path
/// (`opts.width` rows and columns) down to the sentences.
pub fn band(src: Side, tgt: Side, ratio: f64, opts: &Options, rng: &mut Rng) -> Band {
    let (n, m) = (src.len.len(), tgt.len.len());
    // Level 1 (pairs of sentences) upwards; level 0 is the sentences themselves.
    let mut levels = vec![(Units::pairs(src.len, src.vectors), Units::pairs(tgt.len, tgt.vectors))];
    loop {
        let (s, t) = levels.last().expect("starts with one level");
        if (s.len.len() + 1) * (t.len.len() + 1) <= opts.full_cells || s.len.len() < 2 || t.len.len() < 2 {
            break;
        }
        let next = (s.halve(), t.halve());
        levels.push(next);
    }
    let top = levels.len() - 1;
    let (s, t) = &levels[top];
    let mut band = Band::full(s.len.len(), t.len.len());
    for level in (0..=top).rev() {
        let (s, t) = &levels[level];
        // The finer level's size: level − 1, or the sentences for level 0.
        let (fn_, fm) =
            if level == 0 { (n, m) } else { (levels[level - 1].0.len.len(), levels[level - 1].1.len.len()) };
        let corners = match coarse_pass(s, t, ratio, &band, rng) {
            Some(steps) => dp::upsample(&steps, fn_, fm),
            None => vec![(0, 0), (fn_, fm)],
        };
        band = Band::around(&corners, fn_, fm, opts.width);
    }
    band
}
