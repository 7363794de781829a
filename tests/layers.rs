//! The architecture invariant: the crate's layers, lowest first, are
//! store → engine → history → console (with kube) → lab → lesson → ui → live → bin, and the
//! tools (oracle, fuzz, bench) sit beside ui, above lesson; live mode uses the oracle. A module may use its own layer and any
//! layer below it, never one above or beside it.
//!
//! This test reads every `.rs` file under `src/` and fails on any `crate::…` path (or
//! `raftlab::…` in the binary) that runs back up, naming the file and line. A new top-level
//! module fails it too until it is given a layer here, so the order stays a decision.

use std::fs;
use std::path::{Path, PathBuf};

/// Each top-level module's layer; modules of equal rank are siblings and may not use each
/// other (except within one group, below).
const LAYERS: &[(&str, u32)] = &[
    ("store", 0),
    ("engine", 1),
    ("history", 2),
    ("console", 3),
    ("kube", 3),
    ("lab", 4),
    ("lesson", 5),
    ("oracle", 6),
    ("fuzz", 6),
    ("bench", 6),
    ("ui", 6),
    // Live mode drives the oracle's real cluster for the page.
    ("live", 7),
    ("bin", 8),
];

/// Siblings that form one layer and may use each other: kube formats through the console's
/// output and lexer, and the console runs `kube` lines.
const ONE_LAYER: &[(&str, &str)] = &[("console", "kube"), ("kube", "console")];

fn rank(module: &str) -> Option<u32> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, r)| *r)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The top-level module a file under `src/` belongs to (`lib.rs` belongs to none).
fn module_of(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).unwrap();
    let first = rel.components().next()?.as_os_str().to_str()?.to_string();
    if first == "lib.rs" {
        return None;
    }
    Some(first.trim_end_matches(".rs").to_string())
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The modules a line names through `prefix` (`crate::x`, `crate::{x, y::z}`).
fn named_after(line: &str, prefix: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find(prefix) {
        let before = rest[..at].chars().next_back();
        let after = &rest[at + prefix.len()..];
        rest = after;
        if before.is_some_and(is_ident) {
            continue;
        }
        if let Some(group) = after.strip_prefix('{') {
            let mut depth = 0;
            let mut item_start = true;
            let mut name = String::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if depth == 0 && item_start && is_ident(c) => name.push(c),
                    _ if depth == 0 && item_start && !name.is_empty() => {
                        found.push(std::mem::take(&mut name));
                        item_start = false;
                    }
                    _ => {}
                }
            }
            if !name.is_empty() {
                found.push(name);
            }
        } else {
            let name: String = after.chars().take_while(|&c| is_ident(c)).collect();
            if !name.is_empty() {
                found.push(name);
            }
        }
    }
    found
}

/// Every edge in `src/` that runs up or sideways, as `file:line: from -> to`.
fn back_edges(src: &Path) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let mut bad = Vec::new();
    for file in files {
        let Some(from) = module_of(src, &file) else { continue };
        let Some(from_rank) = rank(&from) else {
            bad.push(format!("{}: module `{from}` has no layer in tests/layers.rs", file.display()));
            continue;
        };
        let text = fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            let prefix = if from == "bin" { "raftlab::" } else { "crate::" };
            for to in named_after(line, prefix) {
                if to == from || ONE_LAYER.contains(&(from.as_str(), to.as_str())) {
                    continue;
                }
                // Items of the crate root itself (none today) are below every layer.
                let Some(to_rank) = rank(&to) else { continue };
                if to_rank >= from_rank {
                    bad.push(format!("{}:{}: {from} -> {to}", file.display(), n + 1));
                }
            }
        }
    }
    bad
}

#[test]
fn no_module_uses_a_layer_above_or_beside_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let bad = back_edges(&src);
    assert!(bad.is_empty(), "edges against the layer order:\n{}", bad.join("\n"));
}

#[test]
fn every_top_level_module_has_a_layer() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut tops: Vec<String> = fs::read_dir(&src)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().trim_end_matches(".rs").to_string())
        .filter(|m| m != "lib")
        .collect();
    tops.sort();
    let missing: Vec<&String> = tops.iter().filter(|m| rank(m).is_none()).collect();
    assert!(missing.is_empty(), "modules without a layer: {missing:?}");
}

#[test]
fn the_reader_finds_grouped_and_nested_paths() {
    assert_eq!(named_after("use crate::lab::{course, share};", "crate::"), ["lab"]);
    assert_eq!(named_after("use crate::{engine::{Action, Run}, lab};", "crate::"), ["engine", "lab"]);
    assert_eq!(named_after("let x = crate::ui::i18n::t(a, b);", "crate::"), ["ui"]);
    assert_eq!(named_after("my_crate::lab::x", "crate::"), Vec::<String>::new());
}

/// The test can fail: a lesson module reaching up into the UI is caught with its place.
#[test]
fn an_upward_edge_is_reported_with_its_place() {
    let dir = std::env::temp_dir().join(format!("raftlab-layers-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(dir.join("lesson")).unwrap();
    fs::create_dir_all(dir.join("engine")).unwrap();
    fs::write(dir.join("lesson/player.rs"), "//! x\nuse crate::engine::Action;\nuse crate::ui::i18n::t;\n").unwrap();
    fs::write(dir.join("engine/mod.rs"), "// crate::ui in a comment is not an edge\n").unwrap();
    let bad = back_edges(&dir);
    fs::remove_dir_all(&dir).unwrap();
    assert_eq!(bad, [format!("{}:3: lesson -> ui", dir.join("lesson/player.rs").display())]);
}
