//! `align segment`, `--srx`, `--export-srx` and `align eval segment` through the binary.

use std::fs;

use crate::common::*;

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

const BREAK_ONLY_ON_QUESTION_MARK: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<srx xmlns="http://www.lisa.org/srx20" version="2.0">
<header segmentsubflows="yes" cascade="no"/>
<body><languagerules><languagerule languagerulename="Q">
<rule break="yes"><beforebreak>[?؟]</beforebreak><afterbreak>\s</afterbreak></rule>
</languagerule></languagerules>
<maprules><languagemap languagepattern=".*" languagerulename="Q"/></maprules></body></srx>"#;

#[test]
fn exported_srx_segments_the_sample_as_the_built_in_rules_do() {
    let dir = tempfile::tempdir().unwrap();
    let srx = dir.path().join("nazir.srx");
    let out = align(&["segment", "--export-srx", srx.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let xml = fs::read_to_string(&srx).unwrap();
    assert!(xml.contains("<srx xmlns=\"http://www.lisa.org/srx20\" version=\"2.0\">"));
    assert!(xml.contains("languagerulename=\"Nazir Arabic\""));
    let built_in = align(&["segment", sample().to_str().unwrap()]);
    let via_srx = align(&["segment", sample().to_str().unwrap(), "--srx", srx.to_str().unwrap()]);
    assert!(built_in.status.success() && via_srx.status.success(), "{}", stderr(&via_srx));
    assert_eq!(stdout(&built_in), stdout(&via_srx));
    // The page's paragraph with two sentences is split; its bullets are not merged.
    let text = stdout(&built_in);
    assert!(text.lines().any(|l| l.ends_with("مصلحة البلدين.")));
    assert!(text.lines().any(|l| l.starts_with("جاء ذلك في خطاب")));
}

#[test]
fn srx_rules_replace_the_built_in_ones_in_the_main_command() {
    let dir = tempfile::tempdir().unwrap();
    let srx = dir.path().join("q.srx");
    fs::write(&srx, BREAK_ONLY_ON_QUESTION_MARK).unwrap();
    let input = dir.path().join("in.txt");
    fs::write(&input, "جملة أولى. جملة ثانية؟ جملة ثالثة.").unwrap();
    let model = tiny_model();
    let rows = |extra: &[&str]| {
        let mut args = vec![input.to_str().unwrap(), "--model", model.to_str().unwrap()];
        args.extend(["-f", "tsv", "-o", "-", "--max-output-tokens", "8"]);
        args.extend(extra);
        let out = align(&args);
        assert!(out.status.success(), "{}", stderr(&out));
        stdout(&out).lines().count() - 1
    };
    assert_eq!(rows(&[]), 3);
    assert_eq!(rows(&["--srx", srx.to_str().unwrap()]), 2);
}

#[test]
fn a_rule_that_cannot_be_compiled_is_named_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let srx = dir.path().join("bad.srx");
    fs::write(&srx, BREAK_ONLY_ON_QUESTION_MARK.replace("[?؟]", r"\p{NoSuchClass}")).unwrap();
    let out_dir = dir.path().join("out");
    fs::create_dir(&out_dir).unwrap();
    let main = align(&[
        sample().to_str().unwrap(),
        "--model",
        tiny_model().to_str().unwrap(),
        "--out-dir",
        out_dir.to_str().unwrap(),
        "--srx",
        srx.to_str().unwrap(),
    ]);
    let seg = align(&["segment", sample().to_str().unwrap(), "--srx", srx.to_str().unwrap()]);
    for out in [&main, &seg] {
        let err = stderr(out);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(err.contains("languagerule \"Q\", rule 1 (line 5)") && err.contains("\\p{NoSuchClass}"), "{err}");
    }
    assert!(files_in(&out_dir).is_empty());
    let missing = align(&["segment", sample().to_str().unwrap(), "--srx", "no-such.srx"]);
    assert!(stderr(&missing).starts_with("align: cannot read SRX file no-such.srx"), "{}", stderr(&missing));
}

#[test]
fn eval_segment_scores_a_gold_file_side_by_side() {
    let dir = tempfile::tempdir().unwrap();
    let gold = dir.path().join("gold.txt");
    fs::write(&gold, "It rained.\nDr. Smith came.\n\nThen what?\nNothing.\n").unwrap();
    let srx = dir.path().join("q.srx");
    fs::write(&srx, BREAK_ONLY_ON_QUESTION_MARK).unwrap();
    let out = align(&[
        "eval",
        "segment",
        "--gold",
        gold.to_str().unwrap(),
        "--lang",
        "en",
        "--srx-baseline",
        srx.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let row = text.lines().find(|l| l.starts_with("gold.txt") && l.contains(" all ")).expect("a row for the file");
    let cells: Vec<&str> = row.split('|').map(str::trim).collect();
    // Two gold boundaries; ours finds both; naive also breaks after "Dr."; the SRX file only
    // after "?".
    assert_eq!(cells[1], "1.000  1.000  1.000", "{text}");
    assert_eq!(cells[2], "1.000  1.000  1.000", "{text}");
    assert_eq!(cells[3], "0.667  1.000  0.800", "{text}");
    assert_eq!(cells[4], "1.000  0.500  0.667", "{text}");
    let empty = dir.path().join("empty");
    fs::create_dir(&empty).unwrap();
    let out = align(&["eval", "segment", "--data", empty.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).starts_with("align: "), "{}", stderr(&out));
}

#[test]
fn eval_segment_on_the_shared_data_beats_the_baselines() {
    let Some(shared) = shared() else {
        eprintln!("skipping: ../shared is absent");
        return;
    };
    let out = align(&["eval", "segment", "--data", shared.join("data").to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    for (corpus, lang) in [("ntrex128", "ar"), ("tico19", "ar"), ("ntrex128", "en"), ("tico19", "en")] {
        let row = text
            .lines()
            .find(|l| l.split_whitespace().take(3).eq([corpus, lang, "all"]))
            .unwrap_or_else(|| panic!("no row for {corpus} {lang}:\n{text}"));
        let f1: Vec<f64> =
            row.split('|').skip(1).filter_map(|c| c.split_whitespace().nth(2)).filter_map(|v| v.parse().ok()).collect();
        // Columns: ours, ours as SRX, naive, LanguageTool SRX (when its file is found).
        assert!(f1.len() >= 3, "{row}");
        for (k, other) in f1.iter().enumerate().skip(2) {
            assert!(f1[0] > *other, "{corpus} {lang}: ours {} is not above column {k} ({other}): {row}", f1[0]);
        }
    }
}

#[test]
fn exported_srx_and_built_in_rules_agree_on_ntrex() {
    use nazir::segment::eval::{self, boundaries, paragraph};
    use nazir::segment::{export, Lang, Segmenter};
    let Some(shared) = shared() else {
        eprintln!("skipping: ../shared is absent");
        return;
    };
    let doc = export::our_rules();
    let mut compared = 0;
    for lang in ["ar", "en"] {
        let corpus = eval::ntrex(&shared.join("data"), lang).unwrap();
        let ours = Segmenter::new(Lang::from_code(lang));
        let srx = Segmenter::from_srx(&doc, lang).unwrap();
        for d in &corpus.docs {
            for p in &d.paragraphs {
                let (text, _) = paragraph(p);
                assert_eq!(boundaries(&ours.split(&text)), boundaries(&srx.split(&text)), "{lang} {}: {text}", d.id);
                compared += 1;
            }
        }
    }
    assert!(compared > 400);
}
