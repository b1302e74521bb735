//! Bead costs, in nats, and their calibration from the document being aligned.
//!
//! A bead's cost is minus the log-likelihood ratio of "these spans translate each other" against
//! "these spans were paired at random", summed over independent evidence (naive Bayes): the MT
//! similarity, the Gale–Church length residual, anchors and (when soft) paragraph starts; plus
//! minus the log prior of the bead's shape relative to 1-1. A deletion brings no evidence, so it
//! costs its shape's price alone. Every distribution is estimated from the document itself:
//! random pairs for the null, the beads of a provisional alignment for translations and shapes.

use super::features::{AnchorCounts, ANCHOR_KINDS};

/// Random pairs drawn to describe the null (vecalign draws 20,000 as well).
pub const NULL_SAMPLES: usize = 20_000;
/// Gale–Church's variance of the length residual per character (1993, measured on the Canadian
/// Hansards): the provisional value until the document's own is measured.
pub const GALE_CHURCH_VARIANCE: f64 = 6.8;

/// The bead shapes priced, in `dp::FINE_TYPES` order.
pub const SHAPES: [(usize, usize); 8] = [(1, 1), (1, 0), (0, 1), (2, 1), (1, 2), (2, 2), (1, 3), (3, 1)];

fn shape_index(di: usize, dj: usize) -> Option<usize> {
    SHAPES.iter().position(|&s| s == (di, dj))
}

/// The provisional prior of each bead shape: Gale and Church's measured frequencies (1-1 0.89,
/// 2-1 and 1-2 0.089 together, 2-2 0.011, deletions 0.0099 together); 1-3 and 3-1 (absent from
/// their table) get a tenth of 2-1. The document's own frequencies replace them (`calibrate`).
pub fn shape_prior(di: usize, dj: usize) -> f64 {
    match (di, dj) {
        (1, 1) => 0.89,
        (2, 1) | (1, 2) => 0.0445,
        (2, 2) => 0.011,
        (3, 1) | (1, 3) => 0.00445,
        (1, 0) | (0, 1) => 0.00495,
        _ => 0.001,
    }
}

/// What is known about a candidate bead with sentences on both sides.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Evidence {
    /// MT similarity, when there is MT (or the coarse vectors' cosine).
    pub sim: Option<f64>,
    /// Gale–Church residual: (l_t − c·l_s) / √((c·l_s + l_t) / 2), in target characters.
    pub z: f64,
    pub anchors: AnchorCounts,
    /// Paragraph starts at the bead's first sentences: 2·(source starts one) + (target starts one).
    pub para: u8,
    /// How much text the similarity compared (the shorter side, in its units); 0 if unknown.
    pub grams: f64,
}

/// The length residual of a bead (see `Evidence::z`); `ratio` is target characters per source
/// character in this document.
pub fn residual(src_len: f64, tgt_len: f64, ratio: f64) -> f64 {
    let expected = ratio * src_len;
    (tgt_len - expected) / ((expected + tgt_len) / 2.0).max(1.0).sqrt()
}

/// Two Gaussians with one variance (linear discriminant): the log-likelihood ratio is linear,
/// hence monotone, in the similarity.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Discriminant {
    pub mean_true: f64,
    pub mean_null: f64,
    pub variance: f64,
}

impl Discriminant {
    pub fn llr(&self, x: f64) -> f64 {
        (self.mean_true - self.mean_null) / self.variance * (x - (self.mean_true + self.mean_null) / 2.0)
    }
    /// From (median, variance) of both classes; `None` when the "true" class is no better than
    /// chance (the MT tells nothing in this document).
    pub fn new(truth: (f64, f64), null: (f64, f64)) -> Option<Discriminant> {
        let variance = ((truth.1 + null.1) / 2.0).max(1e-4);
        (truth.0 > null.0).then_some(Discriminant { mean_true: truth.0, mean_null: null.0, variance })
    }
}

/// Median and robust variance ((1.4826 · MAD)²) of a sample.
pub fn robust_spread(values: &mut [f64]) -> Option<(f64, f64)> {
    if values.is_empty() {
        return None;
    }
    let median = quantile(values, 0.5);
    let mut dev: Vec<f64> = values.iter().map(|v| (v - median).abs()).collect();
    let mad = quantile(&mut dev, 0.5);
    Some((median, (1.4826 * mad).powi(2)))
}

/// The q-quantile of a sample (nearest rank); sorts it.
pub fn quantile(values: &mut [f64], q: f64) -> f64 {
    values.sort_by(f64::total_cmp);
    let k = ((values.len() as f64 - 1.0) * q).round() as usize;
    values.get(k).copied().unwrap_or(0.0)
}

