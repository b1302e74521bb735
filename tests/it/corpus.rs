//! Corpus mode through the binary with the tiny model: directories, lists, resume after kill -9,
//! shards through GNU parallel, merge (issue 9).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Instant;

use serde_json::Value;

use crate::common::*;

/// A fixed date for outputs, so runs can be compared byte for byte.
const EPOCH: &str = "1700000000";

/// Writes `n` small Arabic files under `dir` (in three subdirectories), each a few paragraphs
/// of the sample page plus a line of its own; one file in ten repeats another's text.
fn make_corpus(dir: &Path, n: usize) {
    let text = fs::read_to_string(sample()).unwrap();
    let paragraphs: Vec<&str> = text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()).collect();
    for i in 0..n {
        let sub = dir.join(["news", "blogs/2024", "misc"][i % 3]);
        fs::create_dir_all(&sub).unwrap();
        let k = if i % 10 == 9 { i - 1 } else { i };
        let mut body = format!("التقرير رقم {k} من السلسلة.\n\n");
        for j in 0..3 {
            body.push_str(paragraphs[(k * 3 + j) % paragraphs.len()]);
            body.push_str("\n\n");
        }
        fs::write(sub.join(format!("doc{i:03}.ar.txt")), body).unwrap();
    }
}

fn model_args() -> Vec<String> {
    ["--model", tiny_model().to_str().unwrap(), "--max-output-tokens", "8", "--beam", "1", "--no-cache", "-q"]
        .iter()
        .map(|s| s.to_string())
        .collect()
}

/// `align` with the fixed date and a test cache.
fn run_align(args: &[String], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_align"));
    cmd.args(args)
        .env_remove("NAZIR_MODEL")
        .env("NAZIR_CACHE_DIR", test_cache_dir())
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if stdin.is_some() {
        cmd.stdin(Stdio::piped());
    }
    let mut child = cmd.spawn().expect("the align binary runs");
    if let Some(text) = stdin {
        use std::io::Write;
        child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    }
    child.wait_with_output().unwrap()
}

fn corpus_run(input: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![input.display().to_string(), "--out-dir".into(), out.display().to_string()];
    args.extend(model_args());
    args.extend(extra.iter().map(|s| s.to_string()));
    run_align(&args, None)
}

/// Every file below `dir` (relative path → bytes), leaving out what differs between runs by
/// design: manifests (finishing order), reports and index pages (times).
fn outputs(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            if p.is_dir() {
                stack.push(p);
            } else if !name.starts_with("nazir-") && !name.starts_with("index.") {
                out.insert(p.strip_prefix(dir).unwrap().display().to_string(), fs::read(&p).unwrap());
            }
        }
    }
    out
}

fn report(out: &Path, name: &str) -> Value {
    serde_json::from_str(&fs::read_to_string(out.join(name)).unwrap()).unwrap()
}

#[test]
fn a_directory_is_mirrored_into_out_dir_and_a_rerun_skips_finished_files() {
    let tmp = tempfile::tempdir().unwrap();
    let (input, out) = (tmp.path().join("raw"), tmp.path().join("aligned"));
    make_corpus(&input, 9);
    fs::write(input.join("notes.md"), "not an input").unwrap();
    let first = corpus_run(&input, &out, &["--format", "tmx,tsv,html"]);
    assert!(first.status.success(), "{}", stderr(&first));
    assert_eq!(
        files_in(&out.join("blogs/2024")),
        [
            "doc001.ar-en.html",
            "doc001.ar-en.jsonl",
            "doc001.ar-en.tmx",
            "doc001.ar-en.tsv",
            "doc004.ar-en.html",
            "doc004.ar-en.jsonl",
            "doc004.ar-en.tmx",
            "doc004.ar-en.tsv",
            "doc007.ar-en.html",
            "doc007.ar-en.jsonl",
            "doc007.ar-en.tmx",
            "doc007.ar-en.tsv"
        ]
    );
    let tmx = fs::read_to_string(out.join("news/doc000.ar-en.tmx")).unwrap();
    assert!(tmx.contains("creationdate=\"20231114T221320Z\""), "SOURCE_DATE_EPOCH sets the date");
    assert_valid_tmx(&out.join("news/doc000.ar-en.tmx"));
    let manifest = fs::read_to_string(out.join("nazir-manifest.jsonl")).unwrap();
    assert_eq!(manifest.lines().count(), 9);
    let r = report(&out, "nazir-report.json");
    assert_eq!(r["files"]["done"], 9);
    assert_eq!(r["batching"], "equal-length", "reproducible batches unless asked otherwise");
    assert!(r["total"]["sentences"].as_u64().unwrap() > 9 * 4);
    let index = fs::read_to_string(out.join("index.html")).unwrap();
    assert!(index.contains("href=\"misc/doc002.ar-en.html\""), "the index links each review page");
    let before = outputs(&out);

    let again = corpus_run(&input, &out, &["--format", "tmx,tsv,html"]);
    assert!(again.status.success(), "{}", stderr(&again));
    let r = report(&out, "nazir-report.json");
    assert_eq!((r["files"]["resumed"].as_u64(), r["files"]["done"].as_u64()), (Some(9), Some(0)));
    assert_eq!(fs::read_to_string(out.join("nazir-manifest.jsonl")).unwrap(), manifest, "nothing appended");
    assert_eq!(outputs(&out), before);
}

