//! Bytes → paragraphs, streaming.
//!
//! The input is decoded chunk by chunk (UTF-8 by default, with or without BOM; a UTF-16 BOM is
//! honoured; legacy code pages with `--encoding`), split into lines (LF, CRLF or a lone CR), and
//! lines are grouped into paragraphs: blank lines separate blocks, and inside a block each list
//! item, heading or caption line is a unit of its own while hard-wrapped lines are joined. Memory
//! holds one block at a time (at most `MAX_BLOCK_BYTES`), never the whole file: a longer line is
//! cut into pieces (`MAX_LINE_BYTES`). Nothing is decoded by guesswork: input that is not what the
//! encoding says is refused with the byte offset and the flag that fixes it.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use encoding_rs::{Decoder, DecoderResult, Encoding};

use crate::bead::{Paragraph, Sentence};

/// A block longer than this is cut into paragraphs at line boundaries, so a file with no blank
/// lines (one sentence per line, or a crawl) does not have to fit in memory.
const MAX_BLOCK_BYTES: usize = 1 << 20;
/// A line longer than this (a crawl's page on one line, a file with no line breaks) is handed
/// out in pieces of at most this many bytes, cut after a sentence end or at a space when there is
/// one in the last quarter of the piece, so memory stays bounded whatever the input.
pub const MAX_LINE_BYTES: usize = MAX_BLOCK_BYTES;
const CHUNK: usize = 64 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read {path}: {source}")]
    Io { path: String, source: io::Error },
    #[error("cannot read {path}: it is a directory")]
    IsDirectory { path: String },
    #[error("cannot read {path}: invalid {encoding} at byte {offset} (line {line}){hint}")]
    Malformed { path: String, encoding: &'static str, offset: u64, line: usize, hint: &'static str },
    #[error("cannot read {path}: looks like a binary file (NUL byte at byte {offset})")]
    Binary { path: String, offset: u64 },
    #[error("cannot read {path}: looks like {encoding} without a byte-order mark; use --encoding {label}")]
    Utf16WithoutBom { path: String, encoding: &'static str, label: &'static str },
    #[error(
        "cannot read {path}: it starts with a {bom} byte-order mark, but --encoding {asked} was given; drop --encoding"
    )]
    BomConflict { path: String, bom: &'static str, asked: &'static str },
    #[error("cannot read {path}: it is UTF-8 (byte {offset} starts a UTF-8 sequence), but --encoding {asked} was given and would garble it; drop --encoding")]
    ActuallyUtf8 { path: String, offset: u64, asked: &'static str },
    #[error("unknown encoding {0:?}; use utf-8, utf-16le, utf-16be, windows-1256 or iso-8859-6")]
    UnknownEncoding(String),
}

/// What to try when UTF-8 decoding fails: Arabic office files are often in a legacy code page.
const LEGACY_HINT: &str =
    "; if the file is in a legacy Arabic code page, try --encoding windows-1256 or --encoding iso-8859-6";

/// Which encoding to decode the input with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextEncoding {
    /// UTF-8, unless a UTF-16 BOM says otherwise.
    Auto,
    Explicit(&'static Encoding),
}

impl TextEncoding {
    pub fn from_label(label: &str) -> Result<TextEncoding, ReadError> {
        if label.eq_ignore_ascii_case("auto") {
            return Ok(TextEncoding::Auto);
        }
        // "replacement" (the WHATWG label of ISO-2022-KR and others) decodes every input to an
        // error, and x-user-defined is not text: neither is an encoding anyone means.
        Encoding::for_label(label.as_bytes())
            .filter(|e| *e != encoding_rs::REPLACEMENT && *e != encoding_rs::X_USER_DEFINED)
            .map(TextEncoding::Explicit)
            .ok_or_else(|| ReadError::UnknownEncoding(label.to_string()))
    }

    /// The encoding used when the input has no BOM.
    pub fn encoding(self) -> &'static Encoding {
        match self {
            TextEncoding::Auto => encoding_rs::UTF_8,
            TextEncoding::Explicit(e) => e,
        }
    }
}

/// Where text comes from: a file, or standard input for "-".
pub enum Source {
    File(PathBuf),
    Stdin,
}

impl Source {
    pub fn from_arg(arg: &Path) -> Source {
        if arg.as_os_str() == "-" {
            Source::Stdin
        } else {
            Source::File(arg.to_path_buf())
        }
    }
    pub fn name(&self) -> String {
        match self {
            Source::File(p) => p.display().to_string(),
            Source::Stdin => "<stdin>".to_string(),
        }
    }
    fn open(&self) -> Result<Box<dyn Read + Send>, ReadError> {
        match self {
            Source::Stdin => Ok(Box::new(io::stdin())),
            Source::File(path) => {
                let err = |source| ReadError::Io { path: path.display().to_string(), source };
                if path.is_dir() {
                    return Err(ReadError::IsDirectory { path: path.display().to_string() });
                }
                Ok(Box::new(File::open(path).map_err(err)?))
            }
        }
    }
}

/// One decoded line, without its terminator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub text: String,
    /// Byte offset of the line in the decoded text.
    pub start: usize,
    /// 1-based.
    pub number: usize,
}

