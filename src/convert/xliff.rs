//! Reads XLIFF 1.2 and 2.x: ours (score, bead type, ids, paragraph and flags from `extradata`
//! in 1.2 or the `mda:` metadata in 2.1) and other tools' (then each `<group>`, or each unit
//! outside a group, is a paragraph, and the score is 1). Inline codes with native content
//! (`<bpt> <ept> <ph> <it>`) are dropped, `<g> <mrk> <pc>` keep their text; in 2.x the segments
//! and ignorables of a unit are joined. `--source` naming the target language swaps the sides.

use super::xml::{attr, same_language, Ev, Xml};

/// Puts the reader's position on a field's parse error.
fn ctx<T>(xml: &Xml, r: Result<T, String>) -> Result<T, ConvertError> {
    r.map_err(|m| xml.err(format!("in the unit ending here: {m}")))
}
use super::{parse_flags, parse_ids, parse_kind, parse_score, side, ConvertError, Header, Unit, UnitReader};

const CODES: &[&str] = &["bpt", "ept", "ph", "it"];

pub struct XliffReader {
    xml: Xml,
    header: Header,
    source: Option<String>,
    /// The current file's languages as it declares them, and whether its sides are swapped.
    file_langs: (String, String),
    swap: bool,
    /// The file is one of ours (its machine-readable facts are read back).
    ours: bool,
    /// Paragraph numbers for other tools' files: the open groups' numbers, and the next number.
    groups: Vec<Option<usize>>,
    next_paragraph: usize,
    next_src: usize,
    next_tgt: usize,
    done: bool,
}

/// What a unit says about itself, as text.
#[derive(Default)]
struct Facts {
    score: Option<String>,
    bead: Option<String>,
    paragraph: Option<String>,
    src: Option<String>,
    tgt: Option<String>,
    flags: Option<String>,
}

impl Facts {
    fn set(&mut self, key: &str, value: String) {
        let slot = match key {
            "score" => &mut self.score,
            "bead" => &mut self.bead,
            "paragraph" => &mut self.paragraph,
            "src" | "source-sentences" => &mut self.src,
            "tgt" | "target-sentences" => &mut self.tgt,
            "flags" => &mut self.flags,
            _ => return,
        };
        *slot = Some(value);
    }
}

impl XliffReader {
    pub fn new(name: String, bytes: Vec<u8>, source: Option<&str>) -> Result<XliffReader, ConvertError> {
        let mut xml = Xml::new(name, bytes)?;
        let root = loop {
            match xml.next()? {
                Ev::Start(n, a) if n == "xliff" => break a,
                Ev::Start(n, _) | Ev::Empty(n, _) => {
                    return Err(xml.err(format!("not an XLIFF file: the root element is <{n}>, not <xliff>")))
                }
                Ev::Text(t) if t.trim().is_empty() => {}
                Ev::Text(_) => return Err(xml.err("not an XLIFF file: text before the root element")),
                Ev::End(_) | Ev::Eof => return Err(xml.err("not an XLIFF file: no <xliff> element")),
            }
        };
        let mut r = XliffReader {
            xml,
            header: Header::default(),
            source: source.map(str::to_string),
            file_langs: (String::new(), String::new()),
            swap: false,
            ours: false,
            groups: Vec::new(),
            next_paragraph: 0,
            next_src: 0,
            next_tgt: 0,
            done: false,
        };
        // XLIFF 2 declares the languages on the root.
        if let Some(src) = attr(&root, "srcLang") {
            r.set_langs(src.to_string(), attr(&root, "trgLang").unwrap_or_default().to_string());
        }
        Ok(r)
    }

    fn set_langs(&mut self, src: String, tgt: String) {
        self.swap = match &self.source {
            Some(want) => !same_language(&src, want) && same_language(&tgt, want),
            None => false,
        };
        let (s, t) = if self.swap { (tgt.clone(), src.clone()) } else { (src.clone(), tgt.clone()) };
        self.file_langs = (src, tgt);
        if self.header.src_lang.is_none() {
            self.header.src_lang = Some(s).filter(|s| !s.is_empty());
            self.header.tgt_lang = Some(t).filter(|t| !t.is_empty());
        }
    }

    /// A 1.2 `<header>`: the model note.
    fn read_header(&mut self) -> Result<(), ConvertError> {
        loop {
            match self.xml.next()? {
                Ev::Start(n, _) if n == "note" => {
                    let text = self.xml.text(&n, &[])?;
                    if let Some(model) = text.strip_prefix("model: ") {
                        self.header.model.get_or_insert_with(|| model.to_string());
                    }
                }
                Ev::Start(n, _) => self.xml.skip(&n)?,
                Ev::End(_) => return Ok(()),
                Ev::Eof => return Err(self.xml.err("the file ends inside <header> (is it cut short?)")),
                _ => {}
            }
        }
    }

