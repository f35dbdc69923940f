//! A child's leaving date on their page: where it stands (core::leaving::standing), and for a
//! manager or deputy, recording, changing or cancelling it until it passes.

use crate::api;
use crate::components::field::Field;
use crate::components::form_errors::FormErrors;
use crate::components::notice::ErrorNotice;
use crate::today::today;
use burrow_core::api::{Child, LeavingRequest, SettingOptions};
use burrow_core::dates::format_uk;
use burrow_core::leaving::{GRACE_DEFAULT_DAYS, Standing, deletion_due_on, standing};
use chrono::NaiveDate;
use leptos::prelude::*;

#[component]
pub fn LeavingCard(child: Child, may_manage: bool, reload: RwSignal<u32>) -> impl IntoView {
    let id = child.id;
    let first = child.first_name.clone();
    let first_for_link = first.clone();
    let grace = LocalResource::new(|| api::get::<SettingOptions>("/api/setting/options"));
    let leaving_date = child.leaving_date;
    let first_for_grace = first.clone();
    // When the data goes, by the setting's own grace period (shown once it is known).
    let deleted_on = move || {
        let days = grace.get().and_then(Result::ok)?.deletion_grace_days;
        let on = deletion_due_on(leaving_date?, days);
        Some(format!(
            "{first_for_grace}’s journal, photos and records will be deleted from the server and every tablet on {}.",
            format_uk(on)
        ))
    };
    let state = standing(child.leaving_date, GRACE_DEFAULT_DAYS, today());
    let date = RwSignal::new(
        child
            .leaving_date
            .map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
    );
    let errors = FormErrors::new(&["leaving_date"]);
    let save = move |leaving_date: Option<NaiveDate>| {
        errors.clear();
        leptos::task::spawn_local(async move {
            let body = LeavingRequest { leaving_date };
            match api::put::<_, Child>(&format!("/api/children/{id}/leaving"), &body).await {
                Ok(_) => {
                    reload.try_update(|n| *n += 1);
                }
                Err(e) => errors.set(e),
            }
        });
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match NaiveDate::parse_from_str(&date.get_untracked(), "%Y-%m-%d") {
            Ok(d) => save(Some(d)),
            Err(_) => errors.set(api::ApiError::invalid(
                "leaving_date",
                "Enter the child's last day at the setting.",
            )),
        }
    };
    let said = match state {
        Standing::Staying => format!(
            "When {first}’s family tells you their last day, record it here. Their family can download the journal until then; it closes to them the day after."
        ),
        Standing::Leaving { last_day } => format!(
            "{first}’s last day is {}. Their family can download the journal until then; it closes to them the day after.",
            format_uk(last_day)
        ),
        Standing::Left { last_day, .. } => format!(
            "{first} left on {}. Their journal is closed to their family.",
            format_uk(last_day)
        ),
    };
    let open = !matches!(state, Standing::Left { .. });
    let has_date = child.leaving_date.is_some();
    view! {
        <section class="card" data-testid="leaving">
            <h2>"Leaving"</h2>
            <p class:mark=has_date>{said}</p>
            {move || deleted_on().map(|m| view! { <p data-testid="deleted-on">{m}</p> })}
            // After the last day too: a family that missed the download asks the manager.
            {may_manage.then(|| view! {
                <p class="actions">
                    <a class="button" href=format!("/api/children/{id}/keepsake.pdf") download="">{format!("Download {first_for_link}’s journal (PDF) for the family")}</a>
                    <a class="button" href=format!("/api/children/{id}/keepsake.zip") download="">"Download the journal and photos (zip)"</a>
                </p>
            })}
            {(may_manage && open).then(|| view! {
                <form on:submit=on_submit novalidate>
                    <ErrorNotice message=errors.general()/>
                    <Field label="Last day at the setting" name="leaving_date" kind="date" value=date error=errors.for_field("leaving_date")/>
                    <div class="actions">
                        <button class="button" type="submit">{if has_date { "Change the leaving date" } else { "Record the leaving date" }}</button>
                        {has_date.then(|| view! {
                            <button class="button quiet" type="button" on:click=move |_| save(None)>"Cancel the leaving date"</button>
                        })}
                    </div>
                </form>
            })}
        </section>
    }
}
