//! With the `embed-app` feature, the built app (trunk's `dist/`, with its brotli and gzip copies)
//! goes inside the binary, so a setting's server is one file. Without the app built first, such
//! a build fails here, saying what to run, rather than making a server that serves nothing.

use std::hash::Hasher;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-env-changed=BURROW_APP_DIR");
    if std::env::var_os("CARGO_FEATURE_EMBED_APP").is_none() {
        return;
    }
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let dir = std::env::var_os("BURROW_APP_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("../../dist"));
    println!("cargo:rerun-if-changed={}", dir.display());
    let dir = match dir.canonicalize() {
        Ok(d) if d.join("index.html").is_file() => d,
        _ => panic!(
            "\n\nburrow-server's `embed-app` feature puts the built app inside the binary, and there is no built app in {}.\nRun `cargo xtask build` first (or set BURROW_APP_DIR to trunk's dist folder).\n\n",
            dir.display()
        ),
    };
    let mut files = Vec::new();
    walk(&dir, &dir, &mut files);
    files.sort();
    // A fingerprint of the whole app, naming the folder it is unpacked into.
    let mut hash = std::collections::hash_map::DefaultHasher::new();
    let mut table = String::from("pub const FILES: &[(&str, &[u8])] = &[\n");
    for (name, path) in &files {
        let bytes = std::fs::read(path).expect("reading the built app");
        hash.write(name.as_bytes());
        hash.write(&bytes);
        table.push_str(&format!(
            "    ({name:?}, include_bytes!({:?})),\n",
            path.display().to_string()
        ));
    }
    table.push_str("];\n");
    table.push_str(&format!(
        "pub const FINGERPRINT: &str = \"{:016x}\";\n",
        hash.finish()
    ));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets it"));
    std::fs::write(out.join("embedded_app.rs"), table).expect("writing the app's table");
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) {
    for entry in std::fs::read_dir(dir).expect("reading the built app") {
        let path = entry.expect("reading the built app").path();
        if path.is_dir() {
            walk(root, &path, out);
        } else {
            let name = path
                .strip_prefix(root)
                .expect("inside the app")
                .to_string_lossy()
                .replace('\\', "/");
            out.push((name, path));
        }
    }
}
