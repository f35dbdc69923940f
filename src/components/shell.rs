//! The frame around every signed-in screen: who is signed in, where they can go, signing out.

use crate::auth::use_auth;
use crate::components::notice::ErrorNotice;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

#[component]
pub fn Shell(children: Children) -> impl IntoView {
    let auth = use_auth();
    let sign_out_error = RwSignal::new(None::<String>);
    let setting = move || {
        auth.status.with(|s| {
            s.as_ref()
                .and_then(|s| s.setting_name.clone())
                .unwrap_or_default()
        })
    };
    let who = move || {
        auth.session.with(|s| {
            s.as_ref()
                .map(|s| format!("{} · {}", s.staff.name, s.staff.role.label()))
                .unwrap_or_default()
        })
    };
    let sign_out = move |_| {
        spawn_local(async move {
            match auth.sign_out().await {
                Ok(()) => sign_out_error.set(None),
                Err(e) => sign_out_error.set(Some(e.to_string())),
            }
        })
    };
    view! {
        <header class="topbar">
            <div class="topbar-text">
                <span class="setting-name">{setting}</span>
                <span class="who" data-testid="signed-in-as">{who}</span>
            </div>
            <button class="button quiet" on:click=sign_out>"Sign out"</button>
        </header>
        <nav class="tabs" aria-label="Sections">
            <A href="/children">"Children"</A>
            <A href="/staff">"Staff"</A>
        </nav>
        <ErrorNotice message=sign_out_error/>
        <div class="page">{children()}</div>
    }
}
