//! `align`: parse flags, build the job, call the library, turn errors into exit codes.

use std::io::Write;
use std::process::ExitCode;
use std::sync::atomic::Ordering;

use clap::Parser;
use nazir::cli::{Cli, Command, CorpusCommand};
use nazir::{commands, INTERRUPTED};

fn main() -> ExitCode {
    let cli = Cli::parse();
    // First Ctrl-C: stop after the engine's current batch, remove temporary files, exit 130.
    // Second: remove the temporary files and exit now, without waiting for the engine.
    let _ = ctrlc::set_handler(|| {
        if INTERRUPTED.swap(true, Ordering::SeqCst) {
            nazir::output::remove_live_temporaries();
            let _ = writeln!(std::io::stderr(), "align: interrupted (second Ctrl-C: stopped at once)");
            exit_now(130);
        }
    });
    quiet_on_closed_stdout();
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

/// Ends the process without unwinding or running exit handlers: the engine's C++ threads may
/// still be running, and tearing down their globals under them can crash.
fn exit_now(code: i32) -> ! {
    #[cfg(unix)]
    // SAFETY: _exit takes no pointers and never returns; skipping destructors is the point.
    unsafe {
        libc::_exit(code)
    }
    #[cfg(not(unix))]
    std::process::exit(code)
}

/// `println!` panics when standard output was closed (`align info | head -1`); a reader that
/// stopped reading is not an error, so that one panic ends the program quietly with success.
fn quiet_on_closed_stdout() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let msg = info.payload().downcast_ref::<String>().map(String::as_str).unwrap_or_default();
        if msg.starts_with("failed printing to stdout") && msg.contains("Broken pipe") {
            exit_now(0);
        }
        default(info);
    }));
}
