//! Sentence segmentation for English news, lossless and span-based.
//!
//! [`NewsSegmenter`] splits an article's text into [`Sentence`]s: trimmed byte spans in order,
//! disjoint, covering every non-white-space byte, each with a [`SentenceKind`] and the id of the
//! rule that ended it (see [`rules`]). It is a single left-to-right scan over white-space
//! separated tokens with bounded look-ahead, so it runs in time linear in the text length.
//!
//! Boundaries fall only in white space. The scanner holds on abbreviations and initials
//! (lists under `data/segment/`), decimals and digit groups, quotes and parentheses, ellipses
//! and datelines; short lines and paragraphs without final punctuation become headings, and
//! list items become sentences of their own.
//!
//! ```
//! use annals_document::SentenceKind;
//! use annals_segment::NewsSegmenter;
//!
//! let text = "Troops cross border\n\nGen. J. R. Smith said 3.5 percent left the U.S. The rest stayed.";
//! let segmenter = NewsSegmenter::new();
//! let sentences = segmenter.segment(text);
//! let spans: Vec<&str> = sentences.iter().map(|s| s.span.slice(text)).collect();
//! assert_eq!(
//!     spans,
//!     ["Troops cross border", "Gen. J. R. Smith said 3.5 percent left the U.S.", "The rest stayed."]
//! );
//! assert_eq!(sentences[0].kind, SentenceKind::Heading);
//! assert_eq!(sentences[1].rule, "segment/boundary/abbreviation_starter");
//! assert_eq!(sentences[2].rule, "segment/boundary/period");
//! ```

use annals_document::{Sentence, SentenceKind, Span};
use std::collections::{HashMap, HashSet};

/// The stable ids of the rules that end a sentence.
pub mod rules {
    /// A period (or full stop) followed by a capitalized word, digit or opening quote.
    pub const PERIOD: &str = "segment/boundary/period";
    /// A question mark.
    pub const QUESTION: &str = "segment/boundary/question";
    /// An exclamation mark.
    pub const EXCLAMATION: &str = "segment/boundary/exclamation";
    /// An ellipsis (`...`, `…`, `. . .`) followed by a capitalized word.
    pub const ELLIPSIS: &str = "segment/boundary/ellipsis";
    /// A sentence-final abbreviation, initial or acronym followed by a common sentence starter.
    pub const ABBREVIATION_STARTER: &str = "segment/boundary/abbreviation_starter";
    /// A paragraph break after text without final punctuation that is not a heading.
    pub const PARAGRAPH: &str = "segment/boundary/paragraph";
    /// A line break after a line without final punctuation, too long to be a heading.
    pub const LINE_BREAK: &str = "segment/boundary/line_break";
    /// The next line starts a list item.
    pub const LIST_ITEM: &str = "segment/boundary/list_item";
    /// A short line or paragraph without final punctuation: a heading.
    pub const HEADING: &str = "segment/heading/no_final_punct";
    /// The end of the text after text without final punctuation that is not a heading.
    pub const END_OF_TEXT: &str = "segment/boundary/end_of_text";
}

const ABBREVIATIONS: &str = include_str!("../../../data/segment/abbreviations.txt");
const SENTENCE_STARTERS: &str = include_str!("../../../data/segment/sentence_starters.txt");
const CONTINUATION_WORDS: &str = include_str!("../../../data/segment/continuation_words.txt");
const LIST_MARKERS: &str = include_str!("../../../data/segment/list_markers.txt");

/// Default for [`NewsSegmenter::with_max_heading_words`].
pub const DEFAULT_MAX_HEADING_WORDS: usize = 20;

/// How many tokens a parenthesis may stay open before it is taken to be unbalanced.
const MAX_PAREN_TOKENS: u32 = 60;
/// How many tokens around a candidate boundary a quote must open and close within to be a title.
const TITLE_QUOTE_TOKENS: u64 = 5;
/// How far (in bytes) the quoted-title look-ahead may read.
const TITLE_LOOKAHEAD_BYTES: usize = 400;

/// A data list could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DataError {
    /// A line of a list is malformed.
    #[error("{list} line {line}: {message}")]
    Malformed {
        /// The list's name (e.g. `abbreviations`).
        list: &'static str,
        /// 1-based line number.
        line: usize,
        /// What is wrong with it.
        message: String,
    },
}

/// The texts of the lists a segmenter is built from (formats: `data/segment/README.md`).
#[derive(Debug, Clone, Copy)]
pub struct SegmentLists<'a> {
    /// `abbreviations.txt`: `ABBREV CLASS` lines, class `prefix` or `final`.
    pub abbreviations: &'a str,
    /// `sentence_starters.txt`: capitalized words that begin sentences.
    pub sentence_starters: &'a str,
    /// `continuation_words.txt`: words after which a line goes on.
    pub continuation_words: &'a str,
    /// `list_markers.txt`: bullet symbols.
    pub list_markers: &'a str,
}

