//! Tokenizing and pattern matching.

use crate::rules::{Alt, Builtin, Entry, NO_ID, Rule, RuleSet, pair_key, token_key};

/// The kind of a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Word,
    Num,
    Punct,
}

/// One token: a byte range of the text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tok {
    pub start: usize,
    pub end: usize,
    pub kind: Kind,
    /// White space (or the start of text) comes right before it.
    pub space_before: bool,
}

/// Byte classes for the tokenizer: ASCII letter, digit, white space.
const ALPHA: u8 = 1;
const DIGIT: u8 = 2;
const SPACE: u8 = 4;

static BYTE_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let c = i as u8;
        t[i] = if c.is_ascii_alphabetic() {
            ALPHA
        } else if c.is_ascii_digit() {
            DIGIT
        } else if c.is_ascii_whitespace() {
            SPACE
        } else {
            0
        };
        i += 1;
    }
    t
};

/// Splits `text` into words, digit runs and single punctuation characters, with the vocabulary
/// id of each token in `ids` ([`NO_ID`] when it has none); `lower` is `text` in ASCII lower case.
pub(crate) fn tokenize(
    set: &RuleSet,
    text: &str,
    lower: &[u8],
    out: &mut Vec<Tok>,
    ids: &mut Vec<u32>,
) {
    // news text runs at about one token in five bytes, often more: room for one in three so
    // the lists are seldom grown
    let room = text.len() / 3 + 16;
    out.clear();
    out.reserve(room);
    ids.clear();
    ids.reserve(room);
    let b = text.as_bytes();
    let mut i = 0;
    let mut space = true;
    while i < b.len() {
        let c = b[i];
        let class = BYTE_CLASS[usize::from(c)];
        if class == SPACE {
            space = true;
            i += 1;
            continue;
        }
        // the common case: a plain ASCII word ending before an ASCII byte that cannot extend it
        // (the general loop below joins only an apostrophe, a period after a short word, or a
        // letter outside ASCII)
        if class == ALPHA {
            let start = i;
            let j = alpha_run_end(b, i + 1);
            let next = b.get(j).copied();
            if next.is_none_or(|n| n < 0x80 && n != b'\'' && (n != b'.' || j - start > 3)) {
                out.push(Tok {
                    start,
                    end: j,
                    kind: Kind::Word,
                    space_before: space,
                });
                ids.push(word_id(set, lower, start, j));
                space = false;
                i = j;
                continue;
            }
        }
        let start = i;
        let kind;
        if is_possessive(b, i) {
            i += 2;
            kind = Kind::Word;
        } else if class == DIGIT {
            while i < b.len() && BYTE_CLASS[usize::from(b[i])] == DIGIT {
                i += 1;
            }
            kind = Kind::Num;
        } else if c.is_ascii_alphabetic() || (c >= 0x80 && is_alpha_at(text, i)) {
            loop {
                while i < b.len()
                    && (b[i].is_ascii_alphabetic() || (b[i] >= 0x80 && is_alpha_at(text, i)))
                {
                    i += char_len(b[i]);
                }
                // a.m., p.m., U.S.: a period between single letters joins the word
                if i + 1 < b.len()
                    && b[i] == b'.'
                    && b[i + 1].is_ascii_alphabetic()
                    && i - start <= 3
                    && word_is_dotted(b, start, i)
                {
                    i += 1;
                    if i + 1 < b.len() && !b[i + 1].is_ascii_alphabetic() || i + 1 == b.len() {
                        i += 1;
                        if i < b.len() && b[i] == b'.' {
                            i += 1;
                        }
                        break;
                    }
                    continue;
                }
                // we'll, don't (but the possessive 's is a token of its own)
                if i + 1 < b.len()
                    && b[i] == b'\''
                    && b[i + 1].is_ascii_alphabetic()
                    && !is_possessive(b, i)
                {
                    i += 1;
                    continue;
                }
                break;
            }
            kind = Kind::Word;
        } else {
            i += char_len(c);
            if i > b.len() {
                i = b.len();
            }
            kind = Kind::Punct;
        }
        out.push(Tok {
            start,
            end: i,
            kind,
            space_before: space,
        });
        ids.push(if kind == Kind::Num {
            NO_ID
        } else {
            word_id(set, lower, start, i)
        });
        space = false;
    }
}

