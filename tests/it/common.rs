//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The generated tiny OPUS-MT-layout model (random weights).
pub fn tiny_model() -> PathBuf {
    root().join("tests/fixtures/models/opus-mt-ar-en-tiny")
}

pub fn sample() -> PathBuf {
    root().join("corpora/samples/bbc-russia-north-korea.ar.txt")
}

/// `../shared`, when this checkout has it (or `$NAZIR_SHARED`, for a checkout elsewhere).
pub fn shared() -> Option<PathBuf> {
    let p = std::env::var_os("NAZIR_SHARED").map_or_else(|| root().join("../shared"), PathBuf::from);
    p.is_dir().then_some(p)
}

/// What `scripts/install-readers` installs: the XLIFF schemas and translate-toolkit's venv.
pub fn readers_dir() -> PathBuf {
    root().join("target/readers")
}

/// A third-party reader is missing: in CI (`CI` set, as `.ci/run` runs) that fails the test;
/// elsewhere the check is skipped with a message saying how to get it.
pub fn reader_missing(what: &str) {
    let msg = format!("missing {what}: run scripts/install-readers");
    if std::env::var_os("CI").is_some() {
        panic!("{msg}");
    }
    eprintln!("skipping: {msg}");
}

/// Runs `align` with arguments; the model flags keep outputs short so tests stay fast.
pub fn align(args: &[&str]) -> Output {
    align_with_cache(args, &test_cache_dir())
}

/// Runs `align` with model downloads switched off (NAZIR_OFFLINE) and an empty models
/// directory, so a test never depends on the network or on models installed on the machine.
pub fn align_offline(args: &[&str]) -> Output {
    let models = std::env::temp_dir().join(format!("nazir-it-models-{}", std::process::id()));
    Command::new(env!("CARGO_BIN_EXE_align"))
        .args(args)
        .env_remove("NAZIR_MODEL")
        .env("NAZIR_CACHE_DIR", test_cache_dir())
        .env("NAZIR_OFFLINE", "1")
        .env("NAZIR_MODELS_DIR", &models)
        .output()
        .expect("the align binary runs")
}

/// A cache directory for this test run, so tests never touch the user's cache.
pub fn test_cache_dir() -> PathBuf {
    std::env::temp_dir().join(format!("nazir-it-cache-{}", std::process::id()))
}

/// Runs `align` with its caches (translations, unpacked packages) in `cache`; never downloads a
/// model (NAZIR_OFFLINE).
pub fn align_with_cache(args: &[&str], cache: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_align"))
        .args(args)
        .env_remove("NAZIR_MODEL")
        .env("NAZIR_OFFLINE", "1")
        .env("NAZIR_CACHE_DIR", cache)
        .output()
        .expect("the align binary runs")
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

pub fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    names.sort();
    names
}

/// Validates a TMX file against the TMX 1.4b DTD with xmllint (libxml2-utils).
pub fn assert_valid_tmx(path: &Path) {
    let dtd = shared().map(|s| s.join("schemas/tmx14.dtd")).filter(|p| p.exists());
    let Some(dtd) = dtd else {
        eprintln!("skipping DTD validation: ../shared/schemas/tmx14.dtd is absent");
        return;
    };
    let out = Command::new("xmllint")
        .args(["--noout", "--nonet", "--dtdvalid"])
        .arg(&dtd)
        .arg(path)
        .output()
        .expect("xmllint is installed (Debian package libxml2-utils; .ci/run installs it)");
    assert!(
        out.status.success(),
        "{} is not valid TMX 1.4b:\n{}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}
