//! Scoring against the seed example.
