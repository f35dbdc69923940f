//! The built app as the server sends it (issue 19 part 3), over real HTTP: compressed copies
//! the build left beside each file chosen by what the browser accepts, the file itself to a
//! browser that accepts neither; files named by their hash kept for a year, the shell
//! (index.html, sw.js, and any page's address) revalidated every time.

mod support;

use reqwest::StatusCode;
use support::{TestServer, client};

#[tokio::test]
async fn the_app_goes_compressed_by_what_the_browser_accepts_and_only_hashed_files_are_kept() {
    let server = TestServer::start().await;
    let dir = server.app.path();
    let wasm = "burrow-31892f47cbda393b_bg.wasm";
    std::fs::write(dir.join(wasm), b"\0asm plain bytes, as trunk built them").unwrap();
    std::fs::write(dir.join(format!("{wasm}.br")), b"brotli copy").unwrap();
    std::fs::write(dir.join(format!("{wasm}.gz")), b"gzip copy").unwrap();
    std::fs::write(
        dir.join("sw.js"),
        b"self.addEventListener('fetch', () => {});",
    )
    .unwrap();
    std::fs::write(dir.join("index.html.br"), b"brotli index").unwrap();

    let get = |path: String, accepts: &'static str| {
        let req = client().get(server.url(&path));
        let req = if accepts.is_empty() {
            req
        } else {
            req.header("accept-encoding", accepts)
        };
        async move { req.send().await.unwrap() }
    };
    for (accepts, encoding, body) in [
        ("gzip, deflate, br, zstd", Some("br"), &b"brotli copy"[..]),
        ("gzip", Some("gzip"), b"gzip copy"),
        ("", None, b"\0asm plain bytes, as trunk built them"),
    ] {
        let r = get(format!("/{wasm}"), accepts).await;
        assert_eq!(r.status(), StatusCode::OK);
        assert_eq!(
            r.headers()
                .get("content-encoding")
                .map(|v| v.to_str().unwrap()),
            encoding,
            "{accepts}"
        );
        assert_eq!(r.headers()["content-type"], "application/wasm");
        assert_eq!(
            r.headers()["cache-control"],
            "public, max-age=31536000, immutable"
        );
        assert!(
            r.headers()["vary"]
                .to_str()
                .unwrap()
                .to_ascii_lowercase()
                .contains("accept-encoding")
        );
        assert_eq!(r.bytes().await.unwrap(), body);
    }

    // The shell: revalidated each time, compressed too where a copy exists.
    for path in ["/", "/index.html", "/children"] {
        let r = get(path.to_owned(), "br").await;
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        assert_eq!(r.headers()["cache-control"], "no-cache", "{path}");
        assert_eq!(r.headers()["content-encoding"], "br", "{path}");
        assert_eq!(r.bytes().await.unwrap(), &b"brotli index"[..], "{path}");
    }
    let r = get("/sw.js".to_owned(), "br").await;
    assert_eq!(r.headers()["cache-control"], "no-cache");
    assert!(r.headers().get("content-encoding").is_none());
    // A hashed name that is not there is not kept for a year either.
    let r = get("/burrow-0000000000000000.js".to_owned(), "").await;
    assert_ne!(
        r.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    // The API is never cached, whatever its path looks like.
    let r = get("/api/status".to_owned(), "").await;
    assert_eq!(r.headers()["cache-control"], "no-store");

    server.stop().await;
}

/// A parent's phone's app is built apart into `family/` and served under /family: its own shell
/// for its own pages, its worker allowed the /family scope, and the staff app everywhere else.
#[tokio::test]
async fn a_phone_gets_the_family_app_under_family_and_a_tablet_the_staff_app() {
    let server = TestServer::start().await;
    let dir = server.app.path();
    std::fs::write(dir.join("index.html"), b"staff shell").unwrap();
    std::fs::create_dir_all(dir.join("family")).unwrap();
    std::fs::write(dir.join("family/index.html"), b"family shell").unwrap();
    std::fs::write(dir.join("family/index.html.br"), b"family shell, brotli").unwrap();
    std::fs::write(dir.join("family/sw.js"), b"// the worker").unwrap();
    let wasm = "family/family-0123456789abcdef_bg.wasm";
    std::fs::write(dir.join(wasm), b"\0asm the family's").unwrap();

    let get = |path: &str| {
        let req = client()
            .get(server.url(path))
            .header("accept-encoding", "gzip");
        async move { req.send().await.unwrap() }
    };
    for path in ["/family", "/family/", "/family/enrol", "/family/index.html"] {
        let r = get(path).await;
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        assert_eq!(r.headers()["cache-control"], "no-cache", "{path}");
        assert_eq!(r.text().await.unwrap(), "family shell", "{path}");
    }
    let r = client()
        .get(server.url("/family/enrol"))
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-encoding"], "br");
    assert_eq!(r.bytes().await.unwrap(), &b"family shell, brotli"[..]);

    let r = get("/family/sw.js").await;
    assert_eq!(r.headers()["service-worker-allowed"], "/family");
    assert_eq!(r.headers()["cache-control"], "no-cache");
    let r = get(&format!("/{wasm}")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/wasm");
    assert_eq!(
        r.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );

    for path in ["/", "/children", "/families", "/family-notes", "/sign-in"] {
        let r = get(path).await;
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        assert!(
            r.headers().get("service-worker-allowed").is_none(),
            "{path}"
        );
        assert_eq!(r.text().await.unwrap(), "staff shell", "{path}");
    }
    server.stop().await;
}
