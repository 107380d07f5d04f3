//! The rule format: a lexicon of word classes and a list of token patterns with actions.

use std::collections::HashMap;

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
    RuleError::Syntax { line, message: message.into() }
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
    /// A literal token (lower case).
    Lit(String),
    /// A lexicon class.
    Class(u16),
    /// A built-in matcher.
    Builtin(Builtin),
    /// Zero-width: the next token is not this literal (`!lit`).
    Not(String),
    /// Zero-width: a clause starts here (`^`): start of text or after punctuation.
    ClauseStart,
}

/// One pattern element: alternatives, optionally skippable.
#[derive(Debug, Clone)]
pub(crate) struct Elem {
    pub alts: Vec<Alt>,
    pub optional: bool,
}

/// An action argument: a capture reference or a literal.
#[derive(Debug, Clone)]
pub(crate) enum Arg {
    Capture(usize),
    Lit(String),
}

/// A compiled rule.
#[derive(Debug, Clone)]
pub(crate) struct Rule {
    pub id: String,
    pub elems: Vec<Elem>,
    pub timex_type: &'static str,
    pub action: String,
    pub args: Vec<(String, Arg)>,
}

/// One lexicon entry for a word.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub class: u16,
    pub value: String,
    /// Matches only this exact spelling (the lexicon wrote it with capitals).
    pub exact: Option<String>,
    /// May be followed by an abbreviation period.
    pub dotted: bool,
}

/// The compiled lexicon and rules of one language.
#[derive(Debug, Clone)]
pub(crate) struct RuleSet {
    pub class_names: Vec<String>,
    pub words: HashMap<String, Vec<Entry>>,
    pub rules: Vec<Rule>,
    /// Rules that may start at a token with this lower-case text.
    pub trigger: HashMap<String, Vec<u16>>,
    /// Rules that may start at a digit token.
    pub numeric: Vec<u16>,
    pub max_word: usize,
}

impl RuleSet {
    /// The id of a class by name.
    pub fn class(&self, name: &str) -> Option<u16> {
        self.class_names.iter().position(|c| c == name).map(|i| i as u16)
    }

    /// Words of a class (lower case).
    pub fn words_of(&self, class: u16) -> impl Iterator<Item = &str> {
        self.words
            .iter()
            .filter(move |(_, es)| es.iter().any(|e| e.class == class))
            .map(|(w, _)| w.as_str())
    }

    /// The value of `word` in class `class_name`, if listed.
    pub fn lookup(&self, word: &str, class_name: &str) -> Option<&str> {
        let class = self.class(class_name)?;
        self.words.get(word)?.iter().find(|e| e.class == class).map(|e| e.value.as_str())
    }

    /// Compiles a lexicon and a rule file.
    pub fn compile(lexicon: &str, rules: &str) -> Result<RuleSet, RuleError> {
        let mut set = RuleSet {
            class_names: Vec::new(),
            words: HashMap::new(),
            rules: Vec::new(),
            trigger: HashMap::new(),
            numeric: Vec::new(),
            max_word: 0,
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
                set.words.entry(lower).or_default().push(Entry {
                    class,
                    value: value.to_string(),
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
                alts.push(if alt == "^" {
                    Alt::ClauseStart
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
                    Alt::Lit(alt.to_lowercase())
                });
            }
            elems.push(Elem { alts, optional });
        }
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
            other => return Err(format!("expected DATE, TIME, DURATION or SET, found {other:?}")),
        };
        let action = rhs.next().ok_or("missing action")?.to_string();
        if !["date", "period", "shift", "dur", "ref", "time", "range", "set", "ignore"].contains(&action.as_str()) {
            return Err(format!("unknown action {action}"));
        }
        let mut args = Vec::new();
        for kv in rhs {
            let (k, v) = kv.split_once('=').ok_or_else(|| format!("expected key=value, found {kv}"))?;
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
        Ok(Rule { id, elems, timex_type, action, args })
    }

    /// Builds the first-token index of the rules.
    fn index(&mut self) -> Result<(), RuleError> {
        let class_words: Vec<Vec<String>> = (0..self.class_names.len() as u16)
            .map(|c| self.words_of(c).map(str::to_string).collect())
            .collect();
        let number_words: Vec<String> = ["numword", "tens", "ordinal"]
            .iter()
            .filter_map(|n| self.class(n))
            .flat_map(|c| class_words[c as usize].clone())
            .collect();
        let ordinal_words: Vec<String> =
            self.class("ordinal").map(|c| class_words[c as usize].clone()).unwrap_or_default();
        let mut trigger: HashMap<String, Vec<u16>> = HashMap::new();
        let mut numeric = Vec::new();
        for (ri, rule) in self.rules.iter().enumerate() {
            let ri = ri as u16;
            let mut add = |w: &str| {
                let v = trigger.entry(w.to_string()).or_default();
                if v.last() != Some(&ri) {
                    v.push(ri);
                }
            };
            let mut closed = false;
            for elem in &rule.elems {
                for alt in &elem.alts {
                    match alt {
                        Alt::Lit(w) => add(w),
                        Alt::Not(_) | Alt::ClauseStart => {}
                        Alt::Class(c) => class_words[*c as usize].iter().for_each(|w| add(w)),
                        Alt::Builtin(b) => {
                            if numeric.last() != Some(&ri) {
                                numeric.push(ri);
                            }
                            match b {
                                Builtin::Num => number_words.iter().for_each(|w| add(w)),
                                Builtin::Day | Builtin::Ord => ordinal_words.iter().for_each(|w| add(w)),
                                Builtin::Year => {
                                    add("'");
                                    number_words.iter().for_each(|w| add(w));
                                }
                                Builtin::Decade => add("'"),
                                _ => {}
                            }
                        }
                    }
                }
                let zero_width = elem.alts.iter().all(|a| matches!(a, Alt::Not(_) | Alt::ClauseStart));
                if !elem.optional && !zero_width {
                    closed = true;
                    break;
                }
            }
            if !closed {
                return Err(syntax(0, format!("rule {} has only optional elements", rule.id)));
            }
        }
        for v in trigger.values_mut() {
            v.sort_unstable();
            v.dedup();
        }
        self.max_word = trigger.keys().map(|k| k.len()).max().unwrap_or(0);
        self.trigger = trigger;
        self.numeric = numeric;
        Ok(())
    }
}