    /// A 2.x `<mda:metadata>` block: `(type, value)` of each `<mda:meta>` in a "nazir" group.
    fn read_metadata(&mut self) -> Result<Vec<(String, String)>, ConvertError> {
        let mut out = Vec::new();
        let mut ours = false;
        loop {
            match self.xml.next()? {
                Ev::Start(n, a) if n == "metaGroup" => ours = attr(&a, "category") == Some("nazir"),
                Ev::Start(n, a) if n == "meta" => {
                    let text = self.xml.text(&n, &[])?;
                    if ours {
                        out.push((attr(&a, "type").unwrap_or_default().to_string(), text));
                    }
                }
                Ev::Start(n, _) => self.xml.skip(&n)?,
                Ev::End(n) if n == "metadata" => return Ok(out),
                Ev::End(_) => ours = false,
                Ev::Eof => return Err(self.xml.err("the file ends inside <metadata> (is it cut short?)")),
                _ => {}
            }
        }
    }

    /// Source and target text of a 2.x `<segment>` or `<ignorable>`.
    fn read_segment(&mut self, src: &mut String, tgt: &mut String) -> Result<(), ConvertError> {
        loop {
            match self.xml.next()? {
                Ev::Start(n, _) if n == "source" => src.push_str(&self.xml.text(&n, CODES)?),
                Ev::Start(n, _) if n == "target" => tgt.push_str(&self.xml.text(&n, CODES)?),
                Ev::Start(n, _) => self.xml.skip(&n)?,
                Ev::End(_) => return Ok(()),
                Ev::Eof => return Err(self.xml.err("the file ends inside <segment> (is it cut short?)")),
                _ => {}
            }
        }
    }

    /// Reads a `<trans-unit>` (1.2) or `<unit>` (2.x) whose start was just read.
    fn read_unit(&mut self, a: &[(String, String)]) -> Result<Unit, ConvertError> {
        let mut facts = Facts::default();
        if self.ours {
            for pair in attr(a, "extradata").unwrap_or_default().split(';') {
                if let Some((k, v)) = pair.split_once('=') {
                    facts.set(k, v.to_string());
                }
            }
        }
        let (mut src, mut tgt) = (String::new(), String::new());
        loop {
            match self.xml.next()? {
                Ev::Start(n, _) if n == "source" => src = self.xml.text(&n, CODES)?,
                Ev::Start(n, _) if n == "target" => tgt = self.xml.text(&n, CODES)?,
                Ev::Start(n, _) if n == "segment" || n == "ignorable" => self.read_segment(&mut src, &mut tgt)?,
                Ev::Start(n, _) if n == "metadata" => {
                    for (k, v) in self.read_metadata()? {
                        facts.set(&k, v);
                    }
                }
                Ev::Start(n, _) => self.xml.skip(&n)?,
                Ev::End(_) => break,
                Ev::Eof => return Err(self.xml.err("the file ends inside a unit (is it cut short?)")),
                _ => {}
            }
        }
        let paragraph = match &facts.paragraph {
            Some(p) => {
                ctx(&self.xml, p.trim().parse::<usize>().map_err(|_| format!("paragraph {p:?} is not a number")))?
            }
            None => match self.groups.last() {
                Some(Some(p)) => *p,
                _ => {
                    self.next_paragraph += 1;
                    self.next_paragraph - 1
                }
            },
        };
        let score = ctx(&self.xml, facts.score.as_deref().map(parse_score).transpose())?.unwrap_or(1.0);
        let mut kind = ctx(&self.xml, facts.bead.as_deref().map(parse_kind).transpose())?;
        let flags = ctx(&self.xml, parse_flags(facts.flags.as_deref().unwrap_or("").split(',')))?;
        let mut src_ids = ctx(&self.xml, facts.src.as_deref().map(parse_ids).transpose())?;
        let mut tgt_ids = ctx(&self.xml, facts.tgt.as_deref().map(parse_ids).transpose())?;
        if self.swap {
            std::mem::swap(&mut src, &mut tgt);
            std::mem::swap(&mut src_ids, &mut tgt_ids);
            kind = kind.map(|(a, b)| (b, a));
        }
        let mut next = self.next_src;
        let src = ctx(&self.xml, side(src, src_ids, kind.map(|k| k.0), &mut next, paragraph))?;
        self.next_src = next;
        let mut next = self.next_tgt;
        let tgt = ctx(&self.xml, side(tgt, tgt_ids, kind.map(|k| k.1), &mut next, paragraph))?;
        self.next_tgt = next;
        Ok(Unit { paragraph, src, tgt, score, flags })
    }
}

