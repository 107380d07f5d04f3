//! The built-in lexicons (`data/events/*.tsv`), trigger patterns and English inflection.

use std::hash::{BuildHasherDefault, Hasher};

/// A fast hash for the short word keys of the lexicons: eight bytes per multiply.
#[derive(Debug, Clone, Copy, Default)]
pub struct WordHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl WordHasher {
    #[inline]
    fn mix(&mut self, w: u64) {
        self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(SEED);
    }
}

impl Hasher for WordHasher {
    #[inline]
    fn finish(&self) -> u64 {
        // Spread the high bits down: the table uses both ends of the hash.
        self.0 ^ (self.0 >> 29)
    }
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = 0u64;
            for (k, b) in c.iter().enumerate() {
                w |= u64::from(*b) << (8 * k);
            }
            self.mix(w);
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            // The remaining bytes little-endian, read four, two and one at a time.
            let mut w = (rest.len() as u64) << 59;
            let mut shift = 0;
            let mut r = rest;
            if let [a, b, c, d, tail @ ..] = r {
                w |= u64::from(u32::from_le_bytes([*a, *b, *c, *d]));
                shift = 32;
                r = tail;
            }
            if let [a, b, tail @ ..] = r {
                w |= u64::from(u16::from_le_bytes([*a, *b])) << shift;
                shift += 16;
                r = tail;
            }
            if let [a, ..] = r {
                w |= u64::from(*a) << shift;
            }
            self.mix(w);
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.mix(u64::from(i));
    }
}

/// A hash map keyed by words.
pub type HashMap<K, V> = std::collections::HashMap<K, V, BuildHasherDefault<WordHasher>>;

/// Longest word kept inline in a [`FlagTable`] slot.
const PACKED: usize = 16;

/// The first [`PACKED`] bytes of a word as two little-endian words, zero-padded, and whether
/// they hold a hyphen.
#[inline]
fn pack(word: &[u8]) -> ([u64; 2], bool) {
    let (mut lo, mut hi) = (0u64, 0u64);
    let mut hyphen = false;
    for (k, &b) in word.iter().take(PACKED).enumerate() {
        if k < 8 {
            lo |= u64::from(b) << (8 * k);
        } else {
            hi |= u64::from(b) << (8 * (k - 8));
        }
        hyphen |= b == b'-';
    }
    ([lo, hi], hyphen)
}

/// The word of `len` (at most [`PACKED`]) bytes at the start of `window` (at least 16 bytes;
/// the bytes past the word are masked off), packed as [`pack`] does, with two loads.
#[inline]
fn pack_window(window: &[u8; 16], len: usize) -> ([u64; 2], bool) {
    let mut lo = [0u8; 8];
    let mut hi = [0u8; 8];
    lo.copy_from_slice(&window[..8]);
    hi.copy_from_slice(&window[8..]);
    // The low `n` bytes (all for `n >= 8`), without a branch on the length.
    let keep = |n: usize| ((1u128 << (8 * n.min(8))) - 1) as u64;
    let lo = u64::from_le_bytes(lo) & keep(len);
    let hi = u64::from_le_bytes(hi) & keep(len.saturating_sub(8));
    // Whether a byte is a hyphen: a zero byte of `x ^ 0x2d2d..` (masked bytes are 0, not 0x2d).
    const ONES: u64 = 0x0101_0101_0101_0101;
    let has_hyphen = |v: u64| {
        let x = v ^ (ONES * u64::from(b'-'));
        x.wrapping_sub(ONES) & !x & (ONES << 7) != 0
    };
    ([lo, hi], has_hyphen(lo) | has_hyphen(hi))
}

/// One slot of a [`FlagTable`]: the packed word, its length, its flags and its kinds.
#[derive(Debug, Clone, Copy)]
struct Slot {
    key: [u64; 2],
    /// The word's length; [`EMPTY`] for a free slot (no word is that long).
    len: u8,
    flags: u8,
    kinds: u8,
}

/// The length mark of a free [`Slot`].
const EMPTY: u8 = u8::MAX;

impl Default for Slot {
    fn default() -> Self {
        Slot {
            key: [0; 2],
            len: EMPTY,
            flags: 0,
            kinds: 0,
        }
    }
}

/// Most evictions one insertion into a [`FlagTable`] makes before the table grows.
const MAX_KICKS: usize = 64;

/// The flags of the words of at most 16 bytes, in a two-choice (cuckoo) table whose slots
/// hold the words themselves: a word is in one of the two slots its hash names, so a lookup
/// reads both and compares them without a branch on the outcome (whether a token is a known
/// word is something the processor cannot predict), and follows no pointer. The table stays
/// at most a quarter full.
#[derive(Debug, Clone, Default)]
pub struct FlagTable {
    slots: Vec<Slot>,
    mask: usize,
    filled: usize,
}

