//! The text decoder (`read::Lines`, `read::Paragraphs`): any bytes, in any encoding, arriving in
//! reads of any size, give the lines of the whole decoded text with their offsets, or one error.
//! Byte 0 picks the encoding, byte 1 the pattern of read sizes; the rest is the file.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nazir::read::testing::{reference_lines, Trickle};
use nazir::read::{Lines, Paragraphs, TextEncoding};

const LABELS: [&str; 6] = ["auto", "utf-8", "utf-16le", "utf-16be", "windows-1256", "iso-8859-6"];

fuzz_target!(|data: &[u8]| {
    let (Some(&enc), Some(&pattern)) = (data.first(), data.get(1)) else { return };
    let bytes = data[2..].to_vec();
    let encoding = TextEncoding::from_label(LABELS[enc as usize % LABELS.len()]).unwrap();
    // Reads of 1 to 16 bytes in a cycle of four sizes, or the whole input at once.
    let sizes: Vec<usize> =
        if pattern == 0 { vec![usize::MAX] } else { (0..4).map(|k| 1 + ((pattern as usize >> k) & 15)).collect() };
    let trickle = || Box::new(Trickle { data: bytes.clone(), pos: 0, sizes: sizes.clone(), k: 0 });

    let mut lines = Lines::new("fuzz".into(), trickle(), encoding);
    let mut got = Vec::new();
    let ok = loop {
        match lines.next_line() {
            Ok(Some(l)) => got.push((l.start, l.text)),
            Ok(None) => break true,
            Err(_) => break false,
        }
    };
    if ok {
        let (enc, skip) = match (encoding_rs::Encoding::for_bom(&bytes), encoding) {
            (Some((e, n)), TextEncoding::Auto) => (e, n),
            (Some((e, n)), TextEncoding::Explicit(x)) if e == x => (e, n),
            (_, e) => (e.encoding(), 0),
        };
        let decoded = enc
            .decode_without_bom_handling_and_without_replacement(&bytes[skip..])
            .expect("the reader accepted the input, so it decodes");
        assert!(!decoded.contains('\0'));
        // Short inputs never reach the 1 MiB line cap, so lines are exactly the reference's.
        assert_eq!(got, reference_lines(&decoded));
    }

    // Paragraphs: in order, inside the text, never empty.
    let mut last_end = 0;
    for p in Paragraphs::new(Lines::new("fuzz".into(), trickle(), encoding)) {
        let Ok(p) = p else { break };
        assert!(!p.text.trim().is_empty());
        assert!(p.start >= last_end, "paragraphs out of order");
        assert_eq!(p.line_starts.first(), Some(&p.start));
        last_end = p.start + p.text.split('\n').next().unwrap_or("").len();
    }
});
