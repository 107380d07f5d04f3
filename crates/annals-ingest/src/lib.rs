//! Readers: turn inputs (files, folders, standard input) into [`Document`]s and [`Diagnostic`]s.
//!
//! Every reader reports to a callback, one [`Item`] at a time, so large inputs stream. Bad input
//! never stops a run: it becomes a [`Diagnostic`] naming the input (`path`, or `path:line` for a
//! JSONL line) and the reader goes on.
//!
//! ```
//! use annals_ingest::{Item, ReadOptions, read_bytes};
//!
//! let mut docs = Vec::new();
//! let input = b"date 2024-10-21\ntitle Talks resume\n\nThe ministry said talks resume.";
//! read_bytes("note.txt", input, &ReadOptions::default(), &mut |item| {
//!     if let Item::Document(doc) = item {
//!         docs.push(doc);
//!     }
//! });
//! assert_eq!(docs[0].date, Some("2024-10-21".parse().unwrap()));
//! assert_eq!(docs[0].title.as_deref(), Some("Talks resume"));
//! assert_eq!(docs[0].text, "The ministry said talks resume.");
//! ```
//!
//! # Formats
//!
//! The reader is chosen by [`ReadOptions::format`] when set, else by the file extension
//! (`txt`, `text` → text; `jsonl`, `ndjson`, `json` → JSONL; `html`, `htm`, `xhtml` → HTML;
//! `xml`, `rss`, `atom`, `rdf` → feed), else by the content: `{` or `[` → JSON, `<rss`, `<feed`
//! or `<?xml` → feed, other markup → HTML, anything else → text.
//!
//! ## Text
//!
//! Plain text, optionally preceded by a header of `key value` lines (leading white space and a
//! colon after the key are allowed; with the colon, the key may be in any case: `Date:`).
//! Accepted keys:
//!
//! | key | value |
//! | --- | --- |
//! | `date` | publication date: `2024-10-21`, an RFC 3339 date-time (`2024-10-21T09:30:00Z`), `21 October 2024` or `October 21, 2024` |
//! | `title` | headline (rest of the line) |
//! | `outlet` (alias `source`) | the publishing outlet (rest of the line) |
//! | `url` | the article's address (one token) |
//! | `language` | BCP 47 language tag, default `en` (one token) |
//!
//! The header ends at the first line that does not start with one of these keys. When a
//! one-token value (`date`, `url`, `language`) is followed by more text on the same line, the
//! header ends there and that text starts the article: ` date 2024-10-21 On October 21, ...`
//! gives the date 2024-10-21 and the text `On October 21, ...`. A line whose `date` value is not
//! a date is article text. Text without a header is read whole, with no date.
//!
//! ## JSONL
//!
//! One JSON object per line: `{"id", "date" | "published", "title", "source" (or "outlet"),
//! "url", "text", "language"}`; only `text` is required and other fields are ignored. Dates may
//! be dates, RFC 3339 date-times or `YYYYMMDD`. `id` (a string or a number) becomes
//! [`annals_document::Origin::record_id`]. Blank lines are skipped. A bad line is an error naming
//! `path:line` and the reader goes on: broken JSON, a line that is not an object, a missing or
//! empty `text`, a `text` that is not a string. A metadata field of the wrong type (say a
//! `source` that is a list) is ignored with a warning, and so is a date that cannot be read.
//! Lines are read with a bounded reader: a line longer than the document limit is skipped
//! without being held in memory. A `.json` file (or any JSON input starting with `[`) may hold
//! an array of such objects, or a single (pretty-printed) object; a `.json` file whose first
//! line is a complete object is read as JSONL.
//!
//! ## HTML
//!
//! The main text of the page: the `<article>` with the most paragraph text, else the element
//! whose `<p>` children hold the most text. Scripts, styles, navigation, header, footer, aside,
//! forms, hidden elements and boilerplate (share bars, newsletters, related links, ...) are
//! left out, and link lists dropped; headings stay as paragraphs of their own. Paragraphs are
//! joined with a blank line. Metadata: title from `og:title`, `<title>`, JSON-LD `headline` or
//! the first `<h1>`; date from `article:published_time` (and similar `<meta>`), JSON-LD
//! `datePublished`, or `<time datetime>`; outlet from `og:site_name` or JSON-LD
//! `publisher.name`; URL from `<link rel=canonical>` or `og:url`; language from `<html lang>`,
//! else `og:locale` or `Content-Language`.
//! The rules live in `data/ingest/html.txt`. A page that is not UTF-8 is decoded with the
//! charset its `<meta>` declares. A page nested more than 512 levels deep is skipped with an
//! error (tree building would take time quadratic in its size).
//!
//! ## Feeds
//!
//! RSS 0.9x/1.0/2.0 and Atom: one document per item, its text the content (else the summary)
//! with HTML converted to text, its date the published (else updated) date as written in the
//! item (the publisher's local day, not converted to UTC), its URL the first link, its outlet the
//! feed title; [`annals_document::Origin::item`] is the 1-based item number and `record_id` the
//! item's own id (`guid`, `id`) when it has one. Items without text are skipped with a warning.
//!
//! ## Folders and standard input
//!
//! [`expand`] turns folders into their files recursively, sorted by path, skipping names that
//! start with `.` and files whose extension none of the readers claims (files without an
//! extension are kept). The path `-` is standard input.
//!
//! # Diagnostics
//!
//! Invalid UTF-8 is replaced with U+FFFD (warning); a binary file (a NUL byte or mostly control
//! bytes in its first 8 KiB) is skipped (error); an empty input is a warning; an unreadable path
//! is an error; a document above [`ReadOptions::max_document_bytes`] is skipped (error).

