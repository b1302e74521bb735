//! The text decoder (`read::Lines`, `read::Paragraphs`): any bytes, in any encoding, arriving in
//! reads of any size, give the lines of the whole decoded text with their offsets, or one error.
//! Byte 0 picks the encoding, byte 1 the pattern of read sizes; the rest is the file.
#![no_main]

use std::io::{self, Read};

use libfuzzer_sys::fuzz_target;
use nazir::read::{Lines, Paragraphs, TextEncoding};

const LABELS: [&str; 6] = ["auto", "utf-8", "utf-16le", "utf-16be", "windows-1256", "iso-8859-6"];

/// Hands out the input in reads of 1 to 16 bytes, or whole.
struct Trickle {
    data: Vec<u8>,
    pos: usize,
    pattern: u8,
    k: usize,
}

impl Read for Trickle {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let size = if self.pattern == 0 { usize::MAX } else { 1 + ((self.pattern as usize >> (self.k % 4)) & 15) };
        self.k += 1;
        let n = size.min(buf.len()).min(self.data.len() - self.pos);
        buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

fn reference_lines(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let (mut start, mut i) = (0, 0);
    let b = text.as_bytes();
    while i < b.len() {
        if b[i] == b'\n' || b[i] == b'\r' {
            out.push((start, text[start..i].to_string()));
            i += if b[i] == b'\r' && b.get(i + 1) == Some(&b'\n') { 2 } else { 1 };
            start = i;
        } else {
            i += 1;
        }
    }
    if start < b.len() {
        out.push((start, text[start..].to_string()));
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let (Some(&enc), Some(&pattern)) = (data.first(), data.get(1)) else { return };
    let bytes = data[2..].to_vec();
    let encoding = TextEncoding::from_label(LABELS[enc as usize % LABELS.len()]).unwrap();
    let trickle = || Box::new(Trickle { data: bytes.clone(), pos: 0, pattern, k: 0 });

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
