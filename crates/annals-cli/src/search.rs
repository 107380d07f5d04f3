//! `annals search`: full-text search and event filters over a store, printed as JSONL hits.

use crate::cli::SearchArgs;
use annals_store::{BBox, Query, Store};
use std::io::{self, Write};
use std::process::ExitCode;

pub fn run(args: SearchArgs) -> anyhow::Result<ExitCode> {
    if !args.db.is_file() {
        anyhow::bail!(
            "no store at {} (create one with `annals ingest`)",
            args.db.display()
        );
    }
    // A read-write open (of an existing file): it migrates an old store, and it is the last
    // connection to close that folds the write-ahead log back into the one file.
    let store = Store::open(&args.db)
        .map_err(|e| anyhow::anyhow!("cannot open {}: {e}", args.db.display()))?;
    let words = args.query.join(" ");
    let query = Query {
        text: (!words.trim().is_empty()).then_some(words),
        actor: args.filters.actor,
        country: args.filters.country,
        event: args.filters.event,
        mode: args.filters.mode,
        modality: args.filters.modality,
        from: args.filters.from,
        to: args.filters.to,
        bbox: args
            .filters
            .bbox
            .as_deref()
            .map(str::parse::<BBox>)
            .transpose()?,
        place: args.filters.place,
        source: args.filters.source,
        outlet: args.filters.outlet,
        limit: Some(args.limit),
        offset: args.offset,
    };
    let hits = store.search(&query)?;
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let written = hits
        .iter()
        .try_for_each(|hit| {
            serde_json::to_writer(&mut out, hit).map_err(io::Error::from)?;
            out.write_all(b"\n")
        })
        .and_then(|_| out.flush());
    match written {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            anyhow::bail!("cannot write to stdout: {e}")
        }
        _ => Ok(ExitCode::SUCCESS),
    }
}
