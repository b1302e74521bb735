//! The aligner's dynamic programming (src/align/dp.rs): for any grid size, band and costs
//! (finite, infinite, NaN), the search returns a path or nothing and never panics; a path starts
//! at (0, 0), ends at (n, m) and moves only by the bead types it was given, so every sentence of
//! both sides is in exactly one bead.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nazir::align::dp::{best_path, Band, COARSE_TYPES, FINE_TYPES};

fuzz_target!(|data: &[u8]| {
    let [n, m, shape, width, rest @ ..] = data else { return };
    let (n, m) = (*n as usize % 48, *m as usize % 48);
    let types = if shape & 1 == 0 { FINE_TYPES } else { COARSE_TYPES };
    // Half the inputs search a band around corners taken from the input, as the coarse-to-fine
    // search does; the others the full grid.
    let band = if shape & 2 == 0 {
        Band::full(n, m)
    } else {
        // A monotone path: both coordinates sorted on their own.
        let pairs: Vec<&[u8]> = rest.chunks_exact(2).take(8).collect();
        let mut is: Vec<usize> = pairs.iter().map(|p| p[0] as usize % (n + 1)).collect();
        let mut js: Vec<usize> = pairs.iter().map(|p| p[1] as usize % (m + 1)).collect();
        is.sort_unstable();
        js.sort_unstable();
        let mut corners = vec![(0, 0)];
        corners.extend(is.into_iter().zip(js));
        corners.push((n, m));
        Band::around(&corners, n, m, *width as usize % 6)
    };
    // Cost of a bead: a byte of the input; 255 is impossible, 254 is NaN.
    let mut cost = |i: usize, j: usize, di: usize, dj: usize, _limit: f64| -> f64 {
        match rest.get((i * 49 + j) * 4 + di * 2 + dj).copied().unwrap_or(1) {
            255 => f64::INFINITY,
            254 => f64::NAN,
            b => b as f64 / 16.0,
        }
    };
    if let Some(steps) = best_path(&band, types, &mut cost) {
        let (mut i, mut j) = (0, 0);
        for s in &steps {
            assert_eq!((s.src.start, s.tgt.start), (i, j), "beads follow each other");
            assert!(types.contains(&(s.src.len(), s.tgt.len())), "a bead of a type given");
            (i, j) = (s.src.end, s.tgt.end);
        }
        assert_eq!((i, j), (n, m), "the path ends at (n, m)");
    }
});
