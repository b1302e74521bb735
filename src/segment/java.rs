//! Java regular expressions (what SRX files from OmegaT, Okapi, LanguageTool … are written in)
//! translated into the syntax of the `fancy-regex` crate.
//!
//! Java's meaning is kept where the two differ: `\s \d \w` are ASCII-only unless the pattern
//! sets `(?U)`, `\h \v \R` are whitespace classes, `\uFFFF`, `\Q…\E`, `\p{InArabic}` (blocks),
//! `\p{IsLatin}`, `\p{Alpha}` and `\p{javaLowerCase}` are rewritten, and every escaped
//! punctuation mark becomes a plain literal (in Rust `\<` would be a word boundary). What cannot
//! be translated is an error that says what, so the caller can name the rule.

use std::fmt::Write as _;

/// Why a pattern could not be translated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Untranslatable(pub String);

/// Translates a Java pattern.
pub fn translate(pattern: &str) -> Result<String, Untranslatable> {
    let unicode = pattern.contains("(?U") || has_flag_group_with_u(pattern);
    let mut t =
        Translator { chars: pattern.chars().collect(), pos: 0, out: String::with_capacity(pattern.len() * 2), unicode };
    t.top()?;
    Ok(t.out)
}

fn has_flag_group_with_u(p: &str) -> bool {
    // (?iU) (?Ui:…) and similar.
    let b = p.as_bytes();
    let mut i = 0;
    while i + 2 < b.len() {
        if b[i] == b'(' && b[i + 1] == b'?' && (i == 0 || b[i - 1] != b'\\') {
            let mut j = i + 2;
            while j < b.len() && (b[j].is_ascii_alphabetic() || b[j] == b'-') {
                if b[j] == b'U' {
                    return true;
                }
                j += 1;
            }
        }
        i += 1;
    }
    false
}

struct Translator {
    chars: Vec<char>,
    pos: usize,
    out: String,
    /// `(?U)`: Java's UNICODE_CHARACTER_CLASS, so `\s \w \d` are Unicode classes.
    unicode: bool,
}

fn err<T>(msg: impl Into<String>) -> Result<T, Untranslatable> {
    Err(Untranslatable(msg.into()))
}

/// A character as a literal that means the same inside or outside a class.
fn literal(c: char, out: &mut String) {
    if c.is_alphanumeric() || (!c.is_ascii() && !c.is_whitespace() && !c.is_control()) {
        out.push(c);
    } else {
        let _ = write!(out, "\\x{{{:X}}}", c as u32);
    }
}

