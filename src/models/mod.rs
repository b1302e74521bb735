//! Models: the catalogue of known models, where downloaded models are stored, and how they get
//! there (download, verify, unpack, install), including the first run that fetches the default.
//!
//! Storage is one directory per model under the models directory (the platform data directory,
//! e.g. ~/.local/share/nazir/models, unless --models-dir / NAZIR_MODELS_DIR / the config file say
//! otherwise). Downloads go to `.partial/NAME/` and the finished directory is renamed into place,
//! so a model directory under its name is always complete and verified.

pub mod catalogue;
pub mod commands;
pub mod download;
pub mod settings;
pub mod unpack;

use std::fs;
use std::io::{self, IsTerminal};
use std::path::{Path, PathBuf};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::{Deserialize, Serialize};

use catalogue::{human_bytes, Archive, Catalogue, Entry};
use download::{Client, Expect, NetOptions};
use settings::Settings;

/// The hub used when neither --mirror, HF_ENDPOINT nor the config file name another.
pub const DEFAULT_ENDPOINT: &str = "https://huggingface.co";
/// Written into every installed model directory: where it came from and its files' checksums.
pub const RECORD_FILE: &str = ".nazir-model.toml";
const PARTIAL_DIR: &str = ".partial";

#[derive(Debug, thiserror::Error)]
pub enum ModelsError {
    #[error("model catalogue {origin}: {reason}")]
    Catalogue { origin: String, reason: String },
    #[error("config file {path}: {reason} (`align config show --example` shows the keys)")]
    Config { path: String, reason: String },
    #[error("{path}: {source}")]
    Io { path: String, source: io::Error },
    #[error("cannot unpack {archive}: entry {entry:?}: {reason}")]
    Unpack { archive: String, entry: String, reason: String },
    #[error("{url} answered 404 Not Found: check the model name, --revision and the mirror")]
    NotFound { url: String },
    #[error("{url} answered HTTP {status}: {hint}")]
    Http { url: String, status: u16, hint: String },
    #[error("cannot reach {url}: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("the download of {url} broke off after {have} bytes ({reason}); run the same command again to resume it")]
    Interrupted { url: String, have: u64, reason: String },
    #[error("{url}: the downloaded file has {what}; it was deleted and nothing was installed (a damaged mirror, or the file changed upstream: check the catalogue entry)")]
    Mismatch { url: String, what: String },
    #[error("no model directory {name} and no model {name:?} in {origin} (known: {known}; `align models list`)")]
    Unknown { name: String, origin: String, known: String },
    #[error("model {name} is not installed in {dir}: `align models pull {name}` downloads it")]
    NotInstalled { name: String, dir: String },
    #[error("no model given and the catalogue has no default for {from}→{to}: pass --model DIR (a converted CTranslate2 model; docs/models.md) or a catalogue name (`align models list`)")]
    NoDefault { from: String, to: String },
    /// A model needed for a run could not be fetched: what, why, where we looked, the fix.
    #[error("{needed} could not be downloaded: {reason}; looked in {looked}; fix: {fix}")]
    Fetch { needed: String, reason: String, looked: String, fix: String },
    #[error("model {dir} failed verification: {problems}")]
    Verify { dir: String, problems: String },
    #[error("{what} is not a model installed in {dir} (`align models list` shows them); nothing removed")]
    NotRemovable { what: String, dir: String },
}

impl ModelsError {
    pub fn io(path: &Path, source: io::Error) -> ModelsError {
        ModelsError::Io { path: path.display().to_string(), source }
    }
}

/// What a download recorded about an installed model (`.nazir-model.toml`).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Record {
    pub name: String,
    pub source: String,
    pub revision: Option<String>,
    /// The commit the hub resolved the revision to, when it said.
    pub commit: Option<String>,
    pub licence: String,
    /// UTC, RFC 3339.
    pub downloaded: String,
    #[serde(rename = "file", default)]
    pub files: Vec<RecordFile>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RecordFile {
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
    /// What the checksum was checked against: "catalogue", "hub" (the hub's announced LFS
    /// checksum), or "recorded" (nothing to compare with: this is the first record).
    pub checked: String,
}

impl Record {
    pub fn read(dir: &Path) -> Option<Record> {
        toml::from_str(&fs::read_to_string(dir.join(RECORD_FILE)).ok()?).ok()
    }
}

/// Flags that change where models come from; `None` means "not given".
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub models_dir: Option<PathBuf>,
    pub mirror: Option<String>,
    pub quiet: bool,
}

