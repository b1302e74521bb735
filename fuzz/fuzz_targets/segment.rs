//! The segmenter: any text, with our Arabic and English rules, splits into trimmed, ordered,
//! non-overlapping sentences that leave out only whitespace. (The SRX engine has its own target;
//! our exported rules on it are a property test: with hundreds of rules it runs ~100 inputs/s.)
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use nazir::bead::Paragraph;
use nazir::segment::{Lang, Segmenter};

fn segmenters() -> &'static Vec<Segmenter> {
    static CELL: OnceLock<Vec<Segmenter>> = OnceLock::new();
    CELL.get_or_init(|| vec![Segmenter::new(Lang::Arabic), Segmenter::new(Lang::English)])
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for seg in segmenters() {
        let ranges = seg.split(text);
        let mut last = 0;
        for r in &ranges {
            assert!(r.start >= last && r.start < r.end && r.end <= text.len(), "{ranges:?}");
            assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
            assert!(text[last..r.start].trim().is_empty(), "text lost before {r:?}");
            let s = &text[r.clone()];
            assert_eq!(s.trim(), s);
            last = r.end;
        }
        assert!(text[last..].trim().is_empty(), "text lost at the end");
        // Sentences of a paragraph: spans point into the input.
        let starts: Vec<usize> = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        let p = Paragraph { index: 0, text: text.to_string(), start: 0, line: 1, line_starts: starts };
        for s in seg.sentences(&p, 0) {
            let span = s.span.expect("sentences from text have spans");
            assert!(span.start <= span.end && span.end <= text.len());
        }
    }
});
