//! The bad-input suite (issue 10): every input, model, output and interruption a user can throw
//! at `align`, each with the exit code, the first line of stderr and the files that must (not)
//! exist afterwards. The same table is in docs/robustness.md; `robustness_doc_matches_the_suite`
//! fails when they differ (`NAZIR_BLESS=1 cargo test robustness_doc` rewrites the doc's table).

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::common::*;

/// How a case is run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Run {
    /// Run to the end.
    Plain,
    /// As a user without privileges: root ignores file permissions, so read-only and unreadable
    /// cases run as `nobody` when the tests run as root.
    Unprivileged,
    /// Read one line of standard output, then close it (`align … -o - | head -1`).
    HeadOne,
    /// SIGINT once a temporary output file exists (Ctrl-C during translation).
    CtrlC,
    /// Standard input stays open after 3,000 sentences; once the program waits for more, SIGINT
    /// twice: the first cannot stop a blocked read, the second stops at once.
    CtrlCTwice,
}

struct Case {
    /// What is wrong (or unusual).
    name: &'static str,
    /// Writes the input (`in.txt`) and whatever else the case needs into the case's directory.
    setup: fn(&Path),
    /// Arguments; `{in}` is `DIR/in.txt`, `{dir}` the case's directory, `{model}` the tiny test
    /// model, and `…` the usual flags (`COMMON`).
    args: &'static [&'static str],
    run: Run,
    code: i32,
    /// The first line of stderr starts with this (`{dir}` replaced); "" means stderr is empty.
    stderr: &'static str,
    /// Files (under the case's directory) that must exist afterwards, and that must not.
    exists: &'static [&'static str],
    absent: &'static [&'static str],
    /// Peak resident memory allowed (VmHWM, followed in /proc while it runs).
    max_rss_mb: Option<u64>,
}

/// The flags `…` stands for: the tiny model, TSV (beside the input), no cache, short outputs.
const COMMON: &[&str] = &["--model", "{model}", "-f", "tsv", "--no-cache", "", "--max-output-tokens", "8"];

const TSV: &[&str] = &["in.ar-en.tsv"];
const NONE: &[&str] = &[];

const fn case(
    name: &'static str,
    setup: fn(&Path),
    args: &'static [&'static str],
    code: i32,
    stderr: &'static str,
) -> Case {
    let (exists, absent) = if code == 0 { (TSV, NONE) } else { (NONE, TSV) };
    Case { name, setup, args, run: Run::Plain, code, stderr, exists, absent, max_rss_mb: None }
}

fn input(d: &Path, bytes: &[u8]) {
    fs::write(d.join("in.txt"), bytes).unwrap();
}

fn utf16(text: &str, le: bool, bom: bool) -> Vec<u8> {
    let mut out = if bom {
        if le {
            vec![0xFF, 0xFE]
        } else {
            vec![0xFE, 0xFF]
        }
    } else {
        vec![]
    };
    for u in text.encode_utf16() {
        out.extend(if le { u.to_le_bytes() } else { u.to_be_bytes() });
    }
    out
}

fn legacy(text: &str, label: &str) -> Vec<u8> {
    let (bytes, _, lossy) = encoding_rs::Encoding::for_label(label.as_bytes()).unwrap().encode(text);
    assert!(!lossy);
    bytes.into_owned()
}

const TWO: &str = "قال الرئيس إن الاجتماع كان مثمرا. وأضاف أن المحادثات ستستمر غدا.\n";

/// A copy of the tiny model in DIR/m, for cases that damage it.
fn model_copy(d: &Path) -> PathBuf {
    let m = d.join("m");
    fs::create_dir(&m).unwrap();
    for f in ["model.bin", "config.json", "shared_vocabulary.json", "source.spm", "target.spm"] {
        fs::copy(tiny_model().join(f), m.join(f)).unwrap();
    }
    input(d, TWO.as_bytes());
    m
}

/// Rewrites the tiny model's model.bin in DIR/m with `change`.
fn edit_model_bin(d: &Path, change: fn(&mut Vec<u8>)) {
    let path = model_copy(d).join("model.bin");
    let mut bytes = fs::read(&path).unwrap();
    change(&mut bytes);
    fs::write(path, bytes).unwrap();
}

