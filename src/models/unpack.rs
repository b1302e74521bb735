//! Safe unpacking of model archives (Argos `.argosmodel` packages are zip files).
//!
//! An archive comes from the network, so every entry is checked before a byte is written: no
//! absolute paths, no `..`, no symlinks or other special files, bounded entry count and sizes,
//! and a bounded compression ratio (zip bombs). Sizes are enforced on the bytes actually
//! inflated, not only on what the headers claim.

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Component, Path, PathBuf};

use super::ModelsError;

/// How much an archive may hold.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub max_entries: usize,
    pub max_entry_bytes: u64,
    pub max_total_bytes: u64,
    /// Largest uncompressed/compressed ratio accepted for entries over 1 MiB.
    pub max_ratio: u64,
}

impl Default for Limits {
    /// Generous for translation models (the largest Argos packages unpack to well under 2 GB;
    /// NLLB-3.3B's model.bin is 6.7 GB in float16, which is why the per-entry cap is 8 GiB).
    fn default() -> Limits {
        Limits { max_entries: 10_000, max_entry_bytes: 8 << 30, max_total_bytes: 16 << 30, max_ratio: 200 }
    }
}

/// A path from an archive or a catalogue is safe when it is relative, has no `..`, no root or
/// drive prefix, no backslashes, no empty or NUL-containing parts.
pub fn is_safe_relative(name: &str) -> bool {
    if name.is_empty() || name.contains('\0') || name.contains('\\') || name.starts_with('/') {
        return false;
    }
    let first = name.split('/').next().unwrap_or("");
    if first.len() >= 2 && first.as_bytes()[1] == b':' {
        return false; // C:foo
    }
    let path = Path::new(name);
    path.components().all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
        && name.trim_end_matches('/').split('/').all(|part| !part.is_empty() && part != "..")
}

/// Unpacks `archive` into `dest` (created; must not exist yet). When every entry sits in one
/// top-level directory (as in Argos packages: `translate-ar_en-1_0/...`), that directory's
/// contents become `dest`'s. Returns the files written, relative to `dest`.
pub fn unzip(archive: &Path, dest: &Path, limits: Limits) -> Result<Vec<PathBuf>, ModelsError> {
    let shown = archive.display().to_string();
    let bad =
        |entry: &str, reason: String| ModelsError::Unpack { archive: shown.clone(), entry: entry.to_string(), reason };
    let file = File::open(archive).map_err(|e| ModelsError::io(archive, e))?;
    let mut zip = zip::ZipArchive::new(file).map_err(|e| bad("", format!("not a zip archive: {e}")))?;
    if zip.len() > limits.max_entries {
        return Err(bad("", format!("{} entries, more than the {} allowed", zip.len(), limits.max_entries)));
    }

    // First pass: check every entry's name, kind and declared size before writing anything.
    let mut names = Vec::with_capacity(zip.len());
    let mut declared_total: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|e| bad("", e.to_string()))?;
        let name = entry.name().to_string();
        if !is_safe_relative(&name) {
            return Err(bad(&name, "path leaves the package (absolute, or with '..'): refusing to unpack".into()));
        }
        if entry.is_symlink() {
            return Err(bad(&name, "symbolic links are not accepted in a model package".into()));
        }
        if let Some(mode) = entry.unix_mode() {
            let kind = mode & 0o170000;
            if kind != 0 && kind != 0o100000 && kind != 0o040000 {
                return Err(bad(&name, format!("special file (mode {mode:o}) in a model package")));
            }
        }
        let size = entry.size();
        if size > limits.max_entry_bytes {
            return Err(bad(&name, format!("{size} bytes, more than the {} allowed per file", limits.max_entry_bytes)));
        }
        if size > 1 << 20 && size / entry.compressed_size().max(1) > limits.max_ratio {
            return Err(bad(
                &name,
                format!(
                    "compressed {}:1, more than {}:1 (zip bomb?)",
                    size / entry.compressed_size().max(1),
                    limits.max_ratio
                ),
            ));
        }
        declared_total = declared_total.saturating_add(size);
        if declared_total > limits.max_total_bytes {
            return Err(bad(&name, format!("the package unpacks to more than {} bytes", limits.max_total_bytes)));
        }
        names.push((name, entry.is_dir()));
    }
    let strip = common_top_dir(&names);

    fs::create_dir_all(dest.parent().unwrap_or(Path::new("."))).map_err(|e| ModelsError::io(dest, e))?;
    fs::create_dir(dest).map_err(|e| ModelsError::io(dest, e))?;
    let mut written = Vec::new();
    let mut total: u64 = 0;
    for (i, (name, is_dir)) in names.iter().enumerate() {
        let rel = match &strip {
            Some(top) => name.strip_prefix(top.as_str()).unwrap_or(name).trim_start_matches('/'),
            None => name.as_str(),
        };
        if rel.is_empty() {
            continue; // the stripped top-level directory itself
        }
        let out = dest.join(rel);
        if *is_dir {
            fs::create_dir_all(&out).map_err(|e| ModelsError::io(&out, e))?;
            continue;
        }
        if let Some(parent) = out.parent() {
            fs::create_dir_all(parent).map_err(|e| ModelsError::io(parent, e))?;
        }
        let mut entry = zip.by_index(i).map_err(|e| bad(name, e.to_string()))?;
        let declared = entry.size();
        // create_new: a name twice in the archive is an error, never an overwrite.
        let mut f = File::options().write(true).create_new(true).open(&out).map_err(|e| ModelsError::io(&out, e))?;
        let allowed =
            declared.min(limits.max_entry_bytes).min(limits.max_total_bytes - total.min(limits.max_total_bytes));
        let n = copy_limited(&mut entry, &mut f, allowed).map_err(|e| bad(name, e.to_string()))?;
        if n > allowed {
            return Err(bad(
                name,
                format!("inflates past its declared {declared} bytes or the size limit (zip bomb?)"),
            ));
        }
        f.flush().map_err(|e| ModelsError::io(&out, e))?;
        total += n;
        written.push(PathBuf::from(rel));
    }
    Ok(written)
}

