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

/// The bits of the bytes of `block` that are ASCII letters or digits, of those that are ASCII
/// joiners (`'`, `-`), and of those that are not ASCII; the first two masks are exact below the
/// lowest bit of the third.
#[inline]
fn block_masks(block: &[u8; 64]) -> (u64, u64, u64) {
    const HIGH: u64 = every_byte(0x80);
    // Gathers the high bit of each byte into the top byte, in byte order.
    const GATHER: u64 = 0x0002_0408_1020_4081;
    let (mut alnum, mut joiners, mut wide) = (0u64, 0u64, 0u64);
    for (k, chunk) in block.chunks_exact(8).enumerate() {
        let Ok(array) = <[u8; 8]>::try_from(chunk) else {
            continue;
        };
        let v = u64::from_le_bytes(array);
        let x = v | every_byte(0x20);
        let letter =
            x.wrapping_add(every_byte(0x80 - b'a')) & !x.wrapping_add(every_byte(0x7F - b'z'));
        let digit =
            v.wrapping_add(every_byte(0x80 - b'0')) & !v.wrapping_add(every_byte(0x7F - b'9'));
        // A byte differs from `c` when adding 0x7F to their difference sets its high bit.
        let not = |c: u8| (v ^ every_byte(c)).wrapping_add(every_byte(0x7F));
        let joiner = !(not(b'\'') & not(b'-'));
        let gather = |m: u64| (m & HIGH).wrapping_mul(GATHER) >> 56;
        alnum |= gather((letter | digit) & !v) << (8 * k);
        joiners |= gather(joiner) << (8 * k);
        wide |= gather(v) << (8 * k);
    }
    (alnum, joiners, wide)
}

/// Calls `f` with the start and end of each word of `text`, in order (see [`word_spans`]).
pub fn each_word(text: &str, mut f: impl FnMut(usize, usize)) {
    let bytes = text.as_bytes();
    let n = bytes.len();
    let class = |i: usize| bytes.get(i).map_or(OTHER, |&b| CLASS[usize::from(b)]);
    let mut i = 0;
    while i < n {
        // Sixty-four bytes at a time while they are ASCII: there a word is a run of letters,
        // digits and joiners between two of them. `i` is never inside a word here.
        if let Some(block) = bytes
            .get(i..i + 64)
            .and_then(|b| <&[u8; 64]>::try_from(b).ok())
        {
            let (alnum, joiners, wide) = block_masks(block);
            // Bytes from the first non-ASCII byte on are left to the byte-wise scan, and so is
            // a joiner just before it (or last in the block), which the next byte may join.
            let mut limit = wide.trailing_zeros();
            if limit > 0 && joiners & (1u64 << (limit - 1)) != 0 {
                limit -= 1;
            }
            let valid = if limit >= 64 {
                u64::MAX
            } else {
                (1u64 << limit) - 1
            };
            let joined = joiners & (alnum << 1) & (alnum >> 1);
            let mut runs = (alnum | joined) & valid;
            let mut next = i + limit as usize;
            while runs != 0 {
                let s = runs.trailing_zeros();
                let len = (!(runs >> s)).trailing_zeros();
                let e = s + len;
                if e >= limit {
                    // The run may go on past the ASCII bytes: the byte-wise scan takes it.
                    next = i + s as usize;
                    break;
                }
                f(i + s as usize, i + e as usize);
                runs &= !(((1u64 << len) - 1) << s);
            }
            if next > i {
                i = next;
                continue;
            }
        }
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

    /// The byte-at-a-time word scan, as the reference for the faster one.
    fn reference_words(text: &str) -> Vec<(usize, usize)> {
        let bytes = text.as_bytes();
        let n = bytes.len();
        let class = |i: usize| bytes.get(i).map_or(OTHER, |&b| CLASS[usize::from(b)]);
        let mut out = Vec::new();
        let mut i = 0;
        while i < n {
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
                while i < n && CLASS[usize::from(bytes[i])] == ALNUM {
                    i += 1;
                }
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
            out.push((start, i));
        }
        out
    }

    proptest! {
        #[test]
        fn word_scan_agrees_with_the_byte_wise_scan(
            s in "([a-zA-Z0-9]{1,12}[ ,.;:!?()\"`]{0,2}|[ '\\-]|[éßÖ€—\u{2019}\u{2011}]|\n){0,120}"
        ) {
            prop_assert_eq!(word_spans(&s), reference_words(&s));
            // And from every starting offset, so that words meet block edges everywhere.
            for k in 1..s.len().min(70) {
                if let Some(t) = s.get(k..) {
                    prop_assert_eq!(word_spans(t), reference_words(t));
                }
            }
        }

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
    fn block_masks_mark_every_byte() {
        for b in 0u8..=255 {
            for at in [0usize, 7, 8, 33, 63] {
                let mut block = [b'x'; 64];
                block[at] = b;
                let (alnum, joiners, wide) = block_masks(&block);
                assert_eq!(wide & (1 << at) != 0, b >= 0x80, "{b} at {at}");
                assert_eq!(wide & ((1u64 << at) - 1), 0, "{b} at {at}");
                assert_eq!(joiners & ((1u64 << at) - 1), 0, "{b} at {at}");
                if b < 0x80 {
                    assert_eq!(joiners, u64::from(b == b'\'' || b == b'-') << at, "{b}");
                    assert_eq!(
                        alnum & (1 << at) != 0,
                        CLASS[usize::from(b)] == ALNUM,
                        "{b}"
                    );
                    assert_eq!(alnum | (1 << at), u64::MAX, "{b} at {at}");
                }
            }
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
