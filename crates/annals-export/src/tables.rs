//! The mapping tables under `data/export/` (format in its README), parsed once.

use crate::model::{ExportEvent, ExportParty};
use std::collections::HashMap;
use std::sync::OnceLock;

const SCORES_TSV: &str = include_str!("../../../data/export/plover_scores.tsv");
const ACLED_TYPES_TSV: &str = include_str!("../../../data/export/acled_types.tsv");
const ACLED_INTER_TSV: &str = include_str!("../../../data/export/acled_inter.tsv");

/// A condition cell: `*` or a `|`-separated list of values.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Cell {
    Any,
    OneOf(Vec<String>),
}

impl Cell {
    fn parse(s: &str) -> Cell {
        match s.trim() {
            "*" => Cell::Any,
            s => Cell::OneOf(s.split('|').map(|v| v.trim().to_string()).collect()),
        }
    }

    fn matches_any<'a>(&self, mut values: impl Iterator<Item = &'a str>) -> bool {
        match self {
            Cell::Any => true,
            Cell::OneOf(list) => values.any(|v| list.iter().any(|x| x.eq_ignore_ascii_case(v))),
        }
    }
}

/// The ACLED classification of an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcledType {
    /// `Political violence`, `Demonstrations`, `Strategic developments`, or two joined by `; `.
    pub disorder_type: String,
    /// ACLED event type.
    pub event_type: String,
    /// ACLED sub-event type.
    pub sub_event_type: String,
}

#[derive(Debug)]
struct TypeRule {
    event: String,
    mode: Cell,
    recipient: Cell,
    out: AcledType,
}

#[derive(Debug)]
struct InterRule {
    event: Option<(String, Option<String>)>,
    sector: Cell,
    inter: u8,
}

/// Every mapping table.
#[derive(Debug)]
pub struct Tables {
    scores: HashMap<(String, String), f64>,
    types: Vec<TypeRule>,
    inter: Vec<InterRule>,
}

/// The data lines of a table: trimmed of the line end, without comments and blank lines.
fn rows(tsv: &str) -> impl Iterator<Item = Vec<&str>> {
    tsv.lines()
        .map(|l| l.trim_end_matches('\r'))
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split('\t').collect())
}