impl FlagTable {
    /// The two slots a packed word may occupy.
    #[inline]
    fn homes(&self, key: [u64; 2], len: usize) -> (usize, usize) {
        // The full 128-bit product, folded: every byte of the word reaches every bit (the low
        // half alone would leave the slot to the first bytes, and inflected forms of one verb
        // would pile up in one run of slots).
        let x = key[0] ^ key[1].rotate_left(29) ^ ((len as u64) << 59);
        let p = u128::from(x ^ SEED.rotate_left(17)) * u128::from(SEED);
        let h = (p as u64) ^ ((p >> 64) as u64);
        ((h as usize) & self.mask, ((h >> 32) as usize) & self.mask)
    }

    /// The flags of `word`; `None` when the word is not in the table or is too long for it.
    #[inline]
    pub fn get(&self, word: &str) -> Option<u8> {
        let w = word.as_bytes();
        if w.len() > PACKED {
            return None;
        }
        self.position(pack(w).0, w.len())
            .and_then(|at| self.slots.get(at))
            .map(|s| s.flags)
    }

    /// The flags and the kinds (`KIND_*`) of the word of `len` bytes packed as `key`, both 0
    /// for a word not in the table.
    #[inline]
    fn find(&self, key: [u64; 2], len: usize) -> (u8, u8) {
        let (a, b) = self.homes(key, len);
        let (Some(sa), Some(sb)) = (self.slots.get(a), self.slots.get(b)) else {
            return (0, 0);
        };
        let hit = |s: &Slot| {
            // All-ones when `s` holds the word, else zero: no branch on the comparison.
            let same = (usize::from(s.len) == len) & (s.key[0] == key[0]) & (s.key[1] == key[1]);
            u8::from(same).wrapping_neg()
        };
        let (ma, mb) = (hit(sa), hit(sb));
        (
            (sa.flags & ma) | (sb.flags & mb),
            (sa.kinds & ma) | (sb.kinds & mb),
        )
    }

    /// The slot holding the word of `len` bytes packed as `key`.
    fn position(&self, key: [u64; 2], len: usize) -> Option<usize> {
        if self.slots.is_empty() {
            return None;
        }
        let (a, b) = self.homes(key, len);
        [a, b].into_iter().find(|&at| {
            self.slots
                .get(at)
                .is_some_and(|s| usize::from(s.len) == len && s.key == key)
        })
    }

    /// Sets the flags of `word` (ignored when it is longer than 16 bytes).
    pub fn set(&mut self, word: &str, flags: u8) {
        self.update(word, |s| s.flags = flags);
    }

    /// Adds `kinds` (`KIND_*` bits) to those of `word` (ignored when it is longer than 16
    /// bytes).
    fn add_kinds(&mut self, word: &str, kinds: u8) {
        self.update(word, |s| s.kinds |= kinds);
    }

    /// Applies `change` to the slot of `word`, made empty first when the word is new.
    fn update(&mut self, word: &str, change: impl FnOnce(&mut Slot)) {
        let w = word.as_bytes();
        if w.len() > PACKED {
            return;
        }
        let key = pack(w).0;
        if let Some(at) = self.position(key, w.len())
            && let Some(s) = self.slots.get_mut(at)
        {
            change(s);
            return;
        }
        let mut slot = Slot {
            key,
            len: w.len() as u8,
            flags: 0,
            kinds: 0,
        };
        change(&mut slot);
        if (self.filled + 1) * 4 > self.slots.len() {
            self.grow();
        }
        self.place(slot);
    }

    /// Puts a new word's `slot` in the table, moving the words in its way to their other
    /// slot; grows the table when that goes on too long.
    fn place(&mut self, mut slot: Slot) {
        loop {
            let (a, _) = self.homes(slot.key, usize::from(slot.len));
            let mut at = a;
            for _ in 0..MAX_KICKS {
                let (a, b) = self.homes(slot.key, usize::from(slot.len));
                // Prefer a free home; else take `at` and move its word to its other home.
                for home in [a, b] {
                    if self.slots.get(home).is_some_and(|s| s.len == EMPTY) {
                        self.slots[home] = slot;
                        self.filled += 1;
                        return;
                    }
                }
                let Some(s) = self.slots.get_mut(at) else {
                    break;
                };
                slot = std::mem::replace(s, slot);
                let (a, b) = self.homes(slot.key, usize::from(slot.len));
                at = if a == at { b } else { a };
            }
            // Too many moves: a larger table, then try again with the word left over.
            self.grow();
        }
    }

    /// Doubles the table (at least 64 slots) and puts every word back.
    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(64);
        let old = std::mem::replace(&mut self.slots, vec![Slot::default(); size]);
        self.mask = size - 1;
        self.filled = 0;
        for slot in old.into_iter().filter(|s| s.len != EMPTY) {
            self.place(slot);
        }
    }

    /// A table of the words of `map`.
    fn from_map(map: &HashMap<String, u8>) -> FlagTable {
        let mut t = FlagTable::default();
        for (w, f) in map {
            t.set(w, *f);
        }
        t
    }
}

const PLOVER: &str = include_str!("../../../data/events/plover.tsv");
const IRREGULAR: &str = include_str!("../../../data/events/irregular.tsv");
const TRIGGERS: &str = include_str!("../../../data/events/triggers.tsv");
const CUES: &str = include_str!("../../../data/events/cues.tsv");

