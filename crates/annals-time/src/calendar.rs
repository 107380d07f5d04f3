//! Calendar values: periods of a given granularity, their TIMEX3 form and their intervals.

use jiff::ToSpan;
use jiff::civil::{Date, Weekday};

/// How coarse a calendar value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Gran {
    Day,
    Weekend,
    Week,
    Month,
    Season,
    Quarter,
    Half,
    Year,
    Decade,
    Century,
}

impl Gran {
    /// The granularity of a unit code (`D`, `W`, `M`, `Q`, `Y`, `DE`, `CE`, `WE`, `H`, ...).
    pub fn of_unit(unit: &str) -> Option<Gran> {
        Some(match unit {
            "D" | "H" | "MIN" | "S" => Gran::Day,
            "WE" => Gran::Weekend,
            "W" => Gran::Week,
            "M" => Gran::Month,
            "Q" => Gran::Quarter,
            "Y" => Gran::Year,
            "DE" => Gran::Decade,
            "CE" => Gran::Century,
            _ => return None,
        })
    }
}

/// A time of day attached to a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tod {
    /// A part of the day: MO, AF, EV, NI.
    Part(&'static str),
    /// Hours and minutes.
    Clock(u32, u32),
}

/// A calendar period: its granularity and first day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Point {
    pub gran: Gran,
    /// First day of the period.
    pub start: Date,
    pub tod: Option<Tod>,
}

pub(crate) fn date(y: i64, m: i64, d: i64) -> Option<Date> {
    Date::new(
        i16::try_from(y).ok()?,
        i8::try_from(m).ok()?,
        i8::try_from(d).ok()?,
    )
    .ok()
}

fn months_add(d: Date, n: i64) -> Option<Date> {
    d.checked_add(n.months()).ok()
}

impl Point {
    /// The period of granularity `gran` that contains `day`.
    pub fn containing(gran: Gran, day: Date) -> Option<Point> {
        let y = i64::from(day.year());
        let m = i64::from(day.month());
        let start = match gran {
            Gran::Day => day,
            Gran::Week | Gran::Weekend => {
                let back = i64::from(day.weekday().to_monday_zero_offset());
                day.checked_sub(back.days()).ok()?
            }
            Gran::Month => date(y, m, 1)?,
            Gran::Quarter => date(y, (m - 1) / 3 * 3 + 1, 1)?,
            Gran::Half => date(y, (m - 1) / 6 * 6 + 1, 1)?,
            Gran::Season => {
                // seasons start in March, June, September, December
                let (sy, sm) = if m <= 2 {
                    (y - 1, 12)
                } else {
                    (y, (m - 3) / 3 * 3 + 3)
                };
                date(sy, sm, 1)?
            }
            Gran::Year => date(y, 1, 1)?,
            Gran::Decade => date(y - y.rem_euclid(10), 1, 1)?,
            Gran::Century => date(y - y.rem_euclid(100), 1, 1)?,
        };
        Some(Point {
            gran,
            start,
            tod: None,
        })
    }

    /// The same kind of period `k` steps later (earlier when negative).
    pub fn step(&self, k: i64) -> Option<Point> {
        let start = match self.gran {
            Gran::Day => self.start.checked_add(k.days()).ok()?,
            Gran::Week | Gran::Weekend => self.start.checked_add((7 * k).days()).ok()?,
            Gran::Month => months_add(self.start, k)?,
            Gran::Season | Gran::Quarter => months_add(self.start, 3 * k)?,
            Gran::Half => months_add(self.start, 6 * k)?,
            Gran::Year => self.start.checked_add(k.years()).ok()?,
            Gran::Decade => self.start.checked_add((10 * k).years()).ok()?,
            Gran::Century => self.start.checked_add((100 * k).years()).ok()?,
        };
        Some(Point { start, ..*self })
    }

