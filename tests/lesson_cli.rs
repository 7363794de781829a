//! `raftlab lesson check|run` as a course author meets them: exit codes, and what they print.

use std::path::PathBuf;
use std::process::Command;

const GOOD: &str = r#"+++
id = "cli-good"
number = 98
title = "CLI"
language = "en"
summary = "A lesson for the CLI test."
minutes = 1
level = "beginner"

[cluster]
nodes = 3
seed = 7
+++

## One

```lab
wait until leader != none within 5s
predict: Which term does the first leader have?
option: 1
option: 2
answer: 2
explain: The cluster starts at term 1; the first election makes it 2.
expect term(leader) == 2
```
"#;

fn file(name: &str, text: &str) -> PathBuf {
    // Cargo's own scratch directory for integration tests (inside target/), so that runs
    // leave nothing behind in /tmp.
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("lesson-cli");
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn raftlab(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_raftlab")).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn check_and_run_pass_a_good_lesson() {
    let p = file("good.md", GOOD);
    let path = p.to_str().unwrap();
    let (code, out, err) = raftlab(&["lesson", "check", path]);
    assert_eq!((code, out.as_str(), err.as_str()), (0, "1 lessons (1 steps) checked, 0 errors\n", ""));
    let (code, out, _) = raftlab(&["lesson", "run", path]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("  step 1: One ... ok\n"), "{out}");
    assert!(out.ends_with("1 passed, 0 failed\n"), "{out}");
}

#[test]
fn a_false_claim_makes_run_fail_and_names_the_line() {
    let p = file("false.md", &GOOD.replace("expect term(leader) == 2", "expect term(leader) == 3"));
    let path = p.to_str().unwrap();
    let (code, out, _) = raftlab(&["lesson", "run", path]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("  step 1: One ... FAILED\n"), "{out}");
    assert!(out.contains(&format!("    {path}:24: expect term(leader) == 3: term(leader) = 2\n")), "{out}");
    assert!(out.ends_with("0 passed, 1 failed\n"), "{out}");
}

#[test]
fn check_prints_every_error_with_its_place() {
    let bad = GOOD
        .replace("wait until leader != none within 5s", "wait until leader != none")
        .replace("expect term(leader) == 2", "expect term(n4) == 2\nkill n9\nfrobnicate");
    let p = file("bad.md", &bad);
    let path = p.to_str().unwrap();
    let (code, out, err) = raftlab(&["lesson", "check", path]);
    assert_eq!(code, 1);
    assert_eq!(out, "0 lessons (0 steps) checked, 4 errors\n");
    let note = "does not exist here: the cluster has n1 to n3 at this point (add members with member add)";
    assert_eq!(
        err,
        format!(
            "{path}:18:12: wait until needs a limit: wait until <condition> within <duration>\n\
             {path}:24:13: n4 {note}\n\
             {path}:25:6: n9 {note}\n\
             {path}:26:1: unknown or bad command: Error: unknown command \"frobnicate\" for \"etcdctl\"\n"
        )
    );
}
