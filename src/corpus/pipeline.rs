//! The corpus pipeline: reader threads → one translator → a pool of aligner/writer threads.
//!
//! Readers decode and segment whole files, each file in pieces of up to `CHUNK_SENTENCES`
//! sentences, into a bounded queue (at most `QUEUED_SENTENCES` waiting), so memory stays flat
//! whatever the files' sizes. The translator (the calling thread) fills each engine call with
//! pieces of as many files as it takes, so small files never leave the engine idle. A writer
//! thread groups each translated batch by file and aligns and writes the files in parallel;
//! a file's last piece renames its outputs into place and sends its manifest line to the
//! manifest thread, which appends and syncs lines in groups.

use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, SyncSender};
use std::sync::{Condvar, Mutex};
use std::time::Instant;

use rayon::prelude::*;

use super::inputs::{output_stem, InputFile};
use super::manifest::{self, Entry, HashingReader, Status};
use super::progress::CorpusProgress;
use super::report::{FileReport, FileStats, FileStatus};
use super::Settings;
use crate::bead::{Meta, Paragraph, Sentence};
use crate::output::{self, Destination, Outputs};
use crate::read::{Lines, Paragraphs};
use crate::translate::{translate_unique, Translation, Translator};
// Pieces are chunked as a single document is (lib.rs: sentences and bytes), so a file's outputs
// are the same in corpus mode and alone, and a file of huge sentences stays bounded.
use crate::{Error, CHUNK_BYTES, CHUNK_SENTENCES, INTERRUPTED};
/// Sentences per engine call. Corpus mode batches only sentences of equal token length (so a
/// file's translation never depends on its neighbours); a large pool keeps those batches full:
/// 8,192 sentences of web text hold ~80 of each common length.
const BATCH_SENTENCES: usize = 8192;
/// A batch is sent without waiting for more once it holds this many and the queue is empty.
const MIN_BATCH_SENTENCES: usize = 1024;
/// How long a batch that could go waits for more pieces.
const POOL_WAIT: std::time::Duration = std::time::Duration::from_millis(50);
/// Sentences read ahead of the translator, over all files.
const QUEUED_SENTENCES: usize = 2 * BATCH_SENTENCES;

/// Everything the stages share.
pub struct Context<'a> {
    pub files: &'a [InputFile],
    pub settings: &'a Settings,
    pub translator: &'a dyn Translator,
    /// Manifest keys of this run.
    pub options_hash: String,
    pub model_hash: String,
    pub progress: &'a CorpusProgress,
    pub created: time::OffsetDateTime,
}

/// How a file's stream ends.
enum End {
    Done { sha256: String },
    Failed(String),
}

/// Part of one file, in order; the last piece of a file carries `end`.
struct Piece {
    file: usize,
    paragraphs: Vec<Paragraph>,
    sentences: Vec<Sentence>,
    /// Decoded bytes of input this piece covers (for progress).
    bytes: u64,
    end: Option<End>,
}

type Translated = (Piece, Vec<Translation>);

