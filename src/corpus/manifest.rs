//! The manifest: one JSON line per finished input, appended and synced to disk only after that
//! input's outputs were renamed into place, so a line always means "these files are complete".
//!
//! A run reads every `nazir-manifest*.jsonl` in the output directory (shards sharing a directory
//! each write their own) and skips inputs whose path, size, content hash, options and model
//! match a line. A kill can cut the last line short: loading ignores it and the writer cuts it
//! off before appending, so the file never holds a corrupt line in the middle.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::inputs::{InputFile, Shard};
use super::report::FileStats;
use super::CorpusError;

const PREFIX: &str = "nazir-manifest";

/// `nazir-manifest.jsonl`, or `nazir-manifest.3-of-16.jsonl` for a shard.
pub fn file_name(shard: Option<Shard>) -> String {
    match shard {
        Some(s) => format!("{PREFIX}.{}.jsonl", s.tag()),
        None => format!("{PREFIX}.jsonl"),
    }
}

/// What happened to a finished input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Aligned; its outputs are listed.
    Done,
    /// No text (empty or only whitespace): nothing written.
    Empty,
}

/// One line of the manifest.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// The input's relative path (the key).
    pub path: String,
    pub size: u64,
    /// SHA-256 of the input's bytes, hex.
    pub sha256: String,
    /// Hash of the options that shape the outputs (languages, formats, thresholds, rules).
    pub options: String,
    /// Hash of the translator's identity (model weights, tokenizers, decoding options).
    pub model: String,
    pub model_name: String,
    pub status: Status,
    /// The output files, relative to the output directory, JSONL first.
    pub outputs: Vec<String>,
    pub stats: FileStats,
}

impl Entry {
    /// Whether this line says `file` is finished with these options and this model, and its
    /// outputs are still there. `sha256` is computed only when everything cheaper matches.
    pub fn covers(&self, file: &InputFile, options: &str, model: &str, out_dir: &Path) -> bool {
        self.path == file.rel
            && self.size == file.size
            && self.options == options
            && self.model == model
            && self.outputs.iter().all(|o| out_dir.join(o).is_file())
            && hash_file(&file.path).is_ok_and(|h| h == self.sha256)
    }
}

/// Manifest lines by input path, in the order they were written.
pub type ByPath = HashMap<String, Vec<Entry>>;

/// Every manifest line found in `out_dir`, by input path; plus one warning per unreadable line
/// (a truncated last line is expected after a kill and is not reported).
pub fn load_all(out_dir: &Path) -> Result<(ByPath, Vec<String>), CorpusError> {
    let mut by_path: HashMap<String, Vec<Entry>> = HashMap::new();
    let mut warnings = Vec::new();
    let Ok(dir) = std::fs::read_dir(out_dir) else { return Ok((by_path, warnings)) };
    let mut names: Vec<PathBuf> = dir
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            p.file_name().is_some_and(|n| {
                let n = n.to_string_lossy();
                n.starts_with(PREFIX) && n.ends_with(".jsonl")
            })
        })
        .collect();
    names.sort();
    for path in names {
        let (entries, _, bad) = load(&path)?;
        warnings.extend(bad);
        for e in entries {
            by_path.entry(e.path.clone()).or_default().push(e);
        }
    }
    Ok((by_path, warnings))
}

/// The entries of one manifest, the length of its complete lines, and warnings for bad lines.
pub fn load(path: &Path) -> Result<(Vec<Entry>, u64, Vec<String>), CorpusError> {
    let io_err = |source| CorpusError::Io { path: path.display().to_string(), source };
    let mut bytes = Vec::new();
    File::open(path).and_then(|mut f| f.read_to_end(&mut bytes)).map_err(io_err)?;
    // Only newline-terminated lines count: anything after the last '\n' was cut short.
    let complete = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let mut entries = Vec::new();
    let mut warnings = Vec::new();
    for (k, line) in bytes[..complete].split(|&b| b == b'\n').enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match serde_json::from_slice::<Entry>(line) {
            Ok(e) => entries.push(e),
            Err(e) => warnings.push(format!("{} line {}: ignored ({e})", path.display(), k + 1)),
        }
    }
    Ok((entries, complete as u64, warnings))
}

/// Appends lines to this process's manifest.
pub struct Writer {
    file: File,
    path: PathBuf,
}

