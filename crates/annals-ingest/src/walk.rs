//! Expanding input paths: folders into their files, in a stable order.

use crate::sniff::{EXTENSIONS, extension};
use crate::{Input, Item};
use annals_document::Diagnostic;
use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

/// See [`crate::expand`].
pub fn expand(paths: &[PathBuf], sink: &mut dyn FnMut(Item)) -> Vec<Input> {
    let mut out = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            out.push(Input {
                path: path.clone(),
                size: None,
            });
            continue;
        }
        match fs::metadata(path) {
            Err(e) => report(sink, path, &format!("cannot read input: {e}")),
            Ok(meta) if meta.is_dir() => walk_dir(path, &mut out, sink),
            Ok(meta) => out.push(Input {
                path: path.clone(),
                size: Some(meta.len()),
            }),
        }
    }
    out
}

/// Whether a file found in a folder is read: a known extension, or none.
fn wanted(name: &str) -> bool {
    match extension(name) {
        None => true,
        Some(ext) => EXTENSIONS.iter().any(|(e, _)| *e == ext),
    }
}

/// Depth-first over a folder: entries sorted by name, hidden ones skipped, each real folder once.
fn walk_dir(root: &Path, out: &mut Vec<Input>, sink: &mut dyn FnMut(Item)) {
    let mut visited: HashSet<PathBuf> = HashSet::new();
    let mut stack: Vec<std::vec::IntoIter<PathBuf>> = Vec::new();
    if let Some(entries) = list(root, &mut visited, sink) {
        stack.push(entries);
    }
    while let Some(top) = stack.last_mut() {
        let Some(path) = top.next() else {
            stack.pop();
            continue;
        };
        match fs::metadata(&path) {
            Err(e) => report(sink, &path, &format!("cannot read input: {e}")),
            Ok(meta) if meta.is_dir() => {
                if let Some(entries) = list(&path, &mut visited, sink) {
                    stack.push(entries);
                }
            }
            Ok(meta) => {
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy())
                    .unwrap_or_default();
                if meta.is_file() && wanted(&name) {
                    out.push(Input {
                        path,
                        size: Some(meta.len()),
                    });
                }
            }
        }
    }
}

/// The sorted, non-hidden entries of a folder not visited before.
fn list(
    dir: &Path,
    visited: &mut HashSet<PathBuf>,
    sink: &mut dyn FnMut(Item),
) -> Option<std::vec::IntoIter<PathBuf>> {
    let real = fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    if !visited.insert(real) {
        return None;
    }
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            report(sink, dir, &format!("cannot read folder: {e}"));
            return None;
        }
    };
    let mut paths: Vec<PathBuf> = Vec::new();
    for entry in entries {
        match entry {
            Ok(entry) => {
                if !entry.file_name().to_string_lossy().starts_with('.') {
                    paths.push(entry.path());
                }
            }
            Err(e) => report(sink, dir, &format!("cannot read folder: {e}")),
        }
    }
    paths.sort();
    Some(paths.into_iter())
}

/// Sends an error about `path`.
fn report(sink: &mut dyn FnMut(Item), path: &Path, message: &str) {
    sink(Item::Diagnostic(Diagnostic::error(
        path.display().to_string(),
        message,
    )));
}
