//! The apps' wasm, built and cut by us rather than by trunk (which has no code splitting): a
//! release build of each binary, wasm-split (each app's page groups in `src/lazy_pages.rs`
//! become modules of their own, fetched when first opened), wasm-bindgen, wasm-opt, and the
//! script that starts the app written into trunk's index.html. Trunk still makes the page, the
//! styles and the copied files.
//!
//! Every file of one build is named with one id, the hash of the linked wasm: a split module
//! only runs beside the main module it was cut from, so a new build must never mix with a kept
//! old one (the server caches fingerprinted names for a year, and the service worker keeps them).

use crate::cmd::{self, Result, exec, root};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::Command;

/// One app: its binary, its folder in `dist/` and the address it is served from.
pub struct App {
    pub bin: &'static str,
    pub dist: PathBuf,
    pub public_url: &'static str,
    /// The feature that makes its pages' split points (`src/lazy_pages.rs`), cut by wasm-split
    /// into modules loaded on demand.
    pub split: &'static str,
}

/// The features Rust's wasm32 target emits today; wasm-opt may use no others.
const WASM_FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
];

/// Builds one app's binary, with its own split points only (each app's feature), linked with
/// `--emit-relocs`, which wasm-split needs to move code between modules.
pub fn build(app: &App) -> Result {
    let mut command = Command::new(cmd::cargo());
    command.current_dir(root()).args([
        "rustc",
        "--release",
        "--target",
        "wasm32-unknown-unknown",
        "-p",
        "burrow",
        "--bin",
        app.bin,
        "--features",
        app.split,
        "--",
        "-C",
        "link-args=--emit-relocs",
    ]);
    exec(&mut command)
}

/// Cuts, binds and optimises one app's wasm into its dist folder and starts it from index.html.
pub fn app(app: &App) -> Result {
    let raw_path = root()
        .join("target/wasm32-unknown-unknown/release")
        .join(format!("{}.wasm", app.bin));
    let raw =
        std::fs::read(&raw_path).map_err(|e| format!("reading {}: {e}", raw_path.display()))?;
    let id = id_of(&raw);
    let stem = format!("{}-{id}", app.bin);

    let work = root().join("target/split").join(app.bin);
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).map_err(|e| format!("creating {}: {e}", work.display()))?;
    // The script wasm-split writes to load the modules; the main module's script imports it.
    let loader_name = format!("{}-split-{id}.js", app.bin);
    let main_wasm = work.join(format!("{}.wasm", app.bin));
    let main_module = format!("./{stem}.js");
    let link_name = format!("./{loader_name}");
    let split = wasm_split_cli_support::transform({
        let mut opts = wasm_split_cli_support::Options::new(&raw);
        opts.output_dir = &work;
        opts.main_out_path = &main_wasm;
        opts.main_module = &main_module;
        opts.link_name = &link_name;
        opts
    })
    .map_err(|e| format!("splitting {}'s wasm: {e}", app.bin))?;
    drop(raw);
    if split.split_modules.is_empty() {
        return Err(format!("wasm-split found no split points in {}", app.bin));
    }
    bindgen(app, &stem, &main_wasm)?;

    // The modules, renamed with the build's id in the script that loads them.
    let mut loader = std::fs::read_to_string(work.join(&loader_name))
        .map_err(|e| format!("reading {loader_name}: {e}"))?;
    let mut lazy = Vec::new();
    for module in &split.split_modules {
        let name = module
            .file_stem()
            .and_then(|s| s.to_str())
            .ok_or_else(|| format!("a split module with no name: {}", module.display()))?;
        let named = format!("{name}-{id}.wasm");
        let quoted = format!("\"./{name}.wasm\"");
        if !loader.contains(&quoted) {
            return Err(format!("{loader_name} does not load {name}.wasm"));
        }
        loader = loader.replace(&quoted, &format!("\"./{named}\""));
        optimise(&work.join(module), &app.dist.join(&named))?;
        lazy.push(format!("{}{named}", app.public_url));
    }
    write(&app.dist.join(&loader_name), &compiled_on_load(&loader))?;
    start_in_index(app, &stem, &loader_name, &lazy)
}

