//! A real trained model (CTranslate2's Arabic→Latin transliteration test model, from
//! ../shared/models) through the same loading and decoding path as any other model.

use nazir::translate::{Ct2Translator, EngineOptions, ModelDir, Translator};

use crate::common::shared;

#[test]
fn transliteration_model_gives_its_known_outputs() {
    let Some(shared) = shared() else {
        eprintln!("skipping: ../shared is absent");
        return;
    };
    for dir in ["aren-transliteration", "aren-transliteration-i8"] {
        let model = ModelDir::detect(&shared.join("models").join(dir)).unwrap();
        let options = EngineOptions { beam: 2, ..EngineOptions::default() };
        let translator = Ct2Translator::load(model, "ar", "en", options).unwrap();
        let out = translator.translate(&["آ ت ز م و ن", "آ ز ا"], &|_| {}).unwrap();
        assert_eq!(out[0].text, "a t z m o n", "{dir}");
        assert_eq!(out[1].text, "a z z a", "{dir}");
        assert!(out[0].score > 0.5, "a trained model is confident here: {}", out[0].score);
    }
}
