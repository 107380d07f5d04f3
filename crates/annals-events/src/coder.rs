//! The event coder: triggers, arguments, frames, modality, quantities, dates and places.

use crate::dictionary::VerbDictionary;
use crate::lexicon::{
    KIND_BOUNDARY, KIND_CASUALTY, KIND_HARD, KIND_MODIFIER, KIND_PASSIVE, KIND_PREP, KIND_SKIP,
    KIND_UNIT, Lexicon, PTok, Role, Rule, START_ACCORDING, START_APPROX, START_CREDIT, START_MODAL,
    START_VAGUE, WORD_HEAD, WORD_NUMBER, WORD_REPORT,
};
use crate::text::{Tokens, tokenize};
use crate::{
    ActorView, AttributionLink, Event, EventDate, EventLoc, Evidence, Modality, Party, PlaceView,
    Quantity, SourceKind, TimeRef, TimeView,
};
use annals_document::{Document, Sentence, Span};
use std::cell::RefCell;

/// Codes events from a document's sentences and the earlier stages' findings.
#[derive(Debug, Clone)]
pub struct EventCoder {
    lex: Lexicon,
    keep_unmapped: bool,
}

impl Default for EventCoder {
    fn default() -> Self {
        EventCoder::new()
    }
}

/// A trigger found in a sentence.
#[derive(Debug, Clone)]
struct Trig {
    rule: usize,
    future: bool,
    reach: usize,
    head: usize,
    first: usize,
    last: usize, // exclusive
    binds: Binds,
}

/// A reporting frame: who says what, and over which tokens.
#[derive(Debug, Clone)]
struct Frame {
    verb: usize,
    scope: (usize, usize),
    links: Vec<AttributionLink>,
    stance: Modality,
    speaker_actor: Option<usize>,
    according: bool,
}

/// Actor mention local to a sentence, in token indices.
#[derive(Debug, Clone, Copy)]
struct LocalActor {
    idx: usize,
    first: usize,
    last: usize,
}

/// Per-sentence buffers kept between sentences.
#[derive(Debug, Default)]
struct Scratch {
    flags: Vec<u16>,
    actor_at: Vec<Option<usize>>,
    time_at: Vec<Option<usize>>,
    skipped: Vec<bool>,
    local: Vec<LocalActor>,
    events: Vec<Event>,
    /// The allocation of the per-sentence key list, kept empty between sentences.
    keys: Vec<&'static str>,
}

thread_local! {
    static TOKENS: RefCell<(Tokens, Scratch)> = RefCell::new((Tokens::default(), Scratch::default()));
}

/// Appended to a sentence's keys: every key is then followed by at least 16 bytes.
const KEY_PADDING: &str = "                ";

/// The actors a dictionary pattern's slots (`$ + %`) matched, as local actor indices.
#[derive(Debug, Clone, Copy, Default)]
struct Binds {
    source: Option<usize>,
    target: Option<usize>,
    compound: Option<usize>,
    /// The first token after the verb, and which of the next 64 tokens are pattern words.
    base: usize,
    words: u64,
}

impl Binds {
    fn set(&mut self, role: Role, li: usize) {
        match role {
            Role::Source => self.source = Some(li),
            Role::Target => self.target = Some(li),
            Role::Compound => self.compound = Some(li),
        }
    }
}

/// Whether `k` is a determiner: a word that may stand between an actor slot of a pattern and
/// its actor.
#[inline]
fn is_determiner(k: &str) -> bool {
    matches!(k, "the" | "a" | "an" | "its" | "their" | "his" | "her")
}

/// Whether two (short) words are equal, compared in line rather than by a library call.
#[inline]
fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

impl EventCoder {
    /// A coder with the built-in lexicons.
    pub fn new() -> EventCoder {
        EventCoder {
            lex: Lexicon::builtin(),
            keep_unmapped: false,
        }
    }

    /// Also emits events for dictionary codes that have no PLOVER type (CAMEO 01 statements,
    /// other code schemes), with an empty `event`; off by default.
    pub fn keep_unmapped(&mut self, keep: bool) {
        self.keep_unmapped = keep;
    }

    /// Adds the patterns of a PETRARCH/TABARI verb dictionary; with `replace`, the built-in
    /// triggers are dropped and only dictionaries code events.
    pub fn add_dictionary(&mut self, dict: &VerbDictionary, replace: bool) {
        if replace {
            self.lex.clear_builtin_rules();
        }
        for rule in dict.rules(&self.lex) {
            self.lex.add(rule);
        }
    }

    /// The loaded lexicon.
    pub fn lexicon(&self) -> &Lexicon {
        &self.lex
    }

    /// Codes every sentence of a document.
    pub fn code<T, P, A>(
        &self,
        text: &str,
        sentences: &[Sentence],
        times: &T,
        places: &[P],
        actors: &[A],
        document: &Document,
    ) -> Vec<Event>
    where
        T: TimeView + ?Sized,
        P: PlaceView,
        A: ActorView,
    {
        let exprs = times.expressions();
        // Indices sorted by start, so that each sentence finds its findings by binary search.
        let actor_ix = Sorted::new(actors.iter().map(ActorView::span));
        let place_ix = Sorted::new(places.iter().map(PlaceView::span));
        let expr_ix = Sorted::new(exprs.iter().map(|e| e.span));
        let mut credit: Vec<AttributionLink> = Vec::new();
        let doc_date = document.date.map(|d| d.to_string());
        let mut events = TOKENS.with(|cell| {
            let (toks, scratch) = &mut *cell.borrow_mut();
            // Events are gathered in a buffer kept between documents, then moved to a vector
            // of their exact number: no chain of reallocations of these large records.
            let mut events = std::mem::take(&mut scratch.events);
            events.clear();
            for (si, sentence) in sentences.iter().enumerate() {
                toks.clear();
                tokenize(text, sentence.span.start, sentence.span.end, toks);
                if toks.is_empty() {
                    continue;
                }
                // Padding after the last key, so that each key can be read 16 bytes at a time.
                toks.keys.push_str(KEY_PADDING);
                let mut flags = std::mem::take(&mut scratch.flags);
                flags.clear();
                flags.extend(toks.toks.iter().map(|t| {
                    let (f, k) = self.lex.flags_kinds_at(&toks.keys, t.key_start, t.key_end);
                    u16::from(f) | (u16::from(k) << 8)
                }));
                // Without a trigger word a sentence codes nothing; a short one may still credit
                // an outlet.
                let wanted = if toks.len() > 12 {
                    WORD_HEAD
                } else {
                    WORD_HEAD | START_CREDIT
                };
                if !flags.iter().any(|f| f & u16::from(wanted) != 0) {
                    scratch.flags = flags;
                    continue;
                }
                let mut keys = reuse(std::mem::take(&mut scratch.keys));
                keys.extend(
                    toks.toks
                        .iter()
                        .map(|t| toks.keys.get(t.key_start..t.key_end).unwrap_or("")),
                );
                let found = Found {
                    actors: actor_ix.within(sentence.span),
                    places: place_ix.within(sentence.span),
                    exprs: expr_ix.within(sentence.span),
                };
                let mut ctx = SentCtx::new(
                    self,
                    text,
                    toks,
                    sentence.span,
                    actors,
                    places,
                    &exprs,
                    found,
                    flags,
                    keys,
                    scratch,
                );
                if let Some(link) = ctx.credit() {
                    credit.push(link);
                } else {
                    // Clause marks are needed only once the sentence has a trigger.
                    let trigs = ctx.triggers();
                    if !trigs.is_empty() {
                        ctx.mark_skipped();
                        ctx.code(
                            trigs,
                            &mut events,
                            || times.narrative(si),
                            doc_date.as_deref(),
                        );
                    }
                }
                ctx.recycle(scratch);
            }
            let mut out = Vec::with_capacity(events.len());
            out.append(&mut events);
            scratch.events = events;
            out
        });
        if let Some(outlet) = document.outlet.as_deref().filter(|o| !o.is_empty())
            && credit.is_empty()
        {
            credit.push(AttributionLink {
                text: outlet.to_string(),
                kind: SourceKind::Media,
                span: Span::new(0, 0),
                rule: "events/attribution/outlet_metadata".into(),
            });
        }
        if actors.iter().any(|a| !a.other_codes().is_empty()) {
            events = events
                .into_iter()
                .flat_map(|e| spread_codes(e, actors))
                .collect();
        }
        for (n, e) in events.iter_mut().enumerate() {
            if !credit.is_empty() {
                let mut chain = credit.clone();
                chain.retain(|c| !e.attribution.iter().any(|a| a.text == c.text));
                chain.append(&mut e.attribution);
                e.attribution = chain;
            }
            let prefix = document.id.get(..12).unwrap_or(&document.id);
            let mut id = String::with_capacity(prefix.len() + 8);
            id.push_str(prefix);
            id.push_str("-e");
            push_number(&mut id, n + 1);
            e.id = id;
        }
        events
    }
}

/// An empty list of string slices of any lifetime in the allocation of `v` (collected in
/// place: the element types have the same layout, so no new buffer is allocated).
fn reuse<'b>(mut v: Vec<&str>) -> Vec<&'b str> {
    v.clear();
    v.into_iter().map(|_| "").collect()
}

/// The strings of `parts` one after the other.
fn concat(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len()).sum());
    for p in parts {
        out.push_str(p);
    }
    out
}

/// Appends the decimal digits of `n` to `out`.
fn push_number(out: &mut String, n: usize) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut v = n;
    loop {
        at -= 1;
        digits[at] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    for &d in &digits[at..] {
        out.push(char::from(d));
    }
}

/// Most events one event is spread into over actors with several codes.
const MAX_SPREAD: usize = 32;

/// The codes a party stands for: its own, then each further code of the actor it comes from
/// put in place of that actor's code.
fn party_codes<A: ActorView>(p: &Party, actors: &[A]) -> Vec<String> {
    let mut out = vec![p.code.clone()];
    for a in actors.iter().filter(|a| a.span() == p.span) {
        let own = a.code();
        for other in a.other_codes() {
            let code = match p.code.find(own) {
                Some(at) if !own.is_empty() => {
                    concat(&[&p.code[..at], other, &p.code[at + own.len()..]])
                }
                _ => continue,
            };
            if !out.contains(&code) {
                out.push(code);
            }
        }
    }
    out
}

/// One event per combination of codes when a party's actor has several codes
/// (`[A/B]` in a dictionary), each event naming one code per party.
fn spread_codes<A: ActorView>(event: Event, actors: &[A]) -> Vec<Event> {
    let mut out = vec![event];
    for side in 0..2 {
        let n = match side {
            0 => out[0].actor.len(),
            _ => out[0].recipient.len(),
        };
        for i in 0..n {
            let mut next = Vec::new();
            for e in &out {
                let parties = if side == 0 { &e.actor } else { &e.recipient };
                let Some(p) = parties.get(i) else {
                    next.push(e.clone());
                    continue;
                };
                let codes = party_codes(p, actors);
                for code in codes {
                    if next.len() >= MAX_SPREAD {
                        break;
                    }
                    let mut copy = e.clone();
                    let parties = if side == 0 {
                        &mut copy.actor
                    } else {
                        &mut copy.recipient
                    };
                    if let Some(q) = parties.get_mut(i)
                        && q.code != code
                    {
                        let (country, sector) = split_party_code(&code);
                        q.code = code;
                        q.country = country;
                        q.sector = sector;
                    }
                    next.push(copy);
                }
            }
            out = next;
        }
    }
    out
}

