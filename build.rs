//! Reads the lesson files at build time. Native builds embed their texts (`BUILTIN`), so
//! the CLI and the tests play the same files CI checks. Every build gets `INDEX`, the lessons
//! page's list, read from each file's front matter; the site fetches a lesson's text from
//! `lessons/` (trunk copies it into the site) only when it is opened. The front matter is
//! read with basic-toml, as the lesson parser reads it.

use std::fmt::Write as _;
use std::path::Path;

/// What the lessons page shows of a lesson's front matter. The lesson parser
/// (`src/lesson/front.rs`) checks every field; this reads the same TOML the same way, and a
/// test proves the two agree for every file.
#[derive(Default, serde::Deserialize)]
#[serde(default)]
struct Front {
    id: String,
    number: u32,
    language: String,
    title: String,
    summary: String,
    minutes: u32,
    level: String,
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
        // A broken front matter must not stop the build (the site and the CLI still work);
        // the lesson parser reports it with its line, and the index test fails on it.
        let f: Front = basic_toml::from_str(front).unwrap_or_else(|e| {
            println!("cargo:warning={name}: front matter: {e}");
            Front::default()
        });
        let _ = writeln!(
            out,
            "    Entry {{ path: {name:?}, id: {:?}, number: {}, language: {:?}, title: {:?}, summary: {:?}, minutes: {}, level: {:?}, steps: {steps} }},",
            f.id, f.number, f.language, f.title, f.summary, f.minutes, f.level,
        );
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("lessons.rs");
    std::fs::write(dest, out).expect("write lessons.rs");
}