/// `0x80` in each byte of `x` that is no ASCII letter, 0 in the others.
#[inline]
fn non_alpha_bytes(x: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Bytes of seven bits, folded to lower case: `v + (0x80 - b'a')` has its high bit set when
    // `v >= b'a'`, and `v + (0x7f - b'z')` when `v > b'z'`; neither sum carries.
    let v = (x & !HIGH) | (ONES * 0x20);
    let letter = (v + ONES * u64::from(0x80 - b'a')) & !(v + ONES * u64::from(0x7f - b'z'));
    !(letter & !x) & HIGH
}

/// The end of the run of ASCII letters starting at `j` (or `j` itself), read eight bytes at a
/// time.
#[inline]
fn alpha_run_end(b: &[u8], mut j: usize) -> usize {
    while let Some(chunk) = b.get(j..j + 8) {
        let mut eight = [0u8; 8];
        eight.copy_from_slice(chunk);
        let stop = non_alpha_bytes(u64::from_le_bytes(eight));
        if stop != 0 {
            return j + (stop.trailing_zeros() / 8) as usize;
        }
        j += 8;
    }
    while j < b.len() && BYTE_CLASS[usize::from(b[j])] == ALPHA {
        j += 1;
    }
    j
}

/// The vocabulary id of the word at `lower[start..end]`, or [`NO_ID`].
#[inline]
fn word_id(set: &RuleSet, lower: &[u8], start: usize, end: usize) -> u32 {
    let len = end - start;
    if len > set.max_word {
        return NO_ID;
    }
    let (Some(&first), Some(&last)) = (lower.get(start), lower.get(end.wrapping_sub(1))) else {
        return NO_ID;
    };
    let bit = crate::rules::filter_bit_of(first, last, len);
    if set
        .filter
        .get(bit / 64)
        .is_none_or(|b| b & (1 << (bit % 64)) == 0)
    {
        return NO_ID;
    }
    match set.table.get_at(lower, start, len) {
        Some(id) => id,
        None => lower
            .get(start..end)
            .and_then(|w| std::str::from_utf8(w).ok())
            .and_then(|w| set.vocab.get(w).copied())
            .unwrap_or(NO_ID),
    }
}

/// `'s` followed by a non-letter.
fn is_possessive(b: &[u8], i: usize) -> bool {
    b.get(i) == Some(&b'\'')
        && matches!(b.get(i + 1), Some(b's' | b'S'))
        && !b.get(i + 2).is_some_and(|c| c.is_ascii_alphanumeric())
}

fn word_is_dotted(b: &[u8], start: usize, end: usize) -> bool {
    // only runs of one-letter pieces: "a.m", "u.s"
    let piece = &b[start..end];
    let last = piece.rsplit(|&c| c == b'.').next().unwrap_or(piece);
    last.len() == 1
}

fn char_len(first: u8) -> usize {
    match first {
        0x00..=0x7f => 1,
        0xc0..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xff => 4,
        _ => 1,
    }
}

fn is_alpha_at(text: &str, i: usize) -> bool {
    text.get(i..)
        .and_then(|s| s.chars().next())
        .is_some_and(char::is_alphabetic)
}

/// A captured element value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Cap<'r> {
    /// A lexicon value.
    Lex(&'r str),
    /// A number.
    Int(i64),
    /// A clock time.
    Clock(u32, u32),
    /// A literal token matched: its byte range.
    Text(usize, usize),
}

/// One rule match over tokens `[start, end)`.
#[derive(Debug, Clone)]
pub(crate) struct Match<'r> {
    pub rule: u16,
    pub start: usize,
    pub end: usize,
    pub caps: Vec<Option<Cap<'r>>>,
}

/// Matches rules over a token list.
pub(crate) struct Scanner<'r, 't> {
    pub set: &'r RuleSet,
    pub text: &'t str,
    pub lower: &'t str,
    pub toks: &'t [Tok],
    /// The vocabulary id of each token ([`NO_ID`] when it has none).
    pub ids: &'t [u32],
}

