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
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// P6's baseline (`--bench-sink` only): the upload read to its end and thrown away.
async fn bench_sink(body: axum::body::Bytes) -> axum::Json<serde_json::Value> {
    axum::Json(serde_json::json!({ "received": body.len() }))
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
    // The shell revalidates every time (cheap with ETags), so a new release is picked up at once;
    // the service worker keeps it available offline.
    let app = ServeDir::new(app_dir).fallback(ServeFile::new(app_dir.join("index.html")));
    Router::new()
        .nest("/api", api)
        .route("/burrow-ca.crt", get(routes::ca_certificate))
        .fallback_service(app)
        .with_state(state)
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
