//! Text made safe for XML 1.0 (TMX, XLIFF): markup characters escaped with the five predefined
//! entities only, the characters XML forbids (C0 controls other than tab/newline/CR, U+FFFE,
//! U+FFFF) removed and counted, and the characters an XML parser would normalise away written
//! as character references so they come back unchanged: CR in text (XML 1.0 §2.11 turns it into
//! a newline), and tab, newline and CR in attribute values (§3.3.3 turns them into spaces).

/// Is `c` allowed in an XML 1.0 document? (XML 1.0 §2.2, production [2] Char.)
pub fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

/// Removes characters XML forbids; returns the text and how many were removed.
pub fn strip_forbidden(text: &str) -> (std::borrow::Cow<'_, str>, usize) {
    if text.chars().all(allowed) {
        return (text.into(), 0);
    }
    let kept: String = text.chars().filter(|&c| allowed(c)).collect();
    let removed = text.chars().count() - kept.chars().count();
    (kept.into(), removed)
}

fn escape_with(text: &str, removed: &mut usize, in_attribute: bool) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            '\t' if in_attribute => out.push_str("&#9;"),
            '\n' if in_attribute => out.push_str("&#10;"),
            c if allowed(c) => out.push(c),
            _ => *removed += 1,
        }
    }
    out
}

/// Escapes text for element content (see the module comment). Adds the number of characters
/// removed to `removed`.
pub fn escape(text: &str, removed: &mut usize) -> String {
    escape_with(text, removed, false)
}

/// Escapes text for an attribute value (double-quoted), keeping tabs and line breaks.
pub fn escape_attr(text: &str, removed: &mut usize) -> String {
    escape_with(text, removed, true)
}

/// The warning a writer gives when it had to drop characters.
pub fn removed_warning(removed: usize) -> Option<String> {
    (removed > 0).then(|| {
        format!(
            "removed {removed} character{} that XML 1.0 forbids (control characters, U+FFFE, U+FFFF); the JSONL and TSV outputs keep them",
            if removed == 1 { "" } else { "s" }
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_characters_are_removed_and_counted() {
        let mut n = 0;
        assert_eq!(escape("a\u{1}<b>\u{FFFE}&\"'", &mut n), "a&lt;b&gt;&amp;&quot;&apos;");
        assert_eq!(n, 2);
        assert_eq!(escape("نص\tعادي\n", &mut n), "نص\tعادي\n");
        assert_eq!(n, 2);
        assert_eq!(escape("]]>\r\n", &mut n), "]]&gt;&#13;\n");
        assert_eq!(escape_attr("a\tb\nc", &mut n), "a&#9;b&#10;c");
        assert_eq!(strip_forbidden("x\u{0}\u{FFFF}y").0, "xy");
        assert_eq!(removed_warning(0), None);
    }
}
