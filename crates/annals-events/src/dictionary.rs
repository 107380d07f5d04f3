//! Reader for PETRARCH/TABARI verb dictionaries (the CAMEO verb dictionary format).
//!
//! The format: `&NAME` opens a synonym set whose members follow as `+WORD` lines; `--- NAME
//! [code] ---` opens a verb block; the block's plain lines are the verbs (`WORD {FORMS} [code]`,
//! `+` marking the verb inside a multi-word phrase joined by `_`); lines starting with `-` are
//! patterns `- before * after [code]`, where `*` is the verb, `_` joins adjacent words (a word
//! joined to `*`, as in `RECENTLY_*`, touches the verb), space allows up to six words between,
//! and `&NAME` is any member of a synonym set. Actor slots: `$` is the source and `+` the target
//! (an actor mention there, after optional determiners), `%` a compound: before the verb its
//! members act on each other, after it the compound is the target; `^` skips one phrase (at
//! least one word beyond determiners, never cutting an actor mention). A pattern with a slot
//! matches only when an actor fills it. `( ) { }` are read and ignored. `#` starts a comment;
//! `[---]` means no event.
//!
//! ```
//! use annals_events::VerbDictionary;
//! let d = VerbDictionary::parse("--- ATTACK [190] ---\nATTACK\n- * &ARMS [194]\n\n&ARMS\n+TANKS\n+ARTILLERY\n").unwrap();
//! assert_eq!(d.verb_count(), 1);
//! assert_eq!(d.pattern_count(), 1);
//! ```

use crate::lexicon::HashMap;
use crate::lexicon::{Lexicon, Origin, PTok, Role, Rule, verb_forms};

const CAMEO: &str = include_str!("../../../data/events/cameo.tsv");

/// How many words may stand between two words of a pattern written apart.
const GAP: usize = 6;

/// Why a dictionary could not be read.
#[derive(Debug, thiserror::Error)]
pub enum DictionaryError {
    /// The file could not be read.
    #[error("cannot read {path}: {message}")]
    Read {
        /// The path.
        path: String,
        /// The reason.
        message: String,
    },
    /// The text holds no verb at all.
    #[error("no verb block found")]
    Empty,
}

#[derive(Debug, Clone)]
struct DVerb {
    pre: Vec<String>,
    forms: Vec<String>,
    explicit: bool,
    post: Vec<String>,
    code: Option<String>,
}

#[derive(Debug, Clone)]
struct DPattern {
    pre_joined: bool,
    post_joined: bool,
    pre: Vec<Vec<String>>,
    post: Vec<Vec<String>>,
    code: Option<String>,
    source_before: bool,
    line: usize,
}

#[derive(Debug, Clone)]
struct Block {
    name: String,
    code: Option<String>,
    verbs: Vec<DVerb>,
    patterns: Vec<DPattern>,
}

/// A parsed PETRARCH/TABARI verb dictionary.
#[derive(Debug, Clone, Default)]
pub struct VerbDictionary {
    synsets: HashMap<String, Vec<String>>,
    blocks: Vec<Block>,
    /// Name used in rule ids.
    pub name: String,
}

fn strip_comment(line: &str) -> &str {
    let line = line.split('#').next().unwrap_or("");
    if line.trim_start().starts_with("<!--") {
        ""
    } else {
        line
    }
}

fn code_of(line: &str) -> (String, Option<String>) {
    if let (Some(a), Some(b)) = (line.find('['), line.rfind(']'))
        && a < b
    {
        let code = line[a + 1..b].trim().to_string();
        let rest = format!("{}{}", &line[..a], &line[b + 1..]);
        let code = if code.is_empty() || code.starts_with("---") {
            None
        } else {
            Some(code)
        };
        return (rest, code);
    }
    (line.to_string(), None)
}

