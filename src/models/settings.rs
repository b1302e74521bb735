//! The user's config file (~/.config/nazir/config.toml on Linux; NAZIR_CONFIG=FILE elsewhere):
//! the default model and where models come from, so a translation office sets them once.
//!
//! Every key is optional; flags and environment variables win over the file, and the file wins
//! over the built-in defaults. `align config show` prints the result and where each value came
//! from. docs/models.md documents the keys.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::ModelsError;

/// The config file's keys.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Model used when --model / NAZIR_MODEL are not given: a catalogue name or a directory.
    pub model: Option<String>,
    /// Where downloaded models are stored (instead of the platform's data directory).
    pub models_dir: Option<PathBuf>,
    /// An internal mirror: Hugging Face-style for hub models (`{mirror}/{repo}/resolve/{rev}/{file}`),
    /// `{mirror}/{file name}` for URL models.
    pub mirror: Option<String>,
    /// A catalogue file replacing the built-in one.
    pub catalogue: Option<PathBuf>,
    /// Download the default model on a first run (default true); false makes a first run fail
    /// at once with instructions instead of trying the network.
    pub auto_download: Option<bool>,
    /// Seconds allowed to resolve and connect (default 5).
    pub connect_timeout_secs: Option<u64>,
    /// Seconds allowed for any single read from the server (default 30).
    pub read_timeout_secs: Option<u64>,
}

/// The config file's path: NAZIR_CONFIG, else `{config dir}/nazir/config.toml`.
pub fn config_path() -> Option<PathBuf> {
    match std::env::var_os("NAZIR_CONFIG") {
        Some(p) if !p.is_empty() => Some(PathBuf::from(p)),
        _ => dirs::config_dir().map(|d| d.join("nazir").join("config.toml")),
    }
}

impl Settings {
    /// Reads the file at `path`; a missing file gives the defaults.
    pub fn load(path: Option<&Path>) -> Result<Settings, ModelsError> {
        let Some(path) = path else { return Ok(Settings::default()) };
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Settings::default()),
            Err(e) => return Err(ModelsError::io(path, e)),
        };
        let mut s: Settings = toml::from_str(&text).map_err(|e| ModelsError::Config {
            path: path.display().to_string(),
            reason: super::catalogue::one_line(&e.to_string()),
        })?;
        s.models_dir = s.models_dir.map(|p| expand_home(&p));
        s.catalogue = s.catalogue.map(|p| expand_home(&p));
        Ok(s)
    }
}

/// `~/x` → `$HOME/x`.
pub fn expand_home(p: &Path) -> PathBuf {
    match (p.strip_prefix("~"), dirs::home_dir()) {
        (Ok(rest), Some(home)) => home.join(rest),
        _ => p.to_path_buf(),
    }
}

/// A commented example of the file, printed by `align config show --example`.
pub const EXAMPLE: &str = r#"# Nazir config file (align config show prints the values in force).
# Every key is optional; flags and environment variables override it.

# Model used when --model is not given: a catalogue name (align models list) or a directory.
# model = "opus-mt-ar-en"

# Where `align models pull` and first runs store models (default: the platform data directory,
# ~/.local/share/nazir/models on Linux). Also: --models-dir, NAZIR_MODELS_DIR.
# models_dir = "~/models/nazir"

# An internal mirror. Hub models are fetched as {mirror}/{repo}/resolve/{revision}/{file}
# (the Hugging Face layout, as HF_ENDPOINT), URL models as {mirror}/{file name}.
# mirror = "https://models.example.internal/hf"

# A catalogue of your own instead of the built-in one (same format as models/catalogue.toml).
# catalogue = "/etc/nazir/catalogue.toml"

# false: never download on a first run; fail at once with the instructions instead.
# auto_download = true

# Network timeouts in seconds: connecting (name lookup + TCP + TLS), and any single read.
# connect_timeout_secs = 5
# read_timeout_secs = 30
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_file_gives_defaults_and_typos_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let s = Settings::load(Some(&dir.path().join("none.toml"))).unwrap();
        assert!(s.model.is_none() && s.auto_download.is_none());
        let p = dir.path().join("config.toml");
        std::fs::write(&p, "model = \"opus-mt-ar-en\"\nauto_download = false\nmodels_dir = \"~/m\"\n").unwrap();
        let s = Settings::load(Some(&p)).unwrap();
        assert_eq!(s.model.as_deref(), Some("opus-mt-ar-en"));
        assert_eq!(s.auto_download, Some(false));
        if let Some(home) = dirs::home_dir() {
            assert_eq!(s.models_dir, Some(home.join("m")));
        }
        std::fs::write(&p, "modle = \"x\"\n").unwrap();
        let err = Settings::load(Some(&p)).unwrap_err().to_string();
        assert!(err.contains("modle") && err.contains("config.toml"), "{err}");
    }

    #[test]
    fn the_example_is_valid_and_documents_every_key() {
        let uncommented: String = EXAMPLE
            .lines()
            .filter_map(|l| l.strip_prefix("# ").filter(|r| r.contains(" = ")))
            .map(|l| format!("{l}\n"))
            .collect();
        let s: Settings = toml::from_str(&uncommented).unwrap();
        assert!(s.model.is_some() && s.models_dir.is_some() && s.mirror.is_some() && s.catalogue.is_some());
        assert!(s.auto_download.is_some() && s.connect_timeout_secs.is_some() && s.read_timeout_secs.is_some());
    }
}