/// Everything the costs depend on, estimated per document.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    /// Variance of the length residual for translations and for random pairs.
    pub len_true: f64,
    pub len_null: f64,
    pub sim: Option<Discriminant>,
    /// Per anchor kind (`features::ANCHOR_KINDS`): the log-likelihood ratio of one matched item
    /// and of one unmatched item.
    pub anchors: [(f64, f64); ANCHOR_KINDS],
    /// Log-likelihood ratio of each paragraph-start event (all zero when paragraphs are barriers).
    pub para: [f64; 4],
    /// −ln(P(shape) / P(1-1)) for each of `SHAPES`: a 1-0 bead costs `shapes[1]` and nothing else.
    pub shapes: [f64; 8],
    /// The typical `Evidence::grams` of a translation: a shorter bead's similarity is noisier
    /// (a proportion over fewer n-grams), so its evidence is scaled down in proportion.
    pub sim_grams: f64,
}

fn gaussian_llr(x: f64, var_true: f64, var_null: f64) -> f64 {
    -x * x / (2.0 * var_true) + x * x / (2.0 * var_null) - 0.5 * (var_true / var_null).ln()
}

/// Log-likelihood ratio of a rate estimated from counts, with Jeffreys' half-count smoothing.
fn rate_llr(hits_true: f64, total_true: f64, hits_null: f64, total_null: f64) -> (f64, f64) {
    let p_true = (hits_true + 0.5) / (total_true + 1.0);
    let p_null = (hits_null + 0.5) / (total_null + 1.0);
    ((p_true / p_null).ln(), ((1.0 - p_true) / (1.0 - p_null)).ln())
}

impl Params {
    /// Evidence for a translation pair, similarity aside.
    pub fn llr_without_sim(&self, e: &Evidence) -> f64 {
        let mut llr = gaussian_llr(e.z, self.len_true, self.len_null);
        for (k, &(matched, unmatched)) in e.anchors.kinds.iter().enumerate() {
            llr += matched as f64 * self.anchors[k].0 + unmatched as f64 * self.anchors[k].1;
        }
        llr + self.para[e.para as usize & 3]
    }

    /// The weight of the similarity evidence of a bead: its variance grows as 1/grams below the
    /// typical size (the discriminant's variance is measured at the typical size).
    pub fn sim_weight(&self, e: &Evidence) -> f64 {
        if e.grams > 0.0 && self.sim_grams > 0.0 {
            (e.grams / self.sim_grams).min(1.0)
        } else {
            1.0
        }
    }

    pub fn llr(&self, e: &Evidence) -> f64 {
        self.llr_without_sim(e) + self.sim.zip(e.sim).map_or(0.0, |(d, s)| self.sim_weight(e) * d.llr(s))
    }

    /// The price of a bead shape relative to 1-1 (infinite for shapes not searched).
    pub fn shape(&self, di: usize, dj: usize) -> f64 {
        shape_index(di, dj).map_or(f64::INFINITY, |k| self.shapes[k])
    }

    /// A bead's cost: its shape's price minus its evidence (a deletion has no evidence).
    pub fn cost(&self, e: &Evidence, di: usize, dj: usize) -> f64 {
        if di == 0 || dj == 0 {
            self.shape(di, dj)
        } else {
            self.shape(di, dj) - self.llr(e)
        }
    }

    /// First guess before any alignment exists: lengths with Gale–Church's variance, the
    /// similarity discriminant from `sim_true` (the best candidate of each source sentence),
    /// no anchors or paragraphs yet.
    pub fn provisional(null: &[Evidence], sim_true: Option<(f64, f64)>) -> Params {
        Params {
            len_true: GALE_CHURCH_VARIANCE,
            len_null: null_len_variance(null),
            sim: sim_true.zip(null_sim(null)).and_then(|(t, n)| Discriminant::new(t, n)),
            anchors: [(0.0, 0.0); ANCHOR_KINDS],
            para: [0.0; 4],
            shapes: SHAPES.map(|(di, dj)| shape_penalty(di, dj)),
            sim_grams: median_grams(null),
        }
    }

