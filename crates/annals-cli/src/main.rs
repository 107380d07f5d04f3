//! `annals`: the command-line tool over the annals library crates.
//!
//! It owns argument parsing, progress bars, output streams and exit codes; everything else is
//! done by the library crates (see ARCHITECTURE.md).

mod bench;
mod bench_store;
mod cli;
mod eval;
mod export;
mod extract;
mod ingest;
mod search;
mod serve;

use clap::Parser;
use std::process::ExitCode;

/// Turns transparent huge pages off for this process (Linux).
///
/// mimalloc asks for huge pages on its arenas, and it returns memory it no longer uses to the
/// system and takes it back later. Each time, the kernel zeroes a whole 2 MB page at the first
/// touch, however little of it is used: over an ingest that was 14% of all CPU time, against a
/// few percent for faulting in 4 KB pages instead.
fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes integer arguments only and changes nothing but this
    // process's huge page policy; a failure (old kernel) leaves the default in place.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// mimalloc: the stages allocate many small, short-lived strings and vectors per document.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    no_huge_pages();
    let args = cli::Cli::parse();
    let result = match args.command {
        cli::Command::Extract(a) => extract::run(a),
        cli::Command::Eval(a) => eval::run(a),
        cli::Command::Bench(a) => bench::run(a),
        cli::Command::Ingest(a) => ingest::run(a),
        cli::Command::Search(a) => search::run(*a),
        cli::Command::Export(a) => export::run(*a),
        cli::Command::Serve(a) => serve::run(a),
        cli::Command::BenchStore(a) => bench_store::run(a),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}
