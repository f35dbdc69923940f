use crate::api;
use crate::auth::use_auth;
use crate::components::field::Field;
use crate::components::form_errors::FormErrors;
use crate::components::notice::ErrorNotice;
use burrow_core::api::{Session, SignInRequest};
use leptos::prelude::*;
use leptos_router::components::{A, Redirect};

#[component]
pub fn SignInPage() -> impl IntoView {
    let auth = use_auth();
    let name = RwSignal::new(String::new());
    let passphrase = RwSignal::new(String::new());
    let errors = FormErrors::new(&["name"]);
    let submit = Action::new_local(move |req: &SignInRequest| {
        let req = req.clone();
        async move { api::post::<_, Session>("/api/session", &req).await }
    });
    Effect::new(move |_| match submit.value().get() {
        Some(Ok(session)) => auth.signed_in(session),
        Some(Err(e)) => errors.set(e),
        None => {}
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
    // Signed in already, or nothing to sign in to yet: the front door decides.
    let elsewhere = move || {
        auth.session.with(Option::is_some)
            || auth
                .status
                .with(|s| s.as_ref().is_some_and(|s| s.setup_needed))
    };

    view! {
        <Show when=move || !elsewhere() fallback=|| view! { <Redirect path="/"/> }>
            <section class="card narrow">
                <p class="eyebrow">{setting}</p>
                <h1>"Sign in"</h1>
                {move || auth.ended.get().map(|why| view! { <p class="notice" role="status">{why}</p> })}
                <form on:submit=on_submit novalidate>
                    <ErrorNotice message=errors.general()/>
                    <Field label="Your name" name="name" value=name autocomplete="username" error=errors.for_field("name")/>
                    <Field label="Passphrase" name="passphrase" kind="password" value=passphrase autocomplete="current-password"/>
                    <button class="button primary" type="submit" disabled=move || submit.pending().get()>
                        {move || if submit.pending().get() { "Signing in…" } else { "Sign in" }}
                    </button>
                </form>
                <p class="aside">"New here? " <A href="/welcome">"Use the invite code from your manager"</A></p>
            </section>
        </Show>
    }
}