/// wasm-bindgen's script and wasm for the main module, into the app's dist folder, optimised;
/// it keeps the exports the split modules link to.
fn bindgen(app: &App, stem: &str, wasm: &Path) -> Result {
    exec(
        Command::new("wasm-bindgen")
            .args(["--target", "web", "--no-typescript", "--out-name", stem])
            .args(["--keep-lld-exports", "--no-demangle", "--out-dir"])
            .arg(&app.dist)
            .arg(wasm),
    )?;
    let script = app.dist.join(format!("{stem}.js"));
    let glue = std::fs::read_to_string(&script)
        .map_err(|e| format!("reading {}: {e}", script.display()))?;
    write(&script, &compiled_on_load(&glue))?;
    let out = app.dist.join(format!("{stem}_bg.wasm"));
    optimise(&out, &out)
}

/// V8's explicit compile hint: every function in the script is compiled with it, on a
/// background thread while it streams in, rather than one by one on the page's main thread the
/// first time each is called. The start-up calls most of wasm-bindgen's glue; on a 4x-throttled
/// cold load this took ~130 ms of main-thread compiling down to ~10 (P2). Other browsers read
/// it as a comment.
fn compiled_on_load(script: &str) -> String {
    const HINT: &str = "//# allFunctionsCalledOnLoad\n";
    if script.starts_with(HINT) {
        script.to_string()
    } else {
        format!("{HINT}{script}")
    }
}

/// The first 16 hex digits of the linked wasm's SHA-256.
fn id_of(raw: &[u8]) -> String {
    Sha256::digest(raw)[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn optimise(from: &Path, to: &Path) -> Result {
    exec(
        Command::new("wasm-opt")
            .arg("-Oz")
            .args(WASM_FEATURES)
            .arg("-o")
            .arg(to)
            .arg(from),
    )
}

fn write(path: &Path, text: &str) -> Result {
    std::fs::write(path, text).map_err(|e| format!("writing {}: {e}", path.display()))
}

/// Adds the module script that starts the app to trunk's page, with preloads for what it needs
/// at once (the main module's script imports the loader's); the modules fetched later are
/// listed for the service worker to keep (`<meta name="burrow-lazy">`), not fetched by the page.
fn start_in_index(app: &App, stem: &str, loader: &str, lazy: &[String]) -> Result {
    let index = app.dist.join("index.html");
    let html =
        std::fs::read_to_string(&index).map_err(|e| format!("reading {}: {e}", index.display()))?;
    let url = app.public_url;
    let tags = format!(
        r#"<script type="module">
import init from '{url}{stem}.js';
await init({{ module_or_path: '{url}{stem}_bg.wasm' }});
</script>
<link rel="modulepreload" href="{url}{stem}.js" crossorigin="anonymous"><link rel="modulepreload" href="{url}{loader}" crossorigin="anonymous"><link rel="preload" href="{url}{stem}_bg.wasm" crossorigin="anonymous" as="fetch" type="application/wasm">
<meta name="burrow-lazy" content="{}">
</head>"#,
        lazy.join(" ")
    );
    if !html.contains("</head>") {
        return Err(format!("{} has no </head>", index.display()));
    }
    write(&index, &html.replacen("</head>", &tags, 1))
}

#[cfg(test)]
mod tests {
    use super::compiled_on_load;

    #[test]
    fn the_compile_hint_is_the_first_line_once() {
        let once = compiled_on_load("import * as a from './a.js';\n");
        assert_eq!(
            once,
            "//# allFunctionsCalledOnLoad\nimport * as a from './a.js';\n"
        );
        assert_eq!(compiled_on_load(&once), once);
    }
}
