//! `annals ingest`: read inputs, run the pipeline, store the records (idempotently) in a store.

use crate::cli::IngestArgs;
use crate::extract::{Tally, inputs, progress};
use annals_document::Document;
use annals_ingest::Item;
use annals_pipeline::Pipeline;
use annals_store::{InsertStats, Record, Store};
use indicatif::ProgressStyle;
use rayon::prelude::*;
use std::process::ExitCode;

pub fn run(args: IngestArgs) -> anyhow::Result<ExitCode> {
    if let Some(n) = args.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global()?;
    }
    let batch_size = args.batch.max(1);
    let mut store = Store::open(&args.db)
        .map_err(|e| anyhow::anyhow!("cannot open {}: {e}", args.db.display()))?;
    let mut tally = Tally::default();
    let (inputs, options) = inputs(&args.input, &mut tally);
    let bar = progress(&inputs, !args.no_progress);
    if !bar.is_hidden() {
        bar.set_style(
            ProgressStyle::with_template(
                "{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta} {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
    }
    let pipeline = Pipeline::new();
    let mut batch: Vec<Document> = Vec::with_capacity(batch_size);
    let mut total = InsertStats::default();
    let mut failed: Option<annals_store::StoreError> = None;

    // Extracts the batch in parallel, then writes it in one transaction. Documents already
    // stored (a rerun after an interruption) are not extracted again.
    let mut flush = |batch: &mut Vec<Document>, total: &mut InsertStats| {
        let before = batch.len();
        let mut lookup = Ok(());
        batch.retain(|doc| match store.contains(&doc.id) {
            Ok(found) => !found,
            Err(e) => {
                lookup = Err(e);
                true
            }
        });
        lookup?;
        total.skipped += (before - batch.len()) as u64;
        let records: Vec<Record> = batch
            .par_drain(..)
            .map(|doc| Record::from_extraction(&pipeline.extract(doc)))
            .collect();
        let stats = store.insert_records(&records)?;
        total.inserted += stats.inserted;
        total.skipped += stats.skipped;
        total.events += stats.events;
        bar.set_message(format!(
            "{} stored, {} present",
            total.inserted, total.skipped
        ));
        Ok::<_, annals_store::StoreError>(())
    };

    for input in &inputs {
        if failed.is_some() {
            break;
        }
        annals_ingest::read_input(input, &options, &mut |item| match item {
            Item::Document(_) if failed.is_some() => {}
            Item::Document(doc) => {
                tally.documents += 1;
                batch.push(*doc);
                if batch.len() >= batch_size {
                    failed = flush(&mut batch, &mut total).err();
                }
            }
            Item::Diagnostic(d) => tally.report(&d, &bar),
        });
        if let Some(size) = input.size {
            bar.inc(size);
        }
    }
    if failed.is_none() {
        failed = flush(&mut batch, &mut total).err();
    }
    bar.finish_and_clear();
    if let Some(e) = failed {
        anyhow::bail!("cannot write to {}: {e}", args.db.display());
    }
    eprintln!(
        "{} documents read; {} inserted, {} already present, {} events; {} inputs failed, {} warnings",
        tally.documents, total.inserted, total.skipped, total.events, tally.errors, tally.warnings
    );
    Ok(tally.exit_code())
}