/// Runs the pipeline over `ctx.files`; returns a report per file and the first manifest error.
pub fn run(ctx: &Context, manifest: manifest::Writer) -> Result<Vec<FileReport>, Error> {
    let (piece_tx, piece_rx) = mpsc::sync_channel::<Piece>(QUEUED_SENTENCES);
    let (batch_tx, batch_rx) = mpsc::sync_channel::<Vec<Translated>>(2);
    let (entry_tx, entry_rx) = mpsc::channel::<Entry>();
    let budget = Budget::new(QUEUED_SENTENCES);
    let next_file = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let readers = ctx.settings.jobs.clamp(1, ctx.files.len().max(1));

    std::thread::scope(|scope| {
        for _ in 0..readers {
            let tx = piece_tx.clone();
            let (budget, next_file, stop) = (&budget, &next_file, &stop);
            scope.spawn(move || {
                while !stop.load(Ordering::Relaxed) && !INTERRUPTED.load(Ordering::Relaxed) {
                    let k = next_file.fetch_add(1, Ordering::Relaxed);
                    if k >= ctx.files.len() || !read_file(ctx, k, &tx, budget, stop) {
                        break;
                    }
                }
            });
        }
        drop(piece_tx);
        let writer = scope.spawn(move || write_batches(ctx, batch_rx, entry_tx));
        let manifest_thread = scope.spawn(move || append_entries(manifest, entry_rx));

        let translated = translate_batches(ctx, &piece_rx, &budget, batch_tx);
        // Unblock readers waiting for room, whatever happened.
        stop.store(true, Ordering::Relaxed);
        budget.close();
        drop(piece_rx);
        let reports = writer.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
        let manifest_result = manifest_thread.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
        translated?;
        manifest_result?;
        if INTERRUPTED.load(Ordering::Relaxed) {
            return Err(Error::Interrupted);
        }
        Ok(reports)
    })
}

/// Reads and segments one file into pieces. Returns false when the run is stopping.
fn read_file(ctx: &Context, k: usize, tx: &SyncSender<Piece>, budget: &Budget, stop: &AtomicBool) -> bool {
    let file = &ctx.files[k];
    let settings = ctx.settings;
    let send = |piece: Piece| budget.acquire(piece.sentences.len()) && tx.send(piece).is_ok();
    let failed = |msg: String| Piece {
        file: k,
        paragraphs: Vec::new(),
        sentences: Vec::new(),
        bytes: 0,
        end: Some(End::Failed(msg)),
    };
    if file.path.is_dir() {
        return send(failed(format!("cannot read {}: it is a directory", file.path.display())));
    }
    let handle = match File::open(&file.path) {
        Ok(f) => f,
        Err(e) => return send(failed(format!("cannot read {}: {e}", file.path.display()))),
    };
    let (reader, hasher) = HashingReader::new(handle);
    let lines = Lines::new(file.path.display().to_string(), Box::new(reader), settings.encoding);
    let mut paragraphs = Paragraphs::new(lines);
    let line = ctx.progress.start_file(&file.rel);
    let mut next_id = 0;
    let mut covered = 0u64;
    loop {
        if stop.load(Ordering::Relaxed) || INTERRUPTED.load(Ordering::Relaxed) {
            return false;
        }
        let mut piece = Piece { file: k, paragraphs: Vec::new(), sentences: Vec::new(), bytes: 0, end: None };
        let mut text_bytes = 0;
        while piece.sentences.len() < CHUNK_SENTENCES && text_bytes < CHUNK_BYTES {
            match paragraphs.next() {
                None => {
                    let digest = hasher.lock().unwrap_or_else(|p| p.into_inner()).clone();
                    piece.end = Some(End::Done { sha256: manifest::hex(&sha2::Digest::finalize(digest)) });
                    break;
                }
                Some(Err(e)) => return send(failed(e.to_string())),
                Some(Ok(p)) => {
                    text_bytes += p.text.len();
                    let mut s = settings.segmenter.sentences(&p, next_id);
                    let end = (p.start + p.text.len()) as u64;
                    piece.bytes += end.saturating_sub(covered);
                    covered = covered.max(end);
                    if s.is_empty() {
                        continue;
                    }
                    next_id += s.len();
                    piece.sentences.append(&mut s);
                    piece.paragraphs.push(p);
                }
            }
        }
        line.set(next_id);
        let last = piece.end.is_some();
        if !send(piece) {
            return false;
        }
        if last {
            return true;
        }
    }
}

