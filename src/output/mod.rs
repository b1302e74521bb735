//! Beads → files. Every format is a projection of the same `Aligned` parts.
//!
//! Each format knows *how* to write (`Writer`); `Outputs` knows *where*: it writes to a temporary
//! file beside the destination and renames it only when everything succeeded, so an error or an
//! interruption never leaves a half-written output under the final name. Live temporaries are
//! also listed in a registry, so a second Ctrl-C that exits at once can still remove them.
//! Destinations that are not regular files (/dev/null, /dev/full, a named pipe) are written in
//! place: there is nothing to rename over them.

mod jsonl;
mod side_by_side;
mod tmx;
mod tsv;
mod vecalign;
mod xliff;
mod xlsx;
pub mod xml;

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::bead::{Aligned, Meta};

pub use crate::review::HtmlWriter;
pub use jsonl::{JsonBead, JsonSentence, JsonlWriter};
pub use side_by_side::SideBySideWriter;
pub use tmx::{tmx_date, TmxOptions, TmxUnits, TmxWriter};
pub use tsv::{escape_field, unescape_field, MosesSide, MosesWriter, TsvWriter, LINE_BREAKS};
pub use vecalign::VecalignWriter;
pub use xliff::{XliffVersion, XliffWriter};
pub use xlsx::XlsxWriter;

/// Writes a document in one format, part by part (a long document arrives in several parts).
/// `Send`, so corpus mode can write different files on different threads.
pub trait Writer: Send {
    fn begin(&mut self, _meta: &Meta, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }
    fn write(&mut self, part: &Aligned, out: &mut dyn Write) -> io::Result<()>;
    fn finish(&mut self, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }
    /// What the user should know about the finished output (one line each, without the path):
    /// characters XML forbids that were removed, cells cut at a spreadsheet's limit.
    fn warnings(&self) -> Vec<String> {
        Vec::new()
    }
}

/// The output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Format {
    /// TMX 1.4b translation memory, one <tu> per sentence pair.
    Tmx,
    /// Tab-separated values with a header line.
    Tsv,
    /// One JSON object per bead: the lossless form.
    Jsonl,
    /// Self-contained bilingual review page.
    Html,
    /// Two plain-text columns for the terminal.
    SideBySide,
    /// Moses parallel files: NAME.ar and NAME.en, line i ↔ line i.
    Moses,
    /// XLIFF bilingual file for post-editing the machine translation (1.2, or 2.1 with
    /// --xliff-version 2.1).
    Xliff,
    /// Excel review sheet: ids, Arabic, English, score, flags, status; low scores highlighted.
    Xlsx,
    /// vecalign's `[i, j]:[k]:score`, one bead per line, 0-based sentence (line) indices.
    Vecalign,
}

impl Format {
    /// File name suffixes after `NAME.ar-en`; Moses writes two files.
    pub fn suffixes(self, src: &str, tgt: &str) -> Vec<String> {
        match self {
            Format::Tmx => vec!["tmx".into()],
            Format::Tsv => vec!["tsv".into()],
            Format::Jsonl => vec!["jsonl".into()],
            Format::Html => vec!["html".into()],
            Format::SideBySide => vec!["txt".into()],
            Format::Moses => vec![src.to_string(), tgt.to_string()],
            Format::Xliff => vec!["xlf".into()],
            Format::Xlsx => vec!["xlsx".into()],
            Format::Vecalign => vec!["vecalign".into()],
        }
    }

    /// The format a file name asks for, by its extension.
    pub fn from_path(path: &Path) -> Option<Format> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "tmx" => Some(Format::Tmx),
            "tsv" | "tab" => Some(Format::Tsv),
            "jsonl" | "ndjson" => Some(Format::Jsonl),
            "html" | "htm" => Some(Format::Html),
            "txt" => Some(Format::SideBySide),
            "xlf" | "xliff" => Some(Format::Xliff),
            "xlsx" => Some(Format::Xlsx),
            "vecalign" => Some(Format::Vecalign),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Tmx => "tmx",
            Format::Tsv => "tsv",
            Format::Jsonl => "jsonl",
            Format::Html => "html",
            Format::SideBySide => "side-by-side",
            Format::Moses => "moses",
            Format::Xliff => "xliff",
            Format::Xlsx => "xlsx",
            Format::Vecalign => "vecalign",
        }
    }
}

