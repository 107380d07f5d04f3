//! Publication dates as inputs write them.

use annals_document::Date;

/// Day-first and month-first patterns with month names, tried in order on three words.
const NAMED_PATTERNS: [&str; 4] = ["%d %B %Y", "%B %d, %Y", "%d %b %Y", "%b %d, %Y"];

/// Parses a whole value as a date: `2024-10-21`, an RFC 3339 (or ISO 8601) date-time, an
/// RFC 2822 date-time (`Mon, 21 Oct 2024 09:00:00 +0000`), `21 October 2024` or
/// `October 21, 2024`.
///
/// A date-time gives the calendar date as written (the publisher's local date).
pub fn parse_date(value: &str) -> Option<Date> {
    let value = value.trim();
    if let Some((date, used)) = parse_date_prefix(value)
        && value.get(used..).is_some_and(|rest| rest.trim().is_empty())
    {
        return Some(date);
    }
    if let Some(date) = iso_date_with_time(value) {
        return Some(date);
    }
    if value.len() <= 64
        && value.bytes().any(|b| b == b':')
        && let Ok(zoned) = jiff::fmt::rfc2822::parse(value)
    {
        return Some(zoned.date());
    }
    None
}

/// Parses a date at the start of `value` and returns it with the number of bytes it used.
///
/// The date is one white-space-free token (`2024-10-21`, `2024-10-21T09:30:00Z`) or three words
/// with a month name (`21 October 2024`, `October 21, 2024`); whatever follows is left alone.
pub fn parse_date_prefix(value: &str) -> Option<(Date, usize)> {
    let token_end = value.find(char::is_whitespace).unwrap_or(value.len());
    let token = value.get(..token_end)?;
    if let Some(date) = iso_token(token) {
        return Some((date, token_end));
    }
    let (words, used) = first_words(value, 3)?;
    for pattern in NAMED_PATTERNS {
        if let Ok(tm) = jiff::fmt::strtime::parse(pattern, &words)
            && let Ok(date) = tm.to_date()
        {
            return Some((date, used));
        }
    }
    None
}

/// `YYYY-MM-DD`, optionally followed by `T` and a time: the date part; or basic `YYYYMMDD`.
fn iso_token(token: &str) -> Option<Date> {
    let bytes = token.as_bytes();
    if bytes.len() == 8 && bytes.iter().all(u8::is_ascii_digit) {
        let n = |r: std::ops::Range<usize>| token.get(r).and_then(|s| s.parse::<i16>().ok());
        let (y, m, d) = (n(0..4)?, n(4..6)?, n(6..8)?);
        return Date::new(y, i8::try_from(m).ok()?, i8::try_from(d).ok()?).ok();
    }
    if bytes.len() < 10 {
        return None;
    }
    if bytes.len() > 10 && !matches!(bytes[10], b'T' | b't') {
        return None;
    }
    let date = token.get(..10)?;
    if !date.bytes().enumerate().all(|(i, b)| {
        if i == 4 || i == 7 {
            b == b'-'
        } else {
            b.is_ascii_digit()
        }
    }) {
        return None;
    }
    date.parse::<Date>().ok()
}

/// `YYYY-MM-DD hh:mm...` (a space instead of `T`): the date part.
fn iso_date_with_time(value: &str) -> Option<Date> {
    let date = value.get(..10)?;
    let rest = value.get(10..)?;
    let mut chars = rest.chars();
    if chars.next() != Some(' ') || !chars.next().is_some_and(|c| c.is_ascii_digit()) {
        return None;
    }
    iso_token(date)
}

/// The first `n` white-space-separated words joined by one space, and the bytes they span.
fn first_words(value: &str, n: usize) -> Option<(String, usize)> {
    let mut words = String::new();
    let mut count = 0;
    let mut end = 0;
    let mut rest = value;
    let mut offset = 0;
    while count < n {
        let start = rest.find(|c: char| !c.is_whitespace())?;
        let word_len = rest[start..]
            .find(char::is_whitespace)
            .unwrap_or(rest.len() - start);
        let word = &rest[start..start + word_len];
        if word.len() > 16 {
            return None;
        }
        if count > 0 {
            words.push(' ');
        }
        words.push_str(word);
        count += 1;
        end = offset + start + word_len;
        offset = end;
        rest = &value[end..];
    }
    Some((words, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn accepts_the_documented_forms() {
        assert_eq!(parse_date("2024-10-21"), Some(d("2024-10-21")));
        assert_eq!(
            parse_date("2024-10-21T23:30:00-04:00"),
            Some(d("2024-10-21"))
        );
        assert_eq!(parse_date("2024-10-21T08:00:00Z"), Some(d("2024-10-21")));
        assert_eq!(parse_date("2024-10-21 08:00"), Some(d("2024-10-21")));
        assert_eq!(parse_date("21 October 2024"), Some(d("2024-10-21")));
        assert_eq!(parse_date("October 21, 2024"), Some(d("2024-10-21")));
        assert_eq!(
            parse_date("Mon, 21 Oct 2024 09:00:00 +0000"),
            Some(d("2024-10-21"))
        );
    }

    #[test]
    fn rejects_non_dates() {
        for bad in [
            "",
            "2024-13-01",
            "2024-10-2",
            "yesterday",
            "20241321",
            "2024102",
            "2024-10-21x",
            "é",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
    }

    #[test]
    fn prefix_leaves_the_rest() {
        let s = "2024-10-21 On October 21, the ministry said";
        let (date, used) = parse_date_prefix(s).unwrap();
        assert_eq!(date, d("2024-10-21"));
        assert_eq!(&s[used..], " On October 21, the ministry said");
        let s = "21 October 2024 Troops moved";
        let (_, used) = parse_date_prefix(s).unwrap();
        assert_eq!(&s[used..], " Troops moved");
    }
}
