//! What the setting's tablets keep (issue 16). How long photos stay (the policies' "downloaded
//! or deleted every half term"): managers enter the year's half terms or choose a number of
//! weeks; everyone sees the window and from which day photos stay. And the switch for outings:
//! a tablet getting ready keeps only the children going, unless a manager turns it off.

use crate::api;
use crate::auth::use_auth;
use crate::components::form_errors::FormErrors;
use crate::components::notice::ErrorNotice;
use burrow_core::dates::format_uk;
use burrow_core::retention::{
    DEFAULT_WEEKS, HalfTerm, MAX_TERMS, MAX_WEEKS, Retention, RetentionAnswer, check, describe,
};
use chrono::NaiveDate;
use leptos::prelude::*;

const URL: &str = "/api/setting/photo-retention";
/// Rows offered for half terms: as many as a setting may enter, so none is lost on saving.
const ROWS: usize = MAX_TERMS;

fn explain(answer: &RetentionAnswer) -> String {
    let from = match answer.window.keep_from {
        Some(day) => format!(
            "Photos taken before {} leave the tablets at their next sync, once the server holds them; the journal still shows them on the setting’s Wi-Fi.",
            format_uk(day)
        ),
        None => "No photos leave the tablets yet: the first half term has not started.".into(),
    };
    let mut said = describe(&answer.retention);
    if let Some(first) = said.get(..1) {
        said = format!("{}{}", first.to_uppercase(), &said[1..]);
    }
    format!("{said}. {from}")
}

