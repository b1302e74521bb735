//! What a corpus run reports: per file and in total, sentences, bead types, a score histogram,
//! flags, pairs the default clean-corpus filters would reject (by reason), time and throughput.
//!
//! Written as JSON (`nazir-report.json`), as a summary on standard error, and as an HTML index
//! page (`index.html`) linking each file's review page. Files finished by an earlier run are
//! included with the statistics their manifest line kept.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::filter::{self, FilterOptions};
use crate::bead::{Aligned, Flags};
use crate::review::escape_html;

/// Counts for one file (or, added up, for the corpus).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FileStats {
    /// Bytes of input.
    pub bytes: u64,
    /// Paragraphs that held at least one sentence.
    pub paragraphs: usize,
    /// Source sentences.
    pub sentences: usize,
    /// Beads by type ("1-1", "2-1" …).
    pub beads: BTreeMap<String, usize>,
    /// Pairs per score decile: [0, 0.1), [0.1, 0.2) … [0.9, 1].
    pub scores: [usize; 10],
    /// Pairs carrying each flag.
    pub flags: BTreeMap<String, usize>,
    /// Pairs with at least one flag a reviewer should look at.
    pub flagged: usize,
    /// Pairs the clean-corpus filters (default settings) would reject, by reason; `corpus
    /// merge` applies its own settings and adds de-duplication across files.
    pub rejected: BTreeMap<String, usize>,
    /// Seconds from the first read to the renamed outputs (files overlap in the pipeline, so
    /// these do not add up to the run's time).
    pub seconds: f64,
}

impl FileStats {
    /// Counts the beads of one part of a document.
    pub fn add(&mut self, part: &Aligned, filters: &FilterOptions) {
        self.paragraphs += part.paragraphs.len();
        self.sentences += part.source.len();
        for bead in &part.beads {
            *self.beads.entry(bead.kind()).or_default() += 1;
            self.scores[decile(bead.score)] += 1;
            for label in bead.flags.labels() {
                *self.flags.entry(label.to_string()).or_default() += 1;
            }
            if bead.flags.labels().any(|l| !matches!(Flags::from_label(l), Some(f) if is_decision(f))) {
                self.flagged += 1;
            }
            let src = Aligned::join(part.src_of(bead));
            let tgt = Aligned::join(part.tgt_of(bead));
            if let Some(reason) = filter::check(&src, &tgt, bead.score, bead.flags, filters) {
                *self.rejected.entry(reason.label().to_string()).or_default() += 1;
            }
        }
    }

    /// Adds another file's counts (times add up too).
    pub fn absorb(&mut self, other: &FileStats) {
        self.bytes += other.bytes;
        self.paragraphs += other.paragraphs;
        self.sentences += other.sentences;
        for (k, v) in &other.beads {
            *self.beads.entry(k.clone()).or_default() += v;
        }
        for (a, b) in self.scores.iter_mut().zip(other.scores) {
            *a += b;
        }
        for (k, v) in &other.flags {
            *self.flags.entry(k.clone()).or_default() += v;
        }
        self.flagged += other.flagged;
        for (k, v) in &other.rejected {
            *self.rejected.entry(k.clone()).or_default() += v;
        }
        self.seconds += other.seconds;
    }

    pub fn pairs(&self) -> usize {
        self.beads.values().sum()
    }
}

fn is_decision(f: Flags) -> bool {
    [Flags::EDITED, Flags::CONFIRMED, Flags::REJECTED].contains(&f)
}

fn decile(score: f32) -> usize {
    if score.is_nan() {
        return 0;
    }
    ((score.clamp(0.0, 1.0) * 10.0) as usize).min(9)
}

/// What became of one input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileStatus {
    /// Aligned in this run.
    Done,
    /// Finished by an earlier run (the manifest says so): skipped.
    Resumed,
    /// No text: nothing written.
    Empty,
    /// Could not be read or written; see `error`. A rerun tries it again.
    Failed,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FileReport {
    pub path: String,
    pub status: FileStatus,
    /// Output files, relative to the output directory.
    pub outputs: Vec<String>,
    pub stats: FileStats,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Counts of files by what became of them.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct FileCounts {
    pub total: usize,
    pub done: usize,
    pub resumed: usize,
    pub empty: usize,
    pub failed: usize,
}

/// This run's work per second (files finished by earlier runs do not count).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Throughput {
    pub files_per_s: f64,
    pub sentences_per_s: f64,
    pub mb_per_s: f64,
}

