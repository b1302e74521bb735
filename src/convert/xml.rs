//! What the TMX and XLIFF readers share: decoding the file (UTF-8 or UTF-16 with BOM, as Trados
//! exports TMX), a quick-xml event stream turned into small owned events, the text of a segment
//! with inline codes dropped, and errors that give the line and byte of the problem.

use std::io::Cursor;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::ConvertError;

/// An XML event, owned, with names reduced to their local part (`mda:meta` → `meta`).
#[derive(Debug)]
pub enum Ev {
    Start(String, Vec<(String, String)>),
    Empty(String, Vec<(String, String)>),
    End(String),
    Text(String),
    Eof,
}

pub struct Xml {
    name: String,
    reader: Reader<Cursor<Vec<u8>>>,
    buf: Vec<u8>,
}

/// 1-based line of `byte` in `bytes`.
fn line_of(bytes: &[u8], byte: usize) -> usize {
    1 + bytes.iter().take(byte).filter(|&&b| b == b'\n').count()
}

/// The attribute `key` (qualified name, e.g. `xml:lang`).
pub fn attr<'a>(attrs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    attrs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

impl Xml {
    /// Checks the encoding and makes the bytes UTF-8.
    pub fn new(name: String, bytes: Vec<u8>) -> Result<Xml, ConvertError> {
        let utf16 = match bytes.get(..2) {
            Some([0xFF, 0xFE]) => Some(encoding_rs::UTF_16LE),
            Some([0xFE, 0xFF]) => Some(encoding_rs::UTF_16BE),
            _ => None,
        };
        let bytes = match utf16 {
            Some(enc) => {
                let body = bytes.get(2..).unwrap_or_default();
                match enc.decode_without_bom_handling_and_without_replacement(body) {
                    // The declaration still says UTF-16; quick-xml (without its encoding feature)
                    // reads the UTF-8 text regardless.
                    Some(text) => text.into_owned().into_bytes(),
                    None => return Err(ConvertError::File { path: name, msg: format!("invalid {} text", enc.name()) }),
                }
            }
            None => match bytes.strip_prefix(b"\xEF\xBB\xBF") {
                Some(rest) => rest.to_vec(),
                None => bytes,
            },
        };
        if let Err(e) = std::str::from_utf8(&bytes) {
            let byte = e.valid_up_to();
            return Err(ConvertError::Xml {
                line: line_of(&bytes, byte),
                path: name,
                byte,
                msg: "invalid UTF-8 (XML files must be UTF-8, or UTF-16 with a byte-order mark)".into(),
            });
        }
        let mut reader = Reader::from_reader(Cursor::new(bytes));
        let config = reader.config_mut();
        config.trim_text(false);
        config.check_end_names = true;
        config.expand_empty_elements = false;
        Ok(Xml { name, reader, buf: Vec::new() })
    }

    /// An error at the reader's current position.
    pub fn err(&self, msg: impl Into<String>) -> ConvertError {
        let byte = usize::try_from(self.reader.buffer_position()).unwrap_or(usize::MAX);
        self.err_at(byte, msg)
    }

    fn err_at(&self, byte: usize, msg: impl Into<String>) -> ConvertError {
        let bytes = self.reader.get_ref().get_ref();
        let byte = byte.min(bytes.len());
        ConvertError::Xml { path: self.name.clone(), line: line_of(bytes, byte), byte, msg: msg.into() }
    }

    fn attrs(&self, e: &BytesStart) -> Result<Vec<(String, String)>, ConvertError> {
        let mut out = Vec::new();
        for a in e.attributes() {
            let a = a.map_err(|e| self.err(format!("bad attribute: {e}")))?;
            let key = String::from_utf8_lossy(a.key.as_ref()).into_owned();
            let value = a
                .decode_and_unescape_value(self.reader.decoder())
                .map_err(|e| self.err(format!("bad value of attribute {key}: {e}")))?
                .into_owned();
            out.push((key, value));
        }
        Ok(out)
    }