#[component]
pub fn PhotosSetting() -> impl IntoView {
    let auth = use_auth();
    let current = LocalResource::new(|| api::get::<RetentionAnswer>(URL));
    let kept = RwSignal::new(None::<RetentionAnswer>);
    let by_terms = RwSignal::new(false);
    let weeks = RwSignal::new(DEFAULT_WEEKS.to_string());
    // Arrays of signals are Copy, so every closure below may hold them.
    let starts: [RwSignal<String>; ROWS] = std::array::from_fn(|_| RwSignal::new(String::new()));
    let ends: [RwSignal<String>; ROWS] = std::array::from_fn(|_| RwSignal::new(String::new()));
    let saved = RwSignal::new(None::<String>);
    let errors = FormErrors::new(&["terms", "weeks"]);
    Effect::new(move |_| {
        if let Some(Ok(answer)) = current.get() {
            match &answer.retention {
                Retention::LastWeeks { weeks: w } => {
                    by_terms.set(false);
                    weeks.set(w.to_string());
                }
                Retention::HalfTerms { terms } => {
                    by_terms.set(true);
                    for (i, t) in terms.iter().take(ROWS).enumerate() {
                        starts[i].set(t.starts.to_string());
                        ends[i].set(t.ends.to_string());
                    }
                }
            }
            kept.set(Some(answer));
        }
    });
    let save = Action::new_local(move |r: &Retention| {
        let r = r.clone();
        async move { api::put::<_, RetentionAnswer>(URL, &r).await }
    });
    Effect::new(move |_| match save.value().get() {
        Some(Ok(answer)) => {
            saved.set(Some(format!("Saved. {}", explain(&answer))));
            kept.set(Some(answer));
        }
        Some(Err(e)) => errors.set(e),
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        errors.clear();
        saved.set(None);
        let chosen = if by_terms.get_untracked() {
            let mut terms = Vec::new();
            for i in 0..ROWS {
                let (a, b) = (starts[i].get_untracked(), ends[i].get_untracked());
                if a.trim().is_empty() && b.trim().is_empty() {
                    continue;
                }
                match (a.parse::<NaiveDate>(), b.parse::<NaiveDate>()) {
                    (Ok(starts), Ok(ends)) => terms.push(HalfTerm { starts, ends }),
                    _ => {
                        errors.set(api::ApiError::invalid(
                            "terms",
                            &format!("Half term {} needs both its first and its last day.", i + 1),
                        ));
                        return;
                    }
                }
            }
            Retention::HalfTerms { terms }
        } else {
            match weeks.get_untracked().trim().parse::<u32>() {
                Ok(w) => Retention::LastWeeks { weeks: w },
                Err(_) => Retention::LastWeeks { weeks: 0 },
            }
        };
        // The same rule the server applies, said before the request goes.
        match check(&chosen) {
            Ok(()) => {
                save.dispatch(chosen);
            }
            Err(e) => errors.set(api::ApiError::invalid(e.field(), &e.to_string())),
        }
    };
    let terms_error = errors.for_field("terms");
    let weeks_error = errors.for_field("weeks");
    let rows = move || {
        (0..ROWS)
            .map(|i| {
                let (a, b) = (starts[i], ends[i]);
                view! {
                    <div class="term-row" data-testid="half-term">
                        <label>
                            {format!("Half term {} starts", i + 1)}
                            <input type="date" bind:value=a/>
                        </label>
                        <label>
                            "and ends"
                            <input type="date" bind:value=b/>
                        </label>
                    </div>
                }
            })
            .collect_view()
    };
    view! {
        <section class="card" aria-labelledby="photos-heading" data-testid="photos-setting">
            <h2 id="photos-heading">"Photos on tablets"</h2>
            <p data-testid="photos-window">{move || kept.get().map(|a| explain(&a))}</p>
            <Show when=move || auth.may_manage()>
                <form on:submit=on_submit novalidate>
                    <ErrorNotice message=errors.general()/>
                    <fieldset>
                        <legend>"Keep photos on the tablets for"</legend>
                        <label class="choice">
                            <input type="radio" name="retention-kind" checked=move || !by_terms.get()
                                on:change=move |_| by_terms.set(false)/>
                            "The last few weeks"
                        </label>
                        <label class="choice">
                            <input type="radio" name="retention-kind" checked=move || by_terms.get()
                                on:change=move |_| by_terms.set(true)/>
                            "The current half term"
                        </label>
                    </fieldset>
                    <Show when=move || !by_terms.get()>
                        <div class="field" class:field-invalid=move || weeks_error.with(Option::is_some)>
                            <label for="field-weeks">"Number of weeks"</label>
                            <p class="hint">{format!("Between 1 and {MAX_WEEKS}.")}</p>
                            <input id="field-weeks" type="number" inputmode="numeric" min=1 max=MAX_WEEKS bind:value=weeks
                                aria-invalid=move || weeks_error.with(Option::is_some).to_string()/>
                            <p class="field-error">{move || weeks_error.get()}</p>
                        </div>
                    </Show>
                    <Show when=move || by_terms.get()>
                        <div class="field" class:field-invalid=move || terms_error.with(Option::is_some)>
                            <p class="hint">"Let each half term run to the day before the next one starts, its holiday included. Leave unused rows empty."</p>
                            {rows}
                            <p class="field-error">{move || terms_error.get()}</p>
                        </div>
                    </Show>
                    <button class="button primary" type="submit" disabled=move || save.pending().get()>"Save"</button>
                    {move || saved.get().map(|m| view! { <p class="notice" role="status">{m}</p> })}
                </form>
            </Show>
        </section>
    }
}

/// The setting's switch for outings: a tablet getting ready keeps only the children going (on by
/// default), or everything it holds.
#[component]
pub fn OutingSetting() -> impl IntoView {
    view! {
        <super::switch::OptionSwitch
            words=super::switch::SwitchWords {
                heading: "Outings",
                heading_id: "outings-heading",
                test_id: Some("outings-setting"),
                label: "A tablet getting ready for an outing keeps only the children going",
                on: "A tablet getting ready for an outing keeps only the children going, by first name, and their answers for the camera.",
                off: "A tablet keeps everything it holds during outings, sealed as always.",
                saved_on: "Saved. A tablet getting ready for an outing now keeps only the children going.",
                saved_off: "Saved. A tablet now keeps everything it holds during outings, sealed as always.",
            }
            read=|o| o.outing_clears_tablet
            write=|o, on| o.outing_clears_tablet = on
            default=true
        />
    }
}
