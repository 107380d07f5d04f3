//! Time expressions: recognition, TIMEX3 normalization and narrative anchoring.
//!
//! A [`TimeRecognizer`] finds every time expression of an English news text (dates, weekdays,
//! relative and fuzzy expressions, durations, times of day, ranges and sets), gives each its
//! TIMEX3 type and value plus an `[earliest, latest]` interval, and resolves relative ones
//! against the document date or against the narrative time the text has just set. Patterns live
//! in `data/time/en.lex` and `data/time/en.rules` (format in `data/time/README.md`).
//!
//! ```
//! use annals_time::TimeRecognizer;
//!
//! let rec = TimeRecognizer::new();
//! let text = "On October 4, officials said the attack happened a day before.";
//! let found = rec.recognize(text, &[], Some("2024-10-21".parse().unwrap()));
//! let values: Vec<&str> = found.expressions.iter().map(|e| e.value.as_str()).collect();
//! assert_eq!(values, ["2024-10-04", "2024-10-03"]);
//! ```

mod calendar;
mod rules;
mod scan;

use annals_document::{Date, Sentence, Span};
use calendar::{Gran, Point, Tod};
use jiff::ToSpan;
use rules::{Arg, RuleSet};
use scan::{Cap, Kind, Match, Scanner, Tok};
use serde::Serialize;
use std::sync::OnceLock;

pub use rules::RuleError;

/// Days ahead within which an undated month counts as the coming one rather than the past one.
const NEAR_FUTURE_DAYS: i64 = 60;

/// The same for an undated day of a month in a clause not in the past tense: a day named in the
/// news is more often one of the coming months ("payable Jan. 2") than one of nine months ago.
const NEAR_FUTURE_DAYS_FOR_A_DAY: i64 = 90;

const EN_LEXICON: &str = include_str!("../../../data/time/en.lex");
const EN_RULES: &str = include_str!("../../../data/time/en.rules");

/// What a relative expression was resolved against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Anchor {
    /// `document_date` or `narrative`.
    pub kind: String,
    /// The expression that set the narrative time, when `kind` is `narrative`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
    /// The anchor's TIMEX3 value.
    pub value: String,
}

/// One time expression found in the text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimeExpression {
    /// Where it is in the text.
    pub span: Span,
    /// Its text.
    pub text: String,
    /// TIMEX3 type: DATE, TIME, DURATION or SET.
    #[serde(rename = "type")]
    pub timex_type: String,
    /// TIMEX3 value (ISO 8601 with TimeML's forms).
    pub value: String,
    /// TIMEX3 mod (START, MID, END, APPROX, ...).
    #[serde(rename = "mod", skip_serializing_if = "Option::is_none")]
    pub r#mod: Option<String>,
    /// First day it may refer to (DATE and TIME).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub earliest: Option<Date>,
    /// Last day it may refer to (DATE and TIME).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latest: Option<Date>,
    /// What it was resolved against, for relative and partial expressions.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub anchor: Option<Anchor>,
    /// The rule that found it, e.g. `time/shift/later`.
    pub rule: String,
}

/// The date a sentence's clauses are about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NarrativeTime {
    /// Index of the sentence.
    pub sentence: usize,
    /// TIMEX3 value of the narrative time.
    pub value: String,
    /// First day of the narrative time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub earliest: Option<Date>,
    /// Last day of the narrative time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latest: Option<Date>,
    /// The expression that set it (none when it is the document date).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
    /// Why: `time/narrative/set` (a date in the sentence), `time/narrative/relative` (a time
    /// placed relative to the narrative, e.g. "In a few days"), `time/narrative/carried` (from an
    /// earlier sentence) or `time/narrative/document_date`.
    pub rule: String,
}

/// Everything the time stage finds in one text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TimeAnnotations {
    /// Time expressions in text order.
    pub expressions: Vec<TimeExpression>,
    /// One narrative time per sentence (none when there is no date at all).
    pub narrative: Vec<NarrativeTime>,
}

/// A text's tokens (with their lower-cased text and vocabulary ids) and the rule matches over them.
struct Scanned<'r> {
    lower: String,
    toks: Vec<Tok>,
    ids: Vec<u32>,
    matches: Vec<Match<'r>>,
}

/// Recognizes and normalizes time expressions with a compiled rule set.
#[derive(Debug, Clone)]
pub struct TimeRecognizer {
    set: RuleSet,
    past_suffixes: Vec<String>,
    /// The last bytes of the past suffixes (every byte when one is empty).
    suffix_last: [bool; 256],
}

impl Default for TimeRecognizer {
    fn default() -> Self {
        TimeRecognizer::new()
    }
}

/// The direction a partial date is resolved in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dir {
    Past,
    PastStrict,
    Future,
    FutureStrict,
    Nearest,
    /// The same year as the anchor.
    Same,
}

/// The narrative time while reading: a period and the expression that set it.
#[derive(Debug, Clone, Copy)]
struct Narrative {
    point: Point,
    span: Option<Span>,
}

/// Per-call state of the resolver.
struct Ctx<'a> {
    doc: Option<Date>,
    narrative: Option<Narrative>,
    /// The last reporting period (quarter or half year) the text named.
    period: Option<Narrative>,
    /// The last year the text wrote out, and the sentence it is in: undated days and months in
    /// that sentence and the next belong to it ("In 2022, ... on Feb. 24").
    year: Option<(i64, usize)>,
    /// The days and months the text has dated so far (month, day, year): the same day or month
    /// written again without a year is the same one.
    dated: Vec<(i64, Option<i64>, i64)>,
    /// The index of the sentence being read.
    sentence: usize,
    /// The span of the sentence being read.
    sentence_span: Span,
    /// Whether the expression being read opens its clause after "in" ("In 2019, ...").
    topic: bool,
    tense: Dir,
    text: &'a str,
    /// The document date's TIMEX3 value, written once.
    doc_value: String,
}

/// The outcome of resolving one match.
struct Resolved {
    value: String,
    earliest: Option<Date>,
    latest: Option<Date>,
    r#mod: Option<String>,
    anchor: Option<Anchor>,
    /// A period that becomes the narrative time.
    sets: Option<Point>,
    /// A reporting period (quarter, half year) that later "a year earlier" refers to.
    period: Option<Point>,
    /// Whether a sentence can be about this time though it does not set the narrative (a time
    /// placed relative to the narrative).
    about: bool,
}

impl Resolved {
    fn plain(value: String) -> Resolved {
        Resolved {
            value,
            earliest: None,
            latest: None,
            r#mod: None,
            anchor: None,
            sets: None,
            period: None,
            about: false,
        }
    }
}

