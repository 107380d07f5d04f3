//! `annals ingest`: read inputs, run the pipeline, store the records (idempotently) in a store.
//!
//! The main thread reads documents and extracts each batch in parallel; a writer thread commits
//! the batches, one transaction each, while the next batch is being extracted. Once
//! [`MERGE_CHUNK`] events wait to be merged, and when the input ends, the writer merges them
//! into the stored happenings (in transactions of their own: a kill in between leaves the
//! events pending, and the next run merges them).

use crate::cli::IngestArgs;
use crate::extract::{Tally, inputs, progress};
use annals_document::Document;
use annals_ingest::Item;
use annals_merge::{MergeConfig, Merger, Report};
use annals_store::{InsertStats, MergeStats, Record, Store, StoreError};
use indicatif::ProgressBar;
use std::process::ExitCode;
use std::sync::mpsc;
use std::thread;
use std::time::Instant;

/// Batches extracted ahead of the writer at most.
const QUEUE: usize = 2;
/// Pending events merged per transaction, and how many wait before the writer merges. Merging
/// rarely, many events at once, merges and rewrites each stored happening once per merge
/// rather than once per batch that reports it again.
const MERGE_CHUNK: usize = 50_000;
/// Page cache of the writer's connection. Writing appends pages and reads few back (events
/// written are merged from the reports handed over, not read again), so the store's default
/// cache, meant for queries, only filled up with written pages: 16 MiB instead of 64 MiB took
/// about 50 MB off the peak memory of an ingest of a few thousand articles, and a fifth of its
/// page faults, for the same CPU spent storing and merging.
const WRITER_CACHE_BYTES: i64 = 16 << 20;

/// One extracted document for the writer: its rows and its events' reports.
type Extracted = (Record, Vec<Option<Report>>);

/// What the writer thread did.
#[derive(Default)]
struct Written {
    insert: InsertStats,
    merge: MergeStats,
    /// CPU seconds spent writing batches.
    insert_secs: f64,
    /// CPU seconds spent merging.
    merge_secs: f64,
}

pub fn run(args: IngestArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let pipeline = crate::extract::pipeline(&args.run)?;
    let batch_size = args.batch.max(1);
    let open_error = |e: StoreError| anyhow::anyhow!("cannot open {}: {e}", args.db.display());
    let store = Store::open(&args.db).map_err(open_error)?;
    // A second connection, for skipping documents already stored without extracting them.
    let lookup = Store::open_read_only(&args.db).map_err(open_error)?;
    let mut tally = Tally::default();
    let (inputs, options) = inputs(&args.input, &mut tally);
    let bar = progress(&inputs, !args.run.no_progress);
    let (send, receive) = mpsc::sync_channel::<Vec<Extracted>>(QUEUE);
    let writer = {
        let bar = bar.clone();
        thread::spawn(move || write_batches(store, &receive, &bar))
    };

    let mut batch: Vec<Document> = Vec::with_capacity(batch_size);
    let mut present = 0u64;
    let mut bytes = 0u64;
    let mut failed: Option<StoreError> = None;
    let mut writer_gone = false;

    // Extracts the batch in parallel and hands it to the writer. Documents already stored (a
    // rerun after an interruption) are not extracted again.
    let mut flush = |batch: &mut Vec<Document>| -> Result<bool, StoreError> {
        let before = batch.len();
        let mut error = None;
        batch.retain(|doc| match lookup.contains(&doc.id) {
            Ok(found) => !found,
            Err(e) => {
                error = Some(e);
                true
            }
        });
        if let Some(e) = error {
            return Err(e);
        }
        present += (before - batch.len()) as u64;
        // Each record's rows, and its events' reports for the merger (taken out of the record:
        // merging them then needs not read them back).
        let records: Vec<Extracted> =
            crate::extract::extract_parallel(&pipeline, batch, |record| {
                let rows = Record::from_extraction(&record);
                (rows, Report::stored_from_extraction(record))
            });
        // A failed send means the writer stopped on an error, reported when it is joined.
        Ok(send.send(records).is_ok())
    };

    for input in &inputs {
        if failed.is_some() || writer_gone {
            break;
        }
        annals_ingest::read_input(input, &options, &mut |item| match item {
            Item::Document(_) if failed.is_some() || writer_gone => {}
            Item::Document(doc) => {
                tally.documents += 1;
                bytes += doc.text.len() as u64;
                batch.push(*doc);
                if batch.len() >= batch_size {
                    match flush(&mut batch) {
                        Ok(alive) => writer_gone = !alive,
                        Err(e) => failed = Some(e),
                    }
                }
            }
            Item::Diagnostic(d) => tally.report(&d, &bar),
        });
        if let Some(size) = input.size {
            bar.inc(size);
        }
    }
    if failed.is_none() && !writer_gone {
        // A writer that stopped reports its error when joined.
        failed = flush(&mut batch).err();
    }
    // Close the reading connection first, so that the writer's, closing last, folds the
    // write-ahead log back into the store file; then close the channel: the writer commits
    // what is queued and returns.
    drop(lookup);
    drop(send);
    let written = writer
        .join()
        .map_err(|_| anyhow::anyhow!("the store writer panicked"))?;
    bar.finish_and_clear();
    let Written {
        insert: total,
        merge,
        insert_secs,
        merge_secs,
    } = match (failed, written) {
        (Some(e), _) | (None, Err(e)) => {
            anyhow::bail!("cannot write to {}: {e}", args.db.display())
        }
        (None, Ok(total)) => total,
    };
    eprintln!(
        "{} documents read; {} inserted, {} already present, {} events; {} inputs failed, {} warnings",
        tally.documents,
        total.inserted,
        total.skipped + present,
        total.events,
        tally.errors,
        tally.warnings
    );
    eprintln!(
        "{} events merged into happenings ({} happenings written, {} replaced); \
         writer CPU: {insert_secs:.2} s storing, {merge_secs:.2} s merging",
        merge.pending, merge.written, merge.replaced
    );
    let secs = started.elapsed().as_secs_f64().max(1e-9);
    eprintln!(
        "{:.1} s: {:.0} articles/s, {:.2} MB/s ({} threads)",
        secs,
        tally.documents as f64 / secs,
        bytes as f64 / 1e6 / secs,
        rayon::current_num_threads()
    );
    if let Some(cpu) = process_cpu_secs().filter(|c| *c > 0.0) {
        eprintln!(
            "{cpu:.1} CPU s: {:.0} articles and {:.2} MB per CPU second",
            tally.documents as f64 / cpu,
            bytes as f64 / 1e6 / cpu
        );
    }
    Ok(tally.exit_code())
}

