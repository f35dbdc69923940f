//! One of the setting's on/off options (validation before parents see, outings), as a card:
//! managers and deputies turn it over, everyone else reads where it stands.

use crate::api;
use crate::auth::{Auth, use_auth};
use burrow_core::api::SettingOptions;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// What a switch says.
pub struct SwitchWords {
    pub heading: &'static str,
    pub heading_id: &'static str,
    pub test_id: Option<&'static str>,
    /// Beside the checkbox.
    pub label: &'static str,
    /// For those who may not change it, while on and while off.
    pub on: &'static str,
    pub off: &'static str,
    /// Once saved, on and off.
    pub saved_on: &'static str,
    pub saved_off: &'static str,
}

#[component]
pub fn OptionSwitch(
    words: SwitchWords,
    /// The option's value in the setting's options.
    read: fn(&SettingOptions) -> bool,
    write: fn(&mut SettingOptions, bool),
    /// What to show before the options have arrived (the option's default).
    default: bool,
    /// Anything else that must follow a saved change (the session's copy of an option).
    #[prop(optional)]
    saved: Option<fn(Auth, &SettingOptions)>,
) -> impl IntoView {
    let auth = use_auth();
    let options = RwSignal::new(None::<SettingOptions>);
    let message = RwSignal::new(None::<Result<String, String>>);
    let current = LocalResource::new(|| api::get::<SettingOptions>("/api/setting/options"));
    Effect::new(move |_| {
        if let Some(Ok(o)) = current.get() {
            options.set(Some(o));
        }
    });
    let SwitchWords {
        heading,
        heading_id,
        test_id,
        label,
        on: on_words,
        off: off_words,
        saved_on,
        saved_off,
    } = words;
    let toggle = move |_| {
        let Some(o) = options.get_untracked() else {
            return;
        };
        let wanted = !read(&o);
        spawn_local(async move {
            match super::change_options(|o| write(o, wanted)).await {
                Ok(changed) => {
                    if let Some(follow) = saved {
                        follow(auth, &changed);
                    }
                    let words = if read(&changed) { saved_on } else { saved_off };
                    message.set(Some(Ok(words.into())));
                    options.set(Some(changed));
                }
                Err(e) => message.set(Some(Err(e.to_string()))),
            }
        });
    };
    let on = move || options.get().map_or(default, |o| read(&o));
    view! {
        <section class="card" aria-labelledby=heading_id data-testid=test_id>
            <h2 id=heading_id>{heading}</h2>
            <Show when=move || auth.may_manage()
                fallback=move || view! {
                    <p>{move || if on() { on_words } else { off_words }}</p>
                }>
                <label class="choice">
                    <input type="checkbox" prop:checked=on on:change=toggle disabled=move || options.get().is_none()/>
                    {label}
                </label>
            </Show>
            {move || message.get().map(|m| match m {
                Ok(m) => view! { <p class="notice" role="status">{m}</p> }.into_any(),
                Err(m) => view! { <p class="notice notice-error" role="alert">{m}</p> }.into_any(),
            })}
        </section>
    }
}
