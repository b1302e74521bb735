//! `align corpus merge`: the per-file JSONL of one or many corpus runs → one clean corpus.
//!
//! Files are taken from each directory's manifests (or, without one, every JSONL below it) and
//! merged in the order of their relative paths, so N shard directories give exactly what one
//! run's directory gives. Each pair goes through the filters of `filter` and global
//! de-duplication; kept pairs go to the formats asked for, rejected ones to
//! NAME.ar-en.rejected.tsv with their reason, and the counts to NAME.ar-en.merge.json.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::filter::{self, FilterOptions, Reason};
use super::manifest::{self, Status};
use super::CorpusError;
use crate::bead::{Aligned, Bead, Flags, Meta, Sentence};
use crate::output::{self, escape_field, Destination, Format, JsonBead, Outputs, WriterOptions};
use crate::Error;

/// Pairs handed to the writers at a time.
const PART_PAIRS: usize = 4096;

pub struct Options {
    pub dirs: Vec<PathBuf>,
    pub formats: Vec<Format>,
    pub out_dir: PathBuf,
    pub name: String,
    pub filters: FilterOptions,
    pub dedup: bool,
    pub writer_options: WriterOptions,
}

/// What a merge did.
#[derive(Debug, Default, Serialize)]
pub struct MergeReport {
    pub dirs: Vec<String>,
    pub files: usize,
    pub pairs: usize,
    pub kept: usize,
    pub rejected: BTreeMap<String, usize>,
    pub filters: BTreeMap<String, String>,
    pub written: Vec<String>,
    #[serde(skip)]
    pub warnings: Vec<String>,
}

impl MergeReport {
    pub fn summary(&self) -> String {
        let mut out = format!(
            "align: merged {} files from {} directories: {} pairs, {} kept, {} rejected\n",
            self.files,
            self.dirs.len(),
            self.pairs,
            self.kept,
            self.pairs - self.kept
        );
        for (reason, n) in &self.rejected {
            let _ = writeln!(out, "  {reason:<18} {n:>9}");
        }
        for w in &self.written {
            let _ = writeln!(out, "  wrote {w}");
        }
        out
    }
}

/// One file's JSONL, found in a run's output directory.
struct Source {
    rel: String,
    jsonl: PathBuf,
}

/// The JSONL files of the runs in `dirs`, by relative input path; a path present in several
/// directories (overlapping runs) is taken from the first and reported.
fn sources(dirs: &[PathBuf], warnings: &mut Vec<String>) -> Result<Vec<Source>, Error> {
    let mut found: BTreeMap<String, PathBuf> = BTreeMap::new();
    for dir in dirs {
        if !dir.is_dir() {
            return Err(CorpusError::Usage(format!("{} is not a directory of corpus outputs", dir.display())).into());
        }
        let (entries, bad) = manifest::load_all(dir)?;
        warnings.extend(bad);
        let mut here: BTreeMap<String, PathBuf> = BTreeMap::new();
        if entries.is_empty() {
            // No manifest: every JSONL below the directory (e.g. single-file runs' outputs).
            for e in walkdir::WalkDir::new(dir).sort_by_file_name().into_iter().filter_map(|e| e.ok()) {
                let name = e.file_name().to_string_lossy();
                if e.file_type().is_file() && name.ends_with(".jsonl") && !name.starts_with('.') {
                    let rel = super::pipeline::relative_to(e.path(), dir);
                    here.insert(rel, e.path().to_path_buf());
                }
            }
        } else {
            for (rel, list) in entries {
                // The newest line for a path wins (a rerun with other options appends another).
                let Some(entry) = list.iter().rev().find(|e| e.status == Status::Done) else { continue };
                if let Some(jsonl) = entry.outputs.iter().find(|o| o.ends_with(".jsonl")) {
                    here.insert(rel, dir.join(jsonl));
                }
            }
        }
        for (rel, path) in here {
            match found.get(&rel) {
                Some(first) if first != &path => warnings.push(format!(
                    "{rel} is in more than one directory: {} is used, {} is not",
                    first.display(),
                    path.display()
                )),
                Some(_) => {}
                None => {
                    found.insert(rel, path);
                }
            }
        }
    }
    Ok(found.into_iter().map(|(rel, jsonl)| Source { rel, jsonl }).collect())
}

