//! The raw engine on pre-tokenized input: what `bench/engine.sh` compares with Python's
//! ctranslate2 on the very same tokens and settings.
//!
//!     cargo bench --bench engine -- --model DIR --tokens FILE [--beam 4] [--batch 32]
//!         [--max-decoding 40] [--threads 2] [--repeat 3]
//!
//! FILE holds one sentence per line as space-separated tokens (already ending in `</s>` where
//! the model needs it). Prints one JSON line: sentences, output tokens, best time, tokens/s.

use std::time::Instant;

use nazir::translate::{Ct2Translator, EngineOptions, ModelDir};

fn arg(args: &[String], name: &str, default: &str) -> String {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned().unwrap_or_else(|| default.to_string())
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--bench") && !args.iter().any(|a| a == "--model") {
        // `cargo bench` without arguments: nothing to measure here (bench/engine.sh drives this).
        eprintln!("engine bench: run it through bench/engine.sh (needs --model and --tokens)");
        return;
    }
    let model = arg(&args, "--model", "");
    let tokens_file = arg(&args, "--tokens", "");
    let num = |name: &str, default: &str| arg(&args, name, default).parse::<usize>().expect("a number");
    let options = EngineOptions {
        beam: num("--beam", "4"),
        batch_size: num("--batch", "32"),
        max_output_tokens: num("--max-decoding", "40"),
        max_input_tokens: 100_000,
        threads: num("--threads", "2"),
        compute_type: nazir::translate::ct2::parse_compute_type(&arg(&args, "--compute-type", "int8"))
            .expect("compute type"),
        // --uniform: batches of equal-length inputs only, as corpus mode runs the engine.
        uniform_batches: args.iter().any(|a| a == "--uniform"),
        ..EngineOptions::default()
    };
    let repeat = num("--repeat", "3");
    let dir = ModelDir::detect(std::path::Path::new(&model)).expect("model directory");
    let translator = Ct2Translator::load(dir, "ar", "en", options).expect("model loads");
    let text = std::fs::read_to_string(&tokens_file).expect("tokens file");
    let pieces: Vec<Vec<String>> =
        text.lines().filter(|l| !l.is_empty()).map(|l| l.split(' ').map(String::from).collect()).collect();
    // One warm-up run (first-call allocations), then the best of `repeat`.
    let mut out_tokens = 0;
    let mut best = f64::INFINITY;
    for round in 0..=repeat {
        let started = Instant::now();
        let results = translator.translate_tokens(&pieces, &|_| {}).expect("translation");
        let secs = started.elapsed().as_secs_f64();
        out_tokens = results.iter().map(|(t, _)| t.len()).sum::<usize>();
        if round > 0 {
            best = best.min(secs);
        }
    }
    println!(
        "{{\"engine\":\"nazir\",\"sentences\":{},\"output_tokens\":{},\"seconds\":{:.4},\"tokens_per_s\":{:.1}}}",
        pieces.len(),
        out_tokens,
        best,
        out_tokens as f64 / best
    );
}
