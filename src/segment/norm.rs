//! The normalised view the rules match on: what a reader sees, not what the bytes say.
//!
//! Bidi controls, zero-width characters, tatweel and Arabic diacritics are skipped, Arabic-Indic
//! digits read as ASCII digits, `٫` as a decimal point and hamza-carrying alefs as bare alef. The
//! view is built a few words at a time around a possible break, from byte offsets into the original
//! text, so the text that is cut and written out is never altered.

/// Format characters that show nothing: bidi marks and embeddings, zero-width joiners, BOM, soft
/// hyphen. Web text puts them around periods (`\u{202A}.\u{202C}`).
pub fn is_format(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// Marks that sit on an Arabic letter (harakat, shadda, superscript alef, Quranic marks) and the
/// tatweel that stretches a word: none of them changes which word it is.
pub fn is_arabic_mark(c: char) -> bool {
    matches!(
        c,
        '\u{0610}'..='\u{061A}'
            | '\u{0640}'
            | '\u{064B}'..='\u{065F}'
            | '\u{0670}'
            | '\u{06D6}'..='\u{06DC}'
            | '\u{06DF}'..='\u{06E4}'
            | '\u{06E7}'
            | '\u{06E8}'
            | '\u{06EA}'..='\u{06ED}'
    )
}

/// Skipped entirely when matching.
pub fn is_ignorable(c: char) -> bool {
    is_format(c) || is_arabic_mark(c)
}

/// Letters of the Arabic script (Arabic, Persian, Urdu additions).
pub fn is_arabic_letter(c: char) -> bool {
    matches!(c, '\u{0620}'..='\u{063F}' | '\u{0641}'..='\u{064A}' | '\u{066E}'..='\u{066F}' | '\u{0671}'..='\u{06D3}' | '\u{06D5}' | '\u{06EE}'..='\u{06EF}' | '\u{06FA}'..='\u{06FC}' | '\u{06FF}')
}

/// Sentence terminators. `؟` is the Arabic question mark, `۔` the Urdu full stop.
pub fn is_terminator(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '؟' | '…' | '۔' | '‼' | '⁇' | '⁈' | '⁉' | '！' | '？' | '。')
}

/// Quotation marks. ASCII quotes and `”` are used both ways in Arabic web text.
pub fn is_quote(c: char) -> bool {
    matches!(c, '"' | '\'' | '“' | '”' | '‘' | '’' | '«' | '»' | '‹' | '›' | '„' | '‚' | '「' | '」' | '『' | '』')
}

/// What can close a sentence after its terminator: quotes and closing brackets. `﴾` (U+FD3E) is
/// the closing ornate parenthesis of Arabic text.
pub fn is_closer(c: char) -> bool {
    is_quote(c) || matches!(c, ')' | ']' | '}' | '﴾' | '）' | '］')
}

/// What can open a sentence before its first word.
pub fn is_opener(c: char) -> bool {
    is_quote(c) || matches!(c, '(' | '[' | '{' | '﴿' | '（' | '［' | '¿' | '¡')
}

/// The character as the rules see it; `None` for an ignorable one.
pub fn fold(c: char) -> Option<char> {
    if is_ignorable(c) {
        return None;
    }
    Some(match c {
        '٠'..='٩' => char::from(b'0' + (c as u32 - '٠' as u32) as u8),
        '۰'..='۹' => char::from(b'0' + (c as u32 - '۰' as u32) as u8),
        '٫' => '.',
        '٬' => ',',
        'أ' | 'إ' | 'آ' | 'ٱ' => 'ا',
        'ى' => 'ي',
        _ => c,
    })
}

/// The normalised form of a word (for comparing with the word lists).
pub fn fold_str(s: &str) -> String {
    s.chars().filter_map(fold).collect()
}

/// One whitespace-separated word seen through the normalised view, with the quotes and brackets
/// around it set aside.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Word {
    /// Folded letters, ignorables removed, leading openers and trailing punctuation stripped.
    pub norm: String,
    /// The word had an opening quote or bracket in front.
    pub opened: bool,
    /// The first of those openers.
    pub opener: Option<char>,
    /// Closers or punctuation were stripped from its end (`D)` gives `D`).
    pub trimmed: bool,
    /// Byte range of the whole token in the original text.
    pub start: usize,
    pub end: usize,
}

