//! Word tokens with byte offsets, shared by text and dictionary phrases.

use crate::vocabulary::Vocabulary;
use std::borrow::Cow;

/// One token of a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token<'a> {
    /// Byte offset of the first byte in the document.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    /// Lower case, with typographic apostrophes folded to `'`.
    pub norm: Cow<'a, str>,
    /// First character is upper case (or a digit).
    pub cap: bool,
    /// Every letter is upper case and there are at least two letters, or one with a dot.
    pub upper: bool,
    /// The token is a word (has a letter or digit), not punctuation.
    pub word: bool,
    /// The vocabulary id of `norm`, set as the token is cut ([`NO_WORD`] for words no lexicon
    /// phrase uses).
    pub id: u32,
}

/// The id of a token whose normalized form is no word of the lexicon.
pub(crate) const NO_WORD: u32 = u32::MAX;

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | 'ʼ' | '`')
}

fn is_joiner(c: char) -> bool {
    c == '-' || c == '.' || c == '&' || is_apostrophe(c)
}

/// Suffixes after a hyphen that make the part before it an actor of its own ("US-led").
const HYPHEN_SUFFIXES: &[&str] = &[
    "led",
    "backed",
    "based",
    "brokered",
    "sponsored",
    "funded",
    "allied",
    "trained",
    "supported",
    "controlled",
    "run",
];

/// Byte classes of ASCII: letter or digit, letter, upper-case letter (0 for other bytes).
const ALNUM: u8 = 1;
const ALPHA: u8 = 2;
const UPPER: u8 = 4;

/// [`ALNUM`], [`ALPHA`] and [`UPPER`] bits of every byte.
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = if c.is_ascii_uppercase() {
            ALNUM | ALPHA | UPPER
        } else if c.is_ascii_lowercase() {
            ALNUM | ALPHA
        } else if c.is_ascii_digit() {
            ALNUM
        } else {
            0
        };
        b += 1;
    }
    t
};

/// The character starting at byte `i` of `s` (`i` on a boundary), with its byte length.
#[inline]
fn char_at(s: &str, i: usize) -> Option<(char, usize)> {
    let b = *s.as_bytes().get(i)?;
    if b < 0x80 {
        return Some((char::from(b), 1));
    }
    let c = s.get(i..)?.chars().next()?;
    Some((c, c.len_utf8()))
}

/// `text` in ASCII lower case with backquotes read as apostrophes: the same length as `text`, so
/// that the normalized form of an ASCII token is a slice of it at the token's own offsets.
pub(crate) fn lowered(text: &str) -> String {
    let mut lower = text.to_string();
    lower.make_ascii_lowercase();
    if lower.contains('`') {
        lower = lower.replace('`', "'");
    }
    lower
}

/// The normalized words of `text` (tokens as by [`tokenize_into`]).
pub(crate) fn token_norms(text: &str) -> Vec<String> {
    let lower = lowered(text);
    let mut out = Vec::new();
    tokenize_into(
        text,
        &lower,
        0,
        text.len(),
        &Vocabulary::default(),
        &mut out,
    );
    out.into_iter().map(|t| t.norm.into_owned()).collect()
}