/// Takes pieces off the queue, translates them in batches that mix files, passes them on.
fn translate_batches(
    ctx: &Context,
    rx: &Receiver<Piece>,
    budget: &Budget,
    tx: SyncSender<Vec<Translated>>,
) -> Result<(), Error> {
    let mut open = true;
    while open {
        let mut batch: Vec<Piece> = Vec::new();
        let mut n = 0;
        while n < BATCH_SENTENCES {
            let piece = if n >= MIN_BATCH_SENTENCES {
                // Enough to keep the engine busy: go now unless more is about to arrive (readers
                // segment a piece in milliseconds; a fuller pool makes fuller equal-length batches).
                match rx.recv_timeout(POOL_WAIT) {
                    Ok(p) => p,
                    Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => {
                        open = false;
                        break;
                    }
                }
            } else {
                match rx.recv() {
                    Ok(p) => p,
                    Err(_) => {
                        open = false;
                        break;
                    }
                }
            };
            budget.release(piece.sentences.len());
            n += piece.sentences.len();
            batch.push(piece);
        }
        if batch.is_empty() {
            continue;
        }
        if INTERRUPTED.load(Ordering::Relaxed) {
            return Err(Error::Interrupted);
        }
        let texts: Vec<&str> = batch.iter().flat_map(|p| p.sentences.iter().map(|s| s.text.as_str())).collect();
        let translations = if texts.is_empty() {
            Vec::new()
        } else {
            translate_unique(ctx.translator, &texts, &|_| {}).map_err(|e| {
                if INTERRUPTED.load(Ordering::Relaxed) {
                    Error::Interrupted
                } else {
                    e.into()
                }
            })?
        };
        let mut rest = translations.into_iter();
        let out: Vec<Translated> = batch
            .into_iter()
            .map(|p| {
                let mine: Vec<Translation> = rest.by_ref().take(p.sentences.len()).collect();
                (p, mine)
            })
            .collect();
        if tx.send(out).is_err() {
            break;
        }
    }
    Ok(())
}

/// A file being written.
struct FileState {
    outputs: Option<Outputs>,
    paths: Vec<PathBuf>,
    stats: FileStats,
    next_target_id: usize,
    started: Instant,
    counted: u64,
}

enum Outcome {
    Open(usize, Box<FileState>),
    Finished(Box<(FileReport, Option<Entry>)>),
}

/// Aligns and writes translated batches; files of one batch in parallel.
fn write_batches(ctx: &Context, rx: Receiver<Vec<Translated>>, entries: mpsc::Sender<Entry>) -> Vec<FileReport> {
    // Finishing a file waits on fsync more than on the CPU, so more threads than cores.
    let threads = ctx.settings.jobs.max(4);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build();
    let mut states: HashMap<usize, FileState> = HashMap::new();
    let mut reports = Vec::new();
    for batch in rx {
        let mut groups: Vec<(usize, Vec<Translated>)> = Vec::new();
        let mut index: HashMap<usize, usize> = HashMap::new();
        for item in batch {
            let f = item.0.file;
            let slot = *index.entry(f).or_insert_with(|| {
                groups.push((f, Vec::new()));
                groups.len() - 1
            });
            groups[slot].1.push(item);
        }
        let work: Vec<(usize, Option<FileState>, Vec<Translated>)> =
            groups.into_iter().map(|(f, items)| (f, states.remove(&f), items)).collect();
        let run = |work: Vec<(usize, Option<FileState>, Vec<Translated>)>| -> Vec<Outcome> {
            work.into_par_iter().map(|(f, state, items)| write_file(ctx, f, state, items)).collect()
        };
        let outcomes = match &pool {
            Ok(pool) => pool.install(|| run(work)),
            Err(_) => run(work),
        };
        for outcome in outcomes {
            match outcome {
                Outcome::Open(f, state) => {
                    states.insert(f, *state);
                }
                Outcome::Finished(done) => {
                    let (report, entry) = *done;
                    if let Some(entry) = entry {
                        let _ = entries.send(entry);
                    }
                    reports.push(report);
                }
            }
        }
    }
    // Files still open here were interrupted: dropping their outputs removes the temporaries.
    drop(states);
    reports
}

