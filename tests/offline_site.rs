//! The offline site's files agree with the rest of the site: the service worker precaches
//! every built-in lesson and only files trunk copies into `dist/`, and the web app manifest
//! is valid JSON naming what an install needs. (tests/browser/offline.test.mjs then cuts
//! the network in Chromium.)

use std::collections::BTreeSet;

const SW: &str = include_str!("../www/sw.js");
const MANIFEST: &str = include_str!("../www/manifest.webmanifest");
const INDEX_HTML: &str = include_str!("../index.html");

/// The quoted strings of the `const NAME = [...]` array in sw.js.
fn sw_list(name: &str) -> Vec<String> {
    let start = SW.find(&format!("const {name} = [")).unwrap_or_else(|| panic!("sw.js has no {name}"));
    let body = &SW[start..];
    let body = &body[body.find('[').expect("[") + 1..body.find("];").expect("];")];
    body.split('\'').skip(1).step_by(2).map(str::to_string).collect()
}

#[test]
fn the_worker_precaches_every_built_in_lesson_and_nothing_else() {
    let listed: BTreeSet<String> = sw_list("LESSONS").into_iter().collect();
    let built_in: BTreeSet<String> = raftlab::lesson::index::index().iter().map(|e| e.path.to_string()).collect();
    assert!(!built_in.is_empty());
    assert_eq!(listed, built_in, "www/sw.js's LESSONS must list lessons/ exactly");
}

#[test]
fn the_worker_precaches_only_files_the_site_has() {
    let shell = sw_list("SHELL");
    assert_eq!(shell[..2], ["./", "./index.html"]);
    for f in &shell[2..] {
        let name = f.trim_start_matches("./");
        assert!(
            INDEX_HTML.contains(&format!("rel=\"copy-file\" href=\"www/{name}\"")),
            "{name} is not copied to dist/"
        );
    }
    assert!(INDEX_HTML.contains("rel=\"copy-file\" href=\"www/sw.js\""));
    assert!(INDEX_HTML.contains("navigator.serviceWorker.register('./sw.js')"));
}

#[test]
fn the_manifest_makes_the_site_installable_from_any_sub_path() {
    let m: serde_json::Value = serde_json::from_str(MANIFEST).expect("manifest.webmanifest is JSON");
    assert_eq!(m["start_url"], "./");
    assert_eq!(m["scope"], "./");
    assert_eq!(m["display"], "standalone");
    assert_eq!(m["name"], "Raft Lab");
    let icons = m["icons"].as_array().expect("icons");
    let sizes: Vec<&str> = icons.iter().filter_map(|i| i["sizes"].as_str()).collect();
    assert_eq!(sizes, ["any", "192x192", "512x512"]);
    for icon in icons {
        let src = icon["src"].as_str().expect("src");
        assert!(!src.starts_with('/') && !src.contains("://"), "{src} must be relative");
        assert!(sw_list("SHELL").contains(&format!("./{src}")), "{src} is not precached");
    }
}
