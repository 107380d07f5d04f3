//! Calendar arithmetic on ISO 8601 days, without a date library.

/// The (year, month, day) of a string that starts with a valid `YYYY-MM-DD`.
pub fn day_of(s: &str) -> Option<(i32, u32, u32)> {
    let head = s.get(..10)?;
    let b = head.as_bytes();
    if b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y: i32 = head.get(..4)?.parse().ok()?;
    let m: u32 = head.get(5..7)?.parse().ok()?;
    let d: u32 = head.get(8..10)?.parse().ok()?;
    ((1..=12).contains(&m) && d >= 1 && d <= days_in_month(y, m)).then_some((y, m, d))
}

/// Whether `y` is a leap year.
pub fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

/// Days in month `m` of year `y`.
pub fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01.
pub fn days_from_civil((y, m, d): (i32, u32, u32)) -> i64 {
    let y = i64::from(if m <= 2 { y - 1 } else { y });
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// 1-based day of the year.
pub fn day_of_year((y, m, d): (i32, u32, u32)) -> u32 {
    (1..m).map(|k| days_in_month(y, k)).sum::<u32>() + d
}

/// Unix seconds of a `YYYY-MM-DD[THH:MM:SS...]` date-time (UTC), when it parses.
pub fn unix_seconds(s: &str) -> Option<i64> {
    let day = days_from_civil(day_of(s)?);
    let (h, mi, se) = time_of(s).unwrap_or((0, 0, 0));
    Some(day * 86_400 + i64::from(h) * 3600 + i64::from(mi) * 60 + i64::from(se))
}

/// The `HH:MM:SS` after a `T` or space at position 10, when present and valid.
pub fn time_of(s: &str) -> Option<(u32, u32, u32)> {
    let sep = s.as_bytes().get(10)?;
    if *sep != b'T' && *sep != b' ' {
        return None;
    }
    let h: u32 = s.get(11..13)?.parse().ok()?;
    let mi: u32 = s.get(14..16)?.parse().ok()?;
    let se: u32 = s.get(17..19).and_then(|x| x.parse().ok()).unwrap_or(0);
    (h < 24 && mi < 60 && se < 61).then_some((h, mi, se))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days() {
        assert_eq!(day_of("2024-02-29"), Some((2024, 2, 29)));
        assert_eq!(day_of("2023-02-29"), None);
        assert_eq!(day_of("2024-13-01"), None);
        assert_eq!(day_of("2024-03"), None);
        assert_eq!(day_of("2024-03-05T10:00"), Some((2024, 3, 5)));
        assert_eq!(day_of("20é4-03-05"), None);
        assert_eq!(days_from_civil((1970, 1, 1)), 0);
        assert_eq!(days_from_civil((2000, 3, 1)), 11_017);
        assert_eq!(day_of_year((2024, 12, 31)), 366);
        assert_eq!(unix_seconds("2024-01-01T01:00:00Z"), Some(1_704_070_800));
    }
}
