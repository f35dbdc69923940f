//! Registers the service worker that keeps an app's shell available offline (see public/sw.js):
//! the staff tablets' at `/sw.js` for the whole origin, a parent's phone's at `/family/sw.js`
//! for /family only (the server allows that scope), so each keeps only its own app.

use wasm_bindgen_futures::JsFuture;

/// A service worker script and the scope it looks after.
pub struct Worker {
    script: &'static str,
    scope: &'static str,
}

pub const STAFF: Worker = Worker {
    script: "/sw.js",
    scope: "/",
};

pub const FAMILY: Worker = Worker {
    script: "/family/sw.js",
    scope: crate::family::HOME,
};

pub fn register(worker: Worker) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let container = window.navigator().service_worker();
    // Where the browser has no service worker support (or no secure context), the app still
    // works online; there is nothing more to do.
    if container.is_undefined() {
        return;
    }
    let options = web_sys::RegistrationOptions::new();
    options.set_scope(worker.scope);
    wasm_bindgen_futures::spawn_local(async move {
        let _ = JsFuture::from(container.register_with_options(worker.script, &options)).await;
    });
}