/// Options the writers share.
#[derive(Clone, Debug, Default)]
pub struct WriterOptions {
    pub tmx: TmxOptions,
    pub xliff: XliffVersion,
    /// Rows scoring below this are highlighted in the XLSX sheet.
    pub low_score: f32,
}

/// Builds the writers for one format (Moses gives two: source side, then target side).
pub fn writers_for(format: Format, options: &WriterOptions) -> Vec<Box<dyn Writer>> {
    match format {
        Format::Tmx => vec![Box::new(TmxWriter::new(options.tmx.clone()))],
        Format::Tsv => vec![Box::new(TsvWriter)],
        Format::Jsonl => vec![Box::new(JsonlWriter::default())],
        Format::Html => vec![Box::new(HtmlWriter::default())],
        Format::SideBySide => vec![Box::new(SideBySideWriter::default())],
        Format::Moses => {
            vec![Box::new(MosesWriter::new(MosesSide::Source)), Box::new(MosesWriter::new(MosesSide::Target))]
        }
        Format::Xliff => vec![Box::new(XliffWriter::new(options.xliff, options.tmx.clone()))],
        Format::Xlsx => vec![Box::new(XlsxWriter::new(options.low_score))],
        Format::Vecalign => vec![Box::new(VecalignWriter)],
    }
}

#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error("cannot write {path}: {source}")]
    Io { path: String, source: io::Error },
    #[error("cannot write to {dir}: the directory does not exist")]
    NoDirectory { dir: String },
    #[error("cannot write {path}: it is a directory")]
    IsDirectory { path: String },
}

impl OutputError {
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, OutputError::Io { source, .. } if source.kind() == io::ErrorKind::BrokenPipe)
    }
}

/// Where one output goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Destination {
    File(PathBuf),
    Stdout,
}

impl Destination {
    fn name(&self) -> String {
        match self {
            Destination::File(p) => p.display().to_string(),
            Destination::Stdout => "<stdout>".to_string(),
        }
    }
}

enum Sink {
    Temp {
        file: BufWriter<tempfile::NamedTempFile>,
        dest: PathBuf,
        _live: LiveTemporary,
    },
    /// A device or pipe, written in place.
    Direct(BufWriter<fs::File>),
    Stdout(BufWriter<io::Stdout>),
}

impl Sink {
    fn out(&mut self) -> &mut dyn Write {
        match self {
            Sink::Temp { file, .. } => file,
            Sink::Direct(f) => f,
            Sink::Stdout(s) => s,
        }
    }
}

/// Temporary files that exist right now (see `remove_live_temporaries`).
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn live() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    // A panic while holding the lock leaves a list that is still right.
    LIVE.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A temporary file listed in the registry while this lives.
pub struct LiveTemporary(PathBuf);

impl LiveTemporary {
    /// Lists `path` until the returned value is dropped (corpus mode uses it for its own
    /// temporaries too).
    pub fn track(path: &Path) -> LiveTemporary {
        live().push(path.to_path_buf());
        LiveTemporary(path.to_path_buf())
    }
}

impl Drop for LiveTemporary {
    fn drop(&mut self) {
        let mut list = live();
        if let Some(i) = list.iter().rposition(|p| *p == self.0) {
            list.swap_remove(i);
        }
    }
}

/// Removes every live temporary file; returns how many were removed. For an exit that skips
/// destructors (the second Ctrl-C): the files are gone even though nothing unwinds.
pub fn remove_live_temporaries() -> usize {
    remove_live_where(|_| true)
}

fn remove_live_where(which: impl Fn(&Path) -> bool) -> usize {
    let mut list = live();
    let mut removed = 0;
    list.retain(|p| {
        if !which(p) {
            return true;
        }
        removed += usize::from(fs::remove_file(p).is_ok());
        false
    });
    removed
}

/// Where a file destination really is: through a symbolic link to its target, so finishing
/// replaces the target's content rather than the link.
fn resolve(path: PathBuf) -> PathBuf {
    match fs::symlink_metadata(&path) {
        Ok(m) if m.file_type().is_symlink() => fs::canonicalize(&path).unwrap_or(path),
        _ => path,
    }
}

struct Open {
    name: String,
    sink: Sink,
    writer: Box<dyn Writer>,
}

