//! The built app's text and wasm files, each beside a brotli (quality 11) and a gzip copy, made
//! once at build time so the server sends them compressed by content negotiation (tower-http's
//! `ServeDir` picks `app.wasm.br` for a browser that accepts brotli) and never compresses on
//! the fly. A copy that would not be smaller is not kept.

use crate::cmd::Result;
use flate2::Compression;
use flate2::write::GzEncoder;
use std::io::Write;
use std::path::Path;

/// The kinds worth compressing: the shell's wasm, script, styles, pages and manifest.
const KINDS: &[&str] = &["wasm", "js", "css", "html", "webmanifest", "json", "svg"];

pub fn dist(dir: &Path) -> Result {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("reading {}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            dist(&path)?;
            continue;
        }
        let compressible = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| KINDS.contains(&e));
        if !compressible {
            continue;
        }
        let plain = std::fs::read(&path).map_err(|e| format!("reading {}: {e}", path.display()))?;
        let mut gz = GzEncoder::new(Vec::new(), Compression::best());
        gz.write_all(&plain).map_err(|e| e.to_string())?;
        let gz = gz.finish().map_err(|e| e.to_string())?;
        let mut br = Vec::new();
        let params = brotli::enc::BrotliEncoderParams {
            quality: 11,
            lgwin: 22,
            ..Default::default()
        };
        brotli::BrotliCompress(&mut plain.as_slice(), &mut br, &params)
            .map_err(|e| format!("compressing {}: {e}", path.display()))?;
        for (suffix, bytes) in [("gz", gz), ("br", br)] {
            let mut name = path.clone().into_os_string();
            name.push(".");
            name.push(suffix);
            if bytes.len() < plain.len() {
                std::fs::write(&name, bytes).map_err(|e| format!("writing: {e}"))?;
            } else {
                let _ = std::fs::remove_file(&name);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn each_file_gets_copies_that_open_to_the_same_bytes_and_pictures_are_left_alone() {
        let dir = std::env::temp_dir().join(format!("burrow-compress-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("icons")).unwrap();
        let script = "function hello(name) { return 'Hello, ' + name; }\n".repeat(2_000);
        std::fs::write(dir.join("app-0123456789abcdef.js"), &script).unwrap();
        std::fs::write(dir.join("icons/icon.png"), [0x89, b'P', b'N', b'G']).unwrap();
        std::fs::write(dir.join("tiny.css"), "a{}").unwrap();
        dist(&dir).unwrap();

        let br = std::fs::read(dir.join("app-0123456789abcdef.js.br")).unwrap();
        let mut unbr = Vec::new();
        brotli::BrotliDecompress(&mut br.as_slice(), &mut unbr).unwrap();
        assert_eq!(unbr, script.as_bytes());
        let gz = std::fs::read(dir.join("app-0123456789abcdef.js.gz")).unwrap();
        let mut ungz = Vec::new();
        flate2::read::GzDecoder::new(gz.as_slice())
            .read_to_end(&mut ungz)
            .unwrap();
        assert_eq!(ungz, script.as_bytes());
        assert!(br.len() < gz.len() && gz.len() < script.len() / 10);
        // Not text: left as it is. Too small to gain: no copy that would be larger.
        assert!(!dir.join("icons/icon.png.br").exists());
        assert!(!dir.join("tiny.css.br").exists() && !dir.join("tiny.css.gz").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