impl Writer {
    /// Opens (or creates) the manifest at `path`; a cut-off last line is removed first.
    pub fn open(path: &Path) -> Result<Writer, CorpusError> {
        let io_err = |source| CorpusError::Write { path: path.display().to_string(), source };
        let valid = if path.exists() { load(path)?.1 } else { 0 };
        let mut file = OpenOptions::new().create(true).truncate(false).write(true).open(path).map_err(io_err)?;
        if file.metadata().map_err(io_err)?.len() != valid {
            file.set_len(valid).map_err(io_err)?;
            file.sync_all().map_err(io_err)?;
        }
        file.seek(SeekFrom::Start(valid)).map_err(io_err)?;
        if valid == 0 {
            // The manifest's own directory entry must survive a crash too.
            sync_dir(path.parent().unwrap_or(Path::new(".")));
        }
        Ok(Writer { file, path: path.to_path_buf() })
    }

    /// Writes the entries, one line each, in one write, then syncs the file.
    pub fn append(&mut self, entries: &[Entry]) -> Result<(), CorpusError> {
        let mut buf = Vec::new();
        for e in entries {
            serde_json::to_writer(&mut buf, e).map_err(io::Error::other).map_err(|source| self.err(source))?;
            buf.push(b'\n');
        }
        self.file.write_all(&buf).map_err(|source| self.err(source))?;
        self.file.sync_data().map_err(|source| self.err(source))
    }

    fn err(&self, source: io::Error) -> CorpusError {
        CorpusError::Write { path: self.path.display().to_string(), source }
    }
}

/// Makes renames and new files in `dir` durable; failure only weakens the guarantee against
/// power loss (not against a killed process), so it is ignored.
pub fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// SHA-256 of a file's bytes, hex.
pub fn hash_file(path: &Path) -> io::Result<String> {
    let mut f = File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex(&h.finalize()))
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A reader that hashes what passes through it, so an input is hashed while it is aligned
/// rather than read twice.
pub struct HashingReader<R> {
    inner: R,
    hasher: std::sync::Arc<std::sync::Mutex<Sha256>>,
}

impl<R: Read> HashingReader<R> {
    pub fn new(inner: R) -> (HashingReader<R>, std::sync::Arc<std::sync::Mutex<Sha256>>) {
        let hasher = std::sync::Arc::new(std::sync::Mutex::new(Sha256::new()));
        (HashingReader { inner, hasher: hasher.clone() }, hasher)
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.lock().unwrap_or_else(|p| p.into_inner()).update(&buf[..n]);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str) -> Entry {
        Entry {
            path: path.into(),
            size: 3,
            sha256: "00".into(),
            options: "o".into(),
            model: "m".into(),
            model_name: "tiny".into(),
            status: Status::Done,
            outputs: vec![],
            stats: FileStats::default(),
        }
    }

    #[test]
    fn a_cut_off_last_line_is_ignored_and_removed_before_appending() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(file_name(None));
        let mut w = Writer::open(&path).unwrap();
        w.append(&[entry("a.txt"), entry("b.txt")]).unwrap();
        drop(w);
        // A kill in the middle of the next append.
        let full = std::fs::read(&path).unwrap();
        let mut cut = full.clone();
        cut.extend_from_slice(br#"{"path":"c.txt","size":3,"sha"#);
        std::fs::write(&path, &cut).unwrap();
        let (entries, valid, warnings) = load(&path).unwrap();
        assert_eq!(entries.iter().map(|e| e.path.as_str()).collect::<Vec<_>>(), ["a.txt", "b.txt"]);
        assert_eq!(valid as usize, full.len());
        assert!(warnings.is_empty());
        let mut w = Writer::open(&path).unwrap();
        w.append(&[entry("d.txt")]).unwrap();
        let (entries, _, warnings) = load(&path).unwrap();
        assert_eq!(entries.iter().map(|e| e.path.as_str()).collect::<Vec<_>>(), ["a.txt", "b.txt", "d.txt"]);
        assert!(warnings.is_empty());
    }

    #[test]
    fn all_manifests_of_a_directory_are_read_and_bad_lines_reported() {
        let dir = tempfile::tempdir().unwrap();
        Writer::open(&dir.path().join(file_name(Some(Shard { k: 1, n: 2 })))).unwrap().append(&[entry("a")]).unwrap();
        let two = dir.path().join(file_name(Some(Shard { k: 2, n: 2 })));
        std::fs::write(&two, "not json\n").unwrap();
        Writer::open(&two).unwrap().append(&[entry("b")]).unwrap();
        let (by_path, warnings) = load_all(dir.path()).unwrap();
        assert!(by_path.contains_key("a") && by_path.contains_key("b"));
        assert_eq!(warnings.len(), 1, "{warnings:?}");
    }

    #[test]
    fn hashing_reader_agrees_with_hash_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x");
        std::fs::write(&p, "abc").unwrap();
        let (mut r, h) = HashingReader::new(File::open(&p).unwrap());
        io::copy(&mut r, &mut io::sink()).unwrap();
        let got = hex(&h.lock().unwrap().clone().finalize());
        assert_eq!(got, hash_file(&p).unwrap());
        assert_eq!(got, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
