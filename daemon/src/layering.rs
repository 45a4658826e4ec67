//! The layer rule of the crate, checked: every top-level module may use only the
//! modules listed before it in [`LAYERS`], so the dependency graph has no cycle and
//! reads config -> model -> tasks -> (train, eval) -> engine -> (http, rpc) -> daemon.
//! The check reads the `crate::` paths of each module's source files (test files
//! excluded: a test may build its fixtures from any layer).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Lowest first.
const LAYERS: &[&str] =
    &["config", "backend", "model", "history", "shared", "service", "reward", "tasks", "train", "eval", "checkpoint", "engine", "http", "rpc", "daemon"];

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name == "tests" || name == "tests.rs" {
            continue;
        }
        if path.is_dir() {
            sources(&path, out);
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
}

/// Top-level modules named by `crate::x` or `crate::{x, y::{z, w}}` in `text`.
fn referenced(text: &str, modules: &BTreeSet<&str>) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let ident = |s: &str| s.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect::<String>();
    for (i, _) in text.match_indices("crate::") {
        let rest = &text[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // The first segment of every item at depth 0 of the group.
            let (mut depth, mut start) = (0usize, true);
            for (j, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => start = true,
                    c if start && !c.is_whitespace() => {
                        found.insert(ident(&group[j..]));
                        start = false;
                    }
                    _ => {}
                }
            }
        } else {
            found.insert(ident(rest));
        }
    }
    found.retain(|m| modules.contains(m.as_str()));
    found
}

/// The code of a source file: without comments (a line's `//` tail) and without an
/// inline `#[cfg(test)] mod ... {` block, which by convention ends the file.
fn code_of(text: &str) -> String {
    let mut out = Vec::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        if line.trim() == "#[cfg(test)]" && lines.peek().is_some_and(|n| n.trim_start().starts_with("mod ") && n.trim_end().ends_with('{')) {
            break;
        }
        out.push(line.split("//").next().unwrap_or(""));
    }
    out.join("\n")
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = crate::manifest_dir().join("src");
    let modules: BTreeSet<&str> = LAYERS.iter().copied().collect();
    let mut g = BTreeMap::new();
    for m in LAYERS {
        let (dir, file) = (src.join(m), src.join(format!("{m}.rs")));
        let mut files = Vec::new();
        if dir.is_dir() {
            sources(&dir, &mut files);
        }
        if file.is_file() {
            files.push(file);
        }
        assert!(!files.is_empty(), "module `{m}` in LAYERS has no source under {}", src.display());
        let mut deps = BTreeSet::new();
        for f in files {
            // Code only: comments and inline test modules may name any module.
            deps.extend(referenced(&code_of(&std::fs::read_to_string(&f).unwrap()), &modules));
        }
        deps.remove(*m);
        g.insert(m.to_string(), deps);
    }
    g
}

#[test]
fn every_top_level_module_is_in_the_layer_list() {
    let src = crate::manifest_dir().join("src");
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    for line in lib.lines() {
        let line = line.trim_start_matches("pub(crate) ").trim_start_matches("pub ");
        if let Some(name) = line.strip_prefix("mod ").and_then(|l| l.strip_suffix(';')) {
            if name != "layering" {
                assert!(LAYERS.contains(&name), "lib.rs declares `mod {name}`, which LAYERS does not place");
            }
        }
    }
}

#[test]
fn modules_only_use_lower_layers() {
    let g = graph();
    let rank: BTreeMap<&str, usize> = LAYERS.iter().enumerate().map(|(i, m)| (*m, i)).collect();
    let mut wrong = Vec::new();
    for (m, deps) in &g {
        for d in deps {
            if rank[d.as_str()] > rank[m.as_str()] {
                wrong.push(format!("{m} -> {d}"));
            }
        }
    }
    assert!(wrong.is_empty(), "imports pointing up the layers (lowest first: {LAYERS:?}): {wrong:?}");
}

#[test]
fn the_reference_scanner_sees_grouped_and_plain_paths() {
    let modules: BTreeSet<&str> = ["config", "engine", "tasks"].into_iter().collect();
    let text = "use crate::config::Config;\nuse crate::{engine::{X, Y}, tasks, other};\nlet x = crate::manifest_dir();";
    let found: Vec<String> = referenced(text, &modules).into_iter().collect();
    assert_eq!(found, ["config", "engine", "tasks"]);
    let nested = "use crate::{engine::{A, B}, config};";
    assert_eq!(referenced(nested, &modules).into_iter().collect::<Vec<_>>(), ["config", "engine"]);
    let code = code_of("use crate::config::X; // see crate::engine\n#[cfg(test)]\nmod tests {\n    use crate::tasks::T;\n}\n");
    assert_eq!(referenced(&code, &modules).into_iter().collect::<Vec<_>>(), ["config"]);
}