/// What `Outputs::finish` did.
#[derive(Debug, Default)]
pub struct Finished {
    /// The files moved into place.
    pub paths: Vec<PathBuf>,
    /// One line per problem the user should know about, each naming its output.
    pub warnings: Vec<String>,
}

/// A set of outputs being written. Dropping it without `finish` removes the temporary files.
pub struct Outputs {
    open: Vec<Open>,
}

impl Outputs {
    /// Opens every output (temporary files are created now, so an unwritable directory is
    /// reported before any translation work).
    pub fn create(plan: Vec<(Destination, Box<dyn Writer>)>, meta: &Meta) -> Result<Outputs, OutputError> {
        let mut open = Vec::with_capacity(plan.len());
        for (dest, writer) in plan {
            let name = dest.name();
            let sink = match dest {
                Destination::Stdout => Sink::Stdout(BufWriter::new(io::stdout())),
                Destination::File(path) => {
                    if path.is_dir() {
                        return Err(OutputError::IsDirectory { path: name });
                    }
                    if fs::metadata(&path).is_ok_and(|m| !m.is_file()) {
                        let file = fs::OpenOptions::new()
                            .write(true)
                            .open(&path)
                            .map_err(|source| OutputError::Io { path: name.clone(), source })?;
                        open.push(Open { name, sink: Sink::Direct(BufWriter::new(file)), writer });
                        continue;
                    }
                    let path = resolve(path);
                    let dir = match path.parent() {
                        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
                        _ => PathBuf::from("."),
                    };
                    if !dir.is_dir() {
                        return Err(OutputError::NoDirectory { dir: dir.display().to_string() });
                    }
                    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                    let tmp = tempfile::Builder::new()
                        .prefix(&format!(".{file_name}."))
                        .suffix(".tmp")
                        .permissions(readable_by_all())
                        .tempfile_in(&dir)
                        .map_err(|source| OutputError::Io { path: name.clone(), source })?;
                    let live = LiveTemporary::track(tmp.path());
                    Sink::Temp { file: BufWriter::with_capacity(256 * 1024, tmp), dest: path, _live: live }
                }
            };
            open.push(Open { name, sink, writer });
        }
        let mut outputs = Outputs { open };
        for o in &mut outputs.open {
            o.writer.begin(meta, o.sink.out()).map_err(|source| OutputError::Io { path: o.name.clone(), source })?;
        }
        Ok(outputs)
    }

    pub fn write(&mut self, part: &Aligned) -> Result<(), OutputError> {
        for o in &mut self.open {
            o.writer.write(part, o.sink.out()).map_err(|source| OutputError::Io { path: o.name.clone(), source })?;
        }
        Ok(())
    }

    /// Finishes every output and moves the files into place.
    pub fn finish(self) -> Result<Finished, OutputError> {
        let mut done = Finished::default();
        let mut staged = Vec::new();
        for mut o in self.open {
            let err = |source| OutputError::Io { path: o.name.clone(), source };
            o.writer.finish(o.sink.out()).map_err(err)?;
            done.warnings.extend(o.writer.warnings().into_iter().map(|w| format!("{}: {w}", o.name)));
            match o.sink {
                Sink::Stdout(mut s) => s.flush().map_err(err)?,
                Sink::Direct(mut f) => f.flush().map_err(err)?,
                Sink::Temp { file, dest, _live } => {
                    let tmp = file.into_inner().map_err(|e| err(e.into_error()))?;
                    tmp.as_file().sync_all().map_err(err)?;
                    staged.push((tmp, dest, o.name, _live));
                }
            }
        }
        // Rename only after every format was written completely.
        for (tmp, dest, name, _live) in staged {
            tmp.persist(&dest).map_err(|e| OutputError::Io { path: name, source: e.error })?;
            done.paths.push(dest);
        }
        Ok(done)
    }
}

/// Outputs are ordinary files (0666 before the umask), not the 0600 of a temporary file.
#[cfg(unix)]
fn readable_by_all() -> fs::Permissions {
    use std::os::unix::fs::PermissionsExt;
    fs::Permissions::from_mode(0o666)
}

#[cfg(not(unix))]
fn readable_by_all() -> fs::Permissions {
    fs::metadata(".").map(|m| m.permissions()).unwrap_or_else(|_| unreachable!("the current directory exists"))
}

