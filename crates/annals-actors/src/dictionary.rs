//! Readers for PETRARCH/TABARI actor and agent dictionaries.
//!
//! Actor files list an entry line `NAME_WITH_UNDERSCORES [CODE]` (a trailing `_` makes the last
//! word exact; otherwise it is a stem), synonym lines `+OTHER_NAME`, and code lines
//! `[CODE >YYMMDD]`, `[CODE <YYMMDD]`, `[CODE YYMMDD-YYMMDD]` bounding a code in time. Agent files
//! list `ROLE_NOUN {PLURALS} [~SEC]` (suffix) or `[SEC~]` (prefix) with `!SET! = A, B` substitution
//! sets. `#` starts a comment; `<!-- … -->` blocks are comments. A code `[A/B/C]` gives the actor
//! several codes: mentions carry the first as `code` and the rest in `other_codes`, and the events
//! coder yields one event per code. Names written with `_` also match text written with `_`, and a
//! name written with its article (`THE_HAGUE`) matches "the Hague": the case test skips the article.

use annals_document::Date;
use serde::Serialize;

/// Why a dictionary could not be read.
#[derive(Debug, thiserror::Error)]
pub enum DictionaryError {
    /// The file could not be read.
    #[error("cannot read {path}: {message}")]
    Read {
        /// The path that failed.
        path: String,
        /// What went wrong.
        message: String,
    },
    /// A line could not be understood.
    #[error("{source_name}:{line}: {message}")]
    Parse {
        /// The dictionary's name.
        source_name: String,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

/// Which dictionary format a text is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DictionaryKind {
    /// Actor names with codes (`Phoenix.Countries.actors.txt`).
    Actors,
    /// Agent role nouns with `~` codes (`Phoenix.agents.txt`).
    Agents,
    /// Decide from the content (agent files have `~` codes).
    Auto,
}

/// A code, valid from `from` to `to` (both inclusive) when bounded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DatedCode {
    /// The CAMEO code, upper case; empty for a discard code (`---`).
    pub code: String,
    /// First day the code applies, if bounded.
    pub from: Option<Date>,
    /// Last day the code applies, if bounded.
    pub to: Option<Date>,
}

impl DatedCode {
    /// Whether the code has no date bound.
    pub fn is_default(&self) -> bool {
        self.from.is_none() && self.to.is_none()
    }

    /// Whether `date` falls inside the code's bounds.
    pub fn covers(&self, date: Date) -> bool {
        self.from.is_none_or(|f| date >= f) && self.to.is_none_or(|t| date <= t)
    }
}

/// One actor: its names and its (possibly date-bounded) codes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActorEntry {
    /// The entry name then its synonyms, as written (`SOUTH_KOREA`, `SEOUL_`).
    pub names: Vec<String>,
    /// The codes in file order.
    pub codes: Vec<DatedCode>,
    /// 1-based line of the entry name.
    pub line: usize,
}

impl ActorEntry {
    /// The code that applies on `date`: the first bounded code covering it, else the first
    /// unbounded code. Without a date, the most recent role: an open-ended `>` code, else the
    /// bounded code that ends last, else the unbounded one. `None` when the entry has no code or
    /// resolves to a discard code (`---`).
    pub fn code_on(&self, date: Option<Date>) -> Option<&str> {
        let chosen = match date {
            Some(d) => self
                .codes
                .iter()
                .find(|c| !c.is_default() && c.covers(d))
                .or_else(|| self.codes.iter().find(|c| c.is_default())),
            None => self
                .codes
                .iter()
                .find(|c| c.from.is_some() && c.to.is_none())
                .or_else(|| {
                    self.codes
                        .iter()
                        .filter(|c| c.to.is_some())
                        .max_by_key(|c| c.to)
                })
                .or_else(|| self.codes.iter().find(|c| c.is_default())),
        }?;
        (!chosen.code.is_empty()).then_some(chosen.code.as_str())
    }
}