/// Decodes a byte stream incrementally and hands out lines.
pub struct Lines {
    name: String,
    reader: Box<dyn Read + Send>,
    encoding: TextEncoding,
    decoder: Option<Decoder>,
    raw: Vec<u8>,
    raw_len: usize,
    raw_pos: usize,
    /// Bytes of raw input consumed by the decoder so far.
    raw_offset: u64,
    eof: bool,
    /// Decoded text not yet handed out as lines.
    pending: String,
    pending_pos: usize,
    /// Decoded byte offset of `pending[0]`.
    pending_offset: usize,
    line_number: usize,
    /// Set when the previous chunk ended in '\r': a following '\n' belongs to that line end.
    skip_lf: bool,
    /// Bytes of `pending[pending_pos..]` already searched for a line end, so a long line is
    /// scanned once, not once per chunk (which was quadratic).
    scanned: usize,
}

impl Lines {
    pub fn open(source: &Source, encoding: TextEncoding) -> Result<Lines, ReadError> {
        Ok(Lines::new(source.name(), source.open()?, encoding))
    }

    pub fn new(name: String, reader: Box<dyn Read + Send>, encoding: TextEncoding) -> Lines {
        Lines {
            name,
            reader,
            encoding,
            decoder: None,
            raw: vec![0; CHUNK],
            raw_len: 0,
            raw_pos: 0,
            raw_offset: 0,
            eof: false,
            pending: String::new(),
            pending_pos: 0,
            pending_offset: 0,
            line_number: 0,
            skip_lf: false,
            scanned: 0,
        }
    }

    fn io_err(&self, source: io::Error) -> ReadError {
        ReadError::Io { path: self.name.clone(), source }
    }

