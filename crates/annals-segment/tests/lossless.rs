//! The lossless invariant over arbitrary text, and inputs that must stay linear.

use annals_document::{Sentence, SentenceKind};
use annals_segment::NewsSegmenter;
use proptest::prelude::*;

/// Checks order, disjointness, trimming and coverage; returns a message on failure.
fn check_lossless(text: &str, sentences: &[Sentence]) -> Result<(), String> {
    let mut covered = 0;
    for s in sentences {
        let (start, end) = (s.span.start, s.span.end);
        if start >= end {
            return Err(format!("empty span {}", s.span));
        }
        if start < covered {
            return Err(format!(
                "span {} overlaps or is out of order (previous end {covered})",
                s.span
            ));
        }
        let Some(gap) = text.get(covered..start) else {
            return Err(format!(
                "gap {covered}..{start} is off character boundaries"
            ));
        };
        if !gap.chars().all(char::is_whitespace) {
            return Err(format!(
                "gap {covered}..{start} has non-white-space {gap:?}"
            ));
        }
        let Some(body) = text.get(start..end) else {
            return Err(format!("span {} is off character boundaries", s.span));
        };
        if body.trim() != body {
            return Err(format!("span {} is not trimmed: {body:?}", s.span));
        }
        if !s.rule.starts_with("segment/") {
            return Err(format!("rule {:?} lacks the segment/ prefix", s.rule));
        }
        covered = end;
    }
    let tail = &text[covered..];
    if !tail.chars().all(char::is_whitespace) {
        return Err(format!("tail {covered}.. has non-white-space {tail:?}"));
    }
    if sentences.is_empty() && !text.trim().is_empty() {
        return Err("no sentence for non-blank text".into());
    }
    Ok(())
}

/// Text made of the characters the scanner cares about, mixed with ordinary ones.
fn newsy() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "The", "U.S.", "Mr.", "J.", "a.m.", "3.5", "11 000", "word", "Zürich", "ʼs", "北京", ".",
        "...", "…", "?", "!", "?!", "\"", "“", "”", "'", "’", "(", ")", "[", "]", " ", " ", " ",
        "\n", "\n\n", "\r\n", "\t", "\u{a0}", "\u{2028}", "\u{2029}", "\u{3000}", "-", "—", "•",
        "1.", "2)", "KYIV", ",", ":", ";", "é", "\u{85}", "\u{c}", "\u{b}",
    ]);
    prop::collection::vec(pieces, 0..60).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn lossless_on_arbitrary_strings(text in any::<String>()) {
        let sentences = NewsSegmenter::new().segment(&text);
        if let Err(msg) = check_lossless(&text, &sentences) {
            return Err(TestCaseError::fail(format!("{msg}\ntext: {text:?}")));
        }
    }

    #[test]
    fn lossless_on_newsy_strings(text in newsy()) {
        let sentences = NewsSegmenter::new().segment(&text);
        if let Err(msg) = check_lossless(&text, &sentences) {
            return Err(TestCaseError::fail(format!("{msg}\ntext: {text:?}")));
        }
    }
}

#[test]
fn blank_text_has_no_sentence() {
    let seg = NewsSegmenter::new();
    for text in ["", " ", "\n\n\t", "\u{a0}\u{2029}\u{3000}"] {
        assert!(seg.segment(text).is_empty(), "{text:?}");
    }
}

#[test]
fn crlf_and_unicode_paragraph_breaks() {
    let seg = NewsSegmenter::new();
    let text = "Talks resume\r\n\r\nThe envoys met.\u{2029}They left.\u{a0}Then nothing.";
    let sentences = seg.segment(text);
    let got: Vec<(&str, SentenceKind, &str)> = sentences
        .iter()
        .map(|s| (s.span.slice(text), s.kind, s.rule.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "Talks resume",
                SentenceKind::Heading,
                "segment/heading/no_final_punct"
            ),
            (
                "The envoys met.",
                SentenceKind::Body,
                "segment/boundary/period"
            ),
            ("They left.", SentenceKind::Body, "segment/boundary/period"),
            (
                "Then nothing.",
                SentenceKind::Body,
                "segment/boundary/period"
            ),
        ]
    );
}

#[test]
fn long_inputs_stay_linear() {
    // A quadratic scan would take minutes on these in a debug build.
    let seg = NewsSegmenter::new();
    let line = "word ".repeat(800_000);
    let out = seg.segment(&line);
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].rule, "segment/boundary/end_of_text");
    assert_eq!(out[0].span.len(), line.trim_end().len());

    let one_token = "x".repeat(4_000_000);
    assert_eq!(seg.segment(&one_token).len(), 1);

    let opened = format!("({}", "a. ".repeat(300_000));
    check_lossless(&opened, &seg.segment(&opened)).unwrap();

    let quotes = "\"A. B. \"C. ".repeat(200_000);
    check_lossless(&quotes, &seg.segment(&quotes)).unwrap();

    let abbreviations = "Mr. U.S. J. etc. ".repeat(200_000);
    assert_eq!(seg.segment(&abbreviations).len(), 1);
}
