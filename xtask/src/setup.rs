//! Installs what building and testing Burrow need, each only when missing or at the wrong
//! version, from the package registries only (see shared/TOOLCHAIN.md). A second run takes
//! seconds.

use crate::cmd::{self, Result, exec, output, root, step};
use std::process::Command;

pub const TRUNK_VERSION: &str = "0.21.14";
/// npm's binaryen ships a current wasm-opt. Debian's (108) is too old: it produces a broken app.
pub const BINARYEN_NPM: &str = "binaryen@132.0.0";
pub const WASM_OPT_VERSION: &str = "version_132";
pub const PLAYWRIGHT_DIR: &str = "tests/e2e";
/// Debian's chromium-driver, which wasm-bindgen-test-runner drives.
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

pub fn run() -> Result {
    step("setup", || {
        check_pins()?;
        wasm_target()?;
        chromium()?;
        wasm_opt()?;
        trunk()?;
        wasm_bindgen()?;
        playwright()?;
        packaging()?;
        exec(
            Command::new(cmd::cargo())
                .current_dir(root())
                .args(["fetch", "--locked", "--quiet"]),
        )
    })
}

/// The wasm-bindgen version in Cargo.lock: the CLI must be exactly this one.
pub fn locked_wasm_bindgen() -> Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock"))
        .map_err(|e| format!("reading Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\""
            && let Some(v) = lines.next().and_then(|l| l.strip_prefix("version = \""))
        {
            return Ok(v.trim_end_matches('"').to_owned());
        }
    }
    Err("Cargo.lock has no wasm-bindgen".into())
}

fn trunk_pin(key: &str) -> Result<String> {
    let toml = std::fs::read_to_string(root().join("Trunk.toml"))
        .map_err(|e| format!("reading Trunk.toml: {e}"))?;
    toml.lines()
        .filter_map(|l| l.split_once('='))
        .find(|(k, _)| k.trim() == key)
        .map(|(_, v)| v.trim().trim_matches('"').to_owned())
        .ok_or_else(|| format!("Trunk.toml has no [tools] {key}"))
}

/// Fails early, before any install, if Trunk.toml, Cargo.lock and this file disagree.
fn check_pins() -> Result {
    let locked = locked_wasm_bindgen()?;
    let pinned = trunk_pin("wasm_bindgen")?;
    if locked != pinned {
        return Err(format!(
            "Trunk.toml pins wasm_bindgen {pinned} but Cargo.lock has {locked}: make them equal"
        ));
    }
    let opt = trunk_pin("wasm_opt")?;
    if opt != WASM_OPT_VERSION {
        return Err(format!(
            "Trunk.toml pins wasm_opt {opt} but xtask installs {WASM_OPT_VERSION}"
        ));
    }
    Ok(())
}

fn wasm_target() -> Result {
    let installed = output("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if installed
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        return Ok(());
    }
    exec(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
}

/// Chromium for the browser tests; poppler's pdftotext and pdfimages, with which the server's
/// tests read the keepsake PDF as a family's PDF reader would; unzip, which tests its zip;
/// exiftool, with which the browser tests read a keepsake photo's date as a photo app would;
/// zbarimg, which reads the server's QR codes as a tablet's camera would.
fn chromium() -> Result {
    let have = |p: &str| std::path::Path::new(p).exists();
    if have("/usr/bin/chromium")
        && have("/usr/bin/chromedriver")
        && have("/usr/bin/pdftotext")
        && have("/usr/bin/unzip")
        && have("/usr/bin/exiftool")
        && have("/usr/bin/zbarimg")
    {
        return Ok(());
    }
    cmd::apt_install(&[
        "chromium",
        "chromium-driver",
        "poppler-utils",
        "unzip",
        "libimage-exiftool-perl",
        "zbar-tools",
    ])
}

fn wasm_opt() -> Result {
    if output("wasm-opt", &["--version"]).is_some_and(|v| v.contains(WASM_OPT_VERSION)) {
        return Ok(());
    }
    // Debian's package would shadow (and block) npm's: remove it first.
    if output("dpkg-query", &["-W", "-f=${Status}", "binaryen"])
        .is_some_and(|s| s.contains("installed"))
    {
        cmd::apt_get(&["remove", "-y", "-qq", "binaryen"])?;
    }
    exec(Command::new("npm").args([
        "install",
        "--global",
        "--no-fund",
        "--no-audit",
        BINARYEN_NPM,
    ]))?;
    match output("wasm-opt", &["--version"]) {
        Some(v) if v.contains(WASM_OPT_VERSION) => Ok(()),
        other => Err(format!(
            "after installing {BINARYEN_NPM}, `wasm-opt --version` says {other:?}"
        )),
    }
}

fn trunk() -> Result {
    if output("trunk", &["--version"]).is_some_and(|v| v == format!("trunk {TRUNK_VERSION}")) {
        return Ok(());
    }
    // trunk's own release profile is fat LTO; thin builds cut ~12 minutes to a few on 2 cores.
    exec(
        Command::new(cmd::cargo())
            .args([
                "install",
                "--locked",
                "--force",
                "trunk",
                "--version",
                TRUNK_VERSION,
            ])
            .env("CARGO_PROFILE_RELEASE_LTO", "false")
            .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16"),
    )
}

fn wasm_bindgen() -> Result {
    let want = locked_wasm_bindgen()?;
    if output("wasm-bindgen", &["--version"]).is_some_and(|v| v == format!("wasm-bindgen {want}")) {
        return Ok(());
    }
    // Not --locked: its lockfile names a crate version the registry mirror lacks.
    exec(
        Command::new(cmd::cargo())
            .args(["install", "--force", "wasm-bindgen-cli", "--version", &want])
            .env("CARGO_PROFILE_RELEASE_LTO", "false")
            .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16"),
    )
}

/// For `cargo xtask dist` and its install test: the arm64 target and Debian's cross linker;
/// systemd-analyze, which checks the unit; qemu to start the arm64 binary; file, which names a
/// binary's architecture.
fn packaging() -> Result {
    let installed = output("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if !installed
        .lines()
        .any(|l| l.trim() == "aarch64-unknown-linux-gnu")
    {
        exec(Command::new("rustup").args(["target", "add", "aarch64-unknown-linux-gnu"]))?;
    }
    let have = |p: &str| std::path::Path::new(p).exists();
    if have("/usr/bin/aarch64-linux-gnu-gcc")
        && have("/usr/bin/systemd-analyze")
        && have("/usr/bin/qemu-aarch64-static")
        && have("/usr/bin/file")
        && have("/usr/bin/dpkg-deb")
    {
        return Ok(());
    }
    cmd::apt_install(&[
        "gcc-aarch64-linux-gnu",
        "libc6-dev-arm64-cross",
        "systemd",
        "qemu-user-static",
        "file",
        "dpkg",
    ])
}

/// The end-to-end tests' driver, from npm. Never downloads a browser: it drives Debian's Chromium.
fn playwright() -> Result {
    let dir = root().join(PLAYWRIGHT_DIR);
    let installed = dir.join("node_modules/.package-lock.json");
    let lock = dir.join("package-lock.json");
    let fresh = match (std::fs::metadata(&installed), std::fs::metadata(&lock)) {
        (Ok(i), Ok(l)) => i.modified().ok() >= l.modified().ok(),
        _ => false,
    };
    if fresh {
        return Ok(());
    }
    exec(
        Command::new("npm")
            .current_dir(&dir)
            .args(["ci", "--no-fund", "--no-audit"])
            .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1"),
    )
}
