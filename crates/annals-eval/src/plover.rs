//! Scoring against the plover gold corpus (not yet written).
