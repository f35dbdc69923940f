//! One child's consent: where each purpose stands, every answer ever recorded (newest first),
//! and for managers and deputies a form to record a new answer. Nothing is ever edited: a
//! withdrawal or a renewal is a new answer.

use crate::api::{self, ApiError};
use crate::auth::use_auth;
use crate::components::field::Field;
use crate::components::form_errors::FormErrors;
use crate::components::leaving_card::LeavingCard;
use crate::components::notice::ErrorNotice;
use crate::components::select_field::SelectField;
use crate::components::shell::Shell;
use crate::today::today;
use burrow_core::api::{ChildConsents, ConsentEntry};
use burrow_core::consent::{HowGiven, NewConsentRequest, Purpose};
use burrow_core::dates::format_uk;
use chrono::{Months, NaiveDate};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn ChildConsentsPage() -> impl IntoView {
    let auth = use_auth();
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let reload = RwSignal::new(0u32);
    let recording = RwSignal::new(false);
    let consents = LocalResource::new(move || {
        reload.track();
        let url = format!("/api/children/{}/consents", id());
        async move { api::get::<ChildConsents>(&url).await }
    });
    Effect::new(move |_| {
        if let Some(Err(e)) = consents.get()
            && e.is_unauthorised()
        {
            auth.session_ended(&e);
        }
    });
    let body = move || {
        consents
            .get()
            .map(|r: Result<ChildConsents, ApiError>| match r {
                Ok(c) => {
                    let manager = auth.session.with_untracked(|s| {
                        s.as_ref()
                            .is_some_and(|s| s.staff.role == burrow_core::staff::Role::Manager)
                    });
                    view! {
                        {shown(c.clone(), recording, reload, auth.may_manage())}
                        <LeavingCard child=c.child.clone() may_manage=auth.may_manage() reload=reload/>
                        {(auth.may_manage() && c.child.leaving_date.is_some()).then(|| view! {
                            <crate::components::posterity::PosterityCard child=c.child.id first_name=c.child.first_name.clone()/>
                        })}
                        <HighRiskCard child=c.child manager=manager reload=reload/>
                    }
                    .into_any()
                }
                Err(e) => view! { <p class="notice notice-error" role="alert">{e.to_string()}</p> }
                    .into_any(),
            })
    };
    view! {
        <Shell>
            <p><a href="/consents">"← Consent for every child"</a></p>
            <Transition fallback=|| view! { <p class="loading">"Loading consent…"</p> }>{body}</Transition>
        </Shell>
    }
}

fn shown(
    c: ChildConsents,
    recording: RwSignal<bool>,
    reload: RwSignal<u32>,
    may_manage: bool,
) -> impl IntoView {
    let child_id = c.child.id;
    let mut history = c.history;
    history.reverse();
    view! {
        <div class="page-head">
            <h1>{format!("Consent for {} {}", c.child.first_name, c.child.surname)}</h1>
            <Show when=move || may_manage && !recording.get()>
                <button class="button primary" on:click=move |_| recording.set(true)>"Record an answer"</button>
            </Show>
        </div>
        <Show when=move || recording.get()>
            <NewAnswerForm
                child_id=child_id.to_string()
                on_done=Callback::new(move |saved: bool| {
                    recording.set(false);
                    if saved {
                        reload.update(|n| *n += 1);
                    }
                })
            />
        </Show>
        <section class="card">
            <h2>"Where each purpose stands today"</h2>
            <dl class="standings" data-testid="standings">
                {c.standings.into_iter().map(|(p, s)| view! {
                    <div class:granted=s.is_granted() class:lacking=!s.is_granted()>
                        <dt>{p.title()}</dt>
                        <dd>{s.describe()}</dd>
                    </div>
                }).collect_view()}
            </dl>
        </section>
        <section class="card">
            <h2>"Every answer, newest first"</h2>
            {if history.is_empty() {
                view! { <p class="empty">"No answers recorded yet."</p> }.into_any()
            } else {
                view! { <ol class="history" data-testid="consent-history">{history.into_iter().map(entry).collect_view()}</ol> }.into_any()
            }}
        </section>
    }
}