    /// Estimates every term from `truth` (1-1 beads believed correct) against `null` (random
    /// pairs), and the shape prices from `shapes`, the shapes of a provisional alignment.
    /// `soft_paragraphs`: whether paragraph starts are evidence (otherwise they were barriers).
    pub fn calibrate(
        truth: &[Evidence],
        null: &[Evidence],
        shapes: &[(usize, usize)],
        soft_paragraphs: bool,
    ) -> Params {
        let mut z: Vec<f64> = truth.iter().map(|e| e.z).collect();
        let len_true = robust_spread(&mut z).map_or(GALE_CHURCH_VARIANCE, |(_, v)| v.max(0.5));
        let mut sims: Vec<f64> = truth.iter().filter_map(|e| e.sim).collect();
        let sim = robust_spread(&mut sims).zip(null_sim(null)).and_then(|(t, n)| Discriminant::new(t, n));
        let mut anchors = [(0.0, 0.0); ANCHOR_KINDS];
        for (k, a) in anchors.iter_mut().enumerate() {
            let sum = |set: &[Evidence]| {
                set.iter()
                    .fold((0.0, 0.0), |(m, u), e| (m + e.anchors.kinds[k].0 as f64, u + e.anchors.kinds[k].1 as f64))
            };
            let ((mt, ut), (mn, un)) = (sum(truth), sum(null));
            *a = rate_llr(mt, mt + ut, mn, mn + un);
        }
        let mut para = [0.0; 4];
        if soft_paragraphs {
            for (event, p) in para.iter_mut().enumerate() {
                let count = |set: &[Evidence]| set.iter().filter(|e| e.para as usize == event).count() as f64;
                *p = rate_llr(count(truth), truth.len() as f64, count(null), null.len() as f64).0;
            }
        }
        Params {
            len_true,
            len_null: null_len_variance(null),
            sim,
            anchors,
            para,
            shapes: shape_prices(shapes),
            sim_grams: median_grams(truth),
        }
    }
}

/// Shape prices from the shapes of an alignment of this document: frequencies with Jeffreys'
/// half count per shape, so a shape never seen stays possible at a price that grows (slowly)
/// with the document's length.
pub fn shape_prices(shapes: &[(usize, usize)]) -> [f64; 8] {
    let mut counts = [0.5f64; 8];
    for &(di, dj) in shapes {
        if let Some(k) = shape_index(di, dj) {
            counts[k] += 1.0;
        }
    }
    counts.map(|c| (counts[0] / c).ln())
}

/// −ln(prior(shape) / prior(1-1)).
pub fn shape_penalty(di: usize, dj: usize) -> f64 {
    (shape_prior(1, 1) / shape_prior(di, dj)).ln()
}

fn median_grams(set: &[Evidence]) -> f64 {
    let mut g: Vec<f64> = set.iter().map(|e| e.grams).filter(|&g| g > 0.0).collect();
    if g.is_empty() {
        0.0
    } else {
        quantile(&mut g, 0.5)
    }
}

fn null_len_variance(null: &[Evidence]) -> f64 {
    let mut z: Vec<f64> = null.iter().map(|e| e.z).collect();
    robust_spread(&mut z).map_or(100.0, |(_, v)| v.max(GALE_CHURCH_VARIANCE * 2.0))
}

fn null_sim(null: &[Evidence]) -> Option<(f64, f64)> {
    let mut s: Vec<f64> = null.iter().filter_map(|e| e.sim).collect();
    robust_spread(&mut s)
}

/// Gale and Church's cost of a bead from lengths alone, as in their paper (with the symmetric
/// denominator of their C code): −ln(2(1 − Φ(|δ|)) · prior(shape)), deletions included.
/// This is the baseline the evaluation compares against.
pub fn gale_church(src_len: f64, tgt_len: f64, ratio: f64, di: usize, dj: usize) -> f64 {
    let prior: f64 = match (di, dj) {
        (1, 1) => 0.89,
        (1, 0) | (0, 1) => 0.0099,
        (2, 1) | (1, 2) => 0.089,
        (2, 2) => 0.011,
        _ => return f64::INFINITY,
    };
    let mean = (src_len + tgt_len / ratio) / 2.0;
    let delta = if mean > 0.0 { (tgt_len - src_len * ratio) / (mean * GALE_CHURCH_VARIANCE).sqrt() } else { 0.0 };
    -ln_two_sided_tail(delta.abs()) - prior.ln()
}

/// ln(2 · (1 − Φ(x))) for x ≥ 0, accurate far into the tail.
pub fn ln_two_sided_tail(x: f64) -> f64 {
    // 2(1 − Φ(x)) = erfc(x/√2).
    ln_erfc(x / std::f64::consts::SQRT_2)
}

