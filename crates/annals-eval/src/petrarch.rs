//! Scoring against the petrarch gold corpus (not yet written).
