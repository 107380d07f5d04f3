//! Tokens of a sentence: words, numbers and punctuation with byte spans.

/// One token: byte offsets into the document text (the lower-cased copy has the same offsets).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tok {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// Whether the token is a word or number (not punctuation).
    pub word: bool,
    /// Whether the token starts with an upper-case letter in the original text.
    pub capital: bool,
    /// Start of the token's normalized key (lower case, apostrophes folded) in the key buffer.
    pub key_start: usize,
    /// End of the key in the key buffer.
    pub key_end: usize,
}

/// Tokens of one sentence with their normalized keys.
#[derive(Debug, Default)]
pub struct Tokens {
    /// The tokens in order.
    pub toks: Vec<Tok>,
    /// The keys, concatenated.
    pub keys: String,
}

impl Tokens {
    /// Clears the buffers for reuse.
    pub fn clear(&mut self) {
        self.toks.clear();
        self.keys.clear();
    }

    /// The normalized key of token `i` (`""` out of range).
    #[inline]
    pub fn key(&self, i: usize) -> &str {
        self.toks
            .get(i)
            .and_then(|t| self.keys.get(t.key_start..t.key_end))
            .unwrap_or("")
    }

    /// Number of tokens.
    #[inline]
    pub fn len(&self) -> usize {
        self.toks.len()
    }

    /// Whether there is no token.
    pub fn is_empty(&self) -> bool {
        self.toks.is_empty()
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() && !is_apostrophe(c)
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '’' || c == 'ʼ'
}

/// The character at byte `j` of `s` (ASCII fast path).
#[inline]
fn char_at(s: &str, j: usize) -> Option<char> {
    match s.as_bytes().get(j) {
        Some(&b) if b < 0x80 => Some(b as char),
        Some(_) => s.get(j..).and_then(|r| r.chars().next()),
        None => None,
    }
}

/// Appends the tokens of `text[start..end]` to `out`.
pub fn tokenize(text: &str, start: usize, end: usize, out: &mut Tokens) {
    let Some(slice) = text.get(start..end) else {
        return;
    };
    let bytes = slice.as_bytes();
    // An ASCII sentence is lower-cased into the key buffer once; its tokens' keys are then
    // ranges of that copy (`start` maps to `base`).
    if bytes.is_ascii() {
        let base = out.keys.len();
        out.keys.push_str(slice);
        if let Some(k) = out.keys.get_mut(base..) {
            k.make_ascii_lowercase();
        }
        tokenize_ascii(bytes, start, base, out);
    } else {
        tokenize_general(text, start, slice, out);
    }
}

/// The tokens of any sentence `slice` starting at byte `start` of `text`, char by char.
fn tokenize_general(text: &str, start: usize, slice: &str, out: &mut Tokens) {
    let bytes = slice.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        // ASCII white space and punctuation without a byte-to-char step.
        if matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c') {
            i += 1;
            continue;
        }
        if b < 0x80 && !b.is_ascii_alphanumeric() && b != b'\'' {
            push(text, start + i, start + i + 1, false, out);
            i += 1;
            continue;
        }
        let Some(c) = char_at(slice, i) else { break };
        if c.is_whitespace() {
            i += c.len_utf8();
            continue;
        }
        let s = start + i;
        if is_word_char(c) {
            i += c.len_utf8();
            let mut e = start + i;
            // A word: letters/digits with inner hyphens, dots between digits, and apostrophes
            // (a trailing "'s" or "n't" is split off as its own token).
            loop {
                // Fast path: ASCII letters and digits.
                while bytes.get(i).is_some_and(u8::is_ascii_alphanumeric) {
                    i += 1;
                    e = start + i;
                }
                let Some(d) = char_at(slice, i) else { break };
                if is_word_char(d) {
                    i += d.len_utf8();
                    e = start + i;
                    continue;
                }
                if d == '-' || d == '.' || d == ',' || is_apostrophe(d) {
                    let j = i;
                    // Look one char further: only join when a word char follows.
                    let next = char_at(slice, j + d.len_utf8());
                    let prev_digit = text.as_bytes().get(e - 1).is_some_and(u8::is_ascii_digit);
                    let joins = match (d, next) {
                        ('-', Some(n)) => is_word_char(n),
                        ('.', Some(n)) | (',', Some(n)) => prev_digit && n.is_ascii_digit(),
                        (_, Some(n)) if is_apostrophe(d) => {
                            // Split possessive 's and n't.
                            let rest = &slice[j + d.len_utf8()..];
                            let word_so_far = &text[s..e];
                            let alone = !rest
                                .get(1..)
                                .unwrap_or("")
                                .starts_with(|x: char| x.is_alphanumeric());
                            let possessive = rest.starts_with(['s', 'S']) && alone;
                            let negation = rest.starts_with(['t', 'T'])
                                && word_so_far.ends_with(['n', 'N'])
                                && alone;
                            !possessive && !negation && is_word_char(n)
                        }
                        _ => false,
                    };
                    if joins {
                        i += d.len_utf8();
                        continue;
                    }
                }
                break;
            }
            // Split "didn't" into "did" + "n't".
            let wb = text.as_bytes().get(s..e).unwrap_or(&[]);
            if wb.len() > 1
                && (wb[wb.len() - 1] == b'n' || wb[wb.len() - 1] == b'N')
                && let Some(d) = char_at(slice, i)
                && is_apostrophe(d)
                && slice[i + d.len_utf8()..].starts_with(['t', 'T'])
            {
                let after = i + d.len_utf8() + 1;
                if !slice[after..].starts_with(|x: char| x.is_alphanumeric()) {
                    push(text, s, e - 1, true, out);
                    push(text, e - 1, start + after, true, out);
                    i = after;
                    continue;
                }
            }
            push(text, s, e, true, out);
        } else if is_apostrophe(c) {
            // "'s" possessive or "'ll".
            let rest = &slice[i + c.len_utf8()..];
            let mut e = s + c.len_utf8();
            let letters: usize = rest
                .chars()
                .take_while(|x| x.is_alphabetic())
                .map(char::len_utf8)
                .sum();
            let word = &rest[..letters];
            let short = word.len() <= 2
                && matches!(
                    word.to_ascii_lowercase().as_str(),
                    "s" | "ll" | "re" | "ve" | "d" | "t"
                );
            i += c.len_utf8();
            if short {
                e += letters;
                i += letters;
                push(text, s, e, true, out);
            } else {
                push(text, s, e, false, out);
            }
        } else {
            i += c.len_utf8();
            push(text, s, s + c.len_utf8(), false, out);
        }
    }
}