/// `article.ar.txt` → `article`: the input's name without its extension and language suffix.
pub fn stem(input: &Path, src_lang: &str) -> String {
    let name = input.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "out".into());
    let mut stem = name.as_str();
    if let Some(dot) = stem.rfind('.') {
        if dot > 0 && stem.len() - dot <= 6 {
            stem = &stem[..dot];
        }
    }
    for suffix in [format!(".{src_lang}"), ".ar".to_string(), ".arb".to_string()] {
        if let Some(s) = stem.strip_suffix(suffix.as_str()) {
            if !s.is_empty() {
                stem = s;
                break;
            }
        }
    }
    stem.to_string()
}

/// The files `format` writes for `stem` in `dir`: `dir/stem.ar-en.tmx`.
pub fn paths_for(dir: &Path, stem: &str, format: Format, src: &str, tgt: &str) -> Vec<PathBuf> {
    format.suffixes(src, tgt).into_iter().map(|ext| dir.join(format!("{stem}.{src}-{tgt}.{ext}"))).collect()
}

/// Removes a file if it exists (used to clean stale temporaries); errors are not interesting.
pub fn remove_quietly(path: &Path) {
    let _ = fs::remove_file(path);
}

#[cfg(test)]
pub(crate) mod test_data {
    use crate::bead::{Aligned, Bead, Flags, Meta, Paragraph, Sentence};

    pub fn meta() -> Meta {
        Meta {
            input: "article.ar.txt".into(),
            src_lang: "ar".into(),
            tgt_lang: "en".into(),
            model: Some("opus-mt-ar-en".into()),
            created: time::macros::datetime!(2026-11-29 10:20:30 UTC),
        }
    }

    fn s(id: usize, text: &str, paragraph: usize, span: Option<std::ops::Range<usize>>) -> Sentence {
        Sentence {
            id,
            text: text.into(),
            paragraph,
            span: span.clone(),
            line: if span.is_some() { paragraph + 1 } else { 0 },
        }
    }

    /// A small document with the awkward cases: markup characters, a tab, a 2-1 bead, a 1-0
    /// bead, flags, and a character XML forbids.
    pub fn aligned() -> Aligned {
        Aligned {
            paragraphs: vec![
                Paragraph { index: 0, text: "x".into(), start: 0, line: 1, line_starts: vec![0] },
                Paragraph { index: 1, text: "y".into(), start: 10, line: 2, line_starts: vec![10] },
            ],
            source: vec![
                s(0, "قال <b>\"مرحبا\"</b> & وداعا.", 0, Some(0..40)),
                s(1, "الجملة\tالثانية.", 0, Some(41..70)),
                s(2, "ثالثة.", 1, Some(72..84)),
                s(3, "رابعة\u{1}.", 1, Some(85..97)),
            ],
            target: vec![
                s(0, "He said <b>\"hello\"</b> & goodbye.", 0, None),
                s(1, "The second and third sentence.", 1, None),
            ],
            beads: vec![
                Bead { src: 0..1, tgt: 0..1, score: 0.75, flags: Flags::NONE },
                Bead { src: 1..3, tgt: 1..2, score: 0.5, flags: Flags::NOT_ONE_TO_ONE },
                Bead { src: 3..4, tgt: 2..2, score: 0.0, flags: Flags::NOT_ONE_TO_ONE | Flags::LOW_SCORE },
            ],
        }
    }

