//! SRX 2.0 (and 1.0) segmentation rules, as exported by OmegaT, Okapi, memoQ, Trados and
//! LanguageTool: reading, choosing the rules for a language, applying them, writing them.
//!
//! Matching follows OmegaT's engine, the one most SRX files are tested with: each rule's
//! `beforebreak` is searched through the text without overlaps, a position qualifies if the
//! `afterbreak` match found in sequence starts there, and the first rule in document order that
//! claims a position decides it. Patterns are Java regular expressions (`java::translate`).
//! Not supported, and ignored: `formathandle`, `segmentsubflows` (we segment plain text).

use std::fmt::Write as _;
use std::path::Path;
use std::sync::Arc;

use fancy_regex::Regex;
use quick_xml::events::Event;
use quick_xml::Reader;

use super::java;

#[derive(Debug, thiserror::Error)]
pub enum SrxError {
    #[error("cannot read SRX file {path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{path} is not valid XML (line {line}): {message}")]
    Xml { path: String, line: usize, message: String },
    #[error("{path} is not an SRX file: no <languagerules> with <languagerule> elements")]
    NotSrx { path: String },
    #[error("{path}: {rule}: cannot use its {part} \"{pattern}\": {reason}; fix or remove that rule")]
    BadRule { path: String, rule: String, part: &'static str, pattern: String, reason: String },
    #[error(
        "{path}: <languagemap languagepattern={pattern:?}> names languagerule {name:?}, which the file does not define"
    )]
    UnknownLanguageRule { path: String, pattern: String, name: String },
    #[error("{path}: no <languagemap> matches language {lang:?} (the file maps: {patterns}); pass the language code the file expects")]
    NoRulesForLanguage { path: String, lang: String, patterns: String },
}

/// One `<rule>` as written in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SrxRule {
    pub is_break: bool,
    pub before: String,
    pub after: String,
    /// Line of the `<rule>` element, for error messages (0 when built in code).
    pub line: usize,
    /// An XML comment placed before the rule (written out by `to_xml`).
    pub comment: Option<String>,
}

/// A `<languagerule>`: a named, ordered list of rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LanguageRule {
    pub name: String,
    pub rules: Vec<SrxRule>,
}

/// A `<languagemap>`: language codes matching `pattern` (a Java regex) use the rules `rule`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LanguageMap {
    pub pattern: String,
    pub rule: String,
}

/// A whole SRX document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SrxDocument {
    /// Where it came from, for messages.
    pub source: String,
    /// `cascade="yes"`: every matching map contributes its rules, in map order; otherwise only the
    /// first matching map does.
    pub cascade: bool,
    pub language_rules: Vec<LanguageRule>,
    pub maps: Vec<LanguageMap>,
}