    fn fill_raw(&mut self) -> Result<(), ReadError> {
        if self.raw_pos < self.raw_len {
            // Keep unconsumed bytes at the front.
            self.raw.copy_within(self.raw_pos..self.raw_len, 0);
            self.raw_len -= self.raw_pos;
        } else {
            self.raw_len = 0;
        }
        self.raw_pos = 0;
        while self.raw_len < self.raw.len() {
            match self.reader.read(&mut self.raw[self.raw_len..]) {
                Ok(0) => {
                    self.eof = true;
                    break;
                }
                Ok(n) => {
                    self.raw_len += n;
                    // One read is enough unless we have almost nothing (BOM sniffing wants 3).
                    if self.raw_len >= 4 {
                        break;
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(self.io_err(e)),
            }
        }
        Ok(())
    }

    /// Chooses the decoder from the BOM and the asked encoding, refusing combinations that
    /// would decode to garbage without an error (see `check_start`).
    fn make_decoder(&mut self) -> Result<(), ReadError> {
        let bytes = &self.raw[..self.raw_len];
        let unicode =
            |e: &'static Encoding| [encoding_rs::UTF_8, encoding_rs::UTF_16LE, encoding_rs::UTF_16BE].contains(&e);
        let (encoding, bom) = match (Encoding::for_bom(bytes), self.explicit()) {
            (Some((enc, len)), None) => (enc, len),
            (Some((enc, len)), Some(asked)) if enc == asked => (enc, len),
            // A BOM that contradicts the asked encoding: the file is in the BOM's encoding. (A
            // UTF-16 "BOM" before a legacy code page may be text: FF FE is "ے" and RLM in
            // windows-1256.)
            (Some((enc, _)), Some(asked)) if enc == encoding_rs::UTF_8 || unicode(asked) => {
                return Err(ReadError::BomConflict { path: self.name.clone(), bom: enc.name(), asked: asked.name() })
            }
            (_, asked) => (asked.unwrap_or(encoding_rs::UTF_8), 0),
        };
        if bom == 0 {
            check_start(&self.name, bytes, encoding, self.explicit())?;
        }
        self.raw_pos = bom;
        self.raw_offset = bom as u64;
        self.decoder = Some(encoding.new_decoder_without_bom_handling());
        Ok(())
    }

    fn explicit(&self) -> Option<&'static Encoding> {
        match self.encoding {
            TextEncoding::Auto => None,
            TextEncoding::Explicit(e) => Some(e),
        }
    }

    /// Decodes more text into `pending`. Returns false at the end of input.
    fn decode_more(&mut self) -> Result<bool, ReadError> {
        if self.eof && self.raw_pos >= self.raw_len && self.decoder.is_none() {
            return Ok(false);
        }
        if self.raw_pos >= self.raw_len && !self.eof {
            self.fill_raw()?;
        }
        if self.decoder.is_none() {
            if self.raw_len == 0 && self.eof {
                return Ok(false);
            }
            self.make_decoder()?;
        }
        let last = self.eof;
        let decoder = self.decoder.as_mut().expect("created above");
        let encoding_name = decoder.encoding().name();
        let src = &self.raw[self.raw_pos..self.raw_len];
        let before = self.pending.len();
        self.pending.reserve(src.len() * 3 + 16);
        let (result, read) = decoder.decode_to_string_without_replacement(src, &mut self.pending, last);
        let consumed_before = self.raw_offset;
        self.raw_pos += read;
        self.raw_offset += read as u64;
        if let Some(nul) = self.pending[before..].find('\0') {
            // Report the raw offset of the NUL: exact for UTF-8 and single-byte encodings.
            let offset = consumed_before + self.pending[before..before + nul].len() as u64;
            return Err(ReadError::Binary { path: self.name.clone(), offset: offset.min(self.raw_offset) });
        }
        match result {
            DecoderResult::Malformed(bad, extra) => {
                let offset = self.raw_offset - extra as u64 - bad as u64;
                let line = self.line_number + 1 + self.pending[self.pending_pos..].matches('\n').count();
                let hint = if encoding_name == "UTF-8" { LEGACY_HINT } else { "" };
                Err(ReadError::Malformed { path: self.name.clone(), encoding: encoding_name, offset, line, hint })
            }
            DecoderResult::InputEmpty => {
                if last {
                    self.decoder = None;
                    self.raw_len = 0;
                    self.raw_pos = 0;
                }
                Ok(true)
            }
            DecoderResult::OutputFull => Ok(true),
        }
    }

    /// The next line, or `None` at the end of input. A line longer than `MAX_LINE_BYTES` comes
    /// in pieces that share its line number.
    pub fn next_line(&mut self) -> Result<Option<Line>, ReadError> {
        loop {
            let rest = &self.pending[self.pending_pos..];
            if self.skip_lf && !rest.is_empty() {
                self.skip_lf = false;
                if rest.starts_with('\n') {
                    self.pending_pos += 1;
                    continue;
                }
            }
            if let Some(found) = rest[self.scanned..].find(['\n', '\r']) {
                let end = self.scanned + found;
                let text = rest[..end].to_string();
                let terminator = rest.as_bytes()[end];
                let start = self.pending_offset + self.pending_pos;
                self.pending_pos += end + 1;
                self.scanned = 0;
                if terminator == b'\r' {
                    if self.pending_pos < self.pending.len() {
                        if self.pending.as_bytes()[self.pending_pos] == b'\n' {
                            self.pending_pos += 1;
                        }
                    } else {
                        self.skip_lf = true;
                    }
                }
                self.line_number += 1;
                return Ok(Some(Line { text, start, number: self.line_number }));
            }
            self.scanned = rest.len();
            if rest.len() >= MAX_LINE_BYTES {
                let cut = piece_end(rest, MAX_LINE_BYTES);
                let text = rest[..cut].to_string();
                let start = self.pending_offset + self.pending_pos;
                self.pending_pos += cut;
                self.scanned -= cut;
                return Ok(Some(Line { text, start, number: self.line_number + 1 }));
            }
            // No complete line: compact and decode more.
            if self.pending_pos > 0 {
                self.pending_offset += self.pending_pos;
                self.pending.drain(..self.pending_pos);
                self.pending_pos = 0;
            }
            if !self.decode_more()? {
                if self.pending.is_empty() {
                    return Ok(None);
                }
                let text = std::mem::take(&mut self.pending);
                let start = self.pending_offset;
                self.pending_offset += text.len();
                self.scanned = 0;
                self.line_number += 1;
                return Ok(Some(Line { text, start, number: self.line_number }));
            }
        }
    }
}

/// Where to end a piece of an over-long line: after a sentence end and its space, else after a
/// space, in the last quarter of the first `max` bytes; else at the last character boundary.
fn piece_end(text: &str, max: usize) -> usize {
    let mut limit = max.min(text.len());
    while !text.is_char_boundary(limit) {
        limit -= 1;
    }
    let window = &text[..limit];
    let mut window_start = limit - limit / 4;
    while !window.is_char_boundary(window_start) {
        window_start += 1;
    }
    let mut space = None;
    for (i, c) in window[window_start..].char_indices().rev() {
        if !c.is_whitespace() {
            continue;
        }
        let at = window_start + i;
        let after = at + c.len_utf8();
        if window[..at].ends_with(['.', '!', '?', '؟', '…', '۔']) {
            return after;
        }
        space.get_or_insert(after);
    }
    match space {
        Some(after) => after,
        None if limit > 0 => limit,
        // `max` is smaller than the first character: take that character whole.
        None => text.chars().next().map_or(0, char::len_utf8),
    }
}

/// Checks the first bytes of an input without a BOM against the encoding it will be decoded
/// with, for the two mistakes that would otherwise decode to garbage *without* an error:
/// UTF-16 without a BOM (its Arabic letters are the byte pairs `xx 06`, all valid single bytes)
/// and a UTF-8 file read as a legacy code page (every byte is valid in windows-1256).
fn check_start(
    name: &str,
    bytes: &[u8],
    encoding: &'static Encoding,
    explicit: Option<&'static Encoding>,
) -> Result<(), ReadError> {
    if encoding == encoding_rs::UTF_16LE || encoding == encoding_rs::UTF_16BE {
        return Ok(());
    }
    if let Some((enc, label)) = sniff_utf16(bytes) {
        return Err(ReadError::Utf16WithoutBom { path: name.to_string(), encoding: enc, label });
    }
    if let Some(asked) = explicit.filter(|e| *e != encoding_rs::UTF_8) {
        // Legacy Arabic text is never valid UTF-8: two letters in a row (bytes ≥ 0xC1) never form
        // a sequence. So a first chunk that is valid UTF-8 with multi-byte sequences is UTF-8.
        let valid = match std::str::from_utf8(bytes) {
            Ok(_) => true,
            Err(e) => e.error_len().is_none(), // cut inside a character at the chunk's end
        };
        if let Some(offset) = bytes.iter().position(|&b| b >= 0x80).filter(|_| valid) {
            return Err(ReadError::ActuallyUtf8 { path: name.to_string(), offset: offset as u64, asked: asked.name() });
        }
    }
    Ok(())
}

/// UTF-16 text without a BOM: in nearly every code unit of Arabic or Latin text the high byte is
/// 0x00 (Latin, digits, spaces, punctuation) or 0x06 (the Arabic block), bytes that plain text in
/// any 8-bit encoding almost never has. A unit 0x0000 means binary data, not text.
fn sniff_utf16(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    let sample = &bytes[..bytes.len().min(4096) & !1];
    let units = sample.len() / 2;
    if units < 2 {
        return None;
    }
    let texty = |high_first: bool| {
        let mut n = 0;
        for u in sample.chunks_exact(2) {
            let (high, low) = if high_first { (u[0], u[1]) } else { (u[1], u[0]) };
            match (high, low) {
                (0x00, 0x00) => return 0,
                (0x00, 0x09..=0x0D | 0x20..=0x7E | 0xA0..) | (0x06, _) => n += 1,
                _ => {}
            }
        }
        n
    };
    let (le, be) = (texty(false), texty(true));
    if le * 10 >= units * 9 && be * 10 < units * 9 {
        Some(("UTF-16LE", "utf-16le"))
    } else if be * 10 >= units * 9 && le * 10 < units * 9 {
        Some(("UTF-16BE", "utf-16be"))
    } else {
        None
    }
}

/// Streams paragraphs out of lines.
pub struct Paragraphs {
    lines: Lines,
    block: Vec<Line>,
    block_bytes: usize,
    ready: std::collections::VecDeque<Paragraph>,
    next_index: usize,
    done: bool,
}

impl Paragraphs {
    pub fn open(source: &Source, encoding: TextEncoding) -> Result<Paragraphs, ReadError> {
        Ok(Paragraphs::new(Lines::open(source, encoding)?))
    }