    /// Runs a writer over the test document, in two parts to exercise streaming.
    pub fn render(writer: &mut dyn super::Writer) -> String {
        let mut out = Vec::new();
        writer.begin(&meta(), &mut out).unwrap();
        writer.write(&aligned(), &mut out).unwrap();
        writer.write(&Aligned::default(), &mut out).unwrap();
        writer.finish(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_drop_extension_and_language() {
        assert_eq!(stem(Path::new("dir/article.ar.txt"), "ar"), "article");
        assert_eq!(stem(Path::new("article.txt"), "ar"), "article");
        assert_eq!(stem(Path::new("report"), "ar"), "report");
        assert_eq!(stem(Path::new("v1.2.ar.txt"), "ar"), "v1.2");
        assert_eq!(
            paths_for(Path::new("out"), "a", Format::Moses, "ar", "en"),
            vec![PathBuf::from("out/a.ar-en.ar"), PathBuf::from("out/a.ar-en.en")]
        );
    }

    #[test]
    fn failed_output_leaves_no_file_and_finished_output_is_complete() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("a.ar-en.tsv");
        let plan = |d: &Path| vec![(Destination::File(d.to_path_buf()), Box::new(TsvWriter) as Box<dyn Writer>)];
        {
            let mut outputs = Outputs::create(plan(&dest), &test_data::meta()).unwrap();
            outputs.write(&test_data::aligned()).unwrap();
            // Dropped without finish: as if an error happened later.
        }
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0, "no file, not even a temporary");
        let mut outputs = Outputs::create(plan(&dest), &test_data::meta()).unwrap();
        outputs.write(&test_data::aligned()).unwrap();
        assert_eq!(outputs.finish().unwrap().paths, vec![dest.clone()]);
        assert_eq!(fs::read_to_string(&dest).unwrap().lines().count(), 4);
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    fn tsv_plan(dest: &Path) -> Vec<(Destination, Box<dyn Writer>)> {
        vec![(Destination::File(dest.to_path_buf()), Box::new(TsvWriter) as Box<dyn Writer>)]
    }

    #[test]
    fn live_temporaries_are_listed_until_finished_or_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let listed = |d: &Path| live().iter().filter(|p| p.starts_with(d)).count();
        let outputs = Outputs::create(tsv_plan(&dir.path().join("a.tsv")), &test_data::meta()).unwrap();
        assert_eq!(listed(dir.path()), 1);
        drop(outputs);
        assert_eq!(listed(dir.path()), 0);
        let outputs = Outputs::create(tsv_plan(&dir.path().join("a.tsv")), &test_data::meta()).unwrap();
        outputs.finish().unwrap();
        assert_eq!(listed(dir.path()), 0);
        assert_eq!(files(dir.path()), ["a.tsv"]);
    }

    #[test]
    fn the_exit_path_removes_live_temporaries_without_unwinding() {
        let dir = tempfile::tempdir().unwrap();
        let outputs = Outputs::create(tsv_plan(&dir.path().join("a.tsv")), &test_data::meta()).unwrap();
        assert_eq!(files(dir.path()).len(), 1);
        // (Only this test's files: the registry is shared with tests running beside it.)
        assert_eq!(remove_live_where(|p| p.starts_with(dir.path())), 1);
        assert_eq!(files(dir.path()), Vec::<String>::new());
        std::mem::forget(outputs); // as if the process ended here
    }

    fn files(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> =
            fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        v.sort();
        v
    }

    #[cfg(unix)]
    #[test]
    fn a_link_is_followed_and_a_device_is_written_in_place() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("real.tsv");
        fs::write(&target, "old").unwrap();
        std::os::unix::fs::symlink(&target, dir.path().join("link.tsv")).unwrap();
        let outputs = Outputs::create(tsv_plan(&dir.path().join("link.tsv")), &test_data::meta()).unwrap();
        outputs.finish().unwrap();
        assert!(fs::symlink_metadata(dir.path().join("link.tsv")).unwrap().file_type().is_symlink());
        assert!(fs::read_to_string(&target).unwrap().starts_with("ar\t"));
        let mut outputs = Outputs::create(tsv_plan(Path::new("/dev/null")), &test_data::meta()).unwrap();
        outputs.write(&test_data::aligned()).unwrap();
        outputs.finish().unwrap();
        assert!(Path::new("/dev/null").exists());
        if Path::new("/dev/full").exists() {
            let mut outputs = Outputs::create(tsv_plan(Path::new("/dev/full")), &test_data::meta()).unwrap();
            let written = outputs.write(&test_data::aligned()).and_then(|()| outputs.finish().map(|_| ()));
            let err = written.unwrap_err().to_string();
            assert!(err.starts_with("cannot write /dev/full: No space left on device"), "{err}");
        }
    }

    #[test]
    fn missing_directory_is_reported_before_writing() {
        let err = Outputs::create(
            vec![(Destination::File(PathBuf::from("/nonexistent-dir/x.tmx")), Box::new(TsvWriter) as Box<dyn Writer>)],
            &test_data::meta(),
        )
        .err()
        .unwrap();
        assert_eq!(err.to_string(), "cannot write to /nonexistent-dir: the directory does not exist");
    }
}