mod date;
mod feed;
mod html;
mod jsonl;
mod sniff;
mod text;
mod walk;

use annals_document::{Diagnostic, Document, Origin};
use sniff::Kind;
use std::borrow::Cow;
use std::fmt;
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::str::FromStr;

pub use date::parse_date;

/// The input formats annals reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Plain text with an optional `key value` header (`date 2024-10-21`).
    Text,
    /// One JSON article per line.
    Jsonl,
    /// An HTML page.
    Html,
    /// An RSS 2.0 or Atom feed.
    Feed,
}

impl Format {
    /// Every format, in the order the documentation lists them.
    pub const ALL: [Format; 4] = [Format::Text, Format::Jsonl, Format::Html, Format::Feed];

    /// The format's name: `text`, `jsonl`, `html` or `feed` (also [`Origin::format`]).
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Jsonl => "jsonl",
            Format::Html => "html",
            Format::Feed => "feed",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A format name that is not one of `text`, `jsonl`, `html`, `feed`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown format `{0}`, expected text, jsonl, html or feed")]
pub struct UnknownFormat(pub String);

impl FromStr for Format {
    type Err = UnknownFormat;

    fn from_str(s: &str) -> Result<Format, UnknownFormat> {
        let lower = s.trim().to_ascii_lowercase();
        Format::ALL
            .into_iter()
            .find(|f| f.name() == lower)
            .ok_or_else(|| UnknownFormat(s.to_string()))
    }
}

/// What a reader reports: a document, or a message about an input.
#[derive(Debug, Clone)]
pub enum Item {
    /// A document read from an input.
    Document(Box<Document>),
    /// A warning or error about an input; the run goes on.
    Diagnostic(Diagnostic),
}

/// Options for reading.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Force a format instead of guessing from extension and content.
    pub format: Option<Format>,
    /// Largest document text (or JSONL line, or text file) accepted, in bytes; larger ones are
    /// skipped with an error. Default 32 MiB.
    pub max_document_bytes: usize,
    /// Largest input read whole (an HTML page, a feed, a JSON array), in bytes. Default 256 MiB.
    pub max_input_bytes: usize,
}

impl Default for ReadOptions {
    fn default() -> ReadOptions {
        ReadOptions {
            format: None,
            max_document_bytes: 32 << 20,
            max_input_bytes: 256 << 20,
        }
    }
}

/// One input: a file path, or `-` for standard input.
#[derive(Debug, Clone)]
pub struct Input {
    /// The path (`-` for stdin).
    pub path: PathBuf,
    /// Size in bytes when known (for progress).
    pub size: Option<u64>,
}

/// Expands paths: folders recursively into their files (sorted, hidden names skipped, only files
/// with a known extension or none), `-` kept as stdin; a path that cannot be read is reported as
/// an error and left out.
pub fn expand(paths: &[PathBuf], sink: &mut dyn FnMut(Item)) -> Vec<Input> {
    walk::expand(paths, sink)
}

