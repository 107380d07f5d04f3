//! HTML: metadata and the article's main text, rules from `data/ingest/html.txt`.

use crate::date::parse_date;
use annals_document::Date;
use ego_tree::{NodeId, NodeRef, iter::Edge};
use scraper::{ElementRef, Html, Node, node::Element};
use serde_json::Value;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

/// The embedded rule file.
const RULES: &str = include_str!("../../../data/ingest/html.txt");

/// Parsed HTML rules.
#[derive(Debug, Default)]
struct Rules {
    skip: HashSet<String>,
    skip_role: HashSet<String>,
    block: HashSet<String>,
    heading: HashSet<String>,
    boilerplate: HashSet<String>,
    date_meta: Vec<String>,
    flat: HashSet<String>,
    raw: HashSet<String>,
}

/// The rules, parsed once.
fn rules() -> &'static Rules {
    static RULES_CELL: OnceLock<Rules> = OnceLock::new();
    RULES_CELL.get_or_init(|| parse_rules(RULES))
}

/// Parses the rule file format (see `data/ingest/README.md`); unknown kinds are ignored.
fn parse_rules(source: &str) -> Rules {
    let mut rules = Rules::default();
    for line in source.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((kind, value)) = line.split_once(char::is_whitespace) else {
            continue;
        };
        let value = value.trim().to_ascii_lowercase();
        match kind {
            "skip" => drop(rules.skip.insert(value)),
            "skip-role" => drop(rules.skip_role.insert(value)),
            "block" => drop(rules.block.insert(value)),
            "heading" => drop(rules.heading.insert(value)),
            "boilerplate" => drop(rules.boilerplate.insert(value)),
            "date-meta" => rules.date_meta.push(value),
            "flat" => drop(rules.flat.insert(value)),
            "raw" => drop(rules.raw.insert(value)),
            _ => {}
        }
    }
    rules
}

impl Rules {
    /// Whether an element (other than the chosen container) is never article text.
    fn skips(&self, el: &Element) -> bool {
        let name = el.name();
        if self.skip.contains(name) {
            return true;
        }
        if el.attr("hidden").is_some()
            || el
                .attr("aria-hidden")
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
        {
            return true;
        }
        if let Some(style) = el.attr("style") {
            let compact: String = style
                .chars()
                .filter(|c| !c.is_whitespace())
                .flat_map(char::to_lowercase)
                .collect();
            if compact.contains("display:none") || compact.contains("visibility:hidden") {
                return true;
            }
        }
        if let Some(role) = el.attr("role")
            && role
                .split_whitespace()
                .any(|r| self.skip_role.contains(&r.to_ascii_lowercase()))
        {
            return true;
        }
        if matches!(name, "body" | "main" | "article" | "html") {
            return false;
        }
        let words = el.attr("class").into_iter().chain(el.attr("id"));
        for value in words {
            for class in value.split_whitespace() {
                let class: Cow<'_, str> = if class.bytes().any(|b| b.is_ascii_uppercase()) {
                    Cow::Owned(class.to_ascii_lowercase())
                } else {
                    Cow::Borrowed(class)
                };
                if self.boilerplate.contains(class.as_ref())
                    || class
                        .split(['-', '_'])
                        .any(|part| self.boilerplate.contains(part))
                {
                    return true;
                }
            }
        }
        false
    }
}

/// What a page yields.
#[derive(Debug, Default)]
pub struct Page {
    /// Headline.
    pub title: Option<String>,
    /// Publication date.
    pub date: Option<Date>,
    /// Outlet.
    pub outlet: Option<String>,
    /// Canonical URL.
    pub url: Option<String>,
    /// `<html lang>`.
    pub language: Option<String>,
    /// Main text, paragraphs joined with a blank line.
    pub text: String,
}

/// Metadata collected while walking the page.
#[derive(Default)]
struct Meta {
    og_title: Option<String>,
    title: Option<String>,
    h1: Option<String>,
    site_name: Option<String>,
    canonical: Option<String>,
    og_url: Option<String>,
    language: Option<String>,
    meta_language: Option<String>,
    meta_date: Option<(usize, Date)>,
    times: Vec<(NodeId, Date)>,
    ld_date: Option<Date>,
    ld_article_date: Option<Date>,
    ld_publisher: Option<String>,
    ld_headline: Option<String>,
}

/// Deepest nesting accepted: tree building costs time proportional to depth for every tag.
pub const MAX_DEPTH: usize = 512;

