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

/// mimalloc: the stages allocate many small, short-lived strings and vectors per document.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
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