/// Everything the models code needs, resolved from flags, environment, config file, defaults.
pub struct Options {
    pub models_dir: PathBuf,
    /// Where `models_dir` came from, for `align config show` and messages.
    pub models_dir_from: &'static str,
    pub catalogue: Catalogue,
    /// Base URL for hub models.
    pub endpoint: String,
    pub endpoint_from: &'static str,
    /// Replaces the host of URL models (`{mirror}/{file name}`).
    pub mirror: Option<String>,
    pub auto_download: bool,
    pub auto_download_from: &'static str,
    pub net: NetOptions,
    pub quiet: bool,
    pub settings: Settings,
    pub config_path: Option<PathBuf>,
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn truthy(v: &str) -> bool {
    matches!(v.trim().to_ascii_lowercase().as_str(), "1" | "true" | "yes" | "on")
}

impl Options {
    pub fn resolve(o: &Overrides) -> Result<Options, ModelsError> {
        let config_path = settings::config_path();
        let settings = Settings::load(config_path.as_deref())?;
        let (models_dir, models_dir_from) = if let Some(d) = &o.models_dir {
            (d.clone(), "--models-dir / NAZIR_MODELS_DIR")
        } else if let Some(d) = env("NAZIR_MODELS_DIR") {
            (PathBuf::from(d), "NAZIR_MODELS_DIR")
        } else if let Some(d) = &settings.models_dir {
            (d.clone(), "config file")
        } else {
            let d = dirs::data_dir().map(|d| d.join("nazir").join("models")).unwrap_or_else(|| PathBuf::from("models"));
            (d, "platform data directory")
        };
        let catalogue_path = env("NAZIR_CATALOGUE").map(PathBuf::from).or_else(|| settings.catalogue.clone());
        let catalogue = Catalogue::load(catalogue_path.as_deref())?;
        let trim = |s: &str| s.trim_end_matches('/').to_string();
        let (endpoint, endpoint_from) = if let Some(m) = &o.mirror {
            (trim(m), "--mirror")
        } else if let Some(e) = env("HF_ENDPOINT") {
            (trim(&e), "HF_ENDPOINT")
        } else if let Some(m) = &settings.mirror {
            (trim(m), "config file (mirror)")
        } else {
            (DEFAULT_ENDPOINT.to_string(), "default")
        };
        let mirror = o.mirror.as_deref().or(settings.mirror.as_deref()).map(trim);
        let (auto_download, auto_download_from) = if env("NAZIR_OFFLINE").is_some_and(|v| truthy(&v)) {
            (false, "NAZIR_OFFLINE")
        } else if env("HF_HUB_OFFLINE").is_some_and(|v| truthy(&v)) {
            (false, "HF_HUB_OFFLINE")
        } else if let Some(a) = settings.auto_download {
            (a, "config file")
        } else {
            (true, "default")
        };
        let defaults = NetOptions::default();
        let net = NetOptions {
            connect: settings.connect_timeout_secs.map_or(defaults.connect, |s| Duration::from_secs(s.max(1))),
            read: settings.read_timeout_secs.map_or(defaults.read, |s| Duration::from_secs(s.max(1))),
        };
        Ok(Options {
            models_dir,
            models_dir_from,
            catalogue,
            endpoint,
            endpoint_from,
            mirror,
            auto_download,
            auto_download_from,
            net,
            quiet: o.quiet,
            settings,
            config_path,
        })
    }

    /// Where model `name` is (or would be) installed.
    pub fn installed_dir(&self, name: &str) -> PathBuf {
        self.models_dir.join(name)
    }

    pub fn is_installed(&self, name: &str) -> bool {
        let dir = self.installed_dir(name);
        dir.is_dir()
            && (dir.join(RECORD_FILE).is_file()
                || dir.join("model.bin").is_file()
                || dir.join("metadata.json").is_file())
    }

    /// The URL of one file of a catalogue entry, honouring the mirror settings.
    pub fn file_url(&self, entry: &Entry, revision: &str, path: &str) -> String {
        match (&entry.hub, &entry.url) {
            (Some(hub), _) => format!("{}/{hub}/resolve/{revision}/{path}", self.endpoint),
            (None, Some(url)) => match &self.mirror {
                Some(m) => format!("{m}/{}", url.rsplit('/').next().unwrap_or(path)),
                None => url.clone(),
            },
            (None, None) => String::new(), // ruled out by Catalogue::parse
        }
    }

