//! Time expressions: recognition, TIMEX3 normalization and narrative anchoring.
