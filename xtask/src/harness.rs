//! Builds the store's crash harness (`examples/store_crash.rs`) into a page the end-to-end test
//! serves: the example compiled to wasm32, bound with the wasm-bindgen CLI, and a bare page.

use crate::cmd::{Result, exec, root, step};
use std::path::PathBuf;
use std::process::Command;

const PAGE: &str = r#"<!doctype html>
<html lang="en">
<meta charset="utf-8">
<title>Burrow store crash harness</title>
<script type="module">import init from "./store_crash.js"; init();</script>
</html>
"#;

/// Returns the folder holding the harness page. `cargo` is the test run's cargo, so the build
/// shares its profile and its cached dependencies.
pub fn build_store_crash(cargo: impl Fn() -> Command) -> Result<PathBuf> {
    let out = root().join("target/store-crash");
    step("build the store crash harness", || {
        exec(cargo().args([
            "build",
            "-p",
            "burrow",
            "--example",
            "store_crash",
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
                    .join("target/wasm32-unknown-unknown/debug/examples/store_crash.wasm")
                    .to_string_lossy(),
            ]),
        )?;
        std::fs::write(out.join("index.html"), PAGE)
            .map_err(|e| format!("could not write the harness page: {e}"))
    })?;
    Ok(out)
}