impl Translator {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }
    fn peek_at(&self, k: usize) -> Option<char> {
        self.chars.get(self.pos + k).copied()
    }
    fn next(&mut self) -> Option<char> {
        let c = self.peek();
        self.pos += 1;
        c
    }
    fn eat(&mut self, s: &str) -> bool {
        let n = s.chars().count();
        if self.chars.len() >= self.pos + n && self.chars[self.pos..self.pos + n].iter().copied().eq(s.chars()) {
            self.pos += n;
            true
        } else {
            false
        }
    }

    fn top(&mut self) -> Result<(), Untranslatable> {
        while let Some(c) = self.next() {
            match c {
                '\\' => {
                    let piece = self.escape(false)?;
                    self.out.push_str(&piece);
                }
                '[' => {
                    let class = self.class()?;
                    self.out.push_str(&class);
                }
                '(' => self.group()?,
                // Possessive quantifiers (`a*+`) are kept: fancy-regex reads them as Java does.
                '.' | '|' | '?' | '*' | '+' | ')' | '^' | '$' => self.out.push(c),
                '{' => {
                    // A counted repetition `{n}`, `{n,}`, `{n,m}`; otherwise a literal brace.
                    let rest: String = self.chars[self.pos..].iter().take_while(|&&d| d != '}').collect();
                    let counted = !rest.is_empty()
                        && self.chars.len() > self.pos + rest.chars().count()
                        && rest.chars().all(|d| d.is_ascii_digit() || d == ',')
                        && rest.starts_with(|d: char| d.is_ascii_digit());
                    if counted {
                        self.out.push('{');
                        self.out.push_str(&rest);
                        self.out.push('}');
                        self.pos += rest.chars().count() + 1;
                    } else {
                        literal(c, &mut self.out);
                    }
                }
                _ => literal(c, &mut self.out),
            }
        }
        Ok(())
    }

    /// After `(`: groups, look-around and inline flags.
    fn group(&mut self) -> Result<(), Untranslatable> {
        if self.peek() != Some('?') {
            self.out.push('(');
            return Ok(());
        }
        // `(?` …
        for prefix in ["?:", "?=", "?!", "?<=", "?<!", "?>"] {
            if self.eat(prefix) {
                self.out.push('(');
                self.out.push_str(prefix);
                return Ok(());
            }
        }
        if self.eat("?<") {
            // Named group (?<name>…).
            let mut name = String::new();
            while let Some(c) = self.next() {
                if c == '>' {
                    let _ = write!(self.out, "(?<{name}>");
                    return Ok(());
                }
                if !c.is_ascii_alphanumeric() {
                    return err(format!("bad group name in (?<{name}{c}"));
                }
                name.push(c);
            }
            return err("unterminated group name");
        }
        self.pos += 1; // the '?'
                       // Inline flags: (?idmsuxU-idmsuxU) or (?flags:…).
        let mut on = String::new();
        let mut off = String::new();
        let mut negate = false;
        loop {
            match self.next() {
                Some(f @ ('i' | 'd' | 'm' | 's' | 'u' | 'x' | 'U' | 'c')) => {
                    // d (UNIX_LINES), u (UNICODE_CASE), U (UNICODE_CHARACTER_CLASS, applied to the
                    // whole pattern) and c (CANON_EQ) have no Rust counterpart and are dropped.
                    if matches!(f, 'i' | 'm' | 's' | 'x') {
                        if negate {
                            off.push(f);
                        } else {
                            on.push(f);
                        }
                    }
                }
                Some('-') => negate = true,
                Some(')') => {
                    if !on.is_empty() || !off.is_empty() {
                        let _ = write!(self.out, "(?{on}{}{off})", if off.is_empty() { "" } else { "-" });
                    }
                    return Ok(());
                }
                Some(':') => {
                    let _ = write!(self.out, "(?{on}{}{off}:", if off.is_empty() { "" } else { "-" });
                    return Ok(());
                }
                Some(other) => return err(format!("unsupported group or flag (?{on}{other}")),
                None => return err("unterminated group"),
            }
        }
    }

    /// After a backslash. `in_class`: the result goes inside `[...]`.
    fn escape(&mut self, in_class: bool) -> Result<String, Untranslatable> {
        let Some(c) = self.next() else { return err("pattern ends with a backslash") };
        let mut out = String::new();
        let class = |content: &str, negated: bool| -> String {
            match (in_class, negated) {
                (true, false) => content.to_string(),
                (_, true) => format!("[^{content}]"),
                (false, false) => format!("[{content}]"),
            }
        };
        match c {
            's' | 'S' if !self.unicode => out = class(r"\t\n\x{0B}\x{0C}\r\x{20}", c == 'S'),
            'd' | 'D' if !self.unicode => out = class("0-9", c == 'D'),
            'w' | 'W' if !self.unicode => out = class("a-zA-Z_0-9", c == 'W'),
            's' | 'S' | 'd' | 'D' | 'w' | 'W' => {
                out.push('\\');
                out.push(c);
            }
            'h' | 'H' => {
                out = class(r"\x{20}\t\x{A0}\x{1680}\x{180E}\x{2000}-\x{200A}\x{202F}\x{205F}\x{3000}", c == 'H')
            }
            'v' | 'V' => out = class(r"\n\x{0B}\x{0C}\r\x{85}\x{2028}\x{2029}", c == 'V'),
            'R' if !in_class => out.push_str(r"(?:\r\n|[\n\x{0B}\x{0C}\r\x{85}\x{2028}\x{2029}])"),
            'b' | 'B' | 'A' | 'z' | 'Z' | 'G' if !in_class => {
                out.push('\\');
                out.push(c);
            }
            'b' => return err("\\b inside a character class"),
            't' => out.push_str(r"\t"),
            'n' => out.push_str(r"\n"),
            'r' => out.push_str(r"\r"),
            'f' => out.push_str(r"\x{0C}"),
            'a' => out.push_str(r"\x{07}"),
            'e' => out.push_str(r"\x{1B}"),
            'u' => {
                let hex: String = (0..4).filter_map(|_| self.next()).collect();
                let v =
                    u32::from_str_radix(&hex, 16).map_err(|_| Untranslatable(format!("bad \\u escape \\u{hex}")))?;
                let _ = write!(out, "\\x{{{v:X}}}");
            }
            'x' => {
                let hex: String = if self.peek() == Some('{') {
                    self.pos += 1;
                    let mut h = String::new();
                    loop {
                        match self.next() {
                            Some('}') => break,
                            Some(d) => h.push(d),
                            None => return err("unterminated \\x{"),
                        }
                    }
                    h
                } else {
                    (0..2).filter_map(|_| self.next()).collect()
                };
                let v = u32::from_str_radix(&hex, 16).map_err(|_| Untranslatable(format!("bad \\x escape {hex}")))?;
                let _ = write!(out, "\\x{{{v:X}}}");
            }
            '0' => {
                let mut v = 0u32;
                let mut n = 0;
                while n < 3 {
                    match self.peek().and_then(|d| d.to_digit(8)) {
                        Some(d) if v * 8 + d <= 0o377 => {
                            v = v * 8 + d;
                            self.pos += 1;
                            n += 1;
                        }
                        _ => break,
                    }
                }
                if n == 0 {
                    return err("bad octal escape \\0");
                }
                let _ = write!(out, "\\x{{{v:X}}}");
            }
            'c' => {
                let Some(x) = self.next() else { return err("\\c at the end") };
                let _ = write!(out, "\\x{{{:X}}}", (x as u32) ^ 64);
            }
            '1'..='9' if !in_class => {
                out.push('\\');
                out.push(c);
            }
            'k' if !in_class && self.peek() == Some('<') => {
                out.push_str("\\k<");
                self.pos += 1;
                while let Some(ch) = self.next() {
                    out.push(ch);
                    if ch == '>' {
                        break;
                    }
                }
            }
            'Q' => {
                // Literal text up to \E.
                loop {
                    if self.eat("\\E") {
                        break;
                    }
                    match self.next() {
                        Some(ch) => literal(ch, &mut out),
                        None => break,
                    }
                }
            }
            'E' => {}
            'p' | 'P' => {
                let name = if self.peek() == Some('{') {
                    self.pos += 1;
                    let mut n = String::new();
                    loop {
                        match self.next() {
                            Some('}') => break,
                            Some(ch) => n.push(ch),
                            None => return err("unterminated \\p{"),
                        }
                    }
                    n
                } else {
                    self.next().map(String::from).unwrap_or_default()
                };
                let content = property(&name)?;
                out = class(&content, c == 'P');
            }
            c if c.is_ascii_alphanumeric() => return err(format!("unsupported escape \\{c}")),
            // Any other escaped character is itself.
            c => literal(c, &mut out),
        }
        Ok(out)
    }

    /// After `[`: a character class, with Java's nesting (`[a[b]]`) and intersection (`&&`), both
    /// of which Rust reads the same way.
    fn class(&mut self) -> Result<String, Untranslatable> {
        let mut out = String::from("[");
        if self.peek() == Some('^') {
            self.pos += 1;
            out.push('^');
        }
        let mut first = true;
        loop {
            let Some(c) = self.next() else { return err("unterminated character class") };
            match c {
                ']' if !first => {
                    out.push(']');
                    return Ok(out);
                }
                '[' => {
                    let inner = self.class()?;
                    out.push_str(&inner);
                }
                '&' if self.peek() == Some('&') => {
                    self.pos += 1;
                    out.push_str("&&");
                }
                '\\' => {
                    let e = self.escape(true)?;
                    out.push_str(&e);
                    if is_single_char(&e) {
                        self.maybe_range(&mut out)?;
                    } else if self.peek() == Some('-') && self.peek_at(1) != Some(']') {
                        // Java reads `[\p{Lu}-x]` as the class, a hyphen and x.
                        self.pos += 1;
                        out.push_str(r"\x{2D}");
                    }
                }
                c => {
                    literal(c, &mut out);
                    self.maybe_range(&mut out)?;
                }
            }
            first = false;
        }
    }

    /// After a class atom: `-x` makes a range unless the `-` closes the class.
    fn maybe_range(&mut self, out: &mut String) -> Result<(), Untranslatable> {
        if self.peek() == Some('-') && !matches!(self.peek_at(1), Some(']') | Some('[') | None) {
            self.pos += 1;
            out.push('-');
            match self.next() {
                Some('\\') => {
                    let e = self.escape(true)?;
                    out.push_str(&e);
                }
                Some(c) => literal(c, out),
                None => return err("unterminated range"),
            }
        }
        Ok(())
    }
}