/// Splits a pattern half into groups of adjacent tokens (joined by `_`), dropping markup.
fn groups(half: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for chunk in half.split_whitespace() {
        let mut g = Vec::new();
        for w in chunk.split('_') {
            // A lone `$ + % ^` is an actor slot or a skipped phrase.
            if matches!(w, "$" | "+" | "%" | "^") {
                g.push(w.to_string());
                continue;
            }
            let w: String = w
                .chars()
                .filter(|c| !matches!(c, '(' | ')' | '{' | '}' | '$' | '%' | '^'))
                .collect();
            let w = w.trim_start_matches('+').to_lowercase();
            if w.is_empty() || w == "*" {
                continue;
            }
            g.push(w);
        }
        if !g.is_empty() {
            out.push(g);
        }
    }
    out
}

impl VerbDictionary {
    /// Parses a dictionary's text.
    pub fn parse(text: &str) -> Result<VerbDictionary, DictionaryError> {
        let mut d = VerbDictionary::default();
        let mut synset: Option<String> = None;
        let mut block: Option<Block> = None;
        for (ln, raw) in text.lines().enumerate() {
            let line = strip_comment(raw).trim();
            if line.is_empty() {
                synset = None;
                continue;
            }
            if let Some(name) = line.strip_prefix('&') {
                // A trailing `_` in a set's name ("&PREP_") is not part of the name.
                synset = Some(
                    name.split_whitespace()
                        .next()
                        .unwrap_or("")
                        .trim_end_matches('_')
                        .to_uppercase(),
                );
                d.synsets
                    .entry(synset.clone().unwrap_or_default())
                    .or_default();
                continue;
            }
            if let Some(rest) = line.strip_prefix("---") {
                if let Some(b) = block.take() {
                    d.blocks.push(b);
                }
                synset = None;
                let rest = rest.trim_end_matches('-').trim();
                let (name, code) = code_of(rest);
                block = Some(Block {
                    name: name.trim().to_string(),
                    code,
                    verbs: Vec::new(),
                    patterns: Vec::new(),
                });
                continue;
            }
            if let Some(member) = line.strip_prefix('+')
                && let Some(s) = &synset
            {
                d.synsets
                    .entry(s.clone())
                    .or_default()
                    .push(member.trim().to_string());
                continue;
            }
            let Some(b) = block.as_mut() else { continue };
            if let Some(p) = line.strip_prefix('-') {
                let (p, code) = code_of(p);
                let (pre, post) = match p.find('*') {
                    Some(star) => {
                        // "IN_*" style: the verb joined to a word before it.
                        (&p[..star], &p[star + 1..])
                    }
                    None => ("", p.as_str()),
                };
                let source_before = pre.contains('$');
                b.patterns.push(DPattern {
                    // "RECENTLY_*", "*_OUT": the word is joined to the verb, with no gap.
                    pre_joined: pre.trim_end().ends_with('_'),
                    post_joined: post.starts_with('_'),
                    pre: groups(pre),
                    post: groups(post),
                    code,
                    source_before,
                    line: ln + 1,
                });
                continue;
            }
            // A verb line: WORD {FORMS} [code], or a phrase with +VERB.
            let (rest, code) = code_of(line);
            let (main, forms) = match (rest.find('{'), rest.find('}')) {
                (Some(a), Some(z)) if a < z => (
                    rest[..a].trim().to_string(),
                    rest[a + 1..z]
                        .split_whitespace()
                        .map(str::to_string)
                        .collect::<Vec<_>>(),
                ),
                _ => (rest.trim().to_string(), Vec::new()),
            };
            let main = main.split_whitespace().next().unwrap_or("").to_string();
            if main.is_empty() {
                continue;
            }
            let parts: Vec<&str> = main.split('_').filter(|w| !w.is_empty()).collect();
            let head_at = parts.iter().position(|w| w.starts_with('+')).unwrap_or(0);
            let lower = |w: &str| w.trim_start_matches('+').to_lowercase();
            let pre: Vec<String> = parts[..head_at].iter().map(|w| lower(w)).collect();
            let post: Vec<String> = parts
                .get(head_at + 1..)
                .unwrap_or(&[])
                .iter()
                .map(|w| lower(w))
                .collect();
            let head = parts.get(head_at).map(|w| lower(w)).unwrap_or_default();
            let mut all = vec![head];
            for f in &forms {
                let fp: Vec<&str> = f.split('_').filter(|w| !w.is_empty()).collect();
                let fh = fp.iter().position(|w| w.starts_with('+')).unwrap_or(0);
                if let Some(w) = fp.get(fh) {
                    all.push(lower(w));
                }
            }
            b.verbs.push(DVerb {
                pre,
                forms: all,
                explicit: !forms.is_empty(),
                post,
                code,
            });
        }
        if let Some(b) = block.take() {
            d.blocks.push(b);
        }
        if d.blocks.is_empty() {
            return Err(DictionaryError::Empty);
        }
        Ok(d)
    }