/// The high-risk flag: what it means, and for a manager, setting or clearing it.
#[component]
fn HighRiskCard(
    child: burrow_core::api::Child,
    manager: bool,
    reload: RwSignal<u32>,
) -> impl IntoView {
    use burrow_core::api::HighRiskFlag;
    use burrow_core::high_risk::Reason;
    let reason = RwSignal::new(Reason::LookedAfter.as_str().to_owned());
    let problem = RwSignal::new(None::<String>);
    let id = child.id;
    let flagged = child.high_risk;
    let save = move |on: bool| {
        let chosen = Reason::ALL
            .into_iter()
            .find(|r| r.as_str() == reason.get_untracked());
        let body = HighRiskFlag {
            high_risk: on,
            reason: if on { chosen } else { None },
        };
        leptos::task::spawn_local(async move {
            match api::put::<_, HighRiskFlag>(&format!("/api/children/{id}/high-risk"), &body).await
            {
                Ok(_) => {
                    problem.try_set(None);
                    reload.try_update(|n| *n += 1);
                }
                Err(e) => {
                    problem.try_set(Some(e.to_string()));
                }
            }
        });
    };
    let first = child.first_name.clone();
    view! {
        <section class="card" data-testid="high-risk">
            <h2>"High-risk"</h2>
            {if flagged {
                view! { <p class="mark">{format!("{first} is flagged high-risk: every photo of them needs a second manager’s sign-off before any family sees it.")}</p> }.into_any()
            } else {
                view! { <p>{format!("Flag {first} if they are looked after, adopted, or the subject of a dispute about consent: every photo of them will then need a second manager’s sign-off before any family sees it.")}</p> }.into_any()
            }}
            {manager.then(|| if flagged {
                view! { <button class="button" on:click=move |_| save(false)>"Take the flag away"</button> }.into_any()
            } else {
                view! {
                    <div class="field">
                        <label for="high-risk-reason">"Why"</label>
                        <select id="high-risk-reason" bind:value=reason>
                            {Reason::ALL.into_iter().map(|r| view! { <option value=r.as_str()>{r.label()}</option> }).collect_view()}
                        </select>
                    </div>
                    <button class="button" on:click=move |_| save(true)>"Flag as high-risk"</button>
                }.into_any()
            })}
            <ErrorNotice message=problem/>
        </section>
    }
}

fn entry(e: ConsentEntry) -> impl IntoView {
    let r = e.record;
    let answer = if r.granted { "agreed to" } else { "refused" };
    let how = match r.how {
        HowGiven::WrittenForm { reference } => format!("on paper form {reference}"),
        HowGiven::SignedOnTablet => "signed on a tablet".to_owned(),
    };
    view! {
        <li>
            <p>{format!("{} {} {}", r.given_by, answer, r.purpose.label())}</p>
            <p class="muted">{format!(
                "{}, {how}. Recorded by {}. Review by {}.",
                format_uk(r.recorded_at.date_naive()), e.recorded_by_name, format_uk(r.review_by)
            )}</p>
        </li>
    }
}

#[component]
fn NewAnswerForm(child_id: String, on_done: Callback<bool>) -> impl IntoView {
    let purpose = RwSignal::new(Purpose::JournalPhotos.as_str().to_owned());
    let answer = RwSignal::new("granted".to_owned());
    let given_by = RwSignal::new(String::new());
    let how = RwSignal::new("written_form".to_owned());
    let reference = RwSignal::new(String::new());
    let in_a_year = today()
        .checked_add_months(Months::new(12))
        .unwrap_or(today());
    let review_by = RwSignal::new(in_a_year.format("%Y-%m-%d").to_string());
    let errors = FormErrors::new(&["given_by", "reference", "review_by"]);
    let url = format!("/api/children/{child_id}/consents");
    let submit = Action::new_local(move |req: &NewConsentRequest| {
        let (req, url) = (req.clone(), url.clone());
        async move { api::post::<_, ConsentEntry>(&url, &req).await }
    });
    Effect::new(move |_| match submit.value().get() {
        Some(Ok(_)) => on_done.run(true),
        Some(Err(e)) => errors.set(e),
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        errors.clear();
        let review = NaiveDate::parse_from_str(&review_by.get_untracked(), "%Y-%m-%d")
            .map_err(|_| ApiError::invalid("review_by", "Enter the date to ask again by."));
        let how = if how.get_untracked() == "written_form" {
            HowGiven::WrittenForm {
                reference: reference.get_untracked(),
            }
        } else {
            HowGiven::SignedOnTablet
        };
        match review {
            Ok(review_by) => {
                submit.dispatch(NewConsentRequest {
                    purpose: Purpose::parse(&purpose.get_untracked())
                        .unwrap_or(Purpose::JournalPhotos),
                    granted: answer.get_untracked() == "granted",
                    given_by: given_by.get_untracked(),
                    how,
                    review_by,
                });
            }
            Err(e) => errors.set(e),
        }
    };
    view! {
        <section class="card form-card">
            <h2>"Record an answer"</h2>
            <form on:submit=on_submit novalidate>
                <ErrorNotice message=errors.general()/>
                <SelectField label="What for" name="purpose" value=purpose
                    options=Purpose::ALL.iter().map(|p| (p.as_str(), p.title())).collect()/>
                <SelectField label="Their answer" name="answer" value=answer
                    options=vec![("granted", "Yes, they agree"), ("refused", "No, they do not agree")]/>
                <Field label="Parent or carer" name="given_by" value=given_by autocomplete="off" error=errors.for_field("given_by")/>
                <SelectField label="How they answered" name="how" value=how
                    options=vec![("written_form", "On a paper form"), ("signed_on_tablet", "Signed on this tablet")]/>
                <Show when=move || how.get() == "written_form">
                    <Field label="Form reference" name="reference" value=reference autocomplete="off" error=errors.for_field("reference")/>
                </Show>
                <Field label="Ask again by" name="review_by" kind="date" value=review_by error=errors.for_field("review_by")/>
                <div class="actions">
                    <button class="button primary" type="submit" disabled=move || submit.pending().get()>
                        {move || if submit.pending().get() { "Saving…" } else { "Save answer" }}
                    </button>
                    <button class="button quiet" type="button" on:click=move |_| on_done.run(false)>"Cancel"</button>
                </div>
            </form>
        </section>
    }
}
