//! JSON records: one object per line (streamed with a bounded line reader), or a JSON document
//! holding an array of records or a single record.

use crate::date::parse_date;
use crate::{Item, ReadOptions, decode, new_document, too_large};
use annals_document::{Diagnostic, Origin};
use serde::Deserialize;
use serde_json::Value;
use std::io::{self, BufRead};

/// Extra bytes a JSONL line may carry beyond the document limit (field names, metadata, escapes).
const LINE_SLACK: usize = 64 * 1024;

/// One article record. Unknown fields are ignored; `null` counts as absent. Only `text` must
/// have the right type: a metadata field of another type is ignored with a warning.
#[derive(Debug, Deserialize)]
struct Record {
    #[serde(default)]
    id: Option<Value>,
    #[serde(default)]
    date: Option<Value>,
    #[serde(default)]
    published: Option<Value>,
    #[serde(default)]
    title: Option<Value>,
    #[serde(default)]
    source: Option<Value>,
    #[serde(default)]
    outlet: Option<Value>,
    #[serde(default)]
    url: Option<Value>,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    language: Option<Value>,
}

/// What one call of [`read_line`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum Line {
    /// A line (without its `\n`) is in the buffer.
    Read,
    /// A line longer than the limit was skipped; it had this many bytes.
    TooLong(u64),
    /// End of input.
    End,
}

/// Reads one line into `buf` (cleared first), keeping at most `limit` bytes in memory: a longer
/// line is consumed to its end without being stored and reported as [`Line::TooLong`].
pub fn read_line<R: BufRead + ?Sized>(
    reader: &mut R,
    buf: &mut Vec<u8>,
    limit: usize,
) -> io::Result<Line> {
    buf.clear();
    let mut total: u64 = 0;
    let mut overflow = false;
    let mut any = false;
    loop {
        let available = match reader.fill_buf() {
            Ok(a) => a,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            break;
        }
        any = true;
        let (chunk, consumed, done) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (&available[..i], i + 1, true),
            None => (available, available.len(), false),
        };
        total += chunk.len() as u64;
        if !overflow {
            if buf.len() + chunk.len() > limit {
                overflow = true;
                buf.clear();
                buf.shrink_to(LINE_SLACK);
            } else {
                buf.extend_from_slice(chunk);
            }
        }
        reader.consume(consumed);
        if done {
            break;
        }
    }
    if !any {
        return Ok(Line::End);
    }
    if overflow {
        return Ok(Line::TooLong(total));
    }
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    Ok(Line::Read)
}

/// Reads JSONL from `reader`, one document per non-blank line.
pub fn read_lines<R: BufRead + ?Sized>(
    name: &str,
    reader: &mut R,
    options: &ReadOptions,
    sink: &mut dyn FnMut(Item),
) {
    let limit = options.max_document_bytes.saturating_add(LINE_SLACK);
    let mut buf = Vec::new();
    let mut number: u64 = 0;
    let mut records = 0u64;
    loop {
        let line = match read_line(reader, &mut buf, limit) {
            Ok(line) => line,
            Err(e) => {
                let at = format!("{name}:{}", number + 1);
                sink(Item::Diagnostic(Diagnostic::error(
                    at,
                    format!("cannot read input: {e}"),
                )));
                return;
            }
        };
        number += 1;
        let at = || format!("{name}:{number}");
        match line {
            Line::End => break,
            Line::TooLong(bytes) => {
                records += 1;
                sink(Item::Diagnostic(too_large(
                    at(),
                    "",
                    bytes,
                    options.max_document_bytes,
                )));
            }
            Line::Read => {
                if buf.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                records += 1;
                let bytes = if number == 1 {
                    buf.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&buf)
                } else {
                    &buf
                };
                let text = decode(bytes, &at(), sink);
                let origin = Origin {
                    path: name.to_string(),
                    line: Some(number),
                    format: "jsonl".to_string(),
                    ..Origin::default()
                };
                match serde_json::from_str::<Record>(&text) {
                    Ok(record) => emit(record, origin, &at(), "", options, sink),
                    Err(e) => sink(Item::Diagnostic(Diagnostic::error(
                        at(),
                        json_error(&e, true),
                    ))),
                }
            }
        }
    }
    if records == 0 {
        sink(Item::Diagnostic(Diagnostic::warning(name, "empty input")));
    }
}

