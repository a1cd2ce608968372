//! The crate's layering, checked on its source: the query builder knows no model, the base
//! modules import nothing above them, and drivers build no queries.
//!
//! Layers, bottom up: base (`value`, `row`, `error`, `config`, `ident`, `dialect`) → `driver` →
//! `connection` → `query` → `model`; `schema` and `migrations` sit on `connection`.

use std::path::{Path, PathBuf};

fn sources(under: &str) -> Vec<PathBuf> {
    // A module is `name.rs` or `name/`.
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let file = src.join(format!("{under}.rs"));
    if file.is_file() {
        return vec![file];
    }
    let root = src.join(under);
    let mut out = Vec::new();
    let mut dirs = vec![root];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    assert!(!out.is_empty(), "no source under {under}");
    out
}

/// Lines of code (comments and doc comments left out) of the modules `under` that name one of
/// `forbidden` (`crate::model`, …).
fn uses(under: &[&str], forbidden: &[&str]) -> Vec<String> {
    let mut found = Vec::new();
    for path in under.iter().flat_map(|u| sources(u)) {
        let text = std::fs::read_to_string(&path).expect("read source");
        for (n, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("//") {
                continue;
            }
            for f in forbidden {
                if code.contains(f) {
                    found.push(format!("{}:{}: {}", path.display(), n + 1, code));
                }
            }
        }
    }
    found
}

#[test]
fn the_query_builder_knows_no_model() {
    let found = uses(&["query"], &["crate::model", "crate::Model", "crate::Entity", "super::model", "ModelQuery"]);
    assert!(found.is_empty(), "query/ uses the model layer:\n{}", found.join("\n"));
}

#[test]
fn base_modules_import_nothing_above_them() {
    let above =
        ["crate::driver", "crate::connection", "crate::query", "crate::model", "crate::schema", "crate::migrations"];
    let base = ["value", "row", "statement", "error", "config", "ident", "dialect"];
    let found = uses(&base, &above);
    assert!(found.is_empty(), "a base module imports from above it:\n{}", found.join("\n"));
}

#[test]
fn drivers_build_no_queries_and_hand_out_no_handles() {
    let above = ["crate::connection", "crate::query", "crate::model", "crate::schema", "crate::migrations"];
    let found = uses(&["driver"], &above);
    assert!(found.is_empty(), "a driver reaches above the driver layer:\n{}", found.join("\n"));
}

#[test]
fn the_connection_layer_knows_no_model_schema_or_migrations() {
    let found = uses(&["connection"], &["crate::model", "crate::schema", "crate::migrations"]);
    assert!(found.is_empty(), "connection/ reaches above itself:\n{}", found.join("\n"));
}
