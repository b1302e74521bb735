//! Property tests over the whole pipeline and the writers (issue 10), beside the ones next to the
//! code (segment/props.rs: segmentation is lossless; convert/roundtrip.rs: formats read back; read:
//! chunked decoding). Here: any text read, segmented and paired gives beads that hold every
//! sentence exactly once, with spans that point at the sentence in the input; and the review page,
//! the XLSX sheet and the side-by-side columns are well-formed for arbitrary strings.

use std::io::{Cursor, Read};

use nazir::align::{pair_translations, Thresholds};
use nazir::bead::{Aligned, Bead, Flags, Meta, Paragraph, Sentence};
use nazir::output::{writers_for, Format, SideBySideWriter, Writer, WriterOptions};
use nazir::read::{Lines, Paragraphs, TextEncoding};
use nazir::segment::{output_text, Lang, Segmenter};
use nazir::translate::Translation;
use proptest::prelude::*;
use unicode_width::UnicodeWidthStr;

/// Text with what breaks things: line ends of every kind, form feeds, bidi controls, marks,
/// emoji, terminators, quotes, markup and control characters.
fn nasty_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        prop::sample::select(vec![
            "قال",
            "الرئيس",
            "د.",
            ".",
            "؟",
            "!",
            "...",
            "«",
            "»",
            "\"",
            " ",
            " ",
            "\n",
            "\n\n",
            "\r\n",
            "\r",
            "\u{c}",
            "\t",
            "\u{a0}",
            "\u{202E}",
            "\u{202C}",
            "\u{200F}",
            "\u{651}",
            "😀",
            "👩\u{200D}👧",
            "<b>",
            "&",
            "]]>",
            "\u{1}",
            "\u{1b}[31m",
            "Mr.",
            "U.S.",
            "word",
            "٣.٥",
            "١.",
            "•",
        ])
        .prop_map(String::from),
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..80).prop_map(|v| v.concat())
}

fn meta() -> Meta {
    Meta {
        input: "t".into(),
        src_lang: "ar".into(),
        tgt_lang: "en".into(),
        model: Some("m".into()),
        created: time::OffsetDateTime::UNIX_EPOCH,
    }
}

/// Reads, segments and pairs `text` (with a fake translation) as `translate_document` does.
/// `None` when the reader refuses the text (the UTF-16 sniffing can take a run of U+0600 block
/// characters and controls for UTF-16).
fn pipeline(text: &str, lang: Lang) -> Option<(Vec<Paragraph>, Aligned)> {
    let lines = Lines::new("t".into(), Box::new(Cursor::new(text.as_bytes().to_vec())), TextEncoding::Auto);
    let paragraphs: Vec<Paragraph> = match Paragraphs::new(lines).collect::<Result<_, _>>() {
        Ok(p) => p,
        Err(nazir::read::ReadError::Utf16WithoutBom { .. }) => return None,
        Err(e) => panic!("valid UTF-8 without NUL is read: {e}"),
    };
    let segmenter = Segmenter::new(lang);
    let mut source = Vec::new();
    for p in &paragraphs {
        source.extend(segmenter.sentences(p, source.len()));
    }
    let translations = source
        .iter()
        .map(|s: &Sentence| Translation { text: s.text.to_uppercase(), score: 0.5, flags: Flags::NONE })
        .collect();
    let aligned = pair_translations(paragraphs.clone(), source, translations, 0, &Thresholds::default());
    Some((paragraphs, aligned))
}

/// A bead set built from arbitrary texts and shapes.
fn aligned_strategy() -> impl Strategy<Value = Aligned> {
    let bead = (0usize..3, 0usize..3, 0u32..=1000, any::<u16>(), prop::collection::vec(nasty_text(), 6));
    prop::collection::vec(bead, 1..8).prop_map(|beads| {
        let mut a = Aligned::default();
        for (k, (n, m, score, flags, texts)) in beads.into_iter().enumerate() {
            let (n, m) = if n + m == 0 { (1, 1) } else { (n, m) };
            let (s, t) = (a.source.len(), a.target.len());
            let sentence =
                |id: usize, text: &String| Sentence { id, text: text.clone(), paragraph: k / 2, span: None, line: 0 };
            a.source.extend(texts[..n].iter().enumerate().map(|(i, text)| sentence(s + i, text)));
            a.target.extend(texts[3..3 + m].iter().enumerate().map(|(j, text)| sentence(t + j, text)));
            let flags = Flags::from_bits(flags);
            a.beads.push(Bead { src: s..s + n, tgt: t..t + m, score: score as f32 / 1000.0, flags });
        }
        a
    })
}

fn render(writer: &mut dyn Writer, a: &Aligned) -> Vec<u8> {
    let mut out = Vec::new();
    writer.begin(&meta(), &mut out).unwrap();
    writer.write(a, &mut out).unwrap();
    writer.finish(&mut out).unwrap();
    out
}