/// One PLOVER event type and how it behaves.
#[derive(Debug, Clone)]
pub struct EventType {
    /// The PLOVER name (`ASSAULT`).
    pub name: String,
    /// PLOVER quad code 1..=4.
    pub quad: u8,
    /// The type a future or hypothetical form of this event is coded as.
    pub future_as: String,
    /// The default two-digit CAMEO root.
    pub cameo_root: String,
    /// Party default: `domestic`, `reciprocal` or empty.
    pub parties: String,
}

/// One element of a pattern: a choice of token sequences, or a gap.
#[derive(Debug, Clone, PartialEq)]
pub enum PTok {
    /// Any one of these token sequences (each at least one token).
    Alt(Vec<Vec<String>>),
    /// Up to this many arbitrary tokens (no clause punctuation).
    Gap(usize),
    /// An actor mention (after optional determiners) filling a role of the event.
    Slot(Role),
    /// One to this many arbitrary tokens (a skipped phrase, no clause punctuation).
    Skip(usize),
}

/// The role an actor slot of a dictionary pattern fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The source (`$`).
    Source,
    /// The target (`+`).
    Target,
    /// Both: a compound whose members act on each other (`%`).
    Compound,
}

/// Where a trigger rule came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The built-in lexicon.
    Builtin,
    /// A PETRARCH/TABARI verb dictionary.
    Dictionary,
}

/// A trigger rule: head word forms, tokens before and after the head, and the coding.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Stable rule id.
    pub id: String,
    /// The forms the head token may take (lower case).
    pub heads: Vec<String>,
    /// Tokens that must follow the head, in order.
    pub post: Vec<PTok>,
    /// Tokens that must precede the head, nearest last.
    pub pre: Vec<PTok>,
    /// PLOVER event.
    pub event: String,
    /// PLOVER modes.
    pub mode: Vec<String>,
    /// PLOVER contexts.
    pub context: Vec<String>,
    /// CAMEO code.
    pub cameo: String,
    /// Source is the speaker of the reporting frame around the trigger.
    pub speaker: bool,
    /// In a passive without agent, the subject is the source.
    pub passive_source: bool,
    /// An intention ("decided to", "ready to"): the complement's event is coded, as future.
    pub intent: bool,
    /// A directive ("ordered"): the complement's event is coded, as is.
    pub delegate: bool,
    /// The head is a noun (`~n`): preferred after a determiner, not after a subject.
    pub noun: bool,
    /// Literal tokens in the pattern beyond the head (specificity).
    pub weight: usize,
    /// Where the rule came from.
    pub origin: Origin,
    /// In a dictionary pattern, the source is marked before the verb (`$ *`).
    pub source_before: bool,
}

/// Cue words by kind.
#[derive(Debug, Default, Clone)]
pub struct Cues {
    /// Modality cue phrases (token sequences) and their modality.
    pub modal: Vec<(Vec<String>, String)>,
    /// Reporting verbs and their stance.
    pub report: HashMap<String, String>,
    /// Attribution marker phrases and their role (outer / inner / none).
    pub according: Vec<(Vec<String>, String)>,
    /// Source-type words in priority order.
    pub source: Vec<(Vec<String>, String)>,
    /// Indices into `source` by the phrase's first word.
    pub source_first: HashMap<String, Vec<usize>>,
    /// Prepositions and their role.
    pub prep: HashMap<String, String>,
    /// Clause boundary words and their kind.
    pub boundary: HashMap<String, String>,
    /// Passive auxiliaries.
    pub passive: Vec<String>,
    /// Determiners skipped before an actor.
    pub skip: Vec<String>,
    /// Number words.
    pub number: HashMap<String, u64>,
    /// Multipliers (hundred, thousand...).
    pub multiplier: HashMap<String, u64>,
    /// Vague quantity phrases and their conservative value.
    pub vague: Vec<(Vec<String>, u64)>,
    /// Approximator phrases.
    pub approx: Vec<Vec<String>>,
    /// Unit nouns and their class.
    pub unit: HashMap<String, String>,
    /// Casualty words and their category.
    pub casualty: HashMap<String, String>,
    /// Outlet-credit phrases.
    pub credit: Vec<Vec<String>>,
    /// Carrier nouns ("message of X").
    pub carrier: Vec<String>,
    /// Nouns after which a trigger noun is only a modifier ("aid groups").
    pub modifier: Vec<String>,
    /// For each word that starts a cue phrase, the kinds it may start ([`START_MODAL`], ...).
    pub starts: HashMap<String, u8>,
}

/// A modality cue may start here.
pub const START_MODAL: u8 = 1;
/// An approximator may start here.
pub const START_APPROX: u8 = 2;
/// A vague quantity may start here.
pub const START_VAGUE: u8 = 4;
/// An attribution marker may start here.
pub const START_ACCORDING: u8 = 8;
/// An outlet credit phrase may start here.
pub const START_CREDIT: u8 = 16;
/// The word is a reporting verb.
pub const WORD_REPORT: u8 = 32;
/// The word is the head of a trigger rule.
pub const WORD_HEAD: u8 = 64;
/// The word is a number word.
pub const WORD_NUMBER: u8 = 128;

