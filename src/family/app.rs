//! The family app's root: a parent's phone, served under /family. It routes only to the family's
//! pages, so the staff's screens (validation, the camera, consents, settings) are not in its
//! wasm at all; everything it shows comes from the same library code the staff app uses.

use crate::auth::Auth;
use crate::lock::Lock;
use crate::pages::family::{FamilyEnrolPage, FamilyPage};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{Redirect, Route, Router, Routes};
use leptos_router::path;

#[component]
pub fn FamilyApp() -> impl IntoView {
    let auth = Auth::new();
    provide_context(auth);
    provide_context(Lock::new());
    // The setting's name for the enrolment page. A phone at home cannot reach the server, and
    // its journal opens from what it holds, so the routes never wait for this.
    spawn_local(auth.load());
    view! {
        <Router>
            <main class="app">
                <Routes fallback=|| view! { <Redirect path=crate::family::HOME/> }>
                    <Route path=path!("/family") view=FamilyPage/>
                    <Route path=path!("/family/enrol") view=FamilyEnrolPage/>
                </Routes>
            </main>
        </Router>
    }
}