impl SegmentLists<'static> {
    /// The lists embedded from `data/segment/`.
    pub fn embedded() -> SegmentLists<'static> {
        SegmentLists {
            abbreviations: ABBREVIATIONS,
            sentence_starters: SENTENCE_STARTERS,
            continuation_words: CONTINUATION_WORDS,
            list_markers: LIST_MARKERS,
        }
    }
}

/// How an abbreviation behaves before the next word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AbbrevClass {
    /// Never ends a sentence inside a paragraph (`Mr.`, `Gen.`).
    Prefix,
    /// Ends a sentence only before a sentence starter (`U.S.`, `Inc.`).
    Final,
}

/// Splits news text into sentences.
#[derive(Debug, Clone)]
pub struct NewsSegmenter {
    abbreviations: HashMap<String, AbbrevClass>,
    starters: HashSet<String>,
    continuations: HashSet<String>,
    markers: HashSet<String>,
    max_heading_words: usize,
}

impl Default for NewsSegmenter {
    fn default() -> Self {
        NewsSegmenter::new()
    }
}

/// The lines of a list that carry an entry, with their 1-based numbers.
fn entries(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
}

fn single_words(
    list: &'static str,
    text: &str,
    lowercase: bool,
) -> Result<HashSet<String>, DataError> {
    let mut set = HashSet::new();
    for (line, entry) in entries(text) {
        if entry.split_whitespace().count() != 1 {
            return Err(DataError::Malformed {
                list,
                line,
                message: format!("expected one word, found {entry:?}"),
            });
        }
        set.insert(if lowercase {
            entry.to_ascii_lowercase()
        } else {
            entry.to_string()
        });
    }
    Ok(set)
}

impl NewsSegmenter {
    /// A segmenter for English news with the lists embedded from `data/segment/`.
    pub fn new() -> NewsSegmenter {
        // The embedded lists are checked by this crate's tests, so this cannot fail.
        NewsSegmenter::from_lists(SegmentLists::embedded())
            .expect("embedded data/segment lists are well-formed")
    }

    /// A segmenter built from the given list texts.
    pub fn from_lists(lists: SegmentLists<'_>) -> Result<NewsSegmenter, DataError> {
        let mut abbreviations = HashMap::new();
        for (line, entry) in entries(lists.abbreviations) {
            let fields: Vec<&str> = entry.split_whitespace().collect();
            let malformed = |message: String| DataError::Malformed {
                list: "abbreviations",
                line,
                message,
            };
            let [abbrev, class] = fields[..] else {
                return Err(malformed(format!(
                    "expected `ABBREV CLASS`, found {entry:?}"
                )));
            };
            if !abbrev.ends_with('.') || abbrev.len() < 2 {
                return Err(malformed(format!("{abbrev:?} must end with a period")));
            }
            let class = match class {
                "prefix" => AbbrevClass::Prefix,
                "final" => AbbrevClass::Final,
                other => {
                    return Err(malformed(format!(
                        "unknown class {other:?} (expected `prefix` or `final`)"
                    )));
                }
            };
            abbreviations.insert(abbrev.to_string(), class);
        }
        Ok(NewsSegmenter {
            abbreviations,
            starters: single_words("sentence_starters", lists.sentence_starters, false)?,
            continuations: single_words("continuation_words", lists.continuation_words, true)?,
            markers: single_words("list_markers", lists.list_markers, false)?,
            max_heading_words: DEFAULT_MAX_HEADING_WORDS,
        })
    }

    /// The same segmenter with another limit on the number of words a heading may have.
    pub fn with_max_heading_words(mut self, words: usize) -> NewsSegmenter {
        self.max_heading_words = words;
        self
    }

    /// The sentences of `text`, in order, as trimmed spans.
    pub fn segment(&self, text: &str) -> Vec<Sentence> {
        let mut out = Vec::with_capacity(text.len() / 120 + 1);
        let mut tokens = Tokens::at(text, 0);
        let Some(mut first) = tokens.next() else {
            return out;
        };
        first.line_start = true;
        first.marker = self.is_list_marker(first.text(text));
        let mut state = State::default();
        state.start_segment(&first, text);
        state.absorb(&first, text);
        let mut prev = first;
        while let Some(mut cur) = tokens.next() {
            cur.line_start = cur.breaks > 0;
            cur.marker = cur.line_start && self.is_list_marker(cur.text(text));
            if let Some((rule, kind)) = self.decide(text, &prev, &cur, &state) {
                out.push(Sentence {
                    span: Span::new(state.seg_start, prev.end),
                    kind,
                    rule: rule.to_string(),
                });
                state.start_segment(&cur, text);
            } else {
                state.extend_segment(&cur);
            }
            if cur.breaks >= 2 {
                state.reset_paragraph();
            }
            state.absorb(&cur, text);
            prev = cur;
        }
        let (rule, kind) = self.end_of_block(prev.text(text), &state, rules::END_OF_TEXT);
        out.push(Sentence {
            span: Span::new(state.seg_start, prev.end),
            kind,
            rule: rule.to_string(),
        });
        out
    }

