//! Reads TSV: our header (`ar en score bead paragraph src_ids tgt_ids flags`), or any header
//! whose first two columns are the source and target texts (other columns are found by name, the
//! rest ignored). Fields are unescaped as `output::tsv` escapes them (`\t \n \r \\`). A line
//! ending in CR LF (a file saved on Windows) loses the CR: ours never holds a raw CR.

use super::{parse_flags, parse_ids, parse_kind, parse_score, side, ConvertError, Header, Input, Unit, UnitReader};
use crate::output::unescape_field;

/// Where the known columns are.
#[derive(Default)]
struct Columns {
    count: usize,
    score: Option<usize>,
    bead: Option<usize>,
    paragraph: Option<usize>,
    src_ids: Option<usize>,
    tgt_ids: Option<usize>,
    flags: Option<usize>,
}

pub struct TsvReader {
    input: Input,
    line: usize,
    buf: Vec<u8>,
    columns: Columns,
    header: Header,
    next_src: usize,
    next_tgt: usize,
    units: usize,
}

/// A header cell that looks like a language tag (`ar`, `en-US`) names its side's language.
fn as_lang(name: &str) -> Option<String> {
    let ok = !name.is_empty()
        && name.len() <= 35
        && name.split('-').all(|p| !p.is_empty() && p.len() <= 8 && p.chars().all(|c| c.is_ascii_alphanumeric()));
    ok.then(|| name.to_string())
}

impl TsvReader {
    pub(crate) fn new(input: Input) -> Result<TsvReader, ConvertError> {
        let mut r = TsvReader {
            input,
            line: 0,
            buf: Vec::new(),
            columns: Columns::default(),
            header: Header::default(),
            next_src: 0,
            next_tgt: 0,
            units: 0,
        };
        let Some(first) = r.read_line()? else {
            return Err(ConvertError::File {
                path: r.input.name.clone(),
                msg: "the file is empty (no header line)".into(),
            });
        };
        let names: Vec<String> = first.split('\t').map(unescape_field).collect();
        if names.len() < 2 {
            return Err(r.err(
                "the header has one column; a TSV bitext has the source and target texts in its first two columns",
            ));
        }
        r.header.src_lang = as_lang(&names[0]);
        r.header.tgt_lang = as_lang(&names[1]);
        let mut c = Columns { count: names.len(), ..Columns::default() };
        for (i, name) in names.iter().enumerate().skip(2) {
            let slot = match name.as_str() {
                "score" => &mut c.score,
                "bead" => &mut c.bead,
                "paragraph" => &mut c.paragraph,
                "src_ids" => &mut c.src_ids,
                "tgt_ids" => &mut c.tgt_ids,
                "flags" => &mut c.flags,
                _ => continue,
            };
            slot.get_or_insert(i);
        }
        r.columns = c;
        Ok(r)
    }

    fn at<T>(&self, r: Result<T, String>) -> Result<T, ConvertError> {
        r.map_err(|m| self.err(m))
    }

    fn err(&self, msg: impl Into<String>) -> ConvertError {
        ConvertError::Line { path: self.input.name.clone(), line: self.line, msg: msg.into() }
    }

    /// The next line without its terminator; `None` at the end.
    fn read_line(&mut self) -> Result<Option<String>, ConvertError> {
        if !self.input.next_line(&mut self.buf, &mut self.line)? {
            return Ok(None);
        }
        let bytes = self.buf.strip_suffix(b"\n").unwrap_or(&self.buf);
        let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
        match std::str::from_utf8(bytes) {
            Ok(s) => Ok(Some(s.to_string())),
            Err(e) => Err(self.err(format!("invalid UTF-8 at column {}", e.valid_up_to() + 1))),
        }
    }
}

impl UnitReader for TsvReader {
    fn next_unit(&mut self) -> Result<Option<Unit>, ConvertError> {
        let line = loop {
            match self.read_line()? {
                None => return Ok(None),
                Some(l) if l.is_empty() => continue,
                Some(l) => break l,
            }
        };
        let fields: Vec<&str> = line.split('\t').collect();
        let c = &self.columns;
        if fields.len() != c.count {
            return Err(self.err(format!(
                "{} fields, but the header has {} (a tab inside a text must be written \\t)",
                fields.len(),
                c.count
            )));
        }
        let get = |col: Option<usize>| col.and_then(|i| fields.get(i)).copied();
        let score = get(c.score).map(parse_score).transpose();
        let score = self.at(score)?.unwrap_or(1.0);
        let kind = self.at(get(c.bead).map(parse_kind).transpose())?;
        let paragraph = match get(c.paragraph) {
            Some(p) => self.at(p.trim().parse::<usize>().map_err(|_| format!("paragraph {p:?} is not a number")))?,
            None => self.units,
        };
        let src_ids = self.at(get(c.src_ids).map(parse_ids).transpose())?;
        let tgt_ids = self.at(get(c.tgt_ids).map(parse_ids).transpose())?;
        let flags = self.at(parse_flags(get(c.flags).unwrap_or("").split(',')))?;
        let (src_text, tgt_text) = (unescape_field(fields[0]), unescape_field(fields[1]));
        let mut next = self.next_src;
        let src = self.at(side(src_text, src_ids, kind.map(|k| k.0), &mut next, paragraph))?;
        self.next_src = next;
        let mut next = self.next_tgt;
        let tgt = self.at(side(tgt_text, tgt_ids, kind.map(|k| k.1), &mut next, paragraph))?;
        self.next_tgt = next;
        self.units += 1;
        Ok(Some(Unit { paragraph, src, tgt, score, flags }))
    }

    fn header(&self) -> &Header {
        &self.header
    }
}
