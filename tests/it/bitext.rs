//! Bitext mode through the binary: two inputs, the bridge flags, vecalign output, errors, and
//! `align eval` on the shared gold data.

use std::fs;
use std::path::Path;

use serde_json::Value;

use crate::common::*;

/// Three paragraphs; the English splits the second Arabic sentence in two and adds a sentence
/// the Arabic does not have.
const AR: &str = "وصل وزير الخارجية إلى القاهرة يوم الاثنين في زيارة تستمر ثلاثة أيام.
التقى بالرئيس لمدة ساعتين وناقشا أزمة المياه والتجارة بين البلدين.

ارتفعت الأسعار بنسبة 12 في المئة العام الماضي بحسب البنك المركزي.
قال مسؤولون إن المحادثات ستستمر الأسبوع المقبل في جنيف.

هل ستنجح المفاوضات؟ يقول المحللون في BBC إن الأمر غير مؤكد.
";

const EN: &str = "The foreign minister arrived in Cairo on Monday for a three-day visit.
He met the president for two hours.
They discussed the water crisis and trade between the two countries.

Prices rose by 12 percent last year, according to the central bank.
The weather in the capital was unusually hot for the season.
Officials said the talks would continue next week in Geneva.

Will the negotiations succeed?
Analysts at the BBC say it is uncertain.
";

const MT: &str = "The Foreign Minister arrived in Cairo on Monday for a visit lasting three days.
He met the president for two hours and they discussed the water crisis and trade between the two countries.
Prices rose by 12 per cent last year according to the central bank.
Officials said the talks will continue next week in Geneva.
Will the negotiations succeed? Analysts at BBC say the matter is uncertain.
";

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    fs::write(&p, text).unwrap();
    p.display().to_string()
}

fn vecalign_beads(text: &str) -> Vec<(Vec<usize>, Vec<usize>, f64)> {
    let list = |f: &str| -> Vec<usize> {
        f.trim_matches(['[', ']'])
            .split(',')
            .map(str::trim)
            .filter(|x| !x.is_empty())
            .map(|x| x.parse().unwrap())
            .collect()
    };
    text.lines()
        .map(|l| {
            let f: Vec<&str> = l.split(':').collect();
            assert_eq!(f.len(), 3, "{l}");
            (list(f[0]), list(f[1]), f[2].parse().unwrap())
        })
        .collect()
}

fn assert_covers(beads: &[(Vec<usize>, Vec<usize>, f64)], n: usize, m: usize) {
    let (mut i, mut j) = (0, 0);
    for (s, t, score) in beads {
        assert!(!s.is_empty() || !t.is_empty());
        assert!((0.0..=1.0).contains(score));
        for &x in s {
            assert_eq!(x, i, "{beads:?}");
            i += 1;
        }
        for &y in t {
            assert_eq!(y, j, "{beads:?}");
            j += 1;
        }
    }
    assert_eq!((i, j), (n, m), "every sentence in exactly one bead");
}

