//! `cargo xtask serve [--demo] [burrow-server flags]`: build the app (release) and run the server.

use crate::cmd::{self, Result, exec, root, step};
use crate::setup;
use crate::split;
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

/// Both apps, from the same library: the staff tablets' (`shell/index.html`) into `dist/`, then
/// a parent's phone's (`shell/family.html`) into `dist/family/`, served under /family, so a phone
/// never downloads the staff's screens. Trunk makes each page with its styles and copied files
/// (the staff build first, as trunk empties its own dist folder); `split` builds the wasm, and
/// cuts each app's page groups into modules of their own.
pub fn build_app() -> Result {
    step("build the app (trunk and wasm-split, release)", || {
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
                    "shell/family.html",
                    "--release",
                    "--dist",
                    "dist/family",
                    "--public-url",
                    "/family/",
                ])
                .env("TRUNK_OFFLINE", "true"),
        )?;
        let dist = root().join("dist");
        for app in [
            split::App {
                bin: "burrow",
                dist: dist.clone(),
                public_url: "/",
                split: "split",
            },
            split::App {
                bin: "family",
                dist: dist.join("family"),
                public_url: "/family/",
                split: "family-split",
            },
        ] {
            split::build(&app)?;
            split::app(&app)?;
        }
        crate::compress::dist(&dist)
    })
}
