//! RSS and Atom feeds (parsed by feed-rs): one document per item.

use crate::date::{parse_date, parse_date_prefix};
use crate::html::{collapse, fragment_text, too_deep_message};
use crate::{Item, ReadOptions, new_document, too_large};
use annals_document::{Date, Diagnostic, Origin};
use chrono::{DateTime, NaiveDate, Utc};
use feed_rs::model::{Link, Text};
use std::panic::{AssertUnwindSafe, catch_unwind};

/// Reads a feed; `lossy` is the UTF-8-repaired text to fall back on when `bytes` do not parse.
pub fn read(
    name: &str,
    bytes: &[u8],
    lossy: Option<&str>,
    options: &ReadOptions,
    sink: &mut dyn FnMut(Item),
) {
    let parser = feed_rs::parser::Builder::new()
        .timestamp_parser(local_date_timestamp)
        .id_generator(|_: &[Link], _: &Option<Text>, _: Option<&str>| String::new())
        .build();
    let parse = |b: &[u8]| match catch_unwind(AssertUnwindSafe(|| parser.parse(b))) {
        Ok(Ok(feed)) => Ok(feed),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err("the feed parser failed".to_string()),
    };
    let mut parsed = parse(bytes);
    if parsed.is_err()
        && let Some(text) = lossy
    {
        sink(Item::Diagnostic(Diagnostic::warning(
            name,
            "invalid UTF-8 replaced with U+FFFD",
        )));
        parsed = parse(text.as_bytes());
    }
    let feed = match parsed {
        Ok(feed) => feed,
        Err(e) => {
            let message = format!("not a readable RSS or Atom feed: {e}");
            sink(Item::Diagnostic(Diagnostic::error(
                name,
                message.trim_end_matches('.'),
            )));
            return;
        }
    };
    let outlet = feed
        .title
        .as_ref()
        .map(|t| inline_text(&t.content))
        .filter(|s| !s.is_empty());
    if feed.entries.is_empty() {
        sink(Item::Diagnostic(Diagnostic::warning(
            name,
            "feed has no items",
        )));
    }
    for (i, entry) in feed.entries.into_iter().enumerate() {
        let index = i as u64 + 1;
        let body = entry
            .content
            .and_then(|c| c.body)
            .filter(|b| !b.trim().is_empty())
            .or_else(|| entry.summary.map(|s| s.content));
        let Some(text) = body.map_or(Some(String::new()), |b| block_text(&b)) else {
            let message = format!("item {index}: {}", too_deep_message());
            sink(Item::Diagnostic(Diagnostic::error(name, message)));
            continue;
        };
        if text.is_empty() {
            let message = format!("item {index} has no text, skipped");
            sink(Item::Diagnostic(Diagnostic::warning(name, message)));
            continue;
        }
        if text.len() > options.max_document_bytes {
            sink(Item::Diagnostic(too_large(
                name.to_string(),
                &format!("item {index}: "),
                text.len() as u64,
                options.max_document_bytes,
            )));
            continue;
        }
        let origin = Origin {
            path: name.to_string(),
            item: Some(index),
            record_id: Some(entry.id).filter(|id| !id.is_empty()),
            format: "feed".to_string(),
            ..Origin::default()
        };
        let mut doc = new_document(text, origin);
        doc.title = entry
            .title
            .map(|t| inline_text(&t.content))
            .filter(|s| !s.is_empty());
        doc.date = entry
            .published
            .or(entry.updated)
            .and_then(|dt| utc_date(dt.timestamp()));
        let link = entry
            .links
            .iter()
            .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
            .or(entry.links.first());
        doc.url = link
            .map(|l| l.href.trim().to_string())
            .filter(|s| !s.is_empty());
        doc.outlet = outlet.clone();
        if let Some(language) = entry.language.or_else(|| feed.language.clone()) {
            let language = language.trim();
            if !language.is_empty() {
                doc.language = language.to_string();
            }
        }
        doc.refresh_id();
        sink(Item::Document(Box::new(doc)));
    }
}

/// Whether a string has markup or entities to decode.
fn looks_like_html(s: &str) -> bool {
    s.contains('&')
        || s.as_bytes()
            .windows(2)
            .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'/' || w[1] == b'!'))
}

/// Text of an item body: HTML converted by the HTML reader, plain text trimmed; `None` when
/// the HTML nests too deeply.
fn block_text(s: &str) -> Option<String> {
    if looks_like_html(s) {
        fragment_text(s)
    } else {
        Some(s.trim().to_string())
    }
}

/// A title or outlet name on one line (markup that nests too deeply is dropped).
fn inline_text(s: &str) -> String {
    if looks_like_html(s) {
        collapse(&fragment_text(s).unwrap_or_default())
    } else {
        collapse(s)
    }
}

/// Feed timestamps read as the calendar date written in them (the publisher's local date),
/// returned as midnight UTC of that date so that the model's UTC time keeps it.
fn local_date_timestamp(value: &str) -> Option<DateTime<Utc>> {
    let date = feed_date(value)?;
    let naive = NaiveDate::from_ymd_opt(
        i32::from(date.year()),
        u32::try_from(date.month()).ok()?,
        u32::try_from(date.day()).ok()?,
    )?;
    Some(naive.and_hms_opt(0, 0, 0)?.and_utc())
}

/// A feed date: any form [`parse_date`] takes, else a loose RFC 822 date (`Tues, 1 Oct 2024 9:00
/// EDT`): the day, month name and year after an optional weekday.
fn feed_date(value: &str) -> Option<Date> {
    let value = value.trim();
    if let Some(date) = parse_date(value) {
        return Some(date);
    }
    let rest = match value.split_once(',') {
        Some((weekday, rest))
            if weekday.len() <= 10 && weekday.bytes().all(|b| b.is_ascii_alphabetic()) =>
        {
            rest
        }
        _ => value,
    };
    parse_date_prefix(rest.trim_start()).map(|(date, _)| date)
}

/// The UTC calendar date of a Unix time.
fn utc_date(seconds: i64) -> Option<Date> {
    let ts = jiff::Timestamp::from_second(seconds).ok()?;
    Some(ts.to_zoned(jiff::tz::TimeZone::UTC).date())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feed_dates_keep_the_local_day() {
        let d = |s: &str| s.parse::<Date>().unwrap();
        assert_eq!(
            feed_date("2024-04-03T23:30:00-05:00"),
            Some(d("2024-04-03"))
        );
        assert_eq!(
            feed_date("Wed, 03 Apr 2024 23:30:00 -0500"),
            Some(d("2024-04-03"))
        );
        assert_eq!(
            feed_date("Tues, 1 Oct 2024 9:00 XYZ"),
            Some(d("2024-10-01"))
        );
        assert_eq!(feed_date("soon"), None);
        let ts = local_date_timestamp("Wed, 03 Apr 2024 23:30:00 -0500").unwrap();
        assert_eq!(utc_date(ts.timestamp()), Some(d("2024-04-03")));
    }
}
