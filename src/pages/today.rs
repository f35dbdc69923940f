//! The key person's day: observations returned to them, drafts to finish, and their key
//! children, those not observed lately first, and what their families sent ("From families").

use crate::auth::use_auth;
use crate::components::child_face::ChildFace;
use crate::components::family_notes::FamilyNotes;
use crate::components::shell::Shell;
use crate::known::known;
use crate::lock::use_lock;
use crate::store::{observations, photos, progress_checks, tablet};
use crate::today::today;
use burrow_core::api::Child;
use burrow_core::dates::format_uk;
use burrow_core::observation::Observation;
use burrow_core::progress::{QUIET_DAYS, is_quiet, last_observed};
use burrow_core::progress_check::{Due, due};
use burrow_core::workflow::Status;
use chrono::NaiveDate;
use leptos::prelude::*;
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Clone)]
struct Day {
    mine: Vec<Observation>,
    /// With the day they were last observed, and where their two-year check stands if it is due.
    key_children: Vec<(Child, Option<NaiveDate>, Option<String>)>,
    /// Unfinished observations with a photo that consent no longer covers, with the reasons.
    affected: HashMap<Uuid, Vec<String>>,
    names: Vec<Child>,
}

fn first_words(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().take(12).collect();
    if words.is_empty() {
        "(Nothing written yet)".into()
    } else if text.split_whitespace().count() > 12 {
        format!("{}…", words.join(" "))
    } else {
        words.join(" ")
    }
}

fn ago(last: Option<NaiveDate>, today: NaiveDate) -> String {
    match last.map(|d| (today - d).num_days()) {
        None => "Not observed yet".into(),
        Some(0) => "Observed today".into(),
        Some(1) => "Last observed yesterday".into(),
        Some(n) => format!("Last observed {n} days ago"),
    }
}