/// The error for a page nested deeper than [`MAX_DEPTH`].
pub fn too_deep_message() -> String {
    format!("HTML nested more than {MAX_DEPTH} levels deep, skipped")
}

/// Estimates how deeply `source` nests: start tags minus end tags, leaving out `flat` elements,
/// self-closing tags, comments and `raw` content. Stops counting once past [`MAX_DEPTH`].
fn nesting_depth(source: &str, rules: &Rules) -> usize {
    let b = source.as_bytes();
    let (mut i, mut depth, mut max) = (0usize, 0usize, 0usize);
    let mut name = String::new();
    while let Some(off) = b
        .get(i..)
        .and_then(|rest| rest.iter().position(|&c| c == b'<'))
    {
        i += off + 1;
        if b.get(i..).is_some_and(|rest| rest.starts_with(b"!--")) {
            i = find(b, i + 3, b"-->").map_or(b.len(), |j| j + 3);
            continue;
        }
        let closing = b.get(i) == Some(&b'/');
        if closing {
            i += 1;
        }
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_alphanumeric) {
            i += 1;
        }
        if i == start {
            continue;
        }
        name.clear();
        name.extend(
            b[start..i]
                .iter()
                .map(|c| char::from(c.to_ascii_lowercase())),
        );
        let end = b
            .get(i..)
            .and_then(|rest| rest.iter().position(|&c| c == b'>'))
            .map(|j| i + j);
        let self_closing = end.is_some_and(|j| j > 0 && b[j - 1] == b'/');
        i = end.map_or(b.len(), |j| j + 1);
        if rules.flat.contains(&name) || self_closing {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
            continue;
        }
        if rules.raw.contains(&name) {
            i = find_end_tag(b, i, name.as_bytes()).unwrap_or(b.len());
            continue;
        }
        depth += 1;
        max = max.max(depth);
        if max > MAX_DEPTH {
            break;
        }
    }
    max
}

/// Position of `needle` in `b` at or after `from`.
fn find(b: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    b.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|j| from + j)
}

/// Position of `</name` (any case) in `b` at or after `from`.
fn find_end_tag(b: &[u8], from: usize, name: &[u8]) -> Option<usize> {
    let mut i = from;
    loop {
        let at = find(b, i, b"</")?;
        let after = at + 2;
        if b.get(after..after + name.len())
            .is_some_and(|n| n.eq_ignore_ascii_case(name))
        {
            return Some(after + name.len());
        }
        i = after;
    }
}

