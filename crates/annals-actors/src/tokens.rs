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

/// Tokenizes `text[range]`: words (letters/digits with inner `-`, `.`, apostrophes), possessive
/// `'s` split off, every other visible character a token of its own.
pub(crate) fn tokenize(text: &str, start: usize, end: usize) -> Vec<Token> {
    let mut out = Vec::new();
    let Some(slice) = text.get(start..end) else {
        return out;
    };
    let chars: Vec<(usize, char)> = slice.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (off, c) = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if !c.is_alphanumeric() {
            let next = chars.get(i + 1).map_or(slice.len(), |x| x.0);
            out.push(make(text, start + off, start + next, false));
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < chars.len() {
            let cj = chars[j].1;
            let joins = is_joiner(cj) && chars.get(j + 1).is_some_and(|n| n.1.is_alphanumeric());
            if cj.is_alphanumeric() || joins {
                j += 1;
            } else {
                break;
            }
        }
        // Keep a final dot for abbreviations: single letters ("W.") and dotted forms ("U.S.").
        let word_text: String = chars[i..j].iter().map(|x| x.1).collect();
        if chars.get(j).is_some_and(|x| x.1 == '.')
            && (word_text.chars().count() == 1 && word_text.chars().all(char::is_uppercase)
                || word_text.contains('.'))
        {
            j += 1;
        }
        let end_off = chars.get(j).map_or(slice.len(), |x| x.0);
        let word_start = start + off;
        let word_end = start + end_off;
        // Split a possessive 's (or a bare trailing apostrophe handled as punctuation).
        let w = &text[word_start..word_end];
        let mut split_at = None;
        let lower = w.to_lowercase();
        for ap in ['\'', '’', 'ʼ'] {
            let suffix = format!("{ap}s");
            if lower.ends_with(&suffix) && w.len() > suffix.len() {
                split_at = Some(word_end - suffix.len());
            }
        }
        // "US-led", "Iranian-backed": the actor before the hyphen is a token of its own.
        if split_at.is_none()
            && let Some(h) = w.rfind('-')
            && matches!(
                w[h + 1..].to_ascii_lowercase().as_str(),
                "led"
                    | "backed"
                    | "based"
                    | "brokered"
                    | "sponsored"
                    | "funded"
                    | "allied"
                    | "trained"
                    | "supported"
                    | "controlled"
                    | "run"
            )
            && h > 0
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
    out
}

fn make(text: &str, start: usize, end: usize, word: bool) -> Token {
    let raw = &text[start..end];
    let norm: String = raw
        .chars()
        .map(|c| if is_apostrophe(c) { '\'' } else { c })
        .flat_map(char::to_lowercase)
        .collect();
    let first = raw.chars().next();
    let cap = first.is_some_and(|c| c.is_uppercase() || c.is_ascii_digit());
    let letters: Vec<char> = raw.chars().filter(|c| c.is_alphabetic()).collect();
    let upper = !letters.is_empty()
        && letters.iter().all(|c| c.is_uppercase())
        && (letters.len() >= 2 || raw.contains('.'));
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
