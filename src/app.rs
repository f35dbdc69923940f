//! The root component: loads who is signed in, then routes.

use crate::auth::{Auth, Boot, use_auth};
use crate::components::front_door::{FrontDoor, settle_first_address};
use crate::components::lock_screen::LockScreen;
use crate::components::offline::OfflineScreen;
use crate::lazy_pages::{Page, view_of};
use crate::lock::{Lock, LockState, use_lock};
use crate::pages::sign_in::SignInPage;
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

/// `auth`: already asking the server who is signed in (`crate::start`).
#[component]
pub fn App(auth: Auth) -> impl IntoView {
    provide_context(auth);
    provide_context(Lock::new());
    provide_context(crate::sync::Sync::new());

    view! {
        <main class="app">
            {move || match auth.boot.get() {
                Boot::Loading => view! { <p class="loading" aria-live="polite">"Opening Burrow…"</p> }.into_any(),
                // A family phone opens its own app, which reads its journal at home too.
                _ if crate::family::is_family_phone() => view! { <ToFamilyApp/> }.into_any(),
                Boot::Offline(message) => view! { <OfflineScreen message=message/> }.into_any(),
                // The router starts once the front door is known, at its address.
                Boot::Ready => {
                    settle_first_address(auth);
                    view! { <Router><AppRoutes/></Router> }.into_any()
                }
            }}
        </main>
    }
}

#[component]
fn AppRoutes() -> impl IntoView {
    view! {
        <Routes fallback=FrontDoor>
            <Route path=path!("/") view=FrontDoor/>
            <Route path=path!("/setup") view=|| view_of(Page::Setup)/>
            <Route path=path!("/sign-in") view=SignInPage/>
            <Route path=path!("/welcome") view=|| view_of(Page::Claim)/>
            <Route path=path!("/today") view=|| view! { <SignedInOnly>{view_of(Page::Today)}</SignedInOnly> }/>
            <Route path=path!("/children") view=|| view! { <SignedInOnly>{view_of(Page::Children)}</SignedInOnly> }/>
            <Route path=path!("/children/:id/consents") view=|| view! { <SignedInOnly>{view_of(Page::ChildConsents)}</SignedInOnly> }/>
            <Route path=path!("/consents") view=|| view! { <SignedInOnly>{view_of(Page::Consents)}</SignedInOnly> }/>
            <Route path=path!("/children/:id/journal") view=|| view! { <SignedInOnly>{view_of(Page::Journal)}</SignedInOnly> }/>
            <Route path=path!("/children/:id/progress") view=|| view! { <SignedInOnly>{view_of(Page::Progress)}</SignedInOnly> }/>
            <Route path=path!("/children/:id/progress-check") view=|| view! { <SignedInOnly>{view_of(Page::ProgressCheck)}</SignedInOnly> }/>
            <Route path=path!("/observe") view=|| view! { <SignedInOnly>{view_of(Page::Observe)}</SignedInOnly> }/>
            <Route path=path!("/observations/:id") view=|| view! { <SignedInOnly>{view_of(Page::Observe)}</SignedInOnly> }/>
            <Route path=path!("/photo") view=|| view! { <SignedInOnly>{view_of(Page::Photo)}</SignedInOnly> }/>
            <Route path=path!("/staff") view=|| view! { <SignedInOnly>{view_of(Page::Staff)}</SignedInOnly> }/>
            <Route path=path!("/settings") view=|| view! { <SignedInOnly>{view_of(Page::Settings)}</SignedInOnly> }/>
            <Route path=path!("/validate") view=|| view! { <SignedInOnly>{view_of(Page::Validate)}</SignedInOnly> }/>
            <Route path=path!("/families") view=|| view! { <SignedInOnly>{view_of(Page::Families)}</SignedInOnly> }/>
            <Route path=path!("/audit") view=|| view! { <SignedInOnly>{view_of(Page::Audit)}</SignedInOnly> }/>
            <Route path=path!("/more") view=|| view! { <SignedInOnly>{view_of(Page::More)}</SignedInOnly> }/>
            <Route path=path!("/sync") view=|| view! { <SignedInOnly>{view_of(Page::Sync)}</SignedInOnly> }/>
            <Route path=path!("/published") view=|| view! { <SignedInOnly>{view_of(Page::Published)}</SignedInOnly> }/>
        </Routes>
    }
}

/// A parent's phone that opened the staff app's address: the family app is served apart, under
/// /family, so this is a page load, not a route.
#[component]
fn ToFamilyApp() -> impl IntoView {
    if let Some(w) = web_sys::window() {
        let _ = w.location().replace(crate::family::HOME);
    }
    view! { <p class="loading" aria-live="polite">"Opening your child’s journal…"</p> }
}

/// Shows its children only to someone signed in on an unlocked tablet. Locked, it shows the
/// lock screen instead (the page and its data are unmounted); signed out, the front door.
#[component]
fn SignedInOnly(children: ChildrenFn) -> impl IntoView {
    let auth = use_auth();
    let lock = use_lock();
    // Memos, so a change inside the session (a new lock time) does not remount the page.
    let signed_in = Memo::new(move |_| auth.session.with(Option::is_some));
    let unlocked = Memo::new(move |_| lock.state.with(|s| matches!(s, LockState::Unlocked(_))));
    move || match (signed_in.get(), unlocked.get()) {
        (true, true) => children().into_any(),
        (true, false) => view! { <LockScreen/> }.into_any(),
        (false, _) => view! { <FrontDoor/> }.into_any(),
    }
}
