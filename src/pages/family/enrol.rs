//! Setting up a parent's own phone with the code the manager gave them, on the setting's Wi-Fi.

use crate::auth::use_auth;
use crate::components::field::Field;
use crate::components::form_errors::FormErrors;
use crate::components::notice::ErrorNotice;
use crate::components::passphrase_field::NewPassphrase;
use crate::family::app::{Screen, use_family_nav};
use crate::family::enrol::enrol;
use crate::lock::use_lock;
use leptos::prelude::*;

#[component]
pub fn FamilyEnrolPage() -> impl IntoView {
    let auth = use_auth();
    let lock = use_lock();
    let code = RwSignal::new(String::new());
    let passphrase = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let errors = FormErrors::new(&["code", "passphrase"]);
    let submit = Action::new_local(move |(code, passphrase): &(String, String)| {
        let (code, passphrase) = (code.clone(), passphrase.clone());
        async move { enrol(lock, &code, &passphrase).await }
    });
    let nav = use_family_nav();
    Effect::new(move |_| match submit.value().get() {
        Some(Ok(())) => nav.go(Screen::Journal),
        Some(Err(e)) => errors.set(e),
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        errors.clear();
        if passphrase.get_untracked() != confirm.get_untracked() {
            errors.set(crate::api::ApiError::invalid(
                "passphrase",
                "The two passphrases are different.",
            ));
            return;
        }
        submit.dispatch((code.get_untracked(), passphrase.get_untracked()));
    };
    let setting = move || {
        auth.status
            .with(|s| s.as_ref().and_then(|s| s.setting_name.clone()))
            .unwrap_or_default()
    };
    view! {
        <section class="card narrow" data-screen="family-enrol">
            <p class="eyebrow">{setting}</p>
            <h1>"Follow your child’s journal on this phone"</h1>
            {crate::family::was_wiped().then(|| view! {
                <p class="notice" role="status" data-testid="family-wiped">"The setting withdrew this phone’s access to the journal, so Burrow cleared everything it held. If you think this is a mistake, ask the setting’s manager."</p>
            })}
            <p>"Do this at the setting, on its Wi-Fi, with the invite code the manager gave you. Afterwards this phone brings new entries each time you are at the setting, and you can read them at home."</p>
            <form on:submit=on_submit novalidate>
                <ErrorNotice message=errors.general()/>
                <Field label="Invite code" name="code" value=code autocomplete="off" hint="It looks like ABCDE-FGHJK." error=errors.for_field("code")/>
                <NewPassphrase value=passphrase confirm=confirm personal=Signal::derive(Vec::new) error=errors.for_field("passphrase")/>
                <p class="hint">"Your passphrase locks the journal on this phone. It stays here: nobody at the setting knows it, and if you forget it, ask the manager for a new code."</p>
                <button class="button primary" type="submit" disabled=move || submit.pending().get()>
                    {move || if submit.pending().get() { "Setting up…" } else { "Set up this phone" }}
                </button>
            </form>
        </section>
    }
}
