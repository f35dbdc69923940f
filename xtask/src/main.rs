//! `cargo xtask`: the project's own commands. `setup` installs the toolchain (idempotent),
//! `serve` builds and runs Burrow, `test` runs every test, `bench` measures DESIGN §7's figures.

mod bench;
mod cmd;
mod compress;
mod dist;
mod fuzz;
mod harness;
mod serve;
mod setup;
mod split;
mod test;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command>

  setup            install what building and testing need (only what is missing)
  build            build the app into ./dist (release), with brotli and gzip copies for the server
  serve [--demo]   build the app and run the server on ./burrow-data (extra flags go to burrow-server)
  test             run every test: fmt, clippy, native, wasm in Chromium, end-to-end
  dist [ARCH…]     the server with the app inside, as Debian packages for amd64 and arm64,
                   in target/dist/
  bench            measure the figures of DESIGN.md §7; writes target/bench/report.json
  fuzz [SECONDS] [TARGET…]
                   run the fuzz targets in fuzz/ under libFuzzer, SECONDS in all (600)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("setup") => setup::run(),
        Some("build") => serve::build_app(),
        Some("serve") => serve::run(&args[1..]),
        Some("test") => test::run(),
        Some("bench") => bench::run(),
        Some("dist") => dist::run(&args[1..]),
        Some("fuzz") => fuzz::run(&args[1..]),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("\nxtask: {e}");
            ExitCode::FAILURE
        }
    }
}