/// Reads one input, reporting documents and diagnostics to `sink`; JSONL is streamed.
pub fn read_input(input: &Input, options: &ReadOptions, sink: &mut dyn FnMut(Item)) {
    let name = input.path.display().to_string();
    if input.path == Path::new("-") {
        let stdin = io::stdin();
        read_stream(&name, None, stdin.lock(), options, sink);
        return;
    }
    match File::open(&input.path) {
        Ok(file) => {
            let size = file
                .metadata()
                .ok()
                .filter(|m| m.is_file())
                .map(|m| m.len());
            read_stream(&name, size, file, options, sink);
        }
        Err(e) => sink(Item::Diagnostic(Diagnostic::error(
            name,
            format!("cannot read input: {e}"),
        ))),
    }
}

/// Reads one input already in memory; `name` is used in messages and origins, and its extension
/// to pick the reader.
pub fn read_bytes(name: &str, bytes: &[u8], options: &ReadOptions, sink: &mut dyn FnMut(Item)) {
    read_stream(name, Some(bytes.len() as u64), bytes, options, sink);
}

/// Reads the input: binary check and sniffing on the first bytes, then the chosen reader.
fn read_stream<R: Read>(
    name: &str,
    size: Option<u64>,
    mut reader: R,
    options: &ReadOptions,
    sink: &mut dyn FnMut(Item),
) {
    let mut head = Vec::with_capacity(sniff::HEAD_BYTES);
    if let Err(e) = (&mut reader)
        .take(sniff::HEAD_BYTES as u64)
        .read_to_end(&mut head)
    {
        sink(Item::Diagnostic(Diagnostic::error(
            name,
            format!("cannot read input: {e}"),
        )));
        return;
    }
    if head.is_empty() {
        sink(Item::Diagnostic(Diagnostic::warning(name, "empty input")));
        return;
    }
    if sniff::is_binary(&head) {
        sink(Item::Diagnostic(Diagnostic::error(
            name,
            "binary file, skipped",
        )));
        return;
    }
    let kind = sniff::decide(name, &head, options.format);
    let rest = io::Cursor::new(head).chain(reader);
    if kind == Kind::Jsonl {
        let mut buffered = BufReader::with_capacity(64 * 1024, rest);
        jsonl::read_lines(name, &mut buffered, options, sink);
        return;
    }
    let limit = if kind == Kind::Text {
        options.max_document_bytes
    } else {
        options.max_input_bytes
    };
    let bytes = match read_bounded(rest, limit as u64, size) {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(total)) => {
            let diag = if kind == Kind::Text {
                too_large(name.to_string(), "", total, limit)
            } else {
                let message = format!("input of {total} bytes exceeds the limit of {limit} bytes");
                Diagnostic::error(name, message)
            };
            sink(Item::Diagnostic(diag));
            return;
        }
        Err(e) => {
            sink(Item::Diagnostic(Diagnostic::error(
                name,
                format!("cannot read input: {e}"),
            )));
            return;
        }
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        sink(Item::Diagnostic(Diagnostic::warning(name, "empty input")));
        return;
    }
    if kind == Kind::Feed {
        let lossy = match std::str::from_utf8(&bytes) {
            Ok(_) => None,
            Err(_) => Some(String::from_utf8_lossy(&bytes).into_owned()),
        };
        feed::read(name, &bytes, lossy.as_deref(), options, sink);
        return;
    }
    let decoded = match kind {
        Kind::Html => decode_html(&bytes, name, sink),
        _ => decode(&bytes, name, sink),
    };
    let text = decoded.strip_prefix('\u{feff}').unwrap_or(&decoded);
    match kind {
        Kind::Text => text::read(name, text, sink),
        Kind::JsonDocument => jsonl::read_document(name, text, options, sink),
        _ => read_html(name, text, options, sink),
    }
}