/// Country and sector of a code: the first three letters and the next three.
fn split_party_code(code: &str) -> (String, String) {
    (
        code.get(..3).unwrap_or("").to_string(),
        code.get(3..6).unwrap_or("").to_string(),
    )
}

/// Spans sorted by start, for range queries.
struct Sorted {
    order: Vec<(usize, usize)>,
    /// Where the last query's range began, and its span's start: a query for a later span
    /// (sentences come in text order) steps on from there instead of searching again.
    last: std::cell::Cell<(usize, usize)>,
}

impl Sorted {
    fn new(spans: impl Iterator<Item = Span>) -> Sorted {
        let mut order: Vec<(usize, usize)> = spans.enumerate().map(|(i, s)| (s.start, i)).collect();
        order.sort_unstable();
        Sorted {
            order,
            last: std::cell::Cell::new((0, 0)),
        }
    }

    /// The spans that start inside `span`, in text order, as `(start, index)`.
    fn within(&self, span: Span) -> &[(usize, usize)] {
        let (last_from, last_start) = self.last.get();
        let from = if span.start >= last_start {
            // Every entry before `last_from` starts before `last_start`, so before `span.start`.
            let mut from = last_from;
            while self.order.get(from).is_some_and(|(s, _)| *s < span.start) {
                from += 1;
            }
            from
        } else {
            self.order.partition_point(|(s, _)| *s < span.start)
        };
        self.last.set((from, span.start));
        let mut to = from;
        while self.order.get(to).is_some_and(|(s, _)| *s < span.end) {
            to += 1;
        }
        &self.order[from..to]
    }
}

/// The findings of one sentence, as indices into the document's lists.
struct Found<'a> {
    actors: &'a [(usize, usize)],
    places: &'a [(usize, usize)],
    exprs: &'a [(usize, usize)],
}

struct SentCtx<'a, A, P> {
    coder: &'a EventCoder,
    text: &'a str,
    t: &'a Tokens,
    span: Span,
    actors: &'a [A],
    places: &'a [P],
    local_places: &'a [(usize, usize)],
    local: Vec<LocalActor>,
    actor_at: Vec<Option<usize>>,
    time_at: Vec<Option<usize>>,
    times: Vec<(&'a TimeRef, usize, usize)>,
    skipped: Vec<bool>,
    /// Per token: the lexicon's flags for its key (`START_*`, `WORD_*`) in the low byte, its
    /// kinds (`KIND_*`) in the high byte.
    flags: Vec<u16>,
    /// Per token: its key.
    keys: Vec<&'a str>,
}

impl<'a, A: ActorView, P: PlaceView> SentCtx<'a, A, P> {
    #[allow(clippy::too_many_arguments)]
    fn new(
        coder: &'a EventCoder,
        text: &'a str,
        t: &'a Tokens,
        span: Span,
        actors: &'a [A],
        places: &'a [P],
        exprs: &'a [TimeRef],
        found: Found<'a>,
        flags: Vec<u16>,
        keys: Vec<&'a str>,
        scratch: &mut Scratch,
    ) -> Self {
        let n = t.len();
        let mut local = std::mem::take(&mut scratch.local);
        local.clear();
        let mut actor_at = std::mem::take(&mut scratch.actor_at);
        actor_at.clear();
        actor_at.resize(n, None);
        for &(_, idx) in found.actors {
            let Some(a) = actors.get(idx) else { continue };
            let s = a.span();
            if !span.overlaps(s) {
                continue;
            }
            if let Some((first, last)) = tok_range(t, s) {
                if actor_at[first..last].iter().any(Option::is_some) {
                    continue;
                }
                let li = local.len();
                local.push(LocalActor { idx, first, last });
                for slot in &mut actor_at[first..last] {
                    *slot = Some(li);
                }
            }
        }
        // "the European Union (EU)": a short parenthesis right after an actor belongs to it.
        for (li, la) in local.iter_mut().enumerate() {
            if t.key(la.last) != "(" {
                continue;
            }
            let close = (la.last + 2..(la.last + 5).min(n)).find(|&x| t.key(x) == ")");
            if let Some(close) = close
                && (la.last + 1..close).all(|x| t.toks.get(x).is_some_and(|k| k.word))
            {
                for slot in &mut actor_at[la.last..=close] {
                    *slot = Some(li);
                }
                la.last = close + 1;
            }
        }
        let mut time_at = std::mem::take(&mut scratch.time_at);
        time_at.clear();
        time_at.resize(n, None);
        let mut times = Vec::new();
        for &(_, ei) in found.exprs {
            let Some(e) = exprs.get(ei) else { continue };
            if !span.overlaps(e.span) {
                continue;
            }
            if let Some((first, last)) = tok_range(t, e.span) {
                let ti = times.len();
                times.push((e, first, last));
                for slot in &mut time_at[first..last] {
                    slot.get_or_insert(ti);
                }
            }
        }
        let local_places = found.places;
        SentCtx {
            coder,
            text,
            t,
            span,
            actors,
            places,
            local_places,
            local,
            actor_at,
            time_at,
            times,
            skipped: {
                let mut v = std::mem::take(&mut scratch.skipped);
                v.clear();
                v.resize(n, false);
                v
            },
            flags,
            keys,
        }
    }

    /// Hands the per-sentence buffers back for the next sentence.
    fn recycle(self, scratch: &mut Scratch) {
        scratch.keys = reuse(self.keys);
        scratch.flags = self.flags;
        scratch.actor_at = self.actor_at;
        scratch.time_at = self.time_at;
        scratch.skipped = self.skipped;
        scratch.local = self.local;
    }

