//! Language codes: what the user types (`ar`, `en-US`, `fra`) → the tokens multilingual models
//! use (NLLB-200 `arb_Arab`, M2M-100 `__ar__`), and the primary language of any code.

use super::model::Family;

/// ISO 639-1 → the ISO 639-3 code NLLB-200 uses for that language. Where 639-1 names a
/// macrolanguage, NLLB uses one member: `ar` is Modern Standard Arabic (`arb`), `fa` Western
/// Persian (`pes`), `ms` Standard Malay (`zsm`) and so on.
const ISO1_TO_NLLB: &[(&str, &str)] = &[
    ("af", "afr"),
    ("am", "amh"),
    ("ar", "arb"),
    ("as", "asm"),
    ("az", "azj"),
    ("be", "bel"),
    ("bg", "bul"),
    ("bn", "ben"),
    ("bo", "bod"),
    ("bs", "bos"),
    ("ca", "cat"),
    ("cs", "ces"),
    ("cy", "cym"),
    ("da", "dan"),
    ("de", "deu"),
    ("el", "ell"),
    ("en", "eng"),
    ("eo", "epo"),
    ("es", "spa"),
    ("et", "est"),
    ("eu", "eus"),
    ("fa", "pes"),
    ("fi", "fin"),
    ("fr", "fra"),
    ("ga", "gle"),
    ("gd", "gla"),
    ("gl", "glg"),
    ("gu", "guj"),
    ("ha", "hau"),
    ("he", "heb"),
    ("hi", "hin"),
    ("hr", "hrv"),
    ("hu", "hun"),
    ("hy", "hye"),
    ("id", "ind"),
    ("ig", "ibo"),
    ("is", "isl"),
    ("it", "ita"),
    ("ja", "jpn"),
    ("jv", "jav"),
    ("ka", "kat"),
    ("kk", "kaz"),
    ("km", "khm"),
    ("kn", "kan"),
    ("ko", "kor"),
    ("ku", "kmr"),
    ("ky", "kir"),
    ("lb", "ltz"),
    ("lo", "lao"),
    ("lt", "lit"),
    ("lv", "lvs"),
    ("mg", "plt"),
    ("mi", "mri"),
    ("mk", "mkd"),
    ("ml", "mal"),
    ("mn", "khk"),
    ("mr", "mar"),
    ("ms", "zsm"),
    ("mt", "mlt"),
    ("my", "mya"),
    ("nb", "nob"),
    ("ne", "npi"),
    ("nl", "nld"),
    ("nn", "nno"),
    ("no", "nob"),
    ("ny", "nya"),
    ("om", "gaz"),
    ("or", "ory"),
    ("pa", "pan"),
    ("pl", "pol"),
    ("ps", "pbt"),
    ("pt", "por"),
    ("ro", "ron"),
    ("ru", "rus"),
    ("sd", "snd"),
    ("si", "sin"),
    ("sk", "slk"),
    ("sl", "slv"),
    ("sm", "smo"),
    ("sn", "sna"),
    ("so", "som"),
    ("sq", "als"),
    ("sr", "srp"),
    ("su", "sun"),
    ("sv", "swe"),
    ("sw", "swh"),
    ("ta", "tam"),
    ("te", "tel"),
    ("tg", "tgk"),
    ("th", "tha"),
    ("tk", "tuk"),
    ("tl", "tgl"),
    ("tr", "tur"),
    ("tt", "tat"),
    ("ug", "uig"),
    ("uk", "ukr"),
    ("ur", "urd"),
    ("uz", "uzn"),
    ("vi", "vie"),
    ("xh", "xho"),
    ("yi", "ydd"),
    ("yo", "yor"),
    ("zh", "zho"),
    ("zu", "zul"),
];

/// Preferred script when NLLB has a language in several (`zho_Hans` / `zho_Hant`).
const PREFERRED_SCRIPT: &[(&str, &str)] = &[("zho", "Hans"), ("srp", "Cyrl"), ("pan", "Guru"), ("snd", "Arab")];

/// The primary language of a code, as a 639-1 code where one exists: `en-US` → `en`,
/// `arb_Arab` → `ar`, `fra` → `fr`, `__de__` → `de`.
pub fn primary(code: &str) -> String {
    let code = code.trim().trim_matches('_');
    let first = code.split(['-', '_']).next().unwrap_or(code).to_ascii_lowercase();
    if first == "ara" {
        return "ar".to_string();
    }
    ISO1_TO_NLLB.iter().find(|(_, three)| *three == first).map_or(first, |(two, _)| two.to_string())
}

