//! The children at the setting, and (for managers) registering a new one.

use crate::api::{self, ApiError};
use crate::auth::use_auth;
use crate::components::child_face::ChildFace;
use crate::components::field::Field;
use crate::components::form_errors::FormErrors;
use crate::components::notice::ErrorNotice;
use crate::components::shell::Shell;
use crate::lock::{Lock, use_lock};
use crate::store::db::StoreError;
use crate::store::{roster, tablet};
use crate::today::today;
use burrow_core::api::{Child, NewChildRequest, StaffMember};
use burrow_core::dates::{age_label, format_uk};
use chrono::NaiveDate;
use leptos::prelude::*;
use uuid::Uuid;

#[component]
pub fn ChildrenPage() -> impl IntoView {
    let auth = use_auth();
    let reload = RwSignal::new(0u32);
    let adding = RwSignal::new(false);
    let lock = use_lock();
    let children = LocalResource::new(move || {
        reload.track();
        load(lock)
    });
    Effect::new(move |_| {
        if let Some(Err(e)) = children.get()
            && e.is_unauthorised()
        {
            auth.session_ended(&e);
        }
    });
    let list = move || {
        children.get().map(|result| match result {
            Ok(shown) => {
                let notes = shown.notes();
                let leavers = auth.may_manage().then(|| leaving_this_month(&shown.children)).flatten();
                let body = if shown.children.is_empty() {
                    view! { <p class="empty">"No children are registered yet."</p> }.into_any()
                } else {
                    view! { <ul class="cards" data-testid="children-list">{shown.children.into_iter().map(child_card).collect_view()}</ul> }.into_any()
                };
                view! {
                    {notes.into_iter().map(|n| view! { <p class="notice" role="status">{n}</p> }).collect_view()}
                    {leavers}
                    {body}
                }
                .into_any()
            }
            Err(e) => view! { <p class="notice notice-error" role="alert">{e.to_string()}</p> }.into_any(),
        })
    };
    view! {
        <Shell>
            <div class="page-head">
                <h1>"Children"</h1>
                <Show when=move || auth.may_manage() && !adding.get()>
                    <button class="button primary" on:click=move |_| adding.set(true)>"Register a child"</button>
                </Show>
            </div>
            <Show when=move || adding.get()>
                <NewChildForm
                    on_done=Callback::new(move |saved: bool| {
                        adding.set(false);
                        if saved {
                            reload.update(|n| *n += 1);
                        }
                    })
                />
            </Show>
            <Transition fallback=|| view! { <p class="loading">"Loading children…"</p> }>{list}</Transition>
            <Show when=move || auth.may_manage()>
                <crate::components::deletions::DeletionsCard/>
            </Show>
        </Shell>
    }
}

/// The list as shown: from the server when it can be reached (and then kept, sealed, on the
/// tablet), otherwise the tablet's own copy.
#[derive(Clone)]
pub(crate) struct Shown {
    pub children: Vec<Child>,
    pub from_tablet: bool,
    damaged: Vec<Uuid>,
    not_kept: Option<String>,
}

impl Shown {
    pub fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        if self.from_tablet {
            notes.push("The setting’s server cannot be reached, so this is the list as this tablet last saw it.".to_owned());
        }
        notes.extend(
            self.damaged
                .iter()
                .map(|&record_id| StoreError::Damaged { record_id }.to_string()),
        );
        if let Some(why) = &self.not_kept {
            notes.push(format!("This tablet could not keep a copy of the list for when the server is out of reach: {why}"));
        }
        notes
    }
}

/// The children, from the server when it can be reached (kept on the tablet), else the tablet's copy.
pub(crate) async fn load(lock: Lock) -> Result<Shown, ApiError> {
    let keys = lock.keys();
    // On an outing the tablet shows (and keeps) only the children it carries.
    let on_outing = match tablet::open().await {
        Ok(store) => crate::store::outing::current(&store)
            .await
            .ok()
            .flatten()
            .is_some(),
        Err(_) => false,
    };
    let fetched = if on_outing && keys.is_some() {
        Err(ApiError::Unreachable)
    } else {
        api::get::<Vec<Child>>("/api/children").await
    };
    match fetched {
        Ok(children) => {
            let mut not_kept = None;
            if let Some(keys) = keys {
                let kept = async {
                    let store = tablet::open().await?;
                    roster::keep(&store, &keys, &children).await
                };
                not_kept = kept.await.err().map(|e| e.to_string());
            }
            Ok(Shown {
                children,
                from_tablet: false,
                damaged: Vec::new(),
                not_kept,
            })
        }
        Err(ApiError::Unreachable) if keys.is_some() => {
            let keys = keys.ok_or(ApiError::Unreachable)?;
            let store = tablet::open()
                .await
                .map_err(|e| ApiError::on_tablet(e.to_string()))?;
            let kept = roster::kept(&store, &keys)
                .await
                .map_err(|e| ApiError::on_tablet(e.to_string()))?;
            Ok(Shown {
                children: kept.children,
                from_tablet: true,
                damaged: kept.damaged,
                not_kept: None,
            })
        }
        Err(e) => Err(e),
    }
}

