//! The audit log, for managers and deputies: whether it is intact, what happened (filtered by
//! kind, child and dates, newest first, older on request), and how long it is kept.
//!
//! Read from the server each time: the log lives there only, never on a tablet.

use crate::api;
use crate::auth::use_auth;
use crate::components::notice::ErrorNotice;
use crate::components::shell::Shell;
use burrow_core::api::{AuditCheck, AuditEntry, AuditPage, AuditRetention, Child};
use burrow_core::audit::{Action, MIN_RETENTION_DAYS, check_retention};
use burrow_core::dates::format_uk;
use chrono::NaiveDate;
use leptos::prelude::*;
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Debug, Clone, Default, PartialEq)]
struct Filters {
    action: String,
    child: String,
    from: String,
    to: String,
}

impl Filters {
    /// The query string for `GET /api/audit`; dates are whole days in UTC, `to` included.
    fn query(&self, before: Option<i64>) -> String {
        let mut parts = Vec::new();
        if !self.action.is_empty() {
            parts.push(format!("action={}", self.action));
        }
        if !self.child.is_empty() {
            parts.push(format!("child={}", self.child));
        }
        if let Ok(d) = self.from.parse::<NaiveDate>() {
            parts.push(format!("from={d}T00:00:00Z"));
        }
        if let Some(d) = self.to.parse::<NaiveDate>().ok().and_then(|d| d.succ_opt()) {
            parts.push(format!("to={d}T00:00:00Z"));
        }
        if let Some(b) = before {
            parts.push(format!("before={b}"));
        }
        if parts.is_empty() {
            "/api/audit".into()
        } else {
            format!("/api/audit?{}", parts.join("&"))
        }
    }
}

#[component]
pub fn AuditPage() -> impl IntoView {
    let auth = use_auth();
    view! {
        <Shell>
            <div class="page-head"><h1>"Audit log"</h1></div>
            <Show when=move || auth.may_manage()
                fallback=|| view! { <p class="notice">"Only a manager or deputy can read the audit log."</p> }>
                <Integrity/>
                <Entries/>
                <Retention/>
            </Show>
        </Shell>
    }
}

#[component]
fn Integrity() -> impl IntoView {
    let check = LocalResource::new(|| api::get::<AuditCheck>("/api/audit/check"));
    move || {
        check.get().map(|r| match r {
            Ok(c) if c.intact => view! {
                <p class="notice" role="status" data-testid="audit-intact">
                    {format!("The log is intact: all {} entries still link up, none changed or removed.", c.checked)}
                </p>
            }.into_any(),
            Ok(c) => view! {
                <p class="notice notice-error" role="alert" data-testid="audit-broken">
                    {format!("The log has been tampered with: {}. Keep this device as it is and contact your data protection lead.",
                        c.problem.unwrap_or_default())}
                </p>
            }.into_any(),
            Err(e) => view! { <p class="notice notice-error" role="alert">{e.to_string()}</p> }.into_any(),
        })
    }
}

