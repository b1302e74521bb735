//! The catalogue of known-good models (models/catalogue.toml): name, family, languages, where
//! to download it, its files with sizes and checksums, licence and approximate quality.
//!
//! The file is compiled into the binary so a fresh install knows where the default model lives;
//! NAZIR_CATALOGUE (or `catalogue` in the config file) replaces it with a file of your own.

use std::path::Path;

use serde::Deserialize;

use super::ModelsError;

/// The catalogue shipped with Nazir.
pub const BUILTIN: &str = include_str!("../../models/catalogue.toml");

/// Every model the catalogue knows, and which one a first run downloads.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalogue {
    /// The entry a first run fetches for ar→en when no model is configured.
    pub default: Option<String>,
    #[serde(rename = "model", default)]
    pub models: Vec<Entry>,
    /// Where this catalogue came from (for messages): "built-in" or a file path.
    #[serde(skip)]
    pub origin: String,
}

/// One model of the catalogue.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub name: String,
    pub family: String,
    pub from: Vec<String>,
    pub to: Vec<String>,
    pub languages: String,
    /// A Hugging Face repository ("owner/name"); files come from `{endpoint}/{hub}/resolve/{revision}/{path}`.
    pub hub: Option<String>,
    #[serde(default = "main_branch")]
    pub revision: String,
    /// A direct URL of a single file (an Argos package), used when there is no `hub`.
    pub url: Option<String>,
    /// "zip": the downloaded file is an archive to unpack (Argos `.argosmodel`).
    pub archive: Option<Archive>,
    pub licence: String,
    pub commercial: bool,
    #[serde(default)]
    pub quality: String,
    #[serde(default)]
    pub notes: String,
    pub files: Vec<FileSpec>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Archive {
    Zip,
}

/// A file to download, with what is known about it.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSpec {
    pub path: String,
    /// Exact size in bytes: checked after download.
    pub bytes: Option<u64>,
    /// Approximate size, for the note before a download only.
    pub approx_bytes: Option<u64>,
    /// 64 hex digits, or "unknown" (then the checksum is recorded at download).
    pub sha256: String,
}

fn main_branch() -> String {
    "main".to_string()
}

impl FileSpec {
    /// The expected SHA-256, when the catalogue knows it.
    pub fn known_sha256(&self) -> Option<&str> {
        is_sha256(&self.sha256).then_some(self.sha256.as_str())
    }
    pub fn size_hint(&self) -> Option<u64> {
        self.bytes.or(self.approx_bytes)
    }
}

