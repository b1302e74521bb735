//! vecalign's alignment format: one `[i, j]:[k]:score` line per bead, 0-based sentence indices
//! (with `--segmented`, the indices of the input's non-blank lines), so outputs can be scored with
//! vecalign's `score.py` or compared with other aligners' output.
//!
//! The numbers are written as vecalign prints them: Python-style lists and six decimals.

use std::io::{self, Write};

use super::Writer;
use crate::bead::{Aligned, Sentence};

#[derive(Default)]
pub struct VecalignWriter;

fn list(sentences: &[Sentence]) -> String {
    let ids: Vec<String> = sentences.iter().map(|s| s.id.to_string()).collect();
    format!("[{}]", ids.join(", "))
}

impl Writer for VecalignWriter {
    fn write(&mut self, part: &Aligned, out: &mut dyn Write) -> io::Result<()> {
        for bead in &part.beads {
            writeln!(out, "{}:{}:{:.6}", list(part.src_of(bead)), list(part.tgt_of(bead)), bead.score)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::test_data::render;

    #[test]
    fn one_line_per_bead_with_ids_and_score() {
        assert_eq!(render(&mut VecalignWriter), "[0]:[0]:0.750000\n[1, 2]:[1]:0.500000\n[3]:[]:0.000000\n");
    }
}