#[component]
pub fn TodayPage() -> impl IntoView {
    let auth = use_auth();
    let lock = use_lock();
    let sync = crate::sync::use_sync();
    let day = LocalResource::new(move || {
        sync.revision.track();
        let keys = lock.keys();
        let me = auth.session.get().map(|s| (s.staff.id, s.staff.name));
        async move {
            let (Some(keys), Some((me, _))) = (keys, me) else {
                return Err("Unlock the tablet to see your day.".to_owned());
            };
            let known = known(Some(keys.clone())).await.map_err(|e| e.to_string())?;
            let children = known.children.clone();
            let store = tablet::open().await.map_err(|e| e.to_string())?;
            let (mine, _) = observations::by_author(&store, &keys, me)
                .await
                .map_err(|e| e.to_string())?;
            // Photos in unfinished observations, checked against today's consent answers.
            let mut affected = HashMap::new();
            for o in mine
                .iter()
                .filter(|o| matches!(o.status, Status::Draft | Status::Returned))
            {
                let mut reasons = Vec::new();
                for photo in &o.photos {
                    if let Ok(Some(record)) = photos::record(&store, &keys, *photo).await {
                        for r in known.withdrawn(&record.children) {
                            if !reasons.contains(&r) {
                                reasons.push(r);
                            }
                        }
                    }
                }
                if !reasons.is_empty() {
                    affected.insert(o.id, reasons);
                }
            }
            let key: Vec<Child> = children
                .iter()
                .filter(|c| c.key_person_id == me)
                .cloned()
                .collect();
            let mut seen = Vec::new();
            for c in &key {
                if let Ok((obs, _)) = observations::of_child(&store, &keys, c.id).await {
                    seen.extend(obs);
                }
            }
            let ids: Vec<Uuid> = key.iter().map(|c| c.id).collect();
            let mut key_children = Vec::new();
            for (id, last) in last_observed(&ids, &seen) {
                let Some(c) = key.iter().find(|c| c.id == id) else {
                    continue;
                };
                let check = match due(c.date_of_birth, today()) {
                    Due::Now { by } => {
                        let written = progress_checks::latest_of_child(&store, &keys, id)
                            .await
                            .ok()
                            .flatten();
                        match written.map(|w| w.status) {
                            None => Some(format!("Two-year check due before {}", format_uk(by))),
                            Some(s @ (Status::Draft | Status::Returned)) => {
                                Some(format!("Two-year check: {}", s.label()))
                            }
                            Some(_) => None,
                        }
                    }
                    _ => None,
                };
                key_children.push((c.clone(), last, check));
            }
            Ok(Day {
                mine,
                key_children,
                names: children,
                affected,
            })
        }
    });
    let greeting = move || {
        auth.session
            .with(|s| {
                s.as_ref().map(|s| {
                    s.staff
                        .name
                        .split_whitespace()
                        .next()
                        .unwrap_or_default()
                        .to_owned()
                })
            })
            .map(|first| format!("{first}’s day"))
            .unwrap_or_else(|| "Today".into())
    };
    let body = move || {
        day.get().map(|r| match r {
            Ok(day) => {
                let today = today();
                let names = day.names.clone();
                let who = move |o: &Observation| {
                    o.children
                        .iter()
                        .filter_map(|id| names.iter().find(|c| c.id == *id).map(|c| c.first_name.clone()))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                let mut returned: Vec<Observation> = day.mine.iter().filter(|o| o.status == Status::Returned).cloned().collect();
                returned.sort_by_key(|o| std::cmp::Reverse(o.updated_at));
                let mut drafts: Vec<Observation> = day.mine.iter().filter(|o| o.status == Status::Draft).cloned().collect();
                drafts.sort_by_key(|o| std::cmp::Reverse(o.updated_at));
                let affected = day.affected.clone();
                let families: Vec<(Uuid, String)> = day
                    .key_children
                    .iter()
                    .map(|(c, _, _)| (c.id, c.first_name.clone()))
                    .collect();
                let item = {
                    let who = who.clone();
                    move |o: Observation| {
                        let comment = o.return_comment().map(str::to_owned);
                        let consent = affected.get(&o.id).map(|reasons| {
                            format!(
                                "Consent has changed since a photo in this observation was taken: {}. Open it and remove the photo.",
                                reasons.join(". ")
                            )
                        });
                        view! {
                            <li>
                                <a href=format!("/observations/{}", o.id)>{first_words(&o.text)}</a>
                                <span class="muted">{format!(" · {}", who(&o))}</span>
                                {comment.map(|c| view! { <p class="mark">{format!("Comment: {c}")}</p> })}
                                {consent.map(|c| view! { <p class="mark" data-testid="consent-changed">{c}</p> })}
                            </li>
                        }
                    }
                };
                view! {
                    <section class="card" data-testid="returned">
                        <h2>"Returned to you"</h2>
                        {if returned.is_empty() {
                            view! { <p class="muted">"Nothing has been returned to you."</p> }.into_any()
                        } else {
                            view! { <ul class="plain">{returned.into_iter().map(item.clone()).collect_view()}</ul> }.into_any()
                        }}
                    </section>
                    <section class="card" data-testid="drafts">
                        <h2>"Drafts to finish"</h2>
                        {if drafts.is_empty() {
                            view! { <p class="muted">"No drafts on this tablet."</p> }.into_any()
                        } else {
                            view! { <ul class="plain">{drafts.into_iter().map(item).collect_view()}</ul> }.into_any()
                        }}
                    </section>
                    <section class="card" data-testid="key-children">
                        <h2>"Your key children"</h2>
                        {if day.key_children.is_empty() {
                            view! { <p class="muted">"You are not anyone’s key person yet. Your manager chooses key persons when registering a child."</p> }.into_any()
                        } else {
                            view! {
                                <ul class="plain">
                                    {day.key_children.into_iter().map(|(c, last, check)| {
                                        let check_link = check.as_ref().map(|_| format!("/children/{}/progress-check", c.id));
                                        let quiet = is_quiet(last, today, QUIET_DAYS);
                                        view! {
                                            <li class:quiet=quiet>
                                                <strong class="with-face"><ChildFace child=c.clone()/>{format!("{} {}", c.first_name, c.surname)}</strong>
                                                <span class="muted">{format!(" · {}", ago(last, today))}</span>
                                                {quiet.then(|| view! { <span class="badge">"Due an observation"</span> })}
                                                {burrow_core::leaving::badge(c.leaving_date, today).map(|t| view! { <span class="badge" data-testid="leaving">{t}</span> })}
                                                {check.map(|t| view! { <span class="badge" data-testid="check-due">{t}</span> })}
                                                <p class="links">
                                                    <a href=format!("/observe?children={}", c.id)>"New observation"</a>
                                                    <a href=format!("/children/{}/journal", c.id)>"Journal"</a>
                                                    {check_link.map(|l| view! { <a href=l>"Two-year check"</a> })}
                                                </p>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                    </section>
                    <FamilyNotes children=families/>
                }.into_any()
            }
            Err(e) => view! { <p class="notice notice-error" role="alert">{e}</p> }.into_any(),
        })
    };
    view! {
        <Shell>
            <div class="page-head">
                <h1>{greeting}</h1>
                <a class="button primary" href="/observe">"New observation"</a>
            </div>
            <Transition fallback=|| view! { <p class="loading">"Loading your day…"</p> }>{body}</Transition>
        </Shell>
    }
}