    pub fn new(lines: Lines) -> Paragraphs {
        Paragraphs { lines, block: Vec::new(), block_bytes: 0, ready: Default::default(), next_index: 0, done: false }
    }

    fn flush_block(&mut self) {
        let block = std::mem::take(&mut self.block);
        self.block_bytes = 0;
        for unit in block_units(&block) {
            let lines = &block[unit];
            let mut text = String::new();
            let mut line_starts = Vec::with_capacity(lines.len());
            for (i, line) in lines.iter().enumerate() {
                if i > 0 {
                    text.push('\n');
                }
                line_starts.push(line.start);
                text.push_str(&line.text);
            }
            self.ready.push_back(Paragraph {
                index: self.next_index,
                text,
                start: lines[0].start,
                line: lines[0].number,
                line_starts,
            });
            self.next_index += 1;
        }
    }
}

impl Iterator for Paragraphs {
    type Item = Result<Paragraph, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(p) = self.ready.pop_front() {
                return Some(Ok(p));
            }
            if self.done {
                return None;
            }
            match self.lines.next_line() {
                Err(e) => {
                    self.done = true;
                    return Some(Err(e));
                }
                Ok(None) => {
                    self.done = true;
                    self.flush_block();
                }
                Ok(Some(line)) => {
                    if is_blank(&line.text) {
                        self.flush_block();
                    } else {
                        // Blocks never grow past the cap: the pieces of a cut line (each near the
                        // cap) are paragraphs of their own, never joined with a line break.
                        if self.block_bytes + line.text.len() > MAX_BLOCK_BYTES {
                            self.flush_block();
                        }
                        self.block_bytes += line.text.len();
                        self.block.push(line);
                    }
                }
            }
        }
    }
}

/// Reads input that is already one sentence per line (`--segmented`): every non-blank line is a
/// sentence, blank lines separate paragraphs. Sentence ids count non-blank lines from 0.
pub fn segmented(source: &Source, encoding: TextEncoding) -> Result<(Vec<Paragraph>, Vec<Sentence>), ReadError> {
    let mut lines = Lines::open(source, encoding)?;
    let mut paragraphs: Vec<Paragraph> = Vec::new();
    let mut sentences = Vec::new();
    let mut open = false;
    while let Some(line) = lines.next_line()? {
        if is_blank(&line.text) {
            open = false;
            continue;
        }
        let lead = line.text.len() - line.text.trim_start().len();
        let text = line.text.trim().to_string();
        let start = line.start + lead;
        if !open {
            paragraphs.push(Paragraph {
                index: paragraphs.len(),
                text: String::new(),
                start: line.start,
                line: line.number,
                line_starts: Vec::new(),
            });
            open = true;
        }
        let p = paragraphs.last_mut().expect("pushed above");
        if !p.text.is_empty() {
            p.text.push('\n');
        }
        p.text.push_str(&line.text);
        p.line_starts.push(line.start);
        sentences.push(Sentence {
            id: sentences.len(),
            span: Some(start..start + text.len()),
            text,
            paragraph: p.index,
            line: line.number,
        });
    }
    Ok((paragraphs, sentences))
}