impl Tables {
    /// The embedded tables.
    pub fn builtin() -> &'static Tables {
        static TABLES: OnceLock<Tables> = OnceLock::new();
        TABLES.get_or_init(|| Tables::parse(SCORES_TSV, ACLED_TYPES_TSV, ACLED_INTER_TSV))
    }

    /// Parses tables in the `data/export/` formats; malformed lines are skipped.
    fn parse(scores: &str, types: &str, inter: &str) -> Tables {
        let scores = rows(scores)
            .filter_map(|f| {
                let (event, mode, score) = (f.first()?, f.get(1)?, f.get(2)?);
                let score: f64 = score.trim().parse().ok()?;
                Some(((event.trim().to_string(), mode.trim().to_string()), score))
            })
            .collect();
        let types = rows(types)
            .filter_map(|f| {
                (f.len() >= 6).then(|| TypeRule {
                    event: f[0].trim().to_string(),
                    mode: Cell::parse(f[1]),
                    recipient: Cell::parse(f[2]),
                    out: AcledType {
                        disorder_type: f[3].trim().to_string(),
                        event_type: f[4].trim().to_string(),
                        sub_event_type: f[5].trim().to_string(),
                    },
                })
            })
            .collect();
        let inter = rows(inter)
            .filter_map(|f| {
                let event = match f.first()?.trim() {
                    "*" => None,
                    e => Some(match e.split_once(':') {
                        Some((e, m)) => (e.to_string(), Some(m.to_string())),
                        None => (e.to_string(), None),
                    }),
                };
                Some(InterRule {
                    event,
                    sector: Cell::parse(f.get(1)?),
                    inter: f.get(2)?.trim().parse().ok()?,
                })
            })
            .collect();
        Tables {
            scores,
            types,
            inter,
        }
    }

    /// The PLOVER conflict-cooperation score of an event: the lowest score among its modes that
    /// the table lists, else the event type's own score.
    pub fn score(&self, event: &ExportEvent) -> Option<f64> {
        let key = |m: &str| (event.event.to_ascii_uppercase(), m.to_ascii_lowercase());
        event
            .mode
            .iter()
            .filter_map(|m| self.scores.get(&key(m)).copied())
            .reduce(f64::min)
            .or_else(|| self.scores.get(&key("")).copied())
    }

    /// The ACLED type of an event, or `None` when ACLED does not record such events.
    pub fn acled_type(&self, event: &ExportEvent) -> Option<&AcledType> {
        self.types
            .iter()
            .find(|r| {
                r.event.eq_ignore_ascii_case(&event.event)
                    && r.mode.matches_any(event.mode.iter().map(String::as_str))
                    && (r.recipient == Cell::Any
                        || r.recipient
                            .matches_any(event.recipients.iter().map(|p| p.sector.as_str())))
            })
            .map(|r| &r.out)
    }

    /// The ACLED actor type (inter code) of one party of an event; `actor` tells whether the
    /// party is on the acting side (event-specific types apply to that side only).
    pub fn acled_inter(&self, event: &ExportEvent, party: &ExportParty, actor: bool) -> Option<u8> {
        self.inter
            .iter()
            .find(|r| {
                let event_ok = match &r.event {
                    None => true,
                    Some((e, mode)) => {
                        actor
                            && e.eq_ignore_ascii_case(&event.event)
                            && mode
                                .as_ref()
                                .is_none_or(|m| event.mode.iter().any(|x| x == m))
                    }
                };
                event_ok && r.sector.matches_any(std::iter::once(party.sector.as_str()))
            })
            .map(|r| r.inter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(kind: &str, mode: &[&str], recipient_sector: &str) -> ExportEvent {
        ExportEvent {
            event: kind.into(),
            mode: mode.iter().map(|m| m.to_string()).collect(),
            recipients: vec![ExportParty {
                code: "XYZ".into(),
                sector: recipient_sector.into(),
                ..ExportParty::default()
            }],
            ..ExportEvent::default()
        }
    }

    #[test]
    fn every_line_of_the_embedded_tables_parses() {
        let count = |tsv: &str| rows(tsv).count();
        let t = Tables::builtin();
        assert_eq!(t.scores.len(), count(SCORES_TSV));
        assert_eq!(t.types.len(), count(ACLED_TYPES_TSV));
        assert_eq!(t.inter.len(), count(ACLED_INTER_TSV));
    }

    #[test]
    fn scores_prefer_the_mode() {
        let t = Tables::builtin();
        assert_eq!(t.score(&event("PROTEST", &[], "")), Some(-5.0));
        assert_eq!(t.score(&event("PROTEST", &["riot"], "")), Some(-7.0));
        assert_eq!(t.score(&event("PROTEST", &["unknown"], "")), Some(-5.0));
        assert_eq!(t.score(&event("NONE", &[], "")), None);
    }

    #[test]
    fn acled_types_follow_mode_and_recipient() {
        let t = Tables::builtin();
        let sub = |e: &ExportEvent| t.acled_type(e).map(|a| a.sub_event_type.clone());
        assert_eq!(
            sub(&event("ASSAULT", &["aerial"], "CVL")).as_deref(),
            Some("Air/drone strike")
        );
        assert_eq!(
            t.acled_type(&event("ASSAULT", &[], "CVL"))
                .map(|a| a.event_type.as_str()),
            Some("Violence against civilians")
        );
        assert_eq!(
            t.acled_type(&event("ASSAULT", &[], "MIL"))
                .map(|a| a.event_type.as_str()),
            Some("Battles")
        );
        assert_eq!(
            sub(&event("PROTEST", &["riot"], "")).as_deref(),
            Some("Violent demonstration")
        );
        assert_eq!(t.acled_type(&event("CONSULT", &[], "")), None);
    }

    #[test]
    fn inter_codes() {
        let t = Tables::builtin();
        let p = |s: &str| ExportParty {
            sector: s.into(),
            ..ExportParty::default()
        };
        let protest = event("PROTEST", &["demo"], "");
        assert_eq!(t.acled_inter(&protest, &p("LAB"), true), Some(6));
        assert_eq!(t.acled_inter(&protest, &p("GOV"), false), Some(1));
        let riot = event("PROTEST", &["riot"], "");
        assert_eq!(t.acled_inter(&riot, &p(""), true), Some(5));
        let clash = event("ASSAULT", &[], "");
        assert_eq!(t.acled_inter(&clash, &p("REB"), true), Some(2));
        assert_eq!(t.acled_inter(&clash, &p(""), true), None);
    }
}
