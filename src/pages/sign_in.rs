//! The front door for a setting that is set up: the lock screen's list of people who can unlock
//! this tablet, or (for someone new to this tablet) their name and passphrase.

use crate::api;
use crate::auth::use_auth;
use crate::components::field::Field;
use crate::components::form_errors::FormErrors;
use crate::components::front_door::FrontDoor;
use crate::components::lock_screen::LockScreen;
use crate::components::notice::ErrorNotice;
use crate::lock::{open_tablet, use_lock};
use crate::store::tablet;
use burrow_core::api::{Session, SignInRequest};
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn SignInPage() -> impl IntoView {
    let auth = use_auth();
    let lock = use_lock();
    let new_here = move || lock.name_form.get();
    // Read while the app started, the first time: the form is drawn at once, with no
    // "Opening Burrow…" in between (P2). Otherwise read now.
    let people = RwSignal::new(tablet::people_read_at_start());
    if people.get_untracked().is_none() {
        leptos::task::spawn_local(async move {
            let read = async { tablet::people(&tablet::open().await.ok()?).await.ok() }.await;
            people.try_set(Some(read));
        });
    }
    // Signed in already, or nothing to sign in to yet: the front door decides.
    let elsewhere = move || {
        auth.session.with(Option::is_some)
            || auth
                .status
                .with(|s| s.as_ref().is_some_and(|s| s.setup_needed))
    };
    view! {
        <Show when=move || !elsewhere() fallback=FrontDoor>
            {move || match people.get() {
                None => view! { <p class="loading">"Opening Burrow…"</p> }.into_any(),
                Some(Some(list)) if !list.is_empty() && !new_here() => view! { <LockScreen known=list/> }.into_any(),
                Some(list) => {
                    let known = list.is_some_and(|l| !l.is_empty());
                    view! { <SignInForm known_people=known/> }.into_any()
                }
            }}
        </Show>
    }
}

/// After a manager removed this tablet and Burrow wiped it, until someone signs in again.
fn was_wiped() -> bool {
    web_sys::window()
        .and_then(|w| w.session_storage().ok().flatten())
        .and_then(|s| s.get_item(crate::enrolment::WIPED).ok().flatten())
        .is_some()
}

/// After the browser cleared this tablet's store following a crash, until someone signs in.
fn was_reset() -> bool {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .and_then(|s| s.get_item(crate::store::tablet::STORE_RESET).ok().flatten())
        .is_some()
}

#[component]
fn SignInForm(known_people: bool) -> impl IntoView {
    let auth = use_auth();
    let wiped = was_wiped();
    let reset = was_reset();
    let lock = use_lock();
    let name = RwSignal::new(String::new());
    let passphrase = RwSignal::new(String::new());
    let errors = FormErrors::new(&["name"]);
    let submit = Action::new_local(move |req: &SignInRequest| {
        let req = req.clone();
        async move {
            let session = api::post::<_, Session>("/api/session", &req).await?;
            open_tablet(auth, lock, session, &req.passphrase).await
        }
    });
    Effect::new(move |_| {
        if let Some(Err(e)) = submit.value().get() {
            errors.set(e);
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        errors.clear();
        submit.dispatch(SignInRequest {
            name: name.get_untracked(),
            passphrase: passphrase.get_untracked(),
        });
    };
    let setting = move || {
        auth.status.with(|s| {
            s.as_ref()
                .and_then(|s| s.setting_name.clone())
                .unwrap_or_default()
        })
    };
    view! {
        <section class="card narrow">
            <p class="eyebrow">{setting}</p>
            <h1>"Sign in"</h1>
            {reset.then(|| view! { <p class="notice notice-error" role="alert" data-testid="store-reset">"This tablet’s storage was damaged when the tablet or the browser stopped suddenly, and the browser cleared it. Anything written here since the last sync is lost; everything on the setting’s server comes back at the next sync. Sign in to carry on, and tell your manager."</p> })}
            {wiped.then(|| view! { <p class="notice" role="status" data-testid="wiped">"A manager removed this tablet from the setting, so Burrow wiped everything on it. To use it again, a manager enrols it afresh."</p> })}
            {move || auth.ended.get().map(|why| view! { <p class="notice" role="status">{why}</p> })}
            <p class="muted">"For staff: the first time you sign in on a tablet, do it on the setting’s Wi-Fi. After that you can unlock it anywhere. Parents and carers set up their own phone with the link below."</p>
            <form on:submit=on_submit novalidate>
                <ErrorNotice message=errors.general()/>
                <Field label="Your name" name="name" value=name autocomplete="username" error=errors.for_field("name")/>
                <Field label="Passphrase" name="passphrase" kind="password" value=passphrase autocomplete="current-password"/>
                <button class="button primary" type="submit" disabled=move || submit.pending().get()>
                    {move || if submit.pending().get() { "Signing in…" } else { "Sign in" }}
                </button>
            </form>
            {known_people.then(|| view! {
                <p class="aside">
                    <button type="button" class="link" on:click=move |_| lock.name_form.set(false)>"Choose from the people on this tablet"</button>
                </p>
            })}
            <p class="aside">"New here? " <A href="/welcome">"Use the invite code from your manager"</A></p>
            <p class="aside">"A parent or carer? " <a href=crate::family::ENROL rel="external">"Follow your child’s journal on your own phone"</a></p>
        </section>
    }
}