/// The text of the `<script type="application/json" id=ID>` block of a review page.
fn script_block<'a>(html: &'a str, id: &str) -> &'a str {
    let open = format!("<script type=\"application/json\" id=\"{id}\">");
    let start = html.find(&open).expect("the block is there") + open.len();
    let len = html[start..].find("</script>").expect("the block is closed");
    &html[start..start + len]
}

/// Checks that `xml` is well-formed (quick-xml reads it to the end without an error).
fn well_formed(xml: &[u8]) -> Result<usize, String> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    reader.config_mut().check_end_names = true;
    let mut buf = Vec::new();
    let mut elements = 0;
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(quick_xml::events::Event::Eof) => return Ok(elements),
            Ok(quick_xml::events::Event::Start(_) | quick_xml::events::Event::Empty(_)) => elements += 1,
            Ok(_) => {}
            Err(e) => return Err(format!("at byte {}: {e}", reader.buffer_position())),
        }
        buf.clear();
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Every sentence is in exactly one bead, in order; each sentence's span points at its text
    /// in the input; the paragraphs' sentences leave out only whitespace.
    #[test]
    fn beads_hold_every_sentence_once_and_spans_point_into_the_input(text in nasty_text(), arabic in any::<bool>()) {
        let text = text.replace('\0', ""); // a NUL makes the input binary (its own test)
        let piped = pipeline(&text, if arabic { Lang::Arabic } else { Lang::English });
        prop_assume!(piped.is_some());
        let (paragraphs, a) = piped.unwrap();
        prop_assert_eq!(a.check(), Ok(()));
        let mut seen = vec![0; a.source.len()];
        for b in &a.beads {
            for i in b.src.clone() {
                seen[i] += 1;
            }
            prop_assert_eq!(b.src.len(), 1);
        }
        prop_assert!(seen.iter().all(|&n| n == 1));
        // Offsets are in the decoded text: the input less its BOM.
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        for s in &a.source {
            let span = s.span.clone().expect("source sentences have spans");
            prop_assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
            let in_input = output_text(&text[span].replace("\r\n", "\n").replace('\r', "\n"));
            prop_assert_eq!(&in_input, &s.text);
        }
        let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        let from_paragraphs: String = paragraphs.iter().map(|p| squash(&p.text)).collect();
        let from_sentences: String = a.source.iter().map(|s| squash(&s.text)).collect();
        prop_assert_eq!(from_sentences, from_paragraphs);
    }

    /// The review page keeps text out of its markup: exactly its own four script elements, and
    /// the beads' JSON block parses back to the same texts.
    #[test]
    fn review_page_is_well_formed_for_any_text(a in aligned_strategy()) {
        let html = String::from_utf8(render(writers_for(Format::Html, &WriterOptions::default()).remove(0).as_mut(), &a)).unwrap();
        prop_assert_eq!(html.matches("<script").count(), 4);
        prop_assert_eq!(html.to_ascii_lowercase().matches("</script").count(), 4);
        let beads: serde_json::Value = serde_json::from_str(script_block(&html, "nazir-beads")).expect("bead JSON parses");
        let beads = beads.as_array().unwrap();
        prop_assert_eq!(beads.len(), a.beads.len());
        for (b, json) in a.beads.iter().zip(beads) {
            let src: Vec<&str> = json["src"].as_array().unwrap().iter().map(|s| s["text"].as_str().unwrap()).collect();
            let want: Vec<&str> = a.src_of(b).iter().map(|s| s.text.as_str()).collect();
            prop_assert_eq!(src, want);
        }
    }

    /// Every XML part of the XLSX file is well-formed.
    #[test]
    fn xlsx_parts_are_well_formed_for_any_text(a in aligned_strategy()) {
        let bytes = render(writers_for(Format::Xlsx, &WriterOptions::default()).remove(0).as_mut(), &a);
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip file");
        for i in 0..zip.len() {
            let mut part = zip.by_index(i).unwrap();
            if !part.name().ends_with(".xml") && !part.name().ends_with(".rels") {
                continue;
            }
            let name = part.name().to_string();
            let mut xml = Vec::new();
            part.read_to_end(&mut xml).unwrap();
            prop_assert!(well_formed(&xml).is_ok(), "{}: {:?}", name, well_formed(&xml));
        }
    }

    /// Side-by-side columns line up whatever the text: every row is exactly the page width.
    #[test]
    fn side_by_side_rows_are_the_page_width(a in aligned_strategy(), width in 40usize..120) {
        let text = String::from_utf8(render(&mut SideBySideWriter { width }, &a)).unwrap();
        for line in text.lines().filter(|l| l.contains(" │ ")) {
            prop_assert_eq!(line.width(), width, "{:?}", line);
        }
    }
}
