//! `cargo xtask test`: every test, in the order that fails fastest.

use crate::cmd::{self, Result, exec, root, step};
use crate::{harness, serve, setup};
use std::process::Command;
use std::time::Instant;

pub fn run() -> Result {
    let start = Instant::now();
    setup::run()?;
    let cargo = || {
        let mut c = Command::new(cmd::cargo());
        c.current_dir(root())
            .env("CARGO_PROFILE_DEV_DEBUG", "line-tables-only");
        c
    };
    step("rustfmt", || {
        exec(cargo().args(["fmt", "--all", "--check"]))
    })?;
    step("clippy (native)", || {
        exec(cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]))
    })?;
    step("clippy (wasm32)", || {
        exec(cargo().args([
            "clippy",
            "-p",
            "burrow",
            "-p",
            "burrow-core",
            // The release builds' page groups as split points (src/lazy_pages.rs); the
            // next run checks the same code without them, as the tests build it.
            "--features",
            "burrow/split,burrow/family-split",
            "--target",
            "wasm32-unknown-unknown",
            "--",
            "-D",
            "warnings",
        ]))?;
        exec(cargo().args([
            "clippy",
            "-p",
            "burrow",
            "--all-targets",
            "--target",
            "wasm32-unknown-unknown",
            "--",
            "-D",
            "warnings",
        ]))
    })?;
    step(
        "native tests (core, server over real HTTP and SQLite)",
        || exec(cargo().args(["test", "--workspace"])),
    )?;
    step("wasm tests in headless Chromium", || {
        exec(
            cargo()
                .args(["test", "-p", "burrow", "--target", "wasm32-unknown-unknown"])
                .env("CHROMEDRIVER", setup::CHROMEDRIVER)
                .env("WASM_BINDGEN_TEST_TIMEOUT", "60"),
        )
    })?;
    serve::build_app()?;
    crate::dist::packages(&crate::dist::ARCHES.iter().collect::<Vec<_>>())?;
    let store_crash = harness::build_store_crash(cargo)?;
    let journal_seed = harness::build_journal_seed(cargo)?;
    step("end-to-end tests in headless Chromium", || {
        exec(cargo().args(["build", "-p", "burrow-server"]))?;
        exec(
            Command::new("npx")
                .current_dir(root().join(setup::PLAYWRIGHT_DIR))
                .args(["playwright", "test"])
                .env("BURROW_SERVER", root().join("target/debug/burrow-server"))
                .env("BURROW_DIST", root().join("dist"))
                .env("BURROW_DEBS", root().join("target/dist"))
                .env("BURROW_STORE_CRASH", &store_crash)
                .env("BURROW_JOURNAL_SEED", &journal_seed),
        )
    })?;
    eprintln!(
        "\nAll tests passed in {:.0}s.",
        start.elapsed().as_secs_f64()
    );
    Ok(())
}
