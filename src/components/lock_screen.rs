//! The lock screen: the names of the people who may unlock this tablet, and a passphrase.
//! It shows nothing about any child, and nothing about anyone's records.

use crate::api;
use crate::auth::use_auth;
use crate::components::field::Field;
use crate::components::notice::ErrorNotice;
use crate::lock::{unlock_as, use_lock};
use crate::store::tablet::{self, Person};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// `known`: the people already read by the page showing this screen, so they are not read again.
#[component]
pub fn LockScreen(#[prop(optional)] known: Option<Vec<Person>>) -> impl IntoView {
    let auth = use_auth();
    let lock = use_lock();
    let people = LocalResource::new(move || {
        let known = known.clone();
        async move {
            match known {
                Some(list) => Ok(list),
                None => tablet::people(&tablet::open().await?).await,
            }
        }
    });
    // The person signed in before the lock is the likely one to come back.
    let chosen = RwSignal::new(None::<Person>);
    Effect::new(move |_| {
        if chosen.with_untracked(Option::is_none)
            && let Some(Ok(list)) = people.get()
        {
            let current = auth
                .session
                .with_untracked(|s| s.as_ref().map(|s| s.staff.id));
            chosen.set(list.into_iter().find(|p| Some(p.id) == current));
        }
    });
    let passphrase = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let unlock = Action::new_local(move |(person, pass): &(Person, String)| {
        unlock_as(auth, lock, person.clone(), pass.clone())
    });
    Effect::new(move |_| {
        if let Some(Err(e)) = unlock.value().get() {
            passphrase.set(String::new());
            error.set(Some(e.to_string()));
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(person) = chosen.get_untracked() {
            error.set(None);
            unlock.dispatch((person, passphrase.get_untracked()));
        }
    };
    // Someone new to this tablet signs in with their name; whoever was signed in is signed out
    // first, so the new person never inherits their session.
    let someone_else = move |_| {
        spawn_local(async move {
            if auth.session.with_untracked(Option::is_some) {
                let _ = api::delete("/api/session").await;
            }
            lock.name_form.set(true);
            auth.session.set(None);
        });
    };
    let setting = move || {
        auth.status.with(|s| {
            s.as_ref()
                .and_then(|s| s.setting_name.clone())
                .unwrap_or_default()
        })
    };
    let person_button = move |person: Person| {
        let id = person.id;
        let is_chosen = move || chosen.with(|c| c.as_ref().is_some_and(|c| c.id == id));
        let name = person.name.clone();
        view! {
            <li>
                <button
                    type="button"
                    class="button person"
                    class:chosen=is_chosen
                    aria-pressed=move || is_chosen().to_string()
                    on:click=move |_| {
                        error.set(None);
                        passphrase.set(String::new());
                        chosen.set(Some(person.clone()));
                    }
                >
                    {name}
                </button>
            </li>
        }
    };

    view! {
        <section class="card narrow lock-screen" data-testid="lock-screen">
            <p class="eyebrow">{setting}</p>
            <h1>"Burrow is locked"</h1>
            {move || lock.reason.get().map(|why| view! { <p class="notice" role="status">{why}</p> })}
            <p>"Choose your name, then enter your passphrase."</p>
            {move || people.get().map(|result| match result {
                Ok(list) => view! {
                    <ul class="people" aria-label="People who can unlock this tablet">
                        {list.into_iter().map(person_button).collect_view()}
                    </ul>
                }.into_any(),
                Err(e) => view! { <p class="notice notice-error" role="alert">{e.to_string()}</p> }.into_any(),
            })}
            <Show when=move || chosen.with(Option::is_some)>
                <form on:submit=on_submit novalidate>
                    <Field label="Passphrase" name="passphrase" kind="password" value=passphrase autocomplete="current-password"/>
                    <ErrorNotice message=error/>
                    <button class="button primary" type="submit" disabled=move || unlock.pending().get()>
                        {move || if unlock.pending().get() { "Unlocking…" } else { "Unlock" }}
                    </button>
                </form>
            </Show>
            <p class="aside">"Not on the list? " <button type="button" class="link" on:click=someone_else>"Sign in with your name"</button></p>
        </section>
    }
}
