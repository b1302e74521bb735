//! Shared by the `align convert` targets: read the bytes in one format; what reads must be a
//! well-formed bead set, and every writer must write it (JSONL reading back to the same beads).

use nazir::bead::Meta;
use nazir::convert::{read_bytes, InputFormat};
use nazir::output::{writers_for, Format, WriterOptions};

pub fn check(format: InputFormat, data: &[u8]) {
    let Ok((aligned, _header)) = read_bytes(format, "fuzz", data.to_vec(), None) else { return };
    assert_eq!(aligned.check(), Ok(()), "a reader gave beads that do not cover their sentences");
    let meta = Meta {
        input: "fuzz".into(),
        src_lang: "ar".into(),
        tgt_lang: "en".into(),
        model: None,
        created: time::OffsetDateTime::UNIX_EPOCH,
    };
    for out_format in [
        Format::Tmx,
        Format::Tsv,
        Format::Jsonl,
        Format::Html,
        Format::SideBySide,
        Format::Moses,
        Format::Xliff,
        Format::Xlsx,
    ] {
        for mut writer in writers_for(out_format, &WriterOptions::default()) {
            let mut out = Vec::new();
            writer.begin(&meta, &mut out).unwrap();
            writer.write(&aligned, &mut out).unwrap();
            writer.finish(&mut out).unwrap();
            if out_format == Format::Jsonl {
                let (back, _) = read_bytes(InputFormat::Jsonl, "back", out, None).expect("our JSONL reads back");
                assert_eq!(back.beads, aligned.beads);
                assert_eq!(back.source, aligned.source);
                assert_eq!(back.target, aligned.target);
            }
        }
    }
}