/// A long paragraph of words with no punctuation at all.
fn words(bytes: usize) -> Vec<u8> {
    let unit = "كلمة عربية بلا ترقيم ";
    unit.repeat(bytes / unit.len() + 1).into_bytes()
}

fn sentences(n: usize) -> String {
    (0..n).map(|i| format!("هذه الجملة رقم {i} في النص.")).collect::<Vec<_>>().join(" ")
}

const CASES: &[Case] = &[
    // Encodings.
    case("UTF-8 without BOM", |d| input(d, TWO.as_bytes()), &["{in}", "…"], 0, "align: 2 sentences in 1 paragraphs"),
    case(
        "UTF-8 with BOM",
        |d| input(d, &[b"\xEF\xBB\xBF", TWO.as_bytes()].concat()),
        &["{in}", "…"],
        0,
        "align: 2 sentences in 1 paragraphs",
    ),
    case("UTF-16 LE with BOM", |d| input(d, &utf16(TWO, true, true)), &["{in}", "…"], 0, "align: 2 sentences in 1 paragraphs"),
    case("UTF-16 BE with BOM", |d| input(d, &utf16(TWO, false, true)), &["{in}", "…"], 0, "align: 2 sentences in 1 paragraphs"),
    case(
        "UTF-16 LE without BOM, with --encoding utf-16le",
        |d| input(d, &utf16(TWO, true, false)),
        &["{in}", "--encoding", "utf-16le", "…"],
        0,
        "align: 2 sentences in 1 paragraphs",
    ),
    case(
        "UTF-16 LE without BOM, no --encoding",
        |d| input(d, &utf16(TWO, true, false)),
        &["{in}", "…"],
        1,
        "align: cannot read {dir}/in.txt: looks like UTF-16LE without a byte-order mark; use --encoding utf-16le",
    ),
    case(
        "Windows-1256 with --encoding windows-1256",
        |d| input(d, &legacy(TWO, "windows-1256")),
        &["{in}", "--encoding", "windows-1256", "…"],
        0,
        "align: 2 sentences in 1 paragraphs",
    ),
    case(
        "ISO-8859-6 with --encoding iso-8859-6",
        |d| input(d, &legacy(TWO, "iso-8859-6")),
        &["{in}", "--encoding", "iso-8859-6", "…"],
        0,
        "align: 2 sentences in 1 paragraphs",
    ),
    case(
        "Windows-1256 without --encoding",
        |d| input(d, &legacy(TWO, "windows-1256")),
        &["{in}", "…"],
        1,
        "align: cannot read {dir}/in.txt: invalid UTF-8 at byte 0 (line 1); if the file is in a legacy Arabic code page, try --encoding windows-1256 or --encoding iso-8859-6",
    ),
    case(
        "invalid UTF-8 after valid lines",
        |d| input(d, b"\xd8\xa7\xd9\x84 ok\n\xff\xfe\xfa"),
        &["{in}", "…"],
        1,
        "align: cannot read {dir}/in.txt: invalid UTF-8 at byte 8 (line 2)",
    ),
    case(
        "UTF-8 read with --encoding windows-1256",
        |d| input(d, TWO.as_bytes()),
        &["{in}", "--encoding", "windows-1256", "…"],
        1,
        "align: cannot read {dir}/in.txt: it is UTF-8 (byte 0 starts a UTF-8 sequence), but --encoding windows-1256 was given and would garble it; drop --encoding",
    ),
    case(
        "UTF-8 BOM with --encoding iso-8859-6",
        |d| input(d, &[b"\xEF\xBB\xBF", TWO.as_bytes()].concat()),
        &["{in}", "--encoding", "iso-8859-6", "…"],
        1,
        "align: cannot read {dir}/in.txt: it starts with a UTF-8 byte-order mark, but --encoding ISO-8859-6 was given; drop --encoding",
    ),
    case(
        "unknown --encoding",
        |d| input(d, TWO.as_bytes()),
        &["{in}", "--encoding", "klingon", "…"],
        2,
        "align: unknown encoding \"klingon\"; use utf-8, utf-16le, utf-16be, windows-1256 or iso-8859-6",
    ),
    // Line ends and odd text.
    case(
        "CRLF line ends",
        |d| input(d, TWO.replace('\n', "\r\n\r\nثم انتهى.\r\n").as_bytes()),
        &["{in}", "…"],
        0,
        "align: 3 sentences in 2 paragraphs",
    ),
    case(
        "CR line ends (old Mac)",
        |d| input(d, TWO.replace('\n', "\r\rثم انتهى.\r").as_bytes()),
        &["{in}", "…"],
        0,
        "align: 3 sentences in 2 paragraphs",
    ),
    case(
        "form feeds (page breaks)",
        |d| input(d, format!("{TWO}\u{c}\nصفحة ثانية.\u{c}نص بعد الفاصل.\n").as_bytes()),
        &["{in}", "…"],
        0,
        "align: 4 sentences in 2 paragraphs",
    ),
    case(
        "NUL byte (binary file)",
        |d| input(d, b"abc\0\x01\x02"),
        &["{in}", "…"],
        1,
        "align: cannot read {dir}/in.txt: looks like a binary file (NUL byte at byte 3)",
    ),
    case(
        "empty file",
        |d| input(d, b""),
        &["{in}", "…"],
        1,
        "align: {dir}/in.txt: no text to align (the input is empty or only whitespace)",
    ),
    case(
        "only whitespace (spaces, tabs, NBSP, RLM, blank lines)",
        |d| input(d, " \n\n\t\u{a0}\n\u{200f}\n".as_bytes()),
        &["{in}", "…"],
        1,
        "align: {dir}/in.txt: no text to align (the input is empty or only whitespace)",
    ),
    case(
        "only punctuation",
        |d| input(d, "... !!! ؟؟ ،، «» —\n".as_bytes()),
        &["{in}", "…"],
        0,
        "align: 3 sentences in 1 paragraphs",
    ),
    case(
        "mixed Arabic, Latin and emoji",
        |d| input(d, "قال Obama إن 😀 الأمر 👩‍👩‍👧 جيد. Then he left 🚀.\n".as_bytes()),
        &["{in}", "…"],
        0,
        "align: 2 sentences in 1 paragraphs",
    ),
    case(
        "right-to-left and left-to-right overrides",
        |d| input(d, "\u{202E}نص معكوس\u{202C}. \u{202D}LTR override\u{202C} هنا.\n".as_bytes()),
        &["{in}", "…"],
        0,
        "align: 2 sentences in 1 paragraphs",
    ),
    case(
        "5,000 diacritics on one letter",
        |d| input(d, format!("ب{} نص.\n", "\u{651}".repeat(5000)).as_bytes()),
        &["{in}", "…"],
        0,
        "align: 1 sentences in 1 paragraphs",
    ),
    Case {
        max_rss_mb: Some(400),
        ..case(
            "a 400 KB sentence (no punctuation): split for the model",
            |d| input(d, &words(400_000)),
            &["{in}", "…"],
            0,
            "align: 1 sentences in 1 paragraphs, 1 flagged",
        )
    },
    Case {
        max_rss_mb: Some(64),
        exists: NONE,
        ..case(
            "a single 100 MB line, no newline (align segment)",
            |d| input(d, &words(100_000_000)),
            &["segment", "{in}"],
            0,
            "",
        )
    },
    case("input file missing", |_| {}, &["{dir}/nope.txt", "…"], 1, "align: cannot read {dir}/nope.txt: No such file or directory"),
    // A directory is corpus mode (issue 9); one without text files is a usage error.
    case(
        "input is a directory without text files",
        |d| fs::create_dir(d.join("in")).unwrap(),
        &["{dir}/in", "…", "--out-dir", "{dir}/out"],
        2,
        "align: no input files: nothing matched {dir}/in",
    ),
    // Models.
    case(
        "model directory missing",
        |d| input(d, TWO.as_bytes()),
        &["{in}", "--model", "{dir}/no-model", "…"],
        1,
        "align: model directory {dir}/no-model does not exist",
    ),
    Case {
        run: Run::Unprivileged,
        ..case(
            "model directory unreadable",
            |d| {
                let m = model_copy(d);
                set_mode(&m, 0o000);
            },
            &["{in}", "--model", "{dir}/m", "…"],
            1,
            "align: cannot read {dir}/m: Permission denied",
        )
    },
    case(
        "not a CTranslate2 model (no model.bin)",
        |d| {
            fs::create_dir(d.join("m")).unwrap();
            input(d, TWO.as_bytes());
        },
        &["{in}", "--model", "{dir}/m", "…"],
        1,
        "align: {dir}/m is not a CTranslate2 model: it has no model.bin",
    ),
    case(
        "wrong kind of model (Whisper)",
        |d| edit_model_bin(d, |b| set_spec(b, "WhisperSpec")),
        &["{in}", "--model", "{dir}/m", "…"],
        1,
        "align: {dir}/m is not a translation model: its model.bin holds a speech recognition model (Whisper), WhisperSpec",
    ),
    case(
        "wrong kind of model (decoder-only language model)",
        |d| edit_model_bin(d, |b| set_spec(b, "TransformerDecoderSpec")),
        &["{in}", "--model", "{dir}/m", "…"],
        1,
        "align: {dir}/m is not a translation model: its model.bin holds a text generator",
    ),
    case(
        "truncated model.bin (half a download)",
        |d| edit_model_bin(d, |b| b.truncate(b.len() / 2)),
        &["{in}", "--model", "{dir}/m", "…"],
        1,
        "align: model.bin in {dir}/m is damaged: it is truncated: the data of variable ",
    ),
    case(
        "empty model.bin",
        |d| edit_model_bin(d, Vec::clear),
        &["{in}", "--model", "{dir}/m", "…"],
        1,
        "align: model.bin in {dir}/m is damaged: it is truncated: the binary version at byte 0",
    ),
    case(
        "corrupted model.bin (a shape changed)",
        |d| edit_model_bin(d, |b| grow_first_dimension(b, "decoder/embeddings/weight")),
        &["{in}", "--model", "{dir}/m", "…"],
        1,
        "align: model.bin in {dir}/m is damaged: variable 'decoder/embeddings/weight' of shape [690, 32] (float32) should hold 88320 bytes but says 88192",
    ),
    case(
        "model.bin from a newer CTranslate2",
        |d| edit_model_bin(d, |b| b[0] = 7),
        &["{in}", "--model", "{dir}/m", "…"],
        1,
        "align: cannot load model {dir}/m: it was written by a newer CTranslate2 (binary version 7; this build reads up to 6)",
    ),
    case(
        "vocabulary from another model (shorter than the weights)",
        |d| {
            let m = model_copy(d);
            let vocab: Vec<String> = serde_json::from_slice(&fs::read(m.join("shared_vocabulary.json")).unwrap()).unwrap();
            fs::write(m.join("shared_vocabulary.json"), serde_json::to_vec(&vocab[..300]).unwrap()).unwrap();
        },
        &["{in}", "--model", "{dir}/m", "…"],
        1,
        "align: the files of model {dir}/m do not belong together (copied from two models?): the target vocabulary has 300 tokens but decoder/projection/weight in model.bin has 689 rows",
    ),
    case(
        "tokenizer from another model (pieces missing from the vocabulary)",
        |d| {
            let m = model_copy(d);
            let mut vocab: Vec<String> = (0..688).map(|i| format!("t{i}")).collect();
            vocab.push("<unk>".into());
            fs::write(m.join("shared_vocabulary.json"), serde_json::to_vec(&vocab).unwrap()).unwrap();
        },
        &["{in}", "--model", "{dir}/m", "…"],
        1,
        "align: the files of model {dir}/m do not belong together (copied from two models?): 397 of the 397 pieces of source.spm are not in the model's vocabulary",
    ),
    case(
        "model without target.spm",
        |d| fs::remove_file(model_copy(d).join("target.spm")).unwrap(),
        &["{in}", "--model", "{dir}/m", "…"],
        1,
        "align: model directory {dir}/m has no target.spm",
    ),
    case(
        "broken config.json",
        |d| fs::write(model_copy(d).join("config.json"), "{\"add_source_bos\": tru").unwrap(),
        &["{in}", "--model", "{dir}/m", "…"],
        1,
        "align: cannot read {dir}/m/config.json: ",
    ),
    // Outputs.
    case(
        "output directory missing",
        |d| input(d, TWO.as_bytes()),
        &["{in}", "…", "-o", "{dir}/no/such/dir/x.tsv"],
        1,
        "align: cannot write to {dir}/no/such/dir: the directory does not exist",
    ),
    Case {
        run: Run::Unprivileged,
        absent: &["ro/x.tsv"],
        ..case(
            "output directory read-only",
            |d| {
                input(d, TWO.as_bytes());
                fs::create_dir(d.join("ro")).unwrap();
                set_mode(&d.join("ro"), 0o555);
            },
            &["{in}", "…", "-o", "{dir}/ro/x.tsv"],
            1,
            "align: cannot write {dir}/ro/x.tsv: Permission denied",
        )
    },
    case(
        "output path is a directory",
        |d| {
            input(d, TWO.as_bytes());
            fs::create_dir(d.join("x.tsv")).unwrap();
        },
        &["{in}", "…", "-o", "{dir}/x.tsv"],
        1,
        "align: cannot write {dir}/x.tsv: it is a directory",
    ),
    case(
        "disk full (/dev/full)",
        |d| input(d, TWO.as_bytes()),
        &["{in}", "…", "-o", "/dev/full"],
        1,
        "align: cannot write /dev/full: No space left on device",
    ),
    Case {
        exists: TSV,
        absent: NONE,
        ..case(
            "bad input, earlier output exists: the old output is kept",
            |d| {
                input(d, b"abc\0");
                fs::write(d.join("in.ar-en.tsv"), "earlier work\n").unwrap();
            },
            &["{in}", "…"],
            1,
            "align: cannot read {dir}/in.txt: looks like a binary file",
        )
    },
    Case {
        run: Run::HeadOne,
        exists: NONE,
        ..case(
            "standard output closed early (| head -1)",
            |d| input(d, sentences(6000).as_bytes()),
            &["{in}", "…", "-o", "-"],
            0,
            "",
        )
    },
    // Interruptions.
    Case {
        run: Run::CtrlC,
        ..case(
            "Ctrl-C during translation",
            |d| input(d, sentences(30_000).as_bytes()),
            &["{in}", "…"],
            130,
            "align: interrupted",
        )
    },
    Case {
        run: Run::CtrlCTwice,
        ..case(
            "second Ctrl-C while waiting for input",
            |_| {},
            &["-", "…", "--out-dir", "{dir}"],
            130,
            "align: interrupted (second Ctrl-C: stopped at once)",
        )
    },
];

