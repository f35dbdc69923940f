//! `cargo xtask serve [--demo] [burrow-server flags]`: build the app (release) and run the server.

use crate::cmd::{self, Result, exec, root, step};
use crate::setup;
use std::process::Command;

pub fn run(args: &[String]) -> Result {
    setup::run()?;
    build_app()?;
    eprintln!("\nStarting burrow-server (Ctrl+C stops it)…");
    exec(
        Command::new(cmd::cargo())
            .current_dir(root())
            .args([
                "run",
                "--release",
                "--quiet",
                "--package",
                "burrow-server",
                "--",
                "--app-dir",
                "dist",
                "--data-dir",
                "burrow-data",
            ])
            .args(args),
    )
}

/// Both apps, from the same library: the staff tablets' (`index.html`) into `dist/`, then a
/// parent's phone's (`index-family.html`) into `dist/family/`, served under /family. Two builds
/// because trunk has no code splitting: a phone then never downloads the staff's screens. The
/// staff build goes first, as trunk empties its own dist folder.
pub fn build_app() -> Result {
    step("build the app (trunk, release)", || {
        exec(
            Command::new("trunk")
                .current_dir(root())
                .args(["build", "--release"])
                .env("TRUNK_OFFLINE", "true"),
        )?;
        exec(
            Command::new("trunk")
                .current_dir(root())
                .args([
                    "build",
                    "index-family.html",
                    "--release",
                    "--dist",
                    "dist/family",
                    "--public-url",
                    "/family/",
                ])
                .env("TRUNK_OFFLINE", "true"),
        )?;
        crate::compress::dist(&root().join("dist"))
    })
}
