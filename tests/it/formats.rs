//! Every format checked by software nobody on this project wrote: xmllint against the TMX 1.4b
//! DTD and the OASIS XLIFF schemas, Python translate-toolkit reading our TMX and XLIFF back;
//! and `align convert` through the binary: round trips, another tool's TMX, one-line errors.
//! OmegaT and LibreOffice take longer and run from tests/readers/run.sh.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::common::*;

/// Aligns the sample page with the tiny model into `dir`, in `formats`.
fn sample_outputs(dir: &Path, formats: &str) {
    let out = align(&[
        sample().to_str().unwrap(),
        "--model",
        tiny_model().to_str().unwrap(),
        "--max-output-tokens",
        "8",
        "-f",
        formats,
        "-d",
        dir.to_str().unwrap(),
        "-q",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
}

fn convert(args: &[&str]) -> std::process::Output {
    let mut all = vec!["convert"];
    all.extend_from_slice(args);
    align(&all)
}

fn path(dir: &Path, name: &str) -> String {
    dir.join(name).to_str().unwrap().to_string()
}

/// (source, target) text of every bead of a JSONL file, as the pair formats hold them.
fn jsonl_pairs(path: &Path) -> Vec<(String, String)> {
    let join = |v: &Value| {
        v.as_array()
            .unwrap()
            .iter()
            .map(|s| s["text"].as_str().unwrap())
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    };
    fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .map(|b| (join(&b["src"]), join(&b["tgt"])))
        .collect()
}

/// Validates an XLIFF file against the OASIS schema of its version with xmllint.
fn assert_valid_xliff(file: &Path, schema: &str) {
    let schemas = readers_dir().join("schemas");
    if !schemas.join(schema).exists() {
        return reader_missing("the XLIFF schemas");
    }
    let out = Command::new("xmllint")
        .args(["--noout", "--nonet", "--schema"])
        .arg(schemas.join(schema))
        .arg(file)
        .env("XML_CATALOG_FILES", schemas.join("catalog.xml"))
        .output()
        .expect("xmllint is installed (Debian package libxml2-utils; .ci/run installs it)");
    assert!(
        out.status.success(),
        "{} is not valid against {schema}:\n{}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The (source, target) pairs translate-toolkit reads from a file, or `None` when it is missing.
fn translate_toolkit_pairs(file: &Path, module: &str) -> Option<Vec<(String, String)>> {
    let python = readers_dir().join("venv/bin/python");
    if !python.exists() {
        reader_missing("translate-toolkit (target/readers/venv)");
        return None;
    }
    let script = format!(
        "import json, sys\n\
         from translate.storage import {module} as m\n\
         cls = {{'tmx': 'tmxfile', 'xliff': 'xlifffile', 'xliff2': 'Xliff2File'}}['{module}']\n\
         with open(sys.argv[1], 'rb') as f:\n    store = getattr(m, cls).parsefile(f)\n\
         print(json.dumps([[u.source or '', u.target or ''] for u in store.units if not u.isheader()], ensure_ascii=False))\n"
    );
    let out = Command::new(python).arg("-c").arg(script).arg(file).output().unwrap();
    assert!(
        out.status.success(),
        "translate-toolkit failed on {}:\n{}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let pairs: Vec<(String, String)> = serde_json::from_slice(&out.stdout).unwrap();
    Some(pairs)
}

#[test]
fn every_format_of_the_sample_passes_the_dtd_the_schemas_and_translate_toolkit() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    sample_outputs(d, "jsonl,tmx,tsv,xliff,xlsx,moses");
    let jsonl = d.join("bbc-russia-north-korea.ar-en.jsonl");
    let tmx = d.join("bbc-russia-north-korea.ar-en.tmx");
    let xlf = d.join("bbc-russia-north-korea.ar-en.xlf");
    let pairs = jsonl_pairs(&jsonl);
    assert!(pairs.len() > 20);
    let j = jsonl.to_str().unwrap();
    for (name, extra) in [
        ("v21.xlf", vec!["--xliff-version", "2.1"]),
        ("both.tmx", vec!["--tmx-units", "both"]),
        ("paragraph.tmx", vec!["--tmx-units", "paragraph"]),
        ("keep.tmx", vec!["--tmx-keep-empty", "--src-locale", "ar-SA", "--tgt-locale", "en-US"]),
    ] {
        let out_path = path(d, name);
        let mut args = vec![j, out_path.as_str()];
        args.extend(extra);
        let out = convert(&args);
        assert!(out.status.success(), "{name}: {}", stderr(&out));
    }
    for name in ["bbc-russia-north-korea.ar-en.tmx", "both.tmx", "paragraph.tmx", "keep.tmx"] {
        assert_valid_tmx(&d.join(name));
    }
    assert_valid_xliff(&xlf, "xliff-core-1.2-strict.xsd");
    assert_valid_xliff(&d.join("v21.xlf"), "xliff-core-2.0.xsd");

    for (file, module) in [(&tmx, "tmx"), (&xlf, "xliff"), (&d.join("v21.xlf"), "xliff2")] {
        if let Some(read) = translate_toolkit_pairs(file, module) {
            assert_eq!(read, pairs, "translate-toolkit reads {} back as our pairs", file.display());
        }
    }
    // With paragraph units beside: every sentence pair, plus one unit per multi-sentence paragraph.
    if let Some(read) = translate_toolkit_pairs(&d.join("both.tmx"), "tmx") {
        assert!(pairs.iter().all(|p| read.contains(p)));
        assert!(read.len() >= pairs.len());
    }
}

#[test]
fn convert_round_trips_through_tmx_tsv_and_xliff_back_to_the_same_tsv() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    sample_outputs(d, "jsonl,tsv");
    let original = fs::read_to_string(d.join("bbc-russia-north-korea.ar-en.tsv")).unwrap();
    let jsonl = path(d, "bbc-russia-north-korea.ar-en.jsonl");
    for (via, extra) in
        [("x.tmx", vec![]), ("x.tsv", vec![]), ("x.xlf", vec![]), ("x2.xlf", vec!["--xliff-version", "2.1"])]
    {
        let mid = path(d, via);
        let mut args = vec![jsonl.as_str(), mid.as_str()];
        args.extend(extra);
        assert!(convert(&args).status.success());
        let back = path(d, "back.jsonl");
        let out = convert(&[&mid, &back, "-q"]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(stderr(&out), "", "-q: no summary");
        let out = convert(&[&back, "-", "-f", "tsv"]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(String::from_utf8(out.stdout).unwrap(), original, "JSONL → {via} → JSONL → TSV");
    }
    // Moses writes two parallel files from a stem.
    let stem = path(d, "corpus");
    assert!(convert(&[&jsonl, &stem, "-f", "moses"]).status.success());
    let ar = fs::read_to_string(format!("{stem}.ar")).unwrap();
    let en = fs::read_to_string(format!("{stem}.en")).unwrap();
    assert_eq!(ar.lines().count(), en.lines().count());
    assert_eq!(ar.lines().count(), original.lines().count() - 1);
}

#[test]
fn another_tools_tmx_converts_with_arabic_as_source() {
    let Some(shared) = shared() else {
        eprintln!("skipping: ../shared is absent");
        return;
    };
    let tico = shared.join("data/tico19-en-ar/all.en-ar.tmx");
    let dir = tempfile::tempdir().unwrap();
    let jsonl = path(dir.path(), "tico.jsonl");
    let out = convert(&[tico.to_str().unwrap(), &jsonl, "--source", "ar"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).starts_with("align: 3071 pairs from "), "{}", stderr(&out));
    let first: Value = serde_json::from_str(fs::read_to_string(&jsonl).unwrap().lines().next().unwrap()).unwrap();
    assert_eq!(first["src_lang"], "ar");
    assert_eq!(first["src"][0]["text"], "منذ متى لا تزال هذه الأعراض مستمرة تقريبًا؟");
    assert_eq!(first["tgt"][0]["text"], "about how long have these symptoms been going on?");
    let tmx = PathBuf::from(path(dir.path(), "tico.tmx"));
    assert!(convert(&[&jsonl, tmx.to_str().unwrap()]).status.success());
    assert_valid_tmx(&tmx);
    assert_eq!(fs::read_to_string(&tmx).unwrap().matches("<tu ").count(), 3071);
}

#[test]
fn convert_errors_are_one_line_with_the_place_and_leave_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let cases: [(&str, &[u8], &str); 5] = [
        ("bad.tsv", b"ar\ten\tscore\nA\tB\t0.5\nC\tD\n", "bad.tsv: line 3: 2 fields, but the header has 3"),
        ("bad.jsonl", b"{\"src\":[{\"text\":\"x\"}],\"tgt\":[]}\n{\"src\": 5}\n", "bad.jsonl: line 2: invalid type"),
        (
            "bad.tmx",
            b"<tmx>\n<header srclang=\"ar\"/>\n<body>\n<tu><tuv xml:lang=\"ar\"><seg>x</sef></tuv></tu>",
            "bad.tmx: line 4, byte",
        ),
        (
            "bad.xlf",
            b"<xliff version=\"1.2\"><file><body><trans-unit id=\"1\"><source>&nbsp;</source>",
            "unknown entity &nbsp;",
        ),
        ("empty.tmx", b"<tmx><header/><body/></tmx>", "empty.tmx: no pairs to convert"),
    ];
    for (name, content, want) in cases {
        let input = d.join(name);
        fs::write(&input, content).unwrap();
        let out = convert(&[input.to_str().unwrap(), &path(d, "out.tmx")]);
        assert_eq!(out.status.code(), Some(1), "{name}");
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{name}: {err}");
        assert!(err.starts_with("align: cannot convert ") && err.contains(want), "{name}: {err}");
        assert!(!d.join("out.tmx").exists(), "{name}: no output after an error");
    }
    let out = convert(&[&path(d, "bad.tsv"), &path(d, "out.unknown")]);
    assert_eq!(out.status.code(), Some(2), "a usage error");
    assert!(stderr(&out).contains("add --format"));
}

#[test]
fn characters_xml_forbids_are_counted_in_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("ctl.ar.txt");
    fs::write(&input, "جملة فيها\u{1} حرف تحكم.\n\nوجملة\u{7} أخرى.\n").unwrap();
    let out = align(&[
        input.to_str().unwrap(),
        "--model",
        tiny_model().to_str().unwrap(),
        "--max-output-tokens",
        "4",
        "-f",
        "tmx,xliff,jsonl",
        "-q",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    let tmx = dir.path().join("ctl.ar-en.tmx");
    assert!(
        err.contains(&format!("align: warning: {}: removed 2 characters that XML 1.0 forbids", tmx.display())),
        "{err}"
    );
    assert_eq!(err.lines().count(), 2, "one line per XML output: {err}");
    assert!(!fs::read_to_string(&tmx).unwrap().contains('\u{1}'));
    assert_valid_tmx(&tmx);
    assert!(fs::read_to_string(dir.path().join("ctl.ar-en.jsonl")).unwrap().contains("\\u0001"), "JSONL keeps it");
}