/// Merges, filters and writes; see the module comment.
pub fn run(o: &Options) -> Result<MergeReport, Error> {
    let mut report =
        MergeReport { dirs: o.dirs.iter().map(|d| d.display().to_string()).collect(), ..Default::default() };
    let sources = sources(&o.dirs, &mut report.warnings)?;
    if sources.is_empty() {
        return Err(CorpusError::NoInputs(format!(
            "no JSONL outputs in {} (corpus runs write them, with a manifest, into --out-dir)",
            report.dirs.join(", ")
        ))
        .into());
    }
    report.files = sources.len();
    // Languages and model come from the first record; the files must agree on the languages.
    let first = first_bead(&sources)?;
    let (src_lang, tgt_lang) = (first.src_lang.clone(), first.tgt_lang.clone());
    let mut filters = o.filters.clone();
    filters.arabic_source &= filter::is_arabic(&src_lang);
    std::fs::create_dir_all(&o.out_dir)
        .map_err(|source| CorpusError::Write { path: o.out_dir.display().to_string(), source })?;

    let stem = &o.name;
    let mut plan = Vec::new();
    for &format in &crate::config::dedup(&o.formats) {
        let dests = output::paths_for(&o.out_dir, stem, format, &src_lang, &tgt_lang);
        for (dest, writer) in dests.into_iter().zip(output::writers_for(format, &o.writer_options)) {
            plan.push((Destination::File(dest), writer));
        }
    }
    let meta = Meta {
        input: stem.clone(),
        src_lang: src_lang.clone(),
        tgt_lang: tgt_lang.clone(),
        model: first.model.clone(),
        created: Meta::creation_time(),
    };
    let mut outputs = Outputs::create(plan, &meta)?;
    let rejected_path = o.out_dir.join(format!("{stem}.{src_lang}-{tgt_lang}.rejected.tsv"));
    let mut rejected = TempOut::create(&rejected_path)?;
    rejected.write(&format!("reason\tfile\tscore\t{src_lang}\t{tgt_lang}\n"))?;

    let mut seen: HashSet<[u8; 16]> = HashSet::new();
    let mut counts: BTreeMap<Reason, usize> = BTreeMap::new();
    let mut part = Aligned::default();
    let mut paragraph = 0usize;
    for source in &sources {
        let file = File::open(&source.jsonl)
            .map_err(|e| CorpusError::Io { path: source.jsonl.display().to_string(), source: e })?;
        let mut last_paragraph = None;
        for (k, line) in BufReader::new(file).lines().enumerate() {
            let line = line.map_err(|e| CorpusError::Io { path: source.jsonl.display().to_string(), source: e })?;
            if line.trim().is_empty() {
                continue;
            }
            let bead: JsonBead = serde_json::from_str(&line).map_err(|e| CorpusError::Line {
                path: source.jsonl.display().to_string(),
                line: k + 1,
                msg: format!("not a bead of Nazir's JSONL ({e})"),
            })?;
            if bead.src_lang != src_lang || bead.tgt_lang != tgt_lang {
                return Err(CorpusError::Line {
                    path: source.jsonl.display().to_string(),
                    line: k + 1,
                    msg: format!(
                        "{}→{} where the other files are {src_lang}→{tgt_lang}: merge one language pair at a time",
                        bead.src_lang, bead.tgt_lang
                    ),
                }
                .into());
            }
            report.pairs += 1;
            let src = join(&bead.src);
            let tgt = join(&bead.tgt);
            let flags = bead.flags.iter().filter_map(|l| Flags::from_label(l)).fold(Flags::NONE, |a, f| a | f);
            let mut reason = filter::check(&src, &tgt, bead.score, flags, &filters);
            if reason.is_none() && o.dedup && !seen.insert(pair_key(&src, &tgt)) {
                reason = Some(Reason::Duplicate);
            }
            if let Some(r) = reason {
                *counts.entry(r).or_default() += 1;
                rejected.write(&format!(
                    "{}\t{}\t{:.4}\t{}\t{}\n",
                    r.label(),
                    escape_field(&source.rel),
                    bead.score,
                    escape_field(&src),
                    escape_field(&tgt)
                ))?;
                continue;
            }
            report.kept += 1;
            if last_paragraph != Some(bead.paragraph) {
                last_paragraph = Some(bead.paragraph);
                paragraph += 1;
            }
            push_pair(&mut part, report.kept - 1, src, tgt, bead.score, flags, paragraph - 1);
            if part.beads.len() >= PART_PAIRS {
                outputs.write(&part)?;
                part = Aligned::default();
            }
        }
    }
    outputs.write(&part)?;
    let finished = outputs.finish()?;
    rejected.persist()?;
    report.rejected = filter::count_map(&counts);
    report.written = finished.paths.iter().map(|p| p.display().to_string()).collect();
    report.written.push(rejected_path.display().to_string());
    report.warnings.extend(finished.warnings);
    report.filters = BTreeMap::from([
        ("min_score".to_string(), filters.min_score.to_string()),
        ("max_ratio".to_string(), filters.max_ratio.to_string()),
        ("min_words".to_string(), filters.min_words.to_string()),
        ("max_words".to_string(), filters.max_words.to_string()),
        ("number_check".to_string(), filters.numbers.to_string()),
        ("arabic_source_check".to_string(), filters.arabic_source.to_string()),
        ("dedup".to_string(), o.dedup.to_string()),
    ]);
    let json_path = o.out_dir.join(format!("{stem}.{src_lang}-{tgt_lang}.merge.json"));
    let json = serde_json::to_string_pretty(&report).map_err(std::io::Error::other);
    json.and_then(|j| super::report::write_atomically(&json_path, &(j + "\n")))
        .map_err(|source| CorpusError::Write { path: json_path.display().to_string(), source })?;
    report.written.push(json_path.display().to_string());
    Ok(report)
}

