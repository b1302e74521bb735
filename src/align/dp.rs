//! The alignment search: dynamic programming over bead types inside a band of the grid.
//!
//! Node (i, j) means "the first i source and j target sentences are aligned". A band says, for
//! each i, which j the path may visit: the full band is the exact search, a band around a coarse
//! path keeps time and memory linear (vecalign's coarse-to-fine). Costs come from a function, so
//! the search is tested on hand-made cost tables.

use std::ops::Range;

/// A bead shape: (source sentences, target sentences).
pub type BeadType = (usize, usize);

/// The shapes of the final search: 1-1, deletions, and the n-m beads translators produce.
pub const FINE_TYPES: &[BeadType] = &[(1, 1), (1, 0), (0, 1), (2, 1), (1, 2), (2, 2), (1, 3), (3, 1)];
/// The shapes of the coarse searches (vecalign's choice: 1-1 and deletions only).
pub const COARSE_TYPES: &[BeadType] = &[(1, 1), (1, 0), (0, 1)];

/// For each source position i in 0..=n, the inclusive range of target positions searched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Band {
    lo: Vec<usize>,
    hi: Vec<usize>,
    /// Index of cell (i, lo[i]) in row-major storage; one more entry holds the total.
    start: Vec<usize>,
    m: usize,
}

impl Band {
    fn from_bounds(lo: Vec<usize>, hi: Vec<usize>, m: usize) -> Band {
        let mut start = Vec::with_capacity(lo.len() + 1);
        let mut total = 0;
        for (l, h) in lo.iter().zip(&hi) {
            start.push(total);
            total += h + 1 - l;
        }
        start.push(total);
        Band { lo, hi, start, m }
    }

    /// Every node: the exact search.
    pub fn full(n: usize, m: usize) -> Band {
        Band::from_bounds(vec![0; n + 1], vec![m; n + 1], m)
    }

    /// The nodes within `width` rows or columns of a monotone path through `corners`, which must
    /// start at (0, 0) and end at (n, m). Straight segments join the corners (through a run of
    /// deletions or an n-m bead the order found at the coarser level means nothing).
    pub fn around(corners: &[(usize, usize)], n: usize, m: usize, width: usize) -> Band {
        let mut lo = vec![usize::MAX; n + 1];
        let mut hi = vec![0; n + 1];
        let mut mark = |i: usize, a: usize, b: usize| {
            lo[i] = lo[i].min(a);
            hi[i] = hi[i].max(b);
        };
        mark(0, 0, 0);
        mark(n, m, m);
        for w in corners.windows(2) {
            let ((i0, j0), (i1, j1)) = (w[0], w[1]);
            let (i1, j1) = (i1.clamp(i0, n), j1.clamp(j0, m));
            if i1 == i0 {
                mark(i0.min(n), j0.min(m), j1);
                continue;
            }
            let (di, dj) = (i1 - i0, j1 - j0);
            for i in i0..=i1 {
                let a = j0 + (i - i0) * dj / di;
                let b = (j0 + ((i + 1 - i0) * dj).div_ceil(di)).min(j1);
                mark(i, a, b.max(a));
            }
        }
        // Rows the corners skipped (they should not exist) take their neighbours' columns.
        for i in 1..=n {
            if lo[i] == usize::MAX {
                lo[i] = lo[i - 1];
                hi[i] = hi[i - 1];
            }
        }
        let mut dl = vec![0; n + 1];
        let mut dh = vec![0; n + 1];
        for i in 0..=n {
            let rows = i.saturating_sub(width)..=(i + width).min(n);
            dl[i] = rows.clone().map(|k| lo[k]).min().unwrap_or(0).saturating_sub(width);
            dh[i] = (rows.map(|k| hi[k]).max().unwrap_or(m) + width).min(m);
        }
        for i in 1..=n {
            dh[i] = dh[i].max(dh[i - 1]);
        }
        for i in (0..n).rev() {
            dl[i] = dl[i].min(dl[i + 1]);
        }
        Band::from_bounds(dl, dh, m)
    }

    /// Number of source positions (rows minus one).
    pub fn n(&self) -> usize {
        self.lo.len() - 1
    }
    pub fn m(&self) -> usize {
        self.m
    }
    /// Number of nodes searched.
    pub fn cells(&self) -> usize {
        self.start[self.lo.len()]
    }
    /// The target positions searched in row i.
    pub fn row(&self, i: usize) -> Range<usize> {
        self.lo[i]..self.hi[i] + 1
    }
    /// Storage index of node (i, j), if it is in the band.
    pub fn index(&self, i: usize, j: usize) -> Option<usize> {
        if i < self.lo.len() && j >= self.lo[i] && j <= self.hi[i] {
            Some(self.start[i] + j - self.lo[i])
        } else {
            None
        }
    }
}

/// One bead of the best path.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub src: Range<usize>,
    pub tgt: Range<usize>,
    pub cost: f64,
}