    /// Which model directory a run uses. `spec` is --model / NAZIR_MODEL, else the config
    /// file's `model`; with neither, the catalogue's default for the pair, downloaded on first
    /// use. A name that is not a directory is looked up in the models directory, then in the
    /// catalogue (and downloaded).
    pub fn model_for_run(&self, spec: Option<&Path>, from: &str, to: &str) -> Result<PathBuf, ModelsError> {
        let spec = spec
            .map(Path::to_path_buf)
            .or_else(|| self.settings.model.as_deref().map(|m| settings::expand_home(Path::new(m))));
        if let Some(path) = spec {
            if path.exists() {
                return Ok(path);
            }
            let Some(name) = bare_name(&path) else { return Ok(path) }; // let detection say it is missing
            if self.installed_dir(name).is_dir() {
                return Ok(self.installed_dir(name));
            }
            let Some(entry) = self.catalogue.get(name) else {
                return Err(ModelsError::Unknown {
                    name: name.to_string(),
                    origin: self.catalogue.origin.clone(),
                    known: self.catalogue.models.iter().map(|e| e.name.as_str()).collect::<Vec<_>>().join(", "),
                });
            };
            return self.fetch_for_run(entry, format!("model {name}"));
        }
        let entry = self
            .catalogue
            .default_for(from, to)
            .ok_or_else(|| ModelsError::NoDefault { from: from.to_string(), to: to.to_string() })?;
        if self.is_installed(&entry.name) {
            return Ok(self.installed_dir(&entry.name));
        }
        self.fetch_for_run(entry, format!("no model given, and the default model {}", entry.name))
    }

    /// Installs `entry` for a run, turning any failure into the one-line explanation.
    fn fetch_for_run(&self, entry: &Entry, needed: String) -> Result<PathBuf, ModelsError> {
        let needed = format!("{needed} ({}, {}, {})", entry.languages, entry.size_text(), entry.licence_text());
        let first_url = self.file_url(entry, &entry.revision, &entry.files[0].path);
        let looked = format!("{} (not there)", self.installed_dir(&entry.name).display());
        let fix = format!(
            "pass --model DIR with a converted model (docs/models.md), or run `align models pull {} --mirror URL` against an internal mirror (or set HF_ENDPOINT), or copy a model directory to {}",
            entry.name,
            self.installed_dir(&entry.name).display()
        );
        if !self.auto_download {
            let reason = format!("downloads are turned off ({})", self.auto_download_from);
            return Err(ModelsError::Fetch { needed, reason, looked, fix });
        }
        self.install(entry, None, false).map_err(|e| {
            let local = self.installed_dir(&entry.name).display().to_string();
            let (reason, url) = match e {
                // Errors about the local disk are not about the network: report them as they are.
                e @ (ModelsError::Io { .. } | ModelsError::Unpack { .. }) => return e,
                ModelsError::Unreachable { url, reason } => (reason, url),
                ModelsError::NotFound { url } => ("404 Not Found".to_string(), url),
                ModelsError::Http { url, status, hint } => (format!("HTTP {status}, {hint}"), url),
                e => (e.to_string(), first_url),
            };
            ModelsError::Fetch { needed, reason, looked: format!("{local} (not there) and at {url}"), fix }
        })
    }

    /// Downloads, verifies and installs a catalogue model; returns its directory. A failed
    /// download keeps its partial files for the next try (and `align models list` shows them).
    pub fn install(&self, entry: &Entry, revision: Option<&str>, force: bool) -> Result<PathBuf, ModelsError> {
        let result = self.install_inner(entry, revision, force);
        if result.is_err() {
            // Leave no empty directories behind when nothing was downloaded at all.
            let staging = self.models_dir.join(PARTIAL_DIR).join(&entry.name);
            let content_empty = fs::read_dir(staging.join("content")).map_or(true, |mut rd| rd.next().is_none());
            if content_empty && !staging.join("download").exists() {
                fs::remove_file(staging.join("source")).ok();
            }
            for d in [staging.join("content"), staging.join("download"), staging, self.models_dir.join(PARTIAL_DIR)] {
                fs::remove_dir(d).ok();
            }
        }
        result
    }

