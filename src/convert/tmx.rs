//! Reads TMX: ours (the `x-` props give back ids, paragraph, score, flags, model) and other
//! tools' (TMX 1.1–1.4, `lang` or `xml:lang`). The source side is the header's `srclang` unless
//! `--source` names another language; the target is the first other language found. Inline
//! codes (`<bpt> <ept> <ph> <it> <ut>`) are dropped, `<hi>` keeps its text. In a file with
//! sentence and paragraph units (`--tmx-units both`), the paragraph units are skipped.

use super::xml::{attr, same_language, Ev, Xml};

/// Puts the reader's position on a field's parse error.
fn ctx<T>(xml: &Xml, r: Result<T, String>) -> Result<T, ConvertError> {
    r.map_err(|m| xml.err(format!("in <tu>: {m}")))
}
use super::{parse_flags, parse_ids, parse_kind, parse_score, side, ConvertError, Header, Unit, UnitReader};

const CODES: &[&str] = &["bpt", "ept", "ph", "it", "ut"];

pub struct TmxReader {
    xml: Xml,
    header: Header,
    /// The language wanted as source (from --source or the header), until a unit fixes it.
    want_src: Option<String>,
    header_segtype: String,
    next_src: usize,
    next_tgt: usize,
    units: usize,
    skipped: usize,
    done: bool,
}

/// `20261129T102030Z` → a UTC time (TMX §3.2); `None` when malformed.
pub(crate) fn parse_tmx_date(s: &str) -> Option<time::OffsetDateTime> {
    let b = s.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<u32>().ok();
    let date = time::Date::from_calendar_date(
        i32::try_from(num(0..4)?).ok()?,
        time::Month::try_from(u8::try_from(num(4..6)?).ok()?).ok()?,
        u8::try_from(num(6..8)?).ok()?,
    )
    .ok()?;
    let t = time::Time::from_hms(
        u8::try_from(num(9..11)?).ok()?,
        u8::try_from(num(11..13)?).ok()?,
        u8::try_from(num(13..15)?).ok()?,
    )
    .ok()?;
    Some(time::PrimitiveDateTime::new(date, t).assume_utc())
}

/// The props we write, as read.
#[derive(Default)]
struct Props {
    document: Option<String>,
    paragraph: Option<String>,
    src_ids: Option<String>,
    tgt_ids: Option<String>,
    score: Option<String>,
    bead: Option<String>,
    flags: Option<String>,
    model: Option<String>,
}

impl TmxReader {
    pub fn new(name: String, bytes: Vec<u8>, source: Option<&str>) -> Result<TmxReader, ConvertError> {
        let mut xml = Xml::new(name, bytes)?;
        // The root must be <tmx>.
        loop {
            match xml.next()? {
                Ev::Start(n, _) if n == "tmx" => break,
                Ev::Start(n, _) | Ev::Empty(n, _) => {
                    return Err(xml.err(format!("not a TMX file: the root element is <{n}>, not <tmx>")))
                }
                Ev::Text(t) if t.trim().is_empty() => {}
                Ev::Text(_) => return Err(xml.err("not a TMX file: text before the root element")),
                Ev::End(_) | Ev::Eof => return Err(xml.err("not a TMX file: no <tmx> element")),
            }
        }
        let mut r = TmxReader {
            xml,
            header: Header::default(),
            want_src: source.map(str::to_string),
            header_segtype: String::new(),
            next_src: 0,
            next_tgt: 0,
            units: 0,
            skipped: 0,
            done: false,
        };
        // <header> then <body>.
        loop {
            match r.xml.next()? {
                Ev::Start(n, a) if n == "header" => {
                    r.read_header(&a);
                    r.xml.skip(&n)?;
                }
                Ev::Empty(n, a) if n == "header" => r.read_header(&a),
                Ev::Start(n, _) if n == "body" => return Ok(r),
                Ev::Empty(n, _) if n == "body" => {
                    r.done = true;
                    return Ok(r);
                }
                Ev::Start(n, _) => r.xml.skip(&n)?,
                Ev::End(_) | Ev::Eof => return Err(r.xml.err("not a TMX file: <tmx> has no <body>")),
                _ => {}
            }
        }
    }

    fn read_header(&mut self, a: &[(String, String)]) {
        if self.want_src.is_none() {
            self.want_src = attr(a, "srclang").filter(|l| *l != "*all*").map(str::to_string);
        }
        self.header_segtype = attr(a, "segtype").unwrap_or_default().to_string();
        self.header.created = attr(a, "creationdate").and_then(parse_tmx_date);
    }