#[test]
fn files_from_standard_input_and_globs_pick_files() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("raw");
    make_corpus(&input, 6);
    let list =
        format!("{}\n{}\n", input.join("news/doc000.ar.txt").display(), input.join("misc/doc002.ar.txt").display());
    let out = tmp.path().join("listed");
    let mut args = vec!["--files-from".to_string(), "-".into(), "--out-dir".into(), out.display().to_string()];
    args.extend(model_args());
    let listed = run_align(&args, Some(&list));
    assert!(listed.status.success(), "{}", stderr(&listed));
    // Absolute paths keep their components below --out-dir, never above it.
    let rel = input.strip_prefix("/").unwrap();
    assert!(out.join(rel).join("news/doc000.ar-en.jsonl").is_file());
    assert!(out.join(rel).join("misc/doc002.ar-en.jsonl").is_file());
    assert_eq!(report(&out, "nazir-report.json")["files"]["total"], 2);

    let globbed = tmp.path().join("globbed");
    let pattern = format!("{}/**/doc00[0-3].ar.txt", input.display());
    let out = corpus_run(Path::new(&pattern), &globbed, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(report(&globbed, "nazir-report.json")["files"]["total"], 4);
    assert!(globbed.join("blogs/2024/doc001.ar-en.jsonl").is_file());
}

#[test]
fn usage_errors_are_one_line_and_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("raw");
    make_corpus(&input, 2);
    let input_arg = input.display().to_string();
    for (args, wanted) in [
        (vec![input_arg.clone()], "--out-dir"),
        (
            vec![input_arg.clone(), "--out-dir".into(), "o".into(), "--shard".into(), "5/4".into()],
            "shards are numbered",
        ),
        (vec![input_arg.clone(), "--out-dir".into(), "o".into(), "--glob".into(), "*.none".into()], "nothing matched"),
    ] {
        let mut all = args.clone();
        all.extend(model_args());
        let out = run_align(&all, None);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(wanted), "{err}");
    }
}

#[test]
fn a_bad_file_is_reported_and_the_others_are_written() {
    let tmp = tempfile::tempdir().unwrap();
    let (input, out) = (tmp.path().join("raw"), tmp.path().join("out"));
    make_corpus(&input, 3);
    fs::write(input.join("broken.txt"), b"\xd8\xa7\xff\xfe not utf-8").unwrap();
    let run = corpus_run(&input, &out, &[]);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    let err = stderr(&run);
    assert!(err.contains("broken.txt") && err.contains("1 of 4 files failed"), "{err}");
    let r = report(&out, "nazir-report.json");
    assert_eq!((r["files"]["done"].as_u64(), r["files"]["failed"].as_u64()), (Some(3), Some(1)));
    assert!(!out.join("broken.ar-en.jsonl").exists());
}