    /// Reads and parses a dictionary file.
    pub fn read(path: &std::path::Path) -> Result<VerbDictionary, DictionaryError> {
        let bytes = std::fs::read(path).map_err(|e| DictionaryError::Read {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        let mut d = VerbDictionary::parse(&String::from_utf8_lossy(&bytes))?;
        d.name = path
            .file_stem()
            .map(|s| s.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        Ok(d)
    }

    /// Number of verbs (all blocks).
    pub fn verb_count(&self) -> usize {
        self.blocks.iter().map(|b| b.verbs.len()).sum()
    }

    /// Number of patterns (all blocks).
    pub fn pattern_count(&self) -> usize {
        self.blocks.iter().map(|b| b.patterns.len()).sum()
    }

    fn expand(&self, word: &str, depth: usize) -> Vec<Vec<String>> {
        if let Some(name) = word.strip_prefix('&') {
            let Some(members) = self.synsets.get(&name.trim_end_matches('_').to_uppercase()) else {
                return Vec::new();
            };
            if depth > 4 {
                return Vec::new();
            }
            let mut out = Vec::new();
            for m in members {
                // A member may be several words, and may itself name a synset.
                let mut seqs: Vec<Vec<String>> = vec![Vec::new()];
                for w in m.split([' ', '_']).filter(|w| !w.is_empty()) {
                    let alts = self.expand(&w.trim_start_matches('+').to_lowercase(), depth + 1);
                    let mut next = Vec::new();
                    for s in &seqs {
                        for a in &alts {
                            let mut x = s.clone();
                            x.extend(a.iter().cloned());
                            next.push(x);
                        }
                    }
                    seqs = next;
                    if seqs.len() > 64 {
                        break;
                    }
                }
                out.extend(seqs.into_iter().filter(|s| !s.is_empty()));
            }
            return out;
        }
        vec![vec![word.to_string()]]
    }

    /// Turns a pattern half into pattern tokens: groups adjacent, a gap of up to 4 between groups.
    /// `$ + %` become actor slots, `^` a skipped phrase (which stands for the gap before it).
    /// With `joined`, the half touches the verb (`WORD_*`, `*_WORD`): no gap next to it.
    fn half(&self, groups: &[Vec<String>], before: bool, joined: bool) -> Vec<PTok> {
        let mut out = Vec::new();
        let mut after_skip = false;
        for (gi, g) in groups.iter().enumerate() {
            let skip = g.iter().all(|w| w == "^");
            if (gi > 0 || (!before && !joined)) && !skip {
                out.push(PTok::Gap(GAP));
            }
            after_skip = skip;
            for w in g {
                out.push(match w.as_str() {
                    "$" => PTok::Slot(Role::Source),
                    "+" => PTok::Slot(Role::Target),
                    "%" => PTok::Slot(Role::Compound),
                    "^" => PTok::Skip(6),
                    _ => PTok::Alt(self.expand(w, 0)),
                });
            }
        }
        if before && !joined && !out.is_empty() && !after_skip {
            out.push(PTok::Gap(GAP));
        }
        out
    }

    /// The dictionary as trigger rules coded through the CAMEO → PLOVER table.
    pub fn rules(&self, lex: &Lexicon) -> Vec<Rule> {
        let table = cameo_table();
        let mut out = Vec::new();
        let name = if self.name.is_empty() {
            "verbs"
        } else {
            self.name.as_str()
        };
        for b in &self.blocks {
            let mut heads: Vec<Head> = Vec::new();
            for v in &b.verbs {
                let mut forms = v.forms.clone();
                if !v.explicit
                    && let Some(lemma) = v.forms.first()
                {
                    forms = verb_forms(lemma, &lex.irregular);
                }
                heads.push((
                    v.pre.clone(),
                    forms,
                    v.post.clone(),
                    v.code.clone().or_else(|| b.code.clone()),
                ));
            }
            for (pre, forms, post, code) in &heads {
                let adj = |ws: &[String]| {
                    ws.iter()
                        .map(|w| PTok::Alt(vec![vec![w.clone()]]))
                        .collect::<Vec<_>>()
                };
                if let Some(code) = code
                    && let Some(r) = make_rule(
                        &table,
                        format!("events/dictionary/{name}/{}", b.name.to_lowercase()),
                        forms.clone(),
                        adj(pre),
                        adj(post),
                        code,
                        0,
                        false,
                    )
                {
                    out.push(r);
                }
                for p in &b.patterns {
                    let Some(code) = p.code.clone().or_else(|| Some("---".to_string())) else {
                        continue;
                    };
                    let mut pre_t = self.half(&p.pre, true, p.pre_joined);
                    pre_t.extend(adj(pre));
                    let mut post_t = adj(post);
                    post_t.extend(self.half(&p.post, false, p.post_joined));
                    let weight = p
                        .pre
                        .iter()
                        .chain(&p.post)
                        .flatten()
                        .filter(|w| *w != "^")
                        .count()
                        + 1;
                    let id = format!(
                        "events/dictionary/{name}/{}/line{}",
                        b.name.to_lowercase(),
                        p.line
                    );
                    if let Some(r) = make_rule(
                        &table,
                        id,
                        forms.clone(),
                        pre_t,
                        post_t,
                        &code,
                        weight,
                        p.source_before,
                    ) {
                        out.push(r);
                    }
                }
            }
        }
        out
    }
}

/// A verb of a block: words before it, its forms, words after it, its code.
type Head = (Vec<String>, Vec<String>, Vec<String>, Option<String>);

fn cameo_table() -> Vec<(String, String, String)> {
    let mut t: Vec<(String, String, String)> = CAMEO
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            (
                c.first().unwrap_or(&"").to_string(),
                c.get(1).unwrap_or(&"").to_string(),
                c.get(2).unwrap_or(&"").to_string(),
            )
        })
        .collect();
    t.sort_by_key(|(p, _, _)| std::cmp::Reverse(p.len()));
    t
}

/// The PLOVER event and mode of a CAMEO code (`NONE` for statements and unknown codes).
pub fn cameo_to_plover(code: &str) -> (String, String) {
    let primary = code.split(':').next().unwrap_or("");
    for (prefix, event, mode) in cameo_table() {
        if primary.starts_with(&prefix) {
            return (event, mode);
        }
    }
    ("NONE".into(), String::new())
}

/// A code of digits with an optional letter suffix, optionally `A:B`.
fn valid_code(code: &str) -> bool {
    code.split(':').all(|part| {
        let digits = part.trim_end_matches(|c: char| c.is_ascii_alphabetic());
        (2..=4).contains(&digits.len())
            && digits.chars().all(|c| c.is_ascii_digit())
            && part.len() - digits.len() <= 1
    }) && code.split(':').count() <= 2
}

#[allow(clippy::too_many_arguments)]
fn make_rule(
    table: &[(String, String, String)],
    id: String,
    heads: Vec<String>,
    pre: Vec<PTok>,
    post: Vec<PTok>,
    code: &str,
    weight: usize,
    source_before: bool,
) -> Option<Rule> {
    if heads.is_empty() {
        return None;
    }
    let primary = code.split(':').next().unwrap_or("").to_string();
    if code != "---" && !valid_code(code) {
        // Test markers such as [+++] or [xxy] code nothing and are not read as patterns.
        return None;
    }
    let (event, mode) = if code == "---" {
        ("NONE".to_string(), String::new())
    } else {
        table
            .iter()
            .find(|(p, _, _)| primary.starts_with(p.as_str()))
            .map(|(_, e, m)| (e.clone(), m.clone()))
            .unwrap_or((String::new(), String::new()))
    };
    // Codes without a PLOVER type (CAMEO 01 statements, other schemes) keep an empty event.
    let event = if event == "NONE" && code != "---" {
        String::new()
    } else {
        event
    };
    Some(Rule {
        id,
        heads,
        post,
        pre,
        event,
        mode: if mode.is_empty() {
            Vec::new()
        } else {
            vec![mode]
        },
        context: Vec::new(),
        cameo: if code == "---" {
            String::new()
        } else {
            code.to_string()
        },
        speaker: false,
        passive_source: false,
        intent: false,
        delegate: false,
        noun: false,
        weight,
        origin: Origin::Dictionary,
        source_before,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const DICT: &str = "\
&ARMS
+TANKS
+HEAVY ARTILLERY

--- HURL  [---]  ---
HURL {HURLS HURLING HURLED }
LOB  # a comment
- * ROCKS (AT)  [180]  # throw rocks
- * &ARMS [190]
- $ * INSULTS [111]

--- GRANT [070] ---
GRANT
+GIVE_IN {+GAVE_IN +GIVEN_IN +GIVING_IN} [080]
";

    #[test]
    fn parses_synsets_blocks_verbs_and_patterns() {
        let d = VerbDictionary::parse(DICT).unwrap();
        assert_eq!(d.blocks.len(), 2);
        assert_eq!(d.verb_count(), 4);
        assert_eq!(d.pattern_count(), 3);
        assert_eq!(d.synsets["ARMS"], vec!["TANKS", "HEAVY ARTILLERY"]);
        assert_eq!(
            d.blocks[0].verbs[0].forms,
            vec!["hurl", "hurls", "hurling", "hurled"]
        );
        assert!(d.blocks[0].patterns[2].source_before);
        assert_eq!(d.blocks[1].verbs[1].forms[0], "give");
        assert_eq!(d.blocks[1].verbs[1].post, vec!["in"]);
        assert!(VerbDictionary::parse("no blocks here").is_err());
    }

    #[test]
    fn synset_names_ignore_a_trailing_underscore() {
        let d = VerbDictionary::parse(
            "&NEARBY_\n+CLOSE_TO\n+BESIDE\n\n--- CAMP [---] ---\nCAMP\n- * &NEARBY FORT [190]\n",
        )
        .unwrap();
        let lex = Lexicon::builtin();
        let rules = d.rules(&lex);
        let r = rules.iter().find(|r| r.cameo == "190").unwrap();
        let alts: Vec<Vec<String>> = r
            .post
            .iter()
            .filter_map(|p| match p {
                PTok::Alt(a) => Some(a.clone()),
                _ => None,
            })
            .flatten()
            .collect();
        assert!(
            alts.contains(&vec!["close".to_string(), "to".to_string()]),
            "{alts:?}"
        );
        assert!(alts.contains(&vec!["beside".to_string()]), "{alts:?}");
    }

    #[test]
    fn rules_map_cameo_to_plover_and_expand_synsets() {
        let d = VerbDictionary::parse(DICT).unwrap();
        let lex = Lexicon::builtin();
        let rules = d.rules(&lex);
        let arms = rules
            .iter()
            .find(|r| r.cameo == "190" && r.heads.contains(&"lobbed".to_string()))
            .unwrap();
        assert_eq!(arms.event, "ASSAULT");
        match arms.post.last() {
            Some(PTok::Alt(alts)) => {
                assert!(alts.contains(&vec!["heavy".to_string(), "artillery".to_string()]))
            }
            other => panic!("{other:?}"),
        }
        assert!(
            rules
                .iter()
                .any(|r| r.cameo == "080" && r.event == "CONCEDE")
        );
        assert_eq!(cameo_to_plover("0874").0, "RETREAT");
        assert_eq!(cameo_to_plover("111").1, "disapprove");
        assert_eq!(cameo_to_plover("010").0, "NONE");
        assert!(
            valid_code("075A") && valid_code("032:033") && !valid_code("+++") && !valid_code("xxy")
        );
    }
}