/// Replaces the spec name in a model.bin (binary version ≥ 2).
fn set_spec(bytes: &mut Vec<u8>, spec: &str) {
    let old = u16::from_le_bytes([bytes[4], bytes[5]]) as usize;
    let mut new = bytes[..4].to_vec();
    new.extend_from_slice(&(spec.len() as u16 + 1).to_le_bytes());
    new.extend_from_slice(spec.as_bytes());
    new.push(0);
    new.extend_from_slice(&bytes[6 + old..]);
    *bytes = new;
}

/// Adds one to the first dimension of a variable, leaving its byte count: a damaged header.
fn grow_first_dimension(bytes: &mut [u8], name: &str) {
    let bin = nazir::translate::model_bin::parse_bytes(bytes).unwrap();
    let v = bin.variables.iter().find(|v| v.name == name).unwrap();
    // Before the data: the dimensions (4 bytes each), the dtype (1) and the size (4).
    let at = v.offset as usize - 4 - 1 - 4 * v.shape.len();
    let dim = u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()) + 1;
    bytes[at..at + 4].copy_from_slice(&dim.to_le_bytes());
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

fn expand(arg: &str, dir: &Path) -> String {
    arg.replace("{in}", &dir.join("in.txt").display().to_string())
        .replace("{dir}", &dir.display().to_string())
        .replace("{model}", &tiny_model().display().to_string())
}