impl Word {
    pub fn first(&self) -> Option<char> {
        self.norm.chars().next()
    }
    pub fn is(&self, s: &str) -> bool {
        self.norm == s
    }
    pub fn starts_lowercase(&self) -> bool {
        self.first().is_some_and(char::is_lowercase)
    }
    pub fn starts_uppercase(&self) -> bool {
        self.first().is_some_and(char::is_uppercase)
    }
    pub fn starts_digit(&self) -> bool {
        self.first().is_some_and(|c| c.is_ascii_digit())
    }
    pub fn is_arabic(&self) -> bool {
        self.first().is_some_and(is_arabic_letter)
    }
    pub fn lower(&self) -> String {
        self.norm.to_lowercase()
    }
    /// The leading letters of the word: `و"إذا` gives `و`, the conjunction before a quotation.
    pub fn core(&self) -> &str {
        let end = self.norm.find(|c: char| !c.is_alphanumeric()).unwrap_or(self.norm.len());
        &self.norm[..end]
    }
}

fn is_space(c: char) -> bool {
    c.is_whitespace()
}

/// The token that ends at byte `end` (exclusive), scanning back to whitespace; `None` at the start
/// of the text or when only whitespace precedes. Leading openers are recorded and stripped.
pub fn word_before(text: &str, end: usize) -> Option<Word> {
    let head = &text[..end];
    let trimmed = head.trim_end_matches(|c: char| is_space(c) || is_format(c));
    let tok_end = trimmed.len();
    let tok_start = trimmed.rfind(is_space).map_or(0, |i| i + trimmed[i..].chars().next().map_or(1, char::len_utf8));
    if tok_start >= tok_end {
        return None;
    }
    Some(make_word(text, tok_start, tok_end))
}

/// The token that starts at or after byte `start`, after skipping whitespace.
pub fn word_after(text: &str, start: usize) -> Option<Word> {
    let rest = &text[start..];
    let skip = rest.len() - rest.trim_start_matches(|c: char| is_space(c) || is_format(c)).len();
    let tok_start = start + skip;
    if tok_start >= text.len() {
        return None;
    }
    let tok_end = text[tok_start..].find(is_space).map_or(text.len(), |i| tok_start + i);
    Some(make_word(text, tok_start, tok_end))
}

fn make_word(text: &str, start: usize, end: usize) -> Word {
    let raw = &text[start..end];
    let mut opened = false;
    let mut opener = None;
    let mut norm = String::with_capacity(raw.len());
    let mut leading = true;
    for c in raw.chars() {
        let Some(f) = fold(c) else { continue };
        if leading && is_opener(f) {
            opened = true;
            opener.get_or_insert(f);
            continue;
        }
        leading = false;
        norm.push(f);
    }
    let mut trimmed = false;
    while norm.ends_with(|c: char| is_closer(c) || is_terminator(c) || matches!(c, ',' | '،' | ';' | '؛' | ':')) {
        norm.pop();
        trimmed = true;
    }
    Word { norm, opened, opener, trimmed, start, end }
}

/// Up to `n` tokens after byte `start`.
pub fn words_after(text: &str, mut start: usize, n: usize) -> Vec<Word> {
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        match word_after(text, start) {
            Some(w) => {
                start = w.end;
                out.push(w);
            }
            None => break,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_skips_marks_and_reads_digits() {
        assert_eq!(fold_str("مُحَمَّـــد"), "محمد");
        assert_eq!(fold_str("٣٫٥"), "3.5");
        assert_eq!(fold_str("أ\u{200F}."), "ا.");
    }

    #[test]
    fn words_around_a_position() {
        let t = "قال «د.\u{200F} أحمد» ثم";
        let dot = t.find('.').unwrap();
        let w = word_before(t, dot).unwrap();
        assert_eq!(w.norm, "د");
        assert!(w.opened);
        let next = word_after(t, dot + 1).unwrap();
        assert_eq!(next.norm, "احمد");
        assert_eq!(words_after(t, dot + 1, 5).len(), 2);
        assert!(word_before("   ", 3).is_none());
        assert!(word_after("x  ", 1).is_none());
    }
}
