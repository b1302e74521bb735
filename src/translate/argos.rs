//! Argos Translate packages opened straight from their `.argosmodel` zip.
//!
//! CTranslate2 loads models from a directory, so a zip is unpacked once into the user's cache
//! (`$XDG_CACHE_HOME/nazir/argos/<key>/`, keyed by the zip's path, size and modification time)
//! and reused. Unpacking is `models::unpack::unzip` (the defensive unzip that `align models
//! pull` uses), into a temporary directory renamed into place only when complete.

use std::fs;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::model::ModelError;
use crate::models::unpack;

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
        let content = tmp.path().join("package");
        unpack::unzip(zip, &content, unpack::Limits::default()).map_err(|e| err(e.to_string()))?;
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
    fn zip_with_parent_entry_is_rejected_and_nothing_escapes() {
        let dir = tempfile::tempdir().unwrap();
        let zip = dir.path().join("evil.argosmodel");
        make_zip(&zip, &[("pkg/metadata.json", b"{}"), ("../evil", b"x")]);
        let cache = dir.path().join("cache");
        let err = unpack_into_cache(&zip, &cache).unwrap_err().to_string();
        assert!(err.contains("leaves the package"), "{err}");
        assert!(!dir.path().join("evil").exists());
        assert_eq!(fs::read_dir(&cache).unwrap().count(), 0, "no leftover temporary directory");
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
