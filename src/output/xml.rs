//! Text made safe for XML 1.0: the five entities escaped (by quick-xml) and the characters XML
//! forbids (C0 controls other than tab/newline/CR, U+FFFE, U+FFFF) removed and counted.

use std::borrow::Cow;

/// Is `c` allowed in an XML 1.0 document? (XML 1.0 §2.2, production [2] Char.)
pub fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

/// Removes characters XML forbids; returns the text and how many were removed.
pub fn strip_forbidden(text: &str) -> (Cow<'_, str>, usize) {
    if text.chars().all(allowed) {
        return (Cow::Borrowed(text), 0);
    }
    let kept: String = text.chars().filter(|&c| allowed(c)).collect();
    let removed = text.chars().count() - kept.chars().count();
    (Cow::Owned(kept), removed)
}

/// Escapes text for element content or an attribute value (`<`, `>`, `&`, `'`, `"`), after
/// removing forbidden characters. Adds the number removed to `removed`.
pub fn escape(text: &str, removed: &mut usize) -> String {
    let (clean, n) = strip_forbidden(text);
    *removed += n;
    quick_xml::escape::escape(clean.as_ref()).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_characters_are_removed_and_counted() {
        let mut n = 0;
        assert_eq!(escape("a\u{1}<b>\u{FFFE}&\"", &mut n), "a&lt;b&gt;&amp;&quot;");
        assert_eq!(n, 2);
        assert_eq!(escape("نص\tعادي", &mut n), "نص\tعادي");
        assert_eq!(n, 2);
    }
}
