//! Argos Translate packages opened straight from their `.argosmodel` zip.
//!
//! CTranslate2 loads models from a directory, so a zip is unpacked once into the user's cache
//! (`$XDG_CACHE_HOME/nazir/argos/<key>/`, keyed by the zip's path, size and modification time)
//! and reused. Unpacking is defensive: entries with absolute paths or `..`, symlinks, and
//! oversized entries or archives are refused, and the result is renamed into place only when
//! complete.

use std::fs;
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};

use sha2::{Digest, Sha256};

use super::model::ModelError;

/// Largest single file we unpack (real packages hold one model.bin of a few hundred MB).
const MAX_ENTRY_BYTES: u64 = 4 << 30;
/// Largest total we unpack.
const MAX_TOTAL_BYTES: u64 = 8 << 30;
const MAX_ENTRIES: usize = 10_000;

/// Where unpacked packages are kept: NAZIR_CACHE_DIR, else the platform cache directory.
pub fn cache_root() -> PathBuf {
    if let Some(dir) = std::env::var_os("NAZIR_CACHE_DIR") {
        return PathBuf::from(dir);
    }
    dirs::cache_dir().unwrap_or_else(std::env::temp_dir).join("nazir")
}

/// Unpacks `zip` (once) and returns the package directory: the folder holding metadata.json.
pub fn unpack_cached(zip: &Path) -> Result<PathBuf, ModelError> {
    unpack_into_cache(zip, &cache_root().join("argos"))
}

/// `unpack_cached` with an explicit cache directory.
pub fn unpack_into_cache(zip: &Path, root: &Path) -> Result<PathBuf, ModelError> {
    let err = |reason: String| ModelError::Package { path: zip.display().to_string(), reason };
    let meta = fs::metadata(zip).map_err(|e| err(e.to_string()))?;
    let mut key = Sha256::new();
    key.update(fs::canonicalize(zip).unwrap_or_else(|_| zip.to_path_buf()).to_string_lossy().as_bytes());
    key.update(meta.len().to_le_bytes());
    if let Ok(modified) = meta.modified() {
        if let Ok(d) = modified.duration_since(std::time::UNIX_EPOCH) {
            key.update(d.as_nanos().to_le_bytes());
        }
    }
    let key: String = key.finalize().iter().take(12).map(|b| format!("{b:02x}")).collect();
    let dest = root.join(&key);
    if !dest.is_dir() {
        fs::create_dir_all(root).map_err(|e| err(format!("cannot create {}: {e}", root.display())))?;
        let tmp = tempfile::Builder::new()
            .prefix(&format!(".{key}."))
            .tempdir_in(root)
            .map_err(|e| err(format!("cannot create a directory in {}: {e}", root.display())))?;
        unpack(zip, tmp.path()).map_err(err)?;
        let staged = tmp.keep();
        if let Err(e) = fs::rename(&staged, &dest) {
            // Another process may have unpacked the same package meanwhile.
            let _ = fs::remove_dir_all(&staged);
            if !dest.is_dir() {
                return Err(err(format!("cannot move the unpacked package into {}: {e}", dest.display())));
            }
        }
    }
    package_dir(&dest).ok_or_else(|| err("no metadata.json in the package".into()))
}

/// The directory holding metadata.json: the root, or its single top-level folder.
fn package_dir(root: &Path) -> Option<PathBuf> {
    if root.join("metadata.json").is_file() {
        return Some(root.to_path_buf());
    }
    fs::read_dir(root).ok()?.filter_map(Result::ok).map(|e| e.path()).find(|p| p.join("metadata.json").is_file())
}

