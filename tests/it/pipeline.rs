//! The whole pipeline on the sample page, through the binary, with the tiny generated model.

use std::fs;

use serde_json::Value;

use crate::common::*;

#[test]
fn sample_page_gives_valid_tmx_one_unit_per_sentence_and_lossless_segments() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().to_str().unwrap();
    let model = tiny_model();
    let input = sample();
    let out = align(&[
        input.to_str().unwrap(),
        "--to",
        "en",
        "--model",
        model.to_str().unwrap(),
        "--out-dir",
        out_dir,
        "--format",
        "tmx,tsv,html,jsonl",
        "--max-output-tokens",
        "24",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        files_in(dir.path()),
        [
            "bbc-russia-north-korea.ar-en.html",
            "bbc-russia-north-korea.ar-en.jsonl",
            "bbc-russia-north-korea.ar-en.tmx",
            "bbc-russia-north-korea.ar-en.tsv"
        ]
    );
    let tmx_path = dir.path().join("bbc-russia-north-korea.ar-en.tmx");
    assert_valid_tmx(&tmx_path);

    let jsonl = fs::read_to_string(dir.path().join("bbc-russia-north-korea.ar-en.jsonl")).unwrap();
    let beads: Vec<Value> = jsonl.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let sources: Vec<&Value> = beads.iter().flat_map(|b| b["src"].as_array().unwrap()).collect();
    let tmx = fs::read_to_string(&tmx_path).unwrap();
    assert_eq!(tmx.matches("<tu ").count(), sources.len(), "one <tu> per source sentence");

    // Every paragraph's text comes back from its sentences (whitespace aside), and offsets
    // point at the sentence in the input.
    let text = fs::read_to_string(&input).unwrap();
    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let paragraphs: Vec<&str> = text.split("\n\n").filter(|p| !p.trim().is_empty()).collect();
    let mut rebuilt = String::new();
    for s in &sources {
        let (start, end) = (s["start"].as_u64().unwrap() as usize, s["end"].as_u64().unwrap() as usize);
        assert_eq!(squash(&text[start..end]), squash(s["text"].as_str().unwrap()));
        rebuilt.push_str(s["text"].as_str().unwrap());
    }
    assert_eq!(squash(&rebuilt), squash(&paragraphs.concat()));

    // The TSV has a header and one line per bead; the HTML page embeds every bead.
    let tsv = fs::read_to_string(dir.path().join("bbc-russia-north-korea.ar-en.tsv")).unwrap();
    assert_eq!(tsv.lines().count(), beads.len() + 1);
    let html = fs::read_to_string(dir.path().join("bbc-russia-north-korea.ar-en.html")).unwrap();
    let open = "<script type=\"application/json\" id=\"nazir-beads\">";
    let data = &html[html.find(open).unwrap() + open.len()..];
    let embedded: Vec<Value> = serde_json::from_str(&data[..data.find("</script>").unwrap()]).unwrap();
    assert_eq!(embedded.len(), beads.len());
    assert_eq!(embedded.last().unwrap()["src"], beads.last().unwrap()["src"]);
}

#[test]
fn bulleted_block_lines_are_units_and_the_two_sentence_paragraph_is_split() {
    let dir = tempfile::tempdir().unwrap();
    let out = align(&[
        sample().to_str().unwrap(),
        "--model",
        tiny_model().to_str().unwrap(),
        "-o",
        dir.path().join("x.jsonl").to_str().unwrap(),
        "--max-output-tokens",
        "8",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let jsonl = fs::read_to_string(dir.path().join("x.jsonl")).unwrap();
    let texts: Vec<String> = jsonl
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["src"][0]["text"].as_str().unwrap().to_string())
        .collect();
    // Every non-blank line of the page is its own unit, except the paragraph with two sentences.
    let page = fs::read_to_string(sample()).unwrap();
    let lines: Vec<&str> = page.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    assert_eq!(texts.len(), lines.len() + 1);
    assert!(texts.contains(&"صدر الصورة، Getty Images".to_string()));
    assert!(texts.contains(&"قصص مقترحة".to_string()));
    assert!(texts.iter().any(|t| t.starts_with("• كيم جونغ أون")));
    let two = texts.iter().position(|t| t.starts_with("وقال الرئيس الروسي")).unwrap();
    assert!(texts[two].ends_with("مصلحة البلدين."));
    assert!(texts[two + 1].starts_with("جاء ذلك"));
}

#[test]
fn stdin_to_stdout_in_one_format() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_align"))
        .args([
            "-",
            "--model",
            tiny_model().to_str().unwrap(),
            "--format",
            "tsv",
            "-o",
            "-",
            "--max-output-tokens",
            "8",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all("جملة أولى. جملة ثانية؟\n\nفقرة أخرى.".as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let rows: Vec<&str> = stdout.lines().collect();
    assert_eq!(rows.len(), 4, "{stdout}");
    assert!(rows[2].starts_with("جملة ثانية؟\t"));
}

#[test]
fn wrong_language_pair_is_refused() {
    let out = align(&[
        sample().to_str().unwrap(),
        "--to",
        "fr",
        "--model",
        tiny_model().to_str().unwrap(),
        "-o",
        "-",
        "-f",
        "tsv",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("translates ar→en, not ar→fr"), "{}", stderr(&out));
}

#[test]
fn rerun_is_answered_from_the_translation_cache() {
    let cache = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("a.tsv");
    let args = [
        sample().display().to_string(),
        "--model".into(),
        tiny_model().display().to_string(),
        "-o".into(),
        out_file.display().to_string(),
        "--max-output-tokens".into(),
        "16".into(),
    ];
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let first = align_with_cache(&args, cache.path());
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(stderr(&first).contains(", 0 from the cache"), "{}", stderr(&first));
    let first_tsv = fs::read_to_string(&out_file).unwrap();
    let second = align_with_cache(&args, cache.path());
    assert!(
        stderr(&second).contains("26 sentences in 25 paragraphs") && stderr(&second).contains(", 26 from the cache"),
        "{}",
        stderr(&second)
    );
    assert_eq!(fs::read_to_string(&out_file).unwrap(), first_tsv, "cached translations give the same output");
    // Other decoding options are another cache key.
    let mut other = args.clone();
    other.extend(["--beam", "1"]);
    let third = align_with_cache(&other, cache.path());
    assert!(stderr(&third).contains(", 0 from the cache"), "{}", stderr(&third));
    let no_cache = {
        let mut a = args.clone();
        a.push("--no-cache");
        align_with_cache(&a, cache.path())
    };
    assert!(!stderr(&no_cache).contains("from the cache"), "{}", stderr(&no_cache));
}