/// Whether a translated escape stands for one character (and so may start a range).
fn is_single_char(e: &str) -> bool {
    (e.starts_with("\\x{") && e.ends_with('}') && e.matches('{').count() == 1)
        || matches!(e, "\\t" | "\\n" | "\\r")
        || e.chars().count() == 1
}

/// Contents of a class for a Java property name (`L`, `IsLatin`, `InArabic`, `Punct` …).
fn property(name: &str) -> Result<String, Untranslatable> {
    let general = [
        "L", "Lu", "Ll", "Lt", "Lm", "Lo", "LC", "M", "Mn", "Mc", "Me", "N", "Nd", "Nl", "No", "P", "Pc", "Pd", "Ps",
        "Pe", "Pi", "Pf", "Po", "S", "Sm", "Sc", "Sk", "So", "Z", "Zs", "Zl", "Zp", "C", "Cc", "Cf", "Co", "Cs", "Cn",
    ];
    let bare = name.strip_prefix("Is").unwrap_or(name);
    if general.contains(&bare) {
        return Ok(format!("\\p{{{bare}}}"));
    }
    let posix = match name {
        "Lower" => Some("a-z"),
        "Upper" => Some("A-Z"),
        "ASCII" => Some(r"\x{0}-\x{7F}"),
        "Alpha" => Some("a-zA-Z"),
        "Digit" => Some("0-9"),
        "Alnum" => Some("a-zA-Z0-9"),
        "Punct" => Some(r"\x{21}-\x{2F}\x{3A}-\x{40}\x{5B}-\x{60}\x{7B}-\x{7E}"),
        "Graph" => Some(r"\x{21}-\x{7E}"),
        "Print" => Some(r"\x{20}-\x{7E}"),
        "Blank" => Some(r"\x{20}\t"),
        "Cntrl" => Some(r"\x{0}-\x{1F}\x{7F}"),
        "XDigit" => Some("0-9a-fA-F"),
        "Space" => Some(r"\t\n\x{0B}\x{0C}\r\x{20}"),
        "javaLowerCase" | "IsLowercase" => Some(r"\p{Lowercase}"),
        "javaUpperCase" | "IsUppercase" => Some(r"\p{Uppercase}"),
        "javaTitleCase" | "IsTitlecase" => Some(r"\p{Lt}"),
        "javaLetter" | "IsLetter" => Some(r"\p{L}"),
        "javaDigit" | "IsDigit" => Some(r"\p{Nd}"),
        "javaLetterOrDigit" => Some(r"\p{L}\p{Nd}"),
        "javaAlphabetic" | "IsAlphabetic" => Some(r"\p{Alphabetic}"),
        "javaIdeographic" | "IsIdeographic" => Some(r"\p{Ideographic}"),
        "javaSpaceChar" => Some(r"\p{Z}"),
        "javaWhitespace" | "IsWhite_Space" | "IsWhiteSpace" | "IsWhitespace" => Some(r"\p{White_Space}"),
        "IsPunctuation" => Some(r"\p{P}"),
        "IsControl" => Some(r"\p{Cc}"),
        "IsHex_Digit" | "IsHexDigit" => Some(r"\p{Hex_Digit}"),
        "IsJoin_Control" | "IsJoinControl" => Some(r"\p{Join_Control}"),
        "IsAssigned" => Some(r"\P{Cn}"),
        _ => None,
    };
    if let Some(p) = posix {
        return Ok(p.to_string());
    }
    let block = name.strip_prefix("In").or_else(|| name.strip_prefix("block=")).or_else(|| name.strip_prefix("blk="));
    if let Some(b) = block {
        return block_range(b)
            .map(str::to_string)
            .ok_or_else(|| Untranslatable(format!("unknown Unicode block \\p{{{name}}}")));
    }
    let script = name.strip_prefix("script=").or_else(|| name.strip_prefix("sc=")).unwrap_or(bare);
    if SCRIPTS.iter().any(|s| s.eq_ignore_ascii_case(script)) {
        let s = SCRIPTS.iter().find(|s| s.eq_ignore_ascii_case(script)).copied().unwrap_or(script);
        return Ok(format!("\\p{{{s}}}"));
    }
    if let Some(gc) = name.strip_prefix("general_category=").or_else(|| name.strip_prefix("gc=")) {
        if general.contains(&gc) {
            return Ok(format!("\\p{{{gc}}}"));
        }
    }
    err(format!("unsupported property \\p{{{name}}}"))
}

