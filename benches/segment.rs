//! Segmentation speed, printed as a table: `cargo bench --bench segment`.
//!
//! Text: the Arabic (and English) sides of NTREX-128 and TICO-19 from ../shared/data, one
//! paragraph per document as `align eval segment` builds them, repeated to about 16 MB (or the
//! BBC sample page in corpora/samples when the shared data is absent). Each engine runs on one
//! thread; the best of five passes is reported, in MB of UTF-8 input per second.

use std::path::Path;
use std::time::Instant;

use nazir::segment::eval::{self, paragraph};
use nazir::segment::srx::SrxDocument;
use nazir::segment::{export, Lang, Segmenter};

const TARGET_BYTES: usize = 16 << 20;

/// A segmenter under test, returning how many sentences it found.
type Counter = Box<dyn Fn(&str) -> usize>;

fn paragraphs(lang: &str) -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    let mut out: Vec<String> = Vec::new();
    if let Ok(corpora) = eval::shared_corpora(&dir) {
        for c in corpora.iter().filter(|c| c.lang == lang && !c.through_reader && c.name != "ud-pud") {
            for d in &c.docs {
                for p in &d.paragraphs {
                    out.push(paragraph(p).0);
                }
            }
        }
    }
    if out.is_empty() && lang == "ar" {
        let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpora/samples/bbc-russia-north-korea.ar.txt");
        let text = std::fs::read_to_string(sample).unwrap_or_default();
        out = text.split("\n\n").map(str::to_string).collect();
    }
    let size: usize = out.iter().map(String::len).sum();
    if size == 0 {
        return out;
    }
    let copies = TARGET_BYTES.div_ceil(size);
    out.iter().cloned().cycle().take(out.len() * copies).collect()
}

fn measure(split: &dyn Fn(&str) -> usize, paras: &[String]) -> (f64, usize) {
    let bytes: usize = paras.iter().map(String::len).sum();
    let mut best = f64::MAX;
    let mut sentences = 0;
    for _ in 0..5 {
        let start = Instant::now();
        sentences = paras.iter().map(|p| split(p)).sum();
        best = best.min(start.elapsed().as_secs_f64());
    }
    (bytes as f64 / 1e6 / best, sentences)
}

fn main() {
    // `cargo bench` passes --bench; `cargo test --benches` runs this too: keep that quick.
    let quick = !std::env::args().any(|a| a == "--bench");
    let mut rows: Vec<(String, String, f64, usize, f64)> = Vec::new();
    for lang in ["ar", "en"] {
        let mut paras = paragraphs(lang);
        if quick {
            paras.truncate(50);
        }
        if paras.is_empty() {
            continue;
        }
        let ours = Segmenter::new(Lang::from_code(lang));
        let exported = Segmenter::from_srx(&export::our_rules(), lang).expect("our export compiles");
        let mut systems: Vec<(String, Counter)> = vec![
            ("ours (built-in rules)".into(), Box::new(move |t| ours.split(t).len())),
            ("naive".into(), Box::new(|t| eval::naive_split(t).len())),
            ("ours as SRX (our SRX engine)".into(), Box::new(move |t| exported.split(t).len())),
        ];
        if let Some(path) = eval::find_languagetool_srx() {
            if let Ok(seg) = SrxDocument::load(&path).and_then(|d| d.rules_for(lang)) {
                systems.push(("LanguageTool SRX (our SRX engine)".into(), Box::new(move |t| seg.breaks(t).len() + 1)));
            }
        }
        for (name, f) in &systems {
            // The SRX engines are slower: time them on a sixteenth of the text.
            let part = if name.contains("SRX") { &paras[..paras.len().div_ceil(16)] } else { &paras[..] };
            let (speed, n) = measure(f.as_ref(), part);
            rows.push((
                lang.to_string(),
                name.clone(),
                speed,
                n,
                part.iter().map(String::len).sum::<usize>() as f64 / 1e6,
            ));
        }
    }
    println!("{:<4} {:<36} {:>10} {:>10} {:>10}", "lang", "segmenter", "MB/s", "sentences", "MB timed");
    for (lang, name, speed, n, mb) in rows {
        println!("{lang:<4} {name:<36} {speed:>10.1} {n:>10} {mb:>10.1}");
    }
    println!("(one thread, best of 5 passes; built with the bench profile)");
}