    /// The key of token `i` (`""` out of range).
    #[inline]
    fn key(&self, i: usize) -> &'a str {
        self.keys.get(i).copied().unwrap_or("")
    }

    /// Whether the token keys from `at` on spell `phrase`.
    #[inline]
    fn phrase_at(&self, at: usize, phrase: &[String]) -> bool {
        !phrase.is_empty()
            && phrase
                .iter()
                .enumerate()
                .all(|(k, w)| same(self.key(at + k), w))
    }

    /// Whether a cue phrase of a kind (`START_*`) may start at token `i`.
    #[inline]
    fn starts(&self, i: usize, kind: u8) -> bool {
        self.flags.get(i).is_some_and(|f| f & u16::from(kind) != 0)
    }

    /// Whether the key of token `i` is in a cue list of `kind` (`KIND_*`); out of range, whether
    /// the empty key is.
    #[inline]
    fn is(&self, i: usize, kind: u8) -> bool {
        match self.flags.get(i) {
            Some(f) => (f >> 8) as u8 & kind != 0,
            None => self.coder.lex.kinds("") & kind != 0,
        }
    }

    /// The clause boundary kind of token `i` ([`Cues::boundary`]).
    ///
    /// [`Cues::boundary`]: crate::lexicon::Cues::boundary
    #[inline]
    fn boundary_at(&self, i: usize) -> Option<&str> {
        if self.is(i, KIND_BOUNDARY) {
            self.cues().boundary.get(self.key(i)).map(String::as_str)
        } else {
            None
        }
    }

    /// The role of token `i` as a preposition ([`Cues::prep`]).
    ///
    /// [`Cues::prep`]: crate::lexicon::Cues::prep
    #[inline]
    fn prep_at(&self, i: usize) -> Option<&str> {
        if self.is(i, KIND_PREP) {
            self.is_prep(self.key(i))
        } else {
            None
        }
    }

    /// The casualty category of token `x` ([`Cues::casualty`]).
    ///
    /// [`Cues::casualty`]: crate::lexicon::Cues::casualty
    #[inline]
    fn casualty_at(&self, x: usize) -> Option<&String> {
        if self.is(x, KIND_CASUALTY) {
            self.cues().casualty.get(self.key(x))
        } else {
            None
        }
    }

    /// The preposition role of the key of `b` (of the empty key when `None`), as
    /// `is_prep(b.map(key).unwrap_or(""))` gives it.
    #[inline]
    fn prep_of(&self, b: Option<usize>) -> Option<&str> {
        match b {
            Some(b) => self.prep_at(b),
            None => self.is_prep(""),
        }
    }

    /// Whether token `i` is a reporting verb.
    #[inline]
    fn report_at(&self, i: usize) -> bool {
        self.starts(i, WORD_REPORT)
    }

    fn cues(&self) -> &crate::lexicon::Cues {
        &self.coder.lex.cues
    }

    fn raw(&self, first: usize, last: usize) -> (&'a str, Span) {
        let (Some(a), Some(b)) = (
            self.t.toks.get(first),
            last.checked_sub(1).and_then(|l| self.t.toks.get(l)),
        ) else {
            return ("", Span::new(0, 0));
        };
        let sp = Span::new(a.start, b.end);
        (sp.slice(self.text), sp)
    }

    /// Marks relative clauses, parentheticals and "citing X" appositives between commas.
    #[inline(never)]
    fn mark_skipped(&mut self) {
        let n = self.t.len();
        let mut i = 0;
        while i < n {
            let k = self.key(i);
            let opens = (k == "," && {
                let next = self.key(i + 1);
                // ", a key ally of X," is an appositive.
                (matches!(next, "a" | "an") && i > 0 && self.actor_at[i - 1].is_some())
                    || self.boundary_at(i + 1).is_some_and(|v| v == "relative")
                    || self
                        .cues()
                        .according
                        .iter()
                        .any(|(w, r)| r == "inner" && w.first().is_some_and(|f| f == next))
            }) || k == "(";
            if opens {
                let close = if k == "(" { ")" } else { "," };
                let mut j = i + 1;
                while j < n && self.key(j) != close && !self.is(j, KIND_HARD) && self.key(j) != "."
                {
                    j += 1;
                }
                for s in &mut self.skipped[i + 1..j.min(n)] {
                    *s = true;
                }
                i = j;
            }
            i += 1;
        }
    }

    /// A sentence crediting an outlet for the whole article ("Outlet writes about it").
    #[inline(never)]
    fn credit(&self) -> Option<AttributionLink> {
        let n = self.t.len();
        if n > 12 {
            return None;
        }
        for phrase in &self.cues().credit {
            for start in 1..n {
                if !self.starts(start, START_CREDIT) {
                    continue;
                }
                if self.phrase_at(start, phrase) && start + phrase.len() + 1 >= n {
                    let (text, span) = self.raw(0, start);
                    if text.is_empty() || start > 6 {
                        continue;
                    }
                    return Some(AttributionLink {
                        text: text.to_string(),
                        kind: SourceKind::Media,
                        span,
                        rule: "events/attribution/outlet_credit".into(),
                    });
                }
            }
        }
        None
    }

    fn is_prep(&self, k: &str) -> Option<&str> {
        self.cues().prep.get(k).map(String::as_str)
    }

    /// The key of the token before `i`, skipping determiners.
    fn before(&self, i: usize) -> Option<usize> {
        let mut j = i;
        while j > 0 {
            j -= 1;
            if self.is(j, KIND_SKIP) {
                continue;
            }
            return Some(j);
        }
        None
    }

    /// Whether token `i` is a trigger head or a reporting verb (its flags, read once per token,
    /// say what a lookup of its key in `word_flags` would).
    #[inline]
    fn is_verbish(&self, i: usize) -> bool {
        self.starts(i, WORD_HEAD | WORD_REPORT)
    }

    // ---------------------------------------------------------------- frames

    #[inline(never)]
    fn frames(&self) -> Vec<Frame> {
        let n = self.t.len();
        let mut frames = Vec::new();
        for i in 0..n {
            // Only an attribution marker or a reporting verb opens a frame.
            if !self.starts(i, START_ACCORDING | WORD_REPORT) {
                continue;
            }
            let k = self.key(i);
            // "according to X"
            let according = if self.starts(i, START_ACCORDING) {
                self.cues().according.as_slice()
            } else {
                &[]
            };
            for (phrase, role) in according {
                if role != "outer" || !self.phrase_at(i, phrase) {
                    continue;
                }
                let s = i + phrase.len();
                let mut e = s;
                while e < n && !matches!(self.key(e), "," | "." | ";") && !self.is(e, KIND_HARD) {
                    e += 1;
                }
                if e > s {
                    let links = self.split_links(s, e, "events/attribution/according_to");
                    let scope_end = if i > 0 && self.key(i - 1) == "," {
                        i - 1
                    } else {
                        i
                    };
                    let scope = if s <= 2 { (e, n) } else { (0, scope_end) };
                    frames.push(Frame {
                        verb: i,
                        scope,
                        links,
                        stance: Modality::Reported,
                        speaker_actor: self.actor_in(s, e),
                        according: true,
                    });
                }
            }
            if !self.report_at(i) {
                continue;
            }
            let Some(stance) = self.cues().report.get(k) else {
                continue;
            };
            // "the United States", "Post": a capitalized word inside a name is no verb.
            if self.actor_at[i].is_some() || (i > 0 && self.t.toks[i].capital) {
                continue;
            }
            let stance = match stance.as_str() {
                "alleged" => Modality::Alleged,
                "denied" => Modality::Denied,
                _ => Modality::Reported,
            };
            // Not a frame: "was reported", "said to be".
            if i > 0 && self.is(i - 1, KIND_PASSIVE) {
                continue;
            }
            // Post-posed: "..., X said (on Thursday)." or inverted "..., said X."
            let mut after = i + 1;
            while after < n
                && (self.time_at[after].is_some()
                    || matches!(
                        self.key(after),
                        "." | "on" | "in" | "late" | "earlier" | "today" | "yesterday" | "!"
                    ))
            {
                after += 1;
            }
            // "..., an official said on Saturday.": a day name the time stage may not have marked.
            if after + 2 >= n
                && after < n
                && self.actor_at[after].is_none()
                && self.t.toks[after].capital
                && matches!(self.key(after - 1), "on" | "last" | "this")
            {
                after = n;
            }
            let comma_before = (0..i).rev().find(|&j| self.key(j) == ",");
            // A verb that is also an event trigger ("denied", "confirmed") frames a clause only
            // when one follows ("denied that", "denied, ...").
            let also_trigger = self.starts(i, WORD_HEAD);
            if also_trigger
                && after < n
                && !matches!(self.key(i + 1), "that" | "it" | "," | "\"" | "“")
            {
                continue;
            }
            if after >= n {
                if let Some(c) = comma_before
                    && c + 1 < i
                    && c > 0
                {
                    let links = self.split_links(c + 1, i, "events/attribution/postposed");
                    frames.push(Frame {
                        verb: i,
                        scope: (0, c),
                        links,
                        stance,
                        speaker_actor: self.actor_in(c + 1, i),
                        according: false,
                    });
                }
                continue;
            }
            if let Some(c) = comma_before.filter(|&c| c + 1 == i) {
                // ", said Foreign Minister X."
                let mut e = i + 1;
                while e < n && self.key(e) != "." && self.key(e) != "," && self.time_at[e].is_none()
                {
                    e += 1;
                }
                if e > i + 1 && e + 2 >= n && c > 0 && e - (i + 1) <= 6 && self.key(i + 1) != "that"
                {
                    let links = self.split_links(i + 1, e, "events/attribution/inverted");
                    frames.push(Frame {
                        verb: i,
                        scope: (0, c),
                        links,
                        stance,
                        speaker_actor: self.actor_in(i + 1, e),
                        according: false,
                    });
                    continue;
                }
            }
            // Pre-posed: "X said (that) ...", "X, citing Y, reported that ...", "X told Y that ...".
            let mut j = i;
            let mut inner: Vec<AttributionLink> = Vec::new();
            let mut seg_start;
            loop {
                seg_start = j;
                while seg_start > 0 {
                    let kk = self.key(seg_start - 1);
                    let quote = matches!(kk, "\"" | "“" | "”");
                    if kk == ","
                        || kk == "that"
                        || (self.is(seg_start - 1, KIND_HARD) && !quote)
                        || self.report_at(seg_start - 1)
                    {
                        break;
                    }
                    seg_start -= 1;
                }
                if seg_start == j && seg_start > 1 && self.key(seg_start - 1) == "," && j == i {
                    // "X, citing Y, reported": the comma right before the verb.
                    j = seg_start - 1;
                    continue;
                }
                let first = self.key(seg_start);
                let citing = self
                    .cues()
                    .according
                    .iter()
                    .any(|(w, r)| r == "inner" && w.first().is_some_and(|f| f == first));
                if citing && seg_start > 1 && self.key(seg_start - 1) == "," {
                    let phrase_len = self
                        .cues()
                        .according
                        .iter()
                        .find(|(w, _)| w.first().is_some_and(|f| f == first))
                        .map_or(1, |(w, _)| w.len());
                    let mut l =
                        self.split_links(seg_start + phrase_len, j, "events/attribution/citing");
                    l.append(&mut inner);
                    inner = l;
                    // Skip the comma(s) and continue with the segment before.
                    j = seg_start - 1;
                    if j > 0 && self.key(j - 1) == "," {
                        j -= 1;
                    }
                    continue;
                }
                break;
            }
            // Strip leading time expressions and adverbs from the speaker segment.
            let mut s = seg_start;
            while s < j
                && (self.time_at[s].is_some()
                    || matches!(self.key(s), "already" | "also" | "then" | "meanwhile"))
            {
                s += 1;
            }
            if s >= j {
                continue;
            }
            // Speaker must hold a noun: reject pure pronoun subjects only if nothing else.
            let mut links = self.split_links(s, j, "events/attribution/speaker");
            if links.is_empty() {
                continue;
            }
            // Complement: after the verb, skipping a hearer ("told X that").
            let mut c = i + 1;
            let mut hearer: Vec<AttributionLink> = Vec::new();
            if let Some(t) = (c..n.min(c + 8)).find(|&x| self.key(x) == "that")
                && t > c
                && (c..t).all(|x| self.key(x) != "," && !self.report_at(x))
            {
                if matches!(k, "told" | "tell" | "tells" | "informed") {
                    hearer = self.split_links(c, t, "events/attribution/hearer");
                }
                c = t + 1;
            }
            if c < n && self.key(c) == "that" {
                c += 1;
            }
            let mut chain = Vec::new();
            let hearer_media = hearer.iter().any(|h| h.kind == SourceKind::Media);
            if hearer_media {
                chain.append(&mut hearer);
            }
            chain.append(&mut links);
            chain.append(&mut inner);
            let speaker_actor = self.actor_in(s, j);
            frames.push(Frame {
                verb: i,
                scope: (c, n),
                links: chain,
                stance,
                speaker_actor,
                according: false,
            });
        }
        frames
    }

    fn actor_in(&self, s: usize, e: usize) -> Option<usize> {
        (s..e)
            .rev()
            .find_map(|x| self.actor_at.get(x).copied().flatten())
    }

    /// Splits a source noun phrase into attribution links.
    fn split_links(&self, s: usize, e: usize, rule: &'static str) -> Vec<AttributionLink> {
        let mut s = s;
        let mut e = e;
        // Leading function words go, but not the article of a name ("The Guardian").
        while s < e
            && (matches!(
                self.key(s),
                "a" | "an" | "," | "that" | "and" | "but" | "while"
            ) || (self.key(s) == "the"
                && !(self.t.toks[s].capital && self.t.toks.get(s + 1).is_some_and(|t| t.capital))))
        {
            s += 1;
        }
        while e > s && matches!(self.key(e - 1), "," | "." | "that") {
            e -= 1;
        }
        if s >= e {
            return Vec::new();
        }
        // Pronouns are not sources.
        if e - s == 1
            && matches!(
                self.key(s),
                "he" | "she" | "they" | "it" | "we" | "i" | "this"
            )
        {
            return Vec::new();
        }
        // "the message of X" -> X.
        if self.cues().carrier.iter().any(|c| same(c, self.key(s)))
            && let Some(of) = (s + 1..e).find(|&x| matches!(self.key(x), "of" | "by" | "from"))
        {
            return self.split_links(of + 1, e, rule);
        }
        let mut out = Vec::new();
        // A quoted outlet name before the rest: "'Outlet' sources".
        let q = self.key(s);
        if matches!(q, "\"" | "“" | "«" | "'")
            && let Some(close) = (s + 1..e).find(|&x| matches!(self.key(x), "\"" | "”" | "»" | "'"))
            && close + 1 < e
            && close > s + 1
        {
            let (text, span) = self.raw(s + 1, close);
            out.push(AttributionLink {
                text: text.to_string(),
                kind: SourceKind::Media,
                span,
                rule: concat(&[rule, "/quoted_outlet"]).into(),
            });
            out.extend(self.split_links(close + 1, e, rule));
            return out;
        }
        // "X on Facebook" -> X, Facebook.
        if let Some(on) = (s + 1..e).find(|&x| self.key(x) == "on")
            && on + 1 < e
        {
            let (tail, _) = self.raw(on + 1, e);
            if self.kind_of(tail, None) == SourceKind::SocialMedia {
                out.extend(self.split_links(s, on, rule));
                let (text, span) = self.raw(on + 1, e);
                out.push(AttributionLink {
                    text: text.to_string(),
                    kind: SourceKind::SocialMedia,
                    span,
                    rule: concat(&[rule, "/channel"]).into(),
                });
                return out;
            }
        }
        let (text, span) = self.raw(s, e);
        let actor = self
            .actor_in(s, e)
            .map(|li| &self.actors[self.local[li].idx]);
        let kind = self.kind_of(text, actor.map(|a| a.sector()));
        out.push(AttributionLink {
            text: text.to_string(),
            kind,
            span,
            rule: rule.into(),
        });
        out
    }

    fn kind_of(&self, text: &str, sector: Option<&str>) -> SourceKind {
        let lower = text.to_lowercase();
        let words: Vec<&str> = lower
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        // The first phrase in file order that occurs anywhere in the words.
        let cues = self.cues();
        let mut best: Option<usize> = None;
        for (i, w) in words.iter().enumerate() {
            let Some(cands) = cues.source_first.get(*w) else {
                continue;
            };
            for &c in cands {
                if best.is_some_and(|b| b <= c) {
                    break;
                }
                let phrase = &cues.source[c].0;
                if words
                    .get(i..i + phrase.len())
                    .is_some_and(|ws| ws.iter().zip(phrase).all(|(a, b)| a == b))
                {
                    best = Some(c);
                }
            }
        }
        if let Some((_, kind)) = best.and_then(|b| cues.source.get(b)) {
            return match kind.as_str() {
                "media" => SourceKind::Media,
                "official" => SourceKind::Official,
                "intelligence" => SourceKind::Intelligence,
                "anonymous" => SourceKind::Anonymous,
                "social_media" => SourceKind::SocialMedia,
                _ => SourceKind::Other,
            };
        }
        match sector {
            Some("SPY") => SourceKind::Intelligence,
            Some("GOV" | "MIL" | "COP" | "JUD" | "LEG") => SourceKind::Official,
            Some("MED") => SourceKind::Media,
            _ => SourceKind::Other,
        }
    }

    // ---------------------------------------------------------------- triggers

    fn match_seq(&self, at: usize, seq: &[String]) -> bool {
        seq.iter()
            .enumerate()
            .all(|(k, w)| same(self.key(at + k), w))
    }

    /// Matches `pat` forward from token `at`; returns the end token (exclusive). Actor slots
    /// matched on the way are recorded in `binds`.
    fn match_post(
        &self,
        at: usize,
        pat: &[PTok],
        limit: usize,
        binds: &mut Binds,
    ) -> Option<usize> {
        let Some((first, rest)) = pat.split_first() else {
            return Some(at);
        };
        match first {
            PTok::Gap(g) | PTok::Skip(g) => {
                let min = usize::from(matches!(first, PTok::Skip(_)));
                for skip in 0..=*g {
                    let p = at + skip;
                    if p > limit {
                        break;
                    }
                    if skip > 0 {
                        let k = self.key(p - 1);
                        if matches!(k, "," | "." | ";" | "(" | ")" | ":") {
                            break;
                        }
                    }
                    if skip < min || (min == 1 && !self.phrase_skip(at, p)) {
                        continue;
                    }
                    if let Some(e) = self.match_post(p, rest, limit, binds) {
                        return Some(e);
                    }
                }
                None
            }
            PTok::Slot(role) => {
                // Determiners and possessives may precede the actor.
                let mut p = at;
                while p < limit && p < at + 2 && is_determiner(self.key(p)) {
                    p += 1;
                }
                let li = self.actor_at.get(p).copied().flatten()?;
                let la = self.local[li];
                if la.first != p || la.last > limit {
                    return None;
                }
                let e = self.match_post(la.last, rest, limit, binds)?;
                // After the verb, a compound slot is the target ("* WITH %").
                let role = if *role == Role::Compound {
                    Role::Target
                } else {
                    *role
                };
                binds.set(role, li);
                Some(e)
            }
            PTok::Alt(alts) => {
                for seq in alts {
                    if at + seq.len() <= limit
                        && self.match_seq(at, seq)
                        && let Some(e) = self.match_post(at + seq.len(), rest, limit, binds)
                    {
                        for x in at..at + seq.len() {
                            if let Some(bit) = x.checked_sub(binds.base).filter(|b| *b < 64) {
                                binds.words |= 1 << bit;
                            }
                        }
                        return Some(e);
                    }
                }
                None
            }
        }
    }

    /// Whether tokens `a..b` can be a skipped phrase (`^`): more than determiners, and not
    /// cutting an actor mention.
    fn phrase_skip(&self, a: usize, b: usize) -> bool {
        let cuts = |x: usize| {
            x > 0 && self.actor_at.get(x).copied().flatten().is_some() && {
                self.actor_at.get(x - 1).copied().flatten() == self.actor_at[x]
            }
        };
        (a..b).any(|x| !is_determiner(self.key(x))) && !cuts(a) && !cuts(b)
    }

    /// Matches `pre` backward, ending just before token `at`; returns the first token. Actor
    /// slots matched on the way are recorded in `binds`.
    fn match_pre(&self, at: usize, pat: &[PTok], binds: &mut Binds) -> Option<usize> {
        let Some((last, rest)) = pat.split_last() else {
            return Some(at);
        };
        match last {
            PTok::Gap(g) | PTok::Skip(g) => {
                let min = usize::from(matches!(last, PTok::Skip(_)));
                for skip in 0..=*g {
                    if skip > at {
                        break;
                    }
                    let p = at - skip;
                    if skip > 0 {
                        let k = self.key(p);
                        if matches!(k, "," | "." | ";") || self.is(p, KIND_HARD) {
                            break;
                        }
                    }
                    if skip < min || (min == 1 && !self.phrase_skip(p, at)) {
                        continue;
                    }
                    if let Some(s) = self.match_pre(p, rest, binds) {
                        return Some(s);
                    }
                }
                None
            }
            PTok::Slot(role) => {
                let li = self.actor_at.get(at.checked_sub(1)?).copied().flatten()?;
                let la = self.local[li];
                if la.last != at {
                    return None;
                }
                let mut p = la.first;
                while p > 0 && p + 2 > la.first && is_determiner(self.key(p - 1)) {
                    p -= 1;
                }
                let s = self.match_pre(p, rest, binds)?;
                binds.set(*role, li);
                Some(s)
            }
            PTok::Alt(alts) => {
                for seq in alts {
                    if seq.len() <= at
                        && self.match_seq(at - seq.len(), seq)
                        && let Some(s) = self.match_pre(at - seq.len(), rest, binds)
                    {
                        return Some(s);
                    }
                }
                None
            }
        }
    }

    #[inline(never)]
    fn triggers(&self) -> Vec<Trig> {
        let n = self.t.len();
        let lex = &self.coder.lex;
        let mut found: Vec<Trig> = Vec::new();
        for i in 0..n {
            if !self.starts(i, WORD_HEAD) || self.time_at[i].is_some() {
                continue;
            }
            let Some(rules) = lex.by_head.get(self.key(i)) else {
                continue;
            };
            // Inside an actor ("the Aid Agency") only a pattern reaching past the actor counts
            // ("a battalion ... is being formed").
            let actor_end = self.actor_at[i].map(|li| self.local[li].last);
            let mut best: Option<(usize, Trig)> = None;
            // "a strike" is a noun, "troops strike" a verb.
            let prev = if i > 0 { self.key(i - 1) } else { "" };
            let noun_context = matches!(
                prev,
                "a" | "an" | "the" | "its" | "their" | "his" | "her" | "general" | "hunger" | "'s"
            );
            let verb_context = i > 0
                && (self.actor_at[i - 1].is_some()
                    || matches!(prev, "to" | "will" | "would" | "could" | "did" | "not"));
            for &ri in rules {
                let r: &Rule = &lex.rules[ri];
                let mut binds = Binds {
                    base: i + 1,
                    ..Binds::default()
                };
                let Some(end) = self.match_post(i + 1, &r.post, n, &mut binds) else {
                    continue;
                };
                let Some(start) = self.match_pre(i, &r.pre, &mut binds) else {
                    continue;
                };
                // The verb as written in its own entry beats another entry's inflected form.
                let own = r.heads.first().is_some_and(|h| same(h, self.key(i)));
                let fit = usize::from((r.noun && noun_context) || (!r.noun && verb_context));
                let score = r.weight * 4
                    + usize::from(r.origin == crate::lexicon::Origin::Dictionary) * 2
                    + usize::from(own)
                    + fit;
                if best.as_ref().is_none_or(|(b, _)| score > *b) {
                    best = Some((
                        score,
                        Trig {
                            rule: ri,
                            future: false,
                            reach: end,
                            head: i,
                            first: start,
                            last: end,
                            binds,
                        },
                    ));
                }
            }
            if let Some((_, t)) = best {
                if actor_end.is_some_and(|e| t.last <= e || lex.rules[t.rule].weight == 0) {
                    continue;
                }
                // A trigger noun modifying another noun ("aid groups") or a participle used as an
                // adjective ("the occupied territories") is no event.
                if t.last == i + 1 && self.is(i + 1, KIND_MODIFIER) {
                    continue;
                }
                if i > 0
                    && self.key(i).ends_with("ed")
                    && matches!(self.key(i - 1), "the" | "a" | "an")
                    && self.t.toks.get(i + 1).is_some_and(|x| x.word)
                {
                    continue;
                }
                // A reporting verb followed by "that" is a frame, not an event.
                if self.report_at(i) && self.key(i + 1) == "that" {
                    continue;
                }
                found.push(t);
            }
        }
        // Overlaps: the more specific pattern wins.
        found.sort_by(|a, b| {
            let wa = lex.rules[a.rule].weight;
            let wb = lex.rules[b.rule].weight;
            wb.cmp(&wa).then(a.head.cmp(&b.head))
        });
        let mut kept: Vec<Trig> = Vec::new();
        for t in found {
            if kept.iter().any(|k| t.first < k.last && k.first < t.last) {
                continue;
            }
            kept.push(t);
        }
        kept.sort_by_key(|t| t.head);
        // Governing verbal events absorb the triggers of their complement ("threatened to attack").
        let mut out: Vec<Trig> = Vec::new();
        for t in kept {
            if let Some(prev) = out.last_mut() {
                let pe = &lex.rules[prev.rule].event;
                let te = &lex.rules[t.rule].event;
                let governs = matches!(
                    pe.as_str(),
                    "AGREE" | "REQUEST" | "REJECT" | "THREATEN" | "ACCUSE" | "CONCEDE" | "SANCTION"
                );
                let gap = t.first.saturating_sub(prev.reach);
                let clear = (prev.reach..t.first).all(|x| {
                    let k = self.key(x);
                    !matches!(k, "," | "." | "and" | "but" | "while")
                        && !self.is(x, KIND_HARD)
                        && !self.report_at(x)
                });
                // The object of a trigger of the same type ("provide food aid"), and the
                // demands of a protest ("demonstrated calling for"), belong to it.
                let same = pe == te && gap <= 6 && clear;
                let protest_demand = pe == "PROTEST"
                    && te == "REQUEST"
                    && gap <= 10
                    && (prev.reach..t.first).all(|x| !matches!(self.key(x), ";" | "."));
                if (same || protest_demand)
                    && !lex.rules[prev.rule].intent
                    && !lex.rules[prev.rule].delegate
                {
                    prev.reach = prev.reach.max(t.last);
                    continue;
                }
                if governs && gap <= 8 && clear {
                    prev.reach = prev.reach.max(t.last);
                    let prev = &*prev;
                    if lex.rules[prev.rule].delegate {
                        let first = prev.first;
                        out.pop();
                        out.push(Trig { first, ..t });
                    } else if lex.rules[prev.rule].intent {
                        // "decided to impose a curfew": the intended act, coded as future.
                        let first = prev.first;
                        out.pop();
                        out.push(Trig {
                            future: true,
                            first,
                            ..t
                        });
                    }
                    continue;
                }
            }
            out.push(t);
        }
        out
    }

    // ---------------------------------------------------------------- arguments

    /// The actor mention of local actor `li`.
    fn local_actor(&self, li: usize) -> Option<&'a A> {
        self.local.get(li).and_then(|la| self.actors.get(la.idx))
    }

    fn party(&self, li: usize) -> Party {
        let la = self.local[li];
        let a = &self.actors[la.idx];
        let span = a.span();
        Party {
            text: span.slice(self.text).to_string(),
            code: a.code().to_string(),
            country: a.country().to_string(),
            sector: a.sector().to_string(),
            span,
        }
    }

    /// The parties of the actor group containing local actor `li`, with agents spread over
    /// the group: "lawmakers and officials in A and B" (each agent of each country), "the
    /// ambassadors of A, B and C" (the first member's sector for the bare countries after it),
    /// "Danish media and government" (the first member's country for the agents after it).
    #[inline(never)]
    fn parties(&self, li: usize) -> Vec<Party> {
        let group = self.group(li);
        let mut out: Vec<Party> = group.iter().map(|&g| self.party(g)).collect();
        let bare_country =
            |p: &Party| p.sector.is_empty() && p.code.len() == 3 && p.code == p.country;
        let agent_only = |p: &Party| p.country.is_empty() && !p.sector.is_empty();
        // Agents before "in"/"of" the group.
        let first_tok = group.first().map_or(0, |&g| self.local[g].first);
        if first_tok >= 2
            && matches!(self.key(first_tok - 1), "in" | "of" | "from")
            && out.iter().all(bare_country)
            && let Some(ag) = self.actor_at[first_tok - 2]
        {
            let agents: Vec<Party> = self.group(ag).into_iter().map(|g| self.party(g)).collect();
            if agents.iter().all(agent_only) {
                let mut crossed = Vec::new();
                for a in &agents {
                    for c in &out {
                        crossed.push(Party {
                            text: c.text.clone(),
                            code: concat(&[&c.country, &a.code]),
                            country: c.country.clone(),
                            sector: a.sector.clone(),
                            span: c.span,
                        });
                    }
                }
                return crossed;
            }
        }
        if out.len() < 2 {
            return out;
        }
        let head = out[0].clone();
        let (first, last) = (self.local[group[0]].first, self.local[group[0]].last);
        let agent_of = (first..last).any(|x| matches!(self.key(x), "of" | "in"));
        for p in out.iter_mut().skip(1) {
            if agent_of && !head.sector.is_empty() && bare_country(p) {
                // "the ambassadors of A, B and C".
                p.code = concat(&[&p.country, head.code.get(3..).unwrap_or("")]);
                p.sector = head.sector.clone();
            } else if !agent_of && !head.country.is_empty() && agent_only(p) {
                // "Danish media and government".
                p.code = concat(&[&head.country, &p.code]);
                p.country = head.country.clone();
            }
        }
        out
    }

    /// The actor group (compound "X and Y") containing local actor `li`.
    fn group(&self, li: usize) -> Vec<usize> {
        let mut out = vec![li];
        let joiner = |k: &str| {
            matches!(
                k,
                "and" | "," | "or" | "the" | "&" | "nor" | "neither" | "either" | "both"
            )
        };
        // Lower-case words that are neither verbs nor function words ("the evil Arnor").
        let adjective = |x: usize| {
            let k = self.key(x);
            self.t.toks.get(x).is_some_and(|t| t.word && !t.capital)
                && !self.is_verbish(x)
                && !self.is(x, KIND_PREP | KIND_BOUNDARY | KIND_PASSIVE)
                && !k.ends_with("ed")
                && !k.chars().next().is_some_and(|c| c.is_ascii_digit())
        };
        // Right.
        let mut cur = li;
        loop {
            let mut j = self.local[cur].last;
            let mut saw_join = false;
            let mut adjectives = 0;
            while j < self.t.len()
                && (joiner(self.key(j)) || (saw_join && adjectives < 2 && adjective(j)))
            {
                if joiner(self.key(j)) {
                    saw_join |= self.key(j) != "the";
                } else {
                    adjectives += 1;
                }
                j += 1;
            }
            let only_comma =
                saw_join && (self.local[cur].last..j).all(|x| matches!(self.key(x), "," | "the"));
            let list_continues = |next: usize| {
                let after = self.local[next].last;
                matches!(self.key(after), "," | "and" | "or")
            };
            match self.actor_at.get(j).copied().flatten() {
                Some(next)
                    if next != cur
                        && (saw_join || j == self.local[cur].last)
                        && !self.skipped[j]
                        && (!only_comma || list_continues(next)) =>
                {
                    out.push(next);
                    cur = next;
                }
                _ => break,
            }
        }
        // Left.
        let mut cur = li;
        loop {
            let mut j = self.local[cur].first;
            let mut saw_join = false;
            let mut adjectives = 0;
            while j > 0
                && (joiner(self.key(j - 1))
                    || (adjectives < 2
                        && adjective(j - 1)
                        && (j.saturating_sub(4)..j - 1)
                            .any(|x| matches!(self.key(x), "and" | "," | "or" | "nor"))))
            {
                if joiner(self.key(j - 1)) {
                    saw_join |= self.key(j - 1) != "the";
                } else {
                    adjectives += 1;
                }
                j -= 1;
            }
            if j == 0 {
                break;
            }
            match self.actor_at.get(j - 1).copied().flatten() {
                Some(prev)
                    if prev != cur
                        && (saw_join || j == self.local[cur].first)
                        && !self.skipped[j - 1] =>
                {
                    out.insert(0, prev);
                    cur = prev;
                }
                _ => break,
            }
        }
        out
    }

    /// The subject: the nearest eligible actor left of `from`, not before `limit`.
    fn subject(&self, from: usize, limit: usize, in_skipped: bool) -> Option<usize> {
        let mut j = from;
        while j > limit {
            j -= 1;
            let k = self.key(j);
            if self.is(j, KIND_HARD) || (k == "that" && j > limit) {
                return None;
            }
            // "..., he said": a subject pronoun nearer than any actor is the subject.
            if matches!(k, "he" | "she" | "they" | "we" | "i") && !self.skipped[j] {
                return None;
            }
            if self.boundary_at(j).is_some_and(|v| v == "clause")
                && k != "that"
                && !(k == "as" || k == "so")
            {
                return None;
            }
            let Some(li) = self.actor_at[j] else { continue };
            let la = self.local[li];
            j = la.first;
            if self.skipped[la.first] && !in_skipped {
                continue;
            }
            if let Some(b) = self.before(la.first) {
                let bk = self.key(b);
                if let Some(role) = self.prep_at(b)
                    && (role != "other" || !matches!(bk, "of"))
                {
                    // "in X", "by X", "with X": not a subject; but "of X" is the owner of the subject.
                    if bk != "of" {
                        continue;
                    }
                }
                if self.is_verbish(b) && self.actor_at[b].is_none() {
                    continue;
                }
            }
            return Some(li);
        }
        None
    }

    /// The first eligible actor right of `from`, before `limit`; `agent` selects "by X".
    fn object(&self, from: usize, limit: usize, agent: bool) -> Option<usize> {
        let mut j = from;
        while j < limit {
            let k = self.key(j);
            if self.is(j, KIND_HARD) || k == "." {
                return None;
            }
            if self.report_at(j) {
                return None;
            }
            // An adjunct ("since", "despite", "amid") ends the verb's object.
            if let Some(b) = self.boundary_at(j)
                && (b == "relative"
                    || b == "adjunct"
                    || (b == "clause" && k != "as" && k != "that"))
            {
                return None;
            }
            let Some(li) = self.actor_at[j] else {
                j += 1;
                continue;
            };
            let la = self.local[li];
            if self.skipped[la.first] {
                j = la.last;
                continue;
            }
            let before = self.before(la.first);
            let prep = before.map(|b| self.key(b)).unwrap_or("");
            let role = self.prep_of(before).unwrap_or("");
            if agent {
                if prep == "by" {
                    return Some(li);
                }
            } else if role != "locative" && prep != "by" {
                return Some(li);
            } else if prep == "by" && j > from {
                // "condemned an attack by X": the agent of a noun is the target of the verb.
                let b = self.before(la.first).unwrap_or(0);
                let noun_before =
                    b > 0 && !self.key(b - 1).ends_with("ed") && !self.key(b - 1).ends_with("en");
                // A trigger head (every key of `by_head` has the flag).
                if noun_before && self.starts(b - 1, WORD_HEAD) {
                    return Some(li);
                }
                // "welcomed memos sent by X": the agent of a participle in the object.
                let participle = b > 0 && self.participle(self.key(b - 1));
                if participle && b > from {
                    return Some(li);
                }
            }
            j = la.last;
        }
        None
    }

    /// The country of the nearest actor or place with one, for a party coded without a country.
    #[inline(never)]
    fn context_country(&self, span: Span) -> Option<String> {
        let mut best: Option<(usize, String)> = None;
        let mut consider = |s: Span, c: &str| {
            if c.len() != 3 || s.overlaps(span) || !self.span.contains(s) {
                return;
            }
            let d = if s.start >= span.end {
                s.start - span.end
            } else {
                span.start.saturating_sub(s.end)
            };
            if best.as_ref().is_none_or(|(bd, _)| d < *bd) {
                best = Some((d, c.to_string()));
            }
        };
        for la in &self.local {
            let a = &self.actors[la.idx];
            consider(a.span(), a.country());
        }
        for &(_, pi) in self.local_places {
            if let Some(p) = self.places.get(pi) {
                consider(p.span(), p.country());
            }
        }
        best.map(|(_, c)| c)
    }

    /// The first actor after a locative preposition, right of `from`, before `limit`.
    fn locative_object(&self, from: usize, limit: usize) -> Option<usize> {
        let mut j = from;
        while j < limit.min(self.t.len()) {
            let k = self.key(j);
            if self.is(j, KIND_HARD) || k == "." || k == "," || self.report_at(j) {
                return None;
            }
            if let Some(li) = self.actor_at[j] {
                let la = self.local[li];
                if !self.skipped[la.first]
                    && self.prep_of(self.before(la.first)) == Some("locative")
                {
                    return Some(li);
                }
                j = la.last;
                continue;
            }
            j += 1;
        }
        None
    }

    /// Whether `k` looks like a past participle (regular, or an irregular form).
    fn participle(&self, k: &str) -> bool {
        k.ends_with("ed")
            || k.ends_with("en")
            || k.ends_with("wn")
            || (!k.ends_with("ing")
                && !k.ends_with('s')
                && self.coder.lex.irregular_past.contains(k))
    }

    fn is_passive(&self, head: usize) -> bool {
        if !self.participle(self.key(head)) {
            return false;
        }
        let mut j = head;
        for _ in 0..3 {
            if j == 0 {
                return false;
            }
            j -= 1;
            let b = self.key(j);
            if self.is(j, KIND_PASSIVE) {
                return true;
            }
            if !(b.ends_with("ly") || b == "being" || b == "not") {
                return false;
            }
        }
        false
    }

    /// The modality cues (phrase, modality) that may start at token `i`: only those whose first
    /// word is token `i`'s, and none where no cue starts.
    fn modal_cues_at(&self, i: usize) -> impl Iterator<Item = &(Vec<String>, String)> + '_ {
        let starting: &[usize] = if self.starts(i, START_MODAL) {
            self.coder.lex.modal_starting(self.key(i))
        } else {
            &[]
        };
        let modal = &self.cues().modal;
        starting.iter().filter_map(move |&pi| modal.get(pi))
    }

    #[inline(never)]
    fn modality(
        &self,
        limit: usize,
        head: usize,
        frame: Option<&Frame>,
    ) -> (Modality, Vec<std::borrow::Cow<'static, str>>) {
        let mut found: Vec<(&str, usize)> = Vec::new();
        let from = limit.max(head.saturating_sub(10));
        for i in from..head {
            for (phrase, m) in self.modal_cues_at(i) {
                // Auxiliaries bind the verb group only: at most three words before the trigger.
                let near = head.saturating_sub(i + phrase.len()) <= 3
                    || m == "conditional"
                    || m == "historical";
                if near && i + phrase.len() <= head && self.phrase_at(i, phrase) {
                    found.push((m.as_str(), i));
                }
            }
        }
        // "if" anywhere before the trigger in the sentence.
        for i in 0..from {
            for (phrase, m) in self.modal_cues_at(i) {
                if m == "conditional" && self.phrase_at(i, phrase) {
                    found.push((m.as_str(), i));
                }
            }
        }
        let has = |m: &str| found.iter().any(|(x, _)| *x == m);
        let mut rules = Vec::new();
        let modality = if has("negated") {
            Modality::Negated
        } else if frame.is_some_and(|f| f.stance == Modality::Denied) {
            Modality::Denied
        } else if has("conditional") {
            Modality::Conditional
        } else if has("hypothetical") {
            Modality::Hypothetical
        } else if has("future") {
            Modality::Future
        } else if has("alleged") {
            Modality::Alleged
        } else if let Some(f) = frame {
            if f.stance == Modality::Alleged
                || f.links.iter().any(|l| l.kind == SourceKind::Anonymous)
            {
                Modality::Alleged
            } else {
                Modality::Reported
            }
        } else if has("reported") {
            Modality::Reported
        } else {
            Modality::Asserted
        };
        for (m, _) in &found {
            rules.push(concat(&["events/modality/", m]).into());
        }
        (modality, rules)
    }

    // ---------------------------------------------------------------- quantities

    fn number_at(&self, i: usize) -> Option<(u64, usize)> {
        let k = self.key(i);
        // Only a token starting with a digit, or a number word (the flag covers "twenty-five"),
        // reads as a number.
        if !(k.as_bytes().first().is_some_and(u8::is_ascii_digit) || self.starts(i, WORD_NUMBER)) {
            return None;
        }
        if k.chars()
            .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
            && k.starts_with(|c: char| c.is_ascii_digit())
        {
            let mut digits: String = k.chars().filter(|c| *c != ',').collect();
            let mut end = i + 1;
            // "11 000": a following group of exactly three digits.
            while let (Some(a), Some(b)) = (self.t.toks.get(end - 1), self.t.toks.get(end)) {
                let nk = self.key(end);
                if b.start == a.end + 1
                    && nk.len() == 3
                    && nk.chars().all(|c| c.is_ascii_digit())
                    && !digits.contains('.')
                {
                    digits.push_str(nk);
                    end += 1;
                } else {
                    break;
                }
            }
            let value: f64 = digits.parse().ok()?;
            if let Some(m) = self.cues().multiplier.get(self.key(end)) {
                return Some(((value * *m as f64) as u64, end + 1));
            }
            if digits.contains('.') {
                return None;
            }
            return Some((value as u64, end));
        }
        let mut total: u64 = 0;
        let mut any = false;
        for part in k.split('-') {
            if let Some(v) = self.cues().number.get(part) {
                total += v;
                any = true;
            } else {
                return None;
            }
        }
        if !any {
            return None;
        }
        let mut end = i + 1;
        if let Some(m) = self.cues().multiplier.get(self.key(end)) {
            total *= m;
            end += 1;
        }
        Some((total, end))
    }

    #[inline(never)]
    fn quantities(&self) -> Vec<(usize, String, Quantity)> {
        let n = self.t.len();
        let mut out = Vec::new();
        let mut i = 0;
        while i < n {
            let k0 = self.key(i);
            let numeric = k0.as_bytes().first().is_some_and(u8::is_ascii_digit)
                || self.starts(i, WORD_NUMBER);
            if (!numeric && !self.starts(i, START_APPROX | START_VAGUE))
                || self.time_at[i].is_some()
            {
                i += 1;
                continue;
            }
            let start = i;
            let mut j = i;
            let mut approx = false;
            let mut rule = "events/quantity/number";
            let approx_here = if self.starts(j, START_APPROX) {
                self.cues().approx.as_slice()
            } else {
                &[]
            };
            for a in approx_here {
                if self.phrase_at(j, a) {
                    approx = true;
                    j += a.len();
                    break;
                }
            }
            let mut value = None;
            let vague_here = if self.starts(j, START_VAGUE) {
                self.cues().vague.as_slice()
            } else {
                &[]
            };
            for (phrase, v) in vague_here {
                if self.phrase_at(j, phrase) {
                    value = Some((*v, j + phrase.len()));
                    approx = true;
                    rule = "events/quantity/vague";
                    break;
                }
            }
            if value.is_none() {
                // "10-15" as one token: the low end.
                let k = self.key(j);
                if let Some((a, b)) = k.split_once('-')
                    && !a.is_empty()
                    && !b.is_empty()
                    && a.chars().all(|c| c.is_ascii_digit())
                    && b.chars().all(|c| c.is_ascii_digit())
                    && let Ok(v) = a.parse::<u64>()
                {
                    value = Some((v, j + 1));
                    approx = true;
                    rule = "events/quantity/range_low";
                }
            }
            if value.is_none() {
                value = self.number_at(j);
                // Ranges: "10 to 15", "10-15": the low end.
                if let Some((v, e)) = value
                    && matches!(self.key(e), "to" | "-" | "–" | "or")
                    && let Some((_, e2)) = self.number_at(e + 1)
                {
                    value = Some((v, e2));
                    approx = true;
                    rule = "events/quantity/range_low";
                }
            }
            let Some((v, mut e)) = value else {
                i += 1;
                continue;
            };
            // The unit noun, up to three words on.
            let mut unit = String::new();
            let mut unit_class = String::new();
            for u in e..(e + 4).min(n) {
                let k = self.key(u);
                if !self.t.toks[u].word {
                    break;
                }
                let unit_class_here = if self.is(u, KIND_UNIT) {
                    self.cues().unit.get(k)
                } else {
                    None
                };
                if let Some(c) = unit_class_here {
                    unit = self.raw(u, u + 1).0.to_string();
                    unit_class = c.clone();
                    e = u + 1;
                    break;
                }
                if self.number_at(u).is_some() {
                    break;
                }
            }
            // Category: casualty words after the unit (or number) or just before the number.
            let mut category = String::new();
            for x in start.saturating_sub(2)..start {
                if let Some(c) = self.casualty_at(x) {
                    category = c.clone();
                }
            }
            for x in e..(e + 5).min(n) {
                if !category.is_empty() {
                    break;
                }
                if let Some(c) = self.casualty_at(x) {
                    category = c.clone();
                    break;
                }
                if matches!(self.key(x), "," | "." | ";") {
                    break;
                }
            }
            if category.is_empty() {
                for x in start.saturating_sub(3)..start {
                    if let Some(c) = self.casualty_at(x) {
                        category = c.clone();
                    }
                }
            }
            if category.is_empty() {
                category = match unit_class.as_str() {
                    "troops" | "person" => "size".into(),
                    "weapon" => "weapons".into(),
                    _ => String::new(),
                };
            }
            if category.is_empty()
                || (unit.is_empty()
                    && !matches!(category.as_str(), "dead" | "injured" | "arrested"))
            {
                i = e.max(i + 1);
                continue;
            }
            let (text, span) = self.raw(start, e);
            out.push((
                start,
                category,
                Quantity {
                    value: v,
                    unit,
                    approximate: approx,
                    text: text.to_string(),
                    span,
                    rule: rule.into(),
                },
            ));
            i = e.max(i + 1);
        }
        out
    }

    // ---------------------------------------------------------------- main

    fn code(
        &self,
        trigs: Vec<Trig>,
        events: &mut Vec<Event>,
        narrative: impl FnOnce() -> Option<TimeRef>,
        doc: Option<&str>,
    ) {
        let n = self.t.len();
        let narrative = narrative();
        let narrative = narrative.as_ref();
        let frames = self.frames();
        let lex = &self.coder.lex;
        let first_new = events.len();
        let mut heads: Vec<usize> = Vec::new();
        // The source of the last active verb coded, for a verb coordinated with it.
        let mut last_subject: Option<(usize, usize)> = None;
        // Post-posed statements coded: the event's index and the reporting verb.
        let mut statements: Vec<(usize, usize)> = Vec::new();
        for tr in &trigs {
            let rule = &lex.rules[tr.rule];
            let coded = lex.types.contains_key(&rule.event)
                || (rule.event.is_empty() && self.coder.keep_unmapped);
            // Reporting verbs of frames are not events, except a post-posed report (", an
            // official said.") whose verb a dictionary codes: a clause of its own, it is the
            // speaker's statement, with no target.
            let statement = match frames.iter().find(|f| f.verb == tr.head) {
                Some(f) => {
                    let own = coded
                        && rule.origin == crate::lexicon::Origin::Dictionary
                        && !rule.cameo.is_empty()
                        && !f.according
                        && f.scope.1 <= f.verb;
                    match f.speaker_actor.filter(|_| own) {
                        Some(sp) => Some(sp),
                        None => continue,
                    }
                }
                None => None,
            };
            if !coded {
                // A dictionary pattern coded "no event" ([---]) or a statement.
                continue;
            }
            // A dictionary pattern that spans the reporting verb ("NOTED + *") is the speaker's
            // own event: the frame does not confine it.
            let frame = frames
                .iter()
                .filter(|f| f.scope.0 <= tr.head && tr.head < f.scope.1)
                .filter(|f| !(tr.first <= f.verb && f.verb < tr.head))
                .min_by_key(|f| f.scope.1 - f.scope.0);
            let mut limit = frame.map_or(0, |f| f.scope.0);
            for x in (limit..tr.first).rev() {
                if self.is(x, KIND_HARD) || self.key(x) == ";" {
                    limit = x + 1;
                    break;
                }
            }
            let right_limit = {
                let mut r = frame.map_or(n, |f| f.scope.1).min(tr.last + 15).min(n);
                let codes = |t: &Trig| {
                    let e = &lex.rules[t.rule].event;
                    lex.types.contains_key(e) || (e.is_empty() && self.coder.keep_unmapped)
                };
                if let Some(next) = trigs.iter().find(|t| {
                    t.head > tr.head && codes(t) && !frames.iter().any(|f| f.verb == t.head)
                }) {
                    r = r.min(next.first.max(tr.last));
                }
                r
            };
            let mut rules: Vec<std::borrow::Cow<'static, str>> = Vec::with_capacity(8);
            rules.push(rule.id.clone().into());
            let in_skipped = self.skipped.get(tr.head).copied().unwrap_or(false);
            let passive = self.is_passive(tr.head);
            let nominal = tr.head > 0
                && matches!(
                    self.key(tr.head - 1),
                    "a" | "an" | "the" | "'s" | "its" | "their"
                );
            let mut source: Option<usize> = None;
            let mut target: Option<usize> = None;
            let head_actor = self.actor_at[tr.head];
            // "X condemned the attack and promised aid": a verb right after "and" shares the
            // subject of the verb before it.
            let coordinated = last_subject
                .filter(|&(end, _)| end <= tr.first)
                .filter(|_| {
                    tr.first > 0
                        && self.key(tr.first - 1) == "and"
                        && !rule.noun
                        && !passive
                        && !nominal
                        && !self.key(tr.head).ends_with("ing")
                })
                .map(|(_, li)| li);
            #[allow(clippy::if_same_then_else)]
            if let Some(sp) = statement {
                source = Some(sp);
                rules.push("events/args/postposed_statement".into());
            } else if let Some(ha) = head_actor {
                // "a battalion staffed by X is being formed": the agent, else the unit itself.
                source = self
                    .object(tr.head + 1, tr.last.max(tr.head + 8).min(n), true)
                    .or(Some(ha));
                rules.push("events/args/unit_subject".into());
            } else if rule.speaker {
                let that = (0..tr.first).rev().find(|&x| self.key(x) == "that");
                let sp = match frame.and_then(|f| f.speaker_actor) {
                    Some(sp) => sp,
                    None => match that.and_then(|x| self.subject(x, 0, false)) {
                        Some(sp) => sp,
                        None => continue,
                    },
                };
                limit = limit.max(that.map_or(limit, |x| x + 1));
                source = Some(sp);
                target = (limit..tr.first)
                    .rev()
                    .find_map(|x| self.actor_at[x])
                    .or_else(|| self.object(tr.last, right_limit, false));
                rules.push("events/args/speaker_source".into());
            } else if passive {
                let agent = self.object(tr.head + 1, right_limit.max((tr.head + 10).min(n)), true);
                let subj = self.subject(tr.first, limit, in_skipped);
                if agent.is_some() {
                    source = agent;
                    target = subj;
                    rules.push("events/args/passive_agent".into());
                } else if rule.passive_source {
                    source = subj;
                    target = self.object(tr.last, right_limit, false);
                    rules.push("events/args/passive_subject_source".into());
                } else {
                    target = subj;
                    rules.push("events/args/passive".into());
                }
            } else if nominal && matches!(self.key(tr.last), "between" | "among") {
                // "cooperation between X and Y": both parties are actors.
                source = self.object(tr.last, right_limit, false);
                rules.push("events/args/nominal_between".into());
            } else if nominal {
                let agent = self.object(tr.head + 1, (tr.head + 6).min(n), true);
                source = agent.or_else(|| {
                    if tr.head >= 2 && self.key(tr.head - 1) == "'s" {
                        self.actor_at[tr.head - 2]
                    } else {
                        self.subject(tr.first, limit, in_skipped)
                    }
                });
                target = self
                    .object(tr.last, right_limit, false)
                    .filter(|t| Some(*t) != source);
                rules.push("events/args/nominal".into());
            } else {
                // A pattern word before the verb may stand before its subject too ("neither X
                // nor Y *").
                source = if let Some(li) = coordinated {
                    rules.push("events/args/coordinated_verb".into());
                    Some(li)
                } else {
                    self.subject(tr.first, limit, in_skipped).or_else(|| {
                        (tr.first < tr.head)
                            .then(|| self.subject(tr.head, tr.first, in_skipped))
                            .flatten()
                    })
                };
                // A dictionary pattern's words may run past the object ("allowed that X is
                // not the best place"): its first actor inside the pattern comes first.
                let inside = (rule.origin == crate::lexicon::Origin::Dictionary
                    && tr.last > tr.head + 1)
                    .then(|| self.object(tr.head + 1, tr.last, false))
                    .flatten()
                    .filter(|&li| {
                        // Not an actor made of the pattern's own words ("fired artillery").
                        let la = self.local[li];
                        (la.first..la.last).all(|x| {
                            x.checked_sub(tr.binds.base)
                                .filter(|b| *b < 64)
                                .is_none_or(|b| tr.binds.words & (1 << b) == 0)
                        })
                    });
                target = inside.or_else(|| self.object(tr.last, right_limit, false));
                // A dictionary verb followed at once by a place phrase ("arrived in X") takes the
                // place as its target, unless a direct object or a "with"/"to"/"against" phrase
                // names another.
                if rule.origin == crate::lexicon::Origin::Dictionary
                    && tr.binds.target.is_none()
                    && self.prep_at(tr.last) == Some("locative")
                    && let Some(li) = self.locative_object(tr.last, (tr.last + 3).min(n))
                    && target.is_none_or(|t| {
                        let b = self.before(self.local[t].first).unwrap_or(0);
                        b > tr.last && !matches!(self.key(b), "with" | "to" | "against")
                    })
                {
                    target = Some(li);
                    rules.push("events/args/adjacent_place".into());
                }
                // A visit's target is the place visited ("arrived in X").
                if rule.mode.iter().any(|m| m == "visit")
                    && let Some(li) = self.locative_object(tr.last, right_limit)
                {
                    target = Some(li);
                    rules.push("events/args/visit_place".into());
                }
                rules.push("events/args/svo".into());
            }
            // "X said it would ...": a pronoun subject in the reported clause is the speaker.
            if source.is_none()
                && !passive
                && let Some(f) = frame
            {
                let mut x = f.scope.0;
                while x < tr.head
                    && (self.time_at[x].is_some()
                        || matches!(self.key(x), "on" | "that" | "," | "in"))
                {
                    x += 1;
                }
                let pronoun = (x..tr.head.min(x + 2))
                    .any(|x| matches!(self.key(x), "it" | "they" | "he" | "she" | "we"));
                if pronoun && f.speaker_actor.is_some() {
                    source = f.speaker_actor;
                    rules.push("events/args/pronoun_speaker".into());
                }
            }
            // The actors a dictionary pattern marks (`$ + %`) beat the clause heuristics.
            let b = tr.binds;
            if let Some(c) = b.compound {
                source = Some(c);
                target = b.target;
                rules.push("events/args/pattern_compound".into());
            } else if b.source.is_some() || b.target.is_some() {
                if let Some(s) = b.source {
                    source = Some(s);
                } else if source == b.target {
                    // "+ * FROM $"-style patterns without a bound source: the subject heuristics
                    // found the target.
                    source = None;
                }
                if b.target.is_some() {
                    target = b.target;
                }
                rules.push("events/args/pattern_slots".into());
            }
            if target.is_some() && target == source {
                target = None;
            }
            let svo = rules.iter().any(|r| r == "events/args/svo");
            last_subject = source
                .filter(|_| svo && !passive && !nominal)
                .map(|s| (tr.last, s));
            let mut actor: Vec<Party> = source.map(|s| self.parties(s)).unwrap_or_default();
            let mut recipient: Vec<Party> = target.map(|s| self.parties(s)).unwrap_or_default();
            let builtin = rule.origin == crate::lexicon::Origin::Builtin;
            for p in actor.iter_mut().chain(recipient.iter_mut()) {
                if builtin
                    && p.country.is_empty()
                    && let Some(c) = self.context_country(p.span)
                {
                    p.code = concat(&[&c, &p.code]);
                    p.country = c;
                    rules.push("events/args/country_from_context".into());
                }
            }
            recipient.retain(|r| !actor.iter().any(|a| a.span == r.span));
            let (mut modality, mrules) = self.modality(limit, tr.first, frame);
            rules.extend(mrules);
            if tr.future && modality != Modality::Negated {
                modality = Modality::Future;
                rules.push("events/modality/intent_complement".into());
            }
            let mut event = rule.event.clone();
            let mut context = rule.context.clone();
            if rules.iter().any(|r| r == "events/modality/historical") {
                // PLOVER's auxiliary mode for events reported as history.
                context.push("historical".into());
            }
            let mut mode = rule.mode.clone();
            let quad = |e: &str| lex.types.get(e).map_or(0, |t| t.quad);
            // Dictionaries carry their own codes for such forms; the PLOVER retyping is for the
            // built-in lexicon.
            let retype = rule.origin == crate::lexicon::Origin::Builtin;
            match modality {
                Modality::Future | Modality::Hypothetical | Modality::Conditional if retype => {
                    if let Some(t) = lex.types.get(&event)
                        && t.future_as != event
                    {
                        event = t.future_as.clone();
                        mode.clear();
                        rules.push("events/type/future_as_intent".into());
                    }
                    context.push(if modality == Modality::Future {
                        "future".into()
                    } else {
                        "hypothetical".into()
                    });
                }
                Modality::Negated if retype => {
                    if matches!(quad(&event), 1 | 2) {
                        event = "REJECT".into();
                        mode.clear();
                        rules.push("events/type/negated_cooperation_is_reject".into());
                    }
                    context.push("negation".into());
                }
                _ => {}
            }
            // A place-like actor after "in" is the target when nothing else is ("criticized the
            // closure of guest houses in X").
            if recipient.is_empty()
                && statement.is_none()
                && let Some(li) = self.locative_object(tr.last, right_limit)
                && !actor
                    .iter()
                    .any(|a| Some(a.span) == self.local_actor(li).map(ActorView::span))
            {
                recipient = self.parties(li);
                rules.push("events/args/locative_target".into());
            }
            match lex
                .types
                .get(&event)
                .filter(|_| retype)
                .map(|t| t.parties.as_str())
            {
                Some("domestic") if recipient.is_empty() => {
                    if let Some(a) = actor.first().filter(|a| !a.country.is_empty()) {
                        recipient.push(Party {
                            text: a.text.clone(),
                            code: a.country.clone(),
                            country: a.country.clone(),
                            sector: String::new(),
                            span: a.span,
                        });
                        rules.push("events/args/domestic_recipient".into());
                    }
                }
                Some("reciprocal") if !mode.iter().any(|m| m == "visit") && !actor.is_empty() => {
                    actor.append(&mut recipient);
                    rules.push("events/args/reciprocal".into());
                }
                _ => {}
            }
            let cameo = if event == rule.event {
                rule.cameo.clone()
            } else {
                lex.types
                    .get(&event)
                    .map(|t| concat(&[&t.cameo_root, "0"]))
                    .unwrap_or_default()
            };
            let (trig_text, trig_span) = self.raw(tr.first, tr.last);
            let attribution = self.chain(tr.head, &frames);
            let (date, reported_date) = self.dates(tr, frame, narrative, doc);
            let event_loc = self.place(tr, frame, &actor, &recipient);
            let mut confidence: f64 = 0.4;
            if !actor.is_empty() {
                confidence += 0.25;
            }
            if !recipient.is_empty() {
                confidence += 0.15;
            }
            confidence += 0.02 * rule.weight.min(2) as f64;
            if nominal {
                confidence -= 0.05;
            }
            if tr.head > 0
                && self.key(tr.head).ends_with("ing")
                && matches!(
                    self.key(tr.head - 1),
                    "," | "and"
                        | "by"
                        | "after"
                        | "before"
                        | "at"
                        | "for"
                        | "of"
                        | "in"
                        | "on"
                        | "without"
                )
            {
                confidence -= 0.05;
            }
            // An adjunct ("following the killing of", "amid protests") is background.
            if (tr.first.saturating_sub(4)..tr.first)
                .any(|x| self.boundary_at(x).is_some_and(|b| b == "adjunct"))
            {
                confidence -= 0.08;
            }
            if tr.first > 0 && self.key(tr.first - 1) == "to" {
                // A purpose clause ("resigned to allow elections").
                confidence -= 0.05;
            }
            if in_skipped {
                confidence -= 0.1;
            }
            if matches!(
                modality,
                Modality::Negated | Modality::Hypothetical | Modality::Conditional
            ) {
                confidence -= 0.1;
            }
            let quad_code = quad(&event);
            events.push(Event {
                id: String::new(),
                event,
                mode,
                context,
                cameo,
                quad_code,
                actor,
                recipient,
                date,
                reported_date,
                event_loc,
                dead: None,
                injured: None,
                arrested: None,
                size: None,
                weapons: None,
                modality,
                attribution,
                trigger: Evidence {
                    text: trig_text.to_string(),
                    span: trig_span,
                },
                sentence: self.span,
                rules,
                confidence: confidence.clamp(0.0, 1.0),
            });
            heads.push(tr.head);
            if statement.is_some() {
                statements.push((events.len() - 1, tr.head));
            }
        }
        // A statement is coded only beside an event it reports: alone, the report says nothing
        // codable.
        for &(at, verb) in statements.iter().rev() {
            let scope = frames
                .iter()
                .find(|f| f.verb == verb)
                .map_or((0, 0), |f| f.scope);
            let reports = heads
                .iter()
                .enumerate()
                .any(|(k, &h)| k + first_new != at && scope.0 <= h && h < scope.1);
            if !reports {
                events.remove(at);
                heads.remove(at - first_new);
            }
        }
        // Merge same-type events of one clause (e.g. "killed in an attack").
        let mut i = first_new;
        while i + 1 < events.len() {
            let (a, b) = (&events[i], &events[i + 1]);
            let hi = heads[i - first_new];
            let hj = heads[i + 1 - first_new];
            let clear = (hi..hj).all(|x| !matches!(self.key(x), "," | ";" | "and" | "but" | "."));
            // "attacked X, killing 10 and wounding 20": participles continue the event.
            let participle =
                self.key(hj).ends_with("ing") && hj > 0 && matches!(self.key(hj - 1), "," | "and");
            // "X attacked Y, and three soldiers were wounded": an agentless passive of the same type.
            let agentless =
                b.actor.is_empty() && b.rules.iter().any(|r| r == "events/args/passive");
            if a.event == b.event && ((hj - hi <= 8 && clear) || participle || agentless) {
                let mut b = events.remove(i + 1);
                heads.remove(i + 1 - first_new);
                let a = &mut events[i];
                if a.actor.is_empty() {
                    a.actor = std::mem::take(&mut b.actor);
                }
                if a.recipient.is_empty() {
                    a.recipient = std::mem::take(&mut b.recipient);
                }
                a.recipient
                    .retain(|r| !a.actor.iter().any(|x| x.span == r.span));
                if a.event_loc.is_none() {
                    a.event_loc = b.event_loc.take();
                }
                a.mode.extend(
                    b.mode
                        .drain(..)
                        .filter(|m| !a.mode.contains(m))
                        .collect::<Vec<_>>(),
                );
                a.rules.push("events/merge/same_clause".into());
                a.rules.append(&mut b.rules);
                a.trigger = Evidence {
                    text: Span::new(a.trigger.span.start, b.trigger.span.end)
                        .slice(self.text)
                        .to_string(),
                    span: Span::new(a.trigger.span.start, b.trigger.span.end),
                };
                continue;
            }
            i += 1;
        }
        // Quantities go to the nearest fitting event of the sentence.
        for (at, category, q) in self.quantities() {
            let fits = |e: &Event| match category.as_str() {
                "dead" | "injured" => e.event == "ASSAULT",
                "arrested" => e.event == "COERCE",
                "size" => matches!(e.event.as_str(), "MOBILIZE" | "PROTEST" | "ASSAULT" | "AID"),
                _ => true,
            };
            let mut best: Option<(usize, usize)> = None;
            for (k, e) in events.iter().enumerate().skip(first_new) {
                let h = heads[k - first_new];
                let d = h.abs_diff(at);
                let penalty = if fits(e) { 0 } else { 100 };
                if best.is_none_or(|(bd, _)| d + penalty < bd) {
                    best = Some((d + penalty, k));
                }
            }
            let Some((d, k)) = best else { continue };
            if d >= 100 && matches!(category.as_str(), "dead" | "injured" | "arrested") {
                continue;
            }
            let e = &mut events[k];
            let slot = match category.as_str() {
                "dead" => &mut e.dead,
                "injured" => &mut e.injured,
                "arrested" => &mut e.arrested,
                "weapons" => &mut e.weapons,
                _ => &mut e.size,
            };
            if slot.is_none() {
                e.rules.push(concat(&[&q.rule, "/", &category]).into());
                *slot = Some(q);
            }
        }
    }

    #[inline(never)]
    fn chain(&self, head: usize, frames: &[Frame]) -> Vec<AttributionLink> {
        // Every frame whose scope holds the trigger; "according to" outermost, then wider first.
        let mut around: Vec<&Frame> = frames
            .iter()
            .filter(|f| f.scope.0 <= head && head < f.scope.1)
            .collect();
        around.sort_by_key(|f| (!f.according, std::cmp::Reverse(f.scope.1 - f.scope.0)));
        let mut out: Vec<AttributionLink> = Vec::new();
        for f in around {
            for l in &f.links {
                if !out.iter().any(|o| o.span == l.span) {
                    out.push(l.clone());
                }
            }
        }
        out
    }

    fn time_date(&self, ti: usize, rule: &'static str) -> EventDate {
        let (e, _, _) = self.times[ti];
        EventDate {
            value: e.value.clone(),
            earliest: e.earliest.map(crate::Day::iso),
            latest: e.latest.map(crate::Day::iso),
            text: e.span.slice(self.text).to_string(),
            span: Some(e.span),
            rule: rule.into(),
        }
    }

    #[inline(never)]
    fn dates(
        &self,
        tr: &Trig,
        frame: Option<&Frame>,
        narrative: Option<&TimeRef>,
        doc: Option<&str>,
    ) -> (Option<EventDate>, Option<EventDate>) {
        let (s, e) = frame.map_or((0, self.t.len()), |f| f.scope);
        let inside = self
            .times
            .iter()
            .enumerate()
            .filter(|(_, (_, a, b))| *a >= s && *b <= e)
            .min_by_key(|(_, (_, a, _))| a.abs_diff(tr.head))
            .map(|(i, _)| i);
        let outside = frame.and_then(|f| {
            self.times
                .iter()
                .enumerate()
                .filter(|(_, (_, a, b))| *b <= f.scope.0 || *a >= f.scope.1)
                .min_by_key(|(_, (_, a, _))| a.abs_diff(f.verb))
                .map(|(i, _)| i)
        });
        let narrative_date = |rule: &'static str| {
            narrative.map(|t| EventDate {
                value: t.value.clone(),
                earliest: t.earliest.map(crate::Day::iso),
                latest: t.latest.map(crate::Day::iso),
                text: t.span.slice(self.text).to_string(),
                span: (!t.span.is_empty()).then_some(t.span),
                rule: rule.into(),
            })
        };
        let doc_date = |rule: &'static str| {
            doc.map(|d| EventDate {
                value: d.to_string(),
                earliest: None,
                latest: None,
                text: String::new(),
                span: None,
                rule: rule.into(),
            })
        };
        let reported = match outside {
            Some(i) => Some(self.time_date(i, "events/reported/frame_time")),
            None if frame.is_some() => narrative_date("events/reported/narrative")
                .or_else(|| doc_date("events/reported/document")),
            None => doc_date("events/reported/document"),
        };
        let date = match inside {
            Some(i) => Some(self.time_date(i, "events/date/clause_time")),
            None => match outside {
                Some(i) => Some(self.time_date(i, "events/date/report_time")),
                None => narrative_date("events/date/narrative")
                    .or_else(|| doc_date("events/date/document")),
            },
        };
        (date, reported)
    }

    #[inline(never)]
    fn place(
        &self,
        tr: &Trig,
        frame: Option<&Frame>,
        actor: &[Party],
        recipient: &[Party],
    ) -> Option<EventLoc> {
        let (s, e) = frame.map_or((0, self.t.len()), |f| f.scope);
        let mut best: Option<(usize, usize)> = None;
        for &(_, pi) in self.local_places {
            let Some(p) = self.places.get(pi) else {
                continue;
            };
            let sp = p.span();
            if !self.span.contains(sp) {
                continue;
            }
            let Some((a, _)) = tok_range(self.t, sp) else {
                continue;
            };
            if a < s || a >= e || self.skipped[a] {
                continue;
            }
            let locative = self.prep_of(self.before(a)) == Some("locative");
            // A place inside a party's words ("Russian troops", "Moscow said") names the party,
            // not where the event happened, unless a locative preposition introduces it
            // ("protesters in Lyon").
            if !locative && actor.iter().chain(recipient).any(|a| a.span.overlaps(sp)) {
                continue;
            }
            let bonus = if locative { 0 } else { 6 };
            let d = a.abs_diff(tr.head) + bonus;
            if best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, pi));
            }
        }
        let (_, pi) = best?;
        let p = &self.places[pi];
        let (lat, lon) = match p.coordinates() {
            Some((a, b)) => (Some(a), Some(b)),
            None => (None, None),
        };
        Some(EventLoc {
            name: p.span().slice(self.text).to_string(),
            country: p.country().to_string(),
            lat,
            lon,
            precision: p.precision().to_string(),
            span: p.span(),
        })
    }
}