/// Issue 9: four shard processes through GNU parallel, merged, give exactly what one process
/// and the same merge give; the shards are disjoint and cover every file.
#[test]
fn issue_9_four_shards_through_gnu_parallel_merge_to_the_single_run() {
    if Command::new("parallel").arg("--version").output().is_err() {
        reader_missing("GNU parallel (Debian package parallel)");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("raw");
    make_corpus(&input, 24);
    let single = tmp.path().join("single");
    let one = corpus_run(&input, &single, &[]);
    assert!(one.status.success(), "{}", stderr(&one));

    let shards = tmp.path().join("shards");
    let mut cmd = Command::new("parallel");
    cmd.args(["--halt", "now,fail=1", "-j4", env!("CARGO_BIN_EXE_align"), input.to_str().unwrap(), "--out-dir"])
        .arg(format!("{}/{{}}", shards.display()))
        .args(["--shard", "{}/4"])
        .args(model_args())
        .args([":::", "1", "2", "3", "4"])
        .env("NAZIR_CACHE_DIR", test_cache_dir())
        .env("SOURCE_DATE_EPOCH", EPOCH);
    let par = cmd.output().unwrap();
    assert!(par.status.success(), "{}", stderr(&par));
    let mut union = BTreeMap::new();
    for k in 1..=4 {
        let dir = shards.join(k.to_string());
        let files = outputs(&dir);
        assert!(!files.is_empty(), "shard {k} got no files (24 files over 4 shards)");
        for (name, bytes) in files {
            assert!(union.insert(name.clone(), bytes).is_none(), "{name} is in two shards");
        }
    }
    assert_eq!(union, outputs(&single), "the shards' files are the single run's files");

    let merge = |dirs: Vec<PathBuf>, out: &Path| {
        let mut args: Vec<String> = vec!["corpus".into(), "merge".into()];
        args.extend(dirs.iter().map(|d| d.display().to_string()));
        args.extend(
            ["--format", "moses,tmx,jsonl", "--min-score", "0", "-o", out.to_str().unwrap(), "-q"].map(String::from),
        );
        let m = run_align(&args, None);
        assert!(m.status.success(), "{}", stderr(&m));
    };
    let (merged_one, merged_four) = (tmp.path().join("m1"), tmp.path().join("m4"));
    merge(vec![single], &merged_one);
    merge((1..=4).map(|k| shards.join(k.to_string())).collect(), &merged_four);
    let (a, b) = (outputs(&merged_one), outputs(&merged_four));
    let names: Vec<&String> = a.keys().collect();
    assert_eq!(
        names,
        [
            "corpus.ar-en.ar",
            "corpus.ar-en.en",
            "corpus.ar-en.jsonl",
            "corpus.ar-en.merge.json",
            "corpus.ar-en.rejected.tsv",
            "corpus.ar-en.tmx"
        ]
    );
    for name in names.iter().filter(|n| !n.ends_with(".merge.json")) {
        assert_eq!(a[*name], b[*name], "{name} differs between the single run and the shards");
    }
    // Nothing disappears: kept + rejected = every pair; duplicates of repeated files are rejected.
    let m: Value = serde_json::from_slice(&a["corpus.ar-en.merge.json"]).unwrap();
    let kept = String::from_utf8(a["corpus.ar-en.ar"].clone()).unwrap().lines().count() as u64;
    let rejected = String::from_utf8(a["corpus.ar-en.rejected.tsv"].clone()).unwrap().lines().count() as u64 - 1;
    assert_eq!(m["kept"].as_u64(), Some(kept));
    assert_eq!(m["pairs"].as_u64(), Some(kept + rejected));
    assert!(m["rejected"]["duplicate"].as_u64().unwrap() > 0, "{m}");
}

/// Issue 9, reduced (scripts/corpus-kill-test runs 200 files, 10 times): kill -9 at random
/// moments, rerun, and the outputs are byte-identical to an uninterrupted run; after every kill
/// each output under its final name is already complete.
#[test]
fn issue_9_kill_9_at_random_moments_then_rerun_gives_identical_outputs() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("raw");
    make_corpus(&input, 40);
    let reference = tmp.path().join("reference");
    let started = Instant::now();
    let r = corpus_run(&input, &reference, &[]);
    assert!(r.status.success(), "{}", stderr(&r));
    let full = started.elapsed();
    let want = outputs(&reference);

    let out = tmp.path().join("killed");
    let mut seed = std::process::id() as u64 ^ 0x9e37_79b9_7f4a_7c15;
    let mut kills = 0;
    for _ in 0..3 {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let at = full.mul_f64((seed >> 11) as f64 / (1u64 << 53) as f64);
        let mut args = vec![input.display().to_string(), "--out-dir".into(), out.display().to_string()];
        args.extend(model_args());
        let mut child = Command::new(env!("CARGO_BIN_EXE_align"))
            .args(&args)
            .env("NAZIR_CACHE_DIR", test_cache_dir())
            .env("SOURCE_DATE_EPOCH", EPOCH)
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(at);
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL
            kills += 1;
        }
        child.wait().unwrap();
        if out.exists() {
            for (name, bytes) in outputs(&out) {
                if !name.rsplit('/').next().unwrap().starts_with('.') {
                    assert_eq!(Some(&bytes), want.get(&name), "{name} is incomplete after kill -9 at {at:?}");
                }
            }
        }
    }
    eprintln!("killed {kills} of 3 runs (uninterrupted run: {full:?})");
    let last = corpus_run(&input, &out, &[]);
    assert!(last.status.success(), "{}", stderr(&last));
    let got = outputs(&out);
    let temporaries: Vec<&String> = got.keys().filter(|k| k.rsplit('/').next().unwrap().starts_with('.')).collect();
    assert!(temporaries.is_empty(), "left-over temporaries: {temporaries:?}");
    assert_eq!(got.keys().collect::<Vec<_>>(), want.keys().collect::<Vec<_>>());
    assert!(got == want, "outputs differ from the uninterrupted run");
}