/// Reads a whole JSON document: an array of records, one record, or (failing both) JSONL.
pub fn read_document(name: &str, text: &str, options: &ReadOptions, sink: &mut dyn FnMut(Item)) {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('{') {
        if let Ok(record) = serde_json::from_str::<Record>(trimmed) {
            let origin = Origin {
                path: name.to_string(),
                format: "jsonl".to_string(),
                ..Origin::default()
            };
            emit(record, origin, name, "", options, sink);
            return;
        }
        read_lines(name, &mut text.as_bytes(), options, sink);
        return;
    }
    let values = match serde_json::from_str::<Vec<Value>>(text) {
        Ok(values) => values,
        Err(e) => {
            let at = if e.line() > 0 {
                format!("{name}:{}", e.line())
            } else {
                name.to_string()
            };
            sink(Item::Diagnostic(Diagnostic::error(
                at,
                json_error(&e, false),
            )));
            return;
        }
    };
    if values.is_empty() {
        sink(Item::Diagnostic(Diagnostic::warning(name, "empty input")));
    }
    for (i, value) in values.into_iter().enumerate() {
        let item = i as u64 + 1;
        let prefix = format!("item {item}: ");
        let origin = Origin {
            path: name.to_string(),
            item: Some(item),
            format: "jsonl".to_string(),
            ..Origin::default()
        };
        match Record::deserialize(value) {
            Ok(record) => emit(record, origin, name, &prefix, options, sink),
            Err(e) => {
                let message = format!("{prefix}{}", json_error(&e, false));
                sink(Item::Diagnostic(Diagnostic::error(name, message)));
            }
        }
    }
}

/// Turns a record into a document (or an error), reporting to `sink`.
fn emit(
    record: Record,
    mut origin: Origin,
    at: &str,
    prefix: &str,
    options: &ReadOptions,
    sink: &mut dyn FnMut(Item),
) {
    let text = match record.text {
        Some(text) if !text.trim().is_empty() => text,
        Some(_) => {
            let message = format!("{prefix}record has an empty \"text\" field");
            sink(Item::Diagnostic(Diagnostic::error(at, message)));
            return;
        }
        None => {
            let message = format!("{prefix}record has no \"text\" field");
            sink(Item::Diagnostic(Diagnostic::error(at, message)));
            return;
        }
    };
    if text.len() > options.max_document_bytes {
        sink(Item::Diagnostic(too_large(
            at.to_string(),
            prefix,
            text.len() as u64,
            options.max_document_bytes,
        )));
        return;
    }
    let mut field = |name: &str, value: Option<Value>, numbers: bool| -> Option<String> {
        match value {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
            Some(Value::Number(n)) if numbers => Some(n.to_string()),
            Some(_) => {
                let message = format!("{prefix}field \"{name}\" is not a string, ignored");
                sink(Item::Diagnostic(Diagnostic::warning(at, message)));
                None
            }
        }
    };
    origin.record_id = field("id", record.id, true);
    let date =
        field("date", record.date, true).or_else(|| field("published", record.published, true));
    let title = field("title", record.title, false);
    let outlet =
        field("outlet", record.outlet, false).or_else(|| field("source", record.source, false));
    let url = field("url", record.url, false);
    let language = field("language", record.language, false);
    let mut doc = new_document(text.trim().to_string(), origin);
    if let Some(raw) = date {
        match parse_date(&raw) {
            Some(date) => doc.date = Some(date),
            None => {
                let shown: String = raw.chars().take(40).collect();
                let message = format!("{prefix}unrecognized date {shown:?}, left out");
                sink(Item::Diagnostic(Diagnostic::warning(at, message)));
            }
        }
    }
    doc.title = title;
    doc.outlet = outlet;
    doc.url = url;
    if let Some(language) = language {
        doc.language = language;
    }
    doc.refresh_id();
    sink(Item::Document(Box::new(doc)));
}

/// A one-sentence message for a JSON error; `one_line` drops serde's line number (the
/// diagnostic already names the line).
fn json_error(e: &serde_json::Error, one_line: bool) -> String {
    let full = e.to_string();
    let what = match e.classify() {
        serde_json::error::Category::Data => "invalid record",
        _ => "invalid JSON",
    };
    let detail = if e.line() > 0 {
        let suffix = format!(" at line {} column {}", e.line(), e.column());
        match full.strip_suffix(&suffix) {
            Some(head) if one_line => format!("{head} at column {}", e.column()),
            _ => full,
        }
    } else {
        full
    };
    format!("{what}: {detail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_lines() {
        let data = b"short\r\nthis line is far too long\nok";
        let mut reader = io::BufReader::with_capacity(4, &data[..]);
        let mut buf = Vec::new();
        assert_eq!(read_line(&mut reader, &mut buf, 10).unwrap(), Line::Read);
        assert_eq!(buf, b"short");
        assert_eq!(
            read_line(&mut reader, &mut buf, 10).unwrap(),
            Line::TooLong(25)
        );
        assert_eq!(read_line(&mut reader, &mut buf, 10).unwrap(), Line::Read);
        assert_eq!(buf, b"ok");
        assert_eq!(read_line(&mut reader, &mut buf, 10).unwrap(), Line::End);
    }
}