/// The tokens overlapping `span`: `(first, last_exclusive)`.
#[inline]
fn tok_range(t: &Tokens, span: Span) -> Option<(usize, usize)> {
    let first = t.toks.partition_point(|x| x.end <= span.start);
    if t.toks.get(first)?.start >= span.end {
        return None;
    }
    let mut last = first + 1;
    while last < t.toks.len() && t.toks[last].start < span.end {
        last += 1;
    }
    Some((first, last))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_concatenations_print_as_format_does() {
        for n in [0usize, 1, 9, 10, 99, 100, 12_345, usize::MAX] {
            let mut s = String::from("x-e");
            push_number(&mut s, n);
            assert_eq!(s, format!("x-e{n}"));
        }
        assert_eq!(concat(&["GBR", "GOV", ""]), "GBRGOV");
        assert_eq!(concat(&[]), "");
        assert!(same("said", "said") && !same("said", "sad") && !same("a", "b") && same("", ""));
        assert!(is_determiner("its") && !is_determiner("it"));
        let lex = Lexicon::builtin();
        assert!(lex.kinds(";") & KIND_HARD != 0 && lex.kinds("”") & KIND_HARD != 0);
        assert!(lex.kinds(",") & KIND_HARD == 0 && lex.kinds("") & KIND_HARD == 0);
    }
}
