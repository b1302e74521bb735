//! Review pages with known content for the browser tests and the screenshots (tests/browser/),
//! written through the same writers as `align --format html,jsonl,tmx,tsv`, and a checker for
//! the JSONL the page exports.
//!
//!     cargo run --example review_pages -- OUT_DIR          edge.*, big.* and (with ../shared) tico.*
//!     cargo run --example review_pages -- OUT_DIR --big N  only big.*, with N pairs (load times)
//!                                                          (NAZIR_SHARED=DIR: shared data elsewhere)
//!     cargo run --example review_pages -- --check FILE     FILE must be JSONL beads, exactly

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use nazir::align::checks::{self, Thresholds};
use nazir::bead::{Aligned, Bead, Flags, Meta, Paragraph, Sentence};
use nazir::output::{self, Destination, Format, JsonBead, Outputs, WriterOptions};
use nazir::segment::{Lang, Segmenter};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.as_slice() {
        [flag, file] if flag == "--check" => check(Path::new(file)),
        [dir] => write_all(Path::new(dir)),
        [dir, flag, n] if flag == "--big" => match n.parse::<usize>() {
            Ok(n) if n > 0 => write_big(Path::new(dir), n),
            _ => Err(format!("--big wants a number of pairs, not {n:?}")),
        },
        _ => Err("usage: review_pages OUT_DIR [--big N] | review_pages --check FILE.jsonl".to_string()),
    };
    match result {
        Ok(message) => {
            println!("{message}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("review_pages: {e}");
            ExitCode::FAILURE
        }
    }
}

/// One bead to be: source sentences and target sentences of one paragraph.
struct Pair<'a> {
    src: Vec<&'a str>,
    tgt: Vec<&'a str>,
    score: f32,
    flags: Flags,
}

