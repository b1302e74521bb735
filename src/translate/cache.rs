//! A persistent translation cache, so a rerun over the same corpus is nearly free.
//!
//! Entries are keyed by SHA-256 of (model identity, the options that change output, the source
//! sentence) and kept in SQLite (WAL mode) in the user's cache directory, so several processes
//! on one machine (corpus shards) can share it. A cache that cannot be opened or written is a
//! warning, never an error: translation goes on without it.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};

use super::{TranslateError, Translation, Translator};
use crate::bead::Flags;

/// A translator in front of which finished translations are remembered.
pub struct CachedTranslator<T: Translator> {
    inner: T,
    db: Mutex<Connection>,
    path: PathBuf,
    identity: String,
    hits: std::sync::atomic::AtomicUsize,
}

/// The default cache file: `$NAZIR_CACHE_DIR` or the platform cache directory, `translations.sqlite3`.
pub fn default_path() -> PathBuf {
    super::argos::cache_root().join("translations.sqlite3")
}

impl<T: Translator> CachedTranslator<T> {
    /// Opens (or creates) the cache at `path` for `inner`. On failure `inner` comes back with
    /// the reason, so the caller can go on without a cache.
    pub fn open(inner: T, path: &Path) -> Result<CachedTranslator<T>, (T, String)> {
        match open_db(path) {
            Ok(db) => {
                let identity = inner.identity();
                Ok(CachedTranslator {
                    inner,
                    db: Mutex::new(db),
                    path: path.to_path_buf(),
                    identity,
                    hits: Default::default(),
                })
            }
            Err(reason) => Err((inner, reason)),
        }
    }
}

fn open_db(path: &Path) -> Result<Connection, String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let db = Connection::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    db.busy_timeout(std::time::Duration::from_secs(30)).map_err(|e| e.to_string())?;
    db.pragma_update(None, "journal_mode", "WAL").map_err(|e| e.to_string())?;
    db.pragma_update(None, "synchronous", "NORMAL").map_err(|e| e.to_string())?;
    db.execute_batch(
        "CREATE TABLE IF NOT EXISTS translation (
                 key BLOB PRIMARY KEY, text TEXT NOT NULL, score REAL NOT NULL, flags INTEGER NOT NULL
             ) WITHOUT ROWID;",
    )
    .map_err(|e| format!("cannot use {}: {e}", path.display()))?;
    Ok(db)
}

impl<T: Translator> CachedTranslator<T> {
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Sentences answered from the cache so far.
    pub fn hits(&self) -> usize {
        self.hits.load(std::sync::atomic::Ordering::Relaxed)
    }

    fn key(&self, sentence: &str) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update((self.identity.len() as u64).to_le_bytes());
        h.update(self.identity.as_bytes());
        h.update(sentence.as_bytes());
        h.finalize().into()
    }
}

impl<T: Translator> Translator for CachedTranslator<T> {
    fn translate(&self, inputs: &[&str], progress: &dyn Fn(usize)) -> Result<Vec<Translation>, TranslateError> {
        let keys: Vec<[u8; 32]> = inputs.iter().map(|s| self.key(s)).collect();
        let mut found: Vec<Option<Translation>> = vec![None; inputs.len()];
        {
            let db = self.db.lock().unwrap_or_else(|p| p.into_inner());
            let prepared = db.prepare_cached("SELECT text, score, flags FROM translation WHERE key = ?1");
            if let Ok(mut stmt) = prepared {
                for (slot, key) in found.iter_mut().zip(&keys) {
                    *slot = stmt
                        .query_row(params![&key[..]], |row| {
                            Ok(Translation {
                                text: row.get(0)?,
                                score: row.get::<_, f64>(1)? as f32,
                                flags: Flags::from_bits(row.get::<_, i64>(2)? as u16),
                            })
                        })
                        .optional()
                        .ok()
                        .flatten();
                }
            }
        }
        let missing: Vec<usize> = (0..inputs.len()).filter(|&i| found[i].is_none()).collect();
        let hits = inputs.len() - missing.len();
        self.hits.fetch_add(hits, std::sync::atomic::Ordering::Relaxed);
        progress(hits);
        if !missing.is_empty() {
            let todo: Vec<&str> = missing.iter().map(|&i| inputs[i]).collect();
            let fresh = self.inner.translate(&todo, &|done| progress(hits + done))?;
            let mut db = self.db.lock().unwrap_or_else(|p| p.into_inner());
            // A failed write only costs a future cache miss.
            if let Ok(tx) = db.transaction() {
                if let Ok(mut stmt) = tx.prepare_cached(
                    "INSERT OR REPLACE INTO translation (key, text, score, flags) VALUES (?1, ?2, ?3, ?4)",
                ) {
                    for (&i, t) in missing.iter().zip(&fresh) {
                        let _ = stmt.execute(params![&keys[i][..], t.text, t.score as f64, t.flags.bits() as i64]);
                    }
                }
                let _ = tx.commit();
            }
            for (&i, t) in missing.iter().zip(fresh) {
                found[i] = Some(t);
            }
        }
        found
            .into_iter()
            .map(|t| t.ok_or_else(|| TranslateError::Engine("a translation went missing".into())))
            .collect()
    }

    fn name(&self) -> String {
        self.inner.name()
    }

    fn identity(&self) -> String {
        self.identity.clone()
    }

    fn cache_hits(&self) -> Option<usize> {
        Some(self.hits())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::translate::FakeTranslator;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    #[derive(Debug)]
    struct Counting(Arc<AtomicUsize>, &'static str);
    impl Translator for Counting {
        fn translate(&self, inputs: &[&str], _: &dyn Fn(usize)) -> Result<Vec<Translation>, TranslateError> {
            self.0.fetch_add(inputs.len(), Ordering::SeqCst);
            FakeTranslator::new("en").translate(inputs, &|_| {})
        }
        fn name(&self) -> String {
            "counting".into()
        }
        fn identity(&self) -> String {
            self.1.into()
        }
    }

    #[test]
    fn second_run_is_answered_from_the_cache_and_identity_separates_models() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.sqlite3");
        let calls = Arc::new(AtomicUsize::new(0));
        let first = CachedTranslator::open(Counting(calls.clone(), "model-a"), &path).unwrap();
        let a = first.translate(&["واحد", "اثنان"], &|_| {}).unwrap();
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        drop(first);
        let again = CachedTranslator::open(Counting(calls.clone(), "model-a"), &path).unwrap();
        let b = again.translate(&["اثنان", "واحد", "ثلاثة"], &|_| {}).unwrap();
        assert_eq!(calls.load(Ordering::SeqCst), 3, "only the new sentence is translated");
        assert_eq!(b[0], a[1]);
        assert_eq!(b[1], a[0]);
        assert_eq!(again.hits(), 2);
        let other = CachedTranslator::open(Counting(calls.clone(), "model-b"), &path).unwrap();
        other.translate(&["واحد"], &|_| {}).unwrap();
        assert_eq!(calls.load(Ordering::SeqCst), 4, "another model does not see model-a's entries");
    }
}