/// Byte classes for [`tokenize_ascii`]: an ASCII letter or digit.
const ALNUM: u8 = 1;
/// An ASCII digit.
const DIGIT: u8 = 2;
/// An ASCII letter.
const ALPHA: u8 = 4;
/// ASCII white space (as `char::is_whitespace` has it).
const SPACE: u8 = 8;

/// The class bits of every byte value.
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = if c.is_ascii_digit() {
            ALNUM | DIGIT
        } else if c.is_ascii_alphabetic() {
            ALNUM | ALPHA
        } else if matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c') {
            SPACE
        } else {
            0
        };
        b += 1;
    }
    t
};

/// The tokens of an all-ASCII sentence `bytes` starting at byte `start` of the text, whose
/// lower-cased copy starts at `base` of the key buffer: the same tokens as the general loop
/// of [`tokenize`], byte by byte.
fn tokenize_ascii(bytes: &[u8], start: usize, base: usize, out: &mut Tokens) {
    let n = bytes.len();
    let at = |j: usize| bytes.get(j).copied().unwrap_or(0);
    // The class bits of the byte at `j` (none past the end).
    let class = |j: usize| bytes.get(j).map_or(0, |&b| CLASS[usize::from(b)]);
    let alnum = |j: usize| class(j) & ALNUM != 0;
    let Tokens { toks, keys } = out;
    // The lower-cased copy of the sentence, to find the end of a word eight bytes at a time.
    let lower = keys.as_bytes().get(base..).unwrap_or(&[]);
    let mut push = |s: usize, e: usize, word: bool| {
        toks.push(Tok {
            start: start + s,
            end: start + e,
            word,
            capital: at(s).is_ascii_uppercase(),
            key_start: base + s,
            key_end: base + e,
        });
    };
    let mut i = 0;
    while i < n {
        let b = at(i);
        if alnum(i) {
            // A word: letters/digits with inner hyphens, dots and commas between digits, and
            // apostrophes (a trailing "'s" or "n't" is split off as its own token).
            let s = i;
            i += 1;
            loop {
                i = alnum_run_end(lower, i);
                if i + 1 >= n {
                    break;
                }
                let next = at(i + 1);
                let joins = match at(i) {
                    b'-' => alnum(i + 1),
                    b'.' | b',' => class(i - 1) & class(i + 1) & DIGIT != 0,
                    b'\'' => {
                        let alone = !alnum(i + 2);
                        let possessive = matches!(next, b's' | b'S') && alone;
                        let negation = matches!(next, b't' | b'T')
                            && matches!(at(i - 1), b'n' | b'N')
                            && alone;
                        !possessive && !negation && alnum(i + 1)
                    }
                    _ => false,
                };
                if !joins {
                    break;
                }
                i += 1;
            }
            let e = i;
            // Split "didn't" into "did" + "n't" (the rare apostrophe tested first: a word's
            // last letter would be a branch the text makes unpredictable).
            if at(i) == b'\''
                && i + 1 < n
                && matches!(at(i + 1), b't' | b'T')
                && e - s > 1
                && matches!(at(e - 1), b'n' | b'N')
                && !alnum(i + 2)
            {
                push(s, e - 1, true);
                push(e - 1, i + 2, true);
                i += 2;
                continue;
            }
            push(s, e, true);
        } else if b == b'\'' {
            // "'s" possessive or "'ll".
            let s = i;
            let mut letters = 0;
            while class(i + 1 + letters) & ALPHA != 0 {
                letters += 1;
            }
            let short = match letters {
                1 => matches!(at(i + 1).to_ascii_lowercase(), b's' | b'd' | b't'),
                2 => matches!(
                    [
                        at(i + 1).to_ascii_lowercase(),
                        at(i + 2).to_ascii_lowercase()
                    ],
                    [b'l', b'l'] | [b'r', b'e'] | [b'v', b'e']
                ),
                _ => false,
            };
            if short {
                i += 1 + letters;
                push(s, i, true);
            } else {
                i += 1;
                push(s, i, false);
            }
        } else if class(i) & SPACE != 0 {
            i += 1;
        } else {
            push(i, i + 1, false);
            i += 1;
        }
    }
}

