//! The model.bin validator and the SentencePiece piece reader: any bytes give a layout or an
//! error, never a panic, an overflow or an allocation the file's size does not justify.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nazir::translate::{model_bin, vocab_check};

fuzz_target!(|data: &[u8]| {
    if let Ok(bin) = model_bin::parse_bytes(data) {
        let mut end = 0;
        for v in &bin.variables {
            assert!(v.offset >= end && v.offset + v.bytes <= data.len() as u64, "{v:?}");
            end = v.offset + v.bytes;
        }
        for vocab in [(0, 0), (1, 1), (12, 12), (usize::MAX, 3)] {
            let _ = bin.check_transformer(vocab);
        }
        let _ = bin.kind_problem();
    }
    let _ = vocab_check::spm_pieces(data);
});
