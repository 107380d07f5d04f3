//! `annals ingest`: read inputs, run the pipeline, store the records (idempotently) in a store.
//!
//! The main thread reads documents and extracts each batch in parallel; a writer thread commits
//! the batches, one transaction each, while the next batch is being extracted.

use crate::cli::IngestArgs;
use crate::extract::{Tally, inputs, progress};
use annals_document::Document;
use annals_ingest::Item;
use annals_store::{InsertStats, Record, Store, StoreError};
use indicatif::ProgressBar;
use rayon::prelude::*;
use std::process::ExitCode;
use std::sync::mpsc;
use std::thread;

/// Batches extracted ahead of the writer at most.
const QUEUE: usize = 2;

pub fn run(args: IngestArgs) -> anyhow::Result<ExitCode> {
    let pipeline = crate::extract::pipeline(&args.run)?;
    let batch_size = args.batch.max(1);
    let open_error = |e: StoreError| anyhow::anyhow!("cannot open {}: {e}", args.db.display());
    let store = Store::open(&args.db).map_err(open_error)?;
    // A second connection, for skipping documents already stored without extracting them.
    let lookup = Store::open_read_only(&args.db).map_err(open_error)?;
    let mut tally = Tally::default();
    let (inputs, options) = inputs(&args.input, &mut tally);
    let bar = progress(&inputs, !args.run.no_progress);
    let (send, receive) = mpsc::sync_channel::<Vec<Record>>(QUEUE);
    let writer = {
        let bar = bar.clone();
        thread::spawn(move || write_batches(store, &receive, &bar))
    };

    let mut batch: Vec<Document> = Vec::with_capacity(batch_size);
    let mut present = 0u64;
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
        let records: Vec<Record> = batch
            .par_drain(..)
            .map(|doc| Record::from_extraction(&pipeline.extract(doc)))
            .collect();
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
    let total = match (failed, written) {
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
    Ok(tally.exit_code())
}

/// Commits each batch received, in order, until the channel closes or a write fails.
fn write_batches(
    mut store: Store,
    batches: &mpsc::Receiver<Vec<Record>>,
    bar: &ProgressBar,
) -> Result<InsertStats, StoreError> {
    let mut total = InsertStats::default();
    for records in batches {
        let stats = store.insert_records(&records)?;
        total.inserted += stats.inserted;
        total.skipped += stats.skipped;
        total.events += stats.events;
        bar.set_message(format!("{} stored", total.inserted));
    }
    Ok(total)
}