impl SrxDocument {
    pub fn load(path: &Path) -> Result<SrxDocument, SrxError> {
        let name = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|source| SrxError::Io { path: name.clone(), source })?;
        let text = String::from_utf8_lossy(&bytes);
        SrxDocument::parse(text.trim_start_matches('\u{FEFF}'), &name)
    }

    /// Parses SRX 2.0, or 1.0 (whose `<languagemap>`s sit inside `<maprule>`).
    pub fn parse(xml: &str, source: &str) -> Result<SrxDocument, SrxError> {
        let mut reader = Reader::from_str(xml);
        let line_at =
            |pos: u64| xml.as_bytes()[..(pos as usize).min(xml.len())].iter().filter(|&&b| b == b'\n').count() + 1;
        let xml_err =
            |pos: u64, message: String| SrxError::Xml { path: source.to_string(), line: line_at(pos), message };
        let mut doc =
            SrxDocument { source: source.to_string(), cascade: true, language_rules: Vec::new(), maps: Vec::new() };
        let mut saw_root = false;
        // The element whose text we are collecting (beforebreak / afterbreak) and the text so far.
        let mut collecting: Option<&'static str> = None;
        let mut text = String::new();
        let mut rule: Option<SrxRule> = None;
        let mut comment: Option<String> = None;
        loop {
            let pos = reader.buffer_position();
            let event = reader.read_event().map_err(|e| xml_err(reader.error_position(), e.to_string()))?;
            match event {
                Event::Start(ref e) | Event::Empty(ref e) => {
                    let empty = matches!(event, Event::Empty(_));
                    let local = e.local_name();
                    let attr = |key: &str| -> Result<Option<String>, SrxError> {
                        for a in e.attributes().flatten() {
                            if a.key.local_name().as_ref() == key.as_bytes() {
                                let v = a.unescape_value().map_err(|err| xml_err(pos, err.to_string()))?;
                                return Ok(Some(v.into_owned()));
                            }
                        }
                        Ok(None)
                    };
                    match local.as_ref() {
                        b"srx" => saw_root = true,
                        b"header" => {
                            // Absent (OmegaT writes `<header></header>`): cascade, as OmegaT does.
                            doc.cascade = attr("cascade")?.is_none_or(|v| v.trim().eq_ignore_ascii_case("yes"))
                        }
                        b"languagerule" => {
                            let name = attr("languagerulename")?.unwrap_or_default();
                            doc.language_rules.push(LanguageRule { name, rules: Vec::new() });
                        }
                        b"rule" => {
                            let is_break = attr("break")?.is_none_or(|v| !v.trim().eq_ignore_ascii_case("no"));
                            let r = SrxRule {
                                is_break,
                                before: String::new(),
                                after: String::new(),
                                line: line_at(pos),
                                comment: comment.take(),
                            };
                            if empty {
                                push_rule(&mut doc, r);
                            } else {
                                rule = Some(r);
                            }
                        }
                        b"beforebreak" | b"afterbreak" if !empty => {
                            collecting = Some(if local.as_ref() == b"beforebreak" { "before" } else { "after" });
                            text.clear();
                        }
                        b"languagemap" => {
                            let pattern = attr("languagepattern")?.unwrap_or_default();
                            let rule = attr("languagerulename")?.unwrap_or_default();
                            doc.maps.push(LanguageMap { pattern, rule });
                        }
                        _ => {}
                    }
                }
                Event::Text(t) if collecting.is_some() => {
                    let s = t.xml10_content().map_err(|e| xml_err(pos, e.to_string()))?;
                    text.push_str(&s);
                }
                Event::CData(t) if collecting.is_some() => text.push_str(&String::from_utf8_lossy(&t)),
                Event::GeneralRef(r) if collecting.is_some() => {
                    if let Some(c) = r.resolve_char_ref().map_err(|e| xml_err(pos, e.to_string()))? {
                        text.push(c);
                    } else {
                        let name = r.decode().map_err(|e| xml_err(pos, e.to_string()))?;
                        let c = match name.as_ref() {
                            "lt" => '<',
                            "gt" => '>',
                            "amp" => '&',
                            "apos" => '\'',
                            "quot" => '"',
                            other => return Err(xml_err(pos, format!("unknown entity &{other};"))),
                        };
                        text.push(c);
                    }
                }
                Event::Comment(c) => {
                    let s = String::from_utf8_lossy(&c).trim().to_string();
                    if !s.is_empty() {
                        comment = Some(s);
                    }
                }
                Event::End(e) => match e.local_name().as_ref() {
                    b"beforebreak" | b"afterbreak" => {
                        if let (Some(which), Some(r)) = (collecting.take(), rule.as_mut()) {
                            let value = std::mem::take(&mut text);
                            if which == "before" {
                                r.before = value;
                            } else {
                                r.after = value;
                            }
                        }
                    }
                    b"rule" => {
                        if let Some(r) = rule.take() {
                            push_rule(&mut doc, r);
                        }
                    }
                    _ => {}
                },
                Event::Eof => break,
                _ => {}
            }
        }
        if !saw_root || doc.language_rules.is_empty() {
            return Err(SrxError::NotSrx { path: source.to_string() });
        }
        for m in &doc.maps {
            if !doc.language_rules.iter().any(|l| l.name == m.rule) {
                return Err(SrxError::UnknownLanguageRule {
                    path: source.to_string(),
                    pattern: m.pattern.clone(),
                    name: m.rule.clone(),
                });
            }
        }
        Ok(doc)
    }

    /// The rules that apply to `lang` (a code like `ar`, `en-US`), compiled.
    pub fn rules_for(&self, lang: &str) -> Result<SrxSegmenter, SrxError> {
        let mut chosen: Vec<&LanguageRule> = Vec::new();
        for m in &self.maps {
            let translated = java::translate(&m.pattern).map_err(|e| self.bad_map(m, e.0))?;
            let re = Regex::new(&format!("^(?:{translated})$")).map_err(|e| self.bad_map(m, e.to_string()))?;
            if re.is_match(lang).unwrap_or(false) {
                if let Some(l) = self.language_rules.iter().find(|l| l.name == m.rule) {
                    if !chosen.iter().any(|c| c.name == l.name) {
                        chosen.push(l);
                    }
                }
                if !self.cascade {
                    break;
                }
            }
        }
        if chosen.is_empty() {
            let patterns = self.maps.iter().map(|m| m.pattern.as_str()).collect::<Vec<_>>().join(", ");
            return Err(SrxError::NoRulesForLanguage { path: self.source.clone(), lang: lang.to_string(), patterns });
        }
        let mut rules = Vec::new();
        for l in chosen {
            for (k, r) in l.rules.iter().enumerate() {
                let name = format!("languagerule {:?}, rule {} (line {})", l.name, k + 1, r.line);
                rules.push(CompiledRule {
                    is_break: r.is_break,
                    before: self.compile(&r.before, &name, "beforebreak")?,
                    after: self.compile(&r.after, &name, "afterbreak")?,
                });
            }
        }
        Ok(SrxSegmenter { rules: Arc::new(rules), description: format!("{} ({lang})", self.source) })
    }

    fn bad_map(&self, m: &LanguageMap, reason: String) -> SrxError {
        SrxError::BadRule {
            path: self.source.clone(),
            rule: format!("languagemap for {:?}", m.rule),
            part: "languagepattern",
            pattern: m.pattern.clone(),
            reason,
        }
    }

    fn compile(&self, pattern: &str, rule: &str, part: &'static str) -> Result<Option<Regex>, SrxError> {
        if pattern.is_empty() {
            return Ok(None);
        }
        let bad = |reason: String| SrxError::BadRule {
            path: self.source.clone(),
            rule: rule.to_string(),
            part,
            pattern: pattern.to_string(),
            reason,
        };
        let translated = java::translate(pattern).map_err(|e| bad(e.0))?;
        let re = fancy_regex::RegexBuilder::new(&translated)
            .backtrack_limit(100_000)
            .build()
            .map_err(|e| bad(e.to_string()))?;
        Ok(Some(re))
    }

    /// The document as SRX 2.0 XML.
    pub fn to_xml(&self) -> String {
        let esc = |s: &str| quick_xml::escape::escape(s).into_owned();
        let mut out = String::new();
        out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        out.push_str("<srx xmlns=\"http://www.lisa.org/srx20\" version=\"2.0\">\n");
        let _ =
            writeln!(out, "  <header segmentsubflows=\"yes\" cascade=\"{}\">", if self.cascade { "yes" } else { "no" });
        out.push_str("    <formathandle type=\"start\" include=\"no\"/>\n");
        out.push_str("    <formathandle type=\"end\" include=\"yes\"/>\n");
        out.push_str("    <formathandle type=\"isolated\" include=\"no\"/>\n");
        out.push_str("  </header>\n  <body>\n    <languagerules>\n");
        for l in &self.language_rules {
            let _ = writeln!(out, "      <languagerule languagerulename=\"{}\">", esc(&l.name));
            for r in &l.rules {
                if let Some(c) = &r.comment {
                    let _ = writeln!(out, "        <!-- {} -->", c.replace("--", "- -"));
                }
                let _ = writeln!(out, "        <rule break=\"{}\">", if r.is_break { "yes" } else { "no" });
                let _ = writeln!(out, "          <beforebreak>{}</beforebreak>", esc(&r.before));
                let _ = writeln!(out, "          <afterbreak>{}</afterbreak>", esc(&r.after));
                out.push_str("        </rule>\n");
            }
            out.push_str("      </languagerule>\n");
        }
        out.push_str("    </languagerules>\n    <maprules>\n");
        for m in &self.maps {
            let _ = writeln!(
                out,
                "      <languagemap languagepattern=\"{}\" languagerulename=\"{}\"/>",
                esc(&m.pattern),
                esc(&m.rule)
            );
        }
        out.push_str("    </maprules>\n  </body>\n</srx>\n");
        out
    }
}

