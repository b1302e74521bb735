//! Hook for issue 8: a fuzz target for the aligner's dynamic programming (src/align/dp.rs), which
//! is not on this branch yet. When it lands, move this file to fuzz_targets/, add a [[bin]] named
//! `align_dp` to fuzz/Cargo.toml and `align_dp` to the target list in fuzz/run.sh, and adjust the
//! calls to the merged API (written against the bitext branch: `Band::full`, `best_path`,
//! `FINE_TYPES`, a `CostFn`).
//!
//! What it checks: for any grid size and any costs (finite, infinite, NaN), the search returns a
//! path or nothing, never panics, and a path starts at (0, 0), ends at (n, m), moves by the bead
//! types it was given, so every sentence of both sides is in exactly one bead.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nazir::align::dp::{best_path, Band, FINE_TYPES};

fuzz_target!(|data: &[u8]| {
    let (Some(&n), Some(&m)) = (data.first(), data.get(1)) else { return };
    let (n, m) = (n as usize % 40, m as usize % 40);
    let costs = &data[2..];
    // Cost of bead (i, j, type k): a byte of the input, scaled; 255 means impossible.
    let mut cost = |i: usize, j: usize, k: usize| -> f32 {
        let b = costs.get((i * 41 + j) * 8 + k).copied().unwrap_or(1);
        if b == 255 { f32::INFINITY } else { b as f32 / 16.0 }
    };
    let band = Band::full(n, m);
    if let Some(steps) = best_path(&band, FINE_TYPES, &mut cost) {
        let (mut i, mut j) = (0, 0);
        for s in &steps {
            assert!(FINE_TYPES.contains(&(s.i - i, s.j - j)));
            (i, j) = (s.i, s.j);
        }
        assert_eq!((i, j), (n, m));
    }
});