    /// Whether the gap between `prev` and `next` is a sentence boundary, and if so which rule
    /// ends the sentence before it and what kind that sentence is.
    fn decide(
        &self,
        text: &str,
        prev: &Token,
        next: &Token,
        state: &State,
    ) -> Option<(&'static str, SentenceKind)> {
        let ptext = prev.text(text);
        if next.breaks >= 2 {
            if is_dateline(state, ptext) {
                // `KYIV (Reuters) —` on a paragraph of its own runs on into the next one.
                return None;
            }
            return Some(self.end_of_block(ptext, state, rules::PARAGRAPH));
        }
        let ntext = next.text(text);
        if next.marker {
            return Some(match terminal(ptext) {
                Some(term) => (term.rule(), SentenceKind::Body),
                None if self.heading_ok(state, ptext) => (rules::HEADING, SentenceKind::Heading),
                None => (rules::LIST_ITEM, SentenceKind::Body),
            });
        }
        if let Some(term) = terminal(ptext) {
            if state.paren_depth > 0 || prev.marker {
                return None;
            }
            let rule = self.punctuation_boundary(term, state, ntext)?;
            if self.in_quoted_title(text, next, state) {
                return None;
            }
            return Some((rule, SentenceKind::Body));
        }
        if next.breaks == 1 {
            return self.line_break_boundary(ptext, ntext, state);
        }
        None
    }

