//! The root component: loads who is signed in, then routes.

use crate::auth::{Auth, Boot, use_auth};
use crate::components::offline::OfflineScreen;
use crate::pages::{
    children::ChildrenPage, claim::ClaimPage, setup::SetupPage, sign_in::SignInPage,
    staff::StaffPage,
};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{Redirect, Route, Router, Routes};
use leptos_router::path;

#[component]
pub fn App() -> impl IntoView {
    let auth = Auth::new();
    provide_context(auth);
    spawn_local(auth.load());

    view! {
        <Router>
            <main class="app">
                {move || match auth.boot.get() {
                    Boot::Loading => view! { <p class="loading" aria-live="polite">"Opening Burrow…"</p> }.into_any(),
                    Boot::Offline(message) => view! { <OfflineScreen message=message/> }.into_any(),
                    Boot::Ready => view! { <AppRoutes/> }.into_any(),
                }}
            </main>
        </Router>
    }
}

#[component]
fn AppRoutes() -> impl IntoView {
    view! {
        <Routes fallback=|| view! { <Redirect path="/"/> }>
            <Route path=path!("/") view=Home/>
            <Route path=path!("/setup") view=SetupPage/>
            <Route path=path!("/sign-in") view=SignInPage/>
            <Route path=path!("/welcome") view=ClaimPage/>
            <Route path=path!("/children") view=|| view! { <SignedInOnly><ChildrenPage/></SignedInOnly> }/>
            <Route path=path!("/staff") view=|| view! { <SignedInOnly><StaffPage/></SignedInOnly> }/>
        </Routes>
    }
}

/// Sends people where they need to be: set-up first, then sign-in, then the children.
#[component]
fn Home() -> impl IntoView {
    let auth = use_auth();
    move || {
        let setup_needed = auth
            .status
            .with(|s| s.as_ref().is_some_and(|s| s.setup_needed));
        let path = if setup_needed {
            "/setup"
        } else if auth.session.with(Option::is_some) {
            "/children"
        } else {
            "/sign-in"
        };
        view! { <Redirect path=path/> }
    }
}

/// Shows its children only to someone signed in; anyone else goes to the right front door.
#[component]
fn SignedInOnly(children: ChildrenFn) -> impl IntoView {
    let auth = use_auth();
    move || {
        if auth.session.with(Option::is_some) {
            children().into_any()
        } else {
            view! { <Home/> }.into_any()
        }
    }
}
