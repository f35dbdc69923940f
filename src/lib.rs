//! Burrow's app: a Leptos CSR PWA. The binary (`main.rs`) only starts it; the library exists so
//! that the store's crash harness (`examples/store_crash.rs`) runs the very same store code.

mod api;
mod app;
mod auth;
mod autosave;
mod blob_url;
pub mod camera;
mod components;
mod enrolment;
mod family;
mod known;
mod lock;
mod pages;
pub mod pause;
mod picture;
mod service_worker;
pub mod store;
mod sync;
mod today;

/// Mounts the app on the page and registers the service worker.
pub fn start() {
    console_error_panic_hook::set_once();
    service_worker::register();
    leptos::mount::mount_to_body(app::App);
}