/// Extracts metadata and main text from an HTML page; `None` when it nests too deeply.
pub fn extract_page(source: &str) -> Option<Page> {
    let rules = rules();
    if nesting_depth(source, rules) > MAX_DEPTH {
        return None;
    }
    let html = Html::parse_document(source);
    let root = html.tree.root();
    let mut meta = Meta::default();
    // Paragraph text length credited to each element: a <p>'s length to its parent and half of
    // it to its grandparent.
    let mut score: HashMap<NodeId, usize> = HashMap::new();
    let mut articles: Vec<(NodeId, usize)> = Vec::new();
    let mut open_articles: Vec<(NodeId, usize)> = Vec::new();
    let mut skipping: Option<NodeId> = None;
    let mut paragraph: Option<(NodeRef<'_, Node>, usize)> = None;
    for edge in root.traverse() {
        match edge {
            Edge::Open(node) => {
                if let Some(el) = node.value().as_element() {
                    collect_meta(&mut meta, node, el, rules);
                    if skipping.is_some() {
                        continue;
                    }
                    if rules.skips(el) {
                        skipping = Some(node.id());
                        continue;
                    }
                    match el.name() {
                        "p" => paragraph = Some((node, 0)),
                        "article" => open_articles.push((node.id(), 0)),
                        _ => {}
                    }
                } else if let Some(text) = node.value().as_text()
                    && skipping.is_none()
                    && let Some((_, len)) = paragraph.as_mut()
                {
                    *len += text.split_whitespace().map(|w| w.len() + 1).sum::<usize>();
                }
            }
            Edge::Close(node) => {
                if skipping == Some(node.id()) {
                    skipping = None;
                    continue;
                }
                if skipping.is_some() {
                    continue;
                }
                if paragraph.is_some_and(|(p, _)| p.id() == node.id()) {
                    if let Some((p, len)) = paragraph.take() {
                        if let Some(parent) = p.parent() {
                            *score.entry(parent.id()).or_default() += len;
                            if let Some(grand) = parent.parent() {
                                *score.entry(grand.id()).or_default() += len / 2;
                            }
                        }
                        for (_, total) in open_articles.iter_mut() {
                            *total += len;
                        }
                    }
                } else if open_articles.last().is_some_and(|(id, _)| *id == node.id())
                    && let Some(done) = open_articles.pop()
                {
                    articles.push(done);
                }
            }
        }
    }

    let container = choose_container(&html, &score, &articles);
    let mut blocks = Blocks::new(true);
    walk(container, rules, &mut blocks, true);
    let text = blocks.finish();

    let date = meta
        .meta_date
        .map(|(_, d)| d)
        .or(meta.ld_article_date)
        .or(meta.ld_date)
        .or_else(|| {
            let inside = meta.times.iter().find(|(id, _)| {
                html.tree
                    .get(*id)
                    .is_some_and(|n| n.ancestors().any(|a| a.id() == container.id()))
            });
            inside.or(meta.times.first()).map(|(_, d)| *d)
        });
    Some(Page {
        title: meta
            .og_title
            .or(meta.title)
            .or(meta.ld_headline)
            .or(meta.h1),
        date,
        outlet: meta.site_name.or(meta.ld_publisher),
        url: meta.canonical.or(meta.og_url),
        language: meta.language.or(meta.meta_language),
        text,
    })
}

/// The element holding the article: the `<article>` with the most paragraph text, else the
/// element with the highest paragraph score, else `<main>`, else `<body>`, else the root.
fn choose_container<'a>(
    html: &'a Html,
    score: &HashMap<NodeId, usize>,
    articles: &[(NodeId, usize)],
) -> NodeRef<'a, Node> {
    let mut best_article: Option<(NodeId, usize)> = None;
    for &(id, len) in articles {
        if len > 0 && best_article.is_none_or(|(_, b)| len > b) {
            best_article = Some((id, len));
        }
    }
    // Ties go to the node that comes first in the document: an ancestor before its children.
    let mut best: Option<(usize, NodeRef<'a, Node>)> = None;
    for node in html.tree.root().descendants() {
        if let Some(&s) = score.get(&node.id())
            && s > 0
            && best.is_none_or(|(b, _)| s > b)
        {
            best = Some((s, node));
        }
    }
    // An <article> wins unless it is a teaser next to a block with far more paragraph text.
    if let Some((id, len)) = best_article
        && best.is_none_or(|(b, _)| len * 2 >= b)
        && let Some(node) = html.tree.get(id)
    {
        return node;
    }
    if let Some((_, node)) = best {
        return node;
    }
    let named = |name: &str| {
        html.tree
            .root()
            .descendants()
            .find(|n| n.value().as_element().is_some_and(|e| e.name() == name))
    };
    named("main")
        .or_else(|| named("body"))
        .unwrap_or_else(|| html.tree.root())
}

/// Records the metadata an element carries.
fn collect_meta(meta: &mut Meta, node: NodeRef<'_, Node>, el: &Element, rules: &Rules) {
    let clean = |s: &str| {
        let s = collapse(s);
        if s.is_empty() { None } else { Some(s) }
    };
    match el.name() {
        "html" if meta.language.is_none() => {
            meta.language = el.attr("lang").and_then(clean);
        }
        "meta" => {
            let content = el.attr("content").or_else(|| el.attr("datetime"));
            let Some(content) = content else { return };
            let http_language = el
                .attr("http-equiv")
                .is_some_and(|h| h.trim().eq_ignore_ascii_case("content-language"));
            if http_language && meta.meta_language.is_none() {
                meta.meta_language = content.split(',').next().and_then(clean);
            }
            for key in [el.attr("property"), el.attr("name"), el.attr("itemprop")]
                .into_iter()
                .flatten()
            {
                let key = key.trim().to_ascii_lowercase();
                match key.as_str() {
                    "og:title" if meta.og_title.is_none() => meta.og_title = clean(content),
                    "og:site_name" if meta.site_name.is_none() => meta.site_name = clean(content),
                    "og:url" if meta.og_url.is_none() => meta.og_url = clean(content),
                    "og:locale" if meta.meta_language.is_none() => {
                        meta.meta_language = clean(&content.replace('_', "-"));
                    }
                    _ => {}
                }
                if let Some(rank) = rules.date_meta.iter().position(|k| *k == key)
                    && meta.meta_date.is_none_or(|(r, _)| rank < r)
                    && let Some(date) = parse_date(content)
                {
                    meta.meta_date = Some((rank, date));
                }
            }
        }
        "link" => {
            let canonical = el.attr("rel").is_some_and(|rel| {
                rel.split_whitespace()
                    .any(|r| r.eq_ignore_ascii_case("canonical"))
            });
            if canonical && meta.canonical.is_none() {
                meta.canonical = el.attr("href").and_then(clean);
            }
        }
        "title" if meta.title.is_none() => meta.title = clean(&text_of(node)),
        "h1" if meta.h1.is_none() => meta.h1 = clean(&text_of(node)),
        "time" => {
            if let Some(date) = el.attr("datetime").and_then(parse_date) {
                meta.times.push((node.id(), date));
            }
        }
        "script" => {
            let json = el
                .attr("type")
                .is_some_and(|t| t.to_ascii_lowercase().contains("ld+json"));
            if json && let Ok(value) = serde_json::from_str::<Value>(text_of(node).trim()) {
                json_ld(meta, &value);
            }
        }
        _ => {}
    }
}

