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
/// The first screen waits for the server's status and session (P2): they are asked for before
/// anything is built, with who may unlock the tablet read from its store meanwhile, and the app
/// is mounted once both are in, straight at its first screen. Until then the page shows the shell's own "Opening Burrow…"
/// (`shell/index.html`), on screen before the app had even been fetched.
pub fn start() {
    console_error_panic_hook::set_once();
    let auth = auth::Auth::new();
    wasm_bindgen_futures::spawn_local(async move {
        // The store opened while the server answers: the sign-in screen needs both. A parent's
        // phone that opened this address is sent to its own app and never opens the staff's store.
        if family::is_family_phone() {
            auth.load().await;
        } else {
            futures::join!(auth.load(), store::tablet::read_people_at_start());
        }
        if let Some(opening) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("opening"))
        {
            opening.remove();
        }
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