    /// The rule ending a sentence after terminal punctuation, or `None` when the text goes on.
    fn punctuation_boundary(
        &self,
        term: Terminal<'_>,
        state: &State,
        ntext: &str,
    ) -> Option<&'static str> {
        let next = classify_start(ntext);
        if matches!(next, Start::Lower | Start::NoAlnum) {
            return None;
        }
        match term.mark {
            Mark::Question => Some(rules::QUESTION),
            Mark::Exclamation => Some(rules::EXCLAMATION),
            Mark::Ellipsis => (next == Start::Upper).then_some(rules::ELLIPSIS),
            Mark::Period => {
                // `core` ends with the period; drop leading openers: `(Gen.` -> `Gen.`
                let word = term.core.trim_start_matches(is_opener);
                if !word.ends_with('.') {
                    // An ideographic full stop.
                    return Some(rules::PERIOD);
                }
                if word.len() == 1 || word.bytes().all(|b| b == b'.') {
                    // A lone period: a spaced ellipsis when the token before was dots too.
                    if state.before_last_dots && word.bytes().all(|b| b == b'.') {
                        return (next == Start::Upper).then_some(rules::ELLIPSIS);
                    }
                    return Some(rules::PERIOD);
                }
                let class = match self.abbreviations.get(word) {
                    Some(class) => Some(*class),
                    None if is_initial_or_acronym(&word[..word.len() - 1]) => {
                        Some(AbbrevClass::Final)
                    }
                    None => None,
                };
                match class {
                    Some(AbbrevClass::Prefix) => None,
                    Some(AbbrevClass::Final) => self
                        .is_starter(ntext)
                        .then_some(rules::ABBREVIATION_STARTER),
                    None => Some(rules::PERIOD),
                }
            }
        }
    }

    /// A line break after a line without final punctuation: a boundary when the next line
    /// starts with a capital, unless the sentence already runs over a line break (the text is
    /// wrapped) or the line ends with a word or mark after which text goes on.
    fn line_break_boundary(
        &self,
        ptext: &str,
        ntext: &str,
        state: &State,
    ) -> Option<(&'static str, SentenceKind)> {
        if state.seg_breaks > 0 || state.paren_depth > 0 {
            return None;
        }
        if classify_start(ntext) != Start::Upper {
            return None;
        }
        if ptext.ends_with(is_continuation_punct) {
            return None;
        }
        if state.seg_first_allcaps && ptext.ends_with([')', ']']) {
            // A dateline such as `KYIV (Reuters)` runs on into the text below it.
            return None;
        }
        let word = ptext.trim_end_matches(is_closer);
        if word.len() <= 16 && self.continuations.contains(&word.to_ascii_lowercase()) {
            return None;
        }
        Some(if self.heading_ok(state, ptext) {
            (rules::HEADING, SentenceKind::Heading)
        } else {
            (rules::LINE_BREAK, SentenceKind::Body)
        })
    }

    /// How the sentence ending at a paragraph break or the end of the text ends.
    fn end_of_block(
        &self,
        ptext: &str,
        state: &State,
        otherwise: &'static str,
    ) -> (&'static str, SentenceKind) {
        match terminal(ptext) {
            Some(term) => (term.rule(), SentenceKind::Body),
            None if self.heading_ok(state, ptext) => (rules::HEADING, SentenceKind::Heading),
            None => (otherwise, SentenceKind::Body),
        }
    }

    /// Whether the current segment, ending without punctuation in `last` (its last token),
    /// reads as a heading.
    fn heading_ok(&self, state: &State, last: &str) -> bool {
        !last.ends_with(is_continuation_punct)
            && state.seg_line_start
            && !state.seg_bullet
            && state.seg_words >= 1
            && state.seg_words as usize <= self.max_heading_words
    }

    /// Whether `word` (a token) is a common sentence starter, ignoring quotes and commas.
    fn is_starter(&self, word: &str) -> bool {
        let word = word
            .trim_start_matches(is_opener)
            .trim_end_matches(|c: char| is_closer(c) || matches!(c, ',' | ';' | ':'));
        !word.contains('.') && self.starters.contains(word)
    }

    /// Whether a line-initial token is a bullet or a numbered list marker.
    fn is_list_marker(&self, token: &str) -> bool {
        if self.markers.contains(token) {
            return true;
        }
        let bytes = token.as_bytes();
        let inner = match bytes {
            [b'(', inner @ .., b')'] => inner,
            [inner @ .., b'.' | b')'] => inner,
            _ => return false,
        };
        let numbered =
            !inner.is_empty() && inner.len() <= 3 && inner.iter().all(u8::is_ascii_digit);
        let lettered =
            inner.len() == 1 && inner[0].is_ascii_lowercase() && bytes.last() == Some(&b')');
        numbered || lettered
    }

    /// Whether the boundary before `next` would fall inside a short quoted title such as
    /// `"Stop. Go." won`: a quote opened at most a few tokens back closes a few tokens ahead,
    /// without a comma before the closing quote, and lower-case text follows it.
    fn in_quoted_title(&self, text: &str, next: &Token, state: &State) -> bool {
        let Some(opened) = state.quote_open else {
            return false;
        };
        if state.tok_idx.saturating_sub(opened) >= TITLE_QUOTE_TOKENS {
            return false;
        }
        let limit = next.start.saturating_add(TITLE_LOOKAHEAD_BYTES);
        let mut ahead = Tokens::at(text, next.start);
        for _ in 0..TITLE_QUOTE_TOKENS {
            let Some(tok) = ahead.next() else {
                return false;
            };
            if tok.breaks >= 2 || tok.end > limit {
                return false;
            }
            let t = tok.text(text);
            let trail = t.trim_end_matches(|c: char| {
                matches!(c, '.' | ',' | ';' | ':' | '!' | '?' | ')' | ']' | '…')
            });
            if trail.ends_with(['"', '”', '»']) {
                let before = trail
                    [..trail.len() - trail.chars().next_back().map_or(0, char::len_utf8)]
                    .chars()
                    .next_back();
                if before == Some(',') {
                    return false;
                }
                return match ahead.next() {
                    Some(after) if after.breaks < 2 && after.end <= limit => {
                        classify_start(after.text(text)) == Start::Lower
                    }
                    _ => false,
                };
            }
        }
        false
    }
}

/// Whether the segment so far is a dateline (`KYIV (Reuters) —`, `MIAMI (AP) _`): one short
/// line that starts with a word in capitals and ends with a dash.
fn is_dateline(state: &State, last: &str) -> bool {
    state.seg_first_allcaps
        && state.seg_line_start
        && state.seg_breaks == 0
        && state.seg_words <= 8
        && last.ends_with(['—', '–', '-', '_'])
}

/// Punctuation that, ending a line, means the sentence goes on.
fn is_continuation_punct(c: char) -> bool {
    matches!(
        c,
        ',' | ';' | ':' | '-' | '–' | '—' | '_' | '(' | '/' | '&' | '+' | '='
    )
}

/// Leading punctuation that opens a quote or parenthetical.
fn is_opener(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '`' | '“' | '‘' | '«' | '‹' | '(' | '[' | '{' | '¿' | '¡' | '„'
    )
}

/// Trailing punctuation that closes a quote or parenthetical.
fn is_closer(c: char) -> bool {
    matches!(c, '"' | '\'' | '”' | '’' | '»' | '›' | ')' | ']' | '}')
}

