//! Every supported model family, from a generated fixture with the family's real file layout,
//! vocabulary and special tokens (random weights): detected, tokenized the family's way, and run.

use std::fs;
use std::path::{Path, PathBuf};

use nazir::translate::model::Family;
use nazir::translate::tokenize::Tokenizer;
use nazir::translate::{Ct2Translator, EngineOptions, ModelDir, Translator};

use crate::common::*;

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/models").join(name)
}

fn quick() -> EngineOptions {
    EngineOptions { beam: 2, max_output_tokens: 12, ..EngineOptions::default() }
}

const SENTENCES: [&str; 3] = ["قال الرئيس إن الخطوة مهمة.", "وأضاف أنها مفيدة للبلدين.", "شكرا."];

fn run(model: ModelDir, from: &str, to: &str) -> Vec<String> {
    let translator = Ct2Translator::load(model, from, to, quick()).unwrap();
    let out = translator.translate(&SENTENCES, &|_| {}).unwrap();
    assert_eq!(out.len(), SENTENCES.len());
    for t in &out {
        assert!((0.0..=1.0).contains(&t.score), "{}", t.score);
    }
    out.into_iter().map(|t| t.text).collect()
}

#[test]
fn each_family_is_detected_and_translates() {
    let cases = [
        ("opus-mt-ar-en-tiny", Family::OpusMt),
        ("nllb-200-tiny", Family::Nllb),
        ("m2m100-tiny", Family::M2m100),
        ("argos-ar-en-tiny", Family::Argos),
        ("hf-tokenizer-tiny", Family::HfTokenizer),
    ];
    for (name, family) in cases {
        let model = ModelDir::detect(&fixture(name)).unwrap();
        assert_eq!(model.family, family, "{name}");
        let texts = run(model, "ar", "en");
        for t in &texts {
            assert!(!t.contains("eng_Latn") && !t.contains("__en__"), "{name}: language token left in {t:?}");
        }
    }
}

#[test]
fn opus_mt_source_ends_with_exactly_one_eos_unless_config_adds_it() {
    let model = ModelDir::detect(&fixture("opus-mt-ar-en-tiny")).unwrap();
    let tok = Tokenizer::load(&model, (None, None)).unwrap();
    let tokens = tok.encode("قال الرئيس.").unwrap();
    assert_eq!(tokens.last().map(String::as_str), Some("</s>"));
    assert_eq!(tokens.iter().filter(|t| *t == "</s>").count(), 1);

    // A conversion whose config.json says CTranslate2 appends </s> itself: we must not.
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixture("opus-mt-ar-en-tiny"), &dir.path().join("opus-mt-ar-en"));
    let config = dir.path().join("opus-mt-ar-en/config.json");
    let text = fs::read_to_string(&config).unwrap().replace("\"add_source_eos\": false", "\"add_source_eos\": true");
    fs::write(&config, text).unwrap();
    let model = ModelDir::detect(&dir.path().join("opus-mt-ar-en")).unwrap();
    let tok = Tokenizer::load(&model, (None, None)).unwrap();
    assert!(!tok.encode("قال الرئيس.").unwrap().contains(&"</s>".to_string()));
}

#[test]
fn multilingual_models_take_language_tokens() {
    let model = ModelDir::detect(&fixture("nllb-200-tiny")).unwrap();
    assert_eq!(model.language_tokens.len(), 202);
    let langs = model.languages_for("ar", "fr").unwrap();
    assert_eq!(langs, (Some("arb_Arab".to_string()), Some("fra_Latn".to_string())));
    let tok = Tokenizer::load(&model, langs).unwrap();
    let tokens = tok.encode("نص").unwrap();
    assert_eq!(tokens.first().map(String::as_str), Some("arb_Arab"));
    assert_eq!(tokens.last().map(String::as_str), Some("</s>"));
    // Any target the model knows works; an unknown one is a clear error.
    run(model.clone(), "ar", "fr");
    let err = model.languages_for("ar", "xx").unwrap_err().to_string();
    assert!(err.contains("no language token for \"xx\""), "{err}");

    let m2m = ModelDir::detect(&fixture("m2m100-tiny")).unwrap();
    assert_eq!(m2m.languages_for("ar-EG", "de").unwrap(), (Some("__ar__".into()), Some("__de__".into())));
}

#[test]
fn single_pair_models_refuse_other_targets() {
    let argos = ModelDir::detect(&fixture("argos-ar-en-tiny")).unwrap();
    assert_eq!(argos.pair, Some(("ar".into(), "en".into())));
    let err = argos.languages_for("ar", "fr").unwrap_err().to_string();
    assert!(err.contains("translates ar→en, not ar→fr"), "{err}");
}

#[test]
fn argos_package_opens_straight_from_its_zip() {
    let dir = tempfile::tempdir().unwrap();
    let zip_path = dir.path().join("translate-ar_en-1_0.argosmodel");
    zip_dir(&fixture("argos-ar-en-tiny"), "translate-ar_en-1_0", &zip_path);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_align"))
        .args(["info", "--load", "--model"])
        .arg(&zip_path)
        .env("NAZIR_CACHE_DIR", dir.path().join("cache"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout.contains("Argos Translate package"), "{stdout}");
    assert!(stdout.contains("ar → en"), "{stdout}");
    assert!(stdout.contains("load:         ok"), "{stdout}");
}

#[test]
fn directory_matching_no_family_lists_what_was_looked_for() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("model.bin"), b"x").unwrap();
    fs::write(dir.path().join("sentencepiece.model"), b"x").unwrap();
    let err = ModelDir::detect(dir.path()).unwrap_err().to_string();
    assert!(err.contains("source.spm + target.spm") && err.contains("tokenizer.json"), "{err}");
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn zip_dir(from: &Path, prefix: &str, zip_path: &Path) {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(fs::File::create(zip_path).unwrap());
    let options: zip::write::SimpleFileOptions = Default::default();
    fn walk(dir: &Path, rel: &str, zip: &mut zip::ZipWriter<fs::File>, options: zip::write::SimpleFileOptions) {
        for entry in fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let name = format!("{rel}/{}", entry.file_name().to_string_lossy());
            if entry.path().is_dir() {
                walk(&entry.path(), &name, zip, options);
            } else {
                zip.start_file(name, options).unwrap();
                zip.write_all(&fs::read(entry.path()).unwrap()).unwrap();
            }
        }
    }
    walk(from, prefix, &mut zip, options);
    zip.finish().unwrap();
}

#[test]
fn cuda_without_a_gpu_is_one_clear_line() {
    if ct2rs::sys::get_device_count(ct2rs::sys::Device::CUDA) > 0 {
        eprintln!("skipping: this machine has a CUDA device");
        return;
    }
    let out = align(&[
        sample().to_str().unwrap(),
        "--model",
        fixture("opus-mt-ar-en-tiny").to_str().unwrap(),
        "-f",
        "tsv",
        "-o",
        "-",
        "--device",
        "cuda",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("no CUDA device is visible") && err.contains("--device cpu"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
}
