//! Property tests: for arbitrary beads (any Unicode text, with markup characters, `]]>`,
//! control characters, bidi marks, emoji, every bead shape and flag) every format is written,
//! parses, and reads back through `align convert`'s readers to the same beads: exactly for
//! JSONL; for the pair formats, the same text per side (less what XML forbids), ids, score to
//! three decimals, flags and paragraph.

use proptest::prelude::*;

use super::{read_bytes, InputFormat};
use crate::bead::{Aligned, Bead, Flags, Meta, Sentence};
use crate::output::xml::strip_forbidden;
use crate::output::{writers_for, Format, TmxOptions, TmxUnits, Writer, WriterOptions, XliffVersion, LINE_BREAKS};

fn text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        prop::sample::select(vec![
            "<",
            "&",
            "]]>",
            "&amp;",
            "\"'",
            "\t",
            "\n",
            "\r",
            "\r\n",
            "\\",
            "\\t",
            "\u{0}",
            "\u{1}",
            "\u{1B}",
            "\u{7F}",
            "\u{FFFE}",
            "\u{FFFF}",
            "\u{200F}",
            "\u{202B}",
            "\u{2066}",
            "\u{2069}",
            "\u{61C}",
            "😀",
            "👩\u{200D}👩\u{200D}👧",
            "مرحبا بالعالم.",
            "Hello, world. ",
            " ",
            "_x0041_",
            "\u{85}\u{2028}",
            "؟",
            "١٢٣",
            "ـــ",
            "\u{FEFF}",
        ])
        .prop_map(String::from),
        any::<char>().prop_map(String::from),
        "[a-z ]{0,8}",
    ];
    prop::collection::vec(piece, 0..6).prop_map(|v| v.concat())
}

type BeadSpec = ((usize, usize), u32, u16, bool, Vec<String>, Vec<String>);

fn bead_spec() -> impl Strategy<Value = BeadSpec> {
    let kind = prop::sample::select(vec![(1, 1), (1, 1), (2, 1), (1, 2), (1, 0), (0, 1), (2, 2)]);
    (kind, 0..=1000u32, 0..128u16, any::<bool>(), prop::collection::vec(text(), 2), prop::collection::vec(text(), 2))
}

fn flags_from(bits: u16) -> Flags {
    Flags::ALL.iter().enumerate().filter(|(i, _)| bits & (1 << i) != 0).fold(Flags::NONE, |acc, (_, (f, _))| acc | *f)
}

/// Builds a valid document from bead specs (ids from 3 on, to show they are kept).
fn build(specs: Vec<BeadSpec>) -> Aligned {
    let mut a = Aligned::default();
    let mut paragraph = 0;
    let mut offset = 0;
    for (i, ((ns, nt), milli, bits, new_paragraph, src, tgt)) in specs.into_iter().enumerate() {
        if new_paragraph && i > 0 {
            paragraph += 1;
        }
        let (s, t) = (a.source.len(), a.target.len());
        for text in src.into_iter().take(ns) {
            let end = offset + text.len();
            a.source.push(Sentence {
                id: 3 + a.source.len(),
                text,
                paragraph,
                span: Some(offset..end),
                line: paragraph + 1,
            });
            offset = end + 1;
        }
        for text in tgt.into_iter().take(nt) {
            a.target.push(Sentence { id: 3 + a.target.len(), text, paragraph, span: None, line: 0 });
        }
        let score = milli as f32 / 1000.0;
        a.beads.push(Bead { src: s..s + ns, tgt: t..t + nt, score, flags: flags_from(bits) });
    }
    a
}

/// The beads `k..` of `a` as a part of their own (to write a document in two parts).
fn split(a: &Aligned, k: usize) -> (Aligned, Aligned) {
    let (s, t) = a.beads.get(k).map_or((a.source.len(), a.target.len()), |b| (b.src.start, b.tgt.start));
    let first = Aligned {
        paragraphs: vec![],
        source: a.source[..s].to_vec(),
        target: a.target[..t].to_vec(),
        beads: a.beads[..k].to_vec(),
    };
    let rest = Aligned {
        paragraphs: vec![],
        source: a.source[s..].to_vec(),
        target: a.target[t..].to_vec(),
        beads: a.beads[k..]
            .iter()
            .map(|b| Bead { src: b.src.start - s..b.src.end - s, tgt: b.tgt.start - t..b.tgt.end - t, ..b.clone() })
            .collect(),
    };
    (first, rest)
}