/// Unpacks every entry of `zip` below `into`, refusing unsafe entries.
pub fn unpack(zip: &Path, into: &Path) -> Result<(), String> {
    let file = fs::File::open(zip).map_err(|e| e.to_string())?;
    let mut archive = zip::ZipArchive::new(file).map_err(|e| format!("not a valid zip archive: {e}"))?;
    if archive.len() > MAX_ENTRIES {
        return Err(format!("it has {} entries (more than {MAX_ENTRIES})", archive.len()));
    }
    let mut total = 0u64;
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(|e| format!("entry {i}: {e}"))?;
        let name = entry.name().to_string();
        let relative = safe_relative_path(&name).ok_or_else(|| format!("entry {name:?} points outside the package"))?;
        if entry.is_symlink() {
            return Err(format!("entry {name:?} is a symbolic link"));
        }
        let target = into.join(&relative);
        if entry.is_dir() {
            fs::create_dir_all(&target).map_err(|e| format!("{}: {e}", target.display()))?;
            continue;
        }
        if entry.size() > MAX_ENTRY_BYTES {
            return Err(format!("entry {name:?} is {} bytes (more than {MAX_ENTRY_BYTES})", entry.size()));
        }
        if let Some(parent) = target.parent() {
            fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        let mut out = fs::File::create(&target).map_err(|e| format!("{}: {e}", target.display()))?;
        // The declared size can lie (zip bombs): count what is actually written.
        let written = io::copy(&mut (&mut entry).take(MAX_ENTRY_BYTES + 1), &mut out)
            .map_err(|e| format!("entry {name:?}: {e}"))?;
        if written > MAX_ENTRY_BYTES {
            return Err(format!("entry {name:?} unpacks to more than {MAX_ENTRY_BYTES} bytes"));
        }
        total += written;
        if total > MAX_TOTAL_BYTES {
            return Err(format!("the package unpacks to more than {MAX_TOTAL_BYTES} bytes"));
        }
    }
    Ok(())
}

/// A zip entry name as a relative path with no `..`, root or prefix; `None` if unsafe.
pub fn safe_relative_path(name: &str) -> Option<PathBuf> {
    if name.contains('\\') || name.contains('\0') {
        return None;
    }
    let path = Path::new(name);
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::Normal(c) => out.push(c),
            Component::CurDir => {}
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    (!out.as_os_str().is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn make_zip(path: &Path, entries: &[(&str, &[u8])]) {
        let file = fs::File::create(path).unwrap();
        let mut zip = zip::ZipWriter::new(file);
        let options: zip::write::SimpleFileOptions = Default::default();
        for (name, data) in entries {
            zip.start_file(*name, options).unwrap();
            zip.write_all(data).unwrap();
        }
        zip.finish().unwrap();
    }

    #[test]
    fn unsafe_names_are_refused() {
        for bad in ["../evil", "/etc/passwd", "a/../../b", "..", "a\\..\\b", ""] {
            assert_eq!(safe_relative_path(bad), None, "{bad}");
        }
        assert_eq!(safe_relative_path("pkg/model/model.bin"), Some(PathBuf::from("pkg/model/model.bin")));
        assert_eq!(safe_relative_path("./pkg/x"), Some(PathBuf::from("pkg/x")));
    }

    #[test]
    fn zip_with_parent_entry_is_rejected_and_nothing_escapes() {
        let dir = tempfile::tempdir().unwrap();
        let zip = dir.path().join("evil.argosmodel");
        make_zip(&zip, &[("pkg/metadata.json", b"{}"), ("../evil", b"x")]);
        let into = dir.path().join("out");
        fs::create_dir(&into).unwrap();
        let err = unpack(&zip, &into).unwrap_err();
        assert!(err.contains("outside the package"), "{err}");
        assert!(!dir.path().join("evil").exists());
    }

    #[test]
    fn package_is_unpacked_once_into_the_cache() {
        let dir = tempfile::tempdir().unwrap();
        let zip = dir.path().join("translate-ar_en.argosmodel");
        make_zip(&zip, &[("translate-ar_en/metadata.json", b"{\"from_code\":\"ar\",\"to_code\":\"en\"}")]);
        let cache = dir.path().join("cache");
        let pkg = unpack_into_cache(&zip, &cache).unwrap();
        assert!(pkg.join("metadata.json").is_file());
        assert_eq!(unpack_into_cache(&zip, &cache).unwrap(), pkg);
        assert_eq!(fs::read_dir(&cache).unwrap().count(), 1, "no leftover temporary directory");
    }
}
