//! Which files a corpus run reads, under which relative names, and which shard takes each.
//!
//! Inputs are directories (every file matching `--glob`, default `**/*.txt`), glob patterns
//! (`news/**/*.ar.txt`: the part before the first wildcard is the base directory) and plain
//! files (also from `--files-from`). Each file gets a relative path that its outputs mirror under
//! `--out-dir` and that sharding hashes, so every machine agrees on who does what.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use globset::{GlobBuilder, GlobMatcher, GlobSet, GlobSetBuilder};
use sha2::{Digest, Sha256};

use super::CorpusError;

/// Files under a directory input are taken when they match this, unless `--glob` says otherwise.
pub const DEFAULT_GLOB: &str = "*.txt";

/// One input file of the run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputFile {
    /// Where to read it.
    pub path: PathBuf,
    /// Its name relative to its input (directory or glob base), with `/` separators: the
    /// manifest key, the shard hash input and the outputs' place under `--out-dir`.
    pub rel: String,
    pub size: u64,
}

/// `--shard K/N`: this process takes the files whose relative path hashes to K (1 ≤ K ≤ N).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub k: u32,
    pub n: u32,
}

impl Shard {
    pub fn parse(s: &str) -> Result<Shard, CorpusError> {
        let bad = |why: &str| CorpusError::Usage(format!("--shard {s:?}: {why} (write K/N, e.g. --shard 3/16)"));
        let (k, n) = s.split_once('/').ok_or_else(|| bad("no '/'"))?;
        let k: u32 = k.trim().parse().map_err(|_| bad("K is not a number"))?;
        let n: u32 = n.trim().parse().map_err(|_| bad("N is not a number"))?;
        if n == 0 {
            return Err(bad("N must be at least 1"));
        }
        if k == 0 || k > n {
            return Err(bad(&format!("shards are numbered 1 to {n}")));
        }
        Ok(Shard { k, n })
    }

    /// Whether this shard takes the file with relative path `rel`.
    pub fn takes(&self, rel: &str) -> bool {
        shard_of(rel, self.n) == self.k
    }

    /// `3-of-16`, for file names.
    pub fn tag(&self) -> String {
        format!("{}-of-{}", self.k, self.n)
    }
}

/// The shard (1..=n) of a relative path: the first 8 bytes of its SHA-256, modulo n. A
/// cryptographic hash is overkill for spreading, but it is stable across versions, platforms
/// and languages (a shell script can compute it), which a std `Hasher` does not promise.
pub fn shard_of(rel: &str, n: u32) -> u32 {
    let digest = Sha256::digest(rel.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    (u64::from_be_bytes(first) % u64::from(n.max(1))) as u32 + 1
}

/// What the user named on the command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InputSpec {
    Dir(PathBuf),
    Glob(String),
    File(PathBuf),
}

impl InputSpec {
    /// A directory, an existing file, or (when it names neither and has wildcards) a glob.
    pub fn from_arg(arg: &Path) -> InputSpec {
        if arg.is_dir() {
            InputSpec::Dir(arg.to_path_buf())
        } else if !arg.exists() && has_wildcard(&arg.to_string_lossy()) {
            InputSpec::Glob(arg.to_string_lossy().into_owned())
        } else {
            InputSpec::File(arg.to_path_buf())
        }
    }

    /// Whether this input can stand for many files (a directory or a glob).
    pub fn is_many(&self) -> bool {
        !matches!(self, InputSpec::File(_))
    }
}

pub fn has_wildcard(s: &str) -> bool {
    s.contains(['*', '?', '[', '{'])
}

/// Compiles `--glob` patterns: one without `/` matches a file name at any depth, one with `/`
/// matches the path relative to the directory input (`*` stops at `/`, `**` crosses it).
pub fn compile_patterns(patterns: &[String]) -> Result<GlobSet, CorpusError> {
    let mut set = GlobSetBuilder::new();
    let defaults = [DEFAULT_GLOB.to_string()];
    let patterns = if patterns.is_empty() { &defaults[..] } else { patterns };
    for p in patterns {
        let full = if p.contains('/') { p.trim_start_matches("./").to_string() } else { format!("**/{p}") };
        set.add(glob(&full).map_err(|e| CorpusError::Usage(format!("--glob {p:?}: {e}")))?);
    }
    set.build().map_err(|e| CorpusError::Usage(format!("--glob: {e}")))
}

fn glob(pattern: &str) -> Result<globset::Glob, globset::Error> {
    GlobBuilder::new(pattern).literal_separator(true).backslash_escape(true).build()
}