/// A bead's cost: `cost(i, j, di, dj, limit)` for source sentences i..i+di and target sentences
/// j..j+dj. When the cost is at least `limit` the function may return any value ≥ `limit`
/// (the bead cannot improve the node), which lets it skip expensive work.
pub trait CostFn {
    fn cost(&mut self, i: usize, j: usize, di: usize, dj: usize, limit: f64) -> f64;
}

impl<F: FnMut(usize, usize, usize, usize, f64) -> f64> CostFn for F {
    fn cost(&mut self, i: usize, j: usize, di: usize, dj: usize, limit: f64) -> f64 {
        self(i, j, di, dj, limit)
    }
}

/// The cheapest path from (0, 0) to (n, m) through the band, as beads of the given types; `None`
/// when no path of finite cost exists in the band. Time and memory are linear in the band's size.
pub fn best_path(band: &Band, types: &[BeadType], costs: &mut dyn CostFn) -> Option<Vec<Step>> {
    let (n, m) = (band.n(), band.m());
    // total[c]: cheapest cost of reaching node c; back[c]: index of the last bead's type.
    let mut total = vec![f64::INFINITY; band.cells()];
    let mut back = vec![u8::MAX; band.cells()];
    for i in 0..=n {
        for j in band.row(i) {
            let here = band.index(i, j).expect("j comes from the row's range");
            if i == 0 && j == 0 {
                total[here] = 0.0;
                continue;
            }
            let mut best = f64::INFINITY;
            let mut best_type = u8::MAX;
            for (t, &(di, dj)) in types.iter().enumerate() {
                if di > i || dj > j || di + dj == 0 {
                    continue;
                }
                let Some(prev) = band.index(i - di, j - dj) else { continue };
                let before = total[prev];
                if !before.is_finite() {
                    continue;
                }
                let c = costs.cost(i - di, j - dj, di, dj, best - before);
                if before + c < best {
                    best = before + c;
                    best_type = t as u8;
                }
            }
            total[here] = best;
            back[here] = best_type;
        }
    }
    let end = band.index(n, m)?;
    if !total[end].is_finite() {
        return None;
    }
    let mut steps = Vec::new();
    let (mut i, mut j) = (n, m);
    while i > 0 || j > 0 {
        let here = band.index(i, j)?;
        let (di, dj) = *types.get(back[here] as usize)?;
        let prev = band.index(i - di, j - dj)?;
        steps.push(Step { src: i - di..i, tgt: j - dj..j, cost: total[here] - total[prev] });
        i -= di;
        j -= dj;
    }
    steps.reverse();
    Some(steps)
}