/// Tokenizes `text[start..end]` into a reused buffer (cleared first): words (letters/digits with
/// inner `-`, `.`, apostrophes), possessive `'s` split off, `_` a word break like a space, every
/// other visible character a token of its own. `lower` is [`lowered`]`(text)`; ASCII tokens borrow their normalized form from it.
/// Each token gets the id of its normalized form in `vocab` ([`NO_WORD`] when it has none).
pub(crate) fn tokenize_into<'a>(
    text: &'a str,
    lower: &'a str,
    start: usize,
    end: usize,
    vocab: &Vocabulary,
    out: &mut Vec<Token<'a>>,
) {
    out.clear();
    if lower.len() != text.len() {
        return;
    }
    let Some(slice) = text.get(start..end) else {
        return;
    };
    // `lower` has the byte structure of `text` (ASCII case folding and `` ` `` to `'` only).
    let Some(lower_slice) = lower.get(start..end) else {
        return;
    };
    out.reserve(slice.len() / 5);
    let mut i = 0;
    let bytes = slice.as_bytes();
    let lower_bytes = lower_slice.as_bytes();
    while let Some(&b) = bytes.get(i) {
        if b == b' ' {
            i += 1;
            continue;
        }
        // ASCII white space and punctuation, the common cases, without decoding.
        if b < 0x80 && CLASS[usize::from(b)] & ALNUM == 0 {
            // An underscore separates words as a space does ("Dol_Amroth", as dictionaries write).
            if !b.is_ascii_whitespace() && b != 0x0b && b != b'_' {
                // One ASCII punctuation byte: neither capitalized nor upper case.
                let norm = lower_slice.get(i..i + 1).unwrap_or("");
                out.push(Token {
                    start: start + i,
                    end: start + i + 1,
                    norm: Cow::Borrowed(norm),
                    cap: false,
                    upper: false,
                    word: false,
                    id: short_id(vocab, norm, lower_bytes, i),
                });
            }
            i += 1;
            continue;
        }
        let (c, clen) = if b < 0x80 {
            // The common case: ASCII letters and digits up to a byte that is neither a joiner
            // nor the start of a non-ASCII character, so no dot, possessive or hyphen rule applies.
            let j = alnum_run_end(bytes, i + 1);
            if bytes
                .get(j)
                .is_none_or(|&n| n < 0x80 && !matches!(n, b'-' | b'.' | b'&' | b'\'' | b'`'))
            {
                let cap = b.is_ascii_uppercase() || b.is_ascii_digit();
                let norm = lower_slice.get(i..j).unwrap_or("");
                out.push(Token {
                    start: start + i,
                    end: start + j,
                    norm: Cow::Borrowed(norm),
                    cap,
                    upper: cap && all_upper(bytes.get(i..j).unwrap_or(&[]), false),
                    word: true,
                    id: short_id(vocab, norm, lower_bytes, i),
                });
                i = j;
                continue;
            }
            (char::from(b), 1)
        } else {
            let Some((c, clen)) = char_at(slice, i) else {
                break;
            };
            if c.is_whitespace() {
                i += clen;
                continue;
            }
            if !c.is_alphanumeric() {
                out.push(make(text, lower, start + i, start + i + clen, false, vocab));
                i += clen;
                continue;
            }
            (c, clen)
        };
        // Extend over letters, digits and joiners followed by a letter or digit.
        let mut j = i + clen;
        let mut has_dot = false;
        let mut has_hyphen = false;
        // Whether a joiner or a non-ASCII character is inside (`ascii`: no non-ASCII character).
        let mut joined = false;
        let mut ascii = b < 0x80;
        while let Some(&b) = bytes.get(j) {
            // ASCII letters and digits, the common case, without decoding.
            if CLASS[usize::from(b)] & ALNUM != 0 {
                j += 1;
                continue;
            }
            if b < 0x80 {
                // An ASCII joiner ("-", ".", "&", "'", "`") joins only before a letter or digit.
                if matches!(b, b'-' | b'.' | b'&' | b'\'' | b'`')
                    && char_at(slice, j + 1).is_some_and(|(n, _)| n.is_alphanumeric())
                {
                    has_dot |= b == b'.';
                    has_hyphen |= b == b'-';
                    joined = true;
                    j += 1;
                    continue;
                }
                break;
            }
            ascii = false;
            let Some((cj, lj)) = char_at(slice, j) else {
                break;
            };
            let joins =
                is_joiner(cj) && char_at(slice, j + lj).is_some_and(|(n, _)| n.is_alphanumeric());
            if cj.is_alphanumeric() || joins {
                has_dot |= cj == '.';
                has_hyphen |= cj == '-';
                joined = true;
                j += lj;
            } else {
                break;
            }
        }
        // Keep a final dot for abbreviations: single letters ("W.") and dotted forms ("U.S.").
        let mut final_dot = false;
        if bytes.get(j) == Some(&b'.') && ((j == i + clen && c.is_uppercase()) || has_dot) {
            j += 1;
            final_dot = true;
        }
        let word_start = start + i;
        let word_end = start + j;
        let w = slice.get(i..j).unwrap_or("");
        let wb = w.as_bytes();
        // Split a possessive 's (or a bare trailing apostrophe handled as punctuation): the
        // apostrophe is inside the word, so only a word with a joiner can have one.
        let mut split_at = None;
        if joined
            && let [.., last] = wb
            && (*last == b's' || *last == b'S')
        {
            let rest = &wb[..wb.len() - 1];
            for ap in ["'", "’", "ʼ"] {
                let suffix_len = ap.len() + 1;
                if rest.ends_with(ap.as_bytes()) && w.len() > suffix_len {
                    split_at = Some(word_end - suffix_len);
                }
            }
        }
        // "US-led", "Iranian-backed": the actor before the hyphen is a token of its own.
        if split_at.is_none()
            && has_hyphen
            && let Some(h) = w.rfind('-')
            && h > 0
            && HYPHEN_SUFFIXES
                .iter()
                .any(|s| w[h + 1..].eq_ignore_ascii_case(s))
        {
            out.push(make(text, lower, word_start, word_start + h, true, vocab));
            out.push(make(
                text,
                lower,
                word_start + h,
                word_start + h + 1,
                false,
                vocab,
            ));
            out.push(make(text, lower, word_start + h + 1, word_end, true, vocab));
            i = j;
            continue;
        }
        match split_at {
            // A plain ASCII word: all upper case only if its first character is a capital or a
            // digit, so the letters are counted only then.
            None if ascii => {
                let cap = b.is_ascii_uppercase() || b.is_ascii_digit();
                let norm = lower_slice.get(i..j).unwrap_or(w);
                out.push(Token {
                    start: word_start,
                    end: word_end,
                    norm: Cow::Borrowed(norm),
                    cap,
                    upper: cap && all_upper(wb, has_dot || final_dot),
                    word: true,
                    id: short_id(vocab, norm, lower_bytes, i),
                });
            }
            Some(cut) => {
                out.push(make(text, lower, word_start, cut, true, vocab));
                out.push(make(text, lower, cut, word_end, true, vocab));
            }
            None => out.push(make(text, lower, word_start, word_end, true, vocab)),
        }
        i = j;
    }
}