/// The whole run.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RunReport {
    pub version: String,
    pub model: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<String>,
    pub src_lang: String,
    pub tgt_lang: String,
    /// How the engine batched sentences: "equal-length" (reproducible) or "padded"
    /// (--padded-batches).
    #[serde(default)]
    pub batching: String,
    /// Wall-clock seconds of this run, model loading excluded.
    pub elapsed_seconds: f64,
    pub files: FileCounts,
    /// Everything, files finished by earlier runs included.
    pub total: FileStats,
    pub throughput: Throughput,
    pub per_file: Vec<FileReport>,
}

impl RunReport {
    pub fn new(meta: RunMeta, mut per_file: Vec<FileReport>, elapsed: f64) -> RunReport {
        per_file.sort_by(|a, b| a.path.cmp(&b.path));
        let mut files = FileCounts { total: per_file.len(), ..Default::default() };
        let mut total = FileStats::default();
        let mut this_run = FileStats::default();
        let mut done_now = 0;
        for f in &per_file {
            match f.status {
                FileStatus::Done => files.done += 1,
                FileStatus::Resumed => files.resumed += 1,
                FileStatus::Empty => files.empty += 1,
                FileStatus::Failed => files.failed += 1,
            }
            total.absorb(&f.stats);
            if matches!(f.status, FileStatus::Done | FileStatus::Empty) {
                this_run.absorb(&f.stats);
                done_now += 1;
            }
        }
        let secs = elapsed.max(1e-9);
        let throughput = Throughput {
            files_per_s: round(done_now as f64 / secs),
            sentences_per_s: round(this_run.sentences as f64 / secs),
            mb_per_s: round(this_run.bytes as f64 / 1e6 / secs),
        };
        total.seconds = round(total.seconds);
        RunReport {
            version: env!("CARGO_PKG_VERSION").to_string(),
            model: meta.model,
            shard: meta.shard,
            src_lang: meta.src_lang,
            tgt_lang: meta.tgt_lang,
            batching: meta.batching,
            elapsed_seconds: round(elapsed),
            files,
            total,
            throughput,
            per_file,
        }
    }

    /// The summary printed on standard error, a few lines.
    pub fn summary(&self) -> String {
        let f = &self.files;
        let t = &self.total;
        let mut out = format!(
            "align: {} files: {} aligned, {} already done, {} empty, {} failed; {:.1}s\n",
            f.total, f.done, f.resumed, f.empty, f.failed, self.elapsed_seconds
        );
        let beads: Vec<String> = t.beads.iter().map(|(k, v)| format!("{k} {v}")).collect();
        let _ = writeln!(
            out,
            "  {} sentences in {} paragraphs; beads: {}; flagged {}",
            t.sentences,
            t.paragraphs,
            if beads.is_empty() { "none".into() } else { beads.join(", ") },
            t.flagged
        );
        let _ = writeln!(out, "  scores: {}", histogram_line(&t.scores));
        let rejected: Vec<String> = t.rejected.iter().map(|(k, v)| format!("{k} {v}")).collect();
        let _ = writeln!(
            out,
            "  the default clean-corpus filters would reject {} of {} pairs{}",
            t.rejected.values().sum::<usize>(),
            t.pairs(),
            if rejected.is_empty() { String::new() } else { format!(": {}", rejected.join(", ")) }
        );
        let th = &self.throughput;
        let _ = writeln!(
            out,
            "  this run: {:.2} files/s, {:.1} sentences/s, {:.3} MB/s",
            th.files_per_s, th.sentences_per_s, th.mb_per_s
        );
        for file in self.per_file.iter().filter(|f| f.status == FileStatus::Failed) {
            let _ = writeln!(out, "  failed: {}", file.error.as_deref().unwrap_or(&file.path));
        }
        out
    }