/// Writes one file's pieces of a batch; finishes the file at its last piece.
fn write_file(ctx: &Context, f: usize, state: Option<FileState>, items: Vec<Translated>) -> Outcome {
    let file = &ctx.files[f];
    let settings = ctx.settings;
    let mut st = state.unwrap_or_else(|| FileState {
        outputs: None,
        paths: Vec::new(),
        stats: FileStats::default(),
        next_target_id: 0,
        started: Instant::now(),
        counted: 0,
    });
    let fail = |st: FileState, msg: String| {
        ctx.progress.file_done(file.size.saturating_sub(st.counted));
        drop(st.outputs);
        Outcome::Finished(Box::new((failed_report(file, msg), None)))
    };
    for (piece, translations) in items {
        if let Some(End::Failed(msg)) = piece.end {
            return fail(st, msg);
        }
        if !piece.sentences.is_empty() {
            if st.outputs.is_none() {
                match open_outputs(ctx, file) {
                    Ok((outputs, paths)) => {
                        st.outputs = Some(outputs);
                        st.paths = paths;
                    }
                    Err(e) => return fail(st, e.to_string()),
                }
            }
            let n = piece.sentences.len();
            let aligned = crate::align::pair_translations(
                piece.paragraphs,
                piece.sentences,
                translations,
                st.next_target_id,
                &settings.thresholds,
            );
            st.next_target_id += aligned.target.len();
            st.stats.add(&aligned, &settings.filters);
            if let Some(outputs) = st.outputs.as_mut() {
                if let Err(e) = outputs.write(&aligned) {
                    return fail(st, e.to_string());
                }
            }
            let bytes = piece.bytes.min(file.size.saturating_sub(st.counted));
            st.counted += bytes;
            ctx.progress.advance(bytes, n);
        }
        if let Some(End::Done { sha256 }) = piece.end {
            return finish(ctx, file, st, sha256);
        }
    }
    Outcome::Open(f, Box::new(st))
}

/// The outputs of one file: JSONL and the formats asked for, under `--out-dir` at the file's
/// relative place.
fn open_outputs(ctx: &Context, file: &InputFile) -> Result<(Outputs, Vec<PathBuf>), Error> {
    let s = ctx.settings;
    let stem_path = s.out_dir.join(output_stem(&file.rel, &s.src_lang));
    let dir = stem_path.parent().map(Path::to_path_buf).unwrap_or_else(|| s.out_dir.clone());
    let stem = stem_path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    std::fs::create_dir_all(&dir)
        .map_err(|source| output::OutputError::Io { path: dir.display().to_string(), source })?;
    let mut plan = Vec::new();
    let mut paths = Vec::new();
    for &format in &s.formats {
        let dests = output::paths_for(&dir, &stem, format, &s.src_lang, &s.tgt_lang);
        for (dest, writer) in dests.into_iter().zip(output::writers_for(format, &s.writer_options)) {
            paths.push(dest.clone());
            plan.push((Destination::File(dest), writer));
        }
    }
    let meta = Meta {
        input: file.rel.clone(),
        src_lang: s.src_lang.clone(),
        tgt_lang: s.tgt_lang.clone(),
        model: Some(ctx.translator.name()),
        created: ctx.created,
    };
    Ok((Outputs::create(plan, &meta)?, paths))
}