#[component]
fn Entries() -> impl IntoView {
    let auth = use_auth();
    let filters = RwSignal::new(Filters::default());
    let (action, child, from, to) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let entries = RwSignal::new(Vec::<AuditEntry>::new());
    let more = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let children = LocalResource::new(|| api::get::<Vec<Child>>("/api/children"));
    let names = move || -> HashMap<Uuid, String> {
        children
            .get()
            .and_then(Result::ok)
            .map(|list| {
                list.into_iter()
                    .map(|c| (c.id, format!("{} {}", c.first_name, c.surname)))
                    .collect()
            })
            .unwrap_or_default()
    };
    let load = move |before: Option<i64>| {
        let url = filters.get_untracked().query(before);
        leptos::task::spawn_local(async move {
            match api::get::<AuditPage>(&url).await {
                Ok(page) => {
                    problem.try_set(None);
                    more.try_set(page.more);
                    entries.try_update(|list| {
                        if before.is_none() {
                            list.clear();
                        }
                        list.extend(page.entries);
                    });
                }
                Err(e) if e.is_unauthorised() => auth.session_ended(&e),
                Err(e) => {
                    problem.try_set(Some(e.to_string()));
                }
            }
        });
    };
    load(None);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        filters.set(Filters {
            action: action.get_untracked(),
            child: child.get_untracked(),
            from: from.get_untracked(),
            to: to.get_untracked(),
        });
        load(None);
    };
    let older = move |_| {
        if let Some(last) = entries.with_untracked(|l| l.last().map(|e| e.seq)) {
            load(Some(last));
        }
    };
    let rows = move || {
        let names = names();
        let list = entries.get();
        if list.is_empty() {
            return view! { <p data-testid="audit-empty">"Nothing in the log matches these filters."</p> }.into_any();
        }
        view! {
            <ol class="audit-list" data-testid="audit-entries">
                {list.into_iter().map(|e| row(e, &names)).collect_view()}
            </ol>
        }
        .into_any()
    };
    view! {
        <section class="card" aria-labelledby="audit-filter-heading">
            <h2 id="audit-filter-heading">"What happened"</h2>
            <form class="audit-filters" on:submit=on_submit>
                <div class="field">
                    <label for="audit-action">"Kind"</label>
                    <select id="audit-action" bind:value=action>
                        <option value="">"Everything"</option>
                        {Action::ALL.into_iter().map(|a| view! { <option value=a.code()>{a.label()}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="audit-child">"Child"</label>
                    <select id="audit-child" bind:value=child>
                        <option value="">"Any child"</option>
                        {move || children.get().and_then(Result::ok).unwrap_or_default().into_iter()
                            .map(|c| view! { <option value=c.id.to_string()>{format!("{} {}", c.first_name, c.surname)}</option> })
                            .collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="audit-from">"From"</label>
                    <input id="audit-from" type="date" bind:value=from/>
                </div>
                <div class="field">
                    <label for="audit-to">"To"</label>
                    <input id="audit-to" type="date" bind:value=to/>
                </div>
                <button class="button" type="submit">"Show"</button>
            </form>
            <ErrorNotice message=problem/>
            {rows}
            <Show when=move || more.get()>
                <button class="button quiet" on:click=older>"Show older entries"</button>
            </Show>
        </section>
    }
}

fn row(e: AuditEntry, names: &HashMap<Uuid, String>) -> impl IntoView {
    // The tablet's clock is the setting's: England.
    let local = e.at.with_timezone(&chrono::Local);
    let when = format!(
        "{} {}",
        format_uk(local.date_naive()),
        local.format("%H:%M")
    );
    let who = e.actor_name.unwrap_or_else(|| "—".into());
    let child = e.child.map(|c| {
        names
            .get(&c)
            .cloned()
            .unwrap_or_else(|| "a child no longer on the roll".into())
    });
    view! {
        <li class="audit-entry" data-testid="audit-entry" data-action=e.action.code()>
            <span class="audit-when">{when}</span>
            <strong class="audit-what">{e.action.label()}</strong>
            <span class="audit-who">{who}</span>
            {child.map(|c| view! { <span class="audit-child">{c}</span> })}
            {e.detail.map(|d| view! { <span class="audit-detail">{d}</span> })}
        </li>
    }
}

#[component]
fn Retention() -> impl IntoView {
    let days = RwSignal::new(String::new());
    let message = RwSignal::new(None::<String>);
    let problem = RwSignal::new(None::<String>);
    let current = LocalResource::new(|| api::get::<AuditRetention>("/api/audit/retention"));
    Effect::new(move |_| {
        if let Some(Ok(r)) = current.get() {
            days.set(r.days.to_string());
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        message.set(None);
        let typed = days.get_untracked().trim().parse::<u32>().unwrap_or(0);
        if let Err(e) = check_retention(typed) {
            problem.set(Some(format!("Enter a number of days: {e}.")));
            return;
        }
        problem.set(None);
        leptos::task::spawn_local(async move {
            match api::put::<_, AuditRetention>(
                "/api/audit/retention",
                &AuditRetention { days: typed },
            )
            .await
            {
                Ok(saved) => {
                    message.try_set(Some(format!(
                        "Saved. Entries are kept for {} days, then removed; the log still checks as a whole.",
                        saved.days
                    )));
                }
                Err(e) => {
                    problem.try_set(Some(e.to_string()));
                }
            }
        });
    };
    let today = crate::today::today();
    view! {
        <section class="card" aria-labelledby="retention-heading">
            <h2 id="retention-heading">"How long it is kept"</h2>
            <form on:submit=on_submit novalidate>
                <div class="field">
                    <label for="audit-retention">"Keep entries for this many days"</label>
                    <p class="hint">{format!("At least {MIN_RETENTION_DAYS}, so questions about last month can be answered. Today is {}.", format_uk(today))}</p>
                    <input id="audit-retention" type="number" inputmode="numeric" min=MIN_RETENTION_DAYS bind:value=days/>
                </div>
                <ErrorNotice message=problem/>
                <button class="button primary" type="submit">"Save"</button>
                {move || message.get().map(|m| view! { <p class="notice" role="status">{m}</p> })}
            </form>
        </section>
    }
}
