//! `align models …` and the first run, against a real HTTP server on 127.0.0.1 (tests/it/http.rs)
//! serving the tiny model in the Hugging Face layout. No traffic leaves the machine.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use nazir::models::download::hash_file;

use crate::common::*;
use crate::http::Server;

const FILES: [&str; 5] = ["config.json", "model.bin", "shared_vocabulary.json", "source.spm", "target.spm"];
const HUB: &str = "test/opus-mt-ar-en-tiny";

/// A sandbox: its own models directory, config path and home, so no test touches the real ones.
struct Sandbox {
    dir: tempfile::TempDir,
    envs: Vec<(String, String)>,
}

impl Sandbox {
    fn new() -> Sandbox {
        let dir = tempfile::tempdir().unwrap();
        let p = |s: &str| dir.path().join(s).to_string_lossy().into_owned();
        let envs = vec![
            ("NAZIR_MODELS_DIR".to_string(), p("models")),
            ("NAZIR_CONFIG".to_string(), p("config.toml")),
            ("HOME".to_string(), p("home")),
            ("XDG_DATA_HOME".to_string(), p("home/data")),
            ("XDG_CONFIG_HOME".to_string(), p("home/config")),
        ];
        Sandbox { dir, envs }
    }
    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }
    fn models(&self) -> PathBuf {
        self.path("models")
    }
    fn set(&mut self, name: &str, value: &str) {
        self.envs.push((name.to_string(), value.to_string()));
    }
    /// Runs `align` with the sandbox's environment and nothing inherited that could reach out:
    /// no proxy, no hub endpoint, no offline switch unless the test sets them.
    fn align(&self, args: &[&str]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_align"));
        cmd.args(args);
        for v in [
            "NAZIR_MODEL",
            "NAZIR_CATALOGUE",
            "NAZIR_OFFLINE",
            "HF_HUB_OFFLINE",
            "HF_ENDPOINT",
            "ALL_PROXY",
            "all_proxy",
            "HTTPS_PROXY",
            "https_proxy",
            "HTTP_PROXY",
            "http_proxy",
        ] {
            cmd.env_remove(v);
        }
        for (k, v) in &self.envs {
            cmd.env(k, v);
        }
        cmd.output().expect("the align binary runs")
    }
}

fn tiny_bytes(file: &str) -> Vec<u8> {
    fs::read(tiny_model().join(file)).unwrap()
}

fn sha(file: &Path) -> String {
    hash_file(file).unwrap().1
}

/// Serves the tiny model at `/{repo}/resolve/main/{file}`.
fn serve_tiny(server: &Server, repo: &str) {
    for f in FILES {
        server.add(&format!("/{repo}/resolve/main/{f}"), tiny_bytes(f));
    }
}

/// A catalogue whose default `opus-mt-ar-en` is the tiny model on the test hub, with exact sizes
/// and checksums; `tamper` changes one file's entry.
fn write_catalogue(sb: &mut Sandbox, tamper: Option<(&str, &str)>, extra: &str) {
    let mut files = String::new();
    for f in FILES {
        let path = tiny_model().join(f);
        let (bytes, mut sum) = hash_file(&path).unwrap();
        if let Some((name, wrong)) = tamper {
            if name == f {
                sum = wrong.to_string();
            }
        }
        files.push_str(&format!("    {{ path = \"{f}\", bytes = {bytes}, sha256 = \"{sum}\" }},\n"));
    }
    let text = format!(
        "default = \"opus-mt-ar-en\"\n\n[[model]]\nname = \"opus-mt-ar-en\"\nfamily = \"opus-mt\"\nfrom = [\"ar\"]\nto = [\"en\"]\n\
         languages = \"Arabic → English\"\nhub = \"{HUB}\"\nrevision = \"main\"\nlicence = \"Apache-2.0\"\ncommercial = true\n\
         files = [\n{files}]\n{extra}"
    );
    let path = sb.path("catalogue.toml");
    fs::write(&path, text).unwrap();
    sb.set("NAZIR_CATALOGUE", path.to_str().unwrap());
}