/// A parsed PETRARCH/TABARI actor dictionary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActorDictionary {
    /// The name it was parsed under (a file name), used in rule ids.
    pub source: String,
    /// The entries in file order.
    pub entries: Vec<ActorEntry>,
    /// Lines skipped as unreadable but harmless (bad dates), as `line: message`.
    pub warnings: Vec<String>,
}

/// Where an agent's code goes relative to the actor's code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum AgentPosition {
    /// `[~GOV]`: appended (`RUS` + `GOV`).
    Suffix,
    /// `[NGO~]`: put before the actor's code.
    Prefix,
}

/// One agent: a role noun phrase and its code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgentEntry {
    /// Every form the phrase takes: singular forms (substitution sets expanded) then plurals,
    /// upper case with `_` between words.
    pub forms: Vec<String>,
    /// The agent code without the `~` (`GOV`, `GOVFRM`, `NGO`).
    pub code: String,
    /// Whether the code is a suffix or a prefix.
    pub position: AgentPosition,
    /// 1-based line of the entry.
    pub line: usize,
}

/// A parsed PETRARCH/TABARI agent dictionary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgentDictionary {
    /// The name it was parsed under, used in rule ids.
    pub source: String,
    /// The entries in file order.
    pub entries: Vec<AgentEntry>,
    /// Lines skipped or repaired, as `line: message`.
    pub warnings: Vec<String>,
}

/// Parses a TABARI date: `YYMMDD` (years below 30 are 20xx) or `YYYYMMDD`.
pub fn date_from_tabari(text: &str) -> Option<Date> {
    let t = text.trim();
    if !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (year, rest) = match t.len() {
        6 => {
            let yy: i16 = t.get(0..2)?.parse().ok()?;
            (if yy < 30 { 2000 + yy } else { 1900 + yy }, t.get(2..)?)
        }
        8 => (t.get(0..4)?.parse().ok()?, t.get(4..)?),
        _ => return None,
    };
    let month: i8 = rest.get(0..2)?.parse().ok()?;
    let day: i8 = rest.get(2..4)?.parse().ok()?;
    Date::new(year, month, day).ok()
}

/// Removes `<!-- … -->` blocks (possibly spanning lines) and `#` comments, keeping line numbers.
fn clean_lines(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut in_block = false;
    for (i, raw) in text.lines().enumerate() {
        let mut line = raw.to_string();
        let mut kept = String::new();
        loop {
            if in_block {
                match line.find("-->") {
                    Some(end) => {
                        line = line[end + 3..].to_string();
                        in_block = false;
                    }
                    None => break,
                }
            } else {
                match line.find("<!") {
                    Some(start) => {
                        kept.push_str(&line[..start]);
                        line = line[start + 2..].to_string();
                        in_block = true;
                    }
                    None => {
                        kept.push_str(&line);
                        break;
                    }
                }
            }
        }
        if let Some(hash) = kept.find('#') {
            kept.truncate(hash);
        }
        out.push((i + 1, kept));
    }
    out
}

/// Splits `[...]` groups off a line: the text before the first `[`, and each bracket's content.
/// A `[` left open takes the rest of the line (a stray `}` dropped) and adds a warning.
fn brackets(line: &str, number: usize, warnings: &mut Vec<String>) -> (String, Vec<String>) {
    let mut head = String::new();
    let mut groups = Vec::new();
    let mut rest = line;
    let mut first = true;
    while let Some(open) = rest.find('[') {
        if first {
            head = rest[..open].to_string();
            first = false;
        }
        let after = &rest[open + 1..];
        match after.find(']') {
            Some(close) => {
                groups.push(after[..close].to_string());
                rest = &after[close + 1..];
            }
            None => {
                warnings.push(format!("{number}: `[` without `]`"));
                groups.push(after.trim_end_matches(['}', ' ', '\t']).to_string());
                rest = "";
            }
        }
    }
    if first {
        head = rest.to_string();
    }
    (head, groups)
}