impl TimeRecognizer {
    /// The built-in English rules (compiled once per process, then cloned).
    pub fn new() -> TimeRecognizer {
        static BUILT_IN: OnceLock<RuleSet> = OnceLock::new();
        let set = BUILT_IN.get_or_init(|| match RuleSet::compile(EN_LEXICON, EN_RULES) {
            Ok(set) => set,
            Err(e) => unreachable!("built-in time rules do not compile: {e}"),
        });
        TimeRecognizer::with_set(set.clone())
    }

    /// A recognizer from a lexicon and a rule file in the format of `data/time/README.md`.
    pub fn from_rules(lexicon: &str, rules: &str) -> Result<TimeRecognizer, RuleError> {
        Ok(TimeRecognizer::with_set(RuleSet::compile(lexicon, rules)?))
    }

    fn with_set(set: RuleSet) -> TimeRecognizer {
        let past_suffixes: Vec<String> = set
            .class("pastsuffix")
            .map(|c| set.words_of(c).map(str::to_string).collect())
            .unwrap_or_default();
        let mut suffix_last = [false; 256];
        for s in &past_suffixes {
            match s.as_bytes().last() {
                Some(&b) => suffix_last[usize::from(b)] = true,
                None => suffix_last = [true; 256],
            }
        }
        TimeRecognizer {
            set,
            past_suffixes,
            suffix_last,
        }
    }

