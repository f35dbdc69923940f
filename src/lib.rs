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
mod lazy_pages;
mod lock;
mod pages;
pub mod pause;
mod picture;
mod service_worker;
pub mod store;
mod sync;
mod today;

/// Mounts the staff tablets' app on the page and registers its service worker.
///
/// The server's status and session, which the first screen waits for, are asked for before the
/// page is built, not after it (P2): the requests start in the next microtask, and the page is
/// mounted in the one after, while they are under way.
pub fn start() {
    console_error_panic_hook::set_once();
    let auth = auth::Auth::new();
    wasm_bindgen_futures::spawn_local(auth.load());
    wasm_bindgen_futures::spawn_local(async move {
        leptos::mount::mount_to_body(move || leptos::view! { <app::App auth/> });
    });
    service_worker::register(service_worker::STAFF);
}

/// Mounts a parent's phone's app (served under /family) and registers its service worker.
pub fn start_family() {
    console_error_panic_hook::set_once();
    service_worker::register(service_worker::FAMILY);
    leptos::mount::mount_to_body(family::app::FamilyApp);
}