/// Parses the inside of one code bracket: `CODE`, `CODE >D`, `CODE <D`, `CODE D-D`.
fn parse_code(inner: &str) -> Result<DatedCode, String> {
    let inner = inner.trim();
    let (code_part, date_part) =
        match inner.find(|c: char| c.is_whitespace() || c == '<' || c == '>') {
            Some(i) => (&inner[..i], inner[i..].trim()),
            None => (inner, ""),
        };
    let (code_part, date_part) = if code_part.starts_with(|c: char| c.is_ascii_digit()) {
        ("", inner)
    } else {
        (code_part, date_part)
    };
    let code: String = code_part.trim().to_ascii_uppercase();
    let code = if code.chars().all(|c| !c.is_ascii_alphanumeric()) {
        String::new()
    } else {
        code
    };
    let spec: String = date_part.chars().filter(|c| !c.is_whitespace()).collect();
    let mut dated = DatedCode {
        code,
        from: None,
        to: None,
    };
    if spec.is_empty() {
        return Ok(dated);
    }
    let bad = || format!("bad date restriction `{spec}`");
    if let Some(d) = spec.strip_prefix('>') {
        dated.from = Some(date_from_tabari(d).ok_or_else(bad)?);
    } else if let Some(d) = spec.strip_prefix('<') {
        let day = date_from_tabari(d).ok_or_else(bad)?;
        dated.to = Some(day.yesterday().map_err(|_| bad())?);
    } else if let Some((a, b)) = spec.split_once('-') {
        dated.from = Some(date_from_tabari(a).ok_or_else(bad)?);
        dated.to = Some(date_from_tabari(b).ok_or_else(bad)?);
    } else {
        return Err(bad());
    }
    Ok(dated)
}

/// Normalizes a dictionary name: spaces become `_`, surrounding white space goes.
fn norm_name(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    words.join("_")
}

impl ActorDictionary {
    /// Parses an actor dictionary; `source_name` names it in rule ids and messages.
    pub fn parse(text: &str, source_name: &str) -> Result<ActorDictionary, DictionaryError> {
        let mut dict = ActorDictionary {
            source: source_name.to_string(),
            entries: Vec::new(),
            warnings: Vec::new(),
        };
        for (number, line) in clean_lines(text) {
            if line.trim().is_empty() {
                continue;
            }
            let starts_indented = line.starts_with(|c: char| c.is_whitespace());
            let (head, groups) = brackets(&line, number, &mut dict.warnings);
            let head_trim = head.trim();
            let mut codes = Vec::new();
            for g in &groups {
                match parse_code(g) {
                    Ok(c) => codes.push(c),
                    Err(message) => dict.warnings.push(format!("{number}: {message}")),
                }
            }
            if let Some(syn) = head_trim.strip_prefix('+') {
                let Some(entry) = dict.entries.last_mut() else {
                    return Err(DictionaryError::Parse {
                        source_name: source_name.to_string(),
                        line: number,
                        message: "synonym before any entry".to_string(),
                    });
                };
                let name = norm_name(syn);
                if !name.is_empty() {
                    entry.names.push(name);
                }
                entry.codes.extend(codes);
            } else if head_trim.is_empty() || (starts_indented && head_trim.is_empty()) {
                let Some(entry) = dict.entries.last_mut() else {
                    return Err(DictionaryError::Parse {
                        source_name: source_name.to_string(),
                        line: number,
                        message: "code before any entry".to_string(),
                    });
                };
                entry.codes.extend(codes);
            } else {
                dict.entries.push(ActorEntry {
                    names: vec![norm_name(head_trim)],
                    codes,
                    line: number,
                });
            }
        }
        Ok(dict)
    }
}

/// English regular plural of an upper-case word.
fn plural(word: &str) -> String {
    let w = word.to_ascii_uppercase();
    if w.ends_with('S') || w.ends_with('X') || w.ends_with("CH") || w.ends_with("SH") {
        format!("{w}ES")
    } else if w.ends_with('Y') && !w.ends_with("AY") && !w.ends_with("EY") && !w.ends_with("OY") {
        format!("{}IES", &w[..w.len() - 1])
    } else {
        format!("{w}S")
    }
}