/// The vocabulary id of `norm`, which `lower[at..]` starts with: a word of up to eight bytes is
/// read from there as one machine word.
#[inline(always)]
fn short_id(vocab: &Vocabulary, norm: &str, lower: &[u8], at: usize) -> u32 {
    if norm.len() <= 8 {
        vocab.get_short(norm, lower.get(at..).unwrap_or_default())
    } else {
        vocab.get(norm)
    }
}

/// `0x80` in each byte of `x` that is no ASCII letter or digit, 0 in the others.
#[inline]
fn non_alnum_bytes(x: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Bytes of seven bits: `v + (0x80 - lo)` has its high bit set when `v >= lo`, and
    // `v + (0x7f - hi)` when `v > hi`; neither sum carries into the next byte.
    let in_range = |v: u64, lo: u64, hi: u64| (v + ONES * (0x80 - lo)) & !(v + ONES * (0x7f - hi));
    let seven = x & !HIGH;
    let digit = in_range(seven, u64::from(b'0'), u64::from(b'9'));
    let letter = in_range(seven | (ONES * 0x20), u64::from(b'a'), u64::from(b'z'));
    !((digit | letter) & !x) & HIGH
}

/// The end of the run of ASCII letters and digits starting at `j` (or `j` itself), read eight
/// bytes at a time.
#[inline]
fn alnum_run_end(bytes: &[u8], mut j: usize) -> usize {
    while let Some(chunk) = bytes.get(j..j + 8) {
        let mut eight = [0u8; 8];
        eight.copy_from_slice(chunk);
        let stop = non_alnum_bytes(u64::from_le_bytes(eight));
        if stop != 0 {
            return j + (stop.trailing_zeros() / 8) as usize;
        }
        j += 8;
    }
    while let Some(&n) = bytes.get(j)
        && CLASS[usize::from(n)] & ALNUM != 0
    {
        j += 1;
    }
    j
}

/// Whether the ASCII word `bytes` has letters, all upper case, and either two or more of them or
/// `dotted` (a dot inside or at the end).
#[inline]
fn all_upper(bytes: &[u8], dotted: bool) -> bool {
    let mut letters = 0u32;
    for &b in bytes {
        let class = CLASS[usize::from(b)];
        if class & ALPHA != 0 {
            if class & UPPER == 0 {
                return false;
            }
            letters += 1;
        }
    }
    letters > 0 && (letters >= 2 || dotted)
}