    /// First and last day.
    pub fn interval(&self) -> Option<(Date, Date)> {
        let s = self.start;
        let last = |p: Option<Point>| p.and_then(|p| p.start.checked_sub(1.days()).ok());
        let end = match self.gran {
            Gran::Day => Some(s),
            Gran::Weekend => s.checked_add(6.days()).ok(),
            _ => last(self.step(1)),
        }?;
        let start = if self.gran == Gran::Weekend {
            s.checked_add(5.days()).ok()?
        } else {
            s
        };
        Some((start, end))
    }

    /// The TIMEX3 value.
    pub fn value(&self) -> String {
        let s = self.start;
        let y = i64::from(s.year());
        let mut v = String::with_capacity(16);
        match self.gran {
            Gran::Day => {
                pad(&mut v, y, 4);
                v.push('-');
                pad(&mut v, i64::from(s.month()), 2);
                v.push('-');
                pad(&mut v, i64::from(s.day()), 2);
            }
            Gran::Week | Gran::Weekend => {
                let w = s.iso_week_date();
                pad(&mut v, i64::from(w.year()), 4);
                v.push_str("-W");
                pad(&mut v, i64::from(w.week()), 2);
                if self.gran == Gran::Weekend {
                    v.push_str("-WE");
                }
            }
            Gran::Month => {
                pad(&mut v, y, 4);
                v.push('-');
                pad(&mut v, i64::from(s.month()), 2);
            }
            Gran::Quarter => {
                pad(&mut v, y, 4);
                v.push_str("-Q");
                pad(&mut v, i64::from((s.month() - 1) / 3 + 1), 1);
            }
            Gran::Half => {
                pad(&mut v, y, 4);
                v.push_str("-H");
                pad(&mut v, i64::from((s.month() - 1) / 6 + 1), 1);
            }
            Gran::Season => {
                pad(&mut v, y, 4);
                v.push('-');
                v.push_str(match s.month() {
                    3 => "SP",
                    6 => "SU",
                    9 => "FA",
                    _ => "WI",
                });
            }
            Gran::Year => pad(&mut v, y, 4),
            Gran::Decade => pad(&mut v, y / 10, 3),
            Gran::Century => pad(&mut v, y / 100, 2),
        }
        match self.tod {
            Some(Tod::Part(p)) => {
                v.push('T');
                v.push_str(p);
            }
            Some(Tod::Clock(h, m)) => {
                v.push('T');
                pad(&mut v, i64::from(h), 2);
                v.push(':');
                pad(&mut v, i64::from(m), 2);
            }
            None => {}
        }
        v
    }
}

/// Writes `n` with at least `width` digits, zero-padded (as `{:0width$}` does).
fn pad(out: &mut String, n: i64, width: usize) {
    if n < 0 {
        out.push('-');
        // `{:04}` counts the sign in the width
        return pad(out, -n, width.saturating_sub(1));
    }
    let mut buf = [b'0'; 20];
    let mut i = buf.len();
    let mut n = n;
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let start = i.min(buf.len() - width.min(buf.len()));
    for &b in &buf[start..] {
        out.push(char::from(b));
    }
}

/// The smallest common period (day, week, month, quarter, year) containing both days.
pub(crate) fn enclosing(a: Date, b: Date) -> Option<Point> {
    for g in [
        Gran::Day,
        Gran::Week,
        Gran::Month,
        Gran::Quarter,
        Gran::Year,
    ] {
        let p = Point::containing(g, a)?;
        if Point::containing(g, b)? == p {
            return Some(p);
        }
    }
    None
}

/// The weekday numbered 1 (Monday) to 7 (Sunday).
pub(crate) fn weekday(n: i64) -> Option<Weekday> {
    Weekday::from_monday_one_offset(i8::try_from(n).ok()?).ok()
}

#[cfg(test)]
mod tests {
    use super::pad;

    #[test]
    fn pad_writes_like_format() {
        for n in [-1234i64, -5, 0, 7, 42, 199, 1989, 12345] {
            for width in 1..=4 {
                let mut s = String::new();
                pad(&mut s, n, width);
                assert_eq!(s, format!("{n:0width$}"), "{n} {width}");
            }
        }
    }
}
