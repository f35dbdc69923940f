//! The whole HTTP surface: the API under /api (behind the premises guard), the CA certificate,
//! and the built app with its routes falling back to index.html.

use crate::auth::Scheme;
use crate::premises::{self, Premises};
use crate::routes;
use crate::state::AppState;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
use axum::middleware;
use axum::routing::get;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tower::Layer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// P6's baseline (`--bench-sink` only): the upload read to its end and thrown away.
async fn bench_sink(body: axum::body::Bytes) -> axum::Json<serde_json::Value> {
    axum::Json(serde_json::json!({ "received": body.len() }))
}

/// Whether a path names a file the build called after a hash of its content (`burrow-<16
/// hex>.js`, `burrow-<16 hex>_bg.wasm`, a page group's `split_day-<16 hex>.wasm`, trunk's
/// `main-<16 hex>.css`): the same name is always the same bytes.
fn fingerprinted(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    name.split(['-', '.', '_'])
        .any(|part| part.len() == 16 && part.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A year's caching for fingerprinted files that were found; everything else keeps what the
/// layers say (no-store for the API, no-cache for the shell). The app's files vary by the
/// encoding accepted.
async fn cache_policy(
    axum::extract::State(app_dir): axum::extract::State<Arc<std::path::PathBuf>>,
    request: axum::extract::Request,
    next: middleware::Next,
) -> axum::response::Response {
    let path = request.uri().path();
    let api = path.starts_with("/api/");
    // Only a file that is there: a missing one is answered with index.html (the app's own
    // routes), which must never be kept under an asset's name.
    let lasting = !api
        && fingerprinted(path)
        && !path.contains("..")
        && app_dir.join(path.trim_start_matches('/')).is_file();
    let mut response = next.run(request).await;
    if !api {
        // The same address is a brotli, gzip or plain body by what was accepted.
        response
            .headers_mut()
            .append(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    if lasting && response.status().is_success() {
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        );
    }
    response
}

/// Where a parent's phone's app is served, and the scope its service worker keeps (its script
/// is `/family/sw.js`, one folder down, so the scope is allowed by a header).
const FAMILY: &str = "/family";

/// An app's files from `dir`, each compressed where the build left a brotli or gzip copy beside
/// it, by what the browser accepts; any other path gets the app's index.html (its own routes).
fn shell(dir: &Path) -> ServeDir<ServeFile> {
    ServeDir::new(dir)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(
            ServeFile::new(dir.join("index.html"))
                .precompressed_br()
                .precompressed_gzip(),
        )
}

/// API bodies are small JSON forms; photos will get their own route and limit.
const API_BODY_LIMIT: usize = 16 * 1024;

pub fn router(state: AppState, premises: Arc<Premises>, app_dir: &Path, scheme: Scheme) -> Router {
    let mut api = routes::api_router();
    if state.bench_sink {
        api = api.route(
            "/bench/sink",
            axum::routing::post(bench_sink).layer(DefaultBodyLimit::max(32 * 1024 * 1024)),
        );
    }
    let api = api
        .layer(DefaultBodyLimit::max(API_BODY_LIMIT))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::phone_fence::fence,
        ))
        .layer(middleware::from_fn_with_state(premises, premises::guard));
    // The shell (index.html, sw.js) revalidates every time, so a new release is picked up at
    // once; the files trunk names by their content's hash never change, so they are kept for a
    // year (`cache_policy`). Each goes compressed (`shell`); the service worker keeps them
    // available offline.
    let csp = crate::csp::policy(app_dir);
    let router = Router::new()
        .nest("/api", api)
        .route("/burrow-ca.crt", get(routes::ca_certificate))
        // A parent's phone's app, built apart (`family/`): its pages fall back to its own shell.
        .nest_service(
            FAMILY,
            SetResponseHeaderLayer::overriding(
                header::HeaderName::from_static("service-worker-allowed"),
                HeaderValue::from_static(FAMILY),
            )
            .layer(shell(&app_dir.join("family"))),
        )
        .fallback_service(shell(app_dir))
        .with_state(state)
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            csp,
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static(crate::csp::PERMISSIONS),
        ));
    let router = match scheme {
        Scheme::Https => router.layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(crate::csp::HSTS),
        )),
        Scheme::Http => router,
    };
    router
        .layer(middleware::from_fn_with_state(
            Arc::new(app_dir.to_path_buf()),
            cache_policy,
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(axum::Extension(scheme))
        .layer(TraceLayer::new_for_http())
}

#[cfg(test)]
mod tests {
    use super::fingerprinted;

    #[test]
    fn only_files_named_by_their_hash_are_kept_for_a_year() {
        assert!(fingerprinted("/burrow-31892f47cbda393b.js"));
        assert!(fingerprinted("/burrow-31892f47cbda393b_bg.wasm"));
        assert!(fingerprinted("/main-ddbc046769846319.css"));
        for path in [
            "/",
            "/index.html",
            "/sw.js",
            "/manifest.webmanifest",
            "/icons/icon-192.png",
            "/children/0190a3b2-0000-7000-8000-000000000000",
        ] {
            assert!(!fingerprinted(path), "{path}");
        }
    }
}
