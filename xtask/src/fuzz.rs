//! `cargo xtask fuzz [SECONDS] [TARGET…]`: each fuzz target in `fuzz/` under libFuzzer for its
//! share of SECONDS (600, ten minutes, by default), on stable Rust.
//!
//! How, on stable: libFuzzer comes from the `libfuzzer-sys` crate (built from its C++ source by
//! `cc`); the coverage it steers by is LLVM's SanitizerCoverage, which stable rustc gives with
//! `-Cpasses=sancov-module` and `-Cllvm-args`. No sanitizer (those need nightly): a panic,
//! an overflow (debug assertions and overflow checks are on) or a failed property is the crash.
//! The flags go to the target only (`--target`), so build scripts build normally.

use crate::cmd::{Result, cargo, exec, root, step};
use std::process::Command;

const TARGETS: [&str; 5] = [
    "envelope",
    "push_body",
    "jpeg",
    "device_proof",
    "parent_note",
];

const SANCOV: &str = "-Cpasses=sancov-module \
    -Cllvm-args=-sanitizer-coverage-level=4 \
    -Cllvm-args=-sanitizer-coverage-inline-8bit-counters \
    -Cllvm-args=-sanitizer-coverage-pc-table \
    -Cllvm-args=-sanitizer-coverage-trace-compares \
    --cfg fuzzing";

struct Ran {
    target: &'static str,
    executions: u64,
    coverage: u64,
    crash: Option<String>,
}

fn host() -> Result<String> {
    crate::cmd::output("rustc", &["-vV"])
        .and_then(|v| {
            v.lines()
                .find_map(|l| l.strip_prefix("host: ").map(str::to_owned))
        })
        .ok_or_else(|| "could not ask rustc for this machine's target".to_owned())
}

/// The number after `key` in libFuzzer's output (`stat::number_of_executed_units: N`, `cov: N`).
fn last_number(out: &str, key: &str) -> u64 {
    out.rsplit(key)
        .next()
        .filter(|_| out.contains(key))
        .and_then(|rest| {
            rest.trim_start()
                .split(|c: char| !c.is_ascii_digit())
                .next()
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

pub fn run(args: &[String]) -> Result {
    let seconds: u64 = match args.first() {
        Some(s) if s.chars().all(|c| c.is_ascii_digit()) => s
            .parse()
            .map_err(|_| format!("{s} is not a number of seconds"))?,
        _ => 600,
    };
    let chosen: Vec<&'static str> = TARGETS
        .into_iter()
        .filter(|t| args.iter().all(|a| a.parse::<u64>().is_ok()) || args.iter().any(|a| a == t))
        .collect();
    if chosen.is_empty() {
        return Err(format!(
            "no such target; the targets are {}",
            TARGETS.join(", ")
        ));
    }
    let each = (seconds / chosen.len() as u64).max(1);
    let triple = host()?;
    let dir = root().join("target/fuzz");
    step(
        "build the fuzz targets with coverage (release, overflow checks on)",
        || {
            exec(
                Command::new(cargo())
                    .current_dir(root())
                    .args([
                        "build",
                        "--release",
                        "-p",
                        "burrow-fuzz",
                        "--features",
                        "libfuzzer",
                    ])
                    .args(TARGETS.iter().flat_map(|t| ["--bin", t]))
                    .args(["--target", &triple, "--target-dir"])
                    .arg(&dir)
                    .env("RUSTFLAGS", SANCOV)
                    .env("CARGO_PROFILE_RELEASE_DEBUG_ASSERTIONS", "true")
                    .env("CARGO_PROFILE_RELEASE_OVERFLOW_CHECKS", "true")
                    .env("CARGO_PROFILE_RELEASE_DEBUG", "line-tables-only")
                    // The shipped profile's whole-program LTO in one unit made each build of the
                    // five targets take twelve minutes here; a fuzzer needs neither.
                    .env("CARGO_PROFILE_RELEASE_LTO", "false")
                    .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16"),
            )
        },
    )?;
    let corpus = dir.join("corpus");
    step(
        "seed each target's corpus with what tablets and phones send",
        || {
            exec(
                Command::new(cargo())
                    .current_dir(root())
                    .args(["run", "-q", "-p", "burrow-fuzz", "--bin", "seeds", "--"])
                    .arg(&corpus),
            )
        },
    )?;
    let mut ran = Vec::new();
    for target in chosen {
        let artifacts = dir.join("artifacts").join(target);
        std::fs::create_dir_all(&artifacts).map_err(|e| e.to_string())?;
        let bin = dir.join(&triple).join("release").join(target);
        eprintln!("\n==> fuzz {target} for {each} s");
        let out = Command::new(&bin)
            .arg(format!("-max_total_time={each}"))
            .args(["-timeout=10", "-rss_limit_mb=2048", "-print_final_stats=1"])
            .arg(format!("-artifact_prefix={}/", artifacts.display()))
            .arg(corpus.join(target))
            .output()
            .map_err(|e| format!("could not start {}: {e}", bin.display()))?;
        let text = String::from_utf8_lossy(&out.stderr);
        let crash = (!out.status.success()).then(|| {
            let kept = text
                .lines()
                .find_map(|l| l.split("Test unit written to ").nth(1))
                .unwrap_or("(no file written)")
                .to_owned();
            let why = text
                .lines()
                .find(|l| l.contains("panicked at") || l.contains("ERROR: libFuzzer"))
                .unwrap_or("")
                .to_owned();
            eprintln!("{text}");
            format!("{kept}\n      {why}")
        });
        ran.push(Ran {
            target,
            executions: last_number(&text, "stat::number_of_executed_units:"),
            coverage: last_number(&text, "cov:"),
            crash,
        });
    }
    eprintln!(
        "\n{:<14} {:>12} {:>9}  result",
        "target", "executions", "coverage"
    );
    for r in &ran {
        eprintln!(
            "{:<14} {:>12} {:>9}  {}",
            r.target,
            r.executions,
            r.coverage,
            r.crash
                .as_deref()
                .map_or("no crash".to_owned(), |c| format!("CRASH {c}"))
        );
    }
    if ran.iter().any(|r| r.crash.is_some()) {
        return Err(
            "a fuzz target crashed: copy its input into fuzz/regressions/<target>/ (the workspace's \
             tests run every file there), then fix what it found"
                .to_owned(),
        );
    }
    Ok(())
}