    fn install_inner(&self, entry: &Entry, revision: Option<&str>, force: bool) -> Result<PathBuf, ModelsError> {
        let target = self.installed_dir(&entry.name);
        if self.is_installed(&entry.name) && !force {
            return Ok(target);
        }
        let revision = revision.unwrap_or(&entry.revision);
        let source = match &entry.hub {
            Some(hub) => format!("{}/{hub} (revision {revision})", self.endpoint),
            None => self.file_url(entry, revision, &entry.files[0].path),
        };
        // The note comes when the server first answers, so that an offline failure stays one line.
        let note = std::cell::Cell::new(self.quiet);
        let announce = || {
            if !note.replace(true) {
                eprintln!(
                    "align: downloading model {} ({}, {}; licence {}) from {source} into {}",
                    entry.name,
                    entry.languages,
                    entry.size_text(),
                    entry.licence_text(),
                    target.display()
                );
            }
        };
        let staging = self.models_dir.join(PARTIAL_DIR).join(&entry.name);
        let content = staging.join("content");
        // Partial files are resumed only for the same source and revision: a pull of another
        // revision (or from another mirror) starts afresh.
        let marker = staging.join("source");
        if staging.exists() && fs::read_to_string(&marker).ok().as_deref() != Some(source.as_str()) {
            fs::remove_dir_all(&staging).map_err(|e| ModelsError::io(&staging, e))?;
        }
        fs::create_dir_all(&content).map_err(|e| ModelsError::io(&content, e))?;
        fs::write(&marker, &source).map_err(|e| ModelsError::io(&marker, e))?;
        let client = Client::new(self.net);
        let mut record = Record {
            name: entry.name.clone(),
            source: source.clone(),
            revision: entry.hub.as_ref().map(|_| revision.to_string()),
            commit: None,
            licence: entry.licence.clone(),
            downloaded: now_rfc3339(),
            files: Vec::new(),
        };
        match entry.archive {
            None => {
                for spec in &entry.files {
                    let url = self.file_url(entry, revision, &spec.path);
                    let dest = content.join(&spec.path);
                    let expect = Expect { bytes: spec.bytes, sha256: spec.known_sha256().map(str::to_string) };
                    let fetched = self.fetch_with_bar(&client, &url, &dest, &expect, &spec.path, &announce)?;
                    record.commit = record.commit.or(fetched.commit.clone());
                    record.files.push(RecordFile {
                        path: spec.path.clone(),
                        bytes: fetched.bytes,
                        checked: checked_against(&expect, &fetched),
                        sha256: fetched.sha256,
                    });
                }
            }
            Some(Archive::Zip) => {
                let spec = &entry.files[0];
                let url = self.file_url(entry, revision, &spec.path);
                let archive = staging.join("download").join(&spec.path);
                let expect = Expect { bytes: spec.bytes, sha256: spec.known_sha256().map(str::to_string) };
                let fetched = self.fetch_with_bar(&client, &url, &archive, &expect, &spec.path, &announce)?;
                // Unpack afresh every time: a half-unpacked directory from a crash is not trusted.
                if content.exists() {
                    fs::remove_dir_all(&content).map_err(|e| ModelsError::io(&content, e))?;
                }
                let files = unpack::unzip(&archive, &content, unpack::Limits::default())?;
                record.files.push(RecordFile {
                    path: spec.path.clone(),
                    bytes: fetched.bytes,
                    checked: checked_against(&expect, &fetched),
                    sha256: fetched.sha256.clone(),
                });
                for rel in files {
                    let (bytes, sha256) = download::hash_file(&content.join(&rel))?;
                    let path = rel.to_string_lossy().replace('\\', "/");
                    record.files.push(RecordFile { path, bytes, sha256, checked: "unpacked".into() });
                }
            }
        }
        let text = toml::to_string(&record)
            .map_err(|e| ModelsError::Catalogue { origin: RECORD_FILE.into(), reason: e.to_string() })?;
        fs::write(content.join(RECORD_FILE), text).map_err(|e| ModelsError::io(&content.join(RECORD_FILE), e))?;
        if target.exists() {
            let old = staging.join("previous");
            fs::remove_dir_all(&old).ok();
            fs::rename(&target, &old).map_err(|e| ModelsError::io(&target, e))?;
        }
        fs::rename(&content, &target).map_err(|e| ModelsError::io(&target, e))?;
        fs::remove_dir_all(&staging).ok();
        let partial_root = self.models_dir.join(PARTIAL_DIR);
        fs::remove_dir(&partial_root).ok(); // only when empty
        if !self.quiet {
            let bytes: u64 = record.files.iter().filter(|f| f.checked != "unpacked").map(|f| f.bytes).sum();
            let how = record.files.iter().map(|f| f.checked.as_str()).filter(|c| *c != "unpacked").collect::<Vec<_>>();
            let how = if how.iter().all(|c| *c == "recorded") {
                "checksums recorded (the catalogue has none for this model yet)"
            } else if how.contains(&"recorded") {
                "checksums verified where known, recorded otherwise"
            } else {
                "checksums verified"
            };
            eprintln!("align: installed {} ({}; {how})", target.display(), human_bytes(bytes));
        }
        Ok(target)
    }