/// Kinds of a word: what lists of [`Cues`] hold it (so that a word in none of them is not
/// looked up in each). A clause boundary word (a key of [`Cues::boundary`]).
pub const KIND_BOUNDARY: u8 = 1;
/// A preposition (a key of [`Cues::prep`]).
pub const KIND_PREP: u8 = 2;
/// A determiner skipped before an actor ([`Cues::skip`]).
pub const KIND_SKIP: u8 = 4;
/// A passive auxiliary ([`Cues::passive`]).
pub const KIND_PASSIVE: u8 = 8;
/// A noun after which a trigger noun is a modifier ([`Cues::modifier`]).
pub const KIND_MODIFIER: u8 = 16;
/// A casualty word (a key of [`Cues::casualty`]).
pub const KIND_CASUALTY: u8 = 32;
/// A unit noun (a key of [`Cues::unit`]).
pub const KIND_UNIT: u8 = 64;
/// Hard punctuation ([`HARD`]): a clause or phrase ends there.
pub const KIND_HARD: u8 = 128;

/// Hard punctuation: semicolons, colons, parentheses, dashes and quotes.
pub const HARD: &[&str] = &[";", ":", "(", ")", "—", "–", "\"", "“", "”"];

/// Everything the coder loads at start-up.
#[derive(Debug, Clone)]
pub struct Lexicon {
    /// PLOVER types by name.
    pub types: HashMap<String, EventType>,
    /// Trigger rules.
    pub rules: Vec<Rule>,
    /// Rule indices by head form.
    pub by_head: HashMap<String, Vec<usize>>,
    /// What each known word may be: cue starts (`START_*`) and `WORD_*` bits.
    pub word_flags: HashMap<String, u8>,
    /// `word_flags` for the words of up to 16 bytes, for the per-token lookup; kept in step by
    /// [`Lexicon::add`] and the word index.
    fast_flags: FlagTable,
    /// The first bytes of the words of `word_flags` and of the words with kinds, as a bit set:
    /// a word starting with any other byte has no flags and no kinds.
    first_bytes: [u64; 4],
    /// The kinds (`KIND_*`) of the words longer than the flag table holds.
    long_kinds: HashMap<String, u8>,
    /// The kinds of the empty word (what lists hold `""`), for keys out of range.
    empty_kinds: u8,
    /// Indices into [`Cues::modal`] by the phrase's first word, in list order.
    modal_first: HashMap<String, Vec<usize>>,
    /// Cue words.
    pub cues: Cues,
    /// Irregular verb forms by lemma.
    pub irregular: HashMap<String, Vec<String>>,
    /// Irregular forms other than the third person singular (pasts, participles, -ing).
    pub irregular_past: std::collections::HashSet<String, BuildHasherDefault<WordHasher>>,
}

fn words(s: &str) -> Vec<String> {
    s.split_whitespace().map(str::to_string).collect()
}

fn data_lines(text: &str) -> impl Iterator<Item = Vec<&str>> {
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map(|l| l.split('\t').map(str::trim).collect())
}

fn is_vowel(c: u8) -> bool {
    matches!(c, b'a' | b'e' | b'i' | b'o' | b'u')
}

/// The regular and irregular forms of an English verb lemma (the lemma included).
pub fn verb_forms(lemma: &str, irregular: &HashMap<String, Vec<String>>) -> Vec<String> {
    let mut out = vec![lemma.to_string()];
    if let Some(forms) = irregular.get(lemma) {
        out.extend(forms.iter().cloned());
        return dedup(out);
    }
    let b = lemma.as_bytes();
    let n = b.len();
    if n == 0 {
        return out;
    }
    let last = b[n - 1];
    // Third person singular.
    if lemma.ends_with('s')
        || lemma.ends_with("sh")
        || lemma.ends_with("ch")
        || lemma.ends_with('x')
        || lemma.ends_with('z')
        || lemma.ends_with('o')
    {
        out.push(format!("{lemma}es"));
    } else if last == b'y' && n > 1 && !is_vowel(b[n - 2]) {
        out.push(format!("{}ies", &lemma[..n - 1]));
    } else {
        out.push(format!("{lemma}s"));
    }
    // Past and -ing.
    if last == b'e' {
        out.push(format!("{lemma}d"));
        if lemma.ends_with("ee") {
            out.push(format!("{lemma}ing"));
        } else if lemma.ends_with("ie") {
            out.push(format!("{}ying", &lemma[..n - 2]));
        } else {
            out.push(format!("{}ing", &lemma[..n - 1]));
        }
    } else if last == b'y' && n > 1 && !is_vowel(b[n - 2]) {
        out.push(format!("{}ied", &lemma[..n - 1]));
        out.push(format!("{lemma}ing"));
    } else {
        out.push(format!("{lemma}ed"));
        out.push(format!("{lemma}ing"));
        // Consonant-vowel-consonant: also the doubled forms (ban -> banned, commit -> committed).
        if n >= 3
            && !is_vowel(last)
            && !matches!(last, b'w' | b'x' | b'y')
            && is_vowel(b[n - 2])
            && !is_vowel(b[n - 3])
        {
            let c = last as char;
            out.push(format!("{lemma}{c}ed"));
            out.push(format!("{lemma}{c}ing"));
        }
        if last == b'c' {
            out.push(format!("{lemma}ked"));
            out.push(format!("{lemma}king"));
        }
    }
    dedup(out)
}