#[inline]
fn make<'a>(
    text: &'a str,
    lower: &'a str,
    start: usize,
    end: usize,
    word: bool,
    vocab: &Vocabulary,
) -> Token<'a> {
    let raw = text.get(start..end).unwrap_or("");
    let bytes = raw.as_bytes();
    // One branch-free pass: letters, upper-case letters, dots, non-ASCII bytes.
    let (mut letters, mut uppers, mut dots, mut high) = (0u32, 0u32, 0u32, 0u32);
    for &b in bytes {
        let folded = b | 0x20;
        letters += u32::from(folded.is_ascii_lowercase());
        uppers += u32::from(b.is_ascii_uppercase());
        dots += u32::from(b == b'.');
        high += u32::from(b >= 0x80);
    }
    if high == 0 {
        let norm = lower.get(start..end).unwrap_or(raw);
        let cap = bytes
            .first()
            .is_some_and(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        return Token {
            start,
            end,
            norm: Cow::Borrowed(norm),
            cap,
            upper: letters > 0 && uppers == letters && (letters >= 2 || dots > 0),
            word,
            id: short_id(vocab, norm, lower.as_bytes(), start),
        };
    }
    let norm: Cow<'_, str> = Cow::Owned(
        raw.chars()
            .map(|c| if is_apostrophe(c) { '\'' } else { c })
            .flat_map(char::to_lowercase)
            .collect(),
    );
    let first = raw.chars().next();
    let cap = first.is_some_and(|c| c.is_uppercase() || c.is_ascii_digit());
    let mut letters = 0usize;
    let mut all_upper = true;
    for c in raw.chars().filter(|c| c.is_alphabetic()) {
        letters += 1;
        all_upper &= c.is_uppercase();
    }
    let upper = letters > 0 && all_upper && (letters >= 2 || raw.contains('.'));
    let id = vocab.get(&norm);
    Token {
        start,
        end,
        norm,
        cap,
        upper,
        word,
        id,
    }
}

/// The normalized words of a lexicon phrase (`_` and spaces separate words).
pub(crate) fn phrase_words(phrase: &str) -> Vec<String> {
    token_norms(&phrase.replace('_', " "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norms(text: &str) -> Vec<String> {
        token_norms(text)
    }

    #[test]
    fn words_abbreviations_and_possessives() {
        assert_eq!(
            norms("The U.S. envoy's car."),
            ["the", "u.s.", "envoy", "'s", "car", "."]
        );
        assert_eq!(
            norms("South Koreaʼs Kim Hong-Kyung"),
            ["south", "korea", "'s", "kim", "hong-kyung"]
        );
        assert_eq!(
            norms("George W. Bush (USA)"),
            ["george", "w.", "bush", "(", "usa", ")"]
        );
    }

    #[test]
    fn plain_and_joined_words_get_the_same_flags() {
        let text = "9AB Kenya, U.S. W. A UN-backed envoy's";
        let lower = lowered(text);
        let mut t = Vec::new();
        tokenize_into(text, &lower, 0, text.len(), &Vocabulary::default(), &mut t);
        let got: Vec<(&str, bool, bool)> = t
            .iter()
            .map(|t| (t.norm.as_ref(), t.cap, t.upper))
            .collect();
        assert_eq!(
            got,
            [
                ("9ab", true, true),
                ("kenya", true, false),
                (",", false, false),
                ("u.s.", true, true),
                ("w.", true, true),
                ("a", true, false),
                ("un", true, true),
                ("-", false, false),
                ("backed", false, false),
                ("envoy", false, false),
                ("'s", false, false),
            ]
        );
        assert!(
            t.iter()
                .all(|t| text[t.start..t.end].to_lowercase() == t.norm)
        );
    }

    #[test]
    fn alnum_runs_read_eight_bytes_at_a_time_stop_where_bytes_do() {
        for byte in 0..=255u8 {
            for pos in 0..8 {
                let mut buf = b"ab1defg9 Q".to_vec();
                buf[pos] = byte;
                let want = if byte.is_ascii_alphanumeric() { 8 } else { pos };
                assert_eq!(alnum_run_end(&buf, 0), want, "byte {byte:#x} at {pos}");
                assert_eq!(alnum_run_end(&buf[..9], 0), want, "byte {byte:#x} at {pos}");
            }
        }
        assert_eq!(alnum_run_end(b"Ministers2024 said", 0), 13);
    }

    #[test]
    fn flags() {
        let lower = lowered("UN chief");
        let mut t = Vec::new();
        tokenize_into("UN chief", &lower, 0, 8, &Vocabulary::default(), &mut t);
        assert!(t[0].upper && t[0].cap && !t[1].cap);
    }
}