fn is_blank(line: &str) -> bool {
    line.chars().all(|c| c.is_whitespace() || is_invisible_format(c))
}

/// Bidi marks and similar format characters that make a line look non-empty but show nothing.
pub(crate) fn is_invisible_format(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{061C}')
}

/// Does this line start a list item ("• ", "- ", "1. ", "١) ", "أ- ")?
pub fn is_list_item(line: &str) -> bool {
    let t = line.trim_start_matches(|c: char| c.is_whitespace() || is_invisible_format(c));
    let mut chars = t.chars();
    let Some(first) = chars.next() else { return false };
    if matches!(
        first,
        '•' | '·'
            | '▪'
            | '●'
            | '○'
            | '◦'
            | '‣'
            | '⁃'
            | '■'
            | '□'
            | '➢'
            | '►'
            | '✓'
            | '✔'
            | '*'
            | '-'
            | '–'
            | '—'
    ) {
        return chars.next().is_some_and(char::is_whitespace);
    }
    // Enumerations: up to three digits (ASCII or Arabic-Indic) or one letter, then . ) or -.
    let mut n = 0;
    let mut rest = t;
    for c in t.chars() {
        if c.is_ascii_digit() || ('٠'..='٩').contains(&c) || ('۰'..='۹').contains(&c) {
            n += 1;
            rest = &rest[c.len_utf8()..];
        } else {
            break;
        }
    }
    if n == 0 || n > 3 {
        return false;
    }
    let mut after = rest.chars();
    matches!(after.next(), Some('.' | ')' | '-' | 'ـ')) && after.next().is_some_and(char::is_whitespace)
}

fn ends_with_terminal(line: &str) -> bool {
    let t = line.trim_end_matches(|c: char| c.is_whitespace() || is_invisible_format(c));
    t.ends_with(['.', '!', '?', '؟', '۔', ':', '…', '"', '»', '”', ')', '’'])
}

/// Splits a block's lines into paragraph units (ranges of line indices).
///
/// A line break inside a block is kept as a unit boundary (list items, headings, captions: web
/// text is full of them) unless the block looks hard-wrapped at that line. A block looks
/// hard-wrapped when most of its lines (all but the last) are long (≥ 3/4 of the block's longest
/// line, which is at least 40 characters) and end without terminal punctuation, as an editor
/// wrapping at a fixed width leaves them; a pasted article with one paragraph per line ends most
/// lines with punctuation and varies their lengths, and a transcript varies its lengths. In a
/// hard-wrapped block a line is joined to the next if it is long, does not end a sentence and the
/// next line is not a list item.
fn block_units(lines: &[Line]) -> Vec<std::ops::Range<usize>> {
    let widths: Vec<usize> = lines.iter().map(|l| l.text.trim().chars().count()).collect();
    let max = widths.iter().copied().max().unwrap_or(0);
    let long = |i: usize| max >= 40 && widths[i] * 4 >= max * 3;
    let inner = lines.len().saturating_sub(1);
    let wrapped_lines = (0..inner).filter(|&i| long(i) && !ends_with_terminal(&lines[i].text)).count();
    let wrapped = inner > 0 && wrapped_lines * 2 > inner;
    let mut units = Vec::new();
    let mut start = 0;
    for i in 0..lines.len() {
        let last = i + 1 == lines.len();
        let joins_next =
            !last && wrapped && long(i) && !ends_with_terminal(&lines[i].text) && !is_list_item(&lines[i + 1].text);
        if !joins_next {
            units.push(start..i + 1);
            start = i + 1;
        }
    }
    units
}

/// Oracles for the reader's tests and its fuzz target (fuzz/fuzz_targets/decode.rs): not API.
#[doc(hidden)]
pub mod testing {
    use std::io::{self, Read};

    /// Hands out the input in reads of the given sizes, as a pipe or a slow disk does.
    pub struct Trickle {
        pub data: Vec<u8>,
        pub pos: usize,
        pub sizes: Vec<usize>,
        pub k: usize,
    }

    impl Read for Trickle {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let want = self.sizes.get(self.k % self.sizes.len().max(1)).copied().unwrap_or(usize::MAX).max(1);
            self.k += 1;
            let n = want.min(buf.len()).min(self.data.len() - self.pos);
            buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
            self.pos += n;
            Ok(n)
        }
    }

    /// Splits decoded text at LF, CRLF and CR the simple way, for comparison.
    pub fn reference_lines(text: &str) -> Vec<(usize, String)> {
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
}

#[cfg(test)]
mod tests {
    use super::testing::{reference_lines, Trickle};
    use super::*;

    fn paragraphs(bytes: &[u8]) -> Result<Vec<Paragraph>, ReadError> {
        let lines = Lines::new("t".into(), Box::new(io::Cursor::new(bytes.to_vec())), TextEncoding::Auto);
        Paragraphs::new(lines).collect()
    }

    fn texts(bytes: &[u8]) -> Vec<String> {
        paragraphs(bytes).unwrap().into_iter().map(|p| p.text).collect()
    }