impl AgentDictionary {
    /// Parses an agent dictionary; `source_name` names it in rule ids and messages.
    pub fn parse(text: &str, source_name: &str) -> Result<AgentDictionary, DictionaryError> {
        let mut sets: Vec<(String, Vec<String>)> = Vec::new();
        let mut dict = AgentDictionary {
            source: source_name.to_string(),
            entries: Vec::new(),
            warnings: Vec::new(),
        };
        for (number, line) in clean_lines(text) {
            let trimmed = line.trim();
            if trimmed.is_empty() {
                continue;
            }
            if trimmed.starts_with('!')
                && let Some((name, values)) = trimmed.split_once('=')
                && !name.contains('[')
            {
                let values = values
                    .split(',')
                    .map(|v| norm_name(v).to_ascii_uppercase())
                    .collect();
                sets.push((name.trim().to_string(), values));
                continue;
            }
            let (head, groups) = brackets(trimmed, number, &mut dict.warnings);
            let Some(code_raw) = groups.first() else {
                dict.warnings
                    .push(format!("{number}: agent without a [code]"));
                continue;
            };
            let code_raw: String = code_raw.chars().filter(|c| !c.is_whitespace()).collect();
            let (code, position) = if let Some(c) = code_raw.strip_prefix('~') {
                (c.to_string(), AgentPosition::Suffix)
            } else if let Some(c) = code_raw.strip_suffix('~') {
                (c.to_string(), AgentPosition::Prefix)
            } else {
                (code_raw.clone(), AgentPosition::Suffix)
            };
            let (phrase, plurals) = match head.find('{') {
                Some(open) => {
                    let Some(close) = head[open..].find('}').map(|c| open + c) else {
                        dict.warnings.push(format!("{number}: `{{` without `}}`"));
                        continue;
                    };
                    let inner = &head[open + 1..close];
                    let given: Vec<String> = inner
                        .split(',')
                        .map(|p| norm_name(p).to_ascii_uppercase())
                        .filter(|p| !p.is_empty())
                        .collect();
                    (head[..open].to_string(), Some(given))
                }
                None => (head.clone(), None),
            };
            let phrase = norm_name(&phrase).to_ascii_uppercase();
            if phrase.is_empty() {
                continue;
            }
            let singulars = expand_sets(&phrase, &sets);
            let mut forms = singulars.clone();
            match plurals {
                Some(given) => forms.extend(given.iter().flat_map(|g| expand_sets(g, &sets))),
                None => {
                    for s in &singulars {
                        let (init, last) = match s.rsplit_once('_') {
                            Some((a, b)) => (format!("{a}_"), b.to_string()),
                            None => (String::new(), s.clone()),
                        };
                        forms.push(format!("{init}{}", plural(&last)));
                    }
                }
            }
            forms.dedup();
            dict.entries.push(AgentEntry {
                forms,
                code: code.to_ascii_uppercase(),
                position,
                line: number,
            });
        }
        Ok(dict)
    }
}

/// Expands `!SET!` references in `phrase` into every alternative.
fn expand_sets(phrase: &str, sets: &[(String, Vec<String>)]) -> Vec<String> {
    expand_depth(phrase, sets, 0)
}

fn expand_depth(phrase: &str, sets: &[(String, Vec<String>)], depth: usize) -> Vec<String> {
    if depth < 4 {
        for (name, values) in sets {
            if let Some(at) = phrase.find(name.as_str()) {
                let mut out = Vec::new();
                for v in values {
                    let replaced = format!("{}{}{}", &phrase[..at], v, &phrase[at + name.len()..]);
                    out.extend(expand_depth(&replaced, sets, depth + 1));
                }
                return out;
            }
        }
    }
    vec![phrase.to_string()]
}

/// Guesses whether a dictionary text is an agent file (most codes carry `~`).
pub(crate) fn sniff_kind(text: &str) -> DictionaryKind {
    let mut tilde = 0usize;
    let mut plain = 0usize;
    for (_, line) in clean_lines(text) {
        if let (Some(o), Some(c)) = (line.find('['), line.find(']'))
            && o < c
        {
            if line[o..c].contains('~') {
                tilde += 1;
            } else {
                plain += 1;
            }
        }
    }
    if tilde > plain {
        DictionaryKind::Agents
    } else {
        DictionaryKind::Actors
    }
}
