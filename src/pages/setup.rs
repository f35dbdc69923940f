//! First run: the manager enters the set-up code, names the setting and creates their account.

use crate::api;
use crate::auth::use_auth;
use crate::components::field::Field;
use crate::components::form_errors::FormErrors;
use crate::components::front_door::FrontDoor;
use crate::components::notice::ErrorNotice;
use crate::components::passphrase_field::{NewPassphrase, ready};
use crate::lock::{open_tablet, use_lock};
use burrow_core::api::{Session, SetupRequest};
use leptos::prelude::*;

#[component]
pub fn SetupPage() -> impl IntoView {
    let auth = use_auth();
    let lock = use_lock();
    let code = RwSignal::new(String::new());
    let setting_name = RwSignal::new(String::new());
    let manager_name = RwSignal::new(String::new());
    let passphrase = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let errors = FormErrors::new(&["code", "setting_name", "manager_name", "passphrase"]);
    let personal = Signal::derive(move || vec![manager_name.get(), setting_name.get()]);

    let submit = Action::new_local(move |req: &SetupRequest| {
        let req = req.clone();
        async move {
            let session = api::post::<_, Session>("/api/setup", &req).await?;
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
                &[&manager_name.get(), &setting_name.get()],
            )
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !can_send() {
            return;
        }
        errors.clear();
        submit.dispatch(SetupRequest {
            code: code.get_untracked(),
            setting_name: setting_name.get_untracked(),
            manager_name: manager_name.get_untracked(),
            passphrase: passphrase.get_untracked(),
        });
    };
    let already_set_up = move || {
        auth.status
            .with(|s| s.as_ref().is_some_and(|s| !s.setup_needed))
    };

    view! {
        <Show when=move || !already_set_up() fallback=FrontDoor>
            <section class="card narrow">
                <h1>"Set up Burrow for your setting"</h1>
                <p>"You need the set-up code that the server showed when it started. It works once."</p>
                <form on:submit=on_submit novalidate>
                    <ErrorNotice message=errors.general()/>
                    <Field label="Set-up code" name="code" value=code autocomplete="off" hint="It looks like ABCDE-FGHJK." error=errors.for_field("code")/>
                    <Field label="Your setting’s name" name="setting_name" value=setting_name autocomplete="organization" error=errors.for_field("setting_name")/>
                    <Field label="Your name" name="manager_name" value=manager_name autocomplete="name" hint="You will be the setting’s manager." error=errors.for_field("manager_name")/>
                    <NewPassphrase value=passphrase confirm=confirm personal=personal error=errors.for_field("passphrase")/>
                    <button class="button primary" type="submit" disabled=move || !can_send()>
                        {move || if submit.pending().get() { "Setting up…" } else { "Set up Burrow" }}
                    </button>
                </form>
            </section>
        </Show>
    }
}
