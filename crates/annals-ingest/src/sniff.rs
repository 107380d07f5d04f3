//! Picking a reader from a file name and the first bytes of the content.

use crate::Format;

/// How many leading bytes the binary check and content sniffing look at.
pub const HEAD_BYTES: usize = 8 * 1024;

/// The reader an input goes to: a [`Format`], with JSON documents read whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Plain text with an optional header.
    Text,
    /// One JSON object per line, streamed.
    Jsonl,
    /// A whole JSON document: an array of records or one record.
    JsonDocument,
    /// An HTML page.
    Html,
    /// An RSS or Atom feed.
    Feed,
}

/// File extensions (lower case, no dot) each format claims.
pub const EXTENSIONS: [(&str, Format); 12] = [
    ("txt", Format::Text),
    ("text", Format::Text),
    ("jsonl", Format::Jsonl),
    ("ndjson", Format::Jsonl),
    ("json", Format::Jsonl),
    ("html", Format::Html),
    ("htm", Format::Html),
    ("xhtml", Format::Html),
    ("xml", Format::Feed),
    ("rss", Format::Feed),
    ("atom", Format::Feed),
    ("rdf", Format::Feed),
];

/// The lower-case extension of a path-like name, if it has one.
pub fn extension(name: &str) -> Option<String> {
    let file = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let (stem, ext) = file.rsplit_once('.')?;
    if stem.is_empty() || ext.is_empty() {
        return None;
    }
    Some(ext.to_ascii_lowercase())
}

/// The format a name's extension claims.
pub fn format_from_name(name: &str) -> Option<Format> {
    let ext = extension(name)?;
    EXTENSIONS.iter().find(|(e, _)| *e == ext).map(|(_, f)| *f)
}

/// Decides the reader: a forced format wins, then the extension, then the content.
pub fn decide(name: &str, head: &[u8], forced: Option<Format>) -> Kind {
    let first = first_significant_byte(head);
    let json_document = first == Some(b'[')
        || (extension(name).as_deref() == Some("json")
            && first == Some(b'{')
            && !first_line_is_json(head));
    let format = forced
        .or_else(|| format_from_name(name))
        .unwrap_or_else(|| sniff(head));
    match format {
        Format::Text => Kind::Text,
        Format::Jsonl if json_document => Kind::JsonDocument,
        Format::Jsonl => Kind::Jsonl,
        Format::Html => Kind::Html,
        Format::Feed => Kind::Feed,
    }
}

/// Guesses the format from the first bytes.
pub fn sniff(head: &[u8]) -> Format {
    match first_significant_byte(head) {
        Some(b'{' | b'[') => Format::Jsonl,
        Some(b'<') => {
            let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
            let has = |needle: &[u8]| lower.windows(needle.len()).any(|w| w == needle);
            if has(b"<rss") || has(b"<feed") || has(b"<rdf:rdf") {
                Format::Feed
            } else if has(b"<html") || has(b"<!doctype html") || has(b"<body") || has(b"<head") {
                Format::Html
            } else if lower.starts_with(b"<?xml") {
                Format::Feed
            } else {
                Format::Html
            }
        }
        _ => Format::Text,
    }
}

/// The first byte that is not white space or part of a UTF-8 byte order mark.
fn first_significant_byte(head: &[u8]) -> Option<u8> {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    head.iter().copied().find(|b| !b.is_ascii_whitespace())
}

/// Whether the first non-blank line of `head` is complete and holds one JSON value (so the
/// input is JSONL even when named `.json`).
fn first_line_is_json(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let mut lines = head.split(|&b| b == b'\n');
    let Some(line) = lines.find(|l| !l.iter().all(u8::is_ascii_whitespace)) else {
        return false;
    };
    lines.next().is_some() && serde_json::from_slice::<serde::de::IgnoredAny>(line).is_ok()
}

/// Whether the first bytes look binary: a NUL byte, or more than 30% control bytes.
pub fn is_binary(head: &[u8]) -> bool {
    let head = &head[..head.len().min(HEAD_BYTES)];
    if head.contains(&0) {
        return true;
    }
    let control = head
        .iter()
        .filter(|&&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c | 0x1b)) || b == 0x7f)
        .count();
    control * 10 > head.len() * 3
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extension_and_content_decide() {
        assert_eq!(decide("a/b.JSONL", b"{}", None), Kind::Jsonl);
        assert_eq!(decide("a/b.json", b" [ {} ]", None), Kind::JsonDocument);
        assert_eq!(decide("a/b.json", b"{}\n{}", None), Kind::Jsonl);
        assert_eq!(
            decide("a/b.json", b"{\n  \"text\": 1\n}", None),
            Kind::JsonDocument
        );
        assert_eq!(decide("-", b"{\"text\":1}", None), Kind::Jsonl);
        assert_eq!(
            decide("-", b"<?xml version=\"1.0\"?><rss>", None),
            Kind::Feed
        );
        assert_eq!(decide("x", b"<!DOCTYPE html><p>", None), Kind::Html);
        assert_eq!(decide("x.txt", b"<html>", None), Kind::Text);
        assert_eq!(decide("x.txt", b"<html>", Some(Format::Html)), Kind::Html);
        assert_eq!(decide(".hidden", b"date 2024-10-21", None), Kind::Text);
    }

    #[test]
    fn binary_detection() {
        assert!(is_binary(b"abc\0def"));
        assert!(is_binary(&[1, 2, 3, 4, 5, b'a']));
        assert!(!is_binary("plain text\r\n\twith tabs and é".as_bytes()));
    }
}