fn is_nllb_token(t: &str) -> bool {
    let b = t.as_bytes();
    b.len() == 8
        && b[..3].iter().all(u8::is_ascii_lowercase)
        && b[3] == b'_'
        && b[4].is_ascii_uppercase()
        && b[5..].iter().all(u8::is_ascii_lowercase)
}

fn is_m2m_token(t: &str) -> bool {
    t.len() >= 6
        && t.starts_with("__")
        && t.ends_with("__")
        && t[2..t.len() - 2].bytes().all(|c| c.is_ascii_lowercase())
        && (2..=3).contains(&(t.len() - 4))
}

/// NLLB-200 language tokens in a vocabulary (`eng_Latn` …).
pub fn nllb_tokens(vocabulary: &[String]) -> Vec<String> {
    vocabulary.iter().filter(|t| is_nllb_token(t)).cloned().collect()
}

/// M2M-100 language tokens in a vocabulary (`__en__` …).
pub fn m2m_tokens(vocabulary: &[String]) -> Vec<String> {
    vocabulary.iter().filter(|t| is_m2m_token(t)).cloned().collect()
}

/// The language token for `lang` among a multilingual model's `tokens`.
pub fn token_for(family: Family, lang: &str, tokens: &[String]) -> Option<String> {
    if tokens.iter().any(|t| t == lang) {
        return Some(lang.to_string());
    }
    let two = primary(lang);
    match family {
        Family::M2m100 => {
            let token = format!("__{two}__");
            tokens.contains(&token).then_some(token)
        }
        Family::Nllb => {
            // A 639-3 code typed directly (e.g. `arz` for Egyptian Arabic) wins over the table.
            let typed = lang.split(['-', '_']).next().unwrap_or(lang).to_ascii_lowercase();
            let three = if typed.len() == 3 {
                typed
            } else {
                ISO1_TO_NLLB.iter().find(|(t, _)| *t == two).map(|(_, three)| three.to_string())?
            };
            let candidates: Vec<&String> = tokens.iter().filter(|t| t.starts_with(&format!("{three}_"))).collect();
            let preferred = PREFERRED_SCRIPT.iter().find(|(l, _)| *l == three).map(|(_, s)| format!("{three}_{s}"));
            preferred
                .and_then(|p| candidates.iter().find(|c| ***c == p).map(|c| (*c).clone()))
                .or_else(|| candidates.first().map(|c| (*c).clone()))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(tokens: &[&str]) -> Vec<String> {
        tokens.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn primary_codes() {
        assert_eq!(primary("en-US"), "en");
        assert_eq!(primary("arb_Arab"), "ar");
        assert_eq!(primary("ara"), "ar");
        assert_eq!(primary("fra"), "fr");
        assert_eq!(primary("__de__"), "de");
    }

    #[test]
    fn nllb_tokens_for_user_codes() {
        let vocab = v(&["<s>", "▁the", "arb_Arab", "arz_Arab", "eng_Latn", "fra_Latn", "zho_Hant", "zho_Hans"]);
        let toks = nllb_tokens(&vocab);
        assert_eq!(toks.len(), 6);
        assert_eq!(token_for(Family::Nllb, "ar", &toks).as_deref(), Some("arb_Arab"));
        assert_eq!(token_for(Family::Nllb, "arz", &toks).as_deref(), Some("arz_Arab"));
        assert_eq!(token_for(Family::Nllb, "en-GB", &toks).as_deref(), Some("eng_Latn"));
        assert_eq!(token_for(Family::Nllb, "zh", &toks).as_deref(), Some("zho_Hans"));
        assert_eq!(token_for(Family::Nllb, "fra_Latn", &toks).as_deref(), Some("fra_Latn"));
        assert_eq!(token_for(Family::Nllb, "de", &toks), None);
    }

    #[test]
    fn m2m_tokens_for_user_codes() {
        let toks = m2m_tokens(&v(&["__ar__", "__en__", "__", "____", "madeupword0", "__ast__"]));
        assert_eq!(toks, v(&["__ar__", "__en__", "__ast__"]));
        assert_eq!(token_for(Family::M2m100, "en-US", &toks).as_deref(), Some("__en__"));
        assert_eq!(token_for(Family::M2m100, "fr", &toks), None);
    }
}
