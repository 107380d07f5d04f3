//! `annals bench`: per-stage throughput on one core, with peak resident memory.
//!
//! Each stage runs over the whole corpus held in memory (after the read stage), single-threaded,
//! so the figures are per core. `MB/s` divides by wall-clock time; `cpu MB/s` divides by the time
//! the thread was actually on a CPU (Linux `schedstat`), which stays meaningful on a machine
//! shared with other work. Peak RSS is the kernel's high-water mark (`VmHWM`), reset before
//! each stage where the kernel allows it, so each row shows that stage's own peak.

use crate::cli::BenchArgs;
use crate::extract::{STAGE_BATCH, Tally, inputs};
use annals_document::Document;
use annals_ingest::Item;
use annals_pipeline::{Pipeline, Recognized};
use annals_store::Record;
use indicatif::ProgressBar;
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// One measured stage.
struct Row {
    stage: &'static str,
    docs: u64,
    bytes: u64,
    elapsed: Duration,
    cpu: Option<Duration>,
    peak_rss_kb: Option<u64>,
    found: String,
}

/// The process's peak resident set size in KiB (Linux `VmHWM`).
fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Time this thread has spent on a CPU (Linux `/proc/thread-self/schedstat`, nanoseconds).
pub(crate) fn thread_cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = stat.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(ns))
}

/// Resets the peak RSS mark to the current RSS (Linux 4.0+); a no-op elsewhere.
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// Runs `f` over every document (`repeat` times) and returns the stage's row; `f` gets the
/// document's index and returns how many findings it made, summed into the row's `found`.
fn measure(
    stage: &'static str,
    docs: &[Document],
    repeat: usize,
    mut f: impl FnMut(usize, &Document) -> usize,
) -> Row {
    reset_peak_rss();
    let cpu_start = thread_cpu_time();
    let start = Instant::now();
    let mut found = 0usize;
    for _ in 0..repeat {
        for (i, doc) in docs.iter().enumerate() {
            found += f(i, doc);
        }
    }
    let elapsed = start.elapsed();
    let cpu = thread_cpu_time()
        .zip(cpu_start)
        .map(|(end, start)| end.saturating_sub(start));
    Row {
        stage,
        docs: (docs.len() * repeat) as u64,
        bytes: (docs.iter().map(|d| d.text.len()).sum::<usize>() * repeat) as u64,
        elapsed,
        cpu,
        peak_rss_kb: peak_rss_kb(),
        found: found.to_string(),
    }
}

/// Like [`measure`], but `f` gets the documents in batches of [`STAGE_BATCH`] (the last one shorter).
fn measure_batches(
    stage: &'static str,
    docs: &[Document],
    repeat: usize,
    mut f: impl FnMut(&[Document]) -> usize,
) -> Row {
    measure(stage, docs, repeat, |i, _| {
        // Called once per document: run a batch when its first document comes up.
        if i % STAGE_BATCH != 0 {
            return 0;
        }
        f(&docs[i..docs.len().min(i + STAGE_BATCH)])
    })
}

pub fn run(args: BenchArgs) -> anyhow::Result<ExitCode> {
    let repeat = args.repeat.max(1);
    let mut tally = Tally::default();
    let (inputs, options) = inputs(&args.input, &mut tally);
    let hidden = ProgressBar::hidden();

    reset_peak_rss();
    let cpu_start = thread_cpu_time();
    let start = Instant::now();
    let mut docs = Vec::new();
    for input in &inputs {
        annals_ingest::read_input(input, &options, &mut |item| match item {
            Item::Document(doc) => docs.push(*doc),
            Item::Diagnostic(d) => tally.report(&d, &hidden),
        });
    }
    let read = Row {
        stage: "read",
        docs: docs.len() as u64,
        bytes: docs.iter().map(|d| d.text.len() as u64).sum(),
        elapsed: start.elapsed(),
        cpu: thread_cpu_time()
            .zip(cpu_start)
            .map(|(end, start)| end.saturating_sub(start)),
        peak_rss_kb: peak_rss_kb(),
        found: format!("{} docs", docs.len()),
    };
    if docs.is_empty() {
        anyhow::bail!("no documents read from the inputs");
    }

    let load_start = Instant::now();
    let pipeline = Pipeline::new();
    let load = load_start.elapsed();

    let Recognized {
        sentences,
        times,
        places,
        actors,
    } = pipeline.recognize_batch(&docs);
    let extractions = pipeline.extract_batch(docs.clone());
    let rows = vec![
        read,
        measure("segment", &docs, repeat, |_, d| pipeline.segment(d).len()),
        measure("times", &docs, repeat, |i, d| {
            pipeline.times(d, &sentences[i]).expressions.len()
        }),
        measure("places", &docs, repeat, |i, d| {
            pipeline.places(d, &sentences[i]).len()
        }),
        measure("actors", &docs, repeat, |i, d| {
            pipeline.actors(d, &sentences[i]).len()
        }),
        measure("events", &docs, repeat, |i, d| {
            pipeline
                .events(d, &sentences[i], &times[i], &places[i], &actors[i])
                .len()
        }),
        measure("extract (all stages)", &docs, repeat, |_, d| {
            pipeline.extract(d.clone()).events.len()
        }),
        measure_batches("extract, stage by stage", &docs, repeat, |batch| {
            let records = pipeline.extract_batch(batch.to_vec());
            records.iter().map(|r| r.events.len()).sum()
        }),
        measure("store record", &docs, repeat, |i, _| {
            extractions
                .get(i)
                .map_or(0, |e| Record::from_extraction(e).events.len())
        }),
    ];

    println!(
        "corpus: {} documents, {:.2} MB of text; pipeline loaded in {:.0} ms; repeat {repeat}; 1 thread",
        rows[0].docs,
        rows[0].bytes as f64 / 1e6,
        load.as_secs_f64() * 1e3
    );
    println!(
        "{:<22} {:>10} {:>12} {:>10} {:>10} {:>14} {:>14}",
        "stage", "docs", "docs/s", "MB/s", "cpu MB/s", "peak RSS MB", "found"
    );
    for r in &rows {
        let secs = r.elapsed.as_secs_f64().max(1e-9);
        println!(
            "{:<22} {:>10} {:>12.0} {:>10.2} {:>10} {:>14} {:>14}",
            r.stage,
            r.docs,
            r.docs as f64 / secs,
            r.bytes as f64 / 1e6 / secs,
            r.cpu
                .map(|cpu| format!("{:.2}", r.bytes as f64 / 1e6 / cpu.as_secs_f64().max(1e-9)))
                .unwrap_or_else(|| "n/a".into()),
            r.peak_rss_kb
                .map(|kb| format!("{:.1}", kb as f64 / 1024.0))
                .unwrap_or_else(|| "n/a".into()),
            r.found,
        );
    }
    Ok(tally.exit_code())
}
