//! Gives the browser a turn: resolves after `ms` milliseconds (0: once what is waiting, a tap or
//! a frame, has run), so long work in steps never freezes the screen.

pub async fn pause(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
