//! `align`: parse flags, build the job, call the library, turn errors into exit codes.

use std::process::ExitCode;
use std::sync::atomic::Ordering;

use clap::Parser;
use nazir::cli::{Cli, Command, CorpusCommand};
use nazir::{commands, INTERRUPTED};

fn main() -> ExitCode {
    let cli = Cli::parse();
    // First Ctrl-C: stop at the next batch, remove temporary files, exit 130. Second: exit now.
    let _ = ctrlc::set_handler(|| {
        if INTERRUPTED.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
    });
    let result = match cli.command {
        Some(Command::Segment(args)) => commands::segment(&args),
        Some(Command::Info(args)) => commands::info(&args),
        Some(Command::Convert(args)) => commands::convert(&args),
        Some(Command::Models(args)) => commands::models(&args),
        Some(Command::Config(args)) => commands::config(&args),
        Some(Command::Eval(command)) => commands::eval(&command),
        Some(Command::Corpus(CorpusCommand::Merge(args))) => commands::corpus_merge(&args),
        None => commands::align(&cli.align),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.is_broken_pipe() => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("align: {e}");
            ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(1))
        }
    }
}