/// The singular and plural of a noun.
pub fn noun_forms(noun: &str) -> Vec<String> {
    let b = noun.as_bytes();
    let n = b.len();
    let plural = if noun.ends_with('s')
        || noun.ends_with("sh")
        || noun.ends_with("ch")
        || noun.ends_with('x')
    {
        format!("{noun}es")
    } else if n > 1 && b[n - 1] == b'y' && !is_vowel(b[n - 2]) {
        format!("{}ies", &noun[..n - 1])
    } else {
        format!("{noun}s")
    };
    vec![noun.to_string(), plural]
}

fn dedup(mut v: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    v.retain(|x| seen.insert(x.clone()));
    v
}

/// Expands one token of the built-in pattern syntax (`a~v|b~n|c d`) into alternatives.
fn expand_alt(tok: &str, irregular: &HashMap<String, Vec<String>>) -> Vec<Vec<String>> {
    let mut alts = Vec::new();
    for alt in tok.split('|') {
        if let Some(lemma) = alt.strip_suffix("~v") {
            for f in verb_forms(lemma, irregular) {
                alts.push(vec![f]);
            }
        } else if let Some(noun) = alt.strip_suffix("~n") {
            for f in noun_forms(noun) {
                alts.push(vec![f]);
            }
        } else {
            alts.push(vec![alt.to_string()]);
        }
    }
    alts
}

/// Parses a built-in pattern into head forms and the tokens after it.
fn parse_pattern(
    pattern: &str,
    irregular: &HashMap<String, Vec<String>>,
) -> Option<(Vec<String>, Vec<PTok>, usize)> {
    let mut toks = pattern.split_whitespace();
    let head = toks.next()?;
    let heads: Vec<String> = expand_alt(head, irregular)
        .into_iter()
        .filter_map(|mut a| a.pop())
        .collect();
    let mut post = Vec::new();
    let mut weight = 0;
    for t in toks {
        if let Some(n) = t.strip_prefix('*') {
            post.push(PTok::Gap(n.parse().unwrap_or(4)));
        } else {
            weight += 1;
            post.push(PTok::Alt(expand_alt(t, irregular)));
        }
    }
    Some((heads, post, weight))
}

impl Lexicon {
    /// Loads the built-in lexicons.
    pub fn builtin() -> Lexicon {
        let mut irregular: HashMap<String, Vec<String>> = HashMap::default();
        for cols in data_lines(IRREGULAR) {
            if let (Some(lemma), Some(forms)) = (cols.first(), cols.get(1)) {
                irregular.insert(lemma.to_string(), words(forms));
            }
        }
        let mut types: HashMap<String, EventType> = HashMap::default();
        for cols in data_lines(PLOVER) {
            if cols.len() < 5 {
                continue;
            }
            types.insert(
                cols[0].to_string(),
                EventType {
                    name: cols[0].to_string(),
                    quad: cols[1].parse().unwrap_or(0),
                    future_as: cols[3].to_string(),
                    cameo_root: cols[4].to_string(),
                    parties: cols
                        .get(5)
                        .map(|p| p.trim_matches('-').to_string())
                        .unwrap_or_default(),
                },
            );
        }
        let irregular_past = irregular
            .values()
            .flat_map(|f| f.iter().skip(1).cloned())
            .collect();
        let mut lex = Lexicon {
            types,
            rules: Vec::new(),
            by_head: HashMap::default(),
            word_flags: HashMap::default(),
            fast_flags: FlagTable::default(),
            first_bytes: [0; 4],
            long_kinds: HashMap::default(),
            empty_kinds: 0,
            modal_first: HashMap::default(),
            cues: load_cues(),
            irregular,
            irregular_past,
        };
        for cols in data_lines(TRIGGERS) {
            let get = |i: usize| cols.get(i).copied().unwrap_or("");
            let Some((heads, post, weight)) = parse_pattern(get(0), &lex.irregular) else {
                continue;
            };
            if !lex.types.contains_key(get(1)) {
                continue;
            }
            let flags = get(5);
            let id = format!(
                "events/lexicon/{}/{}",
                get(1).to_lowercase(),
                get(0)
                    .replace("~v", "")
                    .replace("~n", "")
                    .replace(" * ", "_")
                    .replace(' ', "_")
                    .replace('|', "+")
            );
            lex.add(Rule {
                id,
                heads,
                post,
                pre: Vec::new(),
                event: get(1).to_string(),
                mode: split_list(get(2)),
                context: split_list(get(3)),
                cameo: get(4).to_string(),
                speaker: flags.contains("speaker"),
                passive_source: flags.contains("passive_source"),
                intent: flags.contains("intent"),
                delegate: flags.contains("delegate"),
                noun: get(0)
                    .split_whitespace()
                    .next()
                    .is_some_and(|h| h.ends_with("~n")),
                weight,
                origin: Origin::Builtin,
                source_before: false,
            });
        }
        lex.index_words();
        lex
    }