    /// Tokenizes `text` and matches every rule over it: the first step of both
    /// [`TimeRecognizer::spans`] and [`TimeRecognizer::recognize`].
    fn scan<'r>(&'r self, text: &str) -> Scanned<'r> {
        let lower = text.to_ascii_lowercase();
        let mut toks = Vec::new();
        let mut ids = Vec::new();
        scan::tokenize(&self.set, text, lower.as_bytes(), &mut toks, &mut ids);
        let scanner = Scanner {
            set: &self.set,
            text,
            lower: &lower,
            toks: &toks,
            ids: &ids,
        };
        let mut matches = Vec::new();
        scanner.scan(&mut matches);
        Scanned {
            lower,
            toks,
            ids,
            matches,
        }
    }

    /// Finds the spans of time expressions only (no normalization), for benchmarks.
    pub fn spans(&self, text: &str) -> Vec<Span> {
        let Scanned { toks, matches, .. } = self.scan(text);
        matches
            .iter()
            .map(|m| Span::new(toks[m.start].start, toks[m.end - 1].end))
            .collect()
    }

    /// Finds, normalizes and anchors the time expressions of `text`.
    ///
    /// `sentences` are the text's sentences in order (when empty, the text is one sentence);
    /// `document_date` anchors deictic expressions ("yesterday") and starts the narrative time.
    pub fn recognize(
        &self,
        text: &str,
        sentences: &[Sentence],
        document_date: Option<Date>,
    ) -> TimeAnnotations {
        let Scanned {
            lower,
            toks,
            ids,
            matches,
        } = self.scan(text);

        let whole = [Span::new(0, text.len())];
        let spans: Vec<Span> = if sentences.is_empty() {
            whole.to_vec()
        } else {
            sentences.iter().map(|s| s.span).collect()
        };
        let mut ctx = Ctx {
            doc: document_date,
            narrative: document_date
                .and_then(|d| Point::containing(Gran::Day, d))
                .map(|point| Narrative { point, span: None }),
            period: None,
            year: None,
            dated: Vec::new(),
            sentence: 0,
            sentence_span: Span::new(0, 0),
            topic: false,
            tense: Dir::Nearest,
            text,
            doc_value: document_date
                .and_then(|d| Point::containing(Gran::Day, d))
                .map(|p| p.value())
                .unwrap_or_default(),
        };
        let mut out = TimeAnnotations::default();
        out.expressions.reserve(matches.len());
        out.narrative.reserve(spans.len());
        let mut mi = 0;
        let mut ti = 0;
        let mut markers = Vec::new();
        let mut breaks = Vec::new();
        let mut narrative_value: Option<(Point, String)> = None;
        for (si, sspan) in spans.iter().enumerate() {
            // tokens and matches of this sentence
            while ti < toks.len() && toks[ti].start < sspan.start {
                ti += 1;
            }
            let tstart = ti;
            while ti < toks.len() && toks[ti].end <= sspan.end {
                ti += 1;
            }
            let has_match = matches
                .get(mi)
                .is_some_and(|m| toks[m.start].start < sspan.end);
            if has_match {
                self.markers(
                    &lower,
                    &toks[tstart..ti],
                    &ids[tstart..ti],
                    tstart,
                    &mut markers,
                    &mut breaks,
                );
            }
            let mut set_here: Option<Narrative> = None;
            // a relative time the sentence is about, when no date set it ("In a few days, ...")
            let mut relative_here: Option<NarrativeTime> = None;
            while mi < matches.len() && toks[matches[mi].start].start < sspan.end {
                let m = &matches[mi];
                mi += 1;
                let span = Span::new(toks[m.start].start, toks[m.end - 1].end);
                if span.start < sspan.start {
                    continue;
                }
                let rule = &self.set.rules[m.rule as usize];
                ctx.tense = closest(&markers, &breaks, m.start, m.end);
                ctx.sentence = si;
                ctx.sentence_span = *sspan;
                ctx.topic = m.start >= 1
                    && lower.get(toks[m.start - 1].start..toks[m.start - 1].end) == Some("in")
                    && (m.start == 1
                        || toks[m.start - 2].kind == Kind::Punct
                        || toks[m.start - 1].start <= sspan.start);
                let Some(res) = self.resolve(m, &mut ctx) else {
                    continue;
                };
                if let Some(point) = res.period {
                    ctx.period = Some(Narrative {
                        point,
                        span: Some(span),
                    });
                }
                if let Some(point) = res.sets {
                    let n = Narrative {
                        point,
                        span: Some(span),
                    };
                    ctx.narrative = Some(n);
                    if set_here.is_none() {
                        set_here = Some(n);
                    }
                } else if res.about && relative_here.is_none() && rule.timex_type != "DURATION" {
                    relative_here = Some(NarrativeTime {
                        sentence: si,
                        value: res.value.clone(),
                        earliest: res.earliest,
                        latest: res.latest,
                        span: Some(span),
                        rule: "time/narrative/relative".into(),
                    });
                }
                out.expressions.push(TimeExpression {
                    span,
                    text: span.slice(text).to_string(),
                    timex_type: rule.timex_type.to_string(),
                    value: res.value,
                    r#mod: res.r#mod,
                    earliest: res.earliest,
                    latest: res.latest,
                    anchor: res.anchor,
                    rule: rule.name.clone(),
                });
            }
            if set_here.is_none()
                && let Some(rel) = relative_here
            {
                out.narrative.push(rel);
                continue;
            }
            let (n, why) = match set_here {
                Some(n) => (Some(n), "time/narrative/set"),
                None => match ctx.narrative {
                    Some(n) if n.span.is_some() => (Some(n), "time/narrative/carried"),
                    other => (other, "time/narrative/document_date"),
                },
            };
            if let Some(n) = n {
                let iv = n.point.interval();
                let point = Point {
                    tod: None,
                    ..n.point
                };
                // consecutive sentences mostly share their narrative time: write its value once
                let value = match &narrative_value {
                    Some((p, v)) if *p == point => v.clone(),
                    _ => {
                        let v = point.value();
                        narrative_value = Some((point, v.clone()));
                        v
                    }
                };
                out.narrative.push(NarrativeTime {
                    sentence: si,
                    value,
                    earliest: iv.map(|i| i.0),
                    latest: iv.map(|i| i.1),
                    span: n.span,
                    rule: why.to_string(),
                });
            }
        }
        out
    }

    /// Tense markers of a sentence: token index and direction.
    fn markers(
        &self,
        lower: &str,
        toks: &[Tok],
        ids: &[u32],
        offset: usize,
        out: &mut Vec<Marker>,
        breaks: &mut Vec<usize>,
    ) {
        let past_class = self.set.known.past;
        let future_class = self.set.known.future;
        out.clear();
        breaks.clear();
        for (i, t) in toks.iter().enumerate() {
            if t.kind == Kind::Punct {
                // a comma, colon, parenthesis or spaced dash ends a clause
                let p = lower.as_bytes().get(t.start).copied().unwrap_or(0);
                if matches!(p, b',' | b';' | b':' | b'(' | b')' | b'_')
                    || (p == b'-' && t.space_before)
                {
                    breaks.push(offset + i);
                }
                continue;
            }
            if t.kind != Kind::Word {
                continue;
            }
            let mut dir = None;
            let id = ids.get(i).copied().unwrap_or(rules::NO_ID);
            if id != rules::NO_ID {
                for e in &self.set.entries[id as usize] {
                    if Some(e.class) == past_class {
                        dir = Some(Dir::Past);
                    } else if Some(e.class) == future_class {
                        dir = Some(Dir::Future);
                    }
                }
                // "the planned trip", "the reported attack": an adjective, not a verb
                if dir.is_some()
                    && lower
                        .get(t.start..t.end)
                        .is_some_and(|w| self.has_past_suffix(w))
                    && self.after_determiner(lower, toks, ids, i)
                {
                    dir = None;
                }
            } else {
                let w = lower.get(t.start..t.end).unwrap_or("");
                if let Some(pos) = w.bytes().position(|b| b == b'\'') {
                    if self.is_future_word(&w[pos..]) {
                        dir = Some(Dir::Future);
                    }
                } else if w.len() >= 5
                    && self.has_past_suffix(w)
                    && !self.after_auxiliary(ids, i)
                    && !self.after_determiner(lower, toks, ids, i)
                {
                    // "was named", "will be named": a participle after a form of "be" does not
                    // set the tense; the auxiliary (or a word before it) does
                    dir = Some(Dir::Past);
                }
            }
            if let Some(d) = dir {
                out.push(Marker {
                    at: offset + i,
                    dir: d,
                    clause: breaks.len(),
                });
            }
        }
    }

    /// Whether `w` ends with a past suffix ("-ed"); the last byte is tested first.
    fn has_past_suffix(&self, w: &str) -> bool {
        w.as_bytes()
            .last()
            .is_none_or(|&b| self.suffix_last[usize::from(b)])
            && self.past_suffixes.iter().any(|s| w.ends_with(s.as_str()))
    }

    /// Whether a word (such as the `'ll` of `we'll`) is in the `future` class.
    fn is_future_word(&self, w: &str) -> bool {
        let Some(class) = self.set.known.future else {
            return false;
        };
        self.set.entries_of(w).iter().any(|e| e.class == class)
    }

    /// Whether the token before `i` is a form of "be" (lexicon class `passive`).
    fn after_auxiliary(&self, ids: &[u32], i: usize) -> bool {
        let Some(class) = self.set.known.passive else {
            return false;
        };
        i.checked_sub(1)
            .and_then(|j| ids.get(j))
            .filter(|id| **id != rules::NO_ID)
            .is_some_and(|id| {
                self.set.entries[*id as usize]
                    .iter()
                    .any(|e| e.class == class)
            })
    }

    /// Whether the word at `i` follows a determiner, directly or after one modifier (`the
    /// reduced dividend`, `a still unspecified date`, `an newly elected`): a word with a past
    /// ending there is an adjective, not a verb in the past tense.
    fn after_determiner(&self, lower: &str, toks: &[Tok], ids: &[u32], i: usize) -> bool {
        let Some(det) = self.set.known.determiner else {
            return false;
        };
        let in_class = |j: usize, class: Option<u16>| {
            class.is_some_and(|c| {
                ids.get(j)
                    .filter(|id| **id != rules::NO_ID)
                    .is_some_and(|id| self.set.entries[*id as usize].iter().any(|e| e.class == c))
            })
        };
        let Some(prev) = i.checked_sub(1) else {
            return false;
        };
        if in_class(prev, Some(det)) {
            return true;
        }
        // one modifier between: a degree word or an adverb in -ly
        let modifier = in_class(prev, self.set.known.degree)
            || toks.get(prev).is_some_and(|t| {
                t.kind == Kind::Word
                    && lower
                        .get(t.start..t.end)
                        .is_some_and(|w| w.len() > 4 && w.ends_with("ly"))
            });
        modifier && prev.checked_sub(1).is_some_and(|j| in_class(j, Some(det)))
    }

    /// An argument of the match's rule as text (a capture's value or a literal).
    fn arg<'m>(&'m self, m: &'m Match<'m>, key: &str, text: &'m str) -> Option<ArgVal<'m>> {
        let rule = &self.set.rules[m.rule as usize];
        let (_, arg) = rule.args.iter().find(|(k, _)| k == key)?;
        match arg {
            Arg::Lit(s) => Some(ArgVal::Str(s.as_str())),
            Arg::Capture(i) => match m.caps.get(*i)?.as_ref()? {
                Cap::Lex(s) => Some(ArgVal::Str(s)),
                Cap::Int(v) => Some(ArgVal::Int(*v)),
                Cap::Clock(h, mi) => Some(ArgVal::Clock(*h, *mi)),
                Cap::Text(s, e) => Some(ArgVal::Str(text.get(*s..*e).unwrap_or(""))),
            },
        }
    }

    fn int(&self, m: &Match<'_>, key: &str, text: &str) -> Option<i64> {
        match self.arg(m, key, text)? {
            ArgVal::Int(v) => Some(v),
            ArgVal::Str(s) => s.parse().ok().or_else(|| self.word_number(s)),
            ArgVal::Clock(h, _) => Some(i64::from(h)),
        }
    }

    /// A direction or step word ("before", "last", "next") as a number via the lexicon.
    fn word_number(&self, word: &str) -> Option<i64> {
        let w = word.to_ascii_lowercase();
        ["back", "forth", "which", "numword"]
            .iter()
            .find_map(|c| self.set.lookup(&w, c)?.parse().ok())
    }

    fn string(&self, m: &Match<'_>, key: &str, text: &str) -> Option<String> {
        match self.arg(m, key, text)? {
            ArgVal::Str(s) => Some(s.to_string()),
            ArgVal::Int(v) => Some(v.to_string()),
            ArgVal::Clock(h, mi) => Some(format!("{h:02}:{mi:02}")),
        }
    }

    /// A unit code from a code or a unit word.
    fn unit(&self, m: &Match<'_>, text: &str) -> Option<String> {
        let u = self.string(m, "unit", text)?;
        if Gran::of_unit(&u).is_some() {
            return Some(u);
        }
        let w = u.to_ascii_lowercase();
        self.set
            .lookup(&w, "unit")
            .or_else(|| self.set.lookup(&w, "units"))
            .map(str::to_string)
    }

    fn resolve(&self, m: &Match<'_>, ctx: &mut Ctx<'_>) -> Option<Resolved> {
        let rule = &self.set.rules[m.rule as usize];
        let text = ctx.text;
        let r#mod = self
            .string(m, "mod", text)
            .filter(|s| s.chars().all(|c| c.is_ascii_uppercase() || c == '_'));
        let mut res = match rule.action.as_str() {
            "date" => self.resolve_date(m, ctx),
            "period" => self.resolve_period(m, ctx),
            "shift" => self.resolve_shift(m, ctx),
            "time" => self.resolve_time(m, ctx),
            "range" => self.resolve_range(m, ctx),
            "dur" => Some(self.resolve_dur(m, text)),
            "set" => Some(self.resolve_set(m, text)),
            "ref" => {
                let v = self.string(m, "v", text)?;
                let d = ctx.doc;
                let (e, l) = match v.as_str() {
                    "PRESENT_REF" => (d, d),
                    "PAST_REF" => (None, d),
                    _ => (d, None),
                };
                Some(Resolved {
                    earliest: e,
                    latest: l,
                    ..Resolved::plain(v)
                })
            }
            _ => None,
        }?;
        if let Some(md) = &r#mod {
            if let (Some(e), Some(l)) = (res.earliest, res.latest)
                && let Ok(span) = e.until(l)
            {
                let days = i64::from(span.get_days());
                let third = days / 3;
                let (a, b) = match md.as_str() {
                    "START" => (0, third),
                    "MID" => (third, days - third),
                    "END" => (days - third, days),
                    _ => (0, days),
                };
                res.earliest = e.checked_add(a.days()).ok();
                res.latest = e.checked_add(b.days()).ok();
            }
            res.r#mod = Some(md.clone());
        }
        Some(res)
    }

    fn doc_anchor(ctx: &Ctx<'_>) -> Option<(Point, Anchor)> {
        let d = ctx.doc?;
        let p = Point::containing(Gran::Day, d)?;
        Some((
            p,
            Anchor {
                kind: "document_date".into(),
                span: None,
                value: ctx.doc_value.clone(),
            },
        ))
    }

    /// The narrative anchor (falls back to the document date; future-tense clauses use the
    /// document date).
    fn narr_anchor(ctx: &Ctx<'_>) -> Option<(Point, Anchor)> {
        match ctx.narrative {
            // a future clause looks from the document date, unless its own sentence set the time
            Some(n)
                if n.span
                    .is_some_and(|s| ctx.tense != Dir::Future || ctx.sentence_span.contains(s)) =>
            {
                let p = Point {
                    tod: None,
                    ..n.point
                };
                Some((
                    p,
                    Anchor {
                        kind: "narrative".into(),
                        span: n.span,
                        value: p.value(),
                    },
                ))
            }
            _ => Self::doc_anchor(ctx),
        }
    }

    fn anchor_for(&self, m: &Match<'_>, ctx: &Ctx<'_>) -> Option<(Point, Anchor)> {
        match self.string(m, "anchor", ctx.text).as_deref() {
            // a year back from a reporting period the text has named is that period a year
            // earlier: "a year ago" after "the third quarter" is last year's third quarter
            Some("narr" | "docperiod")
                if self.unit(m, ctx.text).as_deref() == Some("Y")
                    && ctx.period.is_some()
                    && ctx.tense != Dir::Future =>
            {
                let n = ctx.period?;
                Some((
                    n.point,
                    Anchor {
                        kind: "narrative".into(),
                        span: n.span,
                        value: n.point.value(),
                    },
                ))
            }
            Some("narr") => {
                // a narrative time of a month or more cannot place a day or a week ("the
                // weekend", "two days later" after "in 1993"): those look from the document date
                let fine = self
                    .unit(m, ctx.text)
                    .and_then(|u| Gran::of_unit(&u))
                    .is_some_and(|g| g <= Gran::Week);
                match Self::narr_anchor(ctx) {
                    Some((p, a)) if fine && p.gran > Gran::Week && a.kind == "narrative" => {
                        Self::doc_anchor(ctx)
                    }
                    other => other,
                }
            }
            _ => Self::doc_anchor(ctx),
        }
    }

    fn direction(&self, m: &Match<'_>, ctx: &Ctx<'_>) -> Dir {
        match self.string(m, "dir", ctx.text).as_deref() {
            Some("past") => return Dir::PastStrict,
            Some("future") => return Dir::FutureStrict,
            Some("same") => return Dir::Same,
            _ => {}
        }
        match self.int(m, "k", ctx.text) {
            Some(k) if k < 0 => Dir::PastStrict,
            Some(k) if k > 0 => Dir::FutureStrict,
            Some(_) => Dir::Same,
            None => ctx.tense,
        }
    }

    fn resolve_date(&self, m: &Match<'_>, ctx: &mut Ctx<'_>) -> Option<Resolved> {
        let text = ctx.text;
        // a year given relative to the document's: "June last year" (yk=-1)
        let written = self.int(m, "y", text);
        if let Some(y) = written
            && ctx.topic
        {
            ctx.year = Some((y, ctx.sentence));
        }
        let y = written.or_else(|| {
            let k = self.int(m, "yk", text)?;
            Some(i64::from(ctx.doc?.year()) + k)
        });
        let mo = self.int(m, "m", text);
        let d = self.int(m, "d", text);
        let w = self.int(m, "w", text);
        let dir = self.direction(m, ctx);
        let tod = self.tod(m, text);
        // a day of a month, or a fixed holiday
        let nth = self.string(m, "md", text).filter(|md| md.contains(':'));
        if let Some(nth) = nth {
            return self.nth_weekday(&nth, ctx);
        }
        let (mo, d) = match self.string(m, "md", text) {
            Some(md) => {
                let (a, b) = md.split_once('-')?;
                (Some(a.parse().ok()?), Some(b.parse().ok()?))
            }
            None => (mo, d),
        };
        let as_week = self.string(m, "gran", text).as_deref() == Some("W");
        let make: Box<dyn Fn(i64) -> Option<Point>> = if let Some(dec) = self.int(m, "decade", text)
        {
            return Some(self.absolute(
                Point {
                    gran: Gran::Decade,
                    start: calendar::date(dec * 10, 1, 1)?,
                    tod: None,
                },
                false,
            ));
        } else if let Some(c) = self.int(m, "century", text) {
            return Some(self.absolute(
                Point {
                    gran: Gran::Century,
                    start: calendar::date((c - 1) * 100, 1, 1)?,
                    tod: None,
                },
                false,
            ));
        } else if let (Some(mo), Some(d)) = (mo, d) {
            Box::new(move |y| {
                let day = calendar::date(y, mo, d)?;
                if as_week {
                    Point::containing(Gran::Week, day)
                } else {
                    Some(Point {
                        gran: Gran::Day,
                        start: day,
                        tod,
                    })
                }
            })
        } else if let Some(mo) = mo {
            Box::new(move |y| Point::containing(Gran::Month, calendar::date(y, mo, 1)?))
        } else if let Some(q) = self.int(m, "q", text).filter(|q| (1..=4).contains(q)) {
            Box::new(move |y| Point::containing(Gran::Quarter, calendar::date(y, q * 3 - 2, 1)?))
        } else if let Some(h) = self.int(m, "half", text).filter(|h| (1..=2).contains(h)) {
            Box::new(move |y| Point::containing(Gran::Half, calendar::date(y, h * 6 - 5, 1)?))
        } else if let Some(s) = self.string(m, "season", text) {
            let month = match s.as_str() {
                "SP" => 3,
                "SU" => 6,
                "FA" => 9,
                _ => 12,
            };
            Box::new(move |y| Point::containing(Gran::Season, calendar::date(y, month, 1)?))
        } else if let Some(w) = w {
            let Some((ap, a)) = Self::doc_anchor(ctx) else {
                return Some(Resolved::plain(format!("XXXX-WXX-{w}")));
            };
            let wd = calendar::weekday(w)?;
            // news reports weekdays of the past week unless the clause is about the future
            // (a weekday with no tense around it that is tomorrow is tomorrow)
            let tomorrow_ok = dir == Dir::Nearest;
            let dir = if dir == Dir::Nearest { Dir::Past } else { dir };
            let base = ap.start;
            let mut best: Option<(i64, Date)> = None;
            for off in -7i64..=7 {
                let day = base.checked_add(off.days()).ok()?;
                if day.weekday() != wd {
                    continue;
                }
                let ok = match dir {
                    Dir::Past => off <= 0 || (tomorrow_ok && off == 1),
                    Dir::PastStrict => off < 0,
                    Dir::Future => off >= 0,
                    Dir::FutureStrict => off > 0,
                    Dir::Nearest | Dir::Same => true,
                };
                let score = if dir == Dir::Nearest {
                    off.abs() * 2 + i64::from(off > 0)
                } else {
                    off.abs()
                };
                if ok && best.is_none_or(|(s, _)| score < s) {
                    best = Some((score, day));
                }
            }
            let (_, day) = best?;
            let p = Point {
                gran: Gran::Day,
                start: day,
                tod,
            };
            let mut r = self.absolute(p, true);
            r.anchor = Some(a);
            return Some(r);
        } else if let Some(y) = y {
            // "the 1988 quarter": the reporting period the text has named, in that year
            if self.string(m, "gran", text).as_deref() == Some("period")
                && let Some(n) = ctx.period
                && let Some(p) = calendar::date(
                    y,
                    i64::from(n.point.start.month()),
                    i64::from(n.point.start.day()),
                )
                .and_then(|d| Point::containing(n.point.gran, d))
            {
                let mut r = self.absolute(p, false);
                r.period = None;
                r.anchor = Some(Anchor {
                    kind: "narrative".into(),
                    span: n.span,
                    value: n.point.value(),
                });
                return Some(r);
            }
            let p = Point::containing(Gran::Year, calendar::date(y, 1, 1)?)?;
            return Some(self.absolute(p, true));
        } else {
            return None;
        };
        // a day or month of the calendar (not a quarter, half year or season)
        let calendar_day = mo.filter(|_| {
            self.int(m, "q", text).is_none()
                && self.int(m, "half", text).is_none()
                && self.string(m, "season", text).is_none()
        });
        let remember = |ctx: &mut Ctx<'_>, p: &Point| {
            if let Some(mo) = calendar_day {
                ctx.dated.push((mo, d, i64::from(p.start.year())));
            }
        };
        if let Some(y) = y {
            let p = make(y)?;
            remember(ctx, &p);
            return Some(self.absolute(p, true));
        }
        // "Thursday, Oct. 24": the year in which that day is that weekday
        if let (Some(w), Some(mo), Some(d), Some(doc)) = (w, mo, d, ctx.doc) {
            let y0 = i64::from(doc.year());
            let wd = calendar::weekday(w)?;
            let fits = [y0, y0 - 1, y0 + 1]
                .into_iter()
                .find(|y| calendar::date(*y, mo, d).is_some_and(|day| day.weekday() == wd));
            if let Some(p) = fits.and_then(&make) {
                remember(ctx, &p);
                return Some(self.absolute(p, true));
            }
        }
        // a year written just before, in this sentence or the last, holds for undated days and
        // months unless the rule fixes a direction
        if let Some((y, si)) = ctx.year
            && si + 1 >= ctx.sentence
            && self.string(m, "dir", text).is_none()
            && self.int(m, "k", text).is_none()
            && ctx.doc.is_none_or(|d| i64::from(d.year()) != y)
            && let Some(p) = make(y)
        {
            remember(ctx, &p);
            let mut r = self.absolute(p, true);
            r.anchor = ctx.narrative.filter(|n| n.span.is_some()).map(|n| Anchor {
                kind: "narrative".into(),
                span: n.span,
                value: n.point.value(),
            });
            return Some(r);
        }
        // the same day dated before in the text, written again without a year or a direction,
        // is the same one; so is the same month in a clause without a tense
        if let Some(mo) = calendar_day
            && w.is_none()
            && (d.is_some() || dir == Dir::Nearest)
            && self.string(m, "dir", text).is_none()
            && self.int(m, "k", text).is_none()
            && let Some(&(_, _, y)) = ctx
                .dated
                .iter()
                .rev()
                .find(|(m0, d0, _)| *m0 == mo && (*d0 == d || d.is_none()))
            && let Some(p) = make(y)
        {
            let mut r = self.absolute(p, true);
            r.anchor = Self::doc_anchor(ctx).map(|(_, a)| a);
            return Some(r);
        }
        // no year: pick the year that puts it nearest the anchor in the tense's direction; a
        // clause without any tense after the text moved to a coming date stays in that future
        let untensed = dir == Dir::Nearest
            && self.string(m, "dir", text).is_none()
            && self.int(m, "k", text).is_none();
        let ahead = ctx
            .narrative
            .filter(|n| n.span.is_some())
            .zip(ctx.doc)
            .is_some_and(|(n, d)| n.point.gran <= Gran::Month && n.point.start > d);
        let anchor = if untensed && ahead {
            Self::narr_anchor(ctx).or_else(|| Self::doc_anchor(ctx))
        } else {
            Self::doc_anchor(ctx)
        };
        let Some((ap, a)) = anchor else {
            let p = make(2000)?;
            let v = p.value();
            return Some(Resolved::plain(format!("XXXX{}", v.get(4..).unwrap_or(""))));
        };
        let k = self.int(m, "k", text);
        // the tense only pushes a day of a month forward; periods go to the nearest one
        let explicit = self.string(m, "dir", text).is_some() || k.is_some();
        let past_clause = dir == Dir::Past;
        let dir = match dir {
            Dir::Past => Dir::Nearest,
            Dir::Future if !explicit && mo.is_none() => Dir::Nearest,
            other => other,
        };
        let year0 = i64::from(ap.start.year());
        let mut best: Option<(i64, Point)> = None;
        for yy in year0 - 1..=year0 + 1 {
            let Some(p) = make(yy) else { continue };
            let Some((s, e)) = p.interval() else { continue };
            let here = ap.start;
            let ok = match dir {
                Dir::Past => s <= here,
                Dir::PastStrict => e < here,
                // a clause about the future may still name a day of the past week
                Dir::Future => e >= here.checked_sub(7.days()).unwrap_or(here),
                Dir::FutureStrict => s > here,
                Dir::Nearest => true,
                Dir::Same => yy == year0,
            };
            let dist = if s <= here && here <= e {
                0
            } else if e < here {
                i64::from(e.until(here).ok()?.get_days())
            } else {
                i64::from(here.until(s).ok()?.get_days())
            };
            // without a tense, the past one wins unless the coming one is near
            let near = if p.gran == Gran::Day && !past_clause {
                NEAR_FUTURE_DAYS_FOR_A_DAY
            } else {
                NEAR_FUTURE_DAYS
            };
            let dist = if dir == Dir::Nearest && s > here && dist > near {
                dist + 366
            } else {
                dist
            };
            if ok && best.is_none_or(|(bd, _)| dist < bd) {
                best = Some((dist, p));
            }
            if k == Some(0) && dist == 0 {
                best = Some((-1, p));
            }
        }
        let (_, p) = best?;
        remember(ctx, &p);
        let mut r = self.absolute(p, true);
        r.anchor = Some(a);
        Some(r)
    }

    /// A holiday on the n-th weekday of a month (`month:n:weekday`), in the nearest year.
    fn nth_weekday(&self, spec: &str, ctx: &Ctx<'_>) -> Option<Resolved> {
        let mut parts = spec.split(':').map(|p| p.parse::<i64>().ok());
        let (Some(Some(mo)), Some(Some(n)), Some(Some(w))) =
            (parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        let (ap, a) = Self::doc_anchor(ctx)?;
        let wd = calendar::weekday(w)?;
        let y0 = i64::from(ap.start.year());
        let mut best: Option<(i64, Date)> = None;
        for y in y0 - 1..=y0 + 1 {
            let first = calendar::date(y, mo, 1)?;
            let shift = (i64::from(wd.to_monday_zero_offset())
                - i64::from(first.weekday().to_monday_zero_offset()))
            .rem_euclid(7);
            let day = first.checked_add((shift + 7 * (n - 1)).days()).ok()?;
            let dist = i64::from(day.until(ap.start).ok()?.get_days()).abs();
            if best.is_none_or(|(b, _)| dist < b) {
                best = Some((dist, day));
            }
        }
        let mut r = self.absolute(Point::containing(Gran::Day, best?.1)?, true);
        r.anchor = Some(a);
        Some(r)
    }

    /// A resolved period: value, interval, and whether it sets the narrative time.
    fn absolute(&self, p: Point, sets: bool) -> Resolved {
        let iv = p.interval();
        Resolved {
            value: p.value(),
            earliest: iv.map(|i| i.0),
            latest: iv.map(|i| i.1),
            r#mod: None,
            anchor: None,
            sets: sets.then_some(p),
            period: matches!(p.gran, Gran::Quarter | Gran::Half).then_some(p),
            about: false,
        }
    }

    fn tod(&self, m: &Match<'_>, text: &str) -> Option<Tod> {
        if let Some(p) = self.string(m, "part", text) {
            return Some(Tod::Part(match p.as_str() {
                "MO" => "MO",
                "AF" => "AF",
                "EV" => "EV",
                "NI" => "NI",
                _ => return None,
            }));
        }
        let (h, mi) = match self.arg(m, "clock", text)? {
            ArgVal::Clock(h, mi) => (h, mi),
            ArgVal::Str(s) => {
                let (h, mi) = s.split_once(':')?;
                (h.parse().ok()?, mi.parse().ok()?)
            }
            ArgVal::Int(h) => (u32::try_from(h).ok()?, 0),
        };
        let h = match self.string(m, "ampm", text).as_deref() {
            Some("PM") if h < 12 => h + 12,
            Some("AM") if h == 12 => 0,
            _ => h,
        };
        (h <= 24 && mi < 60).then_some(Tod::Clock(h, mi))
    }

    fn resolve_time(&self, m: &Match<'_>, ctx: &mut Ctx<'_>) -> Option<Resolved> {
        let tod = self.tod(m, ctx.text)?;
        let Some((p, a)) = Self::narr_anchor(ctx) else {
            let v = Point {
                gran: Gran::Day,
                start: calendar::date(2000, 1, 1)?,
                tod: Some(tod),
            }
            .value();
            return Some(Resolved::plain(format!(
                "XXXX-XX-XX{}",
                v.get(10..).unwrap_or("")
            )));
        };
        let day = if p.gran == Gran::Day {
            p.start
        } else {
            ctx.doc.unwrap_or(p.start)
        };
        let mut r = self.absolute(
            Point {
                gran: Gran::Day,
                start: day,
                tod: Some(tod),
            },
            false,
        );
        r.anchor = Some(a);
        Some(r)
    }

    fn resolve_period(&self, m: &Match<'_>, ctx: &mut Ctx<'_>) -> Option<Resolved> {
        let text = ctx.text;
        let gran = Gran::of_unit(&self.unit(m, text)?)?;
        let k = self.int(m, "k", text).unwrap_or(0);
        let tod = self.tod(m, text);
        let Some((ap, a)) = self.anchor_for(m, ctx) else {
            return Some(Resolved::plain(
                if k < 0 {
                    "PAST_REF"
                } else if k > 0 {
                    "FUTURE_REF"
                } else {
                    "PRESENT_REF"
                }
                .into(),
            ));
        };
        let mut p = Point::containing(gran, ap.start)?.step(k)?;
        // "the weekend" seen from a working day: the past one, unless the clause is about the
        // future
        if gran == Gran::Weekend
            && k == 0
            && ap.start.weekday().to_monday_one_offset() <= 5
            && ctx.tense != Dir::Future
        {
            p = p.step(-1)?;
        }
        p.tod = tod;
        let deictic = a.kind == "document_date" && gran == Gran::Day;
        let mut r = self.absolute(p, deictic);
        r.about = a.kind == "narrative";
        r.anchor = Some(a);
        Some(r)
    }

    fn resolve_shift(&self, m: &Match<'_>, ctx: &mut Ctx<'_>) -> Option<Resolved> {
        let text = ctx.text;
        let unit = self.unit(m, text)?;
        let gran = Gran::of_unit(&unit)?;
        let dir = self.int(m, "dir", text).unwrap_or(-1).signum();
        let (lo, hi) = match self.string(m, "n", text)? {
            s if s.contains('-') => {
                let (a, b) = s.split_once('-')?;
                (a.parse().ok()?, b.parse().ok()?)
            }
            s => match s.parse::<i64>() {
                Ok(n) => (n, n),
                Err(_) => (2, 5),
            },
        };
        let Some((ap, a)) = self.anchor_for(m, ctx) else {
            return Some(Resolved::plain(
                if dir < 0 { "PAST_REF" } else { "FUTURE_REF" }.into(),
            ));
        };
        let shift = |n: i64| -> Option<Date> {
            let n = n * dir;
            let d = ap.start;
            match unit.as_str() {
                "D" => d.checked_add(n.days()).ok(),
                "W" | "WE" => d.checked_add((7 * n).days()).ok(),
                "M" => d.checked_add(n.months()).ok(),
                "Q" => d.checked_add((3 * n).months()).ok(),
                "Y" => d.checked_add(n.years()).ok(),
                "DE" => d.checked_add((10 * n).years()).ok(),
                "CE" => d.checked_add((100 * n).years()).ok(),
                "H" => d.checked_add((n / 24).days()).ok(),
                _ => Some(d),
            }
        };
        let mut r = if lo == hi {
            // keep the anchor's granularity when shifting a period by a coarser unit
            let out_gran = if ap.gran != Gran::Day && gran >= ap.gran {
                ap.gran
            } else {
                gran
            };
            let p = Point::containing(out_gran, shift(lo)?)?;
            Resolved {
                period: None,
                ..self.absolute(p, false)
            }
        } else {
            let (a1, b1) = (shift(lo)?, shift(hi)?);
            let (e, l) = if a1 <= b1 { (a1, b1) } else { (b1, a1) };
            let (e, l) = (
                Point::containing(gran, e)?.interval()?.0,
                Point::containing(gran, l)?.interval()?.1,
            );
            let value = calendar::enclosing(e, l)
                .map(|p| p.value())
                .unwrap_or_else(|| {
                    if dir < 0 {
                        "PAST_REF".into()
                    } else {
                        "FUTURE_REF".into()
                    }
                });
            Resolved {
                earliest: Some(e),
                latest: Some(l),
                ..Resolved::plain(value)
            }
        };
        r.about = a.kind == "narrative";
        r.anchor = Some(a);
        Some(r)
    }

    fn resolve_range(&self, m: &Match<'_>, ctx: &mut Ctx<'_>) -> Option<Resolved> {
        let text = ctx.text;
        let (ap, a) = Self::doc_anchor(ctx)?;
        let (first, last) =
            if let (Some(w1), Some(w2)) = (self.int(m, "w", text), self.int(m, "w2", text)) {
                let week = Point::containing(Gran::Week, ap.start)?;
                let week = if ctx.tense == Dir::Future {
                    week
                } else if ap.start.weekday().to_monday_one_offset() < w2 as i8 {
                    week.step(-1)?
                } else {
                    week
                };
                (
                    week.start.checked_add((w1 - 1).days()).ok()?,
                    week.start.checked_add((w2 - 1).days()).ok()?,
                )
            } else {
                let mo = self.int(m, "m", text)?;
                let (d1, d2) = (self.int(m, "d", text)?, self.int(m, "d2", text)?);
                let y = match self.int(m, "y", text) {
                    Some(y) => y,
                    None => {
                        let y0 = i64::from(ap.start.year());
                        let mut best = (i64::MAX, y0);
                        for y in y0 - 1..=y0 + 1 {
                            if let Some(dd) = calendar::date(y, mo, d1) {
                                let dist = i64::from(dd.until(ap.start).ok()?.get_days()).abs();
                                if dist < best.0 {
                                    best = (dist, y);
                                }
                            }
                        }
                        best.1
                    }
                };
                (calendar::date(y, mo, d1)?, calendar::date(y, mo, d2)?)
            };
        if first > last {
            return None;
        }
        let value = calendar::enclosing(first, last)?.value();
        Some(Resolved {
            earliest: Some(first),
            latest: Some(last),
            anchor: Some(a),
            sets: Point::containing(Gran::Day, first),
            ..Resolved::plain(value)
        })
    }

    fn resolve_dur(&self, m: &Match<'_>, text: &str) -> Resolved {
        let unit = self.unit(m, text).unwrap_or_else(|| "D".into());
        let n = self.string(m, "n", text).unwrap_or_else(|| "X".into());
        let half = self.int(m, "half", text).is_some();
        let n = match (n.parse::<f64>(), half) {
            (Ok(v), true) => format_num(v + 0.5),
            (Ok(v), false) => format_num(v),
            _ => n,
        };
        Resolved::plain(duration(&n, &unit))
    }

    fn resolve_set(&self, m: &Match<'_>, text: &str) -> Resolved {
        if let Some(v) = self.string(m, "v", text) {
            return Resolved::plain(v);
        }
        let part = match self.tod(m, text) {
            Some(Tod::Part(p)) => p,
            _ => "",
        };
        if let Some(w) = self.int(m, "w", text) {
            // "Tuesday nights": XXXX-WXX-2TNI
            let t = if part.is_empty() { "" } else { "T" };
            return Resolved::plain(format!("XXXX-WXX-{w}{t}{part}"));
        }
        // "each July": XXXX-07
        if let Some(mo) = self.int(m, "m", text).filter(|mo| (1..=12).contains(mo)) {
            return Resolved::plain(format!("XXXX-{mo:02}"));
        }
        if let Some(Tod::Part(p)) = self.tod(m, text) {
            return Resolved::plain(format!("XXXX-XX-XXT{p}"));
        }
        let unit = self.unit(m, text).unwrap_or_else(|| "D".into());
        let n = self.string(m, "n", text).unwrap_or_else(|| "1".into());
        Resolved::plain(duration(&n, &unit))
    }
}

