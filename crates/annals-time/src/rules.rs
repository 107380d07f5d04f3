//! The rule format: a lexicon of word classes and a list of token patterns with actions.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// FNV-1a: a fast hash for the short words of the vocabulary.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// A hash map keyed by vocabulary words.
pub(crate) type WordMap<V> = HashMap<String, V, BuildHasherDefault<Fnv>>;

/// Size of the vocabulary filter in bits.
const FILTER_BITS: usize = 32 * 32 * 16;

/// The filter bit of a (lower-case) word.
pub(crate) fn filter_bit(w: &[u8]) -> usize {
    filter_bit_of(
        w.first().copied().unwrap_or(0),
        w.last().copied().unwrap_or(0),
        w.len(),
    )
}

/// The filter bit of a word from its first and last byte and its length.
#[inline]
pub(crate) fn filter_bit_of(first: u8, last: u8, len: usize) -> usize {
    (usize::from(first & 31) * 32 + usize::from(last & 31)) * 16 + len.min(15)
}

/// No vocabulary id.
pub(crate) const NO_ID: u32 = u32::MAX;

/// Token keys of numbers: `NUM_KEY + n` for n digits (n up to 4).
pub(crate) const NUM_KEY: u32 = u32::MAX - 8;

/// The key of a token: its vocabulary id, or for a number its digit count above [`NUM_KEY`].
pub(crate) fn token_key(id: u32, digits: usize) -> u32 {
    if digits > 0 {
        NUM_KEY + digits.min(4) as u32
    } else {
        id
    }
}

/// The key of a pair of token keys in [`RuleSet::pairs`].
pub(crate) fn pair_key(first: u32, next: u32) -> u64 {
    (u64::from(first) << 32) | u64::from(next)
}

/// The longest word [`WordTable`] holds.
const PACKED: usize = 16;

/// A word of up to [`PACKED`] bytes as one integer (zero bytes after its end), or none.
fn pack(w: &[u8]) -> Option<u128> {
    if w.is_empty() || w.len() > PACKED {
        return None;
    }
    let mut key = 0u128;
    for (k, &b) in w.iter().enumerate() {
        key |= u128::from(b) << (8 * k);
    }
    Some(key)
}

/// An open-addressing table from short vocabulary words, packed into integers, to their ids:
/// a lookup is one multiply and an integer compare instead of hashing and comparing strings.
#[derive(Debug, Clone, Default)]
pub(crate) struct WordTable {
    keys: Vec<u128>,
    ids: Vec<u32>,
    mask: usize,
}

impl WordTable {
    fn slot(&self, key: u128) -> usize {
        let x = (key as u64) ^ ((key >> 64) as u64).rotate_left(29);
        (x.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> 32) as usize & self.mask
    }

    /// A table of every word of `vocab` of at most [`PACKED`] bytes.
    fn build(vocab: &WordMap<u32>) -> WordTable {
        let size = (vocab.len() * 4).next_power_of_two().max(16);
        let mut t = WordTable {
            keys: vec![0; size],
            ids: vec![NO_ID; size],
            mask: size - 1,
        };
        for (w, &id) in vocab {
            let Some(key) = pack(w.as_bytes()) else {
                continue;
            };
            let mut i = t.slot(key);
            while t.keys[i] != 0 {
                i = (i + 1) & t.mask;
            }
            t.keys[i] = key;
            t.ids[i] = id;
        }
        t
    }

    /// The id of the word at `bytes[start..start + len]` (lower case): `None` when the word is
    /// too long for the table. Reads the word with one 16-byte load where the text allows.
    pub fn get_at(&self, bytes: &[u8], start: usize, len: usize) -> Option<u32> {
        if len == 0 || len > PACKED {
            return None;
        }
        let key = match bytes.get(start..start + PACKED) {
            Some(window) => {
                let mut buf = [0u8; PACKED];
                buf.copy_from_slice(window);
                let raw = u128::from_le_bytes(buf);
                if len == PACKED {
                    raw
                } else {
                    raw & ((1u128 << (8 * len)) - 1)
                }
            }
            None => pack(bytes.get(start..start + len)?)?,
        };
        Some(self.get_key(key))
    }

    fn get_key(&self, key: u128) -> u32 {
        let mut i = self.slot(key);
        loop {
            match self.keys.get(i) {
                Some(&k) if k == key => return self.ids.get(i).copied().unwrap_or(NO_ID),
                Some(0) | None => return NO_ID,
                Some(_) => i = (i + 1) & self.mask,
            }
        }
    }
}

