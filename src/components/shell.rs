//! The frame around every unlocked screen: who is using the tablet, where they can go, locking
//! (to hand the tablet over) and signing out. It also runs the automatic lock.

use crate::auth::use_auth;
use crate::components::auto_lock::AutoLock;
use crate::components::nav::Nav;
use crate::components::notice::ErrorNotice;
use crate::components::sync_bar::SyncBar;
use crate::lock::use_lock;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn Shell(children: Children) -> impl IntoView {
    let auth = use_auth();
    let lock = use_lock();
    // One handshake with the server per screen for pictures the tablet no longer holds.
    provide_context(StoredValue::new_local(crate::picture::FromServer::default()));
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
                Ok(()) => {
                    sign_out_error.set(None);
                    lock.lock("You signed out.");
                }
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
            <div class="topbar-actions">
                <button class="button quiet" on:click=move |_| lock.lock("Locked. Hand the tablet over, or unlock it again.")>"Lock"</button>
                <button class="button quiet" on:click=sign_out>"Sign out"</button>
            </div>
        </header>
        <SyncBar/>
        {move || {
            let seconds = auth.session.with(|s| s.as_ref().map(|s| s.lock_after_seconds));
            seconds.map(|seconds| view! { <AutoLock seconds=seconds/> })
        }}
        <Nav/>
        <ErrorNotice message=sign_out_error/>
        <div class="page">{children()}</div>
    }
}