fn command(case: &Case, dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_align"));
    for arg in case.args {
        if *arg == "…" {
            // The usual flags, less those the case gives itself.
            for pair in COMMON.chunks(2) {
                if !case.args.contains(&pair[0]) {
                    cmd.args(pair.iter().filter(|a| !a.is_empty()).map(|a| expand(a, dir)));
                }
            }
        } else {
            cmd.arg(expand(arg, dir));
        }
    }
    cmd.env_remove("NAZIR_MODEL").env("NAZIR_CACHE_DIR", dir.join("cache"));
    if case.run == Run::Unprivileged && is_root() {
        use std::os::unix::process::CommandExt;
        set_mode(dir, 0o755);
        cmd.uid(65534).gid(65534);
    }
    cmd
}

/// What a run gave.
struct Outcome {
    code: Option<i32>,
    stderr: String,
    /// Peak resident memory of the program (VmHWM), 0 where /proc is missing.
    max_rss_kb: u64,
}

/// Waits for `child`, following its peak memory in /proc meanwhile. (wait4's ru_maxrss would
/// count the test process too: the child is forked from it before it runs `align`.)
fn wait_measured(mut child: Child) -> Outcome {
    let mut err = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        s
    });
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    let status = loop {
        if let Ok(Some(status)) = child.try_wait() {
            break status;
        }
        let hwm = fs::read_to_string(&status_file).ok().and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("VmHWM:"))?.to_string();
            line.split_whitespace().nth(1)?.parse::<u64>().ok()
        });
        peak = peak.max(hwm.unwrap_or(0));
        std::thread::sleep(Duration::from_millis(2));
    };
    Outcome { code: status.code(), stderr: reader.join().unwrap(), max_rss_kb: peak }
}