/// Scripts that SRX files use (Java: `\p{IsArabic}`, `\p{script=Arabic}`).
const SCRIPTS: &[&str] = &[
    "Latin",
    "Greek",
    "Cyrillic",
    "Armenian",
    "Hebrew",
    "Arabic",
    "Syriac",
    "Thaana",
    "Devanagari",
    "Bengali",
    "Gurmukhi",
    "Gujarati",
    "Oriya",
    "Tamil",
    "Telugu",
    "Kannada",
    "Malayalam",
    "Sinhala",
    "Thai",
    "Lao",
    "Tibetan",
    "Myanmar",
    "Georgian",
    "Hangul",
    "Ethiopic",
    "Cherokee",
    "Khmer",
    "Mongolian",
    "Hiragana",
    "Katakana",
    "Bopomofo",
    "Han",
    "Common",
    "Inherited",
];

/// Unicode blocks by Java name (`InArabic`, `InBasicLatin`, `InLatin-1Supplement` …).
fn block_range(name: &str) -> Option<&'static str> {
    let key: String = name.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_lowercase();
    Some(match key.as_str() {
        "basiclatin" => r"\x{0}-\x{7F}",
        "latin1supplement" => r"\x{80}-\x{FF}",
        "latinextendeda" => r"\x{100}-\x{17F}",
        "latinextendedb" => r"\x{180}-\x{24F}",
        "ipaextensions" => r"\x{250}-\x{2AF}",
        "combiningdiacriticalmarks" => r"\x{300}-\x{36F}",
        "greek" | "greekandcoptic" => r"\x{370}-\x{3FF}",
        "cyrillic" => r"\x{400}-\x{4FF}",
        "armenian" => r"\x{530}-\x{58F}",
        "hebrew" => r"\x{590}-\x{5FF}",
        "arabic" => r"\x{600}-\x{6FF}",
        "syriac" => r"\x{700}-\x{74F}",
        "arabicsupplement" => r"\x{750}-\x{77F}",
        "devanagari" => r"\x{900}-\x{97F}",
        "thai" => r"\x{E00}-\x{E7F}",
        "generalpunctuation" => r"\x{2000}-\x{206F}",
        "currencysymbols" => r"\x{20A0}-\x{20CF}",
        "cjksymbolsandpunctuation" => r"\x{3000}-\x{303F}",
        "hiragana" => r"\x{3040}-\x{309F}",
        "katakana" => r"\x{30A0}-\x{30FF}",
        "cjkunifiedideographs" => r"\x{4E00}-\x{9FFF}",
        "hangulsyllables" => r"\x{AC00}-\x{D7AF}",
        "arabicpresentationformsa" => r"\x{FB50}-\x{FDFF}",
        "arabicpresentationformsb" => r"\x{FE70}-\x{FEFF}",
        "halfwidthandfullwidthforms" => r"\x{FF00}-\x{FFEF}",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn re(p: &str) -> fancy_regex::Regex {
        let t = translate(p).unwrap_or_else(|e| panic!("{p}: {e:?}"));
        fancy_regex::Regex::new(&t).unwrap_or_else(|e| panic!("{p} → {t}: {e}"))
    }

    fn is_match(p: &str, s: &str) -> bool {
        re(p).is_match(s).unwrap()
    }

    #[test]
    fn java_classes_keep_java_meaning() {
        assert!(is_match(r"^\s$", " "));
        assert!(!is_match(r"^\s$", "\u{A0}"), "Java's \\s is ASCII");
        assert!(is_match(r"(?U)^\s$", "\u{A0}"));
        assert!(is_match(r"^\h$", "\u{A0}"));
        assert!(!is_match(r"^\w$", "ب"));
        assert!(is_match(r"^\p{InArabic}\p{IsLatin}\p{Lu}\p{Punct}$", "بXY!"));
        assert!(is_match(r"^\P{L}$", "5"));
        assert!(is_match(r"^[\p{L}&&[^\p{Lu}]]$", "a"));
        assert!(!is_match(r"^[\p{L}&&[^\p{Lu}]]$", "A"));
        assert!(is_match(r"^[^\s\.]+$", "abc"));
    }

    #[test]
    fn escapes_and_literals() {
        assert!(is_match(r"^\u0645\.$", "م."));
        assert!(is_match(r"^\Qa.b*\E$", "a.b*"));
        assert!(!is_match(r"^\Qa.b\E$", "axb"));
        assert!(is_match(r"^\<\>\-\/\:$", "<>-/:"));
        assert!(is_match(r"^[\-\]]+$", "-]"));
        assert!(is_match(r"^[.!?؟…]['\x{22}»]*$", "؟\"»"));
        assert!(is_match(r"^a\x41\0101$", "aAA"));
        assert!(is_match(r"^[\p{Lu}-–]+$", "A-–"), "a hyphen after a class is a literal");
        assert!(is_match(r"^[\u0041-\u0043]+$", "ABC"));
        // The shape of abbreviation rules written by Okapi-based tools.
        assert!(is_match(r"^(\b|\p{Z})[\p{Cc}\p{Cf}\p{Co}\p{Cn}]*(\Qapprox.\E|\QApprox.\E)$", " approx."));
    }

    #[test]
    fn groups_flags_lookaround_possessive() {
        assert!(is_match(r"(?iu)^abc$", "ABC"));
        assert!(is_match(r"(?<=\bDr)\.", "Dr."));
        assert!(!is_match(r"(?<!\bDr)\.", "Dr."));
        assert!(is_match(r"^a++b$", "aab"));
        assert!(is_match(r"^(?>ab|a)b$", "abb"));
        assert!(is_match(r"^(?<x>a)\k<x>$", "aa"));
        assert!(is_match(r"(?<=\b\p{L}{1,3})\.", "abc."), "bounded variable look-behind");
    }

    #[test]
    fn unsupported_things_are_named() {
        assert!(translate(r"\p{Nonsense}").unwrap_err().0.contains("\\p{Nonsense}"));
        assert!(translate(r"\y").unwrap_err().0.contains("\\y"));
        assert!(translate(r"[abc").unwrap_err().0.contains("unterminated"));
        assert!(translate("\\").is_err());
    }
}
