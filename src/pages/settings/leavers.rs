//! How long a leaver's data stays after their last day (DESIGN §2 rule 7): managers choose the
//! grace period; everyone else sees it.

use super::change_options;
use crate::api;
use crate::auth::use_auth;
use crate::components::form_errors::FormErrors;
use crate::components::notice::ErrorNotice;
use burrow_core::api::SettingOptions;
use burrow_core::leaving::{GRACE_DEFAULT_DAYS, GRACE_MAX_DAYS, check_grace};
use leptos::prelude::*;

fn days(n: u32) -> String {
    match n {
        0 => "the day after their last day".into(),
        1 => "1 day after their last day".into(),
        n => format!("{n} days after their last day"),
    }
}

#[component]
pub fn LeaversSetting() -> impl IntoView {
    let auth = use_auth();
    let typed = RwSignal::new(String::new());
    let kept = RwSignal::new(None::<u32>);
    let saved = RwSignal::new(None::<String>);
    let errors = FormErrors::new(&["deletion_grace_days"]);
    let current = LocalResource::new(|| api::get::<SettingOptions>("/api/setting/options"));
    Effect::new(move |_| {
        if let Some(Ok(o)) = current.get() {
            typed.set(o.deletion_grace_days.to_string());
            kept.set(Some(o.deletion_grace_days));
        }
    });
    let save = Action::new_local(move |n: &u32| {
        let n = *n;
        async move { change_options(|o| o.deletion_grace_days = n).await }
    });
    Effect::new(move |_| match save.value().get() {
        Some(Ok(o)) => {
            kept.set(Some(o.deletion_grace_days));
            saved.set(Some(format!(
                "Saved. A leaver’s records are now deleted {}.",
                days(o.deletion_grace_days)
            )));
        }
        Some(Err(e)) => errors.set(e),
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        errors.clear();
        saved.set(None);
        match typed.get_untracked().trim().parse::<u32>() {
            Ok(n) if check_grace(n).is_ok() => {
                save.dispatch(n);
            }
            _ => errors.set(api::ApiError::invalid(
                "deletion_grace_days",
                &format!("Enter a whole number of days between 0 and {GRACE_MAX_DAYS}."),
            )),
        }
    };
    let error = errors.for_field("deletion_grace_days");
    let said = move || {
        kept.get().map(|n| {
            format!(
                "When a child leaves, their family can download the journal until their last day. Their journal, photos and records are then deleted from the server and every tablet {}.",
                days(n)
            )
        })
    };
    view! {
        <section class="card" aria-labelledby="leavers-heading" data-testid="leavers-setting">
            <h2 id="leavers-heading">"Leavers’ records"</h2>
            <p>{said}</p>
            <Show when=move || auth.may_manage()>
                <form on:submit=on_submit novalidate>
                    <ErrorNotice message=errors.general()/>
                    <div class="field" class:field-invalid=move || error.with(Option::is_some)>
                        <label for="field-deletion_grace_days">"Days to keep a leaver’s records after their last day"</label>
                        <p class="hint">{format!("Between 0 and {GRACE_MAX_DAYS}. {GRACE_DEFAULT_DAYS} gives time to answer a family's question; your retention policy may say otherwise.")}</p>
                        <input id="field-deletion_grace_days" name="deletion_grace_days" type="number" inputmode="numeric"
                            min=0 max=GRACE_MAX_DAYS bind:value=typed
                            aria-invalid=move || error.with(Option::is_some).to_string()/>
                        <p class="field-error">{move || error.get()}</p>
                    </div>
                    <button class="button primary" type="submit" disabled=move || save.pending().get()>"Save"</button>
                    {move || saved.get().map(|m| view! { <p class="notice" role="status">{m}</p> })}
                </form>
            </Show>
        </section>
    }
}
