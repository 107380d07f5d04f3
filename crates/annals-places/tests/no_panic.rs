//! Recognition never panics and every span falls on character boundaries of the input.

use annals_places::{PlaceContext, PlaceRecognizer};
use proptest::prelude::*;
use std::sync::OnceLock;

fn rec() -> &'static PlaceRecognizer {
    static R: OnceLock<PlaceRecognizer> = OnceLock::new();
    R.get_or_init(PlaceRecognizer::new)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn spans_are_valid(text in "(\\PC|[ .,'’ʼ-]|Paris|Texas|U\\.S\\.|Moscow said|Kharkiv){0,40}") {
        for m in rec().recognize(&text, &[], &PlaceContext::default()) {
            prop_assert!(text.get(m.span.start..m.span.end).is_some());
            prop_assert_eq!(m.span.slice(&text), m.text.as_str());
            prop_assert!((0.0..=1.0).contains(&m.confidence));
        }
    }
}