/// Bit 7 of each byte of `x` (bytes below 0x80) that is an ASCII digit or lower-case letter.
#[inline]
fn alnum_lanes(x: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = ONES << 7;
    // Byte `b` is in `lo..=hi` when `b + (0x80 - lo)` reaches bit 7 and `b + (0x7f - hi)` does
    // not; with bytes and constants below 0x80 no sum carries into the next byte.
    let within = |lo: u64, hi: u64| (x + ONES * (0x80 - lo)) & !(x + ONES * (0x7f - hi));
    (within(0x30, 0x39) | within(0x61, 0x7a)) & HIGH
}

/// The end of the run of ASCII letters and digits from `i` on in `lower`, an all-ASCII,
/// lower-cased text: eight bytes at a time (no branch per byte), then byte by byte near the
/// end.
#[inline]
fn alnum_run_end(lower: &[u8], mut i: usize) -> usize {
    while let Some(chunk) = lower.get(i..).and_then(<[u8]>::first_chunk::<8>) {
        let stop = !alnum_lanes(u64::from_le_bytes(*chunk)) & (0x0101_0101_0101_0101 << 7);
        if stop != 0 {
            return i + (stop.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while lower
        .get(i)
        .is_some_and(|&b| CLASS[usize::from(b)] & ALNUM != 0)
    {
        i += 1;
    }
    i
}

fn push(text: &str, s: usize, e: usize, word: bool, out: &mut Tokens) {
    let raw = text.get(s..e).unwrap_or("");
    let capital = match raw.as_bytes().first() {
        Some(b) if b.is_ascii() => b.is_ascii_uppercase(),
        _ => raw.chars().next().is_some_and(char::is_uppercase),
    };
    let key_start = out.keys.len();
    if raw.is_ascii() {
        out.keys.push_str(raw);
        if let Some(k) = out.keys.get_mut(key_start..) {
            k.make_ascii_lowercase();
        }
    } else {
        for c in raw.chars() {
            if is_apostrophe(c) {
                out.keys.push('\'');
            } else {
                out.keys.extend(c.to_lowercase());
            }
        }
    }
    out.toks.push(Tok {
        start: s,
        end: e,
        word,
        capital,
        key_start,
        key_end: out.keys.len(),
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        let mut out = Tokens::default();
        tokenize(text, 0, text.len(), &mut out);
        out.toks.iter().map(|t| &text[t.start..t.end]).collect()
    }

    #[test]
    fn splits_possessives_negations_and_punctuation() {
        assert_eq!(
            words("Arnor's army didn't attack, it said."),
            vec![
                "Arnor", "'s", "army", "did", "n't", "attack", ",", "it", "said", "."
            ]
        );
        assert_eq!(
            words("about 11,000 well-armed troops"),
            vec!["about", "11,000", "well-armed", "troops"]
        );
        assert_eq!(words("Koreaʼs core"), vec!["Korea", "ʼs", "core"]);
        let mut t = Tokens::default();
        tokenize("Koreaʼs", 0, 8, &mut t);
        assert_eq!(t.key(1), "'s");
        assert_eq!(t.key(0), "korea");
    }

    #[test]
    fn ascii_and_unicode_sentences_give_the_same_tokens() {
        let ascii = "Troops\tcrossed (the) river;\x0bthen \"left\" - fast!";
        assert_eq!(
            words(ascii),
            vec![
                "Troops", "crossed", "(", "the", ")", "river", ";", "then", "\"", "left", "\"",
                "-", "fast", "!"
            ]
        );
        // The same sentence with one non-ASCII character keeps every other token and key.
        let uni = "Troops\tcrossed (the) river;\x0bthen \u{201c}left\" - fast!";
        let mut a = Tokens::default();
        tokenize(ascii, 0, ascii.len(), &mut a);
        let mut u = Tokens::default();
        tokenize(uni, 0, uni.len(), &mut u);
        assert_eq!(a.len(), u.len());
        for i in 0..a.len() {
            if i != 8 {
                assert_eq!(a.key(i), u.key(i), "token {i}");
            }
        }
        assert_eq!(u.key(8), "\u{201c}");
        assert!(a.toks[0].capital && !a.toks[1].capital);
    }

    /// Tokens as `(start, end, word, capital, key)`.
    fn described(t: &Tokens) -> Vec<(usize, usize, bool, bool, String)> {
        (0..t.len())
            .map(|i| {
                let x = t.toks[i];
                (x.start, x.end, x.word, x.capital, t.key(i).to_string())
            })
            .collect()
    }

    #[test]
    fn word_ends_are_found_eight_bytes_at_a_time() {
        let all: Vec<u8> = (0u8..0x80).collect();
        let lower: Vec<u8> = all.to_ascii_lowercase();
        for (k, &b) in lower.iter().enumerate() {
            let lanes = alnum_lanes(u64::from(b));
            assert_eq!(lanes != 0, b.is_ascii_alphanumeric(), "byte {k:#x}");
        }
        let text = b"ceasefire-talks in 2024abc,x 1234567890123456789z";
        for i in 0..text.len() {
            let mut e = i;
            while e < text.len() && text[e].is_ascii_alphanumeric() {
                e += 1;
            }
            assert_eq!(alnum_run_end(text, i), e, "from {i}");
        }
    }

    #[test]
    fn the_ascii_fast_path_matches_the_general_loop() {
        // Pseudo-random strings over the characters the word rules look at.
        let pieces = [
            "a", "N", "n", "'", "t", "T", "s", "S", "ll", "re", "ve", "d", "-", ".", ",", "1",
            "42", " ", "\t", "\n", "(", "x", "Q", "\x01", "\"", "_",
        ];
        let mut state: u64 = 0x2545_f491_4f6c_dd1d;
        for round in 0..4000 {
            let mut text = String::from("Pre. ");
            let len = 1 + round % 24;
            for _ in 0..len {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                text.push_str(pieces[(state % pieces.len() as u64) as usize]);
            }
            let (start, end) = (5, text.len());
            let mut fast = Tokens::default();
            tokenize(&text, start, end, &mut fast);
            let mut general = Tokens::default();
            tokenize_general(&text, start, &text[start..end], &mut general);
            assert_eq!(described(&fast), described(&general), "{text:?}");
        }
    }
}