    /// The next event that matters (comments, processing instructions, declarations and DOCTYPE
    /// are passed over; character and entity references come back as text).
    pub fn next(&mut self) -> Result<Ev, ConvertError> {
        loop {
            self.buf.clear();
            let event = match self.reader.read_event_into(&mut self.buf) {
                Ok(e) => e.into_owned(),
                Err(e) => {
                    let byte = usize::try_from(self.reader.error_position()).unwrap_or(usize::MAX);
                    return Err(self.err_at(byte, format!("not well-formed XML: {e}")));
                }
            };
            let local = |name: &[u8]| {
                let name = String::from_utf8_lossy(name);
                name.rsplit(':').next().unwrap_or_default().to_string()
            };
            return Ok(match event {
                Event::Start(e) => Ev::Start(local(e.name().as_ref()), self.attrs(&e)?),
                Event::Empty(e) => Ev::Empty(local(e.name().as_ref()), self.attrs(&e)?),
                Event::End(e) => Ev::End(local(e.name().as_ref())),
                Event::Text(t) => {
                    Ev::Text(t.xml10_content().map_err(|e| self.err(format!("bad text: {e}")))?.into_owned())
                }
                Event::CData(t) => {
                    Ev::Text(t.xml10_content().map_err(|e| self.err(format!("bad CDATA: {e}")))?.into_owned())
                }
                Event::GeneralRef(r) => {
                    let text = match r.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        Ok(None) => {
                            let name = String::from_utf8_lossy(&r).into_owned();
                            match name.as_str() {
                                "lt" => "<".into(),
                                "gt" => ">".into(),
                                "amp" => "&".into(),
                                "apos" => "'".into(),
                                "quot" => "\"".into(),
                                _ => {
                                    return Err(self.err(format!(
                                        "unknown entity &{name}; (XML defines only &lt; &gt; &amp; &apos; &quot;)"
                                    )))
                                }
                            }
                        }
                        Err(e) => return Err(self.err(format!("bad character reference: {e}"))),
                    };
                    Ev::Text(text)
                }
                Event::Eof => Ev::Eof,
                Event::Comment(_) | Event::PI(_) | Event::Decl(_) | Event::DocType(_) => continue,
            });
        }
    }

    /// Skips the rest of an element whose start was just read.
    pub fn skip(&mut self, name: &str) -> Result<(), ConvertError> {
        let mut depth = 0usize;
        loop {
            match self.next()? {
                Ev::Start(..) => depth += 1,
                Ev::End(_) if depth == 0 => return Ok(()),
                Ev::End(_) => depth -= 1,
                Ev::Eof => return Err(self.err(format!("the file ends inside <{name}> (is it cut short?)"))),
                _ => {}
            }
        }
    }

    /// The text of an element whose start was just read, up to its end. Elements named in
    /// `codes` hold native codes (TMX `<bpt>`, XLIFF `<ph>` …): their content is not text and is
    /// dropped; other inline elements (`<hi>`, `<g>`, `<mrk>` …) keep their text.
    pub fn text(&mut self, name: &str, codes: &[&str]) -> Result<String, ConvertError> {
        let mut out = String::new();
        let mut depth = 0usize;
        loop {
            match self.next()? {
                Ev::Text(t) => out.push_str(&t),
                Ev::Start(n, _) if codes.contains(&n.as_str()) => self.skip(&n)?,
                Ev::Start(..) => depth += 1,
                Ev::End(_) if depth == 0 => return Ok(out),
                Ev::End(_) => depth -= 1,
                Ev::Empty(..) => {}
                Ev::Eof => return Err(self.err(format!("the file ends inside <{name}> (is it cut short?)"))),
            }
        }
    }
}

/// Does language tag `tag` name language `want`? Compared by primary subtag, ignoring case, so
/// `ar-SA` is `ar`.
pub fn same_language(tag: &str, want: &str) -> bool {
    let primary = |t: &str| t.split(['-', '_']).next().unwrap_or_default().to_ascii_lowercase();
    !tag.is_empty() && primary(tag) == primary(want)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(xml: &str) -> Result<Vec<String>, ConvertError> {
        let mut x = Xml::new("t.xml".into(), xml.as_bytes().to_vec())?;
        let mut out = Vec::new();
        loop {
            match x.next()? {
                Ev::Eof => return Ok(out),
                e => out.push(format!("{e:?}")),
            }
        }
    }

    #[test]
    fn references_become_text_and_unknown_entities_are_errors() {
        let mut x = Xml::new("t.xml".into(), b"<a>x&lt;&#13;&#x41;<b>y</b><ph>code</ph></a>".to_vec()).unwrap();
        assert!(matches!(x.next().unwrap(), Ev::Start(n, _) if n == "a"));
        assert_eq!(x.text("a", &["ph"]).unwrap(), "x<\rAy");
        let err = events("<a>&nbsp;</a>").unwrap_err().to_string();
        assert!(err.contains("line 1") && err.contains("unknown entity &nbsp;"), "{err}");
    }

    #[test]
    fn errors_give_line_and_byte() {
        let err = events("<a>\n<b>\n</c></a>").unwrap_err().to_string();
        assert!(err.starts_with("cannot convert t.xml: line 3"), "{err}");
        let err = Xml::new("t.xml".into(), b"<a>\n\xFF</a>".to_vec()).err().unwrap().to_string();
        assert!(err.contains("line 2, byte 4: invalid UTF-8"), "{err}");
    }

    #[test]
    fn utf16_with_bom_is_read() {
        let text = "<a>نص</a>";
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
        let mut x = Xml::new("t.xml".into(), bytes).unwrap();
        assert!(matches!(x.next().unwrap(), Ev::Start(..)));
        assert_eq!(x.text("a", &[]).unwrap(), "نص");
        assert!(same_language("ar-SA", "ar") && same_language("AR", "ar") && !same_language("en", "ar"));
    }
}
