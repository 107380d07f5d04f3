//! `annals extract`: read inputs, run the pipeline, print JSONL.

use crate::cli::{ExtractArgs, InputArgs, RunArgs};
use annals_document::{Diagnostic, Document, Severity};
use annals_ingest::{Input, Item, ReadOptions};
use annals_pipeline::{Extraction, Pipeline};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

/// Documents extracted in parallel at a time; output keeps input order.
const BATCH: usize = 256;
/// Inputs smaller than this in total get no progress bar.
const PROGRESS_MIN_BYTES: u64 = 8 << 20;

/// Counts what happened to the inputs, for the exit code and the summary line.
#[derive(Debug, Default)]
pub struct Tally {
    pub documents: u64,
    pub errors: u64,
    pub warnings: u64,
}

impl Tally {
    /// Prints a diagnostic on stderr (above the progress bar) and counts it.
    pub fn report(&mut self, diag: &Diagnostic, bar: &ProgressBar) {
        match diag.severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
        }
        bar.suspend(|| eprintln!("{diag}"));
    }

    /// Exit 0 when every input was read, 1 when some failed.
    pub fn exit_code(&self) -> ExitCode {
        if self.errors > 0 {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        }
    }
}

/// Expands the input paths (reporting unreadable ones) and builds the read options.
pub fn inputs(args: &InputArgs, tally: &mut Tally) -> (Vec<Input>, ReadOptions) {
    let hidden = ProgressBar::hidden();
    let inputs = annals_ingest::expand(&args.paths, &mut |item| {
        if let Item::Diagnostic(d) = item {
            tally.report(&d, &hidden);
        }
    });
    let options = ReadOptions {
        format: args.format.map(Into::into),
        ..ReadOptions::default()
    };
    (inputs, options)
}

/// A byte-counting progress bar on stderr, shown only on a terminal for large inputs.
pub fn progress(inputs: &[Input], enabled: bool) -> ProgressBar {
    let total: u64 = inputs.iter().filter_map(|i| i.size).sum();
    if !enabled || total < PROGRESS_MIN_BYTES || !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template(
            "{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta} {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

/// Sets the worker threads and loads the pipeline with the user's dictionaries.
pub fn pipeline(run: &RunArgs) -> anyhow::Result<Pipeline> {
    if let Some(n) = run.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global()?;
    }
    Ok(Pipeline::with_dictionaries(&run.dictionaries)?)
}

/// Documents one extraction task runs stage by stage (see [`Pipeline::extract_batch`]).
pub(crate) const STAGE_BATCH: usize = 32;

/// Extracts the documents drained from `docs` on the thread pool, in tasks of [`STAGE_BATCH`]
/// documents, and maps each record with `f`; the results keep the documents' order.
pub(crate) fn extract_parallel<T: Send>(
    pipeline: &Pipeline,
    docs: &mut Vec<Document>,
    f: impl Fn(Extraction) -> T + Sync + Send,
) -> Vec<T> {
    docs.par_drain(..)
        .chunks(STAGE_BATCH)
        .flat_map_iter(|chunk| pipeline.extract_batch(chunk).into_iter().map(&f))
        .collect()
}

pub fn run(args: ExtractArgs) -> anyhow::Result<ExitCode> {
    let pipeline = pipeline(&args.run)?;
    let mut tally = Tally::default();
    let (inputs, options) = inputs(&args.input, &mut tally);
    let bar = progress(&inputs, !args.run.no_progress);
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut batch: Vec<Document> = Vec::with_capacity(BATCH);
    let mut write_failed: Option<io::Error> = None;

    let flush = |batch: &mut Vec<Document>, out: &mut dyn Write| -> io::Result<()> {
        let lines: Vec<String> = extract_parallel(&pipeline, batch, |record| {
            serde_json::to_string(&record).expect("records serialize")
        });
        for line in lines {
            out.write_all(line.as_bytes())?;
            out.write_all(b"\n")?;
        }
        Ok(())
    };

    for input in &inputs {
        if write_failed.is_some() {
            break;
        }
        annals_ingest::read_input(input, &options, &mut |item| match item {
            Item::Document(doc) => {
                tally.documents += 1;
                batch.push(*doc);
                if batch.len() >= BATCH
                    && write_failed.is_none()
                    && let Err(e) = flush(&mut batch, &mut out)
                {
                    write_failed = Some(e);
                }
            }
            Item::Diagnostic(d) => tally.report(&d, &bar),
        });
        if let Some(size) = input.size {
            bar.inc(size);
        }
    }
    if write_failed.is_none()
        && let Err(e) = flush(&mut batch, &mut out).and_then(|_| out.flush())
    {
        write_failed = Some(e);
    }
    bar.finish_and_clear();
    if let Some(e) = write_failed {
        if e.kind() == io::ErrorKind::BrokenPipe {
            return Ok(tally.exit_code());
        }
        anyhow::bail!("cannot write to stdout: {e}");
    }
    if tally.errors > 0 || tally.warnings > 0 {
        eprintln!(
            "{} documents; {} inputs failed, {} warnings",
            tally.documents, tally.errors, tally.warnings
        );
    }
    Ok(tally.exit_code())
}
