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

/// Byte spans of the words of `text`: runs of letters and digits, with an apostrophe or hyphen
/// kept when it stands between two of them (`Rostov-on-Don`, `d'Ivoire`).
pub fn word_spans(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let char_at = |i: usize| -> Option<char> {
        match bytes.get(i) {
            Some(&b) if b < 0x80 => Some(char::from(b)),
            Some(_) => text.get(i..).and_then(|s| s.chars().next()),
            None => None,
        }
    };
    let mut out = Vec::with_capacity(text.len() / 5 + 1);
    let mut start: Option<usize> = None;
    let mut i = 0;
    while let Some(c) = char_at(i) {
        let next = i + c.len_utf8();
        if is_word_char(c) {
            if start.is_none() {
                start = Some(i);
            }
        } else if is_joiner(c) && start.is_some() && char_at(next).is_some_and(is_word_char) {
            // keep going: the joiner is inside a word
        } else if let Some(s) = start.take() {
            out.push((s, i));
        }
        i = next;
    }
    if let Some(s) = start {
        out.push((s, text.len()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_keep_inner_joiners() {
        let t = "In Rostov-on-Don, Côte d\u{2019}Ivoire's - ok.";
        let w: Vec<&str> = word_spans(t).iter().map(|&(s, e)| &t[s..e]).collect();
        assert_eq!(
            w,
            vec!["In", "Rostov-on-Don", "Côte", "d\u{2019}Ivoire's", "ok"]
        );
    }
}