    #[test]
    fn blank_lines_separate_paragraphs_and_offsets_point_into_the_text() {
        let input = "أول فقرة.\n\n  \nثانية.\r\nتابع\r\n";
        let ps = paragraphs(input.as_bytes()).unwrap();
        assert_eq!(ps.len(), 3, "{ps:?}");
        for p in &ps {
            let first_line = p.text.split('\n').next().unwrap();
            assert_eq!(&input[p.start..p.start + first_line.len()], first_line);
        }
        assert_eq!(ps[1].line, 4);
        assert_eq!(ps[2].text, "تابع");
    }

    #[test]
    fn bom_is_skipped_and_offsets_stay_in_decoded_text() {
        let mut bytes = vec![0xEF, 0xBB, 0xBF];
        bytes.extend_from_slice("سطر\n".as_bytes());
        let ps = paragraphs(&bytes).unwrap();
        assert_eq!(ps[0].text, "سطر");
        assert_eq!(ps[0].start, 0);
    }

    #[test]
    fn utf16_with_bom_is_decoded() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "نص\nآخر".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(texts(&bytes), vec!["نص", "آخر"]);
    }

    #[test]
    fn invalid_utf8_reports_the_byte_offset_and_line() {
        let mut bytes = "سطر\nب".as_bytes().to_vec();
        let at = bytes.len();
        bytes.push(0xFF);
        let err = paragraphs(&bytes).unwrap_err();
        match err {
            ReadError::Malformed { offset, line, .. } => {
                assert_eq!(offset, at as u64);
                assert_eq!(line, 2);
            }
            other => panic!("{other:?}"),
        }
        assert!(err_text(&bytes).contains("--encoding windows-1256"));
    }

    fn err_text(bytes: &[u8]) -> String {
        paragraphs(bytes).unwrap_err().to_string()
    }

    #[test]
    fn nul_bytes_mean_binary() {
        assert!(err_text(b"abc\0def").contains("looks like a binary file (NUL byte at byte 3)"));
    }

    #[test]
    fn lone_cr_ends_lines_even_across_chunks() {
        let mut input = "x".repeat(CHUNK - 1);
        input.push('\r');
        input.push('\n');
        input.push_str("y\rz");
        let lines: Vec<_> = texts(input.as_bytes())
            .into_iter()
            .flat_map(|p| p.split('\n').map(String::from).collect::<Vec<_>>())
            .collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[1], "y");
        assert_eq!(lines[2], "z");
    }

    #[test]
    fn list_items_and_short_lines_stay_separate_but_wrapped_lines_join() {
        let block = "تخطى قصص مقترحة وواصل القراءة\nقصص مقترحة\n  • كوريا الشمالية تهدد جارتها الجنوبية بانتقام مميت بزعم تسببها في انتقال فيروس\n  • فيروس كورونا: ما سر الغموض المرتبط بتفشي الوباء في كوريا الشمالية؟\n";
        assert_eq!(texts(block.as_bytes()).len(), 4);
        let wrapped = "This paragraph was wrapped by an editor at a fixed width of\ncolumns, so its lines belong together and must be joined\nagain.\n";
        assert_eq!(texts(wrapped.as_bytes()).len(), 1);
    }

    #[test]
    fn a_headline_above_one_paragraph_per_line_stays_a_unit() {
        // Most lines end with punctuation and their lengths vary: a pasted article, not a
        // hard-wrapped one, so the unpunctuated headline is kept even though it is long.
        let article = "Extra cash used to help the homeless under new Tory plans\nForeign buyers will pay a higher stamp duty rate when buying property.\nThe move will neutralise the success of the drive to attract young voters.\nTreasury expects it to raise up to 120 million a year.\n";
        assert_eq!(texts(article.as_bytes()).len(), 4);
        let transcript = "about how long have these symptoms been going on\nand all chest pain should be treated this way especially with your age\nand along with a fever\nand also needs to be checked your cholesterol blood pressure\n";
        assert_eq!(texts(transcript.as_bytes()).len(), 4, "lines of varying length are kept");
    }

    #[test]
    fn list_item_detection() {
        for yes in ["• بند", "- item", "1. أول", "١) أول", "12- x", "  * x"] {
            assert!(is_list_item(yes), "{yes}");
        }
        for no in ["-x", "1999 كان", "كلمة", "", "1234. x", "3.5 مليون"] {
            assert!(!is_list_item(no), "{no}");
        }
    }

    fn lines_of(bytes: &[u8], encoding: TextEncoding) -> Result<Vec<Line>, ReadError> {
        let mut lines = Lines::new("t".into(), Box::new(io::Cursor::new(bytes.to_vec())), encoding);
        let mut out = Vec::new();
        while let Some(line) = lines.next_line()? {
            out.push(line);
        }
        Ok(out)
    }

    fn explicit(label: &str) -> TextEncoding {
        TextEncoding::from_label(label).unwrap()
    }

    #[test]
    fn a_line_longer_than_the_cap_comes_in_pieces_that_lose_nothing() {
        // 3.5 MiB on one line: sentences, then a run without spaces at all.
        let mut line = "جملة قصيرة هنا. ".repeat(MAX_LINE_BYTES / 28 * 2);
        line.push_str(&"ب".repeat(MAX_LINE_BYTES * 3 / 4));
        let input = format!("أول\n\n{line}\n\nآخر");
        let lines = lines_of(input.as_bytes(), TextEncoding::Auto).unwrap();
        assert!(lines.len() >= 7, "{}", lines.len());
        assert_eq!(lines[0].text, "أول");
        let pieces = &lines[2..lines.len() - 2];
        assert!(pieces.iter().all(|l| l.text.len() <= MAX_LINE_BYTES && l.number == 3));
        assert!(pieces.windows(2).all(|w| w[0].start + w[0].text.len() == w[1].start));
        assert_eq!(pieces.iter().map(|l| l.text.as_str()).collect::<String>(), line);
        // Where the text has sentence ends, pieces end after one.
        assert!(pieces[0].text.ends_with(". "), "{:?}", &pieces[0].text[pieces[0].text.len() - 20..]);
        assert_eq!(lines.last().unwrap().number, 5);
        let ps = paragraphs(input.as_bytes()).unwrap();
        assert_eq!(ps.len(), 2 + pieces.len(), "each piece is a paragraph of its own");
        for p in ps {
            assert!(p.text.len() <= MAX_BLOCK_BYTES, "{}", p.text.len());
        }
    }

    #[test]
    fn piece_ends_fall_on_character_boundaries() {
        assert_eq!(piece_end("ببب", 3), 2);
        assert_eq!(piece_end("ببب", 1), 2, "a character wider than the cap is taken whole");
        // The cut is looked for in the last quarter of the cap.
        assert_eq!(piece_end("abc. d ef ghij klmn", 16), 15, "after a space");
        assert_eq!(piece_end("abc d efghi. jk lmn", 16), 13, "after a sentence end rather than a later space");
        assert_eq!(piece_end("abc. defghijklmnopq", 16), 16, "no space near the end: at the cap");
        assert_eq!(piece_end("", 8), 0);
    }

    /// Issue 10: the first 100 MB line tried panicked ("byte index 786432 is not a char
    /// boundary"): the last quarter of a piece can start inside a character.
    #[test]
    fn issue_10_a_piece_never_ends_inside_a_character() {
        assert_eq!(piece_end("ببببببببببببب", 12), 12);
        for max in 1..40 {
            let text = "ت ب. ج😀د".repeat(3);
            let end = piece_end(&text, max);
            assert!(text.is_char_boundary(end) && end > 0 && (end <= max || end == 'ت'.len_utf8()), "{max}: {end}");
        }
    }

    #[test]
    fn legacy_arabic_code_pages_decode_with_encoding() {
        let text = "قال: السلام عليكم، كيف الحال؟\r\nجيد.";
        for label in ["windows-1256", "cp1256", "iso-8859-6", "arabic"] {
            let (bytes, _, lossy) = explicit(label).encoding().encode(text);
            assert!(!lossy, "{label}");
            let lines = lines_of(&bytes, explicit(label)).unwrap();
            assert_eq!(
                lines.iter().map(|l| l.text.as_str()).collect::<Vec<_>>(),
                ["قال: السلام عليكم، كيف الحال؟", "جيد."]
            );
            // Without --encoding the same bytes are refused, with the flag that fixes it.
            let err = lines_of(&bytes, TextEncoding::Auto).unwrap_err().to_string();
            assert!(err.contains("invalid UTF-8 at byte 0") && err.contains("--encoding windows-1256"), "{err}");
        }
    }

    #[test]
    fn utf16_both_orders_with_bom_and_without() {
        let text = "نص عربي\nsecond line";
        for (label, bom) in [("utf-16le", [0xFF, 0xFE]), ("utf-16be", [0xFE, 0xFF])] {
            let units: Vec<u8> = text
                .encode_utf16()
                .flat_map(|u| if label == "utf-16le" { u.to_le_bytes() } else { u.to_be_bytes() })
                .collect();
            let with_bom = [&bom[..], &units].concat();
            for encoding in [TextEncoding::Auto, explicit(label)] {
                assert_eq!(lines_of(&with_bom, encoding).unwrap().len(), 2, "{label}");
            }
            assert_eq!(lines_of(&units, explicit(label)).unwrap()[1].text, "second line");
            let err = lines_of(&units, TextEncoding::Auto).unwrap_err().to_string();
            assert!(err.contains("without a byte-order mark; use --encoding ") && err.contains(label), "{err}");
        }
        // Arabic with no space or Latin letter has no NUL byte at all: still recognised.
        let units: Vec<u8> = "سلام".encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert!(matches!(lines_of(&units, TextEncoding::Auto), Err(ReadError::Utf16WithoutBom { .. })));
    }

    #[test]
    fn an_encoding_that_contradicts_the_bytes_is_refused() {
        let utf8 = "نص عربي".as_bytes();
        let err = lines_of(utf8, explicit("windows-1256")).unwrap_err().to_string();
        assert!(err.contains("it is UTF-8") && err.contains("drop --encoding"), "{err}");
        let with_bom = [&[0xEF, 0xBB, 0xBF][..], utf8].concat();
        let err = lines_of(&with_bom, explicit("iso-8859-6")).unwrap_err().to_string();
        assert!(err.contains("UTF-8 byte-order mark, but --encoding ISO-8859-6"), "{err}");
        // Plain ASCII is the same in every one of these encodings.
        assert_eq!(lines_of(b"plain", explicit("windows-1256")).unwrap()[0].text, "plain");
        assert!(TextEncoding::from_label("iso-2022-kr").is_err(), "decodes everything to an error");
        assert!(TextEncoding::from_label("x-user-defined").is_err());
    }

    #[test]
    fn binary_is_not_mistaken_for_utf16() {
        let bytes: Vec<u8> = (0..200u16).flat_map(|i| (i % 7).to_le_bytes()).collect();
        assert!(matches!(lines_of(&bytes, TextEncoding::Auto), Err(ReadError::Binary { .. })));
    }

    #[test]
    fn segmented_input_keeps_lines_as_sentences_and_blank_lines_as_paragraphs() {
        let input = "جملة أولى. وثانية\n  سطر ثان\n\n\nفقرة ثانية\n";
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.txt");
        std::fs::write(&path, input).unwrap();
        let (ps, ss) = segmented(&Source::File(path), TextEncoding::Auto).unwrap();
        assert_eq!(ps.len(), 2);
        assert_eq!(ss.len(), 3);
        assert_eq!(ss[0].text, "جملة أولى. وثانية", "one line is one sentence, even with a period inside");
        assert_eq!((ss[1].text.as_str(), ss[1].line, ss[1].paragraph), ("سطر ثان", 2, 0));
        assert_eq!((ss[2].id, ss[2].line, ss[2].paragraph), (2, 5, 1));
        let span = ss[1].span.clone().unwrap();
        assert_eq!(&input[span], "سطر ثان");
    }

    #[test]
    fn empty_and_whitespace_inputs_have_no_paragraphs() {
        assert!(texts(b"").is_empty());
        assert!(texts(b" \n\t\n\xE2\x80\x8F\n").is_empty());
    }

    fn text_bytes() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
        use proptest::prelude::*;
        let piece = prop_oneof![
            prop::sample::select(vec![
                "\n", "\r", "\r\n", "\u{c}", " ", "س", "لام", ".", "😀", "\u{202E}", "\u{64E}", "a"
            ])
            .prop_map(|s| s.as_bytes().to_vec()),
            any::<char>().prop_map(|c| c.to_string().into_bytes()),
            prop::collection::vec(any::<u8>(), 0..3),
        ];
        prop::collection::vec(piece, 0..60).prop_map(|v| v.concat())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 400, ..Default::default() })]

        /// However the bytes arrive, the reader gives the lines of the whole decoded text, with
        /// their offsets, or one error; it never panics.
        #[test]
        fn lines_are_the_decoded_text_whatever_the_read_sizes(
            bytes in text_bytes(),
            sizes in proptest::collection::vec(1usize..9, 1..5),
            label in proptest::sample::select(vec!["auto", "utf-8", "utf-16le", "utf-16be", "windows-1256", "iso-8859-6"]),
        ) {
            let encoding = TextEncoding::from_label(label).unwrap();
            let reader = Trickle { data: bytes.clone(), pos: 0, sizes, k: 0 };
            let mut lines = Lines::new("t".into(), Box::new(reader), encoding);
            let mut got = Vec::new();
            let result = loop {
                match lines.next_line() {
                    Ok(Some(l)) => got.push((l.start, l.text)),
                    Ok(None) => break Ok(()),
                    Err(e) => break Err(e),
                }
            };
            if result.is_ok() {
                let (enc, skip) = match (Encoding::for_bom(&bytes), encoding) {
                    (Some((e, n)), TextEncoding::Auto) => (e, n),
                    (Some((e, n)), TextEncoding::Explicit(x)) if e == x => (e, n),
                    (_, TextEncoding::Auto) => (encoding_rs::UTF_8, 0),
                    (_, TextEncoding::Explicit(x)) => (x, 0),
                };
                let decoded = enc.decode_without_bom_handling_and_without_replacement(&bytes[skip..]);
                let decoded = decoded.expect("the reader accepted it, so it decodes");
                proptest::prop_assert!(!decoded.contains('\0'));
                proptest::prop_assert_eq!(got, reference_lines(&decoded));
            }
        }

        /// Auto-detection never decodes legacy Arabic as something else: any text with an Arabic
        /// word of two letters or more, in windows-1256 or ISO-8859-6, is refused.
        #[test]
        fn auto_never_misreads_legacy_arabic(
            words in proptest::collection::vec("[ابتثجحخدذرزسشصضطظعغفقكلمنهوي]{2,6}", 1..6),
            latin in "[a-z .,0-9]{0,20}",
            label in proptest::sample::select(vec!["windows-1256", "iso-8859-6"]),
        ) {
            let text = format!("{latin}{}", words.join(" "));
            let (bytes, _, lossy) = explicit(label).encoding().encode(&text);
            proptest::prop_assume!(!lossy);
            proptest::prop_assert!(lines_of(&bytes, TextEncoding::Auto).is_err());
            let back = lines_of(&bytes, explicit(label)).unwrap();
            proptest::prop_assert_eq!(&back[0].text, &text);
        }
    }
}