fn first_bead(sources: &[Source]) -> Result<JsonBead, Error> {
    for s in sources {
        let file =
            File::open(&s.jsonl).map_err(|e| CorpusError::Io { path: s.jsonl.display().to_string(), source: e })?;
        for (k, line) in BufReader::new(file).lines().enumerate() {
            let line = line.map_err(|e| CorpusError::Io { path: s.jsonl.display().to_string(), source: e })?;
            if line.trim().is_empty() {
                continue;
            }
            return serde_json::from_str(&line).map_err(|e| {
                CorpusError::Line {
                    path: s.jsonl.display().to_string(),
                    line: k + 1,
                    msg: format!("not a bead of Nazir's JSONL ({e})"),
                }
                .into()
            });
        }
    }
    Err(CorpusError::NoInputs("the JSONL files hold no pairs".into()).into())
}

fn join(sentences: &[output::JsonSentence]) -> String {
    let parts: Vec<&str> = sentences.iter().map(|s| s.text.as_str()).filter(|t| !t.is_empty()).collect();
    parts.join(" ")
}

/// De-duplication key: the normalised pair, hashed (16 bytes a pair in memory).
fn pair_key(src: &str, tgt: &str) -> [u8; 16] {
    let mut h = Sha256::new();
    h.update(filter::normalise(src).as_bytes());
    h.update([0]);
    h.update(filter::normalise(tgt).as_bytes());
    let mut key = [0u8; 16];
    key.copy_from_slice(&h.finalize()[..16]);
    key
}

/// Adds a kept pair as a 1-1 bead; `id` counts pairs over the whole corpus.
fn push_pair(part: &mut Aligned, id: usize, src: String, tgt: String, score: f32, flags: Flags, paragraph: usize) {
    let k = part.source.len();
    part.source.push(Sentence { id, text: src, paragraph, span: None, line: 0 });
    part.target.push(Sentence { id, text: tgt, paragraph, span: None, line: 0 });
    part.beads.push(Bead { src: k..k + 1, tgt: k..k + 1, score, flags });
}

/// A file written through a temporary name and renamed when complete.
struct TempOut {
    file: BufWriter<tempfile::NamedTempFile>,
    dest: PathBuf,
}