fn push_rule(doc: &mut SrxDocument, rule: SrxRule) {
    if let Some(l) = doc.language_rules.last_mut() {
        l.rules.push(rule);
    }
}

#[derive(Debug)]
struct CompiledRule {
    is_break: bool,
    before: Option<Regex>,
    after: Option<Regex>,
}

/// The compiled rules for one language.
#[derive(Clone, Debug)]
pub struct SrxSegmenter {
    rules: Arc<Vec<CompiledRule>>,
    description: String,
}

impl SrxSegmenter {
    pub fn description(&self) -> &str {
        &self.description
    }

    pub fn len(&self) -> usize {
        self.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Byte offsets where segments end, in order (OmegaT's semantics, see the module comment). A
    /// rule whose regex gives up (the backtracking limit) stops claiming positions.
    pub fn breaks(&self, text: &str) -> Vec<usize> {
        // decided[i]: Some(true) break, Some(false) no break, for byte i (a char boundary).
        let mut decided: Vec<Option<bool>> = vec![None; text.len() + 1];
        for rule in self.rules.iter() {
            let mut after_iter = rule.after.as_ref().map(|a| a.find_iter(text));
            let mut after_start: Option<usize> = None;
            let mut after_done = false;
            let mut claim = |pos: usize, decided: &mut Vec<Option<bool>>| {
                if pos == 0 || pos >= text.len() {
                    return;
                }
                let ok = match after_iter.as_mut() {
                    None => true,
                    Some(it) => {
                        // Advance the after-matches until one starts at or beyond `pos`.
                        while !after_done && after_start.is_none_or(|s| s < pos) {
                            match it.next() {
                                Some(Ok(m)) => after_start = Some(m.start()),
                                _ => after_done = true,
                            }
                        }
                        after_start == Some(pos)
                    }
                };
                if ok && decided[pos].is_none() {
                    decided[pos] = Some(rule.is_break);
                }
            };
            match &rule.before {
                Some(b) => {
                    for m in b.find_iter(text) {
                        match m {
                            Ok(m) => claim(m.end(), &mut decided),
                            Err(_) => break,
                        }
                    }
                }
                // An empty beforebreak matches before every character (OmegaT: ".").
                None => {
                    for (i, c) in text.char_indices() {
                        claim(i + c.len_utf8(), &mut decided);
                    }
                }
            }
        }
        decided.iter().enumerate().filter(|(_, d)| **d == Some(true)).map(|(i, _)| i).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<srx xmlns="http://www.lisa.org/srx20" version="2.0">
<header segmentsubflows="yes" cascade="yes"/>
<body>
<languagerules>
<languagerule languagerulename="Arabic">
<!-- Dr. before a name -->
<rule break="no"><beforebreak>\sد\.</beforebreak><afterbreak>\s</afterbreak></rule>
</languagerule>
<languagerule languagerulename="Default">
<rule break="yes"><beforebreak>[\.\?!؟]+</beforebreak><afterbreak>\s</afterbreak></rule>
<rule break="yes"><beforebreak>&#x2029;</beforebreak><afterbreak/></rule>
</languagerule>
</languagerules>
<maprules>
<languagemap languagepattern="(AR|ar).*" languagerulename="Arabic"/>
<languagemap languagepattern=".*" languagerulename="Default"/>
</maprules>
</body>
</srx>"#;

    fn pieces(seg: &SrxSegmenter, text: &str) -> Vec<String> {
        super::super::rules::ranges_from_breaks(text, &seg.breaks(text))
            .into_iter()
            .map(|r| text[r].to_string())
            .collect()
    }

    #[test]
    fn cascading_maps_and_first_rule_wins() {
        let doc = SrxDocument::parse(SAMPLE, "t.srx").unwrap();
        assert!(doc.cascade);
        assert_eq!(doc.language_rules[0].rules[0].comment.as_deref(), Some("Dr. before a name"));
        assert_eq!(doc.language_rules[1].rules[1].before, "\u{2029}");
        let ar = doc.rules_for("ar-SA").unwrap();
        assert_eq!(ar.len(), 3);
        assert_eq!(pieces(&ar, "قال د. أحمد كلاما. ثم ذهب؟ نعم"), ["قال د. أحمد كلاما.", "ثم ذهب؟", "نعم"]);
        let en = doc.rules_for("en").unwrap();
        assert_eq!(en.len(), 2);
        let mut no_cascade = doc.clone();
        no_cascade.cascade = false;
        assert_eq!(no_cascade.rules_for("ar").unwrap().len(), 1);
    }

    #[test]
    fn writing_and_reading_back_gives_the_same_document() {
        let unlined = |mut d: SrxDocument| {
            d.language_rules.iter_mut().flat_map(|l| l.rules.iter_mut()).for_each(|r| r.line = 0);
            d
        };
        let doc = SrxDocument::parse(SAMPLE, "t.srx").unwrap();
        let again = SrxDocument::parse(&doc.to_xml(), "t.srx").unwrap();
        assert_eq!(unlined(doc), unlined(again));
    }

    #[test]
    fn errors_name_the_rule_and_the_fix() {
        let bad = SAMPLE.replace(r"\sد\.", r"\p{Bogus}");
        let doc = SrxDocument::parse(&bad, "t.srx").unwrap();
        let msg = doc.rules_for("ar").unwrap_err().to_string();
        assert!(msg.contains("languagerule \"Arabic\", rule 1 (line 8)") && msg.contains("\\p{Bogus}"), "{msg}");
        let msg = doc.rules_for("en").map(|_| ()).map_err(|e| e.to_string());
        assert!(msg.is_ok(), "a broken Arabic rule does not stop English: {msg:?}");
        let unmapped = SAMPLE.replace(r#"languagepattern=".*""#, r#"languagepattern="fr""#);
        let msg = SrxDocument::parse(&unmapped, "t.srx").unwrap().rules_for("en").unwrap_err().to_string();
        assert!(msg.contains("no <languagemap> matches language \"en\""), "{msg}");
        assert!(matches!(SrxDocument::parse("<html/>", "x"), Err(SrxError::NotSrx { .. })));
        assert!(matches!(
            SrxDocument::parse("<srx><body>", "x"),
            Err(SrxError::Xml { .. }) | Err(SrxError::NotSrx { .. })
        ));
    }

    #[test]
    fn a_header_without_cascade_cascades_as_omegat_does() {
        let bare = SAMPLE.replace(r#"<header segmentsubflows="yes" cascade="yes"/>"#, "<header></header>");
        assert!(SrxDocument::parse(&bare, "t.srx").unwrap().cascade);
        let no = SAMPLE.replace(r#"cascade="yes""#, r#"cascade="no""#);
        assert!(!SrxDocument::parse(&no, "t.srx").unwrap().cascade);
    }

    #[test]
    fn srx_1_maprule_wrappers_are_read() {
        let v1 = SAMPLE
            .replace("<maprules>", "<maprules><maprule maprulename=\"Default\">")
            .replace("</maprules>", "</maprule></maprules>");
        assert_eq!(SrxDocument::parse(&v1, "t.srx").unwrap().maps.len(), 2);
    }
}