/// Finds every input file, sorted by relative path. `exclude` (the output directory) is never
/// walked into, so outputs of an earlier run are not read back as inputs. Two inputs that
/// would write the same outputs are an error, reported before any work.
pub fn discover(
    specs: &[InputSpec],
    patterns: &GlobSet,
    exclude: Option<&Path>,
    src_lang: &str,
) -> Result<Vec<InputFile>, CorpusError> {
    let exclude = exclude.and_then(|p| p.canonicalize().ok());
    let mut found: BTreeMap<String, InputFile> = BTreeMap::new();
    let mut add = |file: InputFile| -> Result<(), CorpusError> {
        if let Some(prev) = found.get(&file.rel) {
            if same_file(&prev.path, &file.path) {
                return Ok(());
            }
            return Err(CorpusError::SameName {
                a: prev.path.display().to_string(),
                b: file.path.display().to_string(),
                rel: file.rel.clone(),
            });
        }
        found.insert(file.rel.clone(), file);
        Ok(())
    };
    for spec in specs {
        match spec {
            InputSpec::File(path) => {
                let meta = std::fs::metadata(path)
                    .map_err(|source| CorpusError::Io { path: path.display().to_string(), source })?;
                if meta.is_dir() {
                    return Err(CorpusError::Usage(format!(
                        "{} is a directory: list files in --files-from, or give the directory as INPUT",
                        path.display()
                    )));
                }
                add(InputFile { path: path.clone(), rel: relative_name(path), size: meta.len() })?;
            }
            InputSpec::Dir(dir) => walk(dir, &|rel| patterns.is_match(rel), exclude.as_deref(), &mut add)?,
            InputSpec::Glob(pattern) => {
                let (base, rest) = split_glob(pattern);
                if rest.is_empty() {
                    return Err(CorpusError::Usage(format!("{pattern}: no such file or directory")));
                }
                let matcher: GlobMatcher = glob(&rest)
                    .map_err(|e| CorpusError::Usage(format!("{pattern:?} is not a valid glob: {e}")))?
                    .compile_matcher();
                if !base.is_dir() {
                    return Err(CorpusError::Usage(format!(
                        "{pattern}: no such directory {} to search",
                        base.display()
                    )));
                }
                walk(&base, &|rel| matcher.is_match(rel), exclude.as_deref(), &mut add)?;
            }
        }
    }
    let files: Vec<InputFile> = found.into_values().collect();
    check_output_names(&files, src_lang)?;
    Ok(files)
}

/// Walks `dir` in name order, skipping hidden entries and `exclude`, adding the files `take`
/// accepts (given the path relative to `dir`).
fn walk(
    dir: &Path,
    take: &dyn Fn(&str) -> bool,
    exclude: Option<&Path>,
    add: &mut dyn FnMut(InputFile) -> Result<(), CorpusError>,
) -> Result<(), CorpusError> {
    let walker = walkdir::WalkDir::new(dir).follow_links(true).sort_by_file_name().into_iter();
    let walker = walker.filter_entry(|e| {
        let hidden = e.depth() > 0 && e.file_name().to_string_lossy().starts_with('.');
        let excluded = exclude.is_some_and(|x| e.file_type().is_dir() && e.path().canonicalize().is_ok_and(|p| p == x));
        !hidden && !excluded
    });
    for entry in walker {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(dir).display().to_string();
            CorpusError::Io { path, source: e.into() }
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(rel_path) = entry.path().strip_prefix(dir) else { continue };
        let rel = slash_path(rel_path);
        if !take(&rel) {
            continue;
        }
        let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
        add(InputFile { path: entry.path().to_path_buf(), rel, size })?;
    }
    Ok(())
}

/// `news/2024/**/*.txt` → (`news/2024`, `**/*.txt`): the directories before the first wildcard.
fn split_glob(pattern: &str) -> (PathBuf, String) {
    let mut base = PathBuf::new();
    let parts: Vec<&str> = pattern.split('/').collect();
    let mut k = 0;
    while k + 1 < parts.len() && !has_wildcard(parts[k]) {
        base.push(if parts[k].is_empty() { "/" } else { parts[k] });
        k += 1;
    }
    let base = if base.as_os_str().is_empty() { PathBuf::from(".") } else { base };
    (base, parts[k..].join("/"))
}

/// The relative name of a file given by itself: as written when relative and inside the
/// current directory; otherwise its normal components only (`/data/a.txt` → `data/a.txt`,
/// `../x/a.txt` → `x/a.txt`), so outputs never land outside `--out-dir`.
pub fn relative_name(path: &Path) -> String {
    let parts: Vec<String> = path
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    parts.join("/")
}

