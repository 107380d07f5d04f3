//! `annals export`: events or happenings of a store in a format other tools read.

use crate::cli::{ExportArgs, ExportFormat};
use annals_export::{ExportError, Filter, Format, Summary};
use annals_store::{BBox, EventQuery, HappeningQuery, Store};
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

impl From<ExportFormat> for Format {
    fn from(f: ExportFormat) -> Format {
        match f {
            ExportFormat::Plover => Format::Plover,
            ExportFormat::Gdelt => Format::Gdelt,
            ExportFormat::Acled => Format::Acled,
            ExportFormat::Geojson => Format::GeoJson,
            ExportFormat::Parquet => Format::Parquet,
        }
    }
}

pub fn run(args: ExportArgs) -> anyhow::Result<ExitCode> {
    let format = Format::from(args.format);
    if format.is_binary() && args.out.is_none() {
        anyhow::bail!("--format parquet writes a file: give it with --out FILE");
    }
    if !args.db.is_file() {
        anyhow::bail!(
            "no store at {} (create one with `annals ingest`)",
            args.db.display()
        );
    }
    // Checks the dates and turns partial ones into days before the store sees them.
    let filter = Filter {
        since: args.filters.from.clone(),
        until: args.filters.to.clone(),
        ..Filter::default()
    }
    .normalized()?;
    // A read-write open: it migrates an older store (the last connection to close folds the
    // write-ahead log back into the file).
    let mut store = Store::open(&args.db)
        .map_err(|e| anyhow::anyhow!("cannot open {}: {e}", args.db.display()))?;
    let bbox = args
        .filters
        .bbox
        .as_deref()
        .map(str::parse::<BBox>)
        .transpose()?;
    if format.is_happenings() && store.pending_merge()? > 0 {
        // A store written before happenings were kept (or an interrupted ingest) merges now.
        let merger = annals_merge::Merger::new(annals_merge::MergeConfig::default());
        store.merge_all_pending(&merger, 2000)?;
    }
    let target = args.out.as_deref().map(Target::new).transpose()?;
    let result = {
        let out: Box<dyn Write + Send> = match &target {
            Some(t) => Box::new(BufWriter::new(File::create(&t.partial).map_err(|e| {
                anyhow::anyhow!("cannot create {}: {e}", t.partial.display())
            })?)),
            None => Box::new(BufWriter::new(io::stdout())),
        };
        if format.is_happenings() {
            let query = HappeningQuery {
                event: args.filters.event.clone(),
                country: args.filters.country.clone(),
                actor: args.filters.actor.clone(),
                mode: args.filters.mode.clone(),
                modality: args.filters.modality.clone(),
                from: filter.since.clone(),
                to: filter.until.clone(),
                bbox,
                place: args.filters.place.clone(),
                source: args.filters.source.clone(),
                outlet: args.filters.outlet.clone(),
                order: annals_export::DEFAULT_ORDER,
                ..HappeningQuery::default()
            };
            annals_export::export_happenings(&store, &query, out)
        } else {
            let query = EventQuery {
                event: args.filters.event.clone(),
                country: args.filters.country.clone(),
                actor: args.filters.actor.clone(),
                mode: args.filters.mode.clone(),
                modality: args.filters.modality.clone(),
                from: filter.since.clone(),
                to: filter.until.clone(),
                bbox,
                place: args.filters.place.clone(),
                source: args.filters.source.clone(),
                outlet: args.filters.outlet.clone(),
                order: annals_export::DEFAULT_ORDER,
                ..EventQuery::default()
            };
            annals_export::event_sink(format, out)
                .and_then(|sink| annals_export::export_events(&store, &query, sink))
        }
    };
    match (result, &target) {
        (Ok(summary), Some(t)) => {
            std::fs::rename(&t.partial, &t.path)
                .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", t.path.display()))?;
            report(format, summary, &t.path.display().to_string());
            Ok(ExitCode::SUCCESS)
        }
        (Ok(summary), None) => {
            report(format, summary, "stdout");
            Ok(ExitCode::SUCCESS)
        }
        (Err(ExportError::Io(e)), None) if e.kind() == io::ErrorKind::BrokenPipe => {
            Ok(ExitCode::SUCCESS)
        }
        (Err(e), target) => {
            if let Some(t) = target {
                let _ = std::fs::remove_file(&t.partial);
            }
            Err(anyhow::anyhow!("{} ({})", e, args.db.display()))
        }
    }
}

/// An output file, written under a temporary name and renamed once complete.
struct Target {
    path: PathBuf,
    partial: PathBuf,
}

impl Target {
    fn new(path: &Path) -> anyhow::Result<Target> {
        let name = path
            .file_name()
            .ok_or_else(|| anyhow::anyhow!("--out {} is not a file name", path.display()))?;
        let mut partial = name.to_os_string();
        partial.push(".partial");
        Ok(Target {
            path: path.to_path_buf(),
            partial: path.with_file_name(partial),
        })
    }
}

fn report(format: Format, s: Summary, to: &str) {
    let what = if format.is_happenings() {
        "happenings"
    } else {
        "events"
    };
    let why = match format {
        Format::Acled => " (types ACLED does not record)",
        Format::GeoJson => " (no coordinates)",
        _ => "",
    };
    if s.skipped > 0 {
        eprintln!(
            "exported {} of {} {what} to {to}; {} left out{why}",
            s.written, s.read, s.skipped
        );
    } else {
        eprintln!("exported {} {what} to {to}", s.written);
    }
}