impl UnitReader for XliffReader {
    fn next_unit(&mut self) -> Result<Option<Unit>, ConvertError> {
        while !self.done {
            match self.xml.next()? {
                Ev::Start(n, a) if n == "file" => {
                    if let Some(src) = attr(&a, "source-language") {
                        let tgt = attr(&a, "target-language").unwrap_or_default().to_string();
                        self.set_langs(src.to_string(), tgt);
                        self.ours = attr(&a, "tool-id") == Some("nazir");
                    }
                    if self.header.doc.is_none() {
                        self.header.doc = attr(&a, "original").map(str::to_string);
                    }
                }
                Ev::Start(n, _) if n == "header" => self.read_header()?,
                Ev::Start(n, _) if n == "metadata" => {
                    // File-level metadata (2.x): ours names the tool, date and model.
                    for (k, v) in self.read_metadata()? {
                        match k.as_str() {
                            "tool" => self.ours = true,
                            "model" => self.header.model = Some(v),
                            "created" => self.header.created = super::tmx::parse_tmx_date(&v.replace(['-', ':'], "")),
                            _ => {}
                        }
                    }
                }
                Ev::Start(n, _) if n == "body" => {}
                Ev::Start(n, a) if n == "group" => {
                    let numbered = attr(&a, "id").and_then(|id| id.strip_prefix('p')).and_then(|p| p.parse().ok());
                    let paragraph = match (self.ours, numbered, self.groups.last()) {
                        (true, Some(p), _) => Some(p),
                        (_, _, Some(Some(outer))) => Some(*outer),
                        _ => {
                            self.next_paragraph += 1;
                            Some(self.next_paragraph - 1)
                        }
                    };
                    self.groups.push(paragraph);
                }
                Ev::Start(n, a) if n == "trans-unit" || n == "unit" => return self.read_unit(&a).map(Some),
                Ev::Start(n, _) => self.xml.skip(&n)?,
                Ev::End(n) if n == "group" => {
                    self.groups.pop();
                }
                Ev::End(n) if n == "xliff" => self.done = true,
                Ev::End(_) => {}
                Ev::Eof => return Err(self.xml.err("the file ends inside <xliff> (is it cut short?)")),
                Ev::Empty(..) | Ev::Text(_) => {}
            }
        }
        Ok(None)
    }

    fn header(&self) -> &Header {
        &self.header
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(x: &str, source: Option<&str>) -> Result<(Vec<Unit>, Header), ConvertError> {
        let mut r = XliffReader::new("t.xlf".into(), x.as_bytes().to_vec(), source)?;
        let mut units = Vec::new();
        while let Some(u) = r.next_unit()? {
            units.push(u);
        }
        Ok((units, r.header().clone()))
    }

    #[test]
    fn another_tools_xliff_12_with_groups_and_codes() {
        let x = r#"<xliff version="1.2"><file original="a" source-language="en" target-language="ar" datatype="html">
<body><group id="g"><trans-unit id="1"><source>Hi <g id="1">there</g><x id="2"/></source><target>مرحبا</target></trans-unit>
<trans-unit id="2"><source>Two<ph id="3">&lt;br&gt;</ph></source></trans-unit></group>
<trans-unit id="3" extradata="score=9"><source>x</source></trans-unit></body></file></xliff>"#;
        let (units, header) = read(x, Some("ar")).unwrap();
        assert_eq!(units.len(), 3);
        assert_eq!(units[0].src[0].text, "مرحبا");
        assert_eq!(units[0].tgt[0].text, "Hi there");
        assert_eq!((units[0].paragraph, units[1].paragraph, units[2].paragraph), (0, 0, 1));
        assert!(units[1].src.is_empty() && units[1].tgt[0].text == "Two");
        assert_eq!(units[2].score, 1.0, "another tool's extradata is not read");
        assert_eq!(header.src_lang.as_deref(), Some("ar"));
    }

    #[test]
    fn xliff_2_segments_are_joined() {
        let x = r#"<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="ar" trgLang="en"><file id="f">
<unit id="u"><segment><source>أ.</source><target>A.</target></segment><ignorable><source> </source></ignorable>
<segment><source>ب<pc id="1">ج</pc></source><target>B</target></segment></unit></file></xliff>"#;
        let (units, _) = read(x, None).unwrap();
        assert_eq!(units[0].src[0].text, "أ. بج");
        assert_eq!(units[0].tgt[0].text, "A.B");
    }

    #[test]
    fn truncated_and_foreign_roots_are_errors() {
        assert!(read("<tmx/>", None).unwrap_err().to_string().contains("root element is <tmx>"));
        let err =
            read("<xliff version=\"1.2\"><file source-language=\"ar\"><body><trans-unit id=\"1\"><source>x", None)
                .unwrap_err()
                .to_string();
        assert!(err.contains("t.xlf: line 1") && err.contains("ends inside"), "{err}");
    }
}
