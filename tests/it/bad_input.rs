//! Bad input: one clear line on stderr, a non-zero exit code, and no output file.

use std::fs;

use crate::common::*;

struct Case {
    name: &'static str,
    /// Builds the input in `dir` and returns the arguments before the common ones.
    setup: fn(&std::path::Path) -> Vec<String>,
    code: i32,
    stderr_starts: &'static str,
}

fn run_case(case: &Case) {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("out");
    fs::create_dir(&out_dir).unwrap();
    let mut args = (case.setup)(dir.path());
    if !args.iter().any(|a| a == "--model") {
        args.extend(["--model".into(), tiny_model().display().to_string()]);
    }
    if !args.iter().any(|a| a == "--out-dir") {
        args.extend(["--out-dir".into(), out_dir.display().to_string()]);
    }
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = align(&refs);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(case.code), "{}: {err}", case.name);
    assert!(err.starts_with(case.stderr_starts), "{}: stderr was {err:?}", case.name);
    assert_eq!(err.trim_end().lines().count(), 1, "{}: one line: {err:?}", case.name);
    assert!(!err.contains("panicked"), "{}", case.name);
    assert_eq!(files_in(&out_dir), Vec::<String>::new(), "{}: no output files", case.name);
}

fn write(dir: &std::path::Path, name: &str, bytes: &[u8]) -> String {
    let p = dir.join(name);
    fs::write(&p, bytes).unwrap();
    p.display().to_string()
}

#[test]
fn bad_inputs_give_one_line_and_no_files() {
    let cases = [
        Case {
            name: "missing file",
            setup: |d| vec![d.join("nope.txt").display().to_string()],
            code: 1,
            stderr_starts: "align: cannot read ",
        },
        Case {
            // A directory is corpus mode (issue 9); one without text files is a usage error.
            name: "directory without text files as input",
            setup: |d| vec![d.display().to_string()],
            code: 2,
            stderr_starts: "align: no input files: nothing matched",
        },
        Case {
            name: "invalid UTF-8",
            setup: |d| vec![write(d, "bad.txt", b"\xd8\xa7\xd9\x84 ok\n\xff\xfe\xfa")],
            code: 1,
            stderr_starts: "align: cannot read ",
        },
        Case { name: "empty input", setup: |d| vec![write(d, "empty.txt", b"")], code: 1, stderr_starts: "align: " },
        Case {
            name: "whitespace only",
            setup: |d| vec![write(d, "ws.txt", b" \n\n\t\n")],
            code: 1,
            stderr_starts: "align: ",
        },
        Case {
            name: "binary file",
            setup: |d| vec![write(d, "bin.txt", b"abc\0\x01\x02")],
            code: 1,
            stderr_starts: "align: cannot read ",
        },
        Case {
            name: "model directory missing",
            setup: |d| {
                vec![write(d, "a.txt", "نص.".as_bytes()), "--model".into(), d.join("no-model").display().to_string()]
            },
            code: 1,
            stderr_starts: "align: model directory ",
        },
        Case {
            name: "not a CTranslate2 model",
            setup: |d| {
                fs::create_dir(d.join("m")).unwrap();
                vec![write(d, "a.txt", "نص.".as_bytes()), "--model".into(), d.join("m").display().to_string()]
            },
            code: 1,
            stderr_starts: "align: ",
        },
        Case {
            name: "model without target.spm",
            setup: |d| {
                let m = d.join("m");
                fs::create_dir(&m).unwrap();
                for f in ["model.bin", "config.json", "shared_vocabulary.json", "source.spm"] {
                    fs::copy(tiny_model().join(f), m.join(f)).unwrap();
                }
                vec![write(d, "a.txt", "نص.".as_bytes()), "--model".into(), m.display().to_string()]
            },
            code: 1,
            stderr_starts: "align: model directory ",
        },
        Case {
            name: "output directory missing",
            setup: |d| {
                vec![
                    write(d, "a.txt", "نص.".as_bytes()),
                    "-o".into(),
                    d.join("no/such/dir/x.tmx").display().to_string(),
                ]
            },
            code: 1,
            stderr_starts: "align: cannot write to ",
        },
    ];
    for case in &cases {
        run_case(case);
    }
}

#[test]
fn invalid_utf8_names_the_byte_offset() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(dir.path(), "bad.txt", b"\xd8\xa7\n\xff");
    let out = align(&[&input, "--model", tiny_model().to_str().unwrap(), "-o", "-", "-f", "tsv"]);
    assert!(stderr(&out).contains("invalid UTF-8 at byte 3 (line 2)"), "{}", stderr(&out));
}
