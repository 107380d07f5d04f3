//! Bad input: never a panic, always a diagnostic naming the input.

mod common;

use annals_document::Severity;
use annals_ingest::{Format, Input, Item, ReadOptions, read_input};
use common::{read_fixture, read_mem};
use std::io::Write;

fn opts() -> ReadOptions {
    ReadOptions::default()
}

#[test]
fn invalid_utf8_is_repaired_with_a_warning() {
    let out = read_mem("bad.txt", b"Troops \xff\xfe moved north.", &opts());
    assert_eq!(out.docs.len(), 1);
    assert!(out.docs[0].text.contains('\u{fffd}'));
    let w = out.warnings();
    assert_eq!(w.len(), 1);
    assert_eq!(w[0].input, "bad.txt");
    assert!(w[0].message.contains("UTF-8"));

    let out = read_mem(
        "bad.jsonl",
        b"{\"text\":\"ok\"}\n{\"text\":\"bad \xff byte\"}\n",
        &opts(),
    );
    assert_eq!(out.docs.len(), 2);
    assert_eq!(out.warnings()[0].input, "bad.jsonl:2");
}

#[test]
fn binary_files_are_skipped() {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend([0u8, 0, 0, 13, 73, 72, 68, 82]);
    for format in [None, Some(Format::Text), Some(Format::Jsonl)] {
        let out = read_mem("image.txt", &bytes, &ReadOptions { format, ..opts() });
        assert!(out.docs.is_empty());
        assert_eq!(out.errors()[0].message, "binary file, skipped");
    }
    let control: Vec<u8> = (0..400)
        .map(|i| if i % 2 == 0 { 3 } else { b'a' })
        .collect();
    assert_eq!(
        read_mem("x", &control, &opts()).errors()[0].message,
        "binary file, skipped"
    );
}

#[test]
fn empty_inputs_warn() {
    for (name, bytes) in [
        ("e.txt", &b""[..]),
        ("e.jsonl", b"\n\n  \n"),
        ("e.html", b"   "),
        ("e", b""),
    ] {
        let out = read_mem(name, bytes, &opts());
        assert!(out.docs.is_empty(), "{name}");
        let w = out.warnings();
        assert_eq!(w.len(), 1, "{name}: {:?}", out.diags);
        assert_eq!(w[0].message, "empty input");
        assert_eq!(w[0].input, name);
    }
}

#[test]
fn unreadable_path_is_an_error() {
    let mut diags = Vec::new();
    let input = Input {
        path: "/nonexistent/dir/file.txt".into(),
        size: None,
    };
    read_input(&input, &opts(), &mut |item| {
        if let Item::Diagnostic(d) = item {
            diags.push(d);
        }
    });
    assert_eq!(diags.len(), 1);
    assert_eq!(diags[0].severity, Severity::Error);
    assert_eq!(diags[0].input, "/nonexistent/dir/file.txt");
    assert!(diags[0].message.starts_with("cannot read input"));
}

#[test]
fn broken_json_names_the_line_and_goes_on() {
    let data = b"{\"text\": \"first\"}\n{\"text\": \"second\"\n[1, 2]\n{\"text\": \"fourth\"}\n";
    let out = read_mem("feed.jsonl", data, &opts());
    assert_eq!(out.docs.len(), 2);
    let errors: Vec<&str> = out.errors().iter().map(|d| d.input.as_str()).collect();
    assert_eq!(errors, ["feed.jsonl:2", "feed.jsonl:3"]);
    let out = read_mem(
        "broken.json",
        b"[\n{\"text\": \"a\"},\n{\"text\": }\n]",
        &opts(),
    );
    assert!(out.docs.is_empty());
    assert_eq!(out.errors()[0].input, "broken.json:3");
}

#[test]
fn huge_jsonl_line_is_skipped_without_stopping() {
    let options = ReadOptions {
        max_document_bytes: 1000,
        ..opts()
    };
    let huge = "x".repeat(200_000);
    let data = format!(
        "{{\"text\": \"small one\"}}\n{{\"text\": \"{huge}\"}}\n{{\"text\": \"small two\"}}\n"
    );
    let mut file = tempfile_in_target("huge.jsonl");
    file.1.write_all(data.as_bytes()).unwrap();
    drop(file.1);
    let mut docs = Vec::new();
    let mut diags = Vec::new();
    let input = Input {
        path: file.0.clone(),
        size: None,
    };
    read_input(&input, &options, &mut |item| match item {
        Item::Document(d) => docs.push(d.text),
        Item::Diagnostic(d) => diags.push(d),
    });
    if let Some(dir) = file.0.parent() {
        let _ = std::fs::remove_dir_all(dir);
    }
    assert_eq!(docs, ["small one", "small two"]);
    assert_eq!(diags.len(), 1);
    assert!(
        diags[0].input.ends_with("huge.jsonl:2"),
        "{}",
        diags[0].input
    );
    assert_eq!(
        diags[0].message,
        "document of 200012 bytes exceeds the limit of 1000 bytes"
    );

    // A line under the line limit whose text is still over the document limit.
    let options = ReadOptions {
        max_document_bytes: 10,
        ..opts()
    };
    let out = read_mem("t.jsonl", b"{\"text\": \"eleven bytes\"}", &options);
    assert!(
        out.errors()[0]
            .message
            .contains("exceeds the limit of 10 bytes")
    );
}