    /// Adds a rule and indexes its head forms.
    pub fn add(&mut self, rule: Rule) {
        let idx = self.rules.len();
        for h in &rule.heads {
            self.by_head.entry(h.clone()).or_default().push(idx);
            let f = self.word_flags.entry(h.clone()).or_default();
            *f |= WORD_HEAD;
            self.fast_flags.set(h, *f);
            self.note_first_byte(h);
        }
        self.rules.push(rule);
    }

    /// Rebuilds `word_flags` from the cues and the trigger heads.
    fn index_words(&mut self) {
        let mut f: HashMap<String, u8> = HashMap::default();
        for (w, bits) in &self.cues.starts {
            *f.entry(w.clone()).or_default() |= *bits;
        }
        for w in self.cues.report.keys() {
            *f.entry(w.clone()).or_default() |= WORD_REPORT;
        }
        for w in self.cues.number.keys() {
            *f.entry(w.clone()).or_default() |= WORD_NUMBER;
        }
        for w in self.by_head.keys() {
            *f.entry(w.clone()).or_default() |= WORD_HEAD;
        }
        self.fast_flags = FlagTable::from_map(&f);
        self.first_bytes = [0; 4];
        for w in f.keys() {
            self.note_first_byte(w);
        }
        let mut kinds: HashMap<String, u8> = HashMap::default();
        {
            let cues = &self.cues;
            let mut mark = |w: &String, k: u8| *kinds.entry(w.clone()).or_default() |= k;
            cues.boundary.keys().for_each(|w| mark(w, KIND_BOUNDARY));
            cues.prep.keys().for_each(|w| mark(w, KIND_PREP));
            cues.skip.iter().for_each(|w| mark(w, KIND_SKIP));
            cues.passive.iter().for_each(|w| mark(w, KIND_PASSIVE));
            cues.modifier.iter().for_each(|w| mark(w, KIND_MODIFIER));
            cues.casualty.keys().for_each(|w| mark(w, KIND_CASUALTY));
            cues.unit.keys().for_each(|w| mark(w, KIND_UNIT));
            HARD.iter().for_each(|w| mark(&(*w).to_string(), KIND_HARD));
        }
        self.modal_first.clear();
        for (i, (phrase, _)) in self.cues.modal.iter().enumerate() {
            if let Some(w) = phrase.first() {
                self.modal_first.entry(w.clone()).or_default().push(i);
            }
        }
        self.long_kinds.clear();
        self.empty_kinds = kinds.get("").copied().unwrap_or(0);
        for (w, k) in kinds {
            self.note_first_byte(&w);
            if w.len() > PACKED {
                self.long_kinds.insert(w, k);
            } else {
                self.fast_flags.add_kinds(&w, k);
            }
        }
        if self.cues.number.contains_key("") {
            // An empty number word would make "-five" a number: no byte can be ruled out.
            self.first_bytes = [u64::MAX; 4];
        }
        self.word_flags = f;
    }

    /// Adds the first byte of `word` to `first_bytes`.
    fn note_first_byte(&mut self, word: &str) {
        if let Some(&b) = word.as_bytes().first()
            && let Some(bits) = self.first_bytes.get_mut(usize::from(b >> 6))
        {
            *bits |= 1 << (b & 63);
        }
    }

    /// The flags of a word (`START_*` and `WORD_*` bits).
    #[inline]
    pub fn flags(&self, word: &str) -> u8 {
        let w = word.as_bytes();
        let (f, hyphen) = if w.len() <= PACKED {
            let (key, hyphen) = pack(w);
            (Some(self.fast_flags.find(key, w.len()).0), hyphen)
        } else {
            (self.word_flags.get(word).copied(), w.contains(&b'-'))
        };
        self.number_flag(word, f.unwrap_or(0), hyphen)
    }

    /// [`Lexicon::flags`] of the word `keys[start..end]`; with 16 bytes or more from `start`
    /// on (what follows the word is ignored), a short word is read with two loads.
    #[inline]
    pub fn flags_at(&self, keys: &str, start: usize, end: usize) -> u8 {
        self.flags_kinds_at(keys, start, end).0
    }

    /// [`Lexicon::flags_at`] and the word's kinds (`KIND_*`): what cue lists hold it.
    #[inline]
    pub fn flags_kinds_at(&self, keys: &str, start: usize, end: usize) -> (u8, u8) {
        let len = end.wrapping_sub(start);
        let tail = keys.as_bytes().get(start..).unwrap_or(&[]);
        match tail.first_chunk::<16>() {
            Some(chunk) if len <= PACKED => {
                let (key, hyphen) = pack_window(chunk, len);
                let (f, k) = self.fast_flags.find(key, len);
                let f = if f & WORD_NUMBER == 0 && hyphen {
                    keys.get(start..end).map_or(f, |w| self.hyphen_number(w, f))
                } else {
                    f
                };
                // A word whose first byte starts no known word (punctuation, digits) has no
                // flags and no kinds: masked rather than tested, as the lookup is.
                let b = chunk[0];
                let known =
                    len == 0 || self.first_bytes[usize::from(b >> 6)] & (1 << (b & 63)) != 0;
                let m = u8::from(known).wrapping_neg();
                (f & m, k & m)
            }
            _ => keys
                .get(start..end)
                .map_or((0, 0), |w| (self.flags(w), self.kinds(w))),
        }
    }