    /// Reads one `<tu>` (its start was just read); `None` when it is skipped.
    fn read_tu(&mut self, attrs: &[(String, String)]) -> Result<Option<Unit>, ConvertError> {
        let mut props = Props::default();
        let mut tuvs: Vec<(String, String)> = Vec::new();
        loop {
            match self.xml.next()? {
                Ev::Start(n, a) if n == "prop" => {
                    let text = self.xml.text(&n, &[])?;
                    let slot = match attr(&a, "type").unwrap_or_default() {
                        "x-document" => &mut props.document,
                        "x-paragraph" => &mut props.paragraph,
                        "x-source-sentences" => &mut props.src_ids,
                        "x-target-sentences" => &mut props.tgt_ids,
                        "x-score" => &mut props.score,
                        "x-bead" => &mut props.bead,
                        "x-flags" => &mut props.flags,
                        "x-model" => &mut props.model,
                        _ => continue,
                    };
                    *slot = Some(text);
                }
                Ev::Start(n, a) if n == "tuv" => {
                    let lang = attr(&a, "xml:lang").or_else(|| attr(&a, "lang")).unwrap_or_default().to_string();
                    let mut seg = String::new();
                    loop {
                        match self.xml.next()? {
                            Ev::Start(n, _) if n == "seg" => seg = self.xml.text(&n, CODES)?,
                            Ev::Start(n, _) => self.xml.skip(&n)?,
                            Ev::End(_) => break,
                            Ev::Eof => return Err(self.xml.err("the file ends inside <tuv> (is it cut short?)")),
                            _ => {}
                        }
                    }
                    tuvs.push((lang, seg));
                }
                Ev::Start(n, _) => self.xml.skip(&n)?,
                Ev::End(_) => break,
                Ev::Eof => return Err(self.xml.err("the file ends inside <tu> (is it cut short?)")),
                _ => {}
            }
        }
        // Paragraph units beside sentence units repeat them.
        if self.header_segtype == "sentence" && attr(attrs, "segtype") == Some("paragraph") {
            self.skipped += 1;
            return Ok(None);
        }
        // Fix the languages on the first unit that shows them.
        if self.header.src_lang.is_none() {
            let want = self.want_src.clone().or_else(|| tuvs.first().map(|t| t.0.clone()));
            if let Some(want) = want {
                let src = tuvs.iter().find(|t| same_language(&t.0, &want)).map_or(want.clone(), |t| t.0.clone());
                self.header.src_lang = Some(src);
            }
        }
        let src_lang = self.header.src_lang.clone().unwrap_or_default();
        if self.header.tgt_lang.is_none() {
            self.header.tgt_lang = tuvs.iter().find(|t| !same_language(&t.0, &src_lang)).map(|t| t.0.clone());
        }
        let tgt_lang = self.header.tgt_lang.clone().unwrap_or_default();
        let text_of = |lang: &str| {
            tuvs.iter().find(|t| !lang.is_empty() && same_language(&t.0, lang)).map(|t| t.1.clone()).unwrap_or_default()
        };
        let (src_text, tgt_text) = (text_of(&src_lang), text_of(&tgt_lang));
        if self.header.doc.is_none() {
            self.header.doc = props.document.clone();
        }
        if self.header.model.is_none() {
            self.header.model = props.model.clone();
        }
        let paragraph = match &props.paragraph {
            Some(p) => {
                ctx(&self.xml, p.trim().parse::<usize>().map_err(|_| format!("x-paragraph {p:?} is not a number")))?
            }
            None => self.units,
        };
        let score = ctx(&self.xml, props.score.as_deref().map(parse_score).transpose())?.unwrap_or(1.0);
        let kind = ctx(&self.xml, props.bead.as_deref().map(parse_kind).transpose())?;
        let flags = ctx(&self.xml, parse_flags(props.flags.as_deref().unwrap_or("").split(',')))?;
        let src_ids = ctx(&self.xml, props.src_ids.as_deref().map(parse_ids).transpose())?;
        let tgt_ids = ctx(&self.xml, props.tgt_ids.as_deref().map(parse_ids).transpose())?;
        // Our writer leaves out the ids prop of an empty side; the bead type then says 0.
        let src_ids = src_ids.or_else(|| kind.filter(|k| k.0 == 0).map(|_| Vec::new()));
        let tgt_ids = tgt_ids.or_else(|| kind.filter(|k| k.1 == 0).map(|_| Vec::new()));
        let mut next = self.next_src;
        let src = ctx(&self.xml, side(src_text, src_ids, kind.map(|k| k.0), &mut next, paragraph))?;
        self.next_src = next;
        let mut next = self.next_tgt;
        let tgt = ctx(&self.xml, side(tgt_text, tgt_ids, kind.map(|k| k.1), &mut next, paragraph))?;
        self.next_tgt = next;
        self.units += 1;
        Ok(Some(Unit { paragraph, src, tgt, score, flags }))
    }
}