#[test]
fn oversized_text_and_html_are_skipped() {
    let options = ReadOptions {
        max_document_bytes: 100,
        max_input_bytes: 200,
        ..opts()
    };
    let big = "word ".repeat(50);
    let out = read_mem("big.txt", big.as_bytes(), &options);
    assert!(out.docs.is_empty());
    assert_eq!(
        out.errors()[0].message,
        "document of 250 bytes exceeds the limit of 100 bytes"
    );
    let page = format!("<html><body><p>{}</p></body></html>", "word ".repeat(30));
    let out = read_mem("big.html", page.as_bytes(), &options);
    assert!(
        out.errors()[0]
            .message
            .contains("exceeds the limit of 100 bytes"),
        "{:?}",
        out.diags
    );
    let page = format!("<html><body><p>{}</p></body></html>", "word ".repeat(60));
    let out = read_mem("bigger.html", page.as_bytes(), &options);
    assert!(
        out.errors()[0]
            .message
            .starts_with("input of 333 bytes exceeds"),
        "{:?}",
        out.diags
    );
}

#[test]
fn html_without_body_text() {
    let out = read_fixture("no_body.html", &opts());
    assert!(out.docs.is_empty());
    let errors = out.errors();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].message, "no article text found");
    assert!(errors[0].input.ends_with("no_body.html"));
}

#[test]
fn not_a_feed() {
    let out = read_mem(
        "x.xml",
        b"<?xml version=\"1.0\"?><catalog><book/></catalog>",
        &opts(),
    );
    assert!(out.docs.is_empty());
    assert!(
        out.errors()[0]
            .message
            .starts_with("not a readable RSS or Atom feed")
    );
}

#[test]
fn header_without_text() {
    let out = read_mem("h.txt", b"date 2024-10-21\ntitle Nothing else\n", &opts());
    assert!(out.docs.is_empty());
    assert_eq!(out.errors()[0].message, "no text after the header");
}

/// A fresh file under the target directory.
fn tempfile_in_target(name: &str) -> (std::path::PathBuf, std::fs::File) {
    let dir = std::env::temp_dir().join(format!("annals-ingest-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    let file = std::fs::File::create(&path).unwrap();
    (path, file)
}

#[test]
fn wrong_metadata_types_are_ignored_with_a_warning() {
    let line = br#"{"id": [1], "text": "Police detained 14 people.", "source": [{"code": "X"}], "date": 19950101}"#;
    let out = read_mem("m.jsonl", line, &opts());
    assert_eq!(out.docs.len(), 1);
    let doc = &out.docs[0];
    assert_eq!(
        (doc.outlet.as_deref(), doc.origin.record_id.as_deref()),
        (None, None)
    );
    assert_eq!(doc.date, Some(common::date("1995-01-01")));
    let warnings: Vec<&str> = out.warnings().iter().map(|d| d.message.as_str()).collect();
    assert_eq!(
        warnings,
        [
            "field \"id\" is not a string, ignored",
            "field \"source\" is not a string, ignored"
        ]
    );
    assert!(out.errors().is_empty());
}

#[test]
fn html_in_a_declared_legacy_charset_is_decoded() {
    let page = b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\"></head>\
<body><p>The caf\xe9 owners\x92 union met on Monday.</p></body></html>";
    let out = read_mem("legacy.html", page, &opts());
    assert!(out.diags.is_empty(), "{:?}", out.diags);
    assert_eq!(
        out.docs[0].text,
        "The caf\u{e9} owners\u{2019} union met on Monday."
    );
    // Without a declaration the bytes are repaired, with a warning.
    let page = b"<html><body><p>The caf\xe9 owners met.</p></body></html>";
    let out = read_mem("plain.html", page, &opts());
    assert_eq!(out.docs[0].text, "The caf\u{fffd} owners met.");
    assert_eq!(out.warnings().len(), 1);
}

#[test]
fn pathologically_nested_html_is_skipped_quickly() {
    let page = format!(
        "<html><body>{}<p>Deep text.</p></body></html>",
        "<div>".repeat(100_000)
    );
    let start = std::time::Instant::now();
    let out = read_mem("deep.html", page.as_bytes(), &opts());
    assert!(start.elapsed().as_secs() < 5);
    assert!(out.docs.is_empty());
    assert_eq!(
        out.errors()[0].message,
        "HTML nested more than 512 levels deep, skipped"
    );
    // Ordinary nesting is fine.
    let page = format!(
        "<html><body>{}<p>Deep text.</p></body></html>",
        "<div>".repeat(100)
    );
    assert_eq!(
        read_mem("ok.html", page.as_bytes(), &opts()).docs[0].text,
        "Deep text."
    );
}