/// Why a rule file could not be compiled.
#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    /// A line of the lexicon or rule file is malformed.
    #[error("line {line}: {message}")]
    Syntax {
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

fn syntax(line: usize, message: impl Into<String>) -> RuleError {
    RuleError::Syntax {
        line,
        message: message.into(),
    }
}

/// A built-in token matcher (`#name` in a pattern).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Builtin {
    /// Digits, or a number written in words.
    Num,
    /// Any run of digits.
    Int,
    /// A four-digit year 1000–2199, or `'98`.
    Year,
    /// A day of the month 1–31, digits with an optional ordinal suffix, or an ordinal word.
    Day,
    /// A month number 1–12 in digits.
    Month2,
    /// An ordinal: `3rd` or `third`.
    Ord,
    /// A decade: `1990s`, `'90s`.
    Decade,
    /// A clock time: `3`, `15:30`, `3.30`.
    Clock,
}

/// One alternative of a pattern element.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Alt {
    /// A literal token (lower case) and its word id.
    Lit(String, u32),
    /// A lexicon class.
    Class(u16),
    /// A built-in matcher.
    Builtin(Builtin),
    /// Zero-width: the next token is not this literal (`!lit`).
    Not(String),
    /// Zero-width: a clause starts here (`^`): start of text or after punctuation.
    ClauseStart,
    /// Zero-width: a clause ends here (`$`): end of text or before punctuation.
    ClauseEnd,
    /// Zero-width: the token before is this (`<alt`).
    Prev(Box<Alt>),
}

/// One pattern element: alternatives, optionally skippable.
#[derive(Debug, Clone)]
pub(crate) struct Elem {
    pub alts: Vec<Alt>,
    pub optional: bool,
    /// The tokens that can start one of its alternatives (`None`: any token may).
    pub first: Option<Check>,
}

/// An action argument: a capture reference or a literal.
#[derive(Debug, Clone)]
pub(crate) enum Arg {
    Capture(usize),
    Lit(String),
}

fn is_zero_width(elem: &Elem) -> bool {
    elem.alts.iter().all(|a| {
        matches!(
            a,
            Alt::Not(_) | Alt::ClauseStart | Alt::ClauseEnd | Alt::Prev(_)
        )
    })
}

/// A compiled rule.
#[derive(Debug, Clone)]
pub(crate) struct Rule {
    pub id: String,
    /// The rule id as written in findings: `time/<id>`.
    pub name: String,
    pub elems: Vec<Elem>,
    pub timex_type: &'static str,
    pub action: String,
    pub args: Vec<(String, Arg)>,
    /// A quick test of whether the rule can match at a token.
    pub check: Check,
    /// A quick test of the tokens after the first element, when the rule starts with a
    /// required element and has a second required one.
    pub next: Option<Check>,
    /// The most tokens the first element takes when it starts at a word (none: unbounded).
    pub first_span: Option<usize>,
    /// For a match starting at a number: the most tokens the first required element takes and
    /// a quick test of the required element after it (none when no such test is safe).
    pub num_next: Option<(usize, Check)>,
    /// The same for a match starting at a word that triggers the rule directly.
    pub word_next: Option<(usize, Check)>,
    /// The same for a match starting at a word that is not a number word (a built-in element
    /// then spans a known number of tokens).
    pub word_next_plain: Option<(usize, Check)>,
}

impl Rule {
    /// The test of the tokens after the first element for a match starting at a word that
    /// triggers the rule directly (`numword`: the word is a number word).
    pub fn word_gate(&self, numword: bool) -> Option<&(usize, Check)> {
        self.word_next.as_ref().or(if numword {
            None
        } else {
            self.word_next_plain.as_ref()
        })
    }
}

/// The first required element of a rule: how many optional elements may precede it and which
/// tokens can start it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Check {
    /// Optional elements before it.
    pub lead: usize,
    /// Bit set over word ids.
    pub bits: Vec<u64>,
    /// Digit counts of a number token that can start it (bit n: n digits, bit 4: four or more).
    pub numeric: u32,
}

impl Check {
    /// Whether a token with this id (or a number) can start the required element.
    pub fn accepts(&self, id: u32, digits: usize) -> bool {
        if digits > 0 {
            return self.numeric & (1 << digits.min(4)) != 0;
        }
        self.bits
            .get(id as usize / 64)
            .is_some_and(|w| w & (1 << (id % 64)) != 0)
    }
}

/// One lexicon entry for a word.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub class: u16,
    pub value: String,
    /// The value as a number, when it is one.
    pub num: Option<i64>,
    /// Matches only this exact spelling (the lexicon wrote it with capitals).
    pub exact: Option<String>,
    /// May be followed by an abbreviation period.
    pub dotted: bool,
}

