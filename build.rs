//! Reads the lesson files at build time. Native builds embed their texts (`BUILTIN`), so
//! the CLI and the tests play the same files CI checks. Every build gets `INDEX`, the lessons
//! page's list, read from each file's front matter; the site fetches a lesson's text from
//! `lessons/` (trunk copies it into the site) only when it is opened.

use std::fmt::Write as _;
use std::path::Path;

/// The value of `key = …` in TOML front matter: a basic string or an integer.
fn value(front: &str, key: &str) -> String {
    for line in front.lines() {
        let Some((k, v)) = line.split_once('=') else { continue };
        if k.trim() != key {
            continue;
        }
        let v = v.trim();
        if let Some(s) = v.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
            return s.replace("\\\"", "\"").replace("\\\\", "\\");
        }
        return v.to_string();
    }
    String::new()
}

fn main() {
    println!("cargo:rerun-if-changed=lessons");
    // Cargo's run-time variable, not `env!`: a build script compiled once can be run for
    // another checkout of the crate (a worktree sharing the target dir).
    let manifest = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    let root = Path::new(&manifest).join("lessons");
    let mut files = Vec::new();
    for lang in ["en", "zh"] {
        let dir = root.join(lang);
        println!("cargo:rerun-if-changed={}", dir.display());
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for e in entries.flatten() {
            let p = e.path();
            if p.extension().is_some_and(|x| x == "md") {
                println!("cargo:rerun-if-changed={}", p.display());
                files.push((format!("lessons/{lang}/{}", e.file_name().to_string_lossy()), p));
            }
        }
    }
    files.sort();
    let wasm = std::env::var("CARGO_CFG_TARGET_ARCH").is_ok_and(|a| a == "wasm32");
    let mut out = String::from(
        "/// (path, text) of every lesson file, native builds only.\npub static BUILTIN: &[(&str, &str)] = &[\n",
    );
    if !wasm {
        for (name, path) in &files {
            let _ = writeln!(out, "    ({name:?}, include_str!({:?})),", path.display().to_string());
        }
    }
    out.push_str(
        "];\n\n/// Every lesson file's front matter, for the lessons page.\npub static INDEX: &[Entry] = &[\n",
    );
    for (name, path) in &files {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let mut parts = text.splitn(3, "+++\n");
        let (_, front, body) = (parts.next(), parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        let mut fenced = false;
        let mut steps = 0;
        for line in body.lines() {
            if line.trim_start().starts_with("```") || line.trim_start().starts_with("~~~") {
                fenced = !fenced;
            } else if !fenced && line.starts_with("## ") {
                steps += 1;
            }
        }
        let num = |k: &str| value(front, k).parse::<u32>().unwrap_or(0);
        let _ = writeln!(
            out,
            "    Entry {{ path: {name:?}, id: {:?}, number: {}, language: {:?}, title: {:?}, summary: {:?}, minutes: {}, level: {:?}, steps: {steps} }},",
            value(front, "id"),
            num("number"),
            value(front, "language"),
            value(front, "title"),
            value(front, "summary"),
            num("minutes"),
            value(front, "level"),
        );
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("lessons.rs");
    std::fs::write(dest, out).expect("write lessons.rs");
}
