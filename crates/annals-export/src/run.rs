//! Exports straight from a store, streaming.

use crate::geojson::{ExportHappening, GeoJsonWriter};
use crate::model::{DocMeta, ExportEvent};
use crate::{EventSink, ExportError};
use annals_store::{EventQuery, EventView, HappeningQuery, Order, Store};
use serde_json::Value;
use std::io::Write;

/// What an export did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Records read from the store.
    pub read: u64,
    /// Records written.
    pub written: u64,
    /// Records the format leaves out (ACLED: types it does not record; GeoJSON: happenings
    /// without coordinates).
    pub skipped: u64,
}

impl Summary {
    /// Counts one record read and what writing it gave (written, or left out by the format);
    /// on an error keeps it in `failure` and returns false to stop the walk.
    fn count(
        &mut self,
        written: Result<bool, ExportError>,
        failure: &mut Option<ExportError>,
    ) -> bool {
        self.read += 1;
        match written {
            Ok(true) => self.written += 1,
            Ok(false) => self.skipped += 1,
            Err(e) => {
                *failure = Some(e);
                return false;
            }
        }
        true
    }
}

impl ExportEvent {
    /// An event as the store lists it.
    pub fn from_view(view: EventView) -> ExportEvent {
        let doc = DocMeta {
            id: view.doc_id,
            title: view.title,
            date: view.story_date,
            outlet: view.outlet,
            url: view.url,
            language: None,
            added: None,
        };
        let fields = Value::Object(view.fields);
        let mut event = ExportEvent::from_value(doc, u64::from(view.idx), &fields, None);
        event.sentence = view.text.filter(|s| !s.trim().is_empty());
        event
    }
}

/// Fails with a clear error when the store holds no documents.
fn check_not_empty(store: &Store) -> Result<(), ExportError> {
    if store.counts()?.documents == 0 {
        return Err(ExportError::EmptyStore);
    }
    Ok(())
}

/// Writes every event of `store` that `query` selects (oldest first unless the query says
/// otherwise; its paging fields are ignored) to `sink`, then finishes the sink.
pub fn export_events(
    store: &Store,
    query: &EventQuery,
    mut sink: Box<dyn EventSink + '_>,
) -> Result<Summary, ExportError> {
    check_not_empty(store)?;
    let mut summary = Summary::default();
    let mut failure = None;
    store.for_each_event(query, |view| {
        summary.count(sink.write(&ExportEvent::from_view(view)), &mut failure)
    })?;
    if let Some(e) = failure {
        return Err(e);
    }
    sink.finish()?;
    Ok(summary)
}

/// Writes every happening of `store` that `query` selects as a GeoJSON FeatureCollection.
pub fn export_happenings<W: Write>(
    store: &Store,
    query: &HappeningQuery,
    out: W,
) -> Result<Summary, ExportError> {
    check_not_empty(store)?;
    let mut writer = GeoJsonWriter::new(out)?;
    let mut summary = Summary::default();
    let mut failure = None;
    store.for_each_happening(query, |detail| {
        let value = serde_json::to_value(&detail).unwrap_or(Value::Null);
        summary.count(
            writer.write(&ExportHappening::from_value(&value)),
            &mut failure,
        )
    })?;
    if let Some(e) = failure {
        return Err(e);
    }
    writer.finish()?;
    Ok(summary)
}

/// The order exports use by default: oldest first, as event data sets are.
pub const DEFAULT_ORDER: Order = Order::Oldest;