/// Whether `word` (an abbreviation without its final period) is a single capital initial
/// (`J`) or letters joined by periods (`U.S`, `a.m`, `J.R.R`).
fn is_initial_or_acronym(word: &str) -> bool {
    let mut chars = word.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => c.is_uppercase(),
        (Some(_), Some(_)) => {
            let mut parts = 0;
            for part in word.split('.') {
                let mut pc = part.chars();
                match (pc.next(), pc.next()) {
                    (Some(c), None) if c.is_alphabetic() => parts += 1,
                    _ => return false,
                }
            }
            parts >= 2
        }
        _ => false,
    }
}

/// The punctuation that may end a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    Period,
    Question,
    Exclamation,
    Ellipsis,
}

/// A token's final punctuation: the mark and the token up to and including it.
#[derive(Debug, Clone, Copy)]
struct Terminal<'t> {
    mark: Mark,
    /// The token with trailing closing quotes and brackets removed.
    core: &'t str,
}

impl Terminal<'_> {
    fn rule(&self) -> &'static str {
        match self.mark {
            Mark::Period => rules::PERIOD,
            Mark::Question => rules::QUESTION,
            Mark::Exclamation => rules::EXCLAMATION,
            Mark::Ellipsis => rules::ELLIPSIS,
        }
    }
}

/// The sentence punctuation a token ends with, looking through closing quotes and brackets.
#[inline(always)]
fn terminal(token: &str) -> Option<Terminal<'_>> {
    // Most tokens end with a letter or digit: told without a call.
    if token.as_bytes().last()?.is_ascii_alphanumeric() {
        return None;
    }
    terminal_mark(token)
}

/// [`terminal`] for a token that does not end with an ASCII letter or digit.
fn terminal_mark(token: &str) -> Option<Terminal<'_>> {
    let core = token.trim_end_matches(is_closer);
    let mark = match core.chars().next_back()? {
        '.' if core.ends_with("..") => Mark::Ellipsis,
        '.' | '。' => Mark::Period,
        '?' | '？' | '⁇' | '⁈' => Mark::Question,
        '!' | '！' | '‼' | '⁉' => Mark::Exclamation,
        '…' => Mark::Ellipsis,
        _ => return None,
    };
    Some(Terminal { mark, core })
}

/// How a token starts, after opening quotes and brackets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Start {
    Upper,
    Lower,
    Digit,
    /// Another letter or symbol (a caseless script, a currency sign).
    Other,
    /// Only punctuation: dashes, dots, quotes.
    NoAlnum,
}

fn classify_start(token: &str) -> Start {
    let rest = token.trim_start_matches(is_opener);
    match rest.chars().next() {
        None => Start::NoAlnum,
        Some(c) if c.is_uppercase() => Start::Upper,
        Some(c) if c.is_lowercase() => Start::Lower,
        Some(c) if c.is_numeric() => Start::Digit,
        Some(c) if c.is_alphabetic() => Start::Other,
        Some(c) if c.is_ascii_punctuation() || is_dash_or_dots(c) => {
            if rest.chars().any(char::is_alphanumeric) {
                Start::Other
            } else {
                Start::NoAlnum
            }
        }
        Some(_) => Start::Other,
    }
}

fn is_dash_or_dots(c: char) -> bool {
    matches!(c, '–' | '—' | '…' | '”' | '’' | '»' | '›')
}

/// A white-space separated token and the white space before it.
#[derive(Debug, Clone, Copy, Default)]
struct Token {
    start: usize,
    end: usize,
    /// Line breaks in the white space before the token (2 or more: a paragraph break).
    breaks: u32,
    /// Whether it has a letter or digit.
    alnum: bool,
    /// Opening brackets in it.
    opens: u32,
    /// Closing brackets in it.
    closes: u32,
    /// Whether it is the first token of its line.
    line_start: bool,
    /// Whether it is a list marker at the start of its line.
    marker: bool,
}

impl Token {
    fn text<'t>(&self, text: &'t str) -> &'t str {
        text.get(self.start..self.end).unwrap_or("")
    }
}

/// Byte flags inside a token: an ASCII letter or digit, an opening or a closing bracket, and
/// the bytes that stop the plain byte scan (ASCII white space, bytes of multi-byte characters).
const F_ALNUM: u8 = 1;
const F_OPEN: u8 = 2;
const F_CLOSE: u8 = 4;
const F_STOP: u8 = 8;

/// The [`F_ALNUM`], [`F_OPEN`], [`F_CLOSE`] and [`F_STOP`] flags of each byte.
const BYTE_FLAGS: [u8; 256] = {
    let mut table = [F_STOP; 256];
    let mut b = 0;
    while b < 128 {
        let byte = b as u8;
        table[b] = match byte {
            b'\t'..=b'\r' | b' ' => F_STOP,
            b'(' | b'[' | b'{' => F_OPEN,
            b')' | b']' | b'}' => F_CLOSE,
            _ if byte.is_ascii_alphanumeric() => F_ALNUM,
            _ => 0,
        };
        b += 1;
    }
    table
};