/// For managers: who leaves this month, so their families are reminded to keep the journal.
fn leaving_this_month(children: &[Child]) -> Option<impl IntoView + use<>> {
    let today = today();
    let leavers: Vec<String> = children
        .iter()
        .filter(|c| burrow_core::leaving::leaves_this_month(c.leaving_date, today))
        .filter_map(|c| {
            c.leaving_date
                .map(|d| format!("{} {} ({})", c.first_name, c.surname, format_uk(d)))
        })
        .collect();
    (!leavers.is_empty()).then(|| {
        view! {
            <section class="card" data-testid="leaving-this-month">
                <h2>"Leaving this month"</h2>
                <ul class="plain">{leavers.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}</ul>
            </section>
        }
    })
}

fn child_card(child: Child) -> impl IntoView {
    let today = today();
    view! {
        <li class="card child">
            <h2 class="with-face"><ChildFace child=child.clone()/>{format!("{} {}", child.first_name, child.surname)}</h2>
            <p>{format!("{} · born {}", age_label(child.date_of_birth, today), format_uk(child.date_of_birth))}</p>
            <p class="muted">{format!("Key person: {} · started {}", child.key_person_name, format_uk(child.start_date))}</p>
            {burrow_core::leaving::badge(child.leaving_date, today).map(|t| view! { <p><span class="badge" data-testid="leaving">{t}</span></p> })}
            <p class="links">
                <a href=format!("/children/{}/journal", child.id)>{format!("{}’s journal", child.first_name)}</a>
                <a href=format!("/observe?children={}", child.id)>"New observation"</a>
                <a href=format!("/children/{}/consents", child.id)>{format!("{}’s consent", child.first_name)}</a>
            </p>
        </li>
    }
}

#[component]
fn NewChildForm(on_done: Callback<bool>) -> impl IntoView {
    let first_name = RwSignal::new(String::new());
    let surname = RwSignal::new(String::new());
    let date_of_birth = RwSignal::new(String::new());
    let start_date = RwSignal::new(today().format("%Y-%m-%d").to_string());
    let key_person = RwSignal::new(String::new());
    let errors = FormErrors::new(&[
        "first_name",
        "surname",
        "date_of_birth",
        "start_date",
        "key_person_id",
    ]);
    let staff = LocalResource::new(|| api::get::<Vec<StaffMember>>("/api/staff"));

    let submit = Action::new_local(move |req: &NewChildRequest| {
        let req = req.clone();
        async move { api::post::<_, Child>("/api/children", &req).await }
    });
    Effect::new(move |_| match submit.value().get() {
        Some(Ok(_)) => on_done.run(true),
        Some(Err(e)) => errors.set(e),
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        errors.clear();
        match build_request(
            &first_name.get_untracked(),
            &surname.get_untracked(),
            &date_of_birth.get_untracked(),
            &start_date.get_untracked(),
            &key_person.get_untracked(),
        ) {
            Ok(req) => {
                submit.dispatch(req);
            }
            Err(e) => errors.set(e),
        }
    };
    let key_person_error = errors.for_field("key_person_id");
    let options = move || {
        staff.get().map(|r| match r {
            Ok(list) => list
                .into_iter()
                .map(|s| view! { <option value=s.id.to_string()>{s.name}</option> })
                .collect_view()
                .into_any(),
            Err(_) => view! { <option value="" disabled=true>"The staff list could not be loaded"</option> }.into_any(),
        })
    };

    view! {
        <section class="card form-card">
            <h2>"Register a child"</h2>
            <form on:submit=on_submit novalidate>
                <ErrorNotice message=errors.general()/>
                <Field label="First name" name="first_name" value=first_name autocomplete="off" error=errors.for_field("first_name")/>
                <Field label="Surname" name="surname" value=surname autocomplete="off" error=errors.for_field("surname")/>
                <Field label="Date of birth" name="date_of_birth" kind="date" value=date_of_birth error=errors.for_field("date_of_birth")/>
                <Field label="Start date" name="start_date" kind="date" value=start_date error=errors.for_field("start_date")/>
                <div class="field" class:field-invalid=move || key_person_error.with(Option::is_some)>
                    <label for="field-key_person">"Key person"</label>
                    <select id="field-key_person" name="key_person" bind:value=key_person>
                        <option value="">"Choose a member of staff"</option>
                        <Transition>{options}</Transition>
                    </select>
                    <p class="field-error">{move || key_person_error.get()}</p>
                </div>
                <div class="actions">
                    <button class="button primary" type="submit" disabled=move || submit.pending().get()>
                        {move || if submit.pending().get() { "Saving…" } else { "Register child" }}
                    </button>
                    <button class="button quiet" type="button" on:click=move |_| on_done.run(false)>"Cancel"</button>
                </div>
            </form>
        </section>
    }
}

/// Checks what only the tablet can know (a date left blank) before sending; the rules
/// themselves are core's, applied by the server.
fn build_request(
    first: &str,
    surname: &str,
    born: &str,
    start: &str,
    key_person: &str,
) -> Result<NewChildRequest, ApiError> {
    let date = |value: &str, field: &str, what: &str| {
        NaiveDate::parse_from_str(value, "%Y-%m-%d")
            .map_err(|_| ApiError::invalid(field, &format!("Enter the {what}.")))
    };
    Ok(NewChildRequest {
        first_name: first.to_owned(),
        surname: surname.to_owned(),
        date_of_birth: date(born, "date_of_birth", "date of birth")?,
        start_date: date(start, "start_date", "start date")?,
        key_person_id: Uuid::parse_str(key_person)
            .map_err(|_| ApiError::invalid("key_person_id", "Choose the child’s key person."))?,
    })
}
