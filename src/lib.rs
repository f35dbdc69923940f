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
pub fn start() {
    console_error_panic_hook::set_once();
    service_worker::register(service_worker::STAFF);
    leptos::mount::mount_to_body(app::App);
}

/// Mounts a parent's phone's app (served under /family) and registers its service worker.
pub fn start_family() {
    console_error_panic_hook::set_once();
    service_worker::register(service_worker::FAMILY);
    leptos::mount::mount_to_body(family::app::FamilyApp);
}
