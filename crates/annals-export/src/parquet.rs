//! Parquet: one row per event, typed columns, written with the parquet crate's column writers
//! (no Arrow). Rows are buffered per row group, so memory stays bounded whatever the count.

use crate::model::ExportEvent;
use crate::tables::Tables;
use crate::{EventSink, ExportError};
use parquet::data_type::{ByteArray, ByteArrayType, DoubleType, Int32Type, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;
use std::io::Write;
use std::sync::Arc;

/// Rows buffered before a row group is written.
pub const ROW_GROUP_ROWS: usize = 65_536;

/// Bytes of values buffered before a row group is written, whatever the row count (the column
/// writers hold a row group's encoded pages too, so memory is about twice this).
pub const ROW_GROUP_BYTES: usize = 24 << 20;

/// One cell value.
enum Val {
    Str(Option<String>),
    I32(Option<i32>),
    I64(Option<i64>),
    F64(Option<f64>),
}

/// A column's physical kind.
#[derive(Clone, Copy)]
enum Kind {
    Utf8,
    Date,
    I32,
    I64,
    F64,
}

/// One column: name, kind, whether it is required, and how to read it from an event.
struct Column {
    name: &'static str,
    kind: Kind,
    required: bool,
    get: fn(&ExportEvent) -> Val,
}

fn opt(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

fn joined(list: &[String], sep: &str) -> Option<String> {
    (!list.is_empty()).then(|| list.join(sep))
}

fn date32(s: &Option<String>) -> Option<i32> {
    let d = crate::dates::days_from_civil(crate::dates::day_of(s.as_deref()?)?);
    i32::try_from(d).ok()
}

fn count(v: Option<u64>) -> Val {
    Val::I64(v.and_then(|n| i64::try_from(n).ok()))
}

/// The schema, in column order. Lists (modes, contexts, every actor) are joined with `,` or `;`.
const COLUMNS: &[Column] = &[
    Column {
        name: "id",
        kind: Kind::Utf8,
        required: true,
        get: |e| Val::Str(Some(e.id.clone())),
    },
    Column {
        name: "global_id",
        kind: Kind::I64,
        required: true,
        get: |e| Val::I64(i64::try_from(e.numeric_id()).ok()),
    },
    Column {
        name: "doc_id",
        kind: Kind::Utf8,
        required: true,
        get: |e| Val::Str(Some(e.doc.id.clone())),
    },
    Column {
        name: "idx",
        kind: Kind::I64,
        required: true,
        get: |e| Val::I64(i64::try_from(e.idx).ok()),
    },
    Column {
        name: "event",
        kind: Kind::Utf8,
        required: false,
        get: |e| Val::Str(opt(&e.event)),
    },
    Column {
        name: "mode",
        kind: Kind::Utf8,
        required: false,
        get: |e| Val::Str(joined(&e.mode, ",")),
    },
    Column {
        name: "context",
        kind: Kind::Utf8,
        required: false,
        get: |e| Val::Str(joined(&e.context, ",")),
    },
    Column {
        name: "cameo",
        kind: Kind::Utf8,
        required: false,
        get: |e| Val::Str(opt(&e.cameo)),
    },
    Column {
        name: "quad_code",
        kind: Kind::I32,
        required: false,
        get: |e| Val::I32((e.quad_code > 0).then_some(i32::from(e.quad_code))),
    },
    Column {
        name: "event_scale",
        kind: Kind::F64,
        required: false,
        get: |e| Val::F64(Tables::builtin().score(e)),
    },
    Column {
        name: "modality",
        kind: Kind::Utf8,
        required: false,
        get: |e| Val::Str(opt(&e.modality)),
    },
    Column {
        name: "date",
        kind: Kind::Utf8,
        required: false,
        get: |e| Val::Str(e.date.clone()),
    },
    Column {
        name: "earliest",
        kind: Kind::Date,
        required: false,
        get: |e| Val::I32(date32(&e.earliest)),
    },
    Column {
        name: "latest",
        kind: Kind::Date,
        required: false,
        get: |e| Val::I32(date32(&e.latest)),
    },
    Column {
        name: "actor_code",
        kind: Kind::Utf8,
        required: false,
        get: |e| Val::Str(e.actors.first().and_then(|p| opt(&p.code))),
    },
    Column {
        name: "actor_country",
        kind: Kind::Utf8,
        required: false,
        get: |e| Val::Str(e.actors.first().and_then(|p| opt(&p.country))),
    },
    Column {
        name: "actor_sector",
        kind: Kind::Utf8,
        required: false,
        get: |e| Val::Str(e.actors.first().and_then(|p| opt(&p.sector))),
    },
    Column {
        name: "actor_text",
        kind: Kind::Utf8,
        required: false,
        get: |e| Val::Str(e.actors.first().and_then(|p| opt(&p.text))),
    },
    Column {
        name: "actors",
        kind: Kind::Utf8,
        required: false,
        get: |e| {
            Val::Str(joined(
                &e.actors.iter().map(|p| p.code.clone()).collect::<Vec<_>>(),
                ";",
            ))
        },
    },
    Column {
        name: "recipient_code",
        kind: Kind::Utf8,
        required: false,
        get: |e| Val::Str(e.recipients.first().and_then(|p| opt(&p.code))),
    },
    Column {
        name: "recipient_country",
        kind: Kind::Utf8,
        required: false,
        get: |e| Val::Str(e.recipients.first().and_then(|p| opt(&p.country))),
    },
    Column {
        name: "recipient_sector",
        kind: Kind::Utf8,
        required: false,
        get: |e| Val::Str(e.recipients.first().and_then(|p| opt(&p.sector))),
    },
    Column {
        name: "recipient_text",
        kind: Kind::Utf8,
        required: false,
        get: |e| Val::Str(e.recipients.first().and_then(|p| opt(&p.text))),
    },
    Column {
        name: "recipients",
        kind: Kind::Utf8,
        required: false,
        get: |e| {
            Val::Str(joined(
                &e.recipients
                    .iter()
                    .map(|p| p.code.clone())
                    .collect::<Vec<_>>(),
                ";",
            ))
        },
    },
    Column {
        name: "place",
        kind: Kind::Utf8,
        required: false,
        get: |e| Val::Str(e.place.as_ref().and_then(|p| opt(&p.name))),
    },
    Column {
        name: "place_country",
        kind: Kind::Utf8,
        required: false,
        get: |e| Val::Str(e.place.as_ref().and_then(|p| opt(&p.country))),
    },
    Column {
        name: "place_precision",
        kind: Kind::Utf8,
        required: false,
        get: |e| Val::Str(e.place.as_ref().and_then(|p| opt(&p.precision))),
    },
    Column {
        name: "lat",
        kind: Kind::F64,
        required: false,
        get: |e| Val::F64(e.coordinates().map(|c| c.0)),
    },
    Column {
        name: "lon",
        kind: Kind::F64,
        required: false,
        get: |e| Val::F64(e.coordinates().map(|c| c.1)),
    },
    Column {
        name: "dead",
        kind: Kind::I64,
        required: false,
        get: |e| count(e.dead),
    },
    Column {
        name: "injured",
        kind: Kind::I64,
        required: false,
        get: |e| count(e.injured),
    },
    Column {
        name: "arrested",
        kind: Kind::I64,
        required: false,
        get: |e| count(e.arrested),
    },
    Column {
        name: "size",
        kind: Kind::I64,
        required: false,
        get: |e| count(e.size),
    },
    Column {
        name: "sources",
        kind: Kind::Utf8,
        required: false,
        get: |e| Val::Str(joined(&e.attribution, "; ")),
    },
    Column {
        name: "trigger",
        kind: Kind::Utf8,
        required: false,
        get: |e| Val::Str(opt(&e.trigger)),
    },
    Column {
        name: "sentence",
        kind: Kind::Utf8,
        required: false,
        get: |e| Val::Str(e.sentence.clone()),
    },
    Column {
        name: "confidence",
        kind: Kind::F64,
        required: false,
        get: |e| Val::F64(e.confidence),
    },
    Column {
        name: "published",
        kind: Kind::Date,
        required: false,
        get: |e| Val::I32(date32(&e.doc.date)),
    },
    Column {
        name: "outlet",
        kind: Kind::Utf8,
        required: false,
        get: |e| Val::Str(e.doc.outlet.clone()),
    },
    Column {
        name: "url",
        kind: Kind::Utf8,
        required: false,
        get: |e| Val::Str(e.doc.url.clone()),
    },
    Column {
        name: "title",
        kind: Kind::Utf8,
        required: false,
        get: |e| Val::Str(e.doc.title.clone()),
    },
];

/// The Parquet message type of the export.
pub fn schema() -> String {
    let mut s = String::from("message annals_event {\n");
    for c in COLUMNS {
        let rep = if c.required { "REQUIRED" } else { "OPTIONAL" };
        let ty = match c.kind {
            Kind::Utf8 => "BYTE_ARRAY",
            Kind::Date | Kind::I32 => "INT32",
            Kind::I64 => "INT64",
            Kind::F64 => "DOUBLE",
        };
        let ann = match c.kind {
            Kind::Utf8 => " (UTF8)",
            Kind::Date => " (DATE)",
            _ => "",
        };
        s.push_str(&format!("  {rep} {ty} {}{ann};\n", c.name));
    }
    s.push('}');
    s
}

/// The buffered values of one column.
enum Buf {
    Str(Vec<ByteArray>, Vec<i16>),
    I32(Vec<i32>, Vec<i16>),
    I64(Vec<i64>, Vec<i16>),
    F64(Vec<f64>, Vec<i16>),
}

impl Buf {
    fn new(kind: Kind) -> Buf {
        match kind {
            Kind::Utf8 => Buf::Str(Vec::new(), Vec::new()),
            Kind::Date | Kind::I32 => Buf::I32(Vec::new(), Vec::new()),
            Kind::I64 => Buf::I64(Vec::new(), Vec::new()),
            Kind::F64 => Buf::F64(Vec::new(), Vec::new()),
        }
    }

    /// Buffers one value; returns about how many bytes it takes.
    fn push(&mut self, v: Val) -> usize {
        let size = match &v {
            Val::Str(s) => s.as_ref().map_or(0, String::len) + 4,
            _ => 8,
        };
        fn put<T>(values: &mut Vec<T>, defs: &mut Vec<i16>, v: Option<T>) {
            defs.push(i16::from(v.is_some()));
            values.extend(v);
        }
        match (self, v) {
            (Buf::Str(vs, d), Val::Str(v)) => {
                put(vs, d, v.map(|s| ByteArray::from(s.into_bytes())))
            }
            (Buf::I32(vs, d), Val::I32(v)) => put(vs, d, v),
            (Buf::I64(vs, d), Val::I64(v)) => put(vs, d, v),
            (Buf::F64(vs, d), Val::F64(v)) => put(vs, d, v),
            // The column table pairs kinds and values; a mismatch would be a bug in it.
            (Buf::Str(_, d) | Buf::I32(_, d) | Buf::I64(_, d) | Buf::F64(_, d), _) => d.push(0),
        }
        size
    }

    fn clear(&mut self) {
        match self {
            Buf::Str(v, d) => {
                v.clear();
                d.clear();
            }
            Buf::I32(v, d) => {
                v.clear();
                d.clear();
            }
            Buf::I64(v, d) => {
                v.clear();
                d.clear();
            }
            Buf::F64(v, d) => {
                v.clear();
                d.clear();
            }
        }
    }
}

/// Writes events as a Parquet file.
pub struct ParquetWriter<W: Write + Send> {
    file: SerializedFileWriter<W>,
    bufs: Vec<Buf>,
    rows: usize,
    bytes: usize,
    row_group_rows: usize,
}

impl<W: Write + Send> std::fmt::Debug for ParquetWriter<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParquetWriter")
            .field("rows", &self.rows)
            .finish_non_exhaustive()
    }
}