/// Copies at most `limit + 1` bytes, so a caller sees when `limit` was exceeded.
fn copy_limited(from: &mut dyn Read, to: &mut dyn Write, limit: u64) -> io::Result<u64> {
    io::copy(&mut from.take(limit.saturating_add(1)), to)
}

/// "pkg/" when every entry is "pkg/" or below it (and at least one entry is below it).
fn common_top_dir(names: &[(String, bool)]) -> Option<String> {
    let first = names.first()?.0.split('/').next()?.to_string();
    let mut below = false;
    for (name, _) in names {
        let mut parts = name.splitn(2, '/');
        if parts.next() != Some(first.as_str()) {
            return None;
        }
        match parts.next() {
            Some(rest) if !rest.is_empty() => below = true,
            Some(_) => {}
            None => return None, // a file at the top level
        }
    }
    below.then(|| format!("{first}/"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use zip::write::SimpleFileOptions;

    fn make_zip(path: &Path, entries: &[(&str, &[u8])]) {
        let mut w = zip::ZipWriter::new(File::create(path).unwrap());
        let opts = SimpleFileOptions::default();
        for (name, data) in entries {
            if name.ends_with('/') {
                w.add_directory(*name, opts).unwrap();
            } else {
                w.start_file(*name, opts).unwrap();
                w.write_all(data).unwrap();
            }
        }
        w.finish().unwrap();
    }

    #[test]
    fn safe_paths() {
        for ok in ["model.bin", "pkg/model/model.bin", "pkg/", "./a"] {
            assert!(is_safe_relative(ok), "{ok}");
        }
        for bad in ["", "/etc/passwd", "../evil", "pkg/../../evil", "a/..", "C:/x", "c:x", "a\\..\\b", "a//b", "a\0b"] {
            assert!(!is_safe_relative(bad), "{bad:?}");
        }
    }

    #[test]
    fn argos_package_unpacks_with_its_top_directory_stripped() {
        let dir = tempfile::tempdir().unwrap();
        let zip_path = dir.path().join("translate-ar_en-1_0.argosmodel");
        make_zip(
            &zip_path,
            &[
                ("translate-ar_en-1_0/", b""),
                ("translate-ar_en-1_0/metadata.json", br#"{"from_code":"ar","to_code":"en"}"#),
                ("translate-ar_en-1_0/model/model.bin", &[7u8; 5000]),
                ("translate-ar_en-1_0/sentencepiece.model", b"spm"),
            ],
        );
        let dest = dir.path().join("out");
        let mut files = unzip(&zip_path, &dest, Limits::default()).unwrap();
        files.sort();
        assert_eq!(files, [PathBuf::from("metadata.json"), "model/model.bin".into(), "sentencepiece.model".into()]);
        assert_eq!(fs::read(dest.join("model/model.bin")).unwrap(), vec![7u8; 5000]);
        assert!(fs::read_to_string(dest.join("metadata.json")).unwrap().contains("from_code"));
    }

    #[test]
    fn dot_dot_entry_is_rejected_and_nothing_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let zip_path = dir.path().join("evil.zip");
        make_zip(&zip_path, &[("pkg/ok.txt", b"fine"), ("../evil", b"pwned")]);
        let dest = dir.path().join("sub/out");
        let err = unzip(&zip_path, &dest, Limits::default()).unwrap_err().to_string();
        assert!(err.contains("../evil") && err.contains("leaves the package"), "{err}");
        assert!(!dest.exists(), "checks run before anything is written");
        assert!(!dir.path().join("sub/evil").exists() && !dir.path().join("evil").exists());
    }

    #[test]
    fn absolute_entry_is_rejected() {
        let dir = tempfile::tempdir().unwrap();
        let zip_path = dir.path().join("abs.zip");
        make_zip(&zip_path, &[("/tmp/nazir-evil", b"x")]);
        let err = unzip(&zip_path, &dir.path().join("out"), Limits::default()).unwrap_err().to_string();
        assert!(err.contains("/tmp/nazir-evil"), "{err}");
    }

    #[test]
    fn symlink_entry_is_rejected() {
        let dir = tempfile::tempdir().unwrap();
        let zip_path = dir.path().join("link.zip");
        let mut w = zip::ZipWriter::new(File::create(&zip_path).unwrap());
        w.add_symlink("pkg/model.bin", "/etc/passwd", SimpleFileOptions::default()).unwrap();
        w.finish().unwrap();
        let err = unzip(&zip_path, &dir.path().join("out"), Limits::default()).unwrap_err().to_string();
        assert!(err.contains("symbolic link"), "{err}");
    }

    #[test]
    fn oversized_and_highly_compressed_entries_are_rejected() {
        let dir = tempfile::tempdir().unwrap();
        let zip_path = dir.path().join("big.zip");
        // 4 MiB of zeros deflate to a few kB: ratio far above 200:1.
        let zeros = vec![0u8; 4 << 20];
        make_zip(&zip_path, &[("pkg/model.bin", &zeros)]);
        let err = unzip(&zip_path, &dir.path().join("a"), Limits::default()).unwrap_err().to_string();
        assert!(err.contains("zip bomb"), "{err}");
        let small = Limits { max_entry_bytes: 1000, ..Limits::default() };
        make_zip(&dir.path().join("b.zip"), &[("pkg/model.bin", &[1u8; 2000])]);
        let err = unzip(&dir.path().join("b.zip"), &dir.path().join("b"), small).unwrap_err().to_string();
        assert!(err.contains("per file"), "{err}");
        let few = Limits { max_entries: 1, ..Limits::default() };
        make_zip(&dir.path().join("c.zip"), &[("a", b"1"), ("b", b"2")]);
        assert!(unzip(&dir.path().join("c.zip"), &dir.path().join("c"), few).is_err());
    }

    #[test]
    fn not_a_zip_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.argosmodel");
        fs::write(&p, b"<html>not found</html>").unwrap();
        let err = unzip(&p, &dir.path().join("out"), Limits::default()).unwrap_err().to_string();
        assert!(err.contains("not a zip archive"), "{err}");
    }
}