/// Renames the outputs into place, makes that durable, and builds the manifest line.
fn finish(ctx: &Context, file: &InputFile, mut st: FileState, sha256: String) -> Outcome {
    let s = ctx.settings;
    let (status, outputs) = match st.outputs.take() {
        None => (Status::Empty, Vec::new()),
        Some(outputs) => match outputs.finish() {
            Ok(done) => {
                for w in &done.warnings {
                    ctx.progress.println(&format!("align: warning: {w}"));
                }
                let mut dirs: Vec<&Path> = done.paths.iter().filter_map(|p| p.parent()).collect();
                dirs.dedup();
                for d in dirs {
                    manifest::sync_dir(d);
                }
                (Status::Done, st.paths.iter().map(|p| relative_to(p, &s.out_dir)).collect())
            }
            Err(e) => {
                ctx.progress.file_done(file.size.saturating_sub(st.counted));
                return Outcome::Finished(Box::new((failed_report(file, e.to_string()), None)));
            }
        },
    };
    st.stats.bytes = file.size;
    st.stats.seconds = (st.started.elapsed().as_secs_f64() * 1000.0).round() / 1000.0;
    ctx.progress.file_done(file.size.saturating_sub(st.counted));
    let entry = Entry {
        path: file.rel.clone(),
        size: file.size,
        sha256,
        options: ctx.options_hash.clone(),
        model: ctx.model_hash.clone(),
        model_name: ctx.translator.name(),
        status,
        outputs: outputs.clone(),
        stats: st.stats.clone(),
    };
    let report = FileReport {
        path: file.rel.clone(),
        status: if status == Status::Empty { FileStatus::Empty } else { FileStatus::Done },
        outputs,
        stats: st.stats,
        error: None,
    };
    Outcome::Finished(Box::new((report, Some(entry))))
}

fn failed_report(file: &InputFile, error: String) -> FileReport {
    FileReport {
        path: file.rel.clone(),
        status: FileStatus::Failed,
        outputs: Vec::new(),
        stats: FileStats { bytes: file.size, ..Default::default() },
        error: Some(error),
    }
}

/// `out/news/a.ar-en.tmx` → `news/a.ar-en.tmx`.
pub fn relative_to(path: &Path, dir: &Path) -> String {
    super::inputs::relative_name(path.strip_prefix(dir).unwrap_or(path))
}

/// Appends manifest lines as files finish, several to one sync when they come together.
fn append_entries(mut writer: manifest::Writer, rx: Receiver<Entry>) -> Result<(), Error> {
    let mut first_error = None;
    while let Ok(entry) = rx.recv() {
        let mut group = vec![entry];
        while let Ok(more) = rx.try_recv() {
            group.push(more);
        }
        if let Err(e) = writer.append(&group) {
            first_error.get_or_insert(e);
        }
    }
    match first_error {
        Some(e) => Err(e.into()),
        None => Ok(()),
    }
}

/// Bounds the sentences read ahead: readers wait for room; a piece larger than the whole
/// budget still goes when nothing else is queued.
struct Budget {
    state: Mutex<(usize, bool)>,
    room: Condvar,
    cap: usize,
}

impl Budget {
    fn new(cap: usize) -> Budget {
        Budget { state: Mutex::new((0, false)), room: Condvar::new(), cap }
    }

    /// Waits until `n` more fit; false when the budget was closed (the run is stopping).
    fn acquire(&self, n: usize) -> bool {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        while !s.1 && s.0 > 0 && s.0 + n > self.cap {
            s = self.room.wait(s).unwrap_or_else(|p| p.into_inner());
        }
        if s.1 {
            return false;
        }
        s.0 += n;
        true
    }

    fn release(&self, n: usize) {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        s.0 = s.0.saturating_sub(n);
        self.room.notify_all();
    }

    fn close(&self) {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).1 = true;
        self.room.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_blocks_until_released_and_close_wakes_waiters() {
        let b = Budget::new(10);
        assert!(b.acquire(8));
        assert!(b.acquire(0));
        std::thread::scope(|s| {
            let waiter = s.spawn(|| b.acquire(5));
            std::thread::sleep(std::time::Duration::from_millis(50));
            b.release(8);
            assert!(waiter.join().unwrap());
        });
        let c = Budget::new(1);
        assert!(c.acquire(50), "a piece larger than the budget goes when the queue is empty");
        std::thread::scope(|s| {
            let waiter = s.spawn(|| c.acquire(1));
            std::thread::sleep(std::time::Duration::from_millis(50));
            c.close();
            assert!(!waiter.join().unwrap());
        });
    }
}