impl UnitReader for TmxReader {
    fn next_unit(&mut self) -> Result<Option<Unit>, ConvertError> {
        while !self.done {
            match self.xml.next()? {
                Ev::Start(n, a) if n == "tu" => {
                    if let Some(unit) = self.read_tu(&a)? {
                        return Ok(Some(unit));
                    }
                }
                Ev::Start(n, _) => self.xml.skip(&n)?,
                Ev::End(n) if n == "body" => self.done = true,
                Ev::End(_) => return Err(self.xml.err("unexpected end tag inside <body>")),
                Ev::Eof => return Err(self.xml.err("the file ends inside <body> (is it cut short?)")),
                _ => {}
            }
        }
        Ok(None)
    }

    fn header(&self) -> &Header {
        &self.header
    }

    fn skipped(&self) -> usize {
        self.skipped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_or_not() {
        assert_eq!(parse_tmx_date("20261129T102030Z"), Some(time::macros::datetime!(2026-11-29 10:20:30 UTC)));
        assert_eq!(parse_tmx_date("20261329T102030Z"), None);
        assert_eq!(parse_tmx_date("2026112٩T102030Z"), None);
        assert_eq!(parse_tmx_date(""), None);
    }

    #[test]
    fn another_tools_tmx_with_inline_codes_and_source_choice() {
        let tmx = r#"<?xml version="1.0"?><!DOCTYPE tmx SYSTEM "tmx14.dtd">
<tmx version="1.4"><header srclang="en" segtype="sentence" creationtool="x" creationtoolversion="1" o-tmf="x" adminlang="en" datatype="xml"/>
<body>
<tu tuid="a:1"><prop type="note">n</prop><tuv xml:lang="en-US"><seg>Hello <bpt i="1">&lt;b&gt;</bpt>world<ept i="1">&lt;/b&gt;</ept></seg></tuv>
<tuv xml:lang="ar-SA"><seg>مرحبا <hi>يا</hi> عالم</seg></tuv></tu>
<tu><tuv lang="EN-US"><seg/></tuv></tu>
</body></tmx>"#;
        let mut r = TmxReader::new("t.tmx".into(), tmx.as_bytes().to_vec(), Some("ar")).unwrap();
        let u = r.next_unit().unwrap().unwrap();
        assert_eq!(u.src[0].text, "مرحبا يا عالم");
        assert_eq!(u.tgt[0].text, "Hello world");
        assert_eq!((u.score, u.paragraph), (1.0, 0));
        assert_eq!(r.header().src_lang.as_deref(), Some("ar-SA"));
        assert_eq!(r.header().tgt_lang.as_deref(), Some("en-US"));
        let u = r.next_unit().unwrap().unwrap();
        assert!(u.src.is_empty() && u.tgt.is_empty(), "an empty unit, dropped by Batch");
        assert!(r.next_unit().unwrap().is_none());
    }

    #[test]
    fn broken_files_give_positions() {
        for (tmx, want) in [
            ("<xliff/>", "root element is <xliff>"),
            ("<tmx><header/><body><tu><tuv xml:lang=\"ar\"><seg>x</seg></tuv>", "ends inside"),
            ("<tmx><header/><body><tu><prop type=\"x-score\">7</prop></tu></body></tmx>", "not a score"),
            ("<tmx><header/><body><tu><prop type=\"x-flags\">bad</prop></tu></body></tmx>", "unknown flag"),
            ("", "no <tmx> element"),
        ] {
            let r = TmxReader::new("t.tmx".into(), tmx.as_bytes().to_vec(), None);
            let err = match r {
                Err(e) => e.to_string(),
                Ok(mut r) => loop {
                    match r.next_unit() {
                        Err(e) => break e.to_string(),
                        Ok(None) => break "no error".into(),
                        Ok(Some(_)) => {}
                    }
                },
            };
            assert!(err.contains(want) && err.contains("t.tmx: line 1"), "{tmx}: {err}");
        }
    }
}