/// ln erfc(x) for x ≥ 0, in log space so the far tail never underflows: the Maclaurin series
/// of erf below 2, Laplace's continued fraction for erfc above.
fn ln_erfc(x: f64) -> f64 {
    let sqrt_pi = std::f64::consts::PI.sqrt();
    if x < 2.0 {
        // erf(x) = 2/√π Σ (−1)^k x^(2k+1) / (k! (2k+1)); 60 terms reach 1e-16 at x = 2.
        let (mut term, mut sum) = (x, x);
        for k in 1..60 {
            term *= -x * x / k as f64;
            sum += term / (2 * k + 1) as f64;
        }
        (1.0 - 2.0 / sqrt_pi * sum).ln()
    } else {
        // erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))).
        let mut fraction = x;
        for k in (1..60).rev() {
            fraction = x + (k as f64 / 2.0) / fraction;
        }
        -x * x - sqrt_pi.ln() - fraction.ln()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erfc_tail_matches_known_values() {
        // 2(1 − Φ(1.96)) = 0.05; 2(1 − Φ(0)) = 1; far tail stays finite.
        assert!((ln_two_sided_tail(1.96).exp() - 0.05).abs() < 1e-4);
        assert!(ln_two_sided_tail(0.0).abs() < 1e-6);
        assert!(ln_two_sided_tail(60.0).is_finite());
        assert!(ln_two_sided_tail(60.0) < ln_two_sided_tail(59.0));
    }

    #[test]
    fn gale_church_prefers_matching_lengths_and_prices_shapes() {
        assert!(gale_church(100.0, 100.0, 1.0, 1, 1) < gale_church(100.0, 160.0, 1.0, 1, 1));
        // Two sentences of 50 against one of 100: the 2-1 bead beats a 1-1 plus a deletion.
        let merged = gale_church(100.0, 100.0, 1.0, 2, 1);
        let split = gale_church(50.0, 100.0, 1.0, 1, 1) + gale_church(50.0, 0.0, 1.0, 1, 0);
        assert!(merged < split);
        // The document's ratio makes Arabic 80 ≈ English 100.
        assert!(gale_church(80.0, 100.0, 1.25, 1, 1) < gale_church(80.0, 100.0, 1.0, 1, 1));
    }

    fn ev(sim: f64, z: f64) -> Evidence {
        Evidence { sim: Some(sim), z, ..Default::default() }
    }

    #[test]
    fn calibration_separates_translations_from_random_pairs() {
        let truth: Vec<Evidence> = (0..200).map(|k| ev(0.8 + (k % 10) as f64 * 0.01, (k % 7) as f64 - 3.0)).collect();
        let null: Vec<Evidence> = (0..2000).map(|k| ev(0.1 + (k % 20) as f64 * 0.01, (k % 41) as f64 - 20.0)).collect();
        let shapes = [vec![(1, 1); 95], vec![(1, 0); 5]].concat();
        let p = Params::calibrate(&truth, &null, &shapes, false);
        assert!(p.len_true < p.len_null);
        assert!(p.llr(&ev(0.85, 0.0)) > 0.0);
        assert!(p.llr(&ev(0.15, 15.0)) < 0.0);
        // Two deletions are cheaper than keeping a random pair, dearer than dropping a translation.
        let deletions = p.cost(&ev(0.0, 0.0), 1, 0) + p.cost(&ev(0.0, 0.0), 0, 1);
        assert!((p.shape(1, 0) - (95.5f64 / 5.5).ln()).abs() < 1e-9);
        assert!(deletions < p.cost(&ev(0.15, 10.0), 1, 1));
        assert!(p.cost(&ev(0.85, 0.0), 1, 1) < deletions);
        assert!(p.shape(1, 3) > p.shape(1, 0), "never seen: dearer than seen");
    }

    #[test]
    fn short_beads_weigh_less() {
        let truth: Vec<Evidence> =
            (0..100).map(|k| Evidence { grams: 100.0, ..ev(0.8 + (k % 5) as f64 * 0.01, 0.0) }).collect();
        let null: Vec<Evidence> =
            (0..100).map(|k| Evidence { grams: 100.0, ..ev(0.1 + (k % 5) as f64 * 0.01, 0.0) }).collect();
        let p = Params::calibrate(&truth, &null, &[], false);
        let long = Evidence { grams: 200.0, ..ev(0.3, 0.0) };
        let short = Evidence { grams: 10.0, ..ev(0.3, 0.0) };
        assert!(p.llr(&short) > p.llr(&long), "a poor match of 10 characters says less than one of 200");
        assert_eq!(p.sim_weight(&long), 1.0);
    }

    #[test]
    fn useless_mt_is_ignored() {
        let same: Vec<Evidence> = (0..100).map(|k| ev(0.2 + (k % 5) as f64 * 0.01, 0.0)).collect();
        let p = Params::calibrate(&same, &same, &[], false);
        assert!(p.sim.is_none() || p.sim.unwrap().llr(1.0).abs() < 1e-6);
    }

    #[test]
    fn anchor_weights_reward_shared_numbers() {
        let mut t = Evidence::default();
        t.anchors.kinds[0] = (1, 0);
        let mut n = Evidence::default();
        n.anchors.kinds[0] = (0, 2);
        let truth = vec![t; 50];
        let null = vec![n; 500];
        let p = Params::calibrate(&truth, &null, &[], false);
        assert!(p.anchors[0].0 > 2.0, "{:?}", p.anchors);
        assert!(p.anchors[0].1 < -2.0);
    }
}
