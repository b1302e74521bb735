//! The SRX reader: any document parses or gives an error; rules that compile split any text
//! losslessly (the rules are themselves input: Java regular expressions translated to ours).
#![no_main]

use libfuzzer_sys::fuzz_target;
use nazir::segment::srx::SrxDocument;
use nazir::segment::Segmenter;

const TEXTS: [&str; 3] =
    ["قال د. أحمد: \"انتهى.\" ثم غادر؟ نعم!", "Mr. Smith went to Washington. He left.", " a.b. . ؟ "];

fuzz_target!(|data: &[u8]| {
    let Ok(xml) = std::str::from_utf8(data) else { return };
    let Ok(doc) = SrxDocument::parse(xml, "fuzz") else { return };
    for lang in ["ar", "en-US", ""] {
        let Ok(seg) = Segmenter::from_srx(&doc, lang) else { continue };
        for text in TEXTS {
            let mut last = 0;
            for r in seg.split(text) {
                assert!(r.start >= last && r.end <= text.len() && text.is_char_boundary(r.start));
                assert!(text[last..r.start].trim().is_empty());
                last = r.end;
            }
        }
    }
});
