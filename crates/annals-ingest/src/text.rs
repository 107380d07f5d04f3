//! Plain text with an optional `key value` header.

use crate::date::parse_date_prefix;
use crate::{Item, new_document};
use annals_document::{Date, Diagnostic, Origin};

/// Metadata read from a text header.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Header {
    /// `title`.
    pub title: Option<String>,
    /// `date`.
    pub date: Option<Date>,
    /// `outlet` or `source`.
    pub outlet: Option<String>,
    /// `url`.
    pub url: Option<String>,
    /// `language`.
    pub language: Option<String>,
    /// Whether any header line was read.
    pub present: bool,
}

/// Splits `text` into its header and the byte offset where the article text starts.
///
/// Header lines are `key value` (a colon after the key is allowed, leading white space too). The
/// header ends at the first line that does not start with a known key, or right after a
/// single-token value (`date`, `url`, `language`) that is followed by more text on its line:
/// that text is the start of the article.
pub fn split_header(text: &str) -> (Header, usize) {
    let mut header = Header::default();
    let mut pos = 0;
    while pos < text.len() {
        let line_end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let line = &text[pos..line_end];
        let indent = line.len() - line.trim_start().len();
        let body = &line[indent..];
        let key_len = body.find(char::is_whitespace).unwrap_or(body.len());
        let raw_key = &body[..key_len];
        // `date` or `date:`; any case (`Date:`) only with the colon.
        let key = match raw_key.strip_suffix(':') {
            Some(k) => k.to_ascii_lowercase(),
            None => raw_key.to_string(),
        };
        let key = key.as_str();
        let after_key = &body[key_len..];
        let value_start = after_key.len() - after_key.trim_start().len();
        let value = after_key[value_start..].trim_end_matches(['\r', ' ', '\t']);
        // Offset of `value` within `text`.
        let value_at = pos + indent + key_len + value_start;
        let single = match key {
            "date" => match parse_date_prefix(value) {
                Some((date, used)) => {
                    header.date = Some(date);
                    Some(used)
                }
                None => None,
            },
            "url" => {
                let used = token_len(value);
                let token = &value[..used];
                if used > 0 && token.contains(['.', '/', ':']) {
                    header.url = Some(token.to_string());
                    Some(used)
                } else {
                    None
                }
            }
            "language" => {
                let used = token_len(value);
                let token = &value[..used];
                if (2..=35).contains(&used)
                    && token
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                {
                    header.language = Some(token.to_string());
                    Some(used)
                } else {
                    None
                }
            }
            "title" | "outlet" | "source" if !value.is_empty() => {
                let slot = if key == "title" {
                    &mut header.title
                } else {
                    &mut header.outlet
                };
                *slot = Some(value.trim().to_string());
                Some(value.len())
            }
            _ => None,
        };
        let Some(used) = single else { break };
        header.present = true;
        let rest = &value[used..];
        if !rest.trim().is_empty() {
            let rest_at = value_at + used;
            let skip = text[rest_at..].len() - text[rest_at..].trim_start().len();
            return (header, rest_at + skip);
        }
        pos = if line_end < text.len() {
            line_end + 1
        } else {
            text.len()
        };
    }
    (header, pos)
}

/// Bytes of the first white-space-free token of `value`.
fn token_len(value: &str) -> usize {
    value.find(char::is_whitespace).unwrap_or(value.len())
}

/// Reads a text input: header, then article text.
pub fn read(name: &str, text: &str, sink: &mut dyn FnMut(Item)) {
    let (header, start) = split_header(text);
    let body = text.get(start..).unwrap_or("").trim();
    if body.is_empty() {
        let diag = if header.present {
            Diagnostic::error(name, "no text after the header")
        } else {
            Diagnostic::warning(name, "empty input")
        };
        sink(Item::Diagnostic(diag));
        return;
    }
    let origin = Origin {
        path: name.to_string(),
        format: "text".to_string(),
        ..Origin::default()
    };
    let mut doc = new_document(body.to_string(), origin);
    doc.title = header.title;
    doc.date = header.date;
    doc.outlet = header.outlet;
    doc.url = header.url;
    if let Some(language) = header.language {
        doc.language = language;
    }
    doc.refresh_id();
    sink(Item::Document(Box::new(doc)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_then_blank_line() {
        let text = "title Talks resume\ndate: 2024-10-21\nsource Daily Wire\n\nTroops moved.";
        let (h, start) = split_header(text);
        assert_eq!(h.title.as_deref(), Some("Talks resume"));
        assert_eq!(h.outlet.as_deref(), Some("Daily Wire"));
        assert_eq!(h.date, Some("2024-10-21".parse().unwrap()));
        assert_eq!(text[start..].trim(), "Troops moved.");
    }

    #[test]
    fn header_shares_a_line_with_the_text() {
        let text = " date 2024-10-21 On October 21, the ministry said.\nMore.";
        let (h, start) = split_header(text);
        assert_eq!(h.date, Some("2024-10-21".parse().unwrap()));
        assert_eq!(&text[start..], "On October 21, the ministry said.\nMore.");
    }

    #[test]
    fn no_header() {
        let text = "Dates were handed out.\ndate 2024-10-21";
        let (h, start) = split_header(text);
        assert!(!h.present);
        assert_eq!(start, 0);
        let (h, start) = split_header("date palms grow here.");
        assert_eq!((h.present, start), (false, 0));
        let (h, start) = split_header("Title Nine rules changed.");
        assert_eq!((h.present, start), (false, 0));
    }

    #[test]
    fn capitalized_keys_need_a_colon() {
        let text =
            "Title: Vote delayed\nDate: 21 October 2024\nSource: Wire\n\nThe vote was delayed.";
        let (h, start) = split_header(text);
        assert_eq!(h.title.as_deref(), Some("Vote delayed"));
        assert_eq!(h.outlet.as_deref(), Some("Wire"));
        assert_eq!(h.date, Some("2024-10-21".parse().unwrap()));
        assert_eq!(text[start..].trim(), "The vote was delayed.");
    }
}