impl<W: Write + Send> ParquetWriter<W> {
    /// A writer over `out` with [`ROW_GROUP_ROWS`] rows (or [`ROW_GROUP_BYTES`]) per row group.
    pub fn new(out: W) -> Result<ParquetWriter<W>, ExportError> {
        ParquetWriter::with_row_group_rows(out, ROW_GROUP_ROWS)
    }

    /// A writer over `out` with `rows` rows (at least 1; or [`ROW_GROUP_BYTES`]) per row group.
    pub fn with_row_group_rows(out: W, rows: usize) -> Result<ParquetWriter<W>, ExportError> {
        let schema = Arc::new(parse_message_type(&schema())?);
        let props = Arc::new(
            WriterProperties::builder()
                .set_created_by(format!("annals {}", env!("CARGO_PKG_VERSION")))
                .build(),
        );
        Ok(ParquetWriter {
            file: SerializedFileWriter::new(out, schema, props)?,
            bufs: COLUMNS.iter().map(|c| Buf::new(c.kind)).collect(),
            rows: 0,
            bytes: 0,
            row_group_rows: rows.max(1),
        })
    }

    fn flush_group(&mut self) -> Result<(), ExportError> {
        if self.rows == 0 {
            return Ok(());
        }
        let mut group = self.file.next_row_group()?;
        for (buf, col) in self.bufs.iter().zip(COLUMNS) {
            let Some(mut writer) = group.next_column()? else {
                break;
            };
            match buf {
                Buf::Str(v, d) => {
                    let defs = (!col.required).then_some(d.as_slice());
                    writer.typed::<ByteArrayType>().write_batch(v, defs, None)?;
                }
                Buf::I32(v, d) => {
                    let defs = (!col.required).then_some(d.as_slice());
                    writer.typed::<Int32Type>().write_batch(v, defs, None)?;
                }
                Buf::I64(v, d) => {
                    let defs = (!col.required).then_some(d.as_slice());
                    writer.typed::<Int64Type>().write_batch(v, defs, None)?;
                }
                Buf::F64(v, d) => {
                    let defs = (!col.required).then_some(d.as_slice());
                    writer.typed::<DoubleType>().write_batch(v, defs, None)?;
                }
            }
            writer.close()?;
        }
        group.close()?;
        self.bufs.iter_mut().for_each(Buf::clear);
        self.rows = 0;
        self.bytes = 0;
        Ok(())
    }
}

impl<W: Write + Send> EventSink for ParquetWriter<W> {
    fn write(&mut self, event: &ExportEvent) -> Result<bool, ExportError> {
        for (buf, col) in self.bufs.iter_mut().zip(COLUMNS) {
            let mut v = (col.get)(event);
            if col.required {
                // A required column never holds a null: an unreadable value becomes a default.
                v = match v {
                    Val::Str(None) => Val::Str(Some(String::new())),
                    Val::I64(None) => Val::I64(Some(0)),
                    other => other,
                };
            }
            self.bytes += buf.push(v);
        }
        self.rows += 1;
        if self.rows >= self.row_group_rows || self.bytes >= ROW_GROUP_BYTES {
            self.flush_group()?;
        }
        Ok(true)
    }

    fn finish(mut self: Box<Self>) -> Result<(), ExportError> {
        self.flush_group()?;
        let file = self.file;
        let mut out = file.into_inner()?;
        out.flush()?;
        Ok(())
    }
}
