use crate::auth::use_auth;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Shown when the app shell opened (from the service worker's cache) but the server cannot be
/// reached: say so calmly, and offer the one thing to do.
#[component]
pub fn OfflineScreen(message: String) -> impl IntoView {
    let auth = use_auth();
    view! {
        <section class="card offline" data-screen="offline">
            <h1>"You’re offline"</h1>
            <p>{message}</p>
            <p>"Nothing has been lost. Signing in needs the setting’s server, so connect to the setting’s Wi-Fi first."</p>
            <button class="button primary" on:click=move |_| spawn_local(auth.load())>"Try again"</button>
        </section>
    }
}
