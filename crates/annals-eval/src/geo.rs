//! Scoring against the geo gold corpus (not yet written).
