//! Word tokens with byte offsets, shared by text and dictionary phrases.

/// One token of a sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    /// Byte offset of the first byte in the document.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    /// Lower case, with typographic apostrophes folded to `'`.
    pub norm: String,
    /// First character is upper case (or a digit).
    pub cap: bool,
    /// Every letter is upper case and there are at least two letters, or one with a dot.
    pub upper: bool,
    /// The token is a word (has a letter or digit), not punctuation.
    pub word: bool,
}

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

/// The character starting at byte `i` of `s` (`i` on a boundary), with its byte length.
#[inline]
fn char_at(s: &str, i: usize) -> Option<char> {
    s.get(i..).and_then(|r| r.chars().next())
}

/// Tokenizes `text[range]`: words (letters/digits with inner `-`, `.`, apostrophes), possessive
/// `'s` split off, every other visible character a token of its own.
pub(crate) fn tokenize(text: &str, start: usize, end: usize) -> Vec<Token> {
    let mut out = Vec::new();
    tokenize_into(text, start, end, &mut out);
    out
}

/// [`tokenize`] into a reused buffer (cleared first).
pub(crate) fn tokenize_into(text: &str, start: usize, end: usize, out: &mut Vec<Token>) {
    out.clear();
    let Some(slice) = text.get(start..end) else {
        return;
    };
    let mut i = 0;
    while let Some(c) = char_at(slice, i) {
        let clen = c.len_utf8();
        if c.is_whitespace() {
            i += clen;
            continue;
        }
        if !c.is_alphanumeric() {
            out.push(make(text, start + i, start + i + clen, false));
            i += clen;
            continue;
        }
        // Extend over letters, digits and joiners followed by a letter or digit.
        let mut j = i + clen;
        let mut has_dot = false;
        let mut nchars = 1usize;
        while let Some(cj) = char_at(slice, j) {
            let lj = cj.len_utf8();
            let joins = is_joiner(cj) && char_at(slice, j + lj).is_some_and(char::is_alphanumeric);
            if cj.is_alphanumeric() || joins {
                has_dot |= cj == '.';
                nchars += 1;
                j += lj;
            } else {
                break;
            }
        }
        // Keep a final dot for abbreviations: single letters ("W.") and dotted forms ("U.S.").
        if char_at(slice, j) == Some('.') && ((nchars == 1 && c.is_uppercase()) || has_dot) {
            j += 1;
        }
        let word_start = start + i;
        let word_end = start + j;
        // Split a possessive 's (or a bare trailing apostrophe handled as punctuation).
        let w = &text[word_start..word_end];
        let mut split_at = None;
        if let Some(rest) = w.strip_suffix(['s', 'S']) {
            for ap in ['\'', '’', 'ʼ'] {
                let suffix_len = ap.len_utf8() + 1;
                if rest.ends_with(ap) && w.len() > suffix_len {
                    split_at = Some(word_end - suffix_len);
                }
            }
        }
        // "US-led", "Iranian-backed": the actor before the hyphen is a token of its own.
        if split_at.is_none()
            && let Some(h) = w.rfind('-')
            && h > 0
            && HYPHEN_SUFFIXES
                .iter()
                .any(|s| w[h + 1..].eq_ignore_ascii_case(s))
        {
            out.push(make(text, word_start, word_start + h, true));
            out.push(make(text, word_start + h, word_start + h + 1, false));
            out.push(make(text, word_start + h + 1, word_end, true));
            i = j;
            continue;
        }
        match split_at {
            Some(cut) => {
                out.push(make(text, word_start, cut, true));
                out.push(make(text, cut, word_end, true));
            }
            None => out.push(make(text, word_start, word_end, true)),
        }
        i = j;
    }
}

fn make(text: &str, start: usize, end: usize, word: bool) -> Token {
    let raw = &text[start..end];
    let norm: String = if raw.is_ascii() {
        let mut n = raw.to_ascii_lowercase();
        if n.contains('`') {
            n = n.replace('`', "'");
        }
        n
    } else {
        raw.chars()
            .map(|c| if is_apostrophe(c) { '\'' } else { c })
            .flat_map(char::to_lowercase)
            .collect()
    };
    let first = raw.chars().next();
    let cap = first.is_some_and(|c| c.is_uppercase() || c.is_ascii_digit());
    let mut letters = 0usize;
    let mut all_upper = true;
    for c in raw.chars().filter(|c| c.is_alphabetic()) {
        letters += 1;
        all_upper &= c.is_uppercase();
    }
    let upper = letters > 0 && all_upper && (letters >= 2 || raw.contains('.'));
    Token {
        start,
        end,
        norm,
        cap,
        upper,
        word,
    }
}

/// The normalized words of a lexicon phrase (`_` and spaces separate words).
pub(crate) fn phrase_words(phrase: &str) -> Vec<String> {
    let spaced = phrase.replace('_', " ");
    tokenize(&spaced, 0, spaced.len())
        .into_iter()
        .map(|t| t.norm)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norms(text: &str) -> Vec<String> {
        tokenize(text, 0, text.len())
            .into_iter()
            .map(|t| t.norm)
            .collect()
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
    fn flags() {
        let t = tokenize("UN chief", 0, 8);
        assert!(t[0].upper && t[0].cap && !t[1].cap);
    }
}