/// Commits each batch received, in order, until the channel closes or a write fails; merges
/// the pending events into happenings whenever [`MERGE_CHUNK`] of them wait, and at the end.
/// Events left pending by an earlier, interrupted run are merged with the first of those.
fn write_batches(
    mut store: Store,
    batches: &mpsc::Receiver<Vec<Extracted>>,
    bar: &ProgressBar,
) -> Result<Written, StoreError> {
    let merger = Merger::new(MergeConfig::default());
    let mut total = Written::default();
    let merge = |store: &mut Store, total: &mut Written| -> Result<(), StoreError> {
        let t = thread_cpu_secs();
        let m = store.merge_all_pending(&merger, MERGE_CHUNK)?;
        total.merge_secs += thread_cpu_secs() - t;
        total.merge.pending += m.pending;
        total.merge.written += m.written;
        total.merge.replaced += m.replaced;
        total.merge.reloaded += m.reloaded;
        Ok(())
    };
    store.set_cache_bytes(WRITER_CACHE_BYTES)?;
    let mut pending = store.pending_merge()?;
    for batch in batches {
        let t = thread_cpu_secs();
        let (records, reports): (Vec<Record>, Vec<_>) = batch.into_iter().unzip();
        let stats = store.insert_with_reports(&records, reports)?;
        total.insert_secs += thread_cpu_secs() - t;
        total.insert.inserted += stats.inserted;
        total.insert.skipped += stats.skipped;
        total.insert.events += stats.events;
        pending += stats.events;
        if pending >= MERGE_CHUNK as u64 {
            merge(&mut store, &mut total)?;
            pending = 0;
        }
        bar.set_message(format!("{} stored", total.insert.inserted));
    }
    merge(&mut store, &mut total)?;
    // The process ends after this: the store is closed without freeing its caches one by one.
    store.close_before_exit()?;
    Ok(total)
}

/// CPU time of the calling thread, in seconds (0 where the system does not tell).
fn thread_cpu_secs() -> f64 {
    // Linux: the first field of schedstat is the time on CPU, in nanoseconds.
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .map_or(0.0, |ns| ns as f64 / 1e9)
}

/// CPU time (user + system) of the whole process so far, in seconds, where the system tells.
fn process_cpu_secs() -> Option<f64> {
    // Linux: fields 14 and 15 of stat (after the parenthesized command name), in clock ticks
    // of 1/100 s.
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let rest = stat.get(stat.rfind(')')? + 1..)?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}