/// Reads at most `limit` bytes; `Ok(Err(total))` when the input is larger (the rest is counted,
/// not kept).
fn read_bounded(
    mut reader: impl Read,
    limit: u64,
    size: Option<u64>,
) -> io::Result<Result<Vec<u8>, u64>> {
    if let Some(size) = size.filter(|&s| s > limit) {
        return Ok(Err(size));
    }
    let mut bytes = Vec::with_capacity(size.unwrap_or(0).min(limit) as usize);
    (&mut reader)
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        let more = io::copy(&mut reader, &mut io::sink())?;
        return Ok(Err(bytes.len() as u64 + more));
    }
    Ok(Ok(bytes))
}

/// Reads an HTML page into one document.
fn read_html(name: &str, source: &str, options: &ReadOptions, sink: &mut dyn FnMut(Item)) {
    let page = match catch_unwind(AssertUnwindSafe(|| html::extract_page(source))) {
        Ok(Some(page)) => page,
        Ok(None) => {
            sink(Item::Diagnostic(Diagnostic::error(
                name,
                html::too_deep_message(),
            )));
            return;
        }
        Err(_) => {
            sink(Item::Diagnostic(Diagnostic::error(
                name,
                "the HTML parser failed",
            )));
            return;
        }
    };
    if page.text.is_empty() {
        sink(Item::Diagnostic(Diagnostic::error(
            name,
            "no article text found",
        )));
        return;
    }
    if page.text.len() > options.max_document_bytes {
        sink(Item::Diagnostic(too_large(
            name.to_string(),
            "",
            page.text.len() as u64,
            options.max_document_bytes,
        )));
        return;
    }
    let origin = Origin {
        path: name.to_string(),
        format: "html".to_string(),
        ..Origin::default()
    };
    let mut doc = new_document(page.text, origin);
    doc.title = page.title;
    doc.date = page.date;
    doc.outlet = page.outlet;
    doc.url = page.url;
    if let Some(language) = page.language {
        doc.language = language;
    }
    doc.refresh_id();
    sink(Item::Document(Box::new(doc)));
}

/// A document with `text` and `origin`; the caller fills metadata and calls `refresh_id`.
fn new_document(text: String, origin: Origin) -> Document {
    let mut doc = Document::new(String::new());
    doc.text = text;
    doc.origin = origin;
    doc
}

/// `bytes` as text, invalid UTF-8 replaced (with a warning naming `at`).
fn decode<'a>(bytes: &'a [u8], at: &str, sink: &mut dyn FnMut(Item)) -> Cow<'a, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => {
            sink(Item::Diagnostic(Diagnostic::warning(
                at,
                "invalid UTF-8 replaced with U+FFFD",
            )));
            String::from_utf8_lossy(bytes)
        }
    }
}

/// An HTML page as text: UTF-8, else the charset its `<meta>` declares, else UTF-8 repaired.
fn decode_html<'a>(bytes: &'a [u8], at: &str, sink: &mut dyn FnMut(Item)) -> Cow<'a, str> {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Cow::Borrowed(text);
    }
    let head = &bytes[..bytes.len().min(sniff::HEAD_BYTES)];
    let encoding = declared_charset(head).and_then(encoding_rs::Encoding::for_label);
    match encoding {
        Some(encoding) if encoding != encoding_rs::UTF_8 => {
            let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
            if had_errors {
                let message = format!("invalid {} bytes replaced with U+FFFD", encoding.name());
                sink(Item::Diagnostic(Diagnostic::warning(at, message)));
            }
            text
        }
        _ => decode(bytes, at, sink),
    }
}

/// The label after the first `charset=` in `head` (quotes and spaces skipped).
fn declared_charset(head: &[u8]) -> Option<&[u8]> {
    let at = head
        .windows(8)
        .position(|w| w.eq_ignore_ascii_case(b"charset="))?;
    let rest = &head[at + 8..];
    let start = rest
        .iter()
        .position(|b| !matches!(b, b'"' | b'\'' | b' '))?;
    let rest = &rest[start..];
    let len = rest
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':' | b'.')))
        .unwrap_or(rest.len());
    (len > 0).then(|| &rest[..len])
}

/// The error for a document over the size limit.
/// The error for a document over the size limit; `prefix` names the item or record within the
/// input (`"item 3: "`), or is empty.
fn too_large(at: String, prefix: &str, bytes: u64, limit: usize) -> Diagnostic {
    Diagnostic::error(
        at,
        format!("{prefix}document of {bytes} bytes exceeds the limit of {limit} bytes"),
    )
}
