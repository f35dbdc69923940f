//! A new member of staff uses their invite code to choose a passphrase.

use crate::api;
use crate::auth::use_auth;
use crate::components::field::Field;
use crate::components::form_errors::FormErrors;
use crate::components::front_door::FrontDoor;
use crate::components::notice::ErrorNotice;
use crate::components::passphrase_field::{NewPassphrase, ready};
use crate::lock::{open_tablet, use_lock};
use burrow_core::api::{ClaimInviteRequest, Session};
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn ClaimPage() -> impl IntoView {
    let auth = use_auth();
    let lock = use_lock();
    let name = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let passphrase = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let errors = FormErrors::new(&["name", "code", "passphrase"]);
    let setting = move || {
        auth.status.with(|s| {
            s.as_ref()
                .and_then(|s| s.setting_name.clone())
                .unwrap_or_default()
        })
    };
    let personal = Signal::derive(move || vec![name.get(), setting()]);
    let submit = Action::new_local(move |req: &ClaimInviteRequest| {
        let req = req.clone();
        async move {
            let session = api::post::<_, Session>("/api/invites/claim", &req).await?;
            open_tablet(auth, lock, session, &req.passphrase).await
        }
    });
    Effect::new(move |_| {
        if let Some(Err(e)) = submit.value().get() {
            errors.set(e);
        }
    });
    let can_send = move || {
        !submit.pending().get()
            && ready(
                &passphrase.get(),
                &confirm.get(),
                &[&name.get(), &setting()],
            )
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !can_send() {
            return;
        }
        errors.clear();
        submit.dispatch(ClaimInviteRequest {
            name: name.get_untracked(),
            code: code.get_untracked(),
            passphrase: passphrase.get_untracked(),
        });
    };
    let signed_in = move || auth.session.with(Option::is_some);

    view! {
        <Show when=move || !signed_in() fallback=FrontDoor>
            <section class="card narrow">
                <p class="eyebrow">{setting}</p>
                <h1>"Welcome to Burrow"</h1>
                <p>"Enter your name as your manager typed it, the invite code they gave you, and choose your passphrase."</p>
                <form on:submit=on_submit novalidate>
                    <ErrorNotice message=errors.general()/>
                    <Field label="Your name" name="name" value=name autocomplete="username" error=errors.for_field("name")/>
                    <Field label="Invite code" name="code" value=code autocomplete="off" hint="It looks like ABCDE-FGHJK." error=errors.for_field("code")/>
                    <NewPassphrase value=passphrase confirm=confirm personal=personal error=errors.for_field("passphrase")/>
                    <button class="button primary" type="submit" disabled=move || !can_send()>
                        {move || if submit.pending().get() { "Saving…" } else { "Choose passphrase and sign in" }}
                    </button>
                </form>
                <p class="aside"><A href="/sign-in">"I already have a passphrase"</A></p>
            </section>
        </Show>
    }
}
