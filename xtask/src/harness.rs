//! Builds the test pages that run the app's own store code from an example: the store's crash
//! harness (`examples/store_crash.rs`) and the journal seeder (`examples/journal_seed.rs`). Each
//! is compiled to wasm32, bound with the wasm-bindgen CLI, and given a bare page.

use crate::cmd::{Result, exec, root, step};
use std::path::PathBuf;
use std::process::Command;

fn page(example: &str, title: &str) -> String {
    format!(
        r#"<!doctype html>
<html lang="en">
<meta charset="utf-8">
<title>{title}</title>
<script type="module">import init from "./{example}.js"; init();</script>
</html>
"#
    )
}

/// Returns the folder holding the example's page. `cargo` is the test run's cargo, so the build
/// shares its profile and its cached dependencies.
fn build(cargo: impl Fn() -> Command, example: &str, title: &str) -> Result<PathBuf> {
    let out = root().join("target").join(example.replace('_', "-"));
    step(&format!("build the {title}"), || {
        exec(cargo().args([
            "build",
            "-p",
            "burrow",
            "--example",
            example,
            "--target",
            "wasm32-unknown-unknown",
        ]))?;
        exec(
            Command::new("wasm-bindgen").args([
                "--target",
                "web",
                "--no-typescript",
                "--out-dir",
                &out.to_string_lossy(),
                &root()
                    .join(format!(
                        "target/wasm32-unknown-unknown/debug/examples/{example}.wasm"
                    ))
                    .to_string_lossy(),
            ]),
        )?;
        std::fs::write(out.join("index.html"), page(example, title))
            .map_err(|e| format!("could not write the {title} page: {e}"))
    })?;
    Ok(out)
}

pub fn build_store_crash(cargo: impl Fn() -> Command) -> Result<PathBuf> {
    build(cargo, "store_crash", "store crash harness")
}

pub fn build_journal_seed(cargo: impl Fn() -> Command) -> Result<PathBuf> {
    build(cargo, "journal_seed", "journal seeder")
}