/// Corpus mode's engine batches hold sentences of one token length only, so a sentence's
/// translation is the same whatever it is batched with: alone, or among a corpus's others.
#[test]
fn uniform_batches_hold_one_length_and_translate_a_sentence_the_same_in_any_company() {
    use nazir::translate::{Ct2Translator, EngineOptions, ModelDir, Translator};
    use std::sync::Mutex;
    let options = EngineOptions { beam: 2, max_output_tokens: 12, uniform_batches: true, ..EngineOptions::default() };
    let model = ModelDir::detect(&tiny_model()).unwrap();
    let t = Ct2Translator::load(model, "ar", "en", options).unwrap();
    let text = fs::read_to_string(sample()).unwrap();
    let sentences: Vec<&str> = text.split(['.', '\n']).map(str::trim).filter(|s| s.len() > 3).collect();
    let pieces: Vec<Vec<String>> = sentences.iter().map(|s| t.tokenize(s).unwrap()).collect();
    let done = Mutex::new(Vec::new());
    t.translate_tokens(&pieces, &|n| done.lock().unwrap().push(n)).unwrap();
    // Each batch (the progress steps) holds inputs of a single length.
    let mut lengths: Vec<usize> = pieces.iter().map(Vec::len).collect();
    lengths.sort();
    let steps = done.into_inner().unwrap();
    let mut start = 0;
    for &end in &steps {
        assert!(lengths[start..end].iter().all(|&l| l == lengths[start]), "batch {start}..{end} mixes lengths");
        start = end;
    }
    assert_eq!(start, pieces.len());
    assert!(steps.len() < pieces.len(), "equal lengths share batches");
    let together = t.translate(&sentences, &|_| {}).unwrap();
    for (k, s) in sentences.iter().enumerate().step_by(5) {
        assert_eq!(t.translate(&[s], &|_| {}).unwrap()[0], together[k], "{s}");
    }
}

#[test]
fn padded_batches_are_opt_in_and_align_the_same_sentences() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("raw");
    make_corpus(&input, 6);
    let (equal, padded) = (tmp.path().join("equal"), tmp.path().join("padded"));
    let a = corpus_run(&input, &equal, &["--format", "jsonl"]);
    let b = corpus_run(&input, &padded, &["--format", "jsonl", "--padded-batches"]);
    assert!(a.status.success() && b.status.success(), "{} {}", stderr(&a), stderr(&b));
    assert_eq!(report(&padded, "nazir-report.json")["batching"], "padded");
    // Translations may differ in the last digits; the pairs, their sources and order may not.
    let sources = |dir: &Path| -> Vec<String> {
        outputs(dir)
            .values()
            .flat_map(|bytes| String::from_utf8(bytes.clone()).unwrap().lines().map(str::to_string).collect::<Vec<_>>())
            .map(|line| serde_json::from_str::<Value>(&line).unwrap()["src"].to_string())
            .collect()
    };
    let (x, y) = (sources(&equal), sources(&padded));
    assert!(x.len() > 6 * 4);
    assert_eq!(x, y);
}
