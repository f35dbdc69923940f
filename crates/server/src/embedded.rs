//! The app built into this binary (the `embed-app` feature; `cargo xtask dist` builds with it).
//!
//! It is unpacked once per app version into a folder the server may write (systemd's cache
//! directory, else `app/` in the data folder) and served from there by the same code that
//! serves `--app-dir`: the precompressed copies, the cache headers and the CSP's script hash
//! behave the same whichever way the app came.

use anyhow::Context;
use std::path::{Path, PathBuf};

#[cfg(feature = "embed-app")]
mod built {
    include!(concat!(env!("OUT_DIR"), "/embedded_app.rs"));
}

/// The folder under the data folder that holds unpacked copies; never backed up.
pub const DIR: &str = "app";

/// Whether this binary carries the app.
pub fn built_in() -> bool {
    cfg!(feature = "embed-app")
}

/// Unpacks the built-in app (if this binary has one) and returns its folder. Earlier versions'
/// folders beside it are removed.
pub fn unpack(data_dir: &Path) -> anyhow::Result<Option<PathBuf>> {
    #[cfg(feature = "embed-app")]
    {
        let root = match std::env::var_os("CACHE_DIRECTORY") {
            // systemd's CacheDirectory= (several are separated by colons: the first).
            Some(dirs) => PathBuf::from(
                dirs.to_string_lossy()
                    .split(':')
                    .next()
                    .unwrap_or_default()
                    .to_owned(),
            )
            .join(DIR),
            None => data_dir.join(DIR),
        };
        let here = root.join(built::FINGERPRINT);
        if !here.join("index.html").is_file() {
            let partial = root.join(format!("{}.partial", built::FINGERPRINT));
            let _ = std::fs::remove_dir_all(&partial);
            for (name, bytes) in built::FILES {
                let path = partial.join(name);
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent)
                        .with_context(|| format!("making {}", parent.display()))?;
                }
                std::fs::write(&path, bytes)
                    .with_context(|| format!("unpacking the app into {}", path.display()))?;
            }
            std::fs::rename(&partial, &here)
                .with_context(|| format!("unpacking the app into {}", here.display()))?;
        }
        if let Ok(entries) = std::fs::read_dir(&root) {
            for old in entries.flatten() {
                if old.file_name() != built::FINGERPRINT {
                    let _ = std::fs::remove_dir_all(old.path());
                }
            }
        }
        Ok(Some(here))
    }
    #[cfg(not(feature = "embed-app"))]
    {
        let _ = data_dir;
        Ok(None)
    }
}

/// The app to serve: the folder given, which must hold a built app, or the one built in.
pub fn app_dir(given: Option<&Path>, data_dir: &Path) -> anyhow::Result<PathBuf> {
    match given {
        Some(dir) => {
            anyhow::ensure!(
                dir.join("index.html").is_file(),
                "there is no built app in {}: index.html is missing. Run `cargo xtask build`, or leave out --app-dir to serve the app built into this server{}",
                dir.display(),
                if built_in() { "" } else { " (this one has none: build it with `cargo xtask dist`)" }
            );
            Ok(dir.to_path_buf())
        }
        None => unpack(data_dir)?.context(
            "this burrow-server has no app built into it. Give the built app with --app-dir (`cargo xtask build` makes it in dist/), or use a server built by `cargo xtask dist`",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_without_the_app_or_no_app_at_all_is_refused_in_words() {
        let data = tempfile::tempdir().unwrap();
        let empty = tempfile::tempdir().unwrap();
        let e = app_dir(Some(empty.path()), data.path()).unwrap_err();
        assert!(e.to_string().contains("index.html is missing"), "{e}");
        std::fs::write(empty.path().join("index.html"), "<!doctype html>").unwrap();
        assert_eq!(
            app_dir(Some(empty.path()), data.path()).unwrap(),
            empty.path()
        );
        if !built_in() {
            let e = app_dir(None, data.path()).unwrap_err();
            assert!(e.to_string().contains("no app built into it"), "{e}");
        }
    }
}
