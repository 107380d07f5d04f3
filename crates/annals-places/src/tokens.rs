//! Word tokens of a text, as byte spans.

fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        c.is_alphanumeric()
    }
}

fn is_joiner(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '-' | '\u{2010}' | '\u{2011}')
}

/// The character at byte `i` of `text` (`None` at the end or off a character boundary).
fn char_at(text: &str, i: usize) -> Option<char> {
    match text.as_bytes().get(i) {
        Some(&b) if b < 0x80 => Some(char::from(b)),
        Some(_) => text.get(i..).and_then(|s| s.chars().next()),
        None => None,
    }
}

/// Byte spans of the words of `text`: runs of letters and digits, with an apostrophe or hyphen
/// kept when it stands between two of them (`Rostov-on-Don`, `d'Ivoire`).
pub fn word_spans(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::with_capacity(text.len() / 5 + 1);
    word_spans_into(text, &mut out);
    out
}

/// Class of each byte value: ASCII letters and digits, ASCII joiners, other ASCII, and the lead
/// or continuation bytes of non-ASCII characters.
const ALNUM: u8 = 1;
const JOIN: u8 = 2;
const OTHER: u8 = 0;
const WIDE: u8 = 3;

const CLASS: [u8; 256] = {
    let mut t = [WIDE; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = if c.is_ascii_alphanumeric() {
            ALNUM
        } else if c == b'\'' || c == b'-' {
            JOIN
        } else {
            OTHER
        };
        b += 1;
    }
    t
};

/// [`word_spans`] into a buffer the caller reuses (cleared first).
pub fn word_spans_into(text: &str, out: &mut Vec<(usize, usize)>) {
    out.clear();
    each_word(text, |s, e| out.push((s, e)));
}

/// `b` repeated in every byte of a `u64`.
const fn every_byte(b: u8) -> u64 {
    (b as u64) * 0x0101_0101_0101_0101
}

/// The end of the run of ASCII letters and digits that starts at byte `i` of `bytes`.
#[inline]
fn alnum_run(bytes: &[u8], mut i: usize) -> usize {
    const HIGH: u64 = every_byte(0x80);
    // Eight bytes at a time: a byte's high bit in `letter` (`digit`) is set when it is an ASCII
    // letter (digit). Adding to an ASCII byte never carries into the next byte; a non-ASCII
    // byte may, but only into the bytes after it, and it ends the run itself.
    while let Some(chunk) = bytes.get(i..i + 8) {
        let Ok(array) = <[u8; 8]>::try_from(chunk) else {
            break;
        };
        let v = u64::from_le_bytes(array);
        let x = v | every_byte(0x20);
        let letter =
            x.wrapping_add(every_byte(0x80 - b'a')) & !x.wrapping_add(every_byte(0x7F - b'z'));
        let digit =
            v.wrapping_add(every_byte(0x80 - b'0')) & !v.wrapping_add(every_byte(0x7F - b'9'));
        let stop = (!(letter | digit) | v) & HIGH;
        if stop != 0 {
            return i + (stop.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < bytes.len() && CLASS[usize::from(bytes[i])] == ALNUM {
        i += 1;
    }
    i
}

/// Calls `f` with the start and end of each word of `text`, in order (see [`word_spans`]).
pub fn each_word(text: &str, mut f: impl FnMut(usize, usize)) {
    let bytes = text.as_bytes();
    let n = bytes.len();
    let class = |i: usize| bytes.get(i).map_or(OTHER, |&b| CLASS[usize::from(b)]);
    let mut i = 0;
    while i < n {
        // Skip to the start of a word; ASCII bytes are decided by table.
        while i < n && CLASS[usize::from(bytes[i])] & 1 == 0 {
            i += 1;
        }
        if i >= n {
            break;
        }
        if class(i) == WIDE {
            match char_at(text, i) {
                Some(c) if is_word_char(c) => {}
                Some(c) => {
                    i += c.len_utf8();
                    continue;
                }
                None => {
                    i += 1;
                    continue;
                }
            }
        }
        let start = i;
        loop {
            i = alnum_run(bytes, i);
            match class(i) {
                JOIN if char_at(text, i + 1).is_some_and(is_word_char) => i += 1,
                WIDE => {
                    let Some(c) = char_at(text, i) else { break };
                    let next = i + c.len_utf8();
                    if is_word_char(c)
                        || (is_joiner(c) && char_at(text, next).is_some_and(is_word_char))
                    {
                        i = next;
                    } else {
                        break;
                    }
                }
                _ => break,
            }
        }
        f(start, i);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn alnum_run_agrees_with_the_byte_table(s in "[a-zA-Z0-9 '\\-.@\\[`{/:éß€\u{2019}]{0,40}", at in 0usize..40) {
            let b = s.as_bytes();
            let at = at.min(b.len());
            let mut want = at;
            while want < b.len() && CLASS[usize::from(b[want])] == ALNUM {
                want += 1;
            }
            prop_assert_eq!(alnum_run(b, at), want);
        }
    }

    #[test]
    fn alnum_run_stops_at_every_non_alnum_byte() {
        for stop in 0u8..=255 {
            let mut b = vec![b'a'; 20];
            b[11] = stop;
            let want = if CLASS[usize::from(stop)] == ALNUM {
                20
            } else {
                11
            };
            assert_eq!(alnum_run(&b, 0), want, "{stop}");
            assert_eq!(alnum_run(&b, 3), want, "{stop}");
        }
    }

    #[test]
    fn words_keep_inner_joiners() {
        let t = "In Rostov-on-Don, Côte d\u{2019}Ivoire's - ok.";
        let w: Vec<&str> = word_spans(t).iter().map(|&(s, e)| &t[s..e]).collect();
        assert_eq!(
            w,
            vec!["In", "Rostov-on-Don", "Côte", "d\u{2019}Ivoire's", "ok"]
        );
    }

    #[test]
    fn joiners_at_edges_and_non_ascii_words() {
        let t = "-abc- 'x' Zürich\u{2011}Nord \u{2019}s 42km… São–Paulo";
        let w: Vec<&str> = word_spans(t).iter().map(|&(s, e)| &t[s..e]).collect();
        assert_eq!(
            w,
            vec![
                "abc",
                "x",
                "Zürich\u{2011}Nord",
                "s",
                "42km",
                "São",
                "Paulo"
            ]
        );
    }
}