/// Walks JSON-LD (objects, arrays, `@graph`) for `datePublished`, `publisher.name`, `headline`.
fn json_ld(meta: &mut Meta, value: &Value) {
    let mut stack = vec![value];
    while let Some(value) = stack.pop() {
        match value {
            Value::Array(items) => stack.extend(items.iter().rev()),
            Value::Object(map) => {
                let is_article = map.get("@type").is_some_and(|t| {
                    let has =
                        |s: &str| s.contains("Article") || s == "Report" || s == "BlogPosting";
                    match t {
                        Value::String(s) => has(s),
                        Value::Array(a) => a.iter().any(|v| v.as_str().is_some_and(has)),
                        _ => false,
                    }
                });
                if let Some(date) = map
                    .get("datePublished")
                    .and_then(Value::as_str)
                    .and_then(parse_date)
                {
                    if is_article && meta.ld_article_date.is_none() {
                        meta.ld_article_date = Some(date);
                    }
                    if meta.ld_date.is_none() {
                        meta.ld_date = Some(date);
                    }
                }
                if meta.ld_publisher.is_none() {
                    let publisher = map.get("publisher").map(|p| match p {
                        Value::Array(a) => a.first().unwrap_or(p),
                        _ => p,
                    });
                    meta.ld_publisher = publisher
                        .and_then(|p| p.get("name"))
                        .and_then(Value::as_str)
                        .map(collapse)
                        .filter(|s| !s.is_empty());
                }
                if is_article && meta.ld_headline.is_none() {
                    meta.ld_headline = map
                        .get("headline")
                        .and_then(Value::as_str)
                        .map(collapse)
                        .filter(|s| !s.is_empty());
                }
                if let Some(graph) = map.get("@graph") {
                    stack.push(graph);
                }
                if let Some(main) = map.get("mainEntity") {
                    stack.push(main);
                }
            }
            _ => {}
        }
    }
}

/// All text under a node, concatenated.
fn text_of(node: NodeRef<'_, Node>) -> String {
    match ElementRef::wrap(node) {
        Some(el) => el.text().collect(),
        None => String::new(),
    }
}