    /// The indices of the modality cue phrases ([`Cues::modal`]) whose first word is `word`,
    /// in list order.
    pub fn modal_starting(&self, word: &str) -> &[usize] {
        self.modal_first.get(word).map_or(&[], Vec::as_slice)
    }

    /// The kinds (`KIND_*`) of a word: which cue lists hold it.
    pub fn kinds(&self, word: &str) -> u8 {
        if word.is_empty() {
            return self.empty_kinds;
        }
        if word.len() <= PACKED {
            self.fast_flags.find(pack(word.as_bytes()).0, word.len()).1
        } else {
            self.long_kinds.get(word).copied().unwrap_or(0)
        }
    }

    /// `flags` with [`WORD_NUMBER`] added for a hyphenated number ("twenty-five").
    #[inline]
    fn number_flag(&self, word: &str, f: u8, hyphen: bool) -> u8 {
        if f & WORD_NUMBER == 0 && hyphen {
            self.hyphen_number(word, f)
        } else {
            f
        }
    }

    #[cold]
    #[inline(never)]
    fn hyphen_number(&self, word: &str, f: u8) -> u8 {
        if word.split('-').all(|p| self.cues.number.contains_key(p)) {
            f | WORD_NUMBER
        } else {
            f
        }
    }

    /// Removes every built-in trigger rule (to code with dictionaries only).
    pub fn clear_builtin_rules(&mut self) {
        let rules = std::mem::take(&mut self.rules);
        self.by_head.clear();
        self.index_words();
        for r in rules.into_iter().filter(|r| r.origin != Origin::Builtin) {
            self.add(r);
        }
    }
}

fn split_list(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect()
}