/// A tense marker of a sentence: its token, its direction and the clause it is in.
#[derive(Debug, Clone, Copy)]
struct Marker {
    at: usize,
    dir: Dir,
    clause: usize,
}

/// Token distance a clause boundary adds between a marker and an expression.
const CLAUSE_PENALTY: usize = 8;

/// The direction of the tense marker closest to tokens `[start, end)`, or `Nearest`. Markers
/// after the expression count double, and each clause boundary in between adds
/// [`CLAUSE_PENALTY`]: the verb before a time in its own clause is usually the one it modifies.
fn closest(markers: &[Marker], breaks: &[usize], start: usize, end: usize) -> Dir {
    let clause = breaks.partition_point(|b| *b < start);
    let apart = |m: &Marker| m.clause.abs_diff(clause) * CLAUSE_PENALTY;
    // markers are in token order: the candidates are the last one before and the first after
    let at = markers.partition_point(|m| m.at < start);
    let before = at
        .checked_sub(1)
        .and_then(|k| markers.get(k))
        .map(|m| (start - m.at + apart(m), m.dir));
    let after_at = markers.partition_point(|m| m.at < end);
    let after = markers
        .get(after_at)
        .map(|m| (2 * (m.at + 1 - end) + apart(m), m.dir));
    match (before, after) {
        (Some(b), Some(a)) => {
            if a.0 < b.0 {
                a.1
            } else {
                b.1
            }
        }
        (Some((_, d)), None) | (None, Some((_, d))) => d,
        (None, None) => Dir::Nearest,
    }
}