/// White space folded to single spaces, ends trimmed.
pub fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Text of an HTML fragment (a feed item's content): every block, no link-list filtering;
/// `None` when it nests too deeply.
pub fn fragment_text(source: &str) -> Option<String> {
    if nesting_depth(source, rules()) > MAX_DEPTH {
        return None;
    }
    let html = Html::parse_fragment(source);
    let mut blocks = Blocks::new(false);
    walk(html.tree.root(), rules(), &mut blocks, false);
    Some(blocks.finish())
}

/// Collects paragraphs from the subtree of `container`.
fn walk(container: NodeRef<'_, Node>, rules: &Rules, blocks: &mut Blocks, page: bool) {
    let mut skipping: Option<NodeId> = None;
    // Inside an article's <header>, only headings are text.
    let mut header: Option<NodeId> = None;
    for edge in container.traverse() {
        match edge {
            Edge::Open(node) => {
                if skipping.is_some() {
                    continue;
                }
                if let Some(el) = node.value().as_element() {
                    let name = el.name();
                    if node.id() != container.id() && rules.skips(el) {
                        skipping = Some(node.id());
                        continue;
                    }
                    if page && name == "header" && header.is_none() && node.id() != container.id() {
                        header = Some(node.id());
                    }
                    if rules.heading.contains(name) {
                        blocks.flush();
                        blocks.heading += 1;
                    } else if rules.block.contains(name) {
                        blocks.flush();
                    } else if name == "br" {
                        blocks.line_break();
                    } else if name == "a" {
                        blocks.link += 1;
                    }
                } else if let Some(text) = node.value().as_text()
                    && (header.is_none() || blocks.heading > 0)
                {
                    blocks.push(text);
                }
            }
            Edge::Close(node) => {
                if skipping == Some(node.id()) {
                    skipping = None;
                    continue;
                }
                if skipping.is_some() {
                    continue;
                }
                if header == Some(node.id()) {
                    blocks.flush();
                    header = None;
                }
                if let Some(el) = node.value().as_element() {
                    let name = el.name();
                    if rules.heading.contains(name) {
                        blocks.flush();
                        blocks.heading = blocks.heading.saturating_sub(1);
                    } else if rules.block.contains(name) {
                        blocks.flush();
                    } else if name == "a" {
                        blocks.link = blocks.link.saturating_sub(1);
                    }
                }
            }
        }
    }
}

/// Paragraph builder: folds white space, drops link lists, joins paragraphs with a blank line.
struct Blocks {
    out: String,
    current: String,
    link_bytes: usize,
    pending_space: bool,
    was_heading: bool,
    heading: usize,
    link: usize,
    filter_links: bool,
}

impl Blocks {
    fn new(filter_links: bool) -> Blocks {
        Blocks {
            out: String::new(),
            current: String::new(),
            link_bytes: 0,
            pending_space: false,
            was_heading: false,
            heading: 0,
            link: 0,
            filter_links,
        }
    }

    fn push(&mut self, text: &str) {
        if text.starts_with(char::is_whitespace) {
            self.pending_space = true;
        }
        let mut first = true;
        for word in text.split_whitespace() {
            if (!first || self.pending_space)
                && !self.current.is_empty()
                && !self.current.ends_with('\n')
            {
                self.current.push(' ');
            }
            self.current.push_str(word);
            first = false;
            if self.link > 0 {
                self.link_bytes += word.len();
            }
            if self.heading > 0 {
                self.was_heading = true;
            }
        }
        if !first {
            self.pending_space = text.ends_with(char::is_whitespace);
        }
    }

    /// A `<br>`: a line break, or a paragraph break when it follows another.
    fn line_break(&mut self) {
        if self.current.ends_with('\n') {
            self.flush();
            return;
        }
        let trimmed = self.current.trim_end().len();
        self.current.truncate(trimmed);
        if !self.current.is_empty() {
            self.current.push('\n');
        }
        self.pending_space = false;
    }

    fn flush(&mut self) {
        let para = self.current.trim();
        let link_list = self.filter_links && !self.was_heading && self.link_bytes * 2 > para.len();
        if !para.is_empty() && !link_list {
            if !self.out.is_empty() {
                self.out.push_str("\n\n");
            }
            self.out.push_str(para);
        }
        self.current.clear();
        self.link_bytes = 0;
        self.pending_space = false;
        self.was_heading = false;
    }

    fn finish(mut self) -> String {
        self.flush();
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_markup_keeps_word_boundaries() {
        let t = fragment_text(
            "<p>Troops <b>moved</b>north and <i>then</i> left.</p><p>Second &amp; last.</p>",
        )
        .unwrap();
        assert_eq!(t, "Troops movednorth and then left.\n\nSecond & last.");
        let t = fragment_text("<p>One<br>two <br/> three</p>").unwrap();
        assert_eq!(t, "One\ntwo\nthree");
        let t = fragment_text("<div>First part.<br><br>Second part.<br> <br>Third.</div>").unwrap();
        assert_eq!(t, "First part.\n\nSecond part.\n\nThird.");
    }

    #[test]
    fn nesting_depth_estimate() {
        let r = rules();
        assert_eq!(
            nesting_depth(
                "<div><p>a<p>b<br><img src=x></div><div><span>c</span></div>",
                r
            ),
            2
        );
        assert_eq!(
            nesting_depth("<script>if (a<div) {}</script><!-- <div><div> --><svg/>", r),
            0
        );
        assert_eq!(nesting_depth("<DIV><Div></DIV></div><div>", r), 2);
        let deep = "<div>".repeat(MAX_DEPTH + 10);
        assert!(nesting_depth(&deep, r) > MAX_DEPTH);
        assert!(extract_page(&deep).is_none());
    }

    #[test]
    fn rules_file_parses() {
        let r = rules();
        assert!(r.skip.contains("script") && r.block.contains("p") && r.heading.contains("h1"));
        assert_eq!(
            r.date_meta.first().map(String::as_str),
            Some("article:published_time")
        );
    }
}
