//! Registers `sw.js`, which keeps the app shell available offline (see public/sw.js).

use wasm_bindgen_futures::JsFuture;

pub fn register() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let container = window.navigator().service_worker();
    // Where the browser has no service worker support (or no secure context), the app still
    // works online; there is nothing more to do.
    if container.is_undefined() {
        return;
    }
    wasm_bindgen_futures::spawn_local(async move {
        let _ = JsFuture::from(container.register("/sw.js")).await;
    });
}
