//! Progress of a corpus run on standard error: one overall bar (input bytes, with files,
//! sentences and the ETA) and one line per file being read. Drawn only when standard error is a
//! terminal and --quiet is off; otherwise every call is a no-op.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

pub struct CorpusProgress {
    bars: Option<Bars>,
    files: usize,
    files_done: AtomicUsize,
    sentences: AtomicUsize,
}

struct Bars {
    multi: MultiProgress,
    overall: ProgressBar,
}

/// The line of one file being read.
pub struct FileLine(Option<(MultiProgress, ProgressBar)>);

impl CorpusProgress {
    /// `files` inputs to do, `bytes` in all.
    pub fn new(files: usize, bytes: u64, quiet: bool) -> CorpusProgress {
        let bars = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let multi = MultiProgress::with_draw_target(ProgressDrawTarget::stderr());
            let overall = multi.add(ProgressBar::new(bytes)).with_style(
                ProgressStyle::with_template(
                    "{spinner} [{elapsed_precise}] {wide_bar} {percent:>3}% {msg} (ETA {eta})",
                )
                .expect("template is valid"),
            );
            overall.enable_steady_tick(Duration::from_millis(200));
            Bars { multi, overall }
        });
        let p = CorpusProgress { bars, files, files_done: AtomicUsize::new(0), sentences: AtomicUsize::new(0) };
        p.refresh();
        p
    }

    fn refresh(&self) {
        if let Some(b) = &self.bars {
            b.overall.set_message(format!(
                "{}/{} files, {} sentences",
                self.files_done.load(Ordering::Relaxed),
                self.files,
                self.sentences.load(Ordering::Relaxed)
            ));
        }
    }

    /// A line for a file that is being read.
    pub fn start_file(&self, name: &str) -> FileLine {
        FileLine(self.bars.as_ref().map(|b| {
            let line = b
                .multi
                .add(ProgressBar::new_spinner())
                .with_style(ProgressStyle::with_template("  {spinner} {prefix} {msg}").expect("template is valid"));
            line.set_prefix(name.to_string());
            (b.multi.clone(), line)
        }))
    }

    /// `sentences` more were written, covering `bytes` more of the input.
    pub fn advance(&self, bytes: u64, sentences: usize) {
        self.sentences.fetch_add(sentences, Ordering::Relaxed);
        if let Some(b) = &self.bars {
            b.overall.inc(bytes);
        }
        self.refresh();
    }

    /// A file is finished (or failed); `rest` is the part of its size not yet counted.
    pub fn file_done(&self, rest: u64) {
        self.files_done.fetch_add(1, Ordering::Relaxed);
        if let Some(b) = &self.bars {
            b.overall.inc(rest);
        }
        self.refresh();
    }

    /// Prints a line above the bars (or plainly when there are none).
    pub fn println(&self, line: &str) {
        match &self.bars {
            Some(b) => {
                let _ = b.multi.println(line);
            }
            None => eprintln!("{line}"),
        }
    }

    pub fn finish(&self) {
        if let Some(b) = &self.bars {
            b.overall.finish_and_clear();
            let _ = b.multi.clear();
        }
    }
}

impl FileLine {
    pub fn set(&self, sentences: usize) {
        if let Some((_, line)) = &self.0 {
            line.set_message(format!("{sentences} sentences read"));
            line.tick();
        }
    }
}

impl Drop for FileLine {
    fn drop(&mut self) {
        if let Some((multi, line)) = self.0.take() {
            line.finish_and_clear();
            multi.remove(&line);
        }
    }
}
