//! Scoring against the timeml gold corpus (not yet written).