fn meta(doc: &str) -> Meta {
    Meta {
        input: doc.to_string(),
        src_lang: "ar".into(),
        tgt_lang: "en".into(),
        model: Some(format!("m{doc}")),
        created: time::macros::datetime!(2026-11-29 10:20:30 UTC),
    }
}

fn write(writer: &mut dyn Writer, a: &Aligned, doc: &str) -> Vec<u8> {
    let mut out = Vec::new();
    writer.begin(&meta(doc), &mut out).unwrap();
    let (first, rest) = split(a, a.beads.len() / 2);
    writer.write(&first, &mut out).unwrap();
    writer.write(&rest, &mut out).unwrap();
    writer.finish(&mut out).unwrap();
    out
}

fn write_format(format: Format, options: &WriterOptions, a: &Aligned, doc: &str) -> Vec<Vec<u8>> {
    writers_for(format, options).iter_mut().map(|w| write(w.as_mut(), a, doc)).collect()
}

/// What a pair format keeps of a bead.
#[derive(Debug, PartialEq)]
struct Pair {
    src: String,
    tgt: String,
    src_ids: Vec<usize>,
    tgt_ids: Vec<usize>,
    score: i64,
    flags: Flags,
    paragraph: usize,
}

fn pairs(a: &Aligned, xml: bool, keep_empty: bool) -> Vec<Pair> {
    let clean = |s: String| if xml { strip_forbidden(&s).0.into_owned() } else { s };
    a.beads
        .iter()
        .filter(|b| keep_empty || (!b.src.is_empty() && !b.tgt.is_empty()))
        .map(|b| Pair {
            src: clean(Aligned::join(a.src_of(b))),
            tgt: clean(Aligned::join(a.tgt_of(b))),
            src_ids: a.src_of(b).iter().map(|s| s.id).collect(),
            tgt_ids: a.tgt_of(b).iter().map(|s| s.id).collect(),
            score: (f64::from(b.score) * 1000.0).round() as i64,
            flags: b.flags,
            paragraph: a.paragraph_of(b),
        })
        .collect()
}

