use leptos::prelude::*;

/// A refusal or problem, read out by screen readers as soon as it appears.
#[component]
pub fn ErrorNotice(#[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    move || {
        message
            .get()
            .map(|m| view! { <p class="notice notice-error" role="alert">{m}</p> })
    }
}
