//! Burrow's app: a Leptos CSR PWA. This file only mounts it; see `app.rs`.

mod api;
mod app;
mod auth;
mod components;
mod lock;
mod pages;
mod service_worker;
mod store;
mod today;

fn main() {
    console_error_panic_hook::set_once();
    service_worker::register();
    leptos::mount::mount_to_body(app::App);
}
