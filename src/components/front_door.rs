//! Where someone opening Burrow belongs: set-up first, then sign-in; then a practitioner's day
//! (their key children, drafts and returns), or for managers and deputies, who look after the
//! whole setting, the children.

use crate::auth::{Auth, use_auth};
use burrow_core::staff::Role;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::components::Redirect;

/// The address the front door leads to, as things stand (tracked: read inside a view, it
/// follows sign-in and sign-out).
pub fn destination(auth: Auth) -> &'static str {
    if auth
        .status
        .with(|s| s.as_ref().is_some_and(|s| s.setup_needed))
    {
        "/setup"
    } else {
        match auth.session.with(|s| s.as_ref().map(|s| s.staff.role)) {
            Some(Role::Practitioner) => "/today",
            Some(_) => "/children",
            None => "/sign-in",
        }
    }
}

/// Opened at `/`, before the router starts: the address becomes the front door's, so the first
/// screen is drawn once, at its own address, and no `/` is left in the history behind it.
pub fn settle_first_address(auth: Auth) {
    let Some(window) = web_sys::window() else {
        return;
    };
    if window.location().pathname().ok().as_deref() != Some("/") {
        return;
    }
    let to = untrack(|| destination(auth));
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(to));
    }
}

/// Sends whoever is here to the front door's address. The address is replaced, not added to:
/// Back never leads to an address that only sends people on again, or to the sign-in form
/// after signing in.
#[component]
pub fn FrontDoor() -> impl IntoView {
    let auth = use_auth();
    move || {
        view! {
            <Redirect
                path=destination(auth)
                options=NavigateOptions { replace: true, ..Default::default() }
            />
        }
    }
}
