//! Bytes → paragraphs, streaming.
//!
//! The input is decoded chunk by chunk (UTF-8 by default, with or without BOM; a UTF-16 BOM is
//! honoured), split into lines (LF, CRLF or a lone CR), and lines are grouped into paragraphs:
//! blank lines separate blocks, and inside a block each list item, heading or caption line is a
//! unit of its own while hard-wrapped lines are joined. Memory holds one block at a time (at
//! most `MAX_BLOCK_BYTES`), never the whole file.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use encoding_rs::{Decoder, DecoderResult, Encoding};

use crate::bead::{Paragraph, Sentence};

/// A block longer than this is cut into paragraphs at line boundaries, so a file with no blank
/// lines (one sentence per line, or a crawl) does not have to fit in memory.
const MAX_BLOCK_BYTES: usize = 1 << 20;
const CHUNK: usize = 64 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read {path}: {source}")]
    Io { path: String, source: io::Error },
    #[error("cannot read {path}: it is a directory")]
    IsDirectory { path: String },
    #[error("cannot read {path}: invalid {encoding} at byte {offset} (line {line}); if the file is in a legacy Arabic code page, try --encoding windows-1256 or --encoding iso-8859-6")]
    Malformed { path: String, encoding: &'static str, offset: u64, line: usize },
    #[error("cannot read {path}: looks like a binary file (NUL byte at byte {offset})")]
    Binary { path: String, offset: u64 },
    #[error("unknown encoding {0:?}; use utf-8, utf-16le, utf-16be, windows-1256 or iso-8859-6")]
    UnknownEncoding(String),
}

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
        Encoding::for_label(label.as_bytes())
            .map(TextEncoding::Explicit)
            .ok_or_else(|| ReadError::UnknownEncoding(label.to_string()))
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

    fn make_decoder(&mut self) {
        let bytes = &self.raw[..self.raw_len];
        let (encoding, bom) = match Encoding::for_bom(bytes) {
            Some((enc, len)) if self.encoding == TextEncoding::Auto || Some(enc) == self.explicit() => (enc, len),
            _ => (self.explicit().unwrap_or(encoding_rs::UTF_8), 0),
        };
        self.raw_pos = bom;
        self.raw_offset = bom as u64;
        self.decoder = Some(encoding.new_decoder_without_bom_handling());
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
            self.make_decoder();
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
                Err(ReadError::Malformed { path: self.name.clone(), encoding: encoding_name, offset, line })
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

    /// The next line, or `None` at the end of input.
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
            if let Some(end) = rest.find(['\n', '\r']) {
                let text = rest[..end].to_string();
                let terminator = rest.as_bytes()[end];
                let start = self.pending_offset + self.pending_pos;
                self.pending_pos += end + 1;
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
                self.line_number += 1;
                return Ok(Some(Line { text, start, number: self.line_number }));
            }
        }
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
                        self.block_bytes += line.text.len();
                        self.block.push(line);
                        if self.block_bytes >= MAX_BLOCK_BYTES {
                            self.flush_block();
                        }
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

#[cfg(test)]
mod tests {
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
}