/// The corners of a coarse path at the next finer level, where coarse unit u holds fine units
/// 2u and 2u + 1 (the last unit may hold one).
pub fn upsample(steps: &[Step], n: usize, m: usize) -> Vec<(usize, usize)> {
    let mut corners = vec![(0, 0)];
    for s in steps {
        let corner = ((2 * s.src.end).min(n), (2 * s.tgt.end).min(m));
        if corners.last() != Some(&corner) {
            corners.push(corner);
        }
    }
    if corners.last() != Some(&(n, m)) {
        corners.push((n, m));
    }
    corners
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Costs from a table: 1-1 beads cost `one[i][j]`, other shapes a fixed price.
    fn table(one: Vec<Vec<f64>>, del: f64, multi: f64) -> impl FnMut(usize, usize, usize, usize, f64) -> f64 {
        move |i, j, di, dj, _| match (di, dj) {
            (1, 1) => one[i][j],
            (1, 0) | (0, 1) => del,
            _ => multi,
        }
    }

    fn shapes(steps: &[Step]) -> Vec<(usize, usize)> {
        steps.iter().map(|s| (s.src.len(), s.tgt.len())).collect()
    }

    fn covers(steps: &[Step], n: usize, m: usize) -> bool {
        let (mut i, mut j) = (0, 0);
        for s in steps {
            if s.src.start != i || s.tgt.start != j || (s.src.is_empty() && s.tgt.is_empty()) {
                return false;
            }
            i = s.src.end;
            j = s.tgt.end;
        }
        i == n && j == m
    }

    #[test]
    fn cheap_diagonal_gives_one_to_one_beads() {
        let one = vec![vec![0.0, 5.0, 5.0], vec![5.0, 0.0, 5.0], vec![5.0, 5.0, 0.0]];
        let steps = best_path(&Band::full(3, 3), FINE_TYPES, &mut table(one, 3.0, 9.0)).unwrap();
        assert_eq!(shapes(&steps), vec![(1, 1); 3]);
        assert_eq!(steps.iter().map(|s| s.cost).sum::<f64>(), 0.0);
    }

    #[test]
    fn an_extra_sentence_becomes_a_deletion_or_a_merge_by_price() {
        // Three source sentences, two target: source 1 has no partner.
        let one = vec![vec![0.0, 5.0], vec![5.0, 5.0], vec![5.0, 0.0]];
        let steps = best_path(&Band::full(3, 2), FINE_TYPES, &mut table(one.clone(), 1.0, 9.0)).unwrap();
        assert_eq!(shapes(&steps), vec![(1, 1), (1, 0), (1, 1)]);
        let steps = best_path(&Band::full(3, 2), FINE_TYPES, &mut table(one, 4.0, 0.5)).unwrap();
        assert!(steps.iter().any(|s| s.src.len() == 2 && s.tgt.len() == 1), "{steps:?}");
    }

    #[test]
    fn empty_sides_are_all_deletions() {
        let steps = best_path(&Band::full(2, 0), FINE_TYPES, &mut table(vec![], 1.0, 1.0)).unwrap();
        assert_eq!(shapes(&steps), vec![(1, 0), (1, 0)]);
        assert_eq!(best_path(&Band::full(0, 0), FINE_TYPES, &mut table(vec![], 1.0, 1.0)).unwrap(), vec![]);
    }

    #[test]
    fn band_around_a_path_keeps_it_and_stays_narrow() {
        let corners: Vec<(usize, usize)> = (0..=100).map(|i| (i, i)).collect();
        let band = Band::around(&corners, 100, 100, 3);
        for i in 0..=100 {
            assert!(band.index(i, i).is_some());
            // Rows and columns both widen by 3: at most 4·3 + 2 nodes per row on a diagonal.
            assert!(band.row(i).len() <= 14, "row {i}: {:?}", band.row(i));
        }
        // A run of 40 target deletions is a horizontal segment: the band follows it.
        let band = Band::around(&[(0, 0), (10, 10), (10, 50), (60, 100)], 60, 100, 2);
        assert!(band.index(10, 30).is_some());
        assert!(band.index(0, 30).is_none());
    }

    #[test]
    fn limit_lets_the_cost_function_give_up_early() {
        let mut calls_above_limit = 0;
        let mut costs = |i: usize, j: usize, di: usize, dj: usize, limit: f64| {
            let c = if (di, dj) == (1, 1) && i == j { 0.0 } else { 10.0 };
            if c >= limit {
                calls_above_limit += 1;
                return limit.max(0.0) + 1e9;
            }
            c
        };
        let steps = best_path(&Band::full(4, 4), FINE_TYPES, &mut costs).unwrap();
        assert_eq!(shapes(&steps), vec![(1, 1); 4]);
        assert!(calls_above_limit > 0);
    }

    /// The exact optimum by exhaustive recursion (tiny sizes only).
    fn brute(i: usize, j: usize, n: usize, m: usize, cost: &dyn Fn(usize, usize, usize, usize) -> f64) -> f64 {
        if i == n && j == m {
            return 0.0;
        }
        FINE_TYPES
            .iter()
            .filter(|&&(di, dj)| i + di <= n && j + dj <= m)
            .map(|&(di, dj)| cost(i, j, di, dj) + brute(i + di, j + dj, n, m, cost))
            .fold(f64::INFINITY, f64::min)
    }

    proptest! {
        #[test]
        fn full_search_is_optimal_and_covers_everything(
            n in 0usize..5, m in 0usize..5, seed in any::<u64>()
        ) {
            let cost = move |i: usize, j: usize, di: usize, dj: usize| {
                let mut h = seed ^ ((i as u64) << 40 | (j as u64) << 20 | (di as u64) << 8 | dj as u64);
                h = h.wrapping_mul(0x9e37_79b9_7f4a_7c15);
                h ^= h >> 31;
                (h % 1000) as f64 / 100.0
            };
            let steps = best_path(&Band::full(n, m), FINE_TYPES, &mut |i, j, di, dj, _| cost(i, j, di, dj)).unwrap();
            prop_assert!(covers(&steps, n, m));
            let found: f64 = steps.iter().map(|s| s.cost).sum();
            prop_assert!((found - brute(0, 0, n, m, &cost)).abs() < 1e-9);
        }

        #[test]
        fn any_band_around_any_path_yields_a_covering_path(
            n in 0usize..60, m in 0usize..60, cuts in proptest::collection::vec((0usize..60, 0usize..60), 0..6),
            width in 0usize..4, seed in any::<u64>()
        ) {
            let mut corners: Vec<(usize, usize)> = cuts.into_iter().map(|(a, b)| (a.min(n), b.min(m))).collect();
            corners.sort();
            let mut monotone = vec![(0, 0)];
            for (a, b) in corners {
                let &(pa, pb) = monotone.last().unwrap();
                monotone.push((a.max(pa), b.max(pb)));
            }
            monotone.push((n, m));
            let band = Band::around(&monotone, n, m, width);
            for &(a, b) in &monotone {
                prop_assert!(band.index(a, b).is_some(), "corner {a},{b} outside the band");
            }
            let mut costs = |i: usize, j: usize, di: usize, dj: usize, _| ((seed ^ (i * 31 + j * 7 + di * 3 + dj) as u64) % 17) as f64;
            let steps = best_path(&band, FINE_TYPES, &mut costs);
            prop_assert!(steps.is_some());
            prop_assert!(covers(&steps.unwrap(), n, m));
        }
    }
}