/// Byte classes of eight bytes at once (one `u64`, first byte lowest): each function returns
/// `0x80` in every byte of the class and 0 in the others.
mod swar {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;

    /// High bits of the bytes of seven bits `v` (`v & HIGH == 0`) in `lo..=hi`: `v + (0x80 - lo)`
    /// has its high bit set when `v >= lo`, `v + (0x7f - hi)` when `v > hi`; neither sum carries
    /// into the next byte.
    #[inline]
    fn in_range(v: u64, lo: u8, hi: u8) -> u64 {
        (v + ONES * u64::from(0x80 - lo)) & !(v + ONES * u64::from(0x7f - hi)) & HIGH
    }

    /// Bytes that end the plain scan of a token: ASCII white space and bytes of multi-byte
    /// characters.
    #[inline]
    pub(super) fn stops(x: u64) -> u64 {
        let v = x & !HIGH;
        (x & HIGH) | in_range(v, b'\t', b'\r') | in_range(v, b' ', b' ')
    }

    /// ASCII letters and digits.
    #[inline]
    pub(super) fn alnums(x: u64) -> u64 {
        let v = x & !HIGH;
        let letters = in_range(v | (ONES * 0x20), b'a', b'z');
        (letters | in_range(v, b'0', b'9')) & !x
    }

    /// Brackets: `(`, `)`, `[`, `]`, `{`, `}` (`[` and `]` are `{` and `}` with bit 5 clear).
    #[inline]
    pub(super) fn brackets(x: u64) -> u64 {
        let v = x & !HIGH;
        let folded = v | (ONES * 0x20);
        (in_range(v, b'(', b')') | in_range(folded, b'{', b'{') | in_range(folded, b'}', b'}')) & !x
    }
}

/// Iterator over the tokens of a text from a byte position (on a character boundary).
struct Tokens<'t> {
    text: &'t str,
    pos: usize,
}

impl<'t> Tokens<'t> {
    fn at(text: &'t str, pos: usize) -> Tokens<'t> {
        Tokens { text, pos }
    }

    #[inline(always)]
    fn next(&mut self) -> Option<Token> {
        let bytes = self.text.as_bytes();
        let mut tok = Token::default();
        let mut pos = self.pos;
        // White space before the token: mostly one space.
        while let Some(&b) = bytes.get(pos) {
            if b == b' ' {
                pos += 1;
                continue;
            }
            if b < 0x80 {
                match b {
                    b'\n' => tok.breaks = tok.breaks.saturating_add(1),
                    b'\r' => {
                        if bytes.get(pos + 1) != Some(&b'\n') {
                            tok.breaks = tok.breaks.saturating_add(1);
                        }
                    }
                    0x0C => tok.breaks = tok.breaks.saturating_add(2),
                    b'\t' | 0x0B => {}
                    _ => break,
                }
                pos += 1;
            } else {
                let c = self.text.get(pos..).and_then(|s| s.chars().next())?;
                if !c.is_whitespace() {
                    break;
                }
                match c {
                    '\u{2029}' => tok.breaks = tok.breaks.saturating_add(2),
                    '\u{2028}' | '\u{85}' => tok.breaks = tok.breaks.saturating_add(1),
                    _ => {}
                }
                pos += c.len_utf8();
            }
        }
        if pos >= bytes.len() {
            self.pos = pos;
            return None;
        }
        tok.start = pos;
        // The token itself: ASCII bytes without a branch per class, until white space or a
        // multi-byte character.
        let mut alnum = 0u8;
        loop {
            // Eight bytes at a time while they are there: most tokens end in the first eight.
            while let Some(chunk) = bytes.get(pos..pos + 8) {
                let mut eight = [0u8; 8];
                eight.copy_from_slice(chunk);
                let x = u64::from_le_bytes(eight);
                let stop = swar::stops(x);
                // The bytes before the first stop, as a mask of whole bytes.
                let inside = if stop == 0 {
                    u64::MAX
                } else {
                    (stop & stop.wrapping_neg()) - 1
                };
                alnum |= u8::from(swar::alnums(x) & inside != 0);
                let len = if stop == 0 {
                    8
                } else {
                    (stop.trailing_zeros() / 8) as usize
                };
                if swar::brackets(x) & inside != 0 {
                    for &b in chunk.get(..len).unwrap_or_default() {
                        let f = BYTE_FLAGS[usize::from(b)];
                        tok.opens += u32::from(f & F_OPEN != 0);
                        tok.closes += u32::from(f & F_CLOSE != 0);
                    }
                }
                pos += len;
                if stop != 0 {
                    break;
                }
            }
            while let Some(&b) = bytes.get(pos) {
                let f = BYTE_FLAGS[usize::from(b)];
                if f & F_STOP != 0 {
                    break;
                }
                alnum |= f;
                tok.opens += u32::from(f & F_OPEN != 0);
                tok.closes += u32::from(f & F_CLOSE != 0);
                pos += 1;
            }
            match bytes.get(pos) {
                Some(&b) if b >= 0x80 => {
                    let Some(c) = self.text.get(pos..).and_then(|s| s.chars().next()) else {
                        break;
                    };
                    if c.is_whitespace() {
                        break;
                    }
                    alnum |= u8::from(c.is_alphanumeric());
                    pos += c.len_utf8();
                }
                _ => break,
            }
        }
        tok.alnum = alnum & F_ALNUM != 0;
        tok.end = pos;
        self.pos = pos;
        Some(tok)
    }
}

/// The scanner's state: the open segment and the paragraph's brackets and quotes.
#[derive(Debug, Default)]
struct State {
    /// Byte offset of the current segment's first token.
    seg_start: usize,
    /// Tokens with a letter or digit in the current segment.
    seg_words: u32,
    /// Whether the segment starts at the start of a line.
    seg_line_start: bool,
    /// Whether the segment is a list item.
    seg_bullet: bool,
    /// Line breaks inside the segment.
    seg_breaks: u32,
    /// Whether the segment starts with an all-capitals word (a dateline city).
    seg_first_allcaps: bool,
    /// Open parentheses and brackets.
    paren_depth: u32,
    /// Tokens read since the outermost parenthesis opened.
    paren_tokens: u32,
    /// Index of the token that opened a double quote still open.
    quote_open: Option<u64>,
    /// Index of the last token absorbed, counted within the paragraph.
    tok_idx: u64,
    /// Whether the last token absorbed was only periods.
    last_dots: bool,
    /// Whether the token before it was only periods.
    before_last_dots: bool,
}

impl State {
    fn start_segment(&mut self, tok: &Token, text: &str) {
        self.seg_start = tok.start;
        self.seg_words = u32::from(tok.alnum);
        self.seg_line_start = tok.line_start;
        self.seg_bullet = tok.marker;
        self.seg_breaks = 0;
        let t = tok.text(text).trim_end_matches(',');
        self.seg_first_allcaps = t.len() >= 2
            && t.len() <= 40
            && t.chars().all(|c| c.is_uppercase() || c == '-' || c == '.');
    }