fn slash_path(path: &Path) -> String {
    relative_name(path)
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// The output stem of a file under `--out-dir`: its relative directory and `output::stem`.
pub fn output_stem(rel: &str, src_lang: &str) -> String {
    let path = Path::new(rel);
    let stem = crate::output::stem(path, src_lang);
    match rel.rfind('/') {
        Some(slash) => format!("{}/{stem}", &rel[..slash]),
        None => stem,
    }
}

/// `a.txt` and `a.ar.txt` in one directory both become `a.ar-en.*`: refuse rather than let one
/// overwrite the other.
fn check_output_names(files: &[InputFile], src_lang: &str) -> Result<(), CorpusError> {
    let mut seen: BTreeMap<String, &InputFile> = BTreeMap::new();
    for f in files {
        let stem = output_stem(&f.rel, src_lang);
        if let Some(prev) = seen.insert(stem.clone(), f) {
            return Err(CorpusError::SameOutputs { a: prev.rel.clone(), b: f.rel.clone(), stem });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_parsing_and_assignment_is_stable() {
        assert_eq!(Shard::parse("3/16").unwrap(), Shard { k: 3, n: 16 });
        assert!(Shard::parse("0/4").is_err());
        assert!(Shard::parse("5/4").is_err());
        assert!(Shard::parse("1/0").is_err());
        assert!(Shard::parse("2").is_err());
        // Pinned values: changing the hash would reshuffle every running job's files.
        assert_eq!(shard_of("news/a.ar.txt", 16), shard_of("news/a.ar.txt", 16));
        assert_eq!(shard_of("a.txt", 1), 1);
        // Pinned (computed with `printf %s a.txt | sha256sum`: first 16 hex digits mod N, plus 1):
        // changing the hash would reshuffle the files of every running job.
        let pinned: Vec<(u32, u32)> =
            ["a.txt", "b.txt", "news/2024/c.ar.txt"].iter().map(|r| (shard_of(r, 4), shard_of(r, 16))).collect();
        assert_eq!(pinned, [(2, 6), (2, 10), (4, 4)]);
        // Every file lands in exactly one of N shards, and the shards are not badly skewed.
        let rels: Vec<String> = (0..4000).map(|i| format!("dir{}/file{i}.txt", i % 7)).collect();
        let mut counts = [0usize; 4];
        for r in &rels {
            let takers: Vec<u32> = (1..=4).filter(|&k| Shard { k, n: 4 }.takes(r)).collect();
            assert_eq!(takers.len(), 1);
            counts[takers[0] as usize - 1] += 1;
        }
        assert!(counts.iter().all(|&c| (850..1150).contains(&c)), "{counts:?}");
    }

    #[test]
    fn globs_split_into_base_and_pattern() {
        assert_eq!(split_glob("news/**/*.ar.txt"), (PathBuf::from("news"), "**/*.ar.txt".into()));
        assert_eq!(split_glob("*.txt"), (PathBuf::from("."), "*.txt".into()));
        assert_eq!(split_glob("/data/x/*.txt"), (PathBuf::from("/data/x"), "*.txt".into()));
    }

    #[test]
    fn relative_names_never_leave_the_output_directory() {
        assert_eq!(relative_name(Path::new("a/b.txt")), "a/b.txt");
        assert_eq!(relative_name(Path::new("./a/b.txt")), "a/b.txt");
        assert_eq!(relative_name(Path::new("../x/a.txt")), "x/a.txt");
        assert_eq!(relative_name(Path::new("/data/a.txt")), "data/a.txt");
        assert_eq!(output_stem("news/2024/a.ar.txt", "ar"), "news/2024/a");
        assert_eq!(output_stem("a.txt", "ar"), "a");
    }

    #[test]
    fn directories_globs_and_collisions() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for rel in ["x/a.ar.txt", "x/b.txt", "x/y/c.txt", "x/.hidden/d.txt", "x/notes.md", "x/out/e.txt"] {
            let p = root.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "نص").unwrap();
        }
        let x = root.join("x");
        let all = compile_patterns(&[]).unwrap();
        let out = x.join("out");
        let files = discover(&[InputSpec::Dir(x.clone())], &all, Some(&out), "ar").unwrap();
        let rels: Vec<&str> = files.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(rels, ["a.ar.txt", "b.txt", "y/c.txt"], "hidden and output directories are skipped");

        let ar = compile_patterns(&["*.ar.txt".into()]).unwrap();
        let files = discover(&[InputSpec::Dir(x.clone())], &ar, None, "ar").unwrap();
        assert_eq!(files.len(), 1);

        let pattern = format!("{}/**/*.txt", x.display());
        let files = discover(&[InputSpec::Glob(pattern)], &all, Some(&out), "ar").unwrap();
        assert_eq!(files.iter().map(|f| f.rel.as_str()).collect::<Vec<_>>(), ["a.ar.txt", "b.txt", "y/c.txt"]);

        std::fs::write(x.join("a.txt"), "نص").unwrap();
        let err = discover(&[InputSpec::Dir(x)], &all, Some(&out), "ar").unwrap_err();
        assert!(err.to_string().contains("a.ar.txt") && err.to_string().contains("a.txt"), "{err}");
    }
}