fn wait_for(what: &str, limit: Duration, mut ready: impl FnMut() -> bool) {
    let started = Instant::now();
    while !ready() {
        assert!(started.elapsed() < limit, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn has_temporary(dir: &Path) -> bool {
    files_in(dir).iter().any(|f| f.ends_with(".tmp"))
}

fn sigint(child: &Child) {
    // SAFETY: kill has no memory preconditions; the pid is our live child's.
    assert_eq!(unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) }, 0);
}

/// Is the process blocked reading its standard input? (The read syscall on fd 0.)
fn reading_stdin(pid: u32) -> bool {
    let read = if cfg!(target_arch = "x86_64") { "0 " } else { "63 " };
    fs::read_to_string(format!("/proc/{pid}/syscall"))
        .is_ok_and(|s| s.starts_with(read) && s[read.len()..].starts_with("0x0 "))
}

fn run_case(case: &Case) -> Outcome {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    (case.setup)(d);
    let mut cmd = command(case, d);
    cmd.stderr(Stdio::piped()).stdout(Stdio::null()).stdin(Stdio::null());
    let outcome = match case.run {
        Run::Plain | Run::Unprivileged => wait_measured(cmd.spawn().unwrap()),
        Run::HeadOne => {
            let mut child = cmd.stdout(Stdio::piped()).spawn().unwrap();
            let mut first = String::new();
            BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
            assert!(first.starts_with("ar\ten"), "{}: first line {first:?}", case.name);
            wait_measured(child) // the pipe was closed when the reader was dropped
        }
        Run::CtrlC => {
            let child = cmd.spawn().unwrap();
            wait_for("a temporary output", Duration::from_secs(60), || has_temporary(d));
            sigint(&child);
            wait_measured(child)
        }
        Run::CtrlCTwice => {
            let mut child = cmd.stdin(Stdio::piped()).spawn().unwrap();
            let mut stdin = child.stdin.take().unwrap();
            stdin.write_all(sentences(3000).as_bytes()).unwrap();
            stdin.write_all(b"\n\n").unwrap();
            wait_for("a temporary output", Duration::from_secs(60), || has_temporary(d));
            if fs::metadata(format!("/proc/{}/syscall", child.id())).is_ok() {
                wait_for("the read of more input", Duration::from_secs(60), || reading_stdin(child.id()));
            } else {
                std::thread::sleep(Duration::from_secs(5));
            }
            sigint(&child);
            std::thread::sleep(Duration::from_millis(300));
            sigint(&child);
            let outcome = wait_measured(child);
            drop(stdin);
            outcome
        }
    };
    let name = case.name;
    let err = &outcome.stderr;
    let first = err.lines().next().unwrap_or("");
    assert_eq!(outcome.code, Some(case.code), "{name}: stderr {err:?}");
    let want = expand(case.stderr, d);
    if want.is_empty() {
        assert_eq!(err, "", "{name}");
    } else {
        assert!(first.starts_with(&want), "{name}:\n  stderr {first:?}\n  wanted {want:?}");
    }
    if case.code != 0 {
        assert_eq!(err.trim_end().lines().count(), 1, "{name}: one line: {err:?}");
    }
    assert!(!err.contains("panicked"), "{name}");
    for f in case.exists {
        assert!(d.join(f).exists(), "{name}: {f} should exist");
    }
    for f in case.absent {
        assert!(!d.join(f).exists(), "{name}: {f} should not exist");
    }
    assert!(!has_temporary(d), "{name}: temporaries left: {:?}", files_in(d));
    if let Some(mb) = case.max_rss_mb {
        assert!(outcome.max_rss_kb > 0 || !Path::new("/proc/self/status").exists(), "{name}: no memory reading");
        assert!(outcome.max_rss_kb <= mb * 1024, "{name}: peak memory {} KB > {mb} MB", outcome.max_rss_kb);
    }
    if case.run == Run::Unprivileged {
        set_mode(d, 0o755);
        for sub in ["m", "ro"] {
            if d.join(sub).exists() {
                set_mode(&d.join(sub), 0o755);
            }
        }
    }
    outcome
}

#[test]
fn issue_10_bad_input_suite() {
    // Four at a time: each case is a process, several load the model.
    let pool = rayon::ThreadPoolBuilder::new().num_threads(4).build().unwrap();
    let failures: Vec<String> = pool.install(|| {
        CASES
            .par_iter()
            .filter_map(|case| {
                std::panic::catch_unwind(|| {
                    let o = run_case(case);
                    eprintln!("{}: ok ({} KB peak)", case.name, o.max_rss_kb);
                })
                .err()
                .map(|e| {
                    e.downcast_ref::<String>()
                        .cloned()
                        .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                        .unwrap_or_default()
                })
            })
            .collect()
    });
    assert!(failures.is_empty(), "{} of {} cases failed:\n{}", failures.len(), CASES.len(), failures.join("\n"));
}

/// The suite as the Markdown table in docs/robustness.md.
fn table() -> String {
    let cell = |s: &str| s.replace('|', "\\|");
    let mut out =
        String::from("| # | case | command | exit | first line of stderr | afterwards |\n|---|---|---|---|---|---|\n");
    for (i, c) in CASES.iter().enumerate() {
        let args: Vec<String> =
            c.args.iter().map(|a| if a.contains(' ') { format!("'{a}'") } else { a.to_string() }).collect();
        let how = match c.run {
            Run::Plain => String::new(),
            Run::Unprivileged => " (as a user without privileges)".into(),
            Run::HeadOne => " \\| head -1".into(),
            Run::CtrlC => ", Ctrl-C once a temporary file exists".into(),
            Run::CtrlCTwice => ", stdin left open; Ctrl-C twice while it waits".into(),
        };
        let stderr = if c.stderr.is_empty() { "(nothing)".to_string() } else { format!("`{}…`", cell(c.stderr)) };
        let mut after: Vec<String> = c.exists.iter().map(|f| format!("{f} exists")).collect();
        after.extend(c.absent.iter().map(|f| format!("no {f}")));
        after.push("no temporary file".into());
        if let Some(mb) = c.max_rss_mb {
            after.push(format!("peak memory ≤ {mb} MB"));
        }
        out.push_str(&format!(
            "| {} | {} | `align {}`{how} | {} | {stderr} | {} |\n",
            i + 1,
            cell(c.name),
            cell(&args.join(" ")),
            c.code,
            after.join("; ")
        ));
    }
    out
}

#[test]
fn robustness_doc_matches_the_suite() {
    let path = root().join("docs/robustness.md");
    let doc = fs::read_to_string(&path).unwrap();
    let (begin, end) = ("<!-- bad-input-table -->\n", "<!-- /bad-input-table -->");
    let start = doc.find(begin).expect("docs/robustness.md has the table markers") + begin.len();
    let stop = doc.find(end).expect("docs/robustness.md has the end marker");
    let want = table();
    if doc[start..stop] != want {
        if std::env::var_os("NAZIR_BLESS").is_some() {
            fs::write(&path, format!("{}{want}{}", &doc[..start], &doc[stop..])).unwrap();
            return;
        }
        panic!("docs/robustness.md's table differs from tests/it/bad_input.rs: run NAZIR_BLESS=1 cargo test robustness_doc");
    }
}