    fn extend_segment(&mut self, tok: &Token) {
        self.seg_words = self.seg_words.saturating_add(u32::from(tok.alnum));
        self.seg_breaks = self.seg_breaks.saturating_add(tok.breaks.min(1));
    }

    fn reset_paragraph(&mut self) {
        self.paren_depth = 0;
        self.paren_tokens = 0;
        self.quote_open = None;
        self.tok_idx = 0;
        self.last_dots = false;
        self.before_last_dots = false;
    }

    /// Updates bracket, quote and dot state with a token just read.
    #[inline(always)]
    fn absorb(&mut self, tok: &Token, text: &str) {
        self.tok_idx += 1;
        // Token bounds fall on character boundaries: its bytes are read without a check.
        let bytes = text.as_bytes().get(tok.start..tok.end).unwrap_or_default();
        self.before_last_dots = self.last_dots;
        self.last_dots = !bytes.is_empty() && bytes.iter().all(|&b| b == b'.');
        if tok.opens > 0 || tok.closes > 0 {
            let depth = self
                .paren_depth
                .saturating_add(tok.opens)
                .saturating_sub(tok.closes);
            if self.paren_depth == 0 && depth > 0 {
                self.paren_tokens = 0;
            }
            self.paren_depth = depth;
        }
        if self.paren_depth > 0 {
            self.paren_tokens += 1;
            if self.paren_tokens > MAX_PAREN_TOKENS {
                self.paren_depth = 0;
                self.paren_tokens = 0;
            }
        }
        // A token that starts and ends with an ASCII letter or digit (most words) neither opens
        // nor closes a quote.
        if let (Some(first), Some(last)) = (bytes.first(), bytes.last())
            && first.is_ascii_alphanumeric()
            && last.is_ascii_alphanumeric()
        {
            return;
        }
        // Every quote mark is `"` or a character outside ASCII: a token with neither (`said,`)
        // does not touch the quote state.
        if bytes.iter().all(|&b| b != b'"' && b < 0x80) {
            return;
        }
        self.absorb_quote(tok.text(text));
    }

