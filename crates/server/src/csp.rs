//! The app's Content-Security-Policy, Permissions-Policy and, on HTTPS, HSTS (issue 18).
//!
//! Scripts come only from the server itself, plus WebAssembly compilation (`wasm-unsafe-eval`,
//! never `unsafe-eval`) and the one inline module script trunk writes into `index.html` to start
//! the app, allowed by its SHA-256 read from the file at start, so no other inline script runs.
//! No plugins, no framing, connections and images only to and from the server (and `blob:`,
//! the decrypted photos held in this page's memory, which is no connection anywhere). Style attributes are allowed (Leptos
//! positions the journal's rows with them); style sheets only from the server.

use axum::http::HeaderValue;
use base64::Engine;
use sha2::{Digest, Sha256};
use std::path::Path;

/// The pages in `app_dir`: its `index.html` and any one folder down (the test harnesses that
/// run the app's own store code are served that way).
fn pages(app_dir: &Path) -> Vec<String> {
    let mut paths = vec![app_dir.join("index.html")];
    if let Ok(entries) = std::fs::read_dir(app_dir) {
        paths.extend(
            entries
                .flatten()
                .map(|e| e.path().join("index.html"))
                .filter(|p| p.is_file()),
        );
    }
    paths
        .into_iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect()
}

/// The policy for the app in `app_dir`.
pub fn policy(app_dir: &Path) -> HeaderValue {
    let pages = pages(app_dir);
    let mut scripts: Vec<&str> = pages.iter().flat_map(|html| inline_scripts(html)).collect();
    scripts.sort_unstable();
    scripts.dedup();
    let hashes: String = scripts
        .into_iter()
        .map(|script| {
            let digest = Sha256::digest(script.as_bytes());
            format!(
                " 'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            )
        })
        .collect();
    let policy = format!(
        "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'{hashes}; \
         style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' blob:; \
         connect-src 'self' blob:; font-src 'self'; manifest-src 'self'; worker-src 'self'; \
         media-src 'self' blob:; object-src 'none'; frame-src 'none'; \
         frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    );
    HeaderValue::from_str(&policy)
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'none'"))
}

/// The camera for the app itself; nothing else a page could ask for.
pub const PERMISSIONS: &str = "camera=(self), microphone=(), geolocation=(), payment=(), usb=(), \
     serial=(), bluetooth=(), midi=(), display-capture=(), interest-cohort=()";

/// HTTPS only, for a year; the setting's own name, not its neighbours'.
pub const HSTS: &str = "max-age=31536000";

/// The text of each `<script>` in `html` that has no `src`: what the browser hashes.
fn inline_scripts(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(open) = rest.find("<script") {
        rest = &rest[open..];
        let Some(tag_end) = rest.find('>') else {
            break;
        };
        let tag = &rest[..tag_end];
        rest = &rest[tag_end + 1..];
        let Some(close) = rest.find("</script>") else {
            break;
        };
        if !tag.contains(" src=") {
            out.push(&rest[..close]);
        }
        rest = &rest[close..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_inline_scripts_are_hashed_exactly_as_written() {
        let html = "<head><script type=\"module\">\nimport init from '/a.js';\n</script>\
                    <script src=\"/b.js\"></script><script>x()</script></head>";
        assert_eq!(
            inline_scripts(html),
            vec!["\nimport init from '/a.js';\n", "x()"]
        );
    }

    #[test]
    fn a_policy_without_an_app_still_refuses_everything_inline() {
        let p = policy(Path::new("/nonexistent"));
        let p = p.to_str().unwrap_or_default();
        assert!(p.contains("script-src 'self' 'wasm-unsafe-eval';"), "{p}");
        assert!(!p.contains("unsafe-eval'") || p.contains("'wasm-unsafe-eval'"));
        assert!(p.contains("frame-ancestors 'none'") && p.contains("object-src 'none'"));
    }
}