fn options(units: TmxUnits, keep_empty: bool, xliff: XliffVersion) -> WriterOptions {
    WriterOptions { tmx: TmxOptions { keep_empty, units, ..TmxOptions::default() }, xliff, low_score: 0.3 }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn every_format_is_written_and_reads_back_to_the_same_beads(
        specs in prop::collection::vec(bead_spec(), 1..10),
        doc in text(),
    ) {
        let a = build(specs);
        prop_assert_eq!(a.check(), Ok(()));
        let plain = options(TmxUnits::Sentence, false, XliffVersion::V12);
        let doc_xml = strip_forbidden(&doc).0.into_owned();

        // JSONL: lossless.
        let jsonl = write_format(Format::Jsonl, &plain, &a, &doc).remove(0);
        let (back, header) = read_bytes(InputFormat::Jsonl, "t.jsonl", jsonl, None).unwrap();
        prop_assert_eq!(&back.source, &a.source);
        prop_assert_eq!(&back.target, &a.target);
        prop_assert_eq!(&back.beads, &a.beads);
        prop_assert_eq!(header.doc.as_deref(), Some(doc.as_str()));

        // TSV: every line one record of 8 fields; pairs back.
        let tsv = write_format(Format::Tsv, &plain, &a, &doc).remove(0);
        let text = String::from_utf8(tsv.clone()).unwrap();
        prop_assert_eq!(text.split_terminator('\n').count(), a.beads.len() + 1);
        prop_assert!(text.split_terminator('\n').all(|l| l.split('\t').count() == 8));
        let (back, _) = read_bytes(InputFormat::Tsv, "t.tsv", tsv, None).unwrap();
        prop_assert_eq!(pairs(&back, false, true), pairs(&a, false, true));

        // TMX: default (empty-side beads left out), kept, and with paragraph units beside.
        for (units, keep) in [(TmxUnits::Sentence, false), (TmxUnits::Sentence, true), (TmxUnits::Both, true)] {
            let tmx = write_format(Format::Tmx, &options(units, keep, XliffVersion::V12), &a, &doc).remove(0);
            let (back, header) = read_bytes(InputFormat::Tmx, "t.tmx", tmx, None).unwrap();
            prop_assert_eq!(pairs(&back, true, true), pairs(&a, true, keep));
            if !back.beads.is_empty() {
                prop_assert_eq!(header.doc.as_deref(), Some(doc_xml.as_str()));
                prop_assert_eq!(header.src_lang.as_deref(), Some("ar"));
            }
        }

        // XLIFF 1.2 and 2.1: every bead.
        for version in [XliffVersion::V12, XliffVersion::V21] {
            let xlf = write_format(Format::Xliff, &options(TmxUnits::Sentence, false, version), &a, &doc).remove(0);
            let (back, header) = read_bytes(InputFormat::Xliff, "t.xlf", xlf, None).unwrap();
            prop_assert_eq!(pairs(&back, true, true), pairs(&a, true, true), "{:?}", version);
            prop_assert_eq!(header.doc.as_deref(), Some(doc_xml.as_str()));
            prop_assert_eq!(header.model, Some(format!("m{doc_xml}")));
        }

        // Moses: parallel lines, no line break of any kind inside one.
        let moses = write_format(Format::Moses, &plain, &a, &doc);
        let full = a.beads.iter().filter(|b| !b.src.is_empty() && !b.tgt.is_empty()).count();
        for side in &moses {
            let text = String::from_utf8(side.clone()).unwrap();
            prop_assert_eq!(text.split_terminator('\n').count(), full);
            prop_assert!(!text.split_terminator('\n').any(|l| l.contains(LINE_BREAKS)));
        }

        // XLSX, side-by-side and HTML are written.
        prop_assert!(write_format(Format::Xlsx, &plain, &a, &doc)[0].starts_with(b"PK\x03\x04"));
        prop_assert!(!write_format(Format::SideBySide, &plain, &a, &doc)[0].is_empty());
        prop_assert!(!write_format(Format::Html, &plain, &a, &doc)[0].is_empty());
    }

    #[test]
    fn readers_never_panic_on_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        for format in [InputFormat::Jsonl, InputFormat::Tsv, InputFormat::Tmx, InputFormat::Xliff] {
            let _ = read_bytes(format, "x", bytes.clone(), None);
        }
    }

    #[test]
    fn readers_never_panic_on_damaged_files(
        specs in prop::collection::vec(bead_spec(), 1..4),
        cut in any::<prop::sample::Index>(),
        junk in prop::sample::select(vec!["<", "&", "\"", "</tu>", "<tu>", "\t", "\n", "{", "x-score\">2", "-", ",", ";", "\u{0}", "\u{FFFF}"]),
    ) {
        let a = build(specs);
        let keep = options(TmxUnits::Both, true, XliffVersion::V12);
        let v21 = options(TmxUnits::Sentence, false, XliffVersion::V21);
        for (format, input, opts) in [
            (Format::Jsonl, InputFormat::Jsonl, &keep),
            (Format::Tsv, InputFormat::Tsv, &keep),
            (Format::Tmx, InputFormat::Tmx, &keep),
            (Format::Xliff, InputFormat::Xliff, &keep),
            (Format::Xliff, InputFormat::Xliff, &v21),
        ] {
            let bytes = write_format(format, opts, &a, "d").remove(0);
            let at = cut.index(bytes.len() + 1);
            let mut damaged = bytes[..at].to_vec();
            damaged.extend_from_slice(junk.as_bytes());
            damaged.extend_from_slice(&bytes[at..]);
            let _ = read_bytes(input, "x", damaged, None);
            let _ = read_bytes(input, "x", bytes[..at].to_vec(), None);
        }
    }
}