impl<'r, 't> Scanner<'r, 't> {
    fn low(&self, t: usize) -> &'t str {
        let tok = &self.toks[t];
        self.lower.get(tok.start..tok.end).unwrap_or("")
    }

    /// The digit count of a number token, 0 for other tokens.
    fn num_len(&self, t: usize) -> usize {
        let tok = &self.toks[t];
        if tok.kind == Kind::Num {
            tok.end - tok.start
        } else {
            0
        }
    }

    fn adjacent(&self, t: usize) -> bool {
        self.toks.get(t).is_some_and(|tok| !tok.space_before)
    }

    fn is_lit(&self, t: usize, lit: &str) -> bool {
        t < self.toks.len() && self.low(t) == lit
    }

    /// All matches, leftmost-longest, non-overlapping.
    pub fn scan(&self, out: &mut Vec<Match<'r>>) {
        let mut caps: Vec<Option<Cap<'r>>> = Vec::with_capacity(16);
        out.reserve(self.toks.len() / 32 + 4);
        let mut i = 0;
        // the slot of `starts` for tokens without an id ([`NO_ID`] is clamped to it)
        let no_id_slot = self.set.starts.len().saturating_sub(1);
        while i < self.toks.len() {
            // most tokens start no rule at all: step over them with no branch on their id
            let may_start = |t: usize| {
                let slot = (self.ids[t] as usize).min(no_id_slot);
                self.set.starts.get(slot).copied().unwrap_or(false)
                    | (self.toks[t].kind == Kind::Num)
            };
            while i < self.toks.len() && !may_start(i) {
                i += 1;
            }
            if i >= self.toks.len() {
                break;
            }
            let tok = self.toks[i];
            let is_num = tok.kind == Kind::Num;
            let id = self.ids[i] as usize;
            let direct: &[u16] = match tok.kind {
                Kind::Num => &[],
                _ => self.set.trigger.get(id).map(Vec::as_slice).unwrap_or(&[]),
            };
            // direct rules with a test of the next tokens: all skipped when their union fails
            let gated: &[u16] = match self.set.gated.get(id) {
                Some((rules, union)) if !is_num && !rules.is_empty() => {
                    let reach = (i + union.lead + 1).min(self.toks.len());
                    if (i + 1..reach).any(|j| union.accepts(self.ids[j], self.num_len(j))) {
                        rules
                    } else {
                        &[]
                    }
                }
                _ => &[],
            };
            // rules to check first: numbers try every rule that can start with a number of
            // their length
            let from = if is_num { i } else { i + 1 };
            let lead: &[u16] = match self.set.lead_trigger.get(id) {
                _ if is_num => &self.set.numeric_by_len[self.num_len(i).min(4)],
                Some((rules, union)) => {
                    let reach = (i + union.lead + 1).min(self.toks.len());
                    if (i + 1..reach).any(|j| union.accepts(self.ids[j], self.num_len(j))) {
                        rules
                    } else {
                        &[]
                    }
                }
                _ => &[],
            };
            // rules that test the very next token only: one lookup by the pair of tokens
            let near: &[u16] = {
                let starts = if is_num {
                    self.set.pair_num[self.num_len(i).min(4)]
                } else {
                    self.set.pair_first.get(id).copied().unwrap_or(false)
                };
                match self.ids.get(i + 1) {
                    Some(&next) if starts => {
                        let first = token_key(self.ids[i], self.num_len(i));
                        let next = token_key(next, self.num_len(i + 1));
                        self.set
                            .pairs
                            .get(&pair_key(first, next))
                            .map(Vec::as_slice)
                            .unwrap_or(&[])
                    }
                    _ => &[],
                }
            };
            if (direct.is_empty() && gated.is_empty() && lead.is_empty() && near.is_empty())
                || !self.starts_cleanly(i)
            {
                i += 1;
                continue;
            }
            let mut best: Option<Match<'r>> = None;
            // at a number word, the most tokens a built-in element can take from here
            // ("twenty - four", "nineteen ninety - six"), for the tests below
            let numword = !is_num && self.set.number_word.get(id).copied().unwrap_or(false);
            let numword_span = if numword {
                let own = self.number_words(i).map_or(1, |(end, _)| end - i);
                let after = self.number_words(i + 1).map_or(1, |(end, _)| end - i);
                own.max(after).max(3)
            } else {
                0
            };
            // numbers start no rule directly: their rules are tested as led ones
            let (near_direct, near_led) = if is_num {
                (&[][..], near)
            } else {
                (near, &[][..])
            };
            let candidates = direct
                .iter()
                .chain(gated)
                .chain(near_direct)
                .map(|&r| (r, true))
                .chain(lead.iter().chain(near_led).map(|&r| (r, false)));
            for (ri, is_direct) in candidates {
                let rule = &self.set.rules[ri as usize];
                if !is_direct {
                    let check = &rule.check;
                    let reach = (i + check.lead + 1).min(self.toks.len());
                    if !(from..reach).any(|j| check.accepts(self.ids[j], self.num_len(j))) {
                        continue;
                    }
                }
                // a number starts the first required element: can the next one follow?
                if is_num && let Some((span, next)) = &rule.num_next {
                    let reach = (i + span + next.lead + 1).min(self.toks.len());
                    if !(i + 1..reach).any(|j| next.accepts(self.ids[j], self.num_len(j))) {
                        continue;
                    }
                }
                // a word starts the first required element: can the next one follow?
                let gate = if numword {
                    // a number word: the test with the span its number actually takes
                    rule.word_next
                        .as_ref()
                        .map(|(span, next)| (*span, next))
                        .or_else(|| {
                            rule.word_next_plain
                                .as_ref()
                                .map(|(span, next)| ((*span).max(numword_span), next))
                        })
                } else {
                    rule.word_gate(false).map(|(span, next)| (*span, next))
                };
                if !is_num
                    && is_direct
                    && let Some((span, next)) = gate
                {
                    let reach = (i + span + next.lead + 1).min(self.toks.len());
                    if !(i + 1..reach).any(|j| next.accepts(self.ids[j], self.num_len(j))) {
                        continue;
                    }
                }
                // the first element starts here: can the next one follow?
                if let Some(next) = &rule.next {
                    let first = if is_num { Some(3) } else { rule.first_span };
                    if let Some(first) = first {
                        let from_next = i + 1;
                        let reach = (i + first + next.lead + 1).min(self.toks.len());
                        if (is_num || is_direct)
                            && !(from_next..reach)
                                .any(|j| next.accepts(self.ids[j], self.num_len(j)))
                        {
                            continue;
                        }
                    }
                }
                caps.clear();
                caps.resize(rule.elems.len(), None);
                if let Some(mut end) = self.match_from(rule, 0, i, &mut caps) {
                    // an extent never ends on a comma, hyphen or slash
                    while end > i + 1 && matches!(self.low(end - 1), "," | "-" | "/") {
                        end -= 1;
                    }
                    let better = best
                        .as_ref()
                        .is_none_or(|b| end > b.end || (end == b.end && ri < b.rule));
                    if end > i && self.ends_cleanly(end) && better {
                        best = Some(Match {
                            rule: ri,
                            start: i,
                            end,
                            caps: caps.clone(),
                        });
                    }
                }
            }
            match best {
                Some(m) => {
                    i = m.end;
                    out.push(m);
                }
                None => i += 1,
            }
        }
    }

    fn starts_cleanly(&self, i: usize) -> bool {
        if i == 0 || self.toks[i].space_before {
            return true;
        }
        let prev = &self.toks[i - 1];
        match prev.kind {
            Kind::Word | Kind::Num => false,
            Kind::Punct => !matches!(
                self.text.get(prev.start..prev.end),
                Some("$" | "£" | "€" | "." | "," | ":")
            ),
        }
    }

    fn ends_cleanly(&self, end: usize) -> bool {
        match self.toks.get(end) {
            None => true,
            Some(t) if t.space_before => true,
            Some(t) => match t.kind {
                Kind::Word => self.low(end) == "'s",
                Kind::Num => false,
                Kind::Punct => !matches!(self.text.get(t.start..t.end), Some("%")),
            },
        }
    }

    fn match_from(
        &self,
        rule: &Rule,
        ei: usize,
        ti: usize,
        caps: &mut Vec<Option<Cap<'r>>>,
    ) -> Option<usize> {
        let Some(elem) = rule.elems.get(ei) else {
            return Some(ti);
        };
        if ti >= self.toks.len()
            && elem
                .alts
                .iter()
                .any(|a| matches!(a, Alt::Not(_) | Alt::ClauseEnd))
        {
            return self.match_from(rule, ei + 1, ti, caps);
        }
        if ti < self.toks.len()
            && elem
                .first
                .as_ref()
                .is_none_or(|c| c.accepts(self.ids[ti], self.num_len(ti)))
        {
            for alt in &elem.alts {
                if let Some((next, cap)) = self.match_alt(alt, ti) {
                    caps[ei] = Some(cap);
                    if let Some(end) = self.match_from(rule, ei + 1, next, caps) {
                        return Some(end);
                    }
                }
            }
        }
        if elem.optional {
            caps[ei] = None;
            return self.match_from(rule, ei + 1, ti, caps);
        }
        None
    }

    fn match_alt(&self, alt: &Alt, t: usize) -> Option<(usize, Cap<'r>)> {
        // the alternatives most elements hold, tested one by one ahead of the rest (a branch
        // per kind predicts far better than one jump through a table)
        if let Alt::Class(c) = alt {
            return self.match_class(*c, t).map(|(n, v)| (n, Cap::Lex(v)));
        }
        if let Alt::Lit(w, id) = alt {
            let tok = self.toks[t];
            let hit = if tok.kind == Kind::Num {
                self.low(t) == w
            } else {
                *id != NO_ID && self.ids[t] == *id
            };
            return hit.then_some((t + 1, Cap::Text(tok.start, tok.end)));
        }
        if let Alt::Builtin(b) = alt {
            return self.match_builtin(*b, t);
        }
        self.match_zero_width(alt, t)
    }

    /// A zero-width alternative at token `t`.
    #[inline(never)]
    fn match_zero_width(&self, alt: &Alt, t: usize) -> Option<(usize, Cap<'r>)> {
        let tok = self.toks[t];
        match alt {
            Alt::Lit(..) | Alt::Class(_) | Alt::Builtin(_) => None,
            Alt::Not(w) => (self.low(t) != w).then_some((t, Cap::Text(tok.start, tok.start))),
            Alt::ClauseEnd => {
                let ok = tok.kind == Kind::Punct && !matches!(self.low(t), "'" | "\"");
                ok.then_some((t, Cap::Text(tok.start, tok.start)))
            }
            Alt::Prev(inner) => {
                let back = t.checked_sub(1)?;
                let (next, _) = self.match_alt(inner, back)?;
                (next == t).then_some((t, Cap::Text(tok.start, tok.start)))
            }
            Alt::ClauseStart => {
                let ok = t == 0 || self.toks[t - 1].kind == Kind::Punct;
                ok.then_some((t, Cap::Text(tok.start, tok.start)))
            }
        }
    }

    fn match_class(&self, class: u16, t: usize) -> Option<(usize, &'r str)> {
        let tok = self.toks[t];
        if tok.kind == Kind::Num {
            return None;
        }
        let e = self.entries(t).iter().find(|e| {
            e.class == class
                && e.exact
                    .as_deref()
                    .is_none_or(|x| self.text.get(tok.start..tok.end) == Some(x))
        })?;
        let next = if e.dotted && self.adjacent(t + 1) && self.is_lit(t + 1, ".") {
            t + 2
        } else {
            t + 1
        };
        Some((next, e.value.as_str()))
    }

    fn digits(&self, t: usize) -> Option<(i64, usize)> {
        let tok = self.toks.get(t)?;
        if tok.kind != Kind::Num || tok.end - tok.start > 12 {
            return None;
        }
        Some((self.low(t).parse().ok()?, tok.end - tok.start))
    }

    fn entries(&self, t: usize) -> &'r [Entry] {
        match self.ids.get(t) {
            Some(&id) if id != NO_ID => &self.set.entries[id as usize],
            _ => &[],
        }
    }

    fn class_value(&self, t: usize, class: Option<u16>) -> Option<i64> {
        let class = class?;
        self.entries(t).iter().find(|e| e.class == class)?.num
    }

    fn ordinal_suffix(&self, t: usize) -> bool {
        self.adjacent(t)
            && matches!(
                self.toks.get(t).map(|_| self.low(t)),
                Some("st" | "nd" | "rd" | "th")
            )
    }

    fn match_builtin(&self, b: Builtin, t: usize) -> Option<(usize, Cap<'r>)> {
        match b {
            Builtin::Int => self.digits(t).map(|(v, _)| (t + 1, Cap::Int(v))),
            Builtin::Num => {
                if let Some((v, len)) = self.digits(t) {
                    if len > 3 {
                        return None;
                    }
                    // 1,500 and 2.5 are not counts of time units we use
                    if self.adjacent(t + 1)
                        && (self.is_lit(t + 1, ",") || self.is_lit(t + 1, "."))
                        && self.digits(t + 2).is_some()
                        && self.adjacent(t + 2)
                    {
                        return None;
                    }
                    return Some((t + 1, Cap::Int(v)));
                }
                self.number_words(t).map(|(n, v)| (n, Cap::Int(v)))
            }
            Builtin::Year => {
                if let Some((v, len)) = self.digits(t) {
                    return (len == 4 && (1000..=2199).contains(&v))
                        .then_some((t + 1, Cap::Int(v)));
                }
                if let Some(hi) = self
                    .class_value(t, self.set.known.numword)
                    .filter(|v| (11..=20).contains(v))
                {
                    // nineteen ninety-six, twenty ten
                    let (next, lo) = self.number_words(t + 1)?;
                    return (self.class_value(t + 1, self.set.known.tens).is_some()
                        && (10..100).contains(&lo))
                    .then_some((next, Cap::Int(hi * 100 + lo)));
                }
                if self.class_value(t, self.set.known.numword) == Some(2)
                    && self.is_lit(t + 1, "thousand")
                {
                    let (next, v) = self.number_words(t)?;
                    return (2000..2100).contains(&v).then_some((next, Cap::Int(v)));
                }
                if self.is_lit(t, "'") && self.adjacent(t + 1) {
                    let (v, len) = self.digits(t + 1)?;
                    if len == 2 {
                        return Some((t + 2, Cap::Int(if v <= 30 { 2000 + v } else { 1900 + v })));
                    }
                }
                None
            }
            Builtin::Day => {
                if let Some((v, len)) = self.digits(t) {
                    if len > 2 || !(1..=31).contains(&v) {
                        return None;
                    }
                    let next = if self.ordinal_suffix(t + 1) {
                        t + 2
                    } else {
                        t + 1
                    };
                    return Some((next, Cap::Int(v)));
                }
                self.class_value(t, self.set.known.ordinal)
                    .filter(|v| *v <= 31)
                    .map(|v| (t + 1, Cap::Int(v)))
            }
            Builtin::Month2 => {
                let (v, len) = self.digits(t)?;
                (len <= 2 && (1..=12).contains(&v)).then_some((t + 1, Cap::Int(v)))
            }
            Builtin::Ord => {
                if let Some((v, len)) = self.digits(t) {
                    return (len <= 3 && self.ordinal_suffix(t + 1))
                        .then_some((t + 2, Cap::Int(v)));
                }
                self.class_value(t, self.set.known.ordinal)
                    .map(|v| (t + 1, Cap::Int(v)))
            }
            Builtin::Decade => {
                let (t0, v, len) = if self.is_lit(t, "'") && self.adjacent(t + 1) {
                    let (v, len) = self.digits(t + 1)?;
                    (
                        t + 1,
                        if len == 2 {
                            if v <= 30 { 2000 + v } else { 1900 + v }
                        } else {
                            v
                        },
                        len,
                    )
                } else {
                    let (v, len) = self.digits(t)?;
                    (t, v, len)
                };
                if !(len == 4 || (len == 2 && t0 == t + 1)) || v % 10 != 0 {
                    return None;
                }
                (self.adjacent(t0 + 1) && self.is_lit(t0 + 1, "s"))
                    .then_some((t0 + 2, Cap::Int(v / 10)))
            }
            Builtin::Clock => {
                let (h, len) = self.digits(t)?;
                if len > 2 || h > 24 {
                    return None;
                }
                if self.adjacent(t + 1)
                    && (self.is_lit(t + 1, ":") || self.is_lit(t + 1, "."))
                    && self.adjacent(t + 2)
                    && let Some((m, 2)) = self.digits(t + 2)
                    && m < 60
                {
                    return Some((t + 3, Cap::Clock(h as u32, m as u32)));
                }
                Some((t + 1, Cap::Clock(h as u32, 0)))
            }
        }
    }

    /// A number written in words: "twenty-four", "three hundred", "a dozen" is not one.
    fn number_words(&self, t: usize) -> Option<(usize, i64)> {
        let mut i = t;
        let mut total = 0i64;
        let mut cur = 0i64;
        let mut any = false;
        while i < self.toks.len() {
            if let Some(v) = self.class_value(i, self.set.known.numword) {
                if any && cur % 100 != 0 && cur % 10 == 0 && cur >= 20 && v < 10 {
                    cur += v;
                } else if any && cur != 0 && !(cur % 100 == 0 && v < 100) {
                    break;
                } else {
                    cur += v;
                }
            } else if let Some(v) = self.class_value(i, self.set.known.tens) {
                if any && cur % 100 != 0 {
                    break;
                }
                cur += v;
            } else if let Some(v) = self.class_value(i, self.set.known.scale) {
                if !any {
                    break;
                }
                if v >= 1000 {
                    total += cur.max(1) * v;
                    cur = 0;
                } else {
                    cur = cur.max(1) * v;
                }
            } else if any
                && self.is_lit(i, "-")
                && self.adjacent(i)
                && self.adjacent(i + 1)
                && self.class_value(i + 1, self.set.known.numword).is_some()
            {
                i += 1;
                continue;
            } else {
                break;
            }
            any = true;
            i += 1;
        }
        // a trailing hyphen belongs to the next token
        any.then_some((i, total + cur))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letter_runs_read_eight_bytes_at_a_time_stop_where_bytes_do() {
        for byte in 0..=255u8 {
            for pos in 0..8 {
                let mut buf = b"abcdefgh Q".to_vec();
                buf[pos] = byte;
                let want = if byte.is_ascii_alphabetic() { 8 } else { pos };
                assert_eq!(alpha_run_end(&buf, 0), want, "byte {byte:#x} at {pos}");
                // The same run read near the end of the buffer, one byte at a time.
                assert_eq!(alpha_run_end(&buf[..9], 0), want, "byte {byte:#x} at {pos}");
            }
        }
        assert_eq!(alpha_run_end(b"Wednesday, March", 0), 9);
        assert_eq!(alpha_run_end(b"abc", 3), 3);
    }

    #[test]
    fn element_first_token_tests_pass_every_token_an_alternative_takes() {
        let recognizer = crate::TimeRecognizer::new();
        let set = &recognizer.set;
        let text = "On Tuesday, 3 March 2015 at 10:30 a.m. the '90s were over; twenty-four days \
                    later, in the 1990s and nineteen ninety-six, he said last week it will end \
                    by mid-2016, on the 5th or the fifth, every two hours, 12/05/2014 - 3 years ago.";
        let lower = text.to_ascii_lowercase();
        let (mut toks, mut ids) = (Vec::new(), Vec::new());
        tokenize(set, text, lower.as_bytes(), &mut toks, &mut ids);
        let scanner = Scanner {
            set,
            text,
            lower: &lower,
            toks: &toks,
            ids: &ids,
        };
        let mut taken = 0;
        for rule in &set.rules {
            for elem in &rule.elems {
                let Some(first) = &elem.first else {
                    continue;
                };
                for (t, &id) in ids.iter().enumerate() {
                    if elem.alts.iter().any(|a| scanner.match_alt(a, t).is_some()) {
                        assert!(
                            first.accepts(id, scanner.num_len(t)),
                            "{} at {:?}",
                            rule.name,
                            scanner.low(t)
                        );
                        taken += 1;
                    }
                }
            }
        }
        assert!(taken > 50, "only {taken} tokens taken");
    }
}