/// `s` is 64 lowercase hex digits.
pub fn is_sha256(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

impl Entry {
    /// Total download size, and whether every file's size is known.
    pub fn size_hint(&self) -> (u64, bool) {
        let total = self.files.iter().filter_map(FileSpec::size_hint).sum();
        (total, self.files.iter().all(|f| f.size_hint().is_some()))
    }

    /// "~157 MB", "157 MB" or "size unknown".
    pub fn size_text(&self) -> String {
        let (total, complete) = self.size_hint();
        let exact = self.files.iter().all(|f| f.bytes.is_some());
        match (total, complete, exact) {
            (0, _, _) => "size unknown".to_string(),
            (n, true, true) => human_bytes(n),
            (n, true, false) => format!("~{}", human_bytes(n)),
            (n, false, _) => format!("at least {}", human_bytes(n)),
        }
    }

    /// Whether this model translates `from` → `to` ("*" matches any language).
    pub fn translates(&self, from: &str, to: &str) -> bool {
        let has = |list: &[String], code: &str| {
            list.iter().any(|c| c == "*" || crate::translate::model::same_language(c, code))
        };
        has(&self.from, from) && has(&self.to, to)
    }

    /// "Apache-2.0" or "CC-BY-NC-4.0 (non-commercial use only)".
    pub fn licence_text(&self) -> String {
        if self.commercial {
            self.licence.clone()
        } else {
            format!("{} (non-commercial use only)", self.licence)
        }
    }

    fn check(&self, origin: &str) -> Result<(), ModelsError> {
        let bad = |why: String| ModelsError::Catalogue {
            origin: origin.to_string(),
            reason: format!("model {:?}: {why}", self.name),
        };
        if self.name.is_empty()
            || !self.name.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
            || self.name.starts_with('.')
        {
            return Err(bad("a name is letters, digits, '-', '_' and '.', not starting with '.'".into()));
        }
        match (&self.hub, &self.url) {
            (Some(_), None) | (None, Some(_)) => {}
            _ => return Err(bad("give exactly one of `hub` or `url`".into())),
        }
        if self.files.is_empty() {
            return Err(bad("no files".into()));
        }
        if self.url.is_some() && self.files.len() != 1 {
            return Err(bad("a `url` model has exactly one file (the downloaded one)".into()));
        }
        for f in &self.files {
            if !super::unpack::is_safe_relative(&f.path) {
                return Err(bad(format!("file path {:?} must be relative, without '..'", f.path)));
            }
            if f.sha256 != "unknown" && !is_sha256(&f.sha256) {
                return Err(bad(format!("sha256 of {} must be 64 lowercase hex digits or \"unknown\"", f.path)));
            }
        }
        Ok(())
    }
}

impl Catalogue {
    /// Parses a catalogue and checks every entry.
    pub fn parse(text: &str, origin: &str) -> Result<Catalogue, ModelsError> {
        let mut cat: Catalogue = toml::from_str(text)
            .map_err(|e| ModelsError::Catalogue { origin: origin.to_string(), reason: one_line(&e.to_string()) })?;
        cat.origin = origin.to_string();
        for (i, e) in cat.models.iter().enumerate() {
            e.check(origin)?;
            if cat.models[..i].iter().any(|o| o.name == e.name) {
                return Err(ModelsError::Catalogue {
                    origin: origin.into(),
                    reason: format!("model {:?} appears twice", e.name),
                });
            }
        }
        if let Some(d) = &cat.default {
            if cat.get(d).is_none() {
                return Err(ModelsError::Catalogue {
                    origin: origin.into(),
                    reason: format!("default {d:?} is not a model of the catalogue"),
                });
            }
        }
        Ok(cat)
    }

    /// The built-in catalogue, or the file that replaces it.
    pub fn load(path: Option<&Path>) -> Result<Catalogue, ModelsError> {
        match path {
            None => Catalogue::parse(BUILTIN, "the built-in catalogue"),
            Some(p) => {
                let text = std::fs::read_to_string(p)
                    .map_err(|e| ModelsError::Catalogue { origin: p.display().to_string(), reason: e.to_string() })?;
                Catalogue::parse(&text, &p.display().to_string())
            }
        }
    }

    pub fn get(&self, name: &str) -> Option<&Entry> {
        self.models.iter().find(|e| e.name == name)
    }

    /// The model a first run uses for `from` → `to`: the default when it fits, else the first
    /// commercial-use entry that does.
    pub fn default_for(&self, from: &str, to: &str) -> Option<&Entry> {
        let default = self.default.as_deref().and_then(|d| self.get(d)).filter(|e| e.translates(from, to));
        default.or_else(|| self.models.iter().find(|e| e.commercial && e.translates(from, to)))
    }
}

/// 153000000 → "153 MB" (decimal units, like the hubs show).
pub fn human_bytes(n: u64) -> String {
    let n = n as f64;
    if n >= 1e9 {
        format!("{:.2} GB", n / 1e9)
    } else if n >= 1e7 {
        format!("{:.0} MB", n / 1e6)
    } else if n >= 1e6 {
        format!("{:.1} MB", n / 1e6)
    } else if n >= 1e3 {
        format!("{:.0} kB", n / 1e3)
    } else {
        format!("{n} bytes")
    }
}

pub(crate) fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_catalogue_parses_and_has_the_default() {
        let cat = Catalogue::load(None).unwrap();
        let d = cat.default_for("ar", "en").unwrap();
        assert_eq!(d.name, "opus-mt-ar-en");
        assert_eq!(d.hub.as_deref(), Some("gaudi/opus-mt-ar-en-ctranslate2"));
        assert!(d.commercial);
        assert!(cat.get("argos-ar-en").unwrap().archive == Some(Archive::Zip));
        let nllb = cat.models.iter().find(|e| e.family == "nllb").unwrap();
        assert!(!nllb.commercial, "NLLB-200 is CC-BY-NC");
        assert!(nllb.translates("ar", "en") && nllb.translates("en", "fr"));
        // Unknown checksums say so; known ones are real hex digests.
        for e in &cat.models {
            for f in &e.files {
                assert!(f.sha256 == "unknown" || is_sha256(&f.sha256), "{} {}", e.name, f.path);
            }
        }
    }

    #[test]
    fn no_default_for_a_pair_nobody_translates_commercially() {
        let cat = Catalogue::load(None).unwrap();
        // Only NLLB (non-commercial) does fr→de: a first run must not pick it silently.
        assert!(cat.default_for("fr", "de").is_none());
    }

    #[test]
    fn bad_entries_are_rejected_with_the_reason() {
        let base = r#"
[[model]]
name = "x"
family = "opus-mt"
from = ["ar"]
to = ["en"]
languages = "ar-en"
licence = "MIT"
commercial = true
"#;
        let with = |extra: &str| Catalogue::parse(&format!("{base}{extra}"), "test");
        let err = with("hub = \"a/b\"\nfiles = [{ path = \"../x\", sha256 = \"unknown\" }]").unwrap_err().to_string();
        assert!(err.contains("../x"), "{err}");
        let err = with("hub = \"a/b\"\nfiles = [{ path = \"m.bin\", sha256 = \"abc\" }]").unwrap_err().to_string();
        assert!(err.contains("64 lowercase hex"), "{err}");
        let err = with("files = [{ path = \"m.bin\", sha256 = \"unknown\" }]").unwrap_err().to_string();
        assert!(err.contains("exactly one of `hub` or `url`"), "{err}");
        let err = with("hub = \"a/b\"\nfiles = []\ncolour = 1").unwrap_err().to_string();
        assert!(err.contains("colour"), "unknown fields are named: {err}");
        assert!(with("hub = \"a/b\"\nfiles = [{ path = \"m.bin\", sha256 = \"unknown\" }]").is_ok());
    }

    #[test]
    fn sizes_read_for_people() {
        assert_eq!(human_bytes(153_000_000), "153 MB");
        assert_eq!(human_bytes(619_704_329 + 10_773_453), "630 MB");
        assert_eq!(human_bytes(1_230_000_000), "1.23 GB");
        assert_eq!(human_bytes(1_830_000), "1.8 MB");
        let cat = Catalogue::load(None).unwrap();
        assert_eq!(cat.get("opus-mt-ar-en").unwrap().size_text(), "~157 MB");
        assert_eq!(cat.get("argos-ar-en").unwrap().size_text(), "size unknown");
        assert_eq!(cat.get("nllb-200-600m").unwrap().size_text(), "630 MB");
    }
}