fn pair<'a>(src: &[&'a str], tgt: &[&'a str], score: f32, flags: Flags) -> Pair<'a> {
    Pair { src: src.to_vec(), tgt: tgt.to_vec(), score, flags }
}

/// Builds a document from paragraphs of pairs. The source text is laid out as an input file
/// would be (sentences joined by spaces, paragraphs by blank lines), so spans and lines are true.
fn document(paragraphs: &[Vec<Pair>]) -> Aligned {
    let mut a = Aligned::default();
    let (mut offset, mut line) = (0, 1);
    for (index, pairs) in paragraphs.iter().enumerate() {
        let start = offset;
        let mut text = String::new();
        for p in pairs {
            let src = a.source.len()..a.source.len() + p.src.len();
            let tgt = a.target.len()..a.target.len() + p.tgt.len();
            for s in &p.src {
                if !text.is_empty() {
                    text.push(' ');
                }
                let begin = start + text.len();
                text.push_str(s);
                let id = a.source.len();
                a.source.push(Sentence {
                    id,
                    text: s.to_string(),
                    paragraph: index,
                    span: Some(begin..start + text.len()),
                    line,
                });
            }
            for t in &p.tgt {
                let id = a.target.len();
                a.target.push(Sentence { id, text: t.to_string(), paragraph: index, span: None, line: 0 });
            }
            let mut flags = p.flags;
            if p.src.len() != 1 || p.tgt.len() != 1 {
                flags.insert(Flags::NOT_ONE_TO_ONE);
            }
            a.beads.push(Bead { src, tgt, score: p.score, flags });
        }
        offset = start + text.len() + 2;
        let next_line = line + 2 + text.matches('\n').count();
        a.paragraphs.push(Paragraph { index, text, start, line, line_starts: vec![start] });
        line = next_line;
    }
    debug_assert_eq!(a.check(), Ok(()));
    a
}

/// Cuts a document into `n` parts the way the pipeline streams it: each part holds its own
/// sentences, bead ranges index into them, ids stay those of the whole document.
fn parts(whole: &Aligned, n: usize) -> Vec<Aligned> {
    let per = whole.beads.len().div_ceil(n.max(1)).max(1);
    whole
        .beads
        .chunks(per)
        .map(|beads| {
            let (s0, t0) = (beads[0].src.start, beads[0].tgt.start);
            let (s1, t1) = (beads[beads.len() - 1].src.end, beads[beads.len() - 1].tgt.end);
            Aligned {
                paragraphs: whole.paragraphs.clone(),
                source: whole.source[s0..s1].to_vec(),
                target: whole.target[t0..t1].to_vec(),
                beads: beads
                    .iter()
                    .map(|b| Bead {
                        src: b.src.start - s0..b.src.end - s0,
                        tgt: b.tgt.start - t0..b.tgt.end - t0,
                        score: b.score,
                        flags: b.flags,
                    })
                    .collect(),
            }
        })
        .collect()
}

/// Writes `stem.ar-en.{html,jsonl,tmx,tsv}` in `dir` from the parts.
fn write(dir: &Path, stem: &str, meta: &Meta, parts: &[Aligned]) -> Result<Vec<PathBuf>, String> {
    let mut plan = Vec::new();
    for format in [Format::Html, Format::Jsonl, Format::Tmx, Format::Tsv] {
        let paths = output::paths_for(dir, stem, format, "ar", "en");
        plan.extend(
            paths.into_iter().map(Destination::File).zip(output::writers_for(format, &WriterOptions::default())),
        );
    }
    let mut outputs = Outputs::create(plan, meta).map_err(|e| e.to_string())?;
    for part in parts {
        outputs.write(part).map_err(|e| e.to_string())?;
    }
    outputs.finish().map(|f| f.paths).map_err(|e| e.to_string())
}

fn meta(input: &str, model: Option<&str>) -> Meta {
    Meta {
        input: input.into(),
        src_lang: "ar".into(),
        tgt_lang: "en".into(),
        model: model.map(String::from),
        created: time::macros::datetime!(2026-11-29 10:20:30 UTC),
    }
}

/// Edge cases: markup and script in every text and in the header, every bead shape, scores whose
/// printing differs between languages (ties, tiny values), control characters, astral characters.
fn edge() -> Aligned {
    let none = Flags::NONE;
    document(&[
        vec![
            pair(
                &["قال <script>alert(1)</script> إن \"><img src=x onerror=alert(1)> خطير."],
                &["He said <script>alert(1)</script> is \"><img src=x onerror=alert(1)> dangerous."],
                0.0625,
                none,
            ),
            pair(
                &["نص مع </script><!--<script> وفاصل\u{2028}سطر\u{2029}وفقرة و & علامة."],
                &["Text with </script><!--<script> and line\u{2028}and paragraph\u{2029}separators & it's \"quoted\"."],
                1.0,
                none,
            ),
            pair(&["الجملة الأولى.", "الجملة الثانية."], &["The first and the second sentence."], 0.3125, none),
        ],
        vec![
            pair(&["جملة بلا ترجمة."], &[], 0.0, Flags::LOW_SCORE),
            pair(&[], &["An English sentence with no source."], 1e-7, Flags::LOW_SCORE),
            pair(
                &["في عام 2019 زار 1,234 شخصا مدينة New York، وقال د. أحمد (WHO): \"رائع!\""],
                &["In 2020, 1,235 people visited New York; Dr Ahmed (WHO) said: \"great!\" 😀"],
                0.1235,
                Flags::NUMBER_MISMATCH,
            ),
            pair(
                &["عمود\tثان\u{1} و\rرجوع \\ شرطة."],
                &["Column\ttwo\u{1} and\rreturn \\ backslash."],
                0.000001,
                Flags::LENGTH_RATIO,
            ),
        ],
        vec![
            pair(
                &["جملة طويلة قسمت إلى جزأين"],
                &["A long sentence was split.", "Into two parts."],
                0.5,
                Flags::SPLIT_FOR_MODEL,
            ),
            pair(
                &["هذه الجملة الأولى. وهذه الجملة الثانية."],
                &["This is the first sentence. And this is the second sentence."],
                0.9,
                none,
            ),
            pair(&["نص مطابق تماما"], &["نص مطابق تماما"], 0.75, Flags::UNTRANSLATED),
            pair(&["راجعها أحد من قبل."], &["Someone reviewed it before."], 0.8, Flags::CONFIRMED | Flags::EDITED),
            pair(&["قرأتُ الكِتابَ في السطر الأخير."], &["I read the book on the last line."], 0.6, none),
        ],
    ])
}

/// A pseudo-random sequence (64-bit LCG): the big page is the same on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

/// `n` pairs: Arabic sentences of the sample page (cycled, numbered so no two are equal) beside
/// made-up English; paragraphs of one to six pairs; scores and flags drawn at random.
fn big(n: usize) -> Result<Aligned, String> {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpora/samples/bbc-russia-north-korea.ar.txt");
    let text = fs::read_to_string(&sample).map_err(|e| format!("cannot read {}: {e}", sample.display()))?;
    let segmenter = Segmenter::new(Lang::Arabic);
    let arabic: Vec<String> =
        text.split("\n\n").flat_map(|p| segmenter.split(p).into_iter().map(move |r| p[r].replace('\n', " "))).collect();
    const WORDS: &[&str] = &[
        "the",
        "minister",
        "said",
        "talks",
        "would",
        "resume",
        "in",
        "Moscow",
        "next",
        "week",
        "after",
        "a",
        "meeting",
        "with",
        "officials",
        "from",
        "both",
        "countries",
        "on",
        "trade",
        "and",
        "security",
    ];
    let mut rng = Lcg(7);
    let mut texts: Vec<(String, String, f32, Flags)> = Vec::with_capacity(n);
    for i in 0..n {
        let src = format!("{} ({})", arabic[i % arabic.len()], i + 1);
        let words = 6 + rng.next() as usize % 18;
        let mut tgt = format!("Pair {}:", i + 1);
        for _ in 0..words {
            tgt.push(' ');
            tgt.push_str(WORDS[rng.next() as usize % WORDS.len()]);
        }
        tgt.push('.');
        let score = (rng.next() % 1000) as f32 / 1000.0;
        let mut flags = if score < 0.3 { Flags::LOW_SCORE } else { Flags::NONE };
        if rng.next() % 23 == 0 {
            flags.insert(Flags::NUMBER_MISMATCH);
        }
        if rng.next() % 31 == 0 {
            flags.insert(Flags::LENGTH_RATIO);
        }
        texts.push((src, tgt, score, flags));
    }
    let mut paragraphs = Vec::new();
    let mut i = 0;
    while i < texts.len() {
        let len = (1 + rng.next() as usize % 6).min(texts.len() - i);
        paragraphs.push(
            texts[i..i + len].iter().map(|(s, t, score, f)| pair(&[s.as_str()], &[t.as_str()], *score, *f)).collect(),
        );
        i += len;
    }
    Ok(document(&paragraphs))
}

/// The first Wikinews document of TICO-19 (CC0, ../shared/data/tico19-en-ar): real Arabic and its
/// human English. TICO has no paragraph marks; these are grouped for display. There is no model
/// score for a human translation: the score shown is the pair's length agreement with the
/// document's typical ratio, and the flags are the project's own checks (align::checks).
fn tico() -> Result<Option<Aligned>, String> {
    // ../shared beside the checkout, or wherever NAZIR_SHARED says (a worktree elsewhere).
    let shared = std::env::var_os("NAZIR_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"));
    let path = shared.join("data/tico19-en-ar/all.en-ar.tmx");
    let Ok(tmx) = fs::read_to_string(&path) else { return Ok(None) };
    let seg = |unit: &str, lang: &str| -> Result<String, String> {
        let open = format!("<tuv xml:lang=\"{lang}\">");
        let from = unit.find(&open).ok_or("no tuv")? + open.len();
        let from = from + unit[from..].find("<seg>").ok_or("no seg")? + 5;
        let to = from + unit[from..].find("</seg>").ok_or("no /seg")?;
        quick_xml::escape::unescape(&unit[from..to]).map(|s| s.trim().to_string()).map_err(|e| e.to_string())
    };
    let mut units = Vec::new();
    for unit in tmx.split("<tu tuid=\"Wikinews_1:").skip(1) {
        let unit = &unit[..unit.find("</tu>").unwrap_or(unit.len())];
        units.push((seg(unit, "ar")?, seg(unit, "en")?));
    }
    if units.is_empty() {
        return Err(format!("{}: no Wikinews_1 units", path.display()));
    }
    let ratio = checks::typical_ratio(units.iter().map(|(a, e)| (a.as_str(), e.as_str())));
    let thresholds = Thresholds::default();
    let visible = |s: &str| s.chars().filter(|c| !c.is_whitespace()).count().max(1) as f64;
    let pairs: Vec<Pair> = units
        .iter()
        .map(|(ar, en)| {
            let r = visible(en) / visible(ar) / ratio;
            pair(&[ar.as_str()], &[en.as_str()], r.min(1.0 / r) as f32, checks::flags(ar, en, ratio, &thresholds))
        })
        .collect();
    let mut paragraphs = Vec::new();
    let mut rest = pairs.into_iter();
    for size in [1, 2, 3, 2, 3, 2, 2] {
        paragraphs.push(rest.by_ref().take(size).collect::<Vec<_>>());
    }
    paragraphs.push(rest.collect());
    paragraphs.retain(|p| !p.is_empty());
    Ok(Some(document(&paragraphs)))
}

