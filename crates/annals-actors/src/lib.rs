//! Actors: countries, organizations, people and media coded country+sector.
//!
//! [`ActorRecognizer`] finds every actor in a document — states, organizations, people, armed
//! groups, media outlets — and codes it PLOVER/CAMEO style: a country code (`KOR`, `RUS`, or a
//! non-state code such as `IGO`, `NGO`, `IMG`) followed by a sector (`GOV`, `MIL`, `SPY`, …).
//! Built-in lexicons (agents, organizations, media, metonymy verbs, extra country names) live in
//! `data/actors/` and are embedded; PETRARCH/TABARI actor and agent dictionaries can be merged in.
//!
//! ```
//! use annals_actors::ActorRecognizer;
//!
//! let recognizer = ActorRecognizer::new();
//! let text = "The Russian ambassador Ivan Petrov met Japanese troops.";
//! let mentions = recognizer.recognize(text, &[], None);
//! assert_eq!(mentions[0].code, "RUSGOV");
//! assert_eq!(mentions[0].name, "Ivan Petrov");
//! assert_eq!(mentions[1].code, "JPNMIL");
//! ```

mod countries;
mod dictionary;
mod lexicon;
mod recognize;
mod tokens;
mod vocabulary;

pub use dictionary::{
    ActorDictionary, ActorEntry, AgentDictionary, AgentEntry, AgentPosition, DatedCode,
    DictionaryError, DictionaryKind, date_from_tabari,
};

use annals_document::{Date, Sentence, Span};
use serde::Serialize;
use std::path::Path;

/// What sort of actor a mention names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ActorKind {
    /// A country or its government as a whole ("South Korea", "Moscow said").
    State,
    /// A named or generic institution ("the Ministry of Foreign Affairs", "GUR").
    Organization,
    /// One person ("the Russian ambassador Georgy Zinoviev", "President Smith").
    Person,
    /// A collective of people ("North Korean troops", "protesters", "Palestinians").
    Group,
    /// A news outlet, wire service or social platform.
    Media,
    /// An international governmental organization (UN, NATO, EU, …).
    Igo,
    /// A non-governmental organization.
    Ngo,
}

impl ActorKind {
    /// The lowercase name used in data files and JSON (`state`, `person`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            ActorKind::State => "state",
            ActorKind::Organization => "organization",
            ActorKind::Person => "person",
            ActorKind::Group => "group",
            ActorKind::Media => "media",
            ActorKind::Igo => "igo",
            ActorKind::Ngo => "ngo",
        }
    }

    /// Parses the lowercase name used in data files.
    pub fn parse(name: &str) -> Option<ActorKind> {
        Some(match name.trim() {
            "state" => ActorKind::State,
            "organization" | "org" => ActorKind::Organization,
            "person" => ActorKind::Person,
            "group" => ActorKind::Group,
            "media" => ActorKind::Media,
            "igo" => ActorKind::Igo,
            "ngo" => ActorKind::Ngo,
            _ => return None,
        })
    }
}

/// One actor found in the text, coded country + sector.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActorMention {
    /// The bytes of the whole actor phrase ("the Russian ambassador Georgy Zinoviev").
    pub span: Span,
    /// The text of `span`.
    pub text: String,
    /// The CAMEO-style code: country then sector(s), e.g. `KORGOV`, `IGOUNO`, `UKRSPY`, or only a
    /// sector (`MIL`) when no country is known.
    pub code: String,
    /// The country (or non-state) part of `code`: `KOR`, `IGO`, `NGO`, …
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// The primary sector part of `code` (PLOVER sectors): `GOV`, `MIL`, `SPY`, `JRN`, …
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sector: Option<String>,
    /// What sort of actor this is.
    pub kind: ActorKind,
    /// Canonical name: for people the full name, for others the lexicon name.
    pub name: String,
    /// The role noun that coded the sector, e.g. `ambassador`, `defense minister`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Index (in the returned list) of the mention this one refers back to ("Zinoviev").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coref_of: Option<usize>,
    /// The rule or lexicon that produced the mention, e.g. `actor/agent/ambassador`.
    pub rule: String,
    /// How sure the recognizer is, in `[0, 1]`.
    pub confidence: f32,
    /// Further full codes for the same actor when a dictionary gives it several (`[A/B]`): the
    /// actor stands for each of them as well as for `code`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub other_codes: Vec<String>,
}

/// Splits a CAMEO-style code into its country part and its first sector.
///
/// The country part is the first three characters; the sector is the first later 3-character
/// group that is a known sector code (`IGOUNOGOV` → `IGO`, `GOV`; `MIL` → no country, `MIL`).
pub fn split_code(code: &str) -> (Option<String>, Option<String>) {
    let (country, sector) = code_parts(code);
    // Groups are ASCII: their bytes are characters, no UTF-8 check needed.
    let text = |g: Group| {
        let mut s = String::with_capacity(3);
        for b in g.0 {
            s.push(char::from(b));
        }
        s
    };
    (country.map(text), sector.map(text))
}

/// A three-letter group of a code, upper case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Group([u8; 3]);

impl Group {
    /// The group's text.
    pub(crate) fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("")
    }
}