fn assert_installed_like_fixture(dir: &Path) {
    for f in FILES {
        assert_eq!(fs::read(dir.join(f)).unwrap(), tiny_bytes(f), "{f} differs from the served file");
        assert!(!dir.join(format!("{f}.part")).exists());
    }
}

/// The error line after the "downloading …" note.
fn error_line(out: &Output) -> String {
    let err = stderr(out);
    let last = err.trim_end().lines().last().unwrap_or("").to_string();
    assert!(last.starts_with("align: "), "{err}");
    last
}

fn one_line_stderr(out: &Output) -> String {
    let err = stderr(out);
    assert_eq!(err.trim_end().lines().count(), 1, "expected one line on stderr, got:\n{err}");
    err
}

#[test]
fn pull_downloads_verifies_and_records_then_verify_loads_the_model() {
    let server = Server::start();
    serve_tiny(&server, HUB);
    let mut sb = Sandbox::new();
    write_catalogue(&mut sb, None, "");
    sb.set("HF_ENDPOINT", &server.url());
    let out = sb.align(&["models", "pull", "opus-mt-ar-en"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let dir = sb.models().join("opus-mt-ar-en");
    assert_installed_like_fixture(&dir);
    let record = fs::read_to_string(dir.join(".nazir-model.toml")).unwrap();
    assert_eq!(record.matches("checked = \"catalogue\"").count(), FILES.len(), "{record}");
    assert!(record.contains(&sha(&tiny_model().join("model.bin"))));
    assert!(!sb.models().join(".partial").exists(), "staging is cleaned up");

    let out = sb.align(&["models", "verify", "opus-mt-ar-en"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}{}", stderr(&out));
    assert!(
        text.contains("model.bin: SHA-256 matches the catalogue") && text.contains("CTranslate2 loads it"),
        "{text}"
    );

    // A damaged file is caught by verify, which exits non-zero naming it.
    let mut f = fs::OpenOptions::new().append(true).open(dir.join("target.spm")).unwrap();
    f.write_all(b"x").unwrap();
    let out = sb.align(&["models", "verify", "opus-mt-ar-en"]);
    assert!(!out.status.success());
    assert!(one_line_stderr(&out).contains("target.spm"), "{}", stderr(&out));

    let out = sb.align(&["models", "list"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(&dir.display().to_string()) && text.contains("installed"), "{text}");
}

#[test]
fn a_cut_connection_is_resumed_with_a_range_request() {
    let server = Server::start();
    serve_tiny(&server, HUB);
    let path = format!("/{HUB}/resolve/main/model.bin");
    server.cut(&path, 100_000, 1);
    let mut sb = Sandbox::new();
    write_catalogue(&mut sb, None, "");
    sb.set("HF_ENDPOINT", &server.url());
    let out = sb.align(&["models", "pull", "opus-mt-ar-en"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let reqs = server.requests_for(&path);
    assert_eq!(reqs.len(), 2, "{reqs:?}");
    assert_eq!(reqs[0].range, None);
    assert_eq!(reqs[1].range.as_deref(), Some("bytes=100000-"), "the retry asks only for the rest");
    assert_installed_like_fixture(&sb.models().join("opus-mt-ar-en"));
}

#[test]
fn a_download_that_keeps_breaking_is_resumed_by_the_next_run() {
    let server = Server::start();
    serve_tiny(&server, HUB);
    let path = format!("/{HUB}/resolve/main/model.bin");
    server.cut(&path, 50_000, 3); // as many cuts as one run tries
    let mut sb = Sandbox::new();
    write_catalogue(&mut sb, None, "");
    sb.set("HF_ENDPOINT", &server.url());
    let out = sb.align(&["models", "pull", "opus-mt-ar-en"]);
    assert!(!out.status.success());
    let err = error_line(&out);
    assert!(err.contains("run the same command again to resume"), "{err}");
    assert!(!sb.models().join("opus-mt-ar-en").exists(), "nothing installed");
    let part = sb.models().join(".partial/opus-mt-ar-en/content/model.bin.part");
    let have = fs::metadata(&part).unwrap().len();
    assert_eq!(have, 150_000, "three cuts of 50,000 bytes each were kept");

    let before = server.requests_for(&path).len();
    let out = sb.align(&["models", "pull", "opus-mt-ar-en"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let reqs = server.requests_for(&path);
    assert_eq!(reqs.len(), before + 1);
    assert_eq!(reqs[before].range.as_deref(), Some("bytes=150000-"));
    assert_installed_like_fixture(&sb.models().join("opus-mt-ar-en"));
    // Files finished by the first run were not downloaded again.
    assert_eq!(server.requests_for(&format!("/{HUB}/resolve/main/config.json")).len(), 1);
}

#[test]
fn a_file_changed_upstream_between_runs_is_downloaded_whole_not_spliced() {
    let server = Server::start();
    serve_tiny(&server, HUB);
    let path = format!("/{HUB}/resolve/main/model.bin");
    server.cut(&path, 50_000, 3);
    let mut sb = Sandbox::new();
    // No checksum for model.bin: only If-Range can tell that the rest belongs to another file.
    write_catalogue(&mut sb, Some(("model.bin", "unknown")), "");
    sb.set("HF_ENDPOINT", &server.url());
    assert!(!sb.align(&["models", "pull", "opus-mt-ar-en"]).status.success());
    // The branch moves on: same size, other bytes.
    let changed: Vec<u8> = tiny_bytes("model.bin").iter().map(|b| b.wrapping_add(1)).collect();
    server.add(&path, changed.clone());
    let before = server.requests_for(&path).len();
    let out = sb.align(&["models", "pull", "opus-mt-ar-en"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let resumed = &server.requests_for(&path)[before];
    assert_eq!(resumed.range.as_deref(), Some("bytes=150000-"));
    assert!(resumed.if_range.is_some(), "the resume carries the part file's ETag");
    assert_eq!(fs::read(sb.models().join("opus-mt-ar-en/model.bin")).unwrap(), changed);
}

#[test]
fn partial_files_of_another_revision_are_not_resumed() {
    let server = Server::start();
    serve_tiny(&server, HUB);
    for f in FILES {
        server.add(&format!("/{HUB}/resolve/v2/{f}"), tiny_bytes(f));
    }
    server.cut(&format!("/{HUB}/resolve/main/model.bin"), 50_000, 3);
    let mut sb = Sandbox::new();
    write_catalogue(&mut sb, None, "");
    sb.set("HF_ENDPOINT", &server.url());
    assert!(!sb.align(&["models", "pull", "opus-mt-ar-en"]).status.success());
    let out = sb.align(&["models", "pull", "opus-mt-ar-en", "--revision", "v2"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v2 = server.requests_for(&format!("/{HUB}/resolve/v2/model.bin"));
    assert_eq!(v2.len(), 1);
    assert_eq!(v2[0].range, None, "main's partial model.bin is not continued from v2");
    let record = fs::read_to_string(sb.models().join("opus-mt-ar-en/.nazir-model.toml")).unwrap();
    assert!(record.contains("revision = \"v2\""), "{record}");
}

#[test]
fn a_checksum_mismatch_is_an_error_and_installs_nothing() {
    let server = Server::start();
    serve_tiny(&server, HUB);
    let mut sb = Sandbox::new();
    let wrong = "0".repeat(64);
    write_catalogue(&mut sb, Some(("model.bin", &wrong)), "");
    sb.set("HF_ENDPOINT", &server.url());
    let out = sb.align(&["models", "pull", "opus-mt-ar-en"]);
    assert!(!out.status.success());
    let err = error_line(&out);
    assert!(err.contains("SHA-256") && err.contains(&wrong) && err.contains("nothing was installed"), "{err}");
    assert!(err.contains(&format!("{}/{HUB}/resolve/main/model.bin", server.url())), "{err}");
    assert!(!sb.models().join("opus-mt-ar-en").exists());
    assert!(!sb.models().join(".partial/opus-mt-ar-en/content/model.bin.part").exists(), "the bad file is deleted");
}

#[test]
fn a_checksum_announced_by_the_hub_is_checked_when_the_catalogue_has_none() {
    let server = Server::start();
    serve_tiny(&server, "gaudi/opus-mt-ar-en-ctranslate2");
    // The built-in catalogue has no checksums for opus-mt-ar-en; the hub's X-Linked-Etag says
    // what model.bin should hash to (here: a wrong value, as from a corrupted transfer).
    let path = "/gaudi/opus-mt-ar-en-ctranslate2/resolve/main/model.bin";
    server.header(path, "X-Linked-Etag", &format!("\"{}\"", "a".repeat(64)));
    let mut sb = Sandbox::new();
    sb.set("HF_ENDPOINT", &server.url());
    let out = sb.align(&["models", "pull", "opus-mt-ar-en"]);
    assert!(!out.status.success());
    assert!(error_line(&out).contains(&"a".repeat(64)));
    assert!(!sb.models().join("opus-mt-ar-en").exists());
}

#[test]
fn a_404_is_an_error_naming_the_url() {
    let server = Server::start();
    serve_tiny(&server, HUB);
    let mut sb = Sandbox::new();
    write_catalogue(&mut sb, None, "");
    // A revision the server does not have.
    sb.set("HF_ENDPOINT", &server.url());
    let out = sb.align(&["models", "pull", "opus-mt-ar-en", "--revision", "v9"]);
    assert!(!out.status.success());
    let err = one_line_stderr(&out);
    assert!(err.contains(&format!("{}/{HUB}/resolve/v9/config.json answered 404", server.url())), "{err}");
    assert!(!sb.models().join("opus-mt-ar-en").exists());
    assert!(!sb.models().join(".partial").exists(), "no empty staging left behind");
}

fn argos_zip(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, data) in entries {
        w.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

const ARGOS_ENTRY: &str = "\n[[model]]\nname = \"argos-ar-en\"\nfamily = \"argos\"\nfrom = [\"ar\"]\nto = [\"en\"]\n\
    languages = \"Arabic → English\"\nurl = \"http://127.0.0.1:1/v1/translate-ar_en-1_0.argosmodel\"\narchive = \"zip\"\n\
    licence = \"MIT\"\ncommercial = true\nfiles = [{ path = \"translate-ar_en-1_0.argosmodel\", sha256 = \"unknown\" }]\n";

/// The tiny Argos fixture as a `.argosmodel`: every file under one top-level directory.
fn argos_fixture_zip() -> Vec<u8> {
    let root = root().join("tests/fixtures/models/argos-ar-en-tiny");
    let mut entries = Vec::new();
    for rel in
        ["metadata.json", "sentencepiece.model", "model/config.json", "model/model.bin", "model/shared_vocabulary.json"]
    {
        entries.push((format!("translate-ar_en-1_0/{rel}"), fs::read(root.join(rel)).unwrap()));
    }
    let refs: Vec<(&str, Vec<u8>)> = entries.iter().map(|(n, d)| (n.as_str(), d.clone())).collect();
    argos_zip(&refs)
}

#[test]
fn an_argos_package_is_fetched_from_the_mirror_unpacked_and_loads() {
    let server = Server::start();
    server.add("/argos/translate-ar_en-1_0.argosmodel", argos_fixture_zip());
    let mut sb = Sandbox::new();
    write_catalogue(&mut sb, None, ARGOS_ENTRY);
    // The catalogue's URL (port 1) is dead: only the mirror can serve it.
    let mirror = format!("{}/argos", server.url());
    let out = sb.align(&["models", "pull", "argos-ar-en", "--mirror", &mirror]);
    assert!(out.status.success(), "{}", stderr(&out));
    let dir = sb.models().join("argos-ar-en");
    assert!(dir.join("metadata.json").is_file(), "the package's top directory is stripped");
    let fixture = root().join("tests/fixtures/models/argos-ar-en-tiny");
    assert_eq!(fs::read(dir.join("model/model.bin")).unwrap(), fs::read(fixture.join("model/model.bin")).unwrap());
    let record = fs::read_to_string(dir.join(".nazir-model.toml")).unwrap();
    assert!(record.contains("translate-ar_en-1_0.argosmodel") && record.contains("checked = \"recorded\""), "{record}");
    assert!(record.contains("path = \"model/model.bin\""), "{record}");
    assert!(!sb.models().join(".partial").exists(), "the downloaded archive is not kept");

    let out = sb.align(&["models", "verify", "argos-ar-en"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}{}", stderr(&out));
    assert!(
        text.contains("model/model.bin: SHA-256 matches the download record") && text.contains("CTranslate2 loads it"),
        "{text}"
    );
    // And a run can use it by name.
    let out = run_sample(&sb, &["--model", "argos-ar-en"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_package_with_a_dot_dot_entry_is_rejected() {
    let server = Server::start();
    let pkg = argos_zip(&[("pkg/metadata.json", b"{}".to_vec()), ("../evil", b"pwned".to_vec())]);
    server.add("/argos/translate-ar_en-1_0.argosmodel", pkg);
    let mut sb = Sandbox::new();
    write_catalogue(&mut sb, None, ARGOS_ENTRY);
    let out = sb.align(&["models", "pull", "argos-ar-en", "--mirror", &format!("{}/argos", server.url())]);
    assert!(!out.status.success());
    let err = error_line(&out);
    assert!(err.contains("\"../evil\"") && err.contains("leaves the package"), "{err}");
    assert!(!sb.models().join("argos-ar-en").exists());
    let stray: Vec<_> = walk(sb.dir.path()).into_iter().filter(|p| p.ends_with("evil")).collect();
    assert!(stray.is_empty(), "{stray:?}");
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        }
        out.push(p);
    }
    out
}

fn run_sample(sb: &Sandbox, extra: &[&str]) -> Output {
    let out_dir = sb.path("out");
    fs::create_dir_all(&out_dir).unwrap();
    let input = sample();
    let mut args =
        vec![input.to_str().unwrap(), "--to", "en", "--out-dir", out_dir.to_str().unwrap(), "--max-output-tokens", "8"];
    args.extend_from_slice(extra);
    sb.align(&args)
}

#[test]
fn first_run_fetches_the_default_model_through_hf_endpoint_once() {
    // The built-in catalogue's default entry, served by the local "hub".
    let server = Server::start();
    serve_tiny(&server, "gaudi/opus-mt-ar-en-ctranslate2");
    let mut sb = Sandbox::new();
    sb.set("HF_ENDPOINT", &server.url());
    // As the README's command on a fresh clone: no --model, and an --out-dir not there yet.
    let fresh_out = sb.path("fresh/out");
    let input = sample();
    let args =
        [input.to_str().unwrap(), "--to", "en", "--out-dir", fresh_out.to_str().unwrap(), "--max-output-tokens", "8"];
    let out = sb.align(&args);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(fresh_out.join("bbc-russia-north-korea.ar-en.tmx").is_file());
    assert!(
        err.contains("downloading model opus-mt-ar-en")
            && err.contains("licence Apache-2.0")
            && err.contains("~157 MB"),
        "{err}"
    );
    assert_installed_like_fixture(&sb.models().join("opus-mt-ar-en"));

    // The second run uses the stored model: no request reaches the server.
    let served = server.requests().len();
    assert_eq!(served, FILES.len());
    let out = run_sample(&sb, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("downloading"));
    assert_eq!(server.requests().len(), served);

    // --model NAME finds the installed model too, even with the server gone.
    drop(server);
    let out = run_sample(&sb, &["--model", "opus-mt-ar-en"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

/// A port on 127.0.0.1 with nothing listening.
fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[test]
fn offline_first_run_fails_fast_with_one_line_saying_what_where_and_how_to_fix() {
    let mut sb = Sandbox::new();
    let endpoint = format!("http://127.0.0.1:{}", closed_port());
    sb.set("HF_ENDPOINT", &endpoint);
    let started = Instant::now();
    let out = run_sample(&sb, &[]);
    let took = started.elapsed();
    assert_eq!(out.status.code(), Some(1));
    let err = one_line_stderr(&out);
    assert!(took < Duration::from_secs(10), "took {took:?}");
    let models = sb.models().join("opus-mt-ar-en");
    for needle in [
        "the default model opus-mt-ar-en",
        "could not be downloaded",
        &format!("{endpoint}/gaudi/opus-mt-ar-en-ctranslate2/resolve/main/config.json"),
        &models.display().to_string(),
        "--model DIR",
        "align models pull opus-mt-ar-en --mirror URL",
    ] {
        assert!(err.contains(needle), "missing {needle:?} in: {err}");
    }
    assert!(files_in(&sb.path("out")).is_empty(), "no output files");
    assert!(!sb.models().join(".partial").exists());
}

#[test]
fn a_server_that_never_answers_times_out_with_a_clear_message() {
    let server = Server::start();
    server.stall();
    let mut sb = Sandbox::new();
    fs::write(sb.path("config.toml"), "read_timeout_secs = 1\nconnect_timeout_secs = 2\n").unwrap();
    sb.set("HF_ENDPOINT", &server.url());
    let started = Instant::now();
    let out = sb.align(&["models", "pull", "opus-mt-ar-en"]);
    assert!(!out.status.success());
    assert!(started.elapsed() < Duration::from_secs(10));
    let err = one_line_stderr(&out);
    assert!(err.contains("stopped answering for 1s") && err.contains(&server.url()), "{err}");
}

#[test]
fn offline_setting_fails_without_touching_the_network() {
    let server = Server::start();
    serve_tiny(&server, "gaudi/opus-mt-ar-en-ctranslate2");
    let mut sb = Sandbox::new();
    sb.set("HF_ENDPOINT", &server.url());
    sb.set("NAZIR_OFFLINE", "1");
    let out = run_sample(&sb, &[]);
    assert!(!out.status.success());
    assert!(one_line_stderr(&out).contains("downloads are turned off (NAZIR_OFFLINE)"));
    assert!(server.requests().is_empty());
}

#[test]
fn remove_deletes_only_installed_models_by_name() {
    let server = Server::start();
    serve_tiny(&server, HUB);
    let mut sb = Sandbox::new();
    write_catalogue(&mut sb, None, "");
    sb.set("HF_ENDPOINT", &server.url());
    assert!(sb.align(&["models", "pull", "opus-mt-ar-en", "--quiet"]).status.success());
    for bad in ["../models", "/tmp", ".partial", "argos-ar-en"] {
        let out = sb.align(&["models", "remove", bad]);
        assert!(!out.status.success(), "{bad}");
        assert!(one_line_stderr(&out).contains("nothing removed"));
    }
    let out = sb.align(&["models", "remove", "opus-mt-ar-en"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!sb.models().join("opus-mt-ar-en").exists());
}

#[test]
fn config_show_reports_the_config_file_and_where_values_come_from() {
    let mut sb = Sandbox::new();
    let store = sb.path("from-config");
    fs::write(
        sb.path("config.toml"),
        format!(
            "model = \"opus-mt-ar-en\"\nmodels_dir = \"{}\"\nmirror = \"http://mirror.test/hf\"\n",
            store.display()
        ),
    )
    .unwrap();
    sb.envs.retain(|(k, _)| k != "NAZIR_MODELS_DIR");
    let out = sb.align(&["config", "show"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(text.contains(&format!("{} (read)", sb.path("config.toml").display())), "{text}");
    assert!(text.contains("opus-mt-ar-en (config file)"), "{text}");
    assert!(text.contains(&format!("{} (config file)", store.display())), "{text}");
    assert!(text.contains("http://mirror.test/hf (config file (mirror))"), "{text}");

    let out = sb.align(&["config", "show", "--example"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("# model = \"opus-mt-ar-en\""));

    fs::write(sb.path("config.toml"), "modle = 1\n").unwrap();
    let out = sb.align(&["config", "show"]);
    assert!(!out.status.success());
    assert!(one_line_stderr(&out).contains("modle"));
}
