//! `cargo xtask dist [ARCH…]`: the server as a setting installs it. The app is built, then put
//! inside release binaries of `burrow-server` for x86_64 and aarch64 Linux (a mini PC, a
//! Raspberry Pi 4 or 5), each packed as a Debian package in `target/dist/`:
//! `burrow-server_<version>_amd64.deb` and `…_arm64.deb`.
//!
//! The package is staged here and packed by `dpkg-deb --root-owner-group`, Debian's own packer,
//! which every Debian machine has: cargo-deb would add minutes of compiling to every fresh
//! machine's setup for what is, in the end, a folder tree and a control file.

use crate::cmd::{Result, exec, root, step};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A Debian architecture and the Rust target built for it.
pub struct Arch {
    pub debian: &'static str,
    pub rust: &'static str,
    /// The C cross compiler (ring and SQLite have C in them), when not the host's.
    pub cc: Option<&'static str>,
}

pub const ARCHES: [Arch; 2] = [
    Arch {
        debian: "amd64",
        rust: "x86_64-unknown-linux-gnu",
        cc: None,
    },
    Arch {
        debian: "arm64",
        rust: "aarch64-unknown-linux-gnu",
        cc: Some("aarch64-linux-gnu-gcc"),
    },
];

pub fn run(args: &[String]) -> Result {
    let chosen: Vec<&Arch> = ARCHES
        .iter()
        .filter(|a| args.is_empty() || args.iter().any(|x| x == a.debian))
        .collect();
    if chosen.is_empty() {
        return Err(format!("unknown architecture {args:?}: amd64 or arm64"));
    }
    crate::serve::build_app()?;
    packages(&chosen)
}

/// Packages for `arches`, with the app as `dist/` holds it now (built before).
pub fn packages(arches: &[&Arch]) -> Result {
    for arch in arches {
        step(
            &format!("package burrow-server for {}", arch.debian),
            || {
                let binary = build(arch)?;
                let deb = package(arch, &binary)?;
                println!("  {}", deb.display());
                Ok(())
            },
        )?;
    }
    Ok(())
}

/// The server's version, from its Cargo.toml.
pub fn version() -> Result<String> {
    let toml = std::fs::read_to_string(root().join("crates/server/Cargo.toml"))
        .map_err(|e| format!("reading the server's Cargo.toml: {e}"))?;
    toml.lines()
        .find_map(|l| l.strip_prefix("version = \""))
        .map(|v| v.trim_end_matches('"').to_owned())
        .ok_or_else(|| "the server's Cargo.toml has no version".into())
}

/// Where `cargo xtask dist` puts a package.
pub fn deb_path(arch: &str) -> Result<PathBuf> {
    Ok(root()
        .join("target/dist")
        .join(format!("burrow-server_{}_{arch}.deb", version()?)))
}

/// A release binary with the app inside, for `arch`.
fn build(arch: &Arch) -> Result<PathBuf> {
    let mut cargo = Command::new(crate::cmd::cargo());
    cargo.current_dir(root()).args([
        "build",
        "--locked",
        "--profile",
        "dist",
        "-p",
        "burrow-server",
        "--features",
        "embed-app",
        "--target",
        arch.rust,
    ]);
    if let Some(cc) = arch.cc {
        let target = arch.rust.replace('-', "_");
        cargo
            .env(format!("CARGO_TARGET_{}_LINKER", target.to_uppercase()), cc)
            .env(format!("CC_{target}"), cc)
            .env(format!("AR_{target}"), cc.replace("-gcc", "-ar"));
    }
    exec(&mut cargo)?;
    Ok(root()
        .join("target")
        .join(arch.rust)
        .join("dist/burrow-server"))
}

fn write(path: &Path, contents: &[u8], mode: u32) -> Result {
    use std::os::unix::fs::PermissionsExt;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    std::fs::write(path, contents).map_err(|e| format!("{}: {e}", path.display()))?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .map_err(|e| format!("{}: {e}", path.display()))
}

fn read(path: &str) -> Result<Vec<u8>> {
    std::fs::read(root().join(path)).map_err(|e| format!("reading {path}: {e}"))
}

/// Stages the package's tree and packs it.
fn package(arch: &Arch, binary: &Path) -> Result<PathBuf> {
    let version = version()?;
    let stage = root()
        .join("target/dist")
        .join(format!("stage-{}", arch.debian));
    let _ = std::fs::remove_dir_all(&stage);
    let bin = std::fs::read(binary).map_err(|e| format!("reading {}: {e}", binary.display()))?;
    write(&stage.join("usr/bin/burrow-server"), &bin, 0o755)?;
    write(
        &stage.join("lib/systemd/system/burrow.service"),
        &read("packaging/burrow.service")?,
        0o644,
    )?;
    write(
        &stage.join("etc/burrow/burrow.toml"),
        &read("packaging/burrow.toml")?,
        0o640,
    )?;
    write(
        &stage.join("usr/share/doc/burrow-server/README.md"),
        &read("README.md")?,
        0o644,
    )?;
    write(
        &stage.join("usr/share/doc/burrow-server/copyright"),
        format!("Burrow {version}\nLicense: {}\n", workspace_license()?).as_bytes(),
        0o644,
    )?;
    for script in ["postinst", "prerm", "postrm"] {
        write(
            &stage.join("DEBIAN").join(script),
            &read(&format!("packaging/debian/{script}"))?,
            0o755,
        )?;
    }
    write(
        &stage.join("DEBIAN/conffiles"),
        b"/etc/burrow/burrow.toml\n",
        0o644,
    )?;
    let installed_kb = bin.len().div_ceil(1024) + 16;
    let control = format!(
        "Package: burrow-server\n\
         Version: {version}\n\
         Architecture: {arch}\n\
         Maintainer: Burrow <burrow@localhost>\n\
         Installed-Size: {installed_kb}\n\
         Depends: adduser, libc6 (>= 2.31)\n\
         Section: web\n\
         Priority: optional\n\
         Homepage: https://example.invalid/burrow\n\
         Description: Burrow's premises server, for an early-years setting's learning journal\n \
         Serves the Burrow app to the setting's tablets and parents' phones on the setting's own\n \
         network, and keeps its records, photos and keys in /var/lib/burrow. Nothing leaves\n \
         the premises except the encrypted backups a manager sets up.\n",
        arch = arch.debian,
    );
    write(&stage.join("DEBIAN/control"), control.as_bytes(), 0o644)?;
    let deb = deb_path(arch.debian)?;
    exec(
        Command::new("dpkg-deb")
            .args(["--build", "--root-owner-group", "-Zxz"])
            .arg(&stage)
            .arg(&deb),
    )?;
    Ok(deb)
}

fn workspace_license() -> Result<String> {
    let toml = std::fs::read_to_string(root().join("Cargo.toml"))
        .map_err(|e| format!("reading Cargo.toml: {e}"))?;
    Ok(toml
        .lines()
        .find_map(|l| l.strip_prefix("license = \""))
        .map(|v| v.trim_end_matches('"').to_owned())
        .unwrap_or_else(|| "see the source".into()))
}
