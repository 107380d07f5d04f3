//! `read_bytes` never panics, whatever the bytes and the format.

use annals_ingest::{Format, Item, ReadOptions, read_bytes};
use proptest::prelude::*;

fn check(name: &str, bytes: &[u8], format: Option<Format>) {
    let options = ReadOptions {
        format,
        max_document_bytes: 4096,
        ..ReadOptions::default()
    };
    read_bytes(name, bytes, &options, &mut |item| match item {
        Item::Document(doc) => {
            assert!(!doc.text.trim().is_empty());
            assert_eq!(doc.id, annals_document::document_id(&doc.text, doc.date));
        }
        Item::Diagnostic(d) => {
            assert!(d.input.starts_with(name));
            assert!(!d.message.is_empty());
        }
    });
}

fn all_formats() -> [Option<Format>; 5] {
    [
        None,
        Some(Format::Text),
        Some(Format::Jsonl),
        Some(Format::Html),
        Some(Format::Feed),
    ]
}

/// Fragments that steer the bytes towards each reader's interesting paths.
fn markupish() -> impl Strategy<Value = Vec<u8>> {
    let pieces = prop::sample::select(vec![
        "<html>",
        "<p>",
        "</p>",
        "<article>",
        "<script>",
        "</script>",
        "<rss version=\"2.0\">",
        "<channel>",
        "<item>",
        "<title>",
        "</item>",
        "<feed xmlns=\"http://www.w3.org/2005/Atom\">",
        "<entry>",
        "<content type=\"html\">",
        "&amp;",
        "&lt;p&gt;",
        "date ",
        "2024-10-21",
        "title ",
        "{\"text\":",
        "\"x\"",
        "}",
        "\n",
        " ",
        "é",
        "<br>",
        "<time datetime=\"2024-01-01\">",
        "<meta property=\"article:published_time\" content=\"2024-13-40\">",
        "\u{feff}",
        "\r\n",
        "<script type=\"application/ld+json\">{\"@graph\":[{\"datePublished\":\"x\"}]}",
    ]);
    prop::collection::vec(pieces, 0..60).prop_map(|v| v.concat().into_bytes())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        for format in all_formats() {
            check("in", &bytes, format);
        }
    }

    #[test]
    fn structured_bytes_never_panic(bytes in markupish()) {
        for format in all_formats() {
            check("in", &bytes, format);
        }
        check("in.json", &bytes, None);
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,300}") {
        for format in all_formats() {
            check("in", text.as_bytes(), format);
        }
    }
}