    /// The HTML index page: totals, the score histogram, one row per file linking its review
    /// page (or its JSONL when no review page was written).
    pub fn html(&self) -> String {
        let t = &self.total;
        let mut rows = String::new();
        for f in &self.per_file {
            let link = f.outputs.iter().find(|o| o.ends_with(".html")).or_else(|| f.outputs.first());
            let name = match link {
                Some(href) => format!("<a href=\"{}\">{}</a>", escape_html(&url_path(href)), escape_html(&f.path)),
                None => escape_html(&f.path),
            };
            let s = &f.stats;
            let beads: Vec<String> = s.beads.iter().map(|(k, v)| format!("{k}: {v}")).collect();
            let rejected: Vec<String> = s.rejected.iter().map(|(k, v)| format!("{k}: {v}")).collect();
            let status = match (&f.error, f.status) {
                (Some(e), _) => format!("failed: {}", escape_html(e)),
                (None, st) => format!("{st:?}").to_lowercase(),
            };
            let _ = writeln!(
                rows,
                "<tr><td>{name}</td><td>{status}</td><td class=n>{}</td><td class=n>{}</td><td>{}</td><td class=n>{}</td><td>{}</td><td class=n>{:.2}</td></tr>",
                s.bytes,
                s.sentences,
                escape_html(&beads.join(", ")),
                s.flagged,
                escape_html(&rejected.join(", ")),
                s.seconds
            );
        }
        let max = t.scores.iter().copied().max().unwrap_or(0).max(1);
        let mut hist = String::new();
        for (k, n) in t.scores.iter().enumerate() {
            let _ = writeln!(
                hist,
                "<tr><td>{:.1}–{:.1}</td><td class=n>{n}</td><td><span class=bar style=\"width:{}px\"></span></td></tr>",
                k as f64 / 10.0,
                (k + 1) as f64 / 10.0,
                n * 300 / max
            );
        }
        let rejected: Vec<String> = t.rejected.iter().map(|(k, v)| format!("{}: {v}", escape_html(k))).collect();
        let title = format!(
            "Corpus {} → {}{}",
            self.src_lang,
            self.tgt_lang,
            self.shard.as_ref().map(|s| format!(" (shard {s})")).unwrap_or_default()
        );
        format!(
            r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>{title}</title>
<style>
body{{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222}} table{{border-collapse:collapse}}
td,th{{padding:.2em .6em;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}} .n{{text-align:right}}
.bar{{display:inline-block;height:.8em;background:#4a7bd0}} th{{background:#f3f3f3;position:sticky;top:0}}
</style></head><body>
<h1>{title}</h1>
<p>Model {model} · {files} files ({done} aligned in this run, {resumed} earlier, {empty} empty, {failed} failed) ·
{sentences} sentences · {pairs} pairs · {flagged} flagged · {elapsed:.1} s · Nazir {version}</p>
<p>The default clean-corpus filters would reject: {rejected}</p>
<h2>Scores</h2>
<table>{hist}</table>
<h2>Files</h2>
<table><thead><tr><th>file</th><th>status</th><th>bytes</th><th>sentences</th><th>beads</th><th>flagged</th><th>would reject</th><th>seconds</th></tr></thead>
<tbody>
{rows}</tbody></table>
</body></html>
"#,
            model = escape_html(&self.model),
            files = self.files.total,
            done = self.files.done,
            resumed = self.files.resumed,
            empty = self.files.empty,
            failed = self.files.failed,
            sentences = t.sentences,
            pairs = t.pairs(),
            flagged = t.flagged,
            elapsed = self.elapsed_seconds,
            version = self.version,
            rejected = if rejected.is_empty() { "nothing".into() } else { rejected.join(", ") },
        )
    }
}

/// Facts about the run for the report's header.
pub struct RunMeta {
    pub model: String,
    pub shard: Option<String>,
    pub src_lang: String,
    pub tgt_lang: String,
    pub batching: String,
}

/// A relative path as a URL path: each segment percent-encoded where needed.
fn url_path(rel: &str) -> String {
    let mut out = String::new();
    for b in rel.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => out.push(b as char),
            _ => {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

/// `0.0 ▏3  0.1 █12 …`: the deciles as a one-line bar chart.
fn histogram_line(scores: &[usize; 10]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let max = scores.iter().copied().max().unwrap_or(0);
    let bars: String =
        scores.iter().map(|&n| if n == 0 || max == 0 { ' ' } else { BARS[((n * 7) / max).min(7)] }).collect();
    let counts: Vec<String> = scores.iter().map(|n| n.to_string()).collect();
    format!("0 |{bars}| 1  (per 0.1: {})", counts.join(" "))
}

fn round(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Writes `content` to `path` through a temporary file and a rename.
pub fn write_atomically(path: &Path, content: &str) -> std::io::Result<()> {
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut tmp = temp_file(dir, &format!(".{name}."))?;
    std::io::Write::write_all(&mut tmp, content.as_bytes())?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// A temporary file in `dir` (`PREFIXxxxxxx.tmp`) that becomes an ordinary, readable file when
/// persisted (not the 0600 of a temporary).
pub fn temp_file(dir: &Path, prefix: &str) -> std::io::Result<tempfile::NamedTempFile> {
    let mut b = tempfile::Builder::new();
    b.prefix(prefix).suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        b.permissions(std::fs::Permissions::from_mode(0o666));
    }
    b.tempfile_in(dir)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bead::{Bead, Sentence};

    fn part() -> Aligned {
        let s = |id, text: &str| Sentence { id, text: text.into(), paragraph: 0, span: None, line: 0 };
        Aligned {
            paragraphs: vec![],
            source: vec![s(0, "قال الرئيس إن الاجتماع غدا."), s(1, "ثانية.")],
            target: vec![s(0, "The president said the meeting is tomorrow.")],
            beads: vec![
                Bead { src: 0..1, tgt: 0..1, score: 0.95, flags: Flags::NONE },
                Bead { src: 1..2, tgt: 1..1, score: 0.0, flags: Flags::NOT_ONE_TO_ONE },
            ],
        }
    }

    #[test]
    fn stats_count_beads_scores_flags_and_rejections() {
        let mut s = FileStats::default();
        s.add(&part(), &FilterOptions::default());
        assert_eq!(s.sentences, 2);
        assert_eq!(s.beads, BTreeMap::from([("1-0".into(), 1), ("1-1".into(), 1)]));
        assert_eq!(s.scores[9], 1);
        assert_eq!(s.scores[0], 1);
        assert_eq!(s.flagged, 1);
        assert_eq!(s.rejected, BTreeMap::from([("too-short".into(), 1)]));
        let mut total = FileStats::default();
        total.absorb(&s);
        total.absorb(&s);
        assert_eq!(total.pairs(), 4);
        assert_eq!(total.scores[9], 2);
    }

    #[test]
    fn report_totals_and_pages() {
        let mut stats = FileStats::default();
        stats.add(&part(), &FilterOptions::default());
        let file = |path: &str, status| FileReport {
            path: path.into(),
            status,
            outputs: vec![format!("{path}.ar-en.jsonl"), format!("{path}.ar-en.html")],
            stats: stats.clone(),
            error: None,
        };
        let meta = RunMeta {
            model: "tiny".into(),
            shard: None,
            src_lang: "ar".into(),
            tgt_lang: "en".into(),
            batching: "equal-length".into(),
        };
        let r = RunReport::new(meta, vec![file("b <x>", FileStatus::Resumed), file("a", FileStatus::Done)], 2.0);
        assert_eq!(r.per_file[0].path, "a", "sorted by path");
        assert_eq!((r.files.done, r.files.resumed), (1, 1));
        assert_eq!(r.total.sentences, 4);
        assert_eq!(r.throughput.sentences_per_s, 1.0, "only this run's work counts");
        let html = r.html();
        assert!(html.contains("href=\"b%20%3Cx%3E.ar-en.html\">b &lt;x&gt;</a>"), "{html}");
        assert!(r.summary().contains("2 files: 1 aligned, 1 already done"));
        let json = serde_json::to_string(&r).unwrap();
        let back: RunReport = serde_json::from_str(&json).unwrap();
        assert_eq!(back.total, r.total);
    }
}