    fn fetch_with_bar(
        &self,
        client: &Client,
        url: &str,
        dest: &Path,
        expect: &Expect,
        label: &str,
        announce: &dyn Fn(),
    ) -> Result<download::Fetched, ModelsError> {
        if dest.is_file() {
            // Finished by an earlier run (files are renamed only once verified); check it again.
            let (bytes, sha256) = download::hash_file(dest)?;
            let ok = expect.bytes.is_none_or(|b| b == bytes) && expect.sha256.as_deref().is_none_or(|s| s == sha256);
            if ok {
                return Ok(download::Fetched { bytes, sha256, ..Default::default() });
            }
            fs::remove_file(dest).map_err(|e| ModelsError::io(dest, e))?;
        }
        let bar = if self.quiet || !io::stderr().is_terminal() {
            ProgressBar::hidden()
        } else {
            let bar = ProgressBar::with_draw_target(expect.bytes, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{msg:24} [{wide_bar}] {bytes}/{total_bytes} {bytes_per_sec} ETA {eta}")
                    .expect("template is valid")
                    .progress_chars("=> "),
            );
            bar.set_message(label.to_string());
            bar
        };
        let result = client.fetch(url, dest, expect, &|done, total| {
            bar.suspend(announce); // the note goes above the bar, not through it
            if let Some(t) = total {
                bar.set_length(t);
            }
            bar.set_position(done);
        });
        bar.finish_and_clear();
        result
    }
}

fn checked_against(expect: &Expect, fetched: &download::Fetched) -> String {
    if expect.sha256.is_some() {
        "catalogue".into()
    } else if fetched.announced_sha256.is_some() {
        "hub".into()
    } else {
        "recorded".into()
    }
}

/// `opus-mt-ar-en` → Some; `./x`, `a/b`, `..` → None (those are paths).
fn bare_name(p: &Path) -> Option<&str> {
    let s = p.to_str()?;
    let ok = !s.is_empty() && !s.contains(['/', '\\']) && s != "." && s != ".." && !s.starts_with('~');
    ok.then_some(s)
}

fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

/// Total size of the files under `dir` (not following symlinks).
pub fn dir_size(dir: &Path) -> u64 {
    let Ok(rd) = fs::read_dir(dir) else { return 0 };
    rd.filter_map(Result::ok)
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => dir_size(&e.path()),
            Ok(t) if t.is_file() => e.metadata().map_or(0, |m| m.len()),
            _ => 0,
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_paths() {
        assert_eq!(bare_name(Path::new("opus-mt-ar-en")), Some("opus-mt-ar-en"));
        assert_eq!(bare_name(Path::new("models/opus-mt-ar-en")), None);
        assert_eq!(bare_name(Path::new("./x")), None);
        assert_eq!(bare_name(Path::new("..")), None);
    }

    #[test]
    fn hub_urls_and_url_mirrors() {
        let cat = Catalogue::load(None).unwrap();
        let mut o = Options {
            models_dir: PathBuf::from("/m"),
            models_dir_from: "test",
            catalogue: cat.clone(),
            endpoint: "http://127.0.0.1:9".into(),
            endpoint_from: "test",
            mirror: None,
            auto_download: true,
            auto_download_from: "test",
            net: NetOptions::default(),
            quiet: true,
            settings: Settings::default(),
            config_path: None,
        };
        let opus = cat.get("opus-mt-ar-en").unwrap();
        assert_eq!(
            o.file_url(opus, "main", "model.bin"),
            "http://127.0.0.1:9/gaudi/opus-mt-ar-en-ctranslate2/resolve/main/model.bin"
        );
        let argos = cat.get("argos-ar-en").unwrap();
        assert_eq!(o.file_url(argos, "main", "x"), "https://argos-net.com/v1/translate-ar_en-1_0.argosmodel");
        o.mirror = Some("http://mirror.local/argos".into());
        assert_eq!(o.file_url(argos, "main", "x"), "http://mirror.local/argos/translate-ar_en-1_0.argosmodel");
    }
}