/// The compiled lexicon and rules of one language.
#[derive(Debug, Clone)]
pub(crate) struct RuleSet {
    pub class_names: Vec<String>,
    /// Every word of the lexicon and of the rules: its id.
    pub vocab: WordMap<u32>,
    /// The same for words of up to 16 bytes, for fast lookups.
    pub table: WordTable,
    /// Lexicon entries of each word id.
    pub entries: Vec<Vec<Entry>>,
    pub rules: Vec<Rule>,
    /// Rules that may start at each word id with their first required element.
    pub trigger: Vec<Vec<u16>>,
    /// Rules that may start at each word id with an optional element, and the union of their
    /// checks (a quick test of the tokens after it).
    pub lead_trigger: Vec<(Vec<u16>, Check)>,
    /// Rules that may start at a digit token.
    pub numeric: Vec<u16>,
    /// Per word id: the rules it starts directly that have a `word_next` test, and the union of
    /// those tests (one test rules them all out when the next tokens cannot follow).
    /// `trigger` then keeps the rules without such a test.
    pub gated: Vec<(Vec<u16>, Check)>,
    /// The rules of `numeric` that may start at a number of n digits (index n, 4 for four or
    /// more).
    pub numeric_by_len: [Vec<u16>; 5],
    /// Per word id: whether it is a number word (classes `numword`, `tens`, `scale`).
    pub number_word: Vec<bool>,
    /// Rules whose quick test looks at the very next token only, by the pair of token keys
    /// (see [`token_key`]) of the first and the next token: such rules are found with one
    /// lookup instead of being tested one by one.
    pub pairs: HashMap<u64, Vec<u16>, BuildHasherDefault<Fnv>>,
    /// Per token key below [`NUM_KEY`] (word ids): whether it starts any pair of `pairs`.
    pub pair_first: Vec<bool>,
    /// Per digit count (index 1..=4): whether a number of that length starts any pair.
    pub pair_num: [bool; 5],
    /// Per word id: whether any rule may start at the word (directly, gated, led or by pair),
    /// and one slot more, `false`, for tokens without an id.
    pub starts: Vec<bool>,
    pub max_word: usize,
    /// A filter over (first byte, last byte, length) of every vocabulary word: a word whose
    /// bit is clear is not in the vocabulary.
    pub filter: Vec<u64>,
    /// Ids of the classes the code reads.
    pub known: Known,
}

/// Ids of the lexicon classes the code reads (see the README of the rule files).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Known {
    pub numword: Option<u16>,
    pub tens: Option<u16>,
    pub scale: Option<u16>,
    pub ordinal: Option<u16>,
    pub past: Option<u16>,
    pub future: Option<u16>,
    pub passive: Option<u16>,
    pub determiner: Option<u16>,
    pub degree: Option<u16>,
}

impl RuleSet {
    /// The id of a class by name.
    pub fn class(&self, name: &str) -> Option<u16> {
        self.class_names
            .iter()
            .position(|c| c == name)
            .map(|i| i as u16)
    }

    /// Words of a class (lower case).
    pub fn words_of(&self, class: u16) -> impl Iterator<Item = &str> {
        self.vocab
            .iter()
            .filter(move |(_, id)| self.entries[**id as usize].iter().any(|e| e.class == class))
            .map(|(w, _)| w.as_str())
    }

    /// The lexicon entries of a word (lower case).
    pub fn entries_of(&self, word: &str) -> &[Entry] {
        match self.vocab.get(word) {
            Some(id) => &self.entries[*id as usize],
            None => &[],
        }
    }

    /// The value of `word` in class `class_name`, if listed.
    pub fn lookup(&self, word: &str, class_name: &str) -> Option<&str> {
        let class = self.class(class_name)?;
        self.entries_of(word)
            .iter()
            .find(|e| e.class == class)
            .map(|e| e.value.as_str())
    }

    fn intern_word(&mut self, word: &str) -> u32 {
        if let Some(id) = self.vocab.get(word) {
            return *id;
        }
        let id = self.entries.len() as u32;
        self.vocab.insert(word.to_string(), id);
        self.entries.push(Vec::new());
        id
    }