fn load_cues() -> Cues {
    let mut c = Cues::default();
    for cols in data_lines(CUES) {
        let kind = cols.first().copied().unwrap_or("");
        let w = cols.get(1).copied().unwrap_or("");
        let v = cols.get(2).copied().unwrap_or("").to_string();
        match kind {
            "modal" => c.modal.push((words(w), v)),
            "report" => {
                c.report.insert(w.to_string(), v);
            }
            "according" => c.according.push((words(w), v)),
            "source" => c.source.push((words(w), v)),
            "prep" => {
                c.prep.insert(w.to_string(), v);
            }
            "boundary" => {
                c.boundary.insert(w.to_string(), v);
            }
            "passive" => c.passive.push(w.to_string()),
            "skip" => c.skip.push(w.to_string()),
            "number" => {
                c.number.insert(w.to_string(), v.parse().unwrap_or(0));
            }
            "multiplier" => {
                c.multiplier.insert(w.to_string(), v.parse().unwrap_or(1));
            }
            "vague" => c.vague.push((words(w), v.parse().unwrap_or(0))),
            "approx" => c.approx.push(words(w)),
            "unit" => {
                c.unit.insert(w.to_string(), v);
            }
            "casualty" => {
                c.casualty.insert(w.to_string(), v);
            }
            "credit" => c.credit.push(words(w)),
            "carrier" => c.carrier.push(w.to_string()),
            "modifier" => c.modifier.push(w.to_string()),
            _ => {}
        }
    }
    let mut starts: HashMap<String, u8> = HashMap::default();
    let mut mark = |phrase: &[String], bit: u8| {
        if let Some(w) = phrase.first() {
            *starts.entry(w.clone()).or_default() |= bit;
        }
    };
    for (p, _) in &c.modal {
        mark(p, START_MODAL);
    }
    for p in &c.approx {
        mark(p, START_APPROX);
    }
    for (p, _) in &c.vague {
        mark(p, START_VAGUE);
    }
    for (p, _) in &c.according {
        mark(p, START_ACCORDING);
    }
    for p in &c.credit {
        mark(p, START_CREDIT);
    }
    c.starts = starts;
    for (i, (p, _)) in c.source.iter().enumerate() {
        if let Some(w) = p.first() {
            c.source_first.entry(w.clone()).or_default().push(i);
        }
    }
    // Longest phrases first so that "at least" wins over "at".
    c.vague.sort_by_key(|v| std::cmp::Reverse(v.0.len()));
    c.approx.sort_by_key(|a| std::cmp::Reverse(a.len()));
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flag_table_answers_as_a_map_does() {
        // Made-up words of every length up to the table's limit, with flags and kinds, many
        // enough to make the table grow and move words between their two slots.
        let words: Vec<String> = (0..5000u32)
            .map(|i| {
                let len = 1 + (i as usize * 7) % PACKED;
                (0..len)
                    .map(|k| char::from(b'a' + ((i as usize * 31 + k * 17) % 26) as u8))
                    .collect()
            })
            .collect();
        let mut table = FlagTable::default();
        let mut flags: HashMap<String, u8> = HashMap::default();
        let mut kinds: HashMap<String, u8> = HashMap::default();
        for (i, w) in words.iter().enumerate() {
            if i % 3 != 0 {
                table.set(w, (i % 251) as u8 | 1);
                flags.insert(w.clone(), (i % 251) as u8 | 1);
            }
            if i % 5 == 0 {
                table.add_kinds(w, (i % 7) as u8 + 1);
                *kinds.entry(w.clone()).or_default() |= (i % 7) as u8 + 1;
            }
        }
        for w in words
            .iter()
            .chain([&"zzzzzzzzzzzzzzzz".to_string(), &"q".to_string()])
        {
            let (f, k) = table.find(pack(w.as_bytes()).0, w.len());
            assert_eq!(f, flags.get(w).copied().unwrap_or(0), "{w}");
            assert_eq!(k, kinds.get(w).copied().unwrap_or(0), "{w}");
            assert_eq!(
                table.get(w),
                flags.get(w).copied().or(kinds.get(w).map(|_| 0)),
                "{w}"
            );
        }
        // Setting flags keeps a word's kinds.
        let w = &words[0];
        table.set(w, 2);
        assert_eq!(table.find(pack(w.as_bytes()).0, w.len()), (2, kinds[w]));
    }

    #[test]
    fn inflects_regular_and_irregular_verbs() {
        let irr = Lexicon::builtin().irregular;
        let f = verb_forms("ban", &irr);
        assert!(
            f.contains(&"banned".to_string()) && f.contains(&"bans".to_string()),
            "{f:?}"
        );
        let f = verb_forms("deny", &irr);
        assert!(
            f.contains(&"denied".to_string()) && f.contains(&"denies".to_string()),
            "{f:?}"
        );
        let f = verb_forms("seize", &irr);
        assert!(
            f.contains(&"seized".to_string()) && f.contains(&"seizing".to_string()),
            "{f:?}"
        );
        let f = verb_forms("meet", &irr);
        assert!(f.contains(&"met".to_string()), "{f:?}");
        assert_eq!(noun_forms("rally"), vec!["rally", "rallies"]);
    }

    #[test]
    fn flags_read_from_a_padded_buffer_match_the_word_lookup() {
        let lex = Lexicon::builtin();
        // Every known word, hyphenated numbers, a word of exactly 8 and 16 bytes, a longer one,
        // and words that are not in the table; each followed by other text, then padding.
        let mut words: Vec<String> = lex.word_flags.keys().cloned().collect();
        words.sort();
        words.extend(
            [
                "twenty-five",
                "forty-two-x",
                "abcdefgh",
                "abcdefghijklmnop",
                "-",
                "",
                "counter-insurgency-operations",
                "zzz",
                "x-ray",
                "été",
                "said-",
            ]
            .map(String::from),
        );
        let mut marked = 0;
        for w in &words {
            for tail in ["", "s", " and more words", "-nine"] {
                let keys = format!("{w}{tail}                ");
                let f = lex.flags_at(&keys, 0, w.len());
                assert_eq!(f, lex.flags(w), "{w:?} followed by {tail:?}");
                marked += usize::from(f != 0);
                // Without padding the lookup falls back to the same answer.
                let bare = format!("{w}{tail}");
                assert_eq!(lex.flags_at(&bare, 0, w.len()), lex.flags(w), "{w:?}");
            }
        }
        assert!(marked >= 4 * lex.word_flags.len());
        assert!(lex.flags_at("twenty-five                ", 0, 11) & WORD_NUMBER != 0);
        assert_eq!(lex.flags_at("said", 2, 1), 0);
    }

    #[test]
    fn word_flags_mark_reports_heads_and_numbers() {
        let lex = Lexicon::builtin();
        assert!(lex.flags("said") & WORD_REPORT != 0);
        assert!(lex.flags("summoned") & WORD_HEAD != 0);
        assert!(lex.flags("twenty-five") & WORD_NUMBER != 0);
        assert!(lex.flags("five") & WORD_NUMBER != 0);
        assert_eq!(lex.flags("xylophone"), 0);
        assert!(lex.irregular_past.contains("met"));
    }

    #[test]
    fn the_flag_table_agrees_with_the_word_flags() {
        let mut lex = Lexicon::builtin();
        lex.add(Rule {
            heads: vec!["outflanked".into(), "an-unusually-long-head-form".into()],
            ..lex.rules[0].clone()
        });
        assert!(lex.word_flags.len() > 64);
        for (w, f) in &lex.word_flags {
            assert_eq!(lex.flags(w) & !WORD_NUMBER, *f & !WORD_NUMBER, "{w}");
        }
        assert!(lex.flags("outflanked") & WORD_HEAD != 0);
        assert!(lex.flags("an-unusually-long-head-form") & WORD_HEAD != 0);
        for w in ["", "x", "saidx", "sai", "unknownwordsixteen", "a\0"] {
            assert_eq!(lex.flags(w), 0, "{w:?}");
        }
    }

    #[test]
    fn builtin_lexicon_covers_all_sixteen_types() {
        let lex = Lexicon::builtin();
        assert_eq!(lex.types.len(), 16);
        for t in lex.types.keys() {
            assert!(
                lex.rules.iter().any(|r| &r.event == t),
                "no trigger for {t}"
            );
        }
        assert!(lex.by_head.contains_key("summoned"));
        assert_eq!(
            lex.cues.report.get("said").map(String::as_str),
            Some("reported")
        );
    }
}