    /// Updates the quote state with a token that does not start and end with a letter or digit.
    fn absorb_quote(&mut self, t: &str) {
        let lead = t.trim_start_matches(['(', '[']);
        let opens = lead.starts_with(['"', '“', '«']);
        let trail = t.trim_end_matches(|c: char| {
            matches!(c, '.' | ',' | ';' | ':' | '!' | '?' | ')' | ']' | '…')
        });
        let closes = trail.ends_with(['"', '”', '»']) && trail.chars().count() >= 2;
        match (opens, closes) {
            (true, false) => self.quote_open = Some(self.tok_idx),
            (false, true) => self.quote_open = None,
            (true, true) if t.chars().count() == 1 => {
                // A lone straight quote: it opens or closes by what is open.
                self.quote_open = match self.quote_open {
                    Some(_) => None,
                    None => Some(self.tok_idx),
                };
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_lists_load() {
        let seg = NewsSegmenter::from_lists(SegmentLists::embedded()).unwrap();
        assert_eq!(seg.abbreviations.get("Gen."), Some(&AbbrevClass::Prefix));
        assert_eq!(seg.abbreviations.get("U.S."), Some(&AbbrevClass::Final));
        assert!(seg.starters.contains("The"));
        assert!(seg.continuations.contains("the"));
        assert!(seg.markers.contains("•"));
    }

    #[test]
    fn malformed_list_is_an_error_naming_the_line() {
        let lists = SegmentLists {
            abbreviations: "# comment\nMr. prefix\nDr. sometimes\n",
            ..SegmentLists::embedded()
        };
        let err = NewsSegmenter::from_lists(lists).unwrap_err();
        assert_eq!(
            err.to_string(),
            "abbreviations line 3: unknown class \"sometimes\" (expected `prefix` or `final`)"
        );
        let lists = SegmentLists {
            abbreviations: "Mr prefix\n",
            ..SegmentLists::embedded()
        };
        assert!(NewsSegmenter::from_lists(lists).is_err());
    }

    #[test]
    fn initials_and_acronyms() {
        assert!(is_initial_or_acronym("J"));
        assert!(is_initial_or_acronym("U.S"));
        assert!(is_initial_or_acronym("a.m"));
        assert!(!is_initial_or_acronym("j"));
        assert!(!is_initial_or_acronym("US"));
        assert!(!is_initial_or_acronym("U..S"));
    }

    #[test]
    fn list_markers() {
        let seg = NewsSegmenter::new();
        for m in ["-", "•", "1.", "12)", "(3)", "a)"] {
            assert!(seg.is_list_marker(m), "{m}");
        }
        for m in ["2024.", "A)", "word", "(a", "."] {
            assert!(!seg.is_list_marker(m), "{m}");
        }
    }

    #[test]
    fn eight_byte_classes_agree_with_the_byte_table() {
        for byte in 0..=255u8 {
            for pos in 0..8 {
                let mut eight = *b"a1(b] c-";
                eight[pos] = byte;
                let x = u64::from_le_bytes(eight);
                for (i, &b) in eight.iter().enumerate() {
                    let f = BYTE_FLAGS[usize::from(b)];
                    let bit = |mask: u64| mask >> (8 * i + 7) & 1 == 1;
                    assert_eq!(bit(swar::stops(x)), f & F_STOP != 0, "{b:#x}");
                    assert_eq!(bit(swar::alnums(x)), f & F_ALNUM != 0, "{b:#x}");
                    assert_eq!(
                        bit(swar::brackets(x)),
                        f & (F_OPEN | F_CLOSE) != 0,
                        "{b:#x}"
                    );
                }
            }
        }
    }

    #[test]
    fn tokens_read_eight_bytes_at_a_time_match_a_byte_scan() {
        let text = "Gen. (J.) Smith [said]\u{a0}x\n\n“Ünïcode”  tokens{with}brackets(nested(deep)) \
                    a-very-long-hyphenated-token-here. é\u{2028}end";
        let mut tokens = Tokens::at(text, 0);
        let mut pos = 0;
        while let Some(tok) = tokens.next() {
            let t = &text[tok.start..tok.end];
            assert!(
                !t.is_empty() && !t.chars().any(char::is_whitespace),
                "{t:?}"
            );
            assert!(text[pos..tok.start].chars().all(char::is_whitespace));
            assert_eq!(tok.alnum, t.chars().any(char::is_alphanumeric), "{t:?}");
            let count = |set: &[char]| t.chars().filter(|c| set.contains(c)).count() as u32;
            assert_eq!(tok.opens, count(&['(', '[', '{']), "{t:?}");
            assert_eq!(tok.closes, count(&[')', ']', '}']), "{t:?}");
            pos = tok.end;
        }
        assert_eq!(pos, text.len());
    }

    #[test]
    fn max_heading_words_is_configurable() {
        let text = "Five words make this line\nThe body follows here.";
        let loose = NewsSegmenter::new().segment(text);
        assert_eq!(loose[0].kind, SentenceKind::Heading);
        let strict = NewsSegmenter::new().with_max_heading_words(3).segment(text);
        assert_eq!(strict[0].kind, SentenceKind::Body);
        assert_eq!(strict[0].rule, rules::LINE_BREAK);
    }
}