    /// Compiles a lexicon and a rule file.
    pub fn compile(lexicon: &str, rules: &str) -> Result<RuleSet, RuleError> {
        let mut set = RuleSet {
            class_names: Vec::new(),
            vocab: WordMap::default(),
            table: WordTable::default(),
            entries: Vec::new(),
            rules: Vec::new(),
            trigger: Vec::new(),
            lead_trigger: Vec::new(),
            numeric: Vec::new(),
            gated: Vec::new(),
            numeric_by_len: Default::default(),
            number_word: Vec::new(),
            pairs: HashMap::default(),
            pair_first: Vec::new(),
            pair_num: [false; 5],
            starts: Vec::new(),
            max_word: 0,
            filter: Vec::new(),
            known: Known::default(),
        };
        for (n, raw) in lexicon.lines().enumerate() {
            let line = raw.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let mut parts = line.split_whitespace();
            let (Some(class), Some(value)) = (parts.next(), parts.next()) else {
                return Err(syntax(n + 1, "expected: class value word..."));
            };
            let class = set.intern(class);
            let mut any = false;
            for word in parts {
                any = true;
                let (base, dotted) = match word.strip_suffix('.') {
                    Some(b) if !b.contains('.') => (b, true),
                    _ => (word, false),
                };
                let lower = base.to_lowercase();
                let exact = (lower != base).then(|| base.to_string());
                let id = set.intern_word(&lower);
                set.entries[id as usize].push(Entry {
                    class,
                    value: value.to_string(),
                    num: value.parse().ok(),
                    exact,
                    dotted,
                });
            }
            if !any {
                return Err(syntax(n + 1, "a lexicon line needs at least one word"));
            }
        }
        for (n, raw) in rules.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let rule = set.parse_rule(line).map_err(|m| syntax(n + 1, m))?;
            set.rules.push(rule);
        }
        set.index()?;
        set.known = Known {
            numword: set.class("numword"),
            tens: set.class("tens"),
            scale: set.class("scale"),
            ordinal: set.class("ordinal"),
            past: set.class("past"),
            future: set.class("future"),
            passive: set.class("passive"),
            determiner: set.class("determiner"),
            degree: set.class("degree"),
        };
        Ok(set)
    }

    fn intern(&mut self, class: &str) -> u16 {
        match self.class(class) {
            Some(c) => c,
            None => {
                self.class_names.push(class.to_string());
                (self.class_names.len() - 1) as u16
            }
        }
    }

    fn parse_rule(&self, line: &str) -> Result<Rule, String> {
        let (lhs, rhs) = line.split_once("=>").ok_or("missing =>")?;
        let mut lhs = lhs.split_whitespace();
        let id = lhs.next().ok_or("missing rule id")?.to_string();
        let mut elems = Vec::new();
        for tok in lhs {
            let (body, optional) = match tok.strip_suffix('?') {
                Some(b) if !b.is_empty() => (b, true),
                _ => (tok, false),
            };
            let mut alts = Vec::new();
            for alt in body.split('|') {
                if alt.is_empty() {
                    return Err(format!("empty alternative in {tok}"));
                }
                alts.push(self.parse_alt(alt)?);
            }
            elems.push(Elem {
                alts,
                optional,
                first: None,
            });
        }
        self.finish_rule(id, elems, rhs)
    }

    /// One alternative of a pattern element.
    fn parse_alt(&self, alt: &str) -> Result<Alt, String> {
        if let Some(inner) = alt.strip_prefix('<').filter(|w| !w.is_empty()) {
            let inner = self.parse_alt(inner)?;
            if matches!(
                inner,
                Alt::Not(_) | Alt::ClauseStart | Alt::ClauseEnd | Alt::Prev(_)
            ) {
                return Err(format!("<{alt} must look back at a token"));
            }
            return Ok(Alt::Prev(Box::new(inner)));
        }
        Ok(if alt == "^" {
            Alt::ClauseStart
        } else if alt == "$" {
            Alt::ClauseEnd
        } else if let Some(w) = alt.strip_prefix('!').filter(|w| !w.is_empty()) {
            Alt::Not(w.to_lowercase())
        } else if let Some(c) = alt.strip_prefix('@') {
            Alt::Class(self.class(c).ok_or_else(|| format!("unknown class @{c}"))?)
        } else if let Some(b) = alt.strip_prefix('#') {
            Alt::Builtin(match b {
                "num" => Builtin::Num,
                "int" => Builtin::Int,
                "year" => Builtin::Year,
                "day" => Builtin::Day,
                "month2" => Builtin::Month2,
                "ord" => Builtin::Ord,
                "decade" => Builtin::Decade,
                "clock" => Builtin::Clock,
                _ => return Err(format!("unknown built-in #{b}")),
            })
        } else {
            Alt::Lit(alt.to_lowercase(), NO_ID)
        })
    }

    fn finish_rule(&self, id: String, elems: Vec<Elem>, rhs: &str) -> Result<Rule, String> {
        if elems.is_empty() {
            return Err("empty pattern".into());
        }
        let mut rhs = rhs.split_whitespace();
        let timex_type = match rhs.next() {
            Some("DATE") => "DATE",
            Some("TIME") => "TIME",
            Some("DURATION") => "DURATION",
            Some("SET") => "SET",
            Some("NONE") => "NONE",
            other => {
                return Err(format!(
                    "expected DATE, TIME, DURATION or SET, found {other:?}"
                ));
            }
        };
        let action = rhs.next().ok_or("missing action")?.to_string();
        if ![
            "date", "period", "shift", "dur", "ref", "time", "range", "set", "ignore",
        ]
        .contains(&action.as_str())
        {
            return Err(format!("unknown action {action}"));
        }
        let mut args = Vec::new();
        for kv in rhs {
            let (k, v) = kv
                .split_once('=')
                .ok_or_else(|| format!("expected key=value, found {kv}"))?;
            let arg = match v.strip_prefix('$') {
                Some(n) => {
                    let i: usize = n.parse().map_err(|_| format!("bad capture {v}"))?;
                    if i == 0 || i > elems.len() {
                        return Err(format!("capture {v} out of range"));
                    }
                    Arg::Capture(i - 1)
                }
                None => Arg::Lit(v.to_string()),
            };
            args.push((k.to_string(), arg));
        }
        Ok(Rule {
            name: format!("time/{id}"),
            id,
            elems,
            timex_type,
            action,
            args,
            check: Check::default(),
            next: None,
            first_span: None,
            num_next: None,
            word_next: None,
            word_next_plain: None,
        })
    }

    /// Builds the first-token index of the rules.
    /// The words an element can start with, and the digit counts of numbers it can start at
    /// (bit n: n digits; bit 4: four or more).
    fn element_keys(&self, elem: &Elem, class_words: &[Vec<String>], out: &mut Vec<String>) -> u32 {
        let words_of = |name: &str| {
            self.class(name)
                .map(|c| class_words[c as usize].clone())
                .unwrap_or_default()
        };
        let mut numeric = 0u32;
        for alt in &elem.alts {
            match alt {
                Alt::Lit(w, _) if !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit()) => {
                    numeric |= 1 << w.len().min(4);
                }
                Alt::Lit(w, _) => out.push(w.clone()),
                Alt::Not(_) | Alt::ClauseStart | Alt::ClauseEnd | Alt::Prev(_) => {}
                Alt::Class(c) => out.extend(class_words[*c as usize].iter().cloned()),
                Alt::Builtin(b) => {
                    numeric |= match b {
                        Builtin::Year | Builtin::Decade => 1 << 4,
                        Builtin::Num | Builtin::Ord => 0b1110,
                        Builtin::Day | Builtin::Month2 | Builtin::Clock => 0b110,
                        Builtin::Int => u32::MAX,
                    };
                    match b {
                        Builtin::Num | Builtin::Year => {
                            if *b == Builtin::Year {
                                out.push("'".into());
                            }
                            for c in ["numword", "tens", "ordinal"] {
                                out.extend(words_of(c));
                            }
                        }
                        Builtin::Day | Builtin::Ord => out.extend(words_of("ordinal")),
                        Builtin::Decade => out.push("'".into()),
                        _ => {}
                    }
                }
            }
        }
        numeric
    }

    /// The tokens that can start an alternative of `elem`, or `None` when that is not known
    /// (a zero-width alternative, or a key word without a vocabulary id).
    fn first_token_check(&self, elem: &Elem, class_words: &[Vec<String>]) -> Option<Check> {
        if elem.alts.iter().any(|a| {
            matches!(
                a,
                Alt::Not(_) | Alt::ClauseStart | Alt::ClauseEnd | Alt::Prev(_)
            )
        }) {
            return None;
        }
        let mut words = Vec::new();
        let numeric = self.element_keys(elem, class_words, &mut words);
        let mut bits = vec![0u64; self.entries.len().div_ceil(64)];
        for w in &words {
            let id = *self.vocab.get(w)?;
            bits[id as usize / 64] |= 1 << (id % 64);
        }
        Some(Check {
            lead: 0,
            bits,
            numeric,
        })
    }

    /// Builds the first-token index of the rules and each rule's quick check.
    fn index(&mut self) -> Result<(), RuleError> {
        let class_words: Vec<Vec<String>> = (0..self.class_names.len() as u16)
            .map(|c| self.words_of(c).map(str::to_string).collect())
            .collect();
        let mut trigger: HashMap<String, Vec<u16>> = HashMap::new();
        let mut lead_trigger: HashMap<String, Vec<u16>> = HashMap::new();
        let mut numeric = Vec::new();
        let mut required: Vec<(usize, Vec<String>, u32)> = Vec::new();
        let mut seconds: Vec<Option<(usize, Vec<String>, u32)>> = Vec::new();
        for (ri, rule) in self.rules.iter().enumerate() {
            let mut lead = 0;
            let mut closed = false;
            for elem in &rule.elems {
                let mut words = Vec::new();
                let num = self.element_keys(elem, &class_words, &mut words);
                let zero_width = elem.alts.iter().all(|a| {
                    matches!(
                        a,
                        Alt::Not(_) | Alt::ClauseStart | Alt::ClauseEnd | Alt::Prev(_)
                    )
                });
                let required_here = !elem.optional && !zero_width;
                for w in &words {
                    let map = if required_here {
                        &mut trigger
                    } else {
                        &mut lead_trigger
                    };
                    map.entry(w.clone()).or_default().push(ri as u16);
                }
                if num != 0 && numeric.last() != Some(&(ri as u16)) {
                    numeric.push(ri as u16);
                }
                if !elem.optional && !zero_width {
                    required.push((lead, words, num));
                    closed = true;
                    break;
                }
                if !zero_width {
                    lead += 1;
                }
            }
            if !closed {
                return Err(syntax(
                    0,
                    format!("rule {} has only optional elements", rule.id),
                ));
            }
            // the keys of what may follow a required first element
            let first_required = rule
                .elems
                .first()
                .is_some_and(|e| !e.optional && !is_zero_width(e));
            let mut second = None;
            if first_required {
                let (mut lead, mut words, mut num) = (0, Vec::new(), 0);
                for elem in rule.elems.iter().skip(1) {
                    if is_zero_width(elem) {
                        continue;
                    }
                    num |= self.element_keys(elem, &class_words, &mut words);
                    if !elem.optional {
                        second = Some((lead, words, num));
                        break;
                    }
                    lead += 1;
                }
            }
            seconds.push(second);
        }
        // a word that can start a rule directly need not be tried again as its optional lead
        for (w, rules) in lead_trigger.iter_mut() {
            if let Some(direct) = trigger.get(w) {
                rules.retain(|r| !direct.contains(r));
            }
        }
        for v in trigger.values_mut().chain(lead_trigger.values_mut()) {
            v.sort_unstable();
            v.dedup();
        }
        for word in trigger
            .keys()
            .chain(lead_trigger.keys())
            .cloned()
            .collect::<Vec<_>>()
        {
            self.intern_word(&word);
        }
        let literals: Vec<String> = self
            .rules
            .iter()
            .flat_map(|r| r.elems.iter().flat_map(|e| e.alts.iter()))
            .filter_map(|a| match a {
                Alt::Lit(w, _) => Some(w.clone()),
                _ => None,
            })
            .collect();
        for word in &literals {
            self.intern_word(word);
        }
        self.max_word = self.vocab.keys().map(String::len).max().unwrap_or(0);
        self.table = WordTable::build(&self.vocab);
        self.filter = vec![0u64; FILTER_BITS / 64];
        for w in self.vocab.keys() {
            let bit = filter_bit(w.as_bytes());
            self.filter[bit / 64] |= 1 << (bit % 64);
        }
        self.trigger = vec![Vec::new(); self.entries.len()];
        for (word, rules) in trigger {
            if let Some(&id) = self.vocab.get(&word) {
                self.trigger[id as usize] = rules;
            }
        }
        let vocab = &self.vocab;
        for rule in &mut self.rules {
            for elem in &mut rule.elems {
                for alt in &mut elem.alts {
                    if let Alt::Lit(w, id) = alt {
                        *id = vocab.get(w.as_str()).copied().unwrap_or(NO_ID);
                    }
                }
            }
        }
        let n = self.entries.len();
        for (rule, (lead, words, num)) in self.rules.iter_mut().zip(required) {
            let mut bits = vec![0u64; n.div_ceil(64)];
            for w in &words {
                if let Some(&id) = self.vocab.get(w) {
                    bits[id as usize / 64] |= 1 << (id % 64);
                }
            }
            rule.check = Check {
                lead,
                bits,
                numeric: num,
            };
        }
        let max_word_span =
            |rule: &Rule, entries: &[Vec<Entry>], vocab: &WordMap<u32>| -> Option<usize> {
                let mut span = 1;
                for alt in &rule.elems.first()?.alts {
                    match alt {
                        Alt::Lit(..) => {}
                        Alt::Class(c) => {
                            let dotted = vocab.values().any(|id| {
                                entries[*id as usize]
                                    .iter()
                                    .any(|e| e.class == *c && e.dotted)
                            });
                            if dotted {
                                span = span.max(2);
                            }
                        }
                        _ => return None,
                    }
                }
                Some(span)
            };
        for (ri, second) in seconds.into_iter().enumerate() {
            let span = max_word_span(&self.rules[ri], &self.entries, &self.vocab);
            let rule = &mut self.rules[ri];
            rule.first_span = span;
            rule.next = second.map(|(lead, words, num)| {
                let mut bits = vec![0u64; n.div_ceil(64)];
                for w in &words {
                    if let Some(&id) = self.vocab.get(w) {
                        bits[id as usize / 64] |= 1 << (id % 64);
                    }
                }
                Check {
                    lead,
                    bits,
                    numeric: num,
                }
            });
        }
        // a rule starting at a number: only when nothing before its first required element can
        // take a number, that element starts at the number and the next required one must follow
        for ri in 0..self.rules.len() {
            let mut num_next = None;
            let mut word_next = None;
            let elems = &self.rules[ri].elems;
            let first = elems.iter().position(|e| !e.optional && !is_zero_width(e));
            let lead_free = first.is_some_and(|f| {
                elems[..f].iter().all(|e| {
                    is_zero_width(e) || self.element_keys(e, &class_words, &mut Vec::new()) == 0
                })
            });
            // the tokens the first required element can take (None when an optional element
            // before it can take one of its words): a number word reads one token, two for a
            // dotted class word; when the word is not a number word (`plain`), a built-in takes
            // at most three tokens ('90s)
            let first_span = |f: usize, plain: bool| -> Option<usize> {
                let mut own = Vec::new();
                self.element_keys(&elems[f], &class_words, &mut own);
                let mut before = Vec::new();
                for e in &elems[..f] {
                    self.element_keys(e, &class_words, &mut before);
                }
                if own.iter().any(|w| before.contains(w)) {
                    return None;
                }
                let mut span = 1;
                for a in &elems[f].alts {
                    match a {
                        Alt::Lit(..) => {}
                        Alt::Class(c) => {
                            let dotted = self.vocab.values().any(|id| {
                                self.entries[*id as usize]
                                    .iter()
                                    .any(|e| e.class == *c && e.dotted)
                            });
                            if dotted {
                                span = span.max(2);
                            }
                        }
                        Alt::Builtin(_) if plain => span = span.max(3),
                        Alt::Builtin(
                            Builtin::Day | Builtin::Ord | Builtin::Int | Builtin::Month2,
                        ) => {}
                        _ => return None,
                    }
                }
                Some(span)
            };
            let word_span = first.and_then(|f| first_span(f, false));
            let plain_span = first.and_then(|f| first_span(f, true));
            let mut word_next_plain = None;
            if let Some(f) = first {
                let (mut lead, mut words, mut num) = (0, Vec::new(), 0);
                for elem in &elems[f + 1..] {
                    if is_zero_width(elem) {
                        continue;
                    }
                    num |= self.element_keys(elem, &class_words, &mut words);
                    if !elem.optional {
                        let mut bits = vec![0u64; n.div_ceil(64)];
                        for w in &words {
                            if let Some(&id) = self.vocab.get(w) {
                                bits[id as usize / 64] |= 1 << (id % 64);
                            }
                        }
                        let check = Check {
                            lead,
                            bits,
                            numeric: num,
                        };
                        word_next = word_span.map(|span| (span, check.clone()));
                        word_next_plain = plain_span.map(|span| (span, check));
                        break;
                    }
                    lead += 1;
                }
            }
            if let (Some(f), true) = (first, lead_free) {
                let span = elems[f]
                    .alts
                    .iter()
                    .map(|a| match a {
                        Alt::Builtin(
                            Builtin::Num | Builtin::Int | Builtin::Year | Builtin::Month2,
                        )
                        | Alt::Lit(..) => 1,
                        Alt::Builtin(Builtin::Day | Builtin::Ord | Builtin::Decade) => 2,
                        Alt::Builtin(Builtin::Clock) => 3,
                        _ => 0,
                    })
                    .max()
                    .unwrap_or(0);
                let (mut lead, mut words, mut num) = (0, Vec::new(), 0);
                for elem in &elems[f + 1..] {
                    if is_zero_width(elem) {
                        continue;
                    }
                    num |= self.element_keys(elem, &class_words, &mut words);
                    if !elem.optional {
                        let mut bits = vec![0u64; n.div_ceil(64)];
                        for w in &words {
                            if let Some(&id) = self.vocab.get(w) {
                                bits[id as usize / 64] |= 1 << (id % 64);
                            }
                        }
                        num_next = Some((
                            span,
                            Check {
                                lead,
                                bits,
                                numeric: num,
                            },
                        ));
                        break;
                    }
                    lead += 1;
                }
            }
            self.rules[ri].num_next = num_next.filter(|(span, _)| *span > 0);
            self.rules[ri].word_next = word_next;
            self.rules[ri].word_next_plain = word_next_plain;
        }
        self.lead_trigger = vec![(Vec::new(), Check::default()); self.entries.len()];
        for (word, rules) in lead_trigger {
            let Some(&id) = self.vocab.get(&word) else {
                continue;
            };
            let mut union = Check {
                lead: 0,
                bits: vec![0u64; n.div_ceil(64)],
                numeric: 0,
            };
            for &r in &rules {
                let c = &self.rules[r as usize].check;
                union.lead = union.lead.max(c.lead);
                union.numeric |= c.numeric;
                for (u, b) in union.bits.iter_mut().zip(&c.bits) {
                    *u |= b;
                }
            }
            self.lead_trigger[id as usize] = (rules, union);
        }
        // the token keys a check accepts at the next token
        let next_keys = |c: &Check| -> Vec<u32> {
            let mut keys: Vec<u32> = (0..n as u32).filter(|&id| c.accepts(id, 0)).collect();
            keys.extend(
                (1..5)
                    .filter(|&d| c.accepts(NO_ID, d))
                    .map(|d| token_key(NO_ID, d)),
            );
            keys
        };
        let mut pairs: HashMap<u64, Vec<u16>, BuildHasherDefault<Fnv>> = HashMap::default();
        for d in 1..5 {
            let mut far = Vec::new();
            for r in numeric.iter().copied().filter(|&r| {
                let c = &self.rules[r as usize].check;
                c.lead > 0 || c.numeric & (1 << d) != 0
            }) {
                match &self.rules[r as usize].num_next {
                    Some((span, c)) if span + c.lead == 1 => {
                        for k in next_keys(c) {
                            pairs
                                .entry(pair_key(token_key(NO_ID, d), k))
                                .or_default()
                                .push(r);
                        }
                        self.pair_num[d] = true;
                    }
                    _ => far.push(r),
                }
            }
            self.numeric_by_len[d] = far;
        }
        self.numeric = numeric;
        let number_classes: Vec<u16> = ["numword", "tens", "scale"]
            .iter()
            .filter_map(|c| self.class(c))
            .collect();
        self.number_word = self
            .entries
            .iter()
            .map(|es| es.iter().any(|e| number_classes.contains(&e.class)))
            .collect();
        self.gated = vec![(Vec::new(), Check::default()); self.entries.len()];
        self.pair_first = vec![false; self.entries.len()];
        for id in 0..self.trigger.len() {
            let numword = self.number_word[id];
            let (gated, free): (Vec<u16>, Vec<u16>) = self.trigger[id]
                .iter()
                .partition(|&&r| self.rules[r as usize].word_gate(numword).is_some());
            if gated.is_empty() {
                continue;
            }
            // rules that test the very next token only go to `pairs`
            let (near, gated): (Vec<u16>, Vec<u16>) = gated.into_iter().partition(|&r| {
                self.rules[r as usize]
                    .word_gate(numword)
                    .is_some_and(|(span, c)| span + c.lead == 1)
            });
            for &r in &near {
                if let Some((_, c)) = self.rules[r as usize].word_gate(numword) {
                    for k in next_keys(c) {
                        pairs.entry(pair_key(id as u32, k)).or_default().push(r);
                    }
                }
            }
            self.pair_first[id] = !near.is_empty();
            let mut union = Check {
                lead: 0,
                bits: vec![0u64; n.div_ceil(64)],
                numeric: 0,
            };
            for &r in &gated {
                if let Some((span, c)) = self.rules[r as usize].word_gate(numword) {
                    union.lead = union.lead.max(span + c.lead);
                    union.numeric |= c.numeric;
                    for (u, b) in union.bits.iter_mut().zip(&c.bits) {
                        *u |= b;
                    }
                }
            }
            self.trigger[id] = free;
            self.gated[id] = (gated, union);
        }
        // each element's first-token test: at a token none of its alternatives can start at,
        // the matcher tries none of them
        let firsts: Vec<Vec<Option<Check>>> = self
            .rules
            .iter()
            .map(|rule| {
                rule.elems
                    .iter()
                    .map(|elem| self.first_token_check(elem, &class_words))
                    .collect()
            })
            .collect();
        for (rule, firsts) in self.rules.iter_mut().zip(firsts) {
            for (elem, first) in rule.elems.iter_mut().zip(firsts) {
                elem.first = first;
            }
        }
        for v in pairs.values_mut() {
            v.sort_unstable();
            v.dedup();
        }
        self.pairs = pairs;
        self.starts = (0..self.entries.len())
            .map(|id| {
                !self.trigger[id].is_empty()
                    || !self.gated[id].0.is_empty()
                    || !self.lead_trigger[id].0.is_empty()
                    || self.pair_first[id]
            })
            .collect();
        // the slot of tokens without an id
        self.starts.push(false);
        Ok(())
    }
}