/// [`split_code`] without allocating: the country part and first sector as groups.
pub(crate) fn code_parts(code: &str) -> (Option<Group>, Option<Group>) {
    let bytes = code.as_bytes();
    // No white space at either end (the usual case) needs no trimming.
    let code = if bytes.first().is_some_and(u8::is_ascii_graphic)
        && bytes.last().is_some_and(u8::is_ascii_graphic)
    {
        code
    } else {
        code.trim()
    };
    if code.len() < 3 || !code.is_ascii() {
        return (None, None);
    }
    let bytes = code.as_bytes();
    let group = |i: usize| {
        let g = bytes.get(i * 3..i * 3 + 3).unwrap_or(b"   ");
        Group([
            g[0].to_ascii_uppercase(),
            g[1].to_ascii_uppercase(),
            g[2].to_ascii_uppercase(),
        ])
    };
    let first = group(0);
    if lexicon::is_sector3(first.0) && lexicon::nonstate_kind3(first.0).is_none() {
        return (None, Some(first));
    }
    let sector = (1..bytes.len() / 3)
        .map(group)
        .find(|g| lexicon::is_sector3(g.0));
    (Some(first), sector)
}

/// The mentions (from a list sorted by position) that lie inside `span`, e.g. a sentence.
pub fn mentions_in(
    mentions: &[ActorMention],
    span: Span,
) -> impl Iterator<Item = (usize, &ActorMention)> {
    mentions
        .iter()
        .enumerate()
        .filter(move |(_, m)| span.contains(m.span))
}

/// The mention covering byte `position`, if any.
pub fn mention_at(mentions: &[ActorMention], position: usize) -> Option<(usize, &ActorMention)> {
    mentions
        .iter()
        .enumerate()
        .find(|(_, m)| m.span.start <= position && position < m.span.end)
}

/// Finds and codes actors; load once, share across documents and threads.
#[derive(Debug, Clone)]
pub struct ActorRecognizer {
    lexicon: lexicon::Lexicon,
}

impl Default for ActorRecognizer {
    fn default() -> Self {
        ActorRecognizer::new()
    }
}

impl ActorRecognizer {
    /// The recognizer with the built-in lexicons (`data/actors/`) and country table.
    pub fn new() -> ActorRecognizer {
        // Load the shared gazetteer now (place names used as modifiers are looked up in it), so
        // that no call to `recognize` pays for it.
        let _ = annals_places::Gazetteer::builtin();
        ActorRecognizer {
            lexicon: lexicon::Lexicon::builtin(),
        }
    }

    /// The built-in recognizer plus PETRARCH/TABARI dictionaries read from `paths` (actor or
    /// agent files, told apart by content).
    pub fn with_dictionaries<P: AsRef<Path>>(
        paths: &[P],
    ) -> Result<ActorRecognizer, DictionaryError> {
        let mut recognizer = ActorRecognizer::new();
        recognizer.load(paths)?;
        Ok(recognizer)
    }

    /// Reads and merges the dictionaries at `paths`.
    fn load<P: AsRef<Path>>(&mut self, paths: &[P]) -> Result<(), DictionaryError> {
        for path in paths {
            let path = path.as_ref();
            let text = std::fs::read(path).map_err(|e| DictionaryError::Read {
                path: path.display().to_string(),
                message: e.to_string(),
            })?;
            let text = String::from_utf8_lossy(&text);
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().to_string())
                .unwrap_or_else(|| path.display().to_string());
            self.add_dictionary_text(&text, &name, DictionaryKind::Auto)?;
        }
        Ok(())
    }

    /// Like [`ActorRecognizer::with_dictionaries`], but the dictionaries are read as written:
    /// their codes keep CAMEO sectors (`MED` stays media, not rewritten to PLOVER `JRN`), and once
    /// an agent dictionary is loaded its role nouns replace the built-in ones, so that coding
    /// follows the dictionaries alone for roles.
    pub fn with_dictionaries_as_written<P: AsRef<Path>>(
        paths: &[P],
    ) -> Result<ActorRecognizer, DictionaryError> {
        let mut recognizer = ActorRecognizer::new();
        recognizer.lexicon.as_written = true;
        recognizer.load(paths)?;
        Ok(recognizer)
    }

    /// Sets whether dictionaries added from now on are read as written (see
    /// [`ActorRecognizer::with_dictionaries_as_written`]).
    pub fn set_as_written(&mut self, as_written: bool) {
        self.lexicon.as_written = as_written;
    }

    /// Parses one dictionary text (`source_name` names it in rule ids) and merges it.
    pub fn add_dictionary_text(
        &mut self,
        text: &str,
        source_name: &str,
        kind: DictionaryKind,
    ) -> Result<(), DictionaryError> {
        let kind = match kind {
            DictionaryKind::Auto => dictionary::sniff_kind(text),
            k => k,
        };
        match kind {
            DictionaryKind::Agents => {
                let dict = AgentDictionary::parse(text, source_name)?;
                self.add_agent_dictionary(&dict);
            }
            _ => {
                let dict = ActorDictionary::parse(text, source_name)?;
                self.add_actor_dictionary(&dict);
            }
        }
        Ok(())
    }

    /// Merges a parsed actor dictionary; its entries win over built-in ones of equal length.
    pub fn add_actor_dictionary(&mut self, dictionary: &ActorDictionary) {
        self.lexicon.add_actor_dictionary(dictionary);
    }

    /// Merges a parsed agent dictionary.
    pub fn add_agent_dictionary(&mut self, dictionary: &AgentDictionary) {
        self.lexicon.add_agent_dictionary(dictionary);
    }

    /// Finds the actors in `text`, sentence by sentence (the whole text is one sentence when
    /// `sentences` is empty); date-bounded dictionary codes resolve against `document_date`.
    /// Mentions come sorted by start, disjoint.
    pub fn recognize(
        &self,
        text: &str,
        sentences: &[Sentence],
        document_date: Option<Date>,
    ) -> Vec<ActorMention> {
        recognize::recognize(&self.lexicon, text, sentences, document_date)
    }
}