fn write_all(dir: &Path) -> Result<String, String> {
    fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut written = Vec::new();
    let evil = meta(
        "<script>alert(1)</script>\"><img src=x onerror=alert(1)>.ar.txt",
        Some("\"><img src=x onerror=alert(1)>"),
    );
    written.extend(write(dir, "edge", &evil, &parts(&edge(), 3))?);
    written.extend(write(dir, "big", &meta("big.ar.txt", Some("made-up")), &parts(&big(10_000)?, 5))?);
    if let Some(doc) = tico()? {
        written.extend(write(dir, "tico", &meta("tico19-wikinews-1.ar.txt", Some("human (TICO-19)")), &[doc])?);
    }
    Ok(written.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join("\n"))
}

fn write_big(dir: &Path, n: usize) -> Result<String, String> {
    fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let doc = big(n)?;
    let written = write(dir, "big", &meta("big.ar.txt", Some("made-up")), &parts(&doc, n.div_ceil(2000)))?;
    Ok(written.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join("\n"))
}

/// Checks that a file is JSONL beads exactly as `align --format jsonl` writes them: each line
/// reads as a `JsonBead` and writes back to the same bytes, flags are known labels, bead shapes
/// match their sentences, and ids number each side 0, 1, 2 … in order (every sentence in one bead).
fn check(path: &Path) -> Result<String, String> {
    let text = fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let (mut s, mut t) = (0, 0);
    let mut n = 0;
    for (k, line) in text.lines().enumerate() {
        let at = |msg: String| format!("{}:{}: {msg}", path.display(), k + 1);
        let bead: JsonBead = serde_json::from_str(line).map_err(|e| at(e.to_string()))?;
        let again = serde_json::to_string(&bead).map_err(|e| at(e.to_string()))?;
        if again != line {
            return Err(at(format!("not exactly the JSONL schema; serde writes it back as\n{again}")));
        }
        if let Some(bad) = bead.flags.iter().find(|f| Flags::from_label(f).is_none()) {
            return Err(at(format!("unknown flag {bad:?}")));
        }
        if bead.bead != format!("{}-{}", bead.src.len(), bead.tgt.len()) || bead.src.is_empty() && bead.tgt.is_empty() {
            return Err(at(format!("bead {} does not match its sentences", bead.bead)));
        }
        for x in &bead.src {
            if x.id != s {
                return Err(at(format!("source id {} where {s} was due", x.id)));
            }
            s += 1;
        }
        for x in &bead.tgt {
            if x.id != t {
                return Err(at(format!("target id {} where {t} was due", x.id)));
            }
            t += 1;
        }
        n += 1;
    }
    if !text.is_empty() && !text.ends_with('\n') {
        return Err(format!("{}: the last line has no line end", path.display()));
    }
    Ok(format!("ok: {n} beads, {s} source and {t} target sentences"))
}