/// A capture or literal argument value.
enum ArgVal<'a> {
    Str(&'a str),
    Int(i64),
    Clock(u32, u32),
}

fn format_num(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// A TIMEX3 duration: `P3D`, `PT24H`, `PXY`.
fn duration(n: &str, unit: &str) -> String {
    // a half unit is written in the next smaller units: P2Y6M, PT5H30M
    if let Ok(v) = n.parse::<f64>()
        && v.fract() == 0.5
    {
        let w = v.trunc() as i64;
        let lead = |s: &str, w: i64| {
            if w > 0 {
                format!("{w}{s}")
            } else {
                String::new()
            }
        };
        return match unit {
            "Y" => format!("P{}6M", lead("Y", w)),
            "Q" => format!("P{}M15D", w * 3 + 1),
            "M" => format!("P{}15D", lead("M", w)),
            "W" => format!("P{}DT12H", w * 7 + 3),
            "D" => format!("P{}T12H", lead("D", w)),
            "H" => format!("PT{}30M", lead("H", w)),
            "MIN" => format!("PT{}30S", lead("M", w)),
            "DE" => format!("P{}Y", w * 10 + 5),
            "CE" => format!("P{}Y", w * 100 + 50),
            _ => format!("P{n}{unit}"),
        };
    }
    let years = |k: f64| {
        n.parse::<f64>()
            .ok()
            .map(|v| format!("P{}Y", format_num(v * k)))
    };
    // decades and centuries are written in years, counted or not ("decades": PXY)
    match unit {
        "DE" => years(10.0).unwrap_or_else(|| format!("P{n}Y")),
        "CE" => years(100.0).unwrap_or_else(|| format!("P{n}Y")),
        "H" => format!("PT{n}H"),
        "MIN" => format!("PT{n}M"),
        "S" => format!("PT{n}S"),
        _ => format!("P{n}{unit}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Option<Date> {
        s.parse().ok()
    }

    #[test]
    fn rule_errors_name_the_line() {
        let lex = "unit D day days\n";
        for (rules, want) in [
            ("x/y  @nope => DATE date d=$1", "unknown class"),
            ("x/y  day => WHEN date", "expected DATE"),
            ("x/y  day => DATE date d=$2", "out of range"),
            ("x/y  day DATE date", "missing =>"),
            ("x/y  day? => DATE date", "only optional"),
            ("x/y  day => DATE frobnicate", "unknown action"),
        ] {
            let err = TimeRecognizer::from_rules(lex, rules)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(err.contains(want), "{rules}: {err}");
        }
        assert!(TimeRecognizer::from_rules("unit\n", "").is_err());
    }

    #[test]
    fn another_language_is_just_data() {
        let lex = "unit D tag tagen\nnumword 2 zwei\nback -1 vor\n";
        let rules = "shift/vor  vor #num @unit => DATE shift n=$2 unit=$3 dir=-1 anchor=doc\n";
        let rec = TimeRecognizer::from_rules(lex, rules).expect("compiles");
        let found = rec.recognize("Das war vor zwei Tagen.", &[], date("2024-10-21"));
        assert_eq!(found.expressions.len(), 1);
        assert_eq!(found.expressions[0].value, "2024-10-19");
        assert_eq!(found.expressions[0].rule, "time/shift/vor");
    }

    #[test]
    fn without_a_document_date_values_keep_unknowns() {
        let rec = TimeRecognizer::new();
        let found = rec.recognize(
            "It rained on Tuesday and on June 3, then for two days.",
            &[],
            None,
        );
        let values: Vec<&str> = found.expressions.iter().map(|e| e.value.as_str()).collect();
        assert_eq!(values, ["XXXX-WXX-2", "XXXX-06-03", "P2D"]);
        assert!(found.narrative.is_empty());
    }

    #[test]
    fn serializes_type_and_mod_names() {
        let rec = TimeRecognizer::new();
        let found = rec.recognize("Sales fell in early 2023.", &[], date("2024-10-21"));
        let json = serde_json::to_string(&found).unwrap_or_default();
        assert!(json.contains("\"type\":\"DATE\""), "{json}");
        assert!(json.contains("\"mod\":\"START\""), "{json}");
        assert!(json.contains("\"narrative\""), "{json}");
    }

    #[test]
    fn spans_agree_with_recognize() {
        let rec = TimeRecognizer::new();
        let text = "Three years ago, on March 3, the plant closed; it reopened last week.";
        let spans = rec.spans(text);
        let found: Vec<Span> = rec
            .recognize(text, &[], date("2024-10-21"))
            .expressions
            .iter()
            .map(|e| e.span)
            .collect();
        assert_eq!(spans, found);
    }

    proptest::proptest! {
        #[test]
        fn never_panics_and_spans_fall_on_char_boundaries(text in "(\\PC|[0-9 .,'-]|Oct|May|ago|days|the|last|week|a\\.m\\.){0,40}") {
            let rec = TimeRecognizer::new();
            let found = rec.recognize(&text, &[], date("2024-02-29"));
            for e in &found.expressions {
                proptest::prop_assert!(text.get(e.span.start..e.span.end).is_some());
                proptest::prop_assert_eq!(e.span.slice(&text), e.text.as_str());
            }
        }
    }
}