#[test]
fn segmented_inputs_with_mt_file_give_n_m_beads_with_line_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let (ar, en, mt) =
        (write(dir.path(), "doc.ar.txt", AR), write(dir.path(), "doc.en.txt", EN), write(dir.path(), "doc.mt", MT));
    let out_dir = dir.path().join("out");
    fs::create_dir(&out_dir).unwrap();
    let out = align(&[
        &ar,
        &en,
        "--segmented",
        "--mt-file",
        &mt,
        "--format",
        "vecalign,jsonl,tmx",
        "--out-dir",
        out_dir.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(files_in(&out_dir), ["doc.ar-en.jsonl", "doc.ar-en.tmx", "doc.ar-en.vecalign"]);
    let err = stderr(&out);
    assert!(err.contains("beads by shape:") && err.contains("1-2: 2") && err.contains("0-1: 1"), "{err}");
    assert!(err.contains("paragraphs as barriers"), "{err}");

    let beads = vecalign_beads(&fs::read_to_string(out_dir.join("doc.ar-en.vecalign")).unwrap());
    assert_covers(&beads, 5, 8);
    let shapes: Vec<(Vec<usize>, Vec<usize>)> = beads.iter().map(|(s, t, _)| (s.clone(), t.clone())).collect();
    assert_eq!(
        shapes,
        vec![
            (vec![0], vec![0]),
            (vec![1], vec![1, 2]),
            (vec![2], vec![3]),
            (vec![], vec![4]),
            (vec![3], vec![5]),
            (vec![4], vec![6, 7]),
        ]
    );

    // JSONL says which input lines each bead holds (1-based, blank lines counted).
    let jsonl = fs::read_to_string(out_dir.join("doc.ar-en.jsonl")).unwrap();
    let rows: Vec<Value> = jsonl.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(rows.len(), 6);
    assert_eq!(rows[1]["bead"], "1-2");
    assert_eq!(rows[1]["tgt"][1]["line"], 3);
    assert_eq!(rows[4]["src"][0]["line"], 5);
    assert_eq!(rows[3]["src"].as_array().unwrap().len(), 0);
    assert_eq!(rows[3]["tgt"][0]["text"], "The weather in the capital was unusually hot for the season.");
    assert_valid_tmx(&out_dir.join("doc.ar-en.tmx"));
}

#[test]
fn plain_text_without_mt_is_segmented_on_both_sides_and_fully_covered() {
    let dir = tempfile::tempdir().unwrap();
    let (ar, en) = (write(dir.path(), "doc.ar.txt", AR), write(dir.path(), "doc.en.txt", EN));
    let tsv = dir.path().join("x.tsv");
    let out = align(&[&ar, &en, "--no-mt", "-o", tsv.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = fs::read_to_string(&tsv).unwrap();
    let rows: Vec<Vec<&str>> = text.lines().skip(1).map(|l| l.split('\t').collect()).collect();
    let ids = |col: usize| -> Vec<usize> {
        rows.iter()
            .flat_map(|r| r[col].split(',').filter(|x| !x.is_empty()).map(|x| x.parse::<usize>().unwrap()))
            .collect()
    };
    // Our segmenter splits the last Arabic line in two (after ؟): six Arabic sentences.
    assert_eq!(ids(5), (0..6).collect::<Vec<_>>());
    assert_eq!(ids(6), (0..8).collect::<Vec<_>>());
    assert!(rows.iter().any(|r| r[0].starts_with("ارتفعت") && r[1].starts_with("Prices rose")), "{text}");
}

#[test]
fn model_bridge_runs_with_the_tiny_model() {
    let dir = tempfile::tempdir().unwrap();
    let (ar, en) = (write(dir.path(), "doc.ar.txt", AR), write(dir.path(), "doc.en.txt", EN));
    let out_path = dir.path().join("x.vecalign");
    let model = tiny_model();
    let out = align(&[
        &ar,
        &en,
        "--model",
        model.to_str().unwrap(),
        "--max-output-tokens",
        "8",
        "-o",
        out_path.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    // Random weights give a useless bridge: the calibration must notice and still cover everything.
    assert_covers(&vecalign_beads(&fs::read_to_string(&out_path).unwrap()), 6, 8);
}

#[test]
fn bitext_usage_errors_are_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let (ar, en) = (write(dir.path(), "doc.ar.txt", AR), write(dir.path(), "doc.en.txt", EN));
    let short_mt = write(dir.path(), "short.mt", "Only one line.\n");
    let out_dir = dir.path().join("out");
    fs::create_dir(&out_dir).unwrap();
    let od = out_dir.to_str().unwrap();
    let cases: Vec<(Vec<&str>, i32, &str)> = vec![
        (
            vec![&ar, &en, "--segmented", "--mt-file", &short_mt, "--out-dir", od],
            1,
            "translations for 5 source sentences",
        ),
        // No model configured (and no download allowed): the models error, plus the bitext fixes.
        (vec![&ar, &en, "--out-dir", od], 1, "you can also align without a model: --no-mt, or --mt-file FILE"),
        (vec![&ar, "--no-mt", "--out-dir", od], 2, "--no-mt, --segmented and --mt-file are for bitext mode"),
    ];
    for (args, code, message) in cases {
        let out = align_offline(&args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {err}");
        assert!(err.contains(message), "{args:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert_eq!(files_in(&out_dir), Vec::<String>::new());
    }
}

#[test]
fn eval_align_scores_our_systems_on_shared_gold() {
    if shared().is_none() {
        eprintln!("skipping: ../shared is absent");
        return;
    }
    let data = shared().unwrap().join("data");
    let out = align(&[
        "eval",
        "align",
        "--data",
        data.to_str().unwrap(),
        "--sets",
        "pud",
        "--variants",
        "deleted",
        "--systems",
        "gale-church,no-mt,oracle",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let table = String::from_utf8(out.stdout).unwrap();
    let row = table.lines().find(|l| l.starts_with("| pud | deleted")).expect("a row for pud/deleted");
    let f1: Vec<f64> = row
        .split('|')
        .skip(4)
        .filter(|c| !c.trim().is_empty())
        .map(|c| c.split_whitespace().next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(f1.len(), 3, "{row}");
    assert!(f1[2] >= 0.98, "oracle MT: {row}");
    assert!(f1[1] > f1[0], "--no-mt beats Gale–Church: {row}");
    assert!(table.contains("simulation"));
}