impl TempOut {
    fn create(dest: &Path) -> Result<TempOut, Error> {
        let dir = dest.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let name = dest.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let tmp = super::report::temp_file(dir, &format!(".{name}."))
            .map_err(|source| CorpusError::Write { path: dest.display().to_string(), source })?;
        Ok(TempOut { file: BufWriter::new(tmp), dest: dest.to_path_buf() })
    }

    fn write(&mut self, s: &str) -> Result<(), Error> {
        self.file
            .write_all(s.as_bytes())
            .map_err(|source| CorpusError::Write { path: self.dest.display().to_string(), source }.into())
    }

    fn persist(self) -> Result<(), Error> {
        let err = |source| CorpusError::Write { path: self.dest.display().to_string(), source };
        let tmp = self.file.into_inner().map_err(|e| err(e.into_error()))?;
        tmp.as_file().sync_all().map_err(err)?;
        tmp.persist(&self.dest).map_err(|e| err(e.error))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bead(doc: &str, src: &str, tgt: &str, score: f32) -> String {
        format!(
            r#"{{"doc":"{doc}","src_lang":"ar","tgt_lang":"en","bead":"1-1","score":{score},"flags":[],"paragraph":0,"src":[{{"id":0,"text":"{src}"}}],"tgt":[{{"id":0,"text":"{tgt}"}}]}}"#
        )
    }

    fn options(dirs: Vec<PathBuf>, out: &Path) -> Options {
        Options {
            dirs,
            formats: vec![Format::Moses],
            out_dir: out.to_path_buf(),
            name: "corpus".into(),
            filters: FilterOptions { min_score: 0.5, ..FilterOptions::default() },
            dedup: true,
            writer_options: WriterOptions::default(),
        }
    }

    #[test]
    fn directories_without_manifest_overlaps_filters_and_duplicates() {
        let tmp = tempfile::tempdir().unwrap();
        let (a, b, out) = (tmp.path().join("a"), tmp.path().join("b"), tmp.path().join("out"));
        std::fs::create_dir_all(a.join("x")).unwrap();
        std::fs::create_dir_all(&b).unwrap();
        let good = "قال الرئيس إن الاجتماع غدا.";
        let lines = [
            bead("x/1", good, "The president said the meeting is tomorrow.", 0.9),
            bead("x/1", "جملة أخرى هنا.", "Another sentence here.", 0.2),
        ];
        std::fs::write(a.join("x/1.ar-en.jsonl"), lines.join("\n") + "\n").unwrap();
        // The same relative path in b (ignored, with a warning) and another file repeating a pair.
        std::fs::create_dir_all(b.join("x")).unwrap();
        std::fs::write(b.join("x/1.ar-en.jsonl"), "").unwrap();
        std::fs::write(b.join("y.ar-en.jsonl"), lines[0].clone() + "\n").unwrap();
        let report = run(&options(vec![a, b.clone()], &out)).unwrap();
        assert_eq!((report.files, report.pairs, report.kept), (2, 3, 1));
        assert_eq!(report.rejected, BTreeMap::from([("duplicate".into(), 1), ("low-score".into(), 1)]));
        assert!(
            report.warnings.iter().any(|w| w.contains("x/1.ar-en.jsonl is in more than one directory")),
            "{:?}",
            report.warnings
        );
        assert_eq!(std::fs::read_to_string(out.join("corpus.ar-en.ar")).unwrap(), format!("{good}\n"));
        let rejected = std::fs::read_to_string(out.join("corpus.ar-en.rejected.tsv")).unwrap();
        assert_eq!(rejected.lines().count(), 3, "header and two pairs: {rejected}");
        assert!(rejected.contains("duplicate\ty.ar-en.jsonl\t0.9000\t"), "{rejected}");

        std::fs::write(b.join("y.ar-en.jsonl"), bead("y", good, "x", 0.9).replace("\"en\"", "\"fr\"") + "\n").unwrap();
        let err = run(&options(vec![tmp.path().join("a"), b], &out)).unwrap_err();
        assert!(err.to_string().contains("merge one language pair at a time"), "{err}");
    }
}
