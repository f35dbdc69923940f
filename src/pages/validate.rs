//! The validation queue (issue 7 part 1): managers and deputies see every submitted observation
//! on this tablet, oldest first, with its photos, tags and key person, and validate it or
//! return it with a comment. Each decision goes through core's workflow here and is checked
//! again by the server when it syncs; the key person sees a return on their day.

use crate::auth::use_auth;
use crate::components::shell::Shell;
use crate::known::known;
use crate::lock::use_lock;
use crate::store::{observations, photos, tablet};
use burrow_core::eyfs;
use burrow_core::high_risk::check_sign_off;
use burrow_core::observation::{Observation, Step};
use burrow_core::workflow::{self, Action, Actor, Status, Subject};
use chrono::{Local, Utc};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// When it was submitted (its last submit step), else when it last changed.
fn submitted_at(o: &Observation) -> chrono::DateTime<Utc> {
    o.steps
        .iter()
        .rev()
        .find(|s| s.action == Action::Submit)
        .map_or(o.updated_at, |s| s.at)
}

#[derive(Clone)]
struct Queue {
    waiting: Vec<Observation>,
    /// Submitted here but not yet on the server: validated only once the server has the
    /// submission, so the server can check each step (the tablet sends only the latest).
    unsynced: HashSet<Uuid>,
    /// Children a manager flagged high-risk: their photos need a second manager's sign-off.
    high_risk: HashSet<Uuid>,
    children: HashMap<Uuid, String>,
    staff: HashMap<Uuid, String>,
}

async fn load(keys: std::rc::Rc<crate::store::keys::Keys>) -> Result<Queue, String> {
    let known = known(Some(keys.clone())).await.map_err(|e| e.to_string())?;
    let store = tablet::open().await.map_err(|e| e.to_string())?;
    let mut waiting: Vec<Observation> = Vec::new();
    for c in &known.children {
        let (obs, _) = observations::of_child(&store, &keys, c.id)
            .await
            .map_err(|e| e.to_string())?;
        for o in obs {
            if o.status == Status::Submitted && !waiting.iter().any(|w| w.id == o.id) {
                waiting.push(o);
            }
        }
    }
    waiting.sort_by_key(submitted_at);
    let outbox = store.outbox(&keys).await.map_err(|e| e.to_string())?;
    let unsynced = crate::store::sync_state::waiting(&outbox);
    // Names of key persons: the server's staff list when it is reachable, else who can
    // unlock this tablet.
    let staff = match crate::api::get::<Vec<burrow_core::api::StaffMember>>("/api/staff").await {
        Ok(list) => list.into_iter().map(|s| (s.id, s.name)).collect(),
        Err(_) => tablet::people(&store)
            .await
            .map(|p| p.into_iter().map(|p| (p.id, p.name)).collect())
            .unwrap_or_default(),
    };
    let children = known
        .children
        .iter()
        .map(|c| (c.id, format!("{} {}", c.first_name, c.surname)))
        .collect();
    let high_risk = known
        .children
        .iter()
        .filter(|c| c.high_risk)
        .map(|c| c.id)
        .collect();
    Ok(Queue {
        waiting,
        unsynced,
        high_risk,
        children,
        staff,
    })
}

#[component]
pub fn ValidatePage() -> impl IntoView {
    let auth = use_auth();
    let lock = use_lock();
    let sync = crate::sync::use_sync();
    let reload = RwSignal::new(0u32);
    let done = RwSignal::new(None::<String>);
    let queue = LocalResource::new(move || {
        reload.track();
        sync.revision.track();
        let keys = lock.keys();
        async move {
            match keys {
                Some(keys) => load(keys).await,
                None => Err("Unlock the tablet to see the observations waiting.".into()),
            }
        }
    });
    let list = move || {
        queue.get().map(|r| match r {
            Ok(q) if q.waiting.is_empty() => view! {
                <p class="card" data-testid="queue-empty">"Nothing is waiting for validation on this tablet. New submissions arrive when it syncs."</p>
            }.into_any(),
            Ok(q) => {
                let n = q.waiting.len();
                view! {
                    <p data-testid="queue-count">{if n == 1 { "1 observation is waiting, oldest first.".to_owned() } else { format!("{n} observations are waiting, oldest first.") }}</p>
                    <ul class="cards" data-testid="queue">
                        {q.waiting.into_iter().map(|o| view! { <QueueItem unsynced=q.unsynced.contains(&o.id) high_risk=q.high_risk.clone() obs=o children=q.children.clone() staff=q.staff.clone() reload=reload done=done/> }).collect_view()}
                    </ul>
                }.into_any()
            }
            Err(e) => view! { <p class="notice notice-error" role="alert">{e}</p> }.into_any(),
        })
    };
    view! {
        <Shell>
            <div class="page-head"><h1>"Validation"</h1></div>
            <Show when=move || auth.may_manage()
                fallback=|| view! { <p class="notice">"Only a manager or deputy validates observations. Your submitted observations wait for them."</p> }>
                {move || done.get().map(|m| view! { <p class="notice" role="status" data-testid="queue-done">{m}</p> })}
                <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>{list}</Transition>
            </Show>
        </Shell>
    }
}

fn sign_off(photo: Uuid, signed: RwSignal<Option<Result<String, String>>>) {
    spawn_local(async move {
        let url = format!("/api/photo-records/{photo}/sign-off");
        let result = crate::api::post_done(&url, &serde_json::json!({})).await;
        signed.try_set(Some(match result {
            Ok(()) => Ok(
                "Signed off: families may see this photo once the observation is shared.".into(),
            ),
            Err(e) => Err(e.to_string()),
        }));
    });
}

#[component]
fn QueueItem(
    obs: Observation,
    unsynced: bool,
    high_risk: HashSet<Uuid>,
    children: HashMap<Uuid, String>,
    staff: HashMap<Uuid, String>,
    reload: RwSignal<u32>,
    done: RwSignal<Option<String>>,
) -> impl IntoView {
    let auth = use_auth();
    let lock = use_lock();
    let returning = RwSignal::new(false);
    let comment = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let thumbs = RwSignal::new(Vec::<String>::new());
    // Photos of a high-risk child, for a second manager to sign off (not the one who took it).
    let to_sign = RwSignal::new(Vec::<(Uuid, Option<String>)>::new());
    let signed = RwSignal::new(None::<Result<String, String>>);
    let id = obs.id;
    let author = staff
        .get(&obs.author)
        .cloned()
        .unwrap_or_else(|| "a former member of staff".into());
    let who = obs
        .children
        .iter()
        .map(|c| {
            children
                .get(c)
                .cloned()
                .unwrap_or_else(|| "a child no longer on the roll".into())
        })
        .collect::<Vec<_>>()
        .join(", ");
    let catalogue = eyfs::current();
    let tags: Vec<String> = obs
        .tags
        .aspects
        .iter()
        .filter_map(|code| catalogue.aspect(code).map(|(_, a)| a.name.to_owned()))
        .collect();
    let when = obs
        .observed_at
        .with_timezone(&Local)
        .format("%a %-d %b %Y, %H:%M")
        .to_string();
    // Thumbnails decrypted for this card only, released when it goes.
    if let Some(keys) = lock.keys() {
        let ids = obs.photos.clone();
        spawn_local(async move {
            let Ok(store) = tablet::open().await else {
                return;
            };
            let mut urls = Vec::new();
            let mut flagged = Vec::new();
            let me = auth.workflow_actor().and_then(|(actor, ..)| match actor {
                Actor::Staff { id, role } => Some((id, role)),
                Actor::Parent { .. } => None,
            });
            for photo in ids {
                let Ok(Some(record)) = photos::record(&store, &keys, photo).await else {
                    continue;
                };
                if record.children.iter().any(|c| high_risk.contains(c)) {
                    // Core says who may sign off; someone it refuses sees why instead.
                    let why_not = match me {
                        Some(me) => check_sign_off(me, record.taken_by)
                            .err()
                            .map(|e| e.to_string()),
                        None => Some("Unlock the tablet first.".to_owned()),
                    };
                    flagged.push((record.id, why_not));
                }
                if let Ok(bytes) = photos::bytes(&store, &keys, record.thumb_id).await
                    && let Some(url) = crate::blob_url::jpeg(&bytes)
                {
                    urls.push(url);
                }
            }
            to_sign.try_set(flagged);
            if thumbs.try_set(urls.clone()).is_some() {
                for url in urls {
                    let _ = web_sys::Url::revoke_object_url(&url);
                }
            }
        });
    }
    on_cleanup(move || {
        for url in thumbs.get_untracked() {
            let _ = web_sys::Url::revoke_object_url(&url);
        }
    });

    let author_name = StoredValue::new(author.clone());
    let decide = move |action: Action| {
        let note = comment.get_untracked().trim().to_owned();
        if action == Action::Return && note.is_empty() {
            problem.set(Some(
                "Write what the key person should change, so they know what to do next.".into(),
            ));
            return;
        }
        let (Some(keys), Some((actor, my_id, setting))) = (lock.keys(), auth.workflow_actor())
        else {
            problem.set(Some("Unlock the tablet first.".into()));
            return;
        };
        let author = author_name.get_value();
        spawn_local(async move {
            let result = async {
                let store = tablet::open().await.map_err(|e| e.to_string())?;
                // Read again: another tablet's decision may have arrived meanwhile.
                let mut o = observations::get(&store, &keys, id)
                    .await
                    .map_err(|e| e.to_string())?
                    .ok_or("This observation is no longer on this tablet.")?;
                let subject = Subject {
                    status: o.status,
                    author: o.author,
                    from_home: o.from_home,
                };
                let status = workflow::next(subject, actor, action, setting)
                    .map_err(|e| e.to_string())?
                    .ok_or("This observation cannot be changed any more.")?;
                o.status = status;
                o.steps.push(Step {
                    action,
                    by: my_id,
                    at: Utc::now(),
                    comment: (action == Action::Return).then_some(note),
                });
                o.version += 1;
                o.updated_at = Utc::now();
                observations::save(&store, &keys, &o)
                    .await
                    .map_err(|e| e.to_string())?;
                Ok::<_, String>(())
            }
            .await;
            match result {
                Ok(()) => {
                    done.try_set(Some(if action == Action::Validate {
                        "Validated. It reaches the journal families see when this tablet next syncs.".to_owned()
                    } else {
                        format!("Returned to {author} with your comment. They will see it on their day after the next sync.")
                    }));
                    reload.try_update(|n| *n += 1);
                }
                Err(e) => {
                    problem.try_set(Some(e));
                }
            }
        });
    };
    view! {
        <li class="card queue-item" data-testid="queue-item">
            <p class="entry-meta"><span>{when}</span><span>{format!(" · by {author}")}</span></p>
            <h2>{who}</h2>
            <p class="entry-text">{obs.text.clone()}</p>
            {(!obs.next_steps.trim().is_empty()).then(|| view! { <p><strong>"Next steps: "</strong>{obs.next_steps.clone()}</p> })}
            {(!tags.is_empty()).then(|| view! { <p class="entry-tags">{tags.join(" · ")}</p> })}
            <div class="queue-photos">
                {move || thumbs.get().into_iter().map(|url| view! { <img src=url alt="Photo in this observation" width="96" height="96"/> }).collect_view()}
            </div>
            {move || to_sign.get().into_iter().map(|(photo, why_not)| view! {
                <div class="notice" data-testid="needs-sign-off">
                    <p>"A child in this photo is flagged high-risk: no family sees it until a second manager signs it off."</p>
                    {match why_not {
                        Some(why) => view! { <p class="muted">{why}</p> }.into_any(),
                        None => view! { <button class="button" on:click=move |_| sign_off(photo, signed)>"Sign off this photo"</button> }.into_any(),
                    }}
                </div>
            }).collect_view()}
            {move || signed.get().map(|r| match r {
                Ok(m) => view! { <p class="notice" role="status">{m}</p> }.into_any(),
                Err(m) => view! { <p class="notice notice-error" role="alert">{m}</p> }.into_any(),
            })}
            <Show when=move || !unsynced fallback=|| view! {
                <p class="notice" data-testid="queue-unsynced">"This submission has not reached the setting’s server yet. Sync this tablet, then validate or return it."</p>
            }>
            <Show when=move || returning.get()
                fallback=move || view! {
                    <div class="actions">
                        <button class="button primary" on:click=move |_| decide(Action::Validate)>"Validate"</button>
                        <button class="button" on:click=move |_| returning.set(true)>"Return with a comment"</button>
                    </div>
                }>
                <div class="field">
                    <label for=format!("return-{id}")>"What should the key person change?"</label>
                    <textarea autocomplete="off" id=format!("return-{id}") rows="3" bind:value=comment></textarea>
                </div>
                <div class="actions">
                    <button class="button primary" on:click=move |_| decide(Action::Return)>"Return it"</button>
                    <button class="button quiet" on:click=move |_| returning.set(false)>"Cancel"</button>
                </div>
            </Show>
            </Show>
            {move || problem.get().map(|p| view! { <p class="notice notice-error" role="alert">{p}</p> })}
        </li>
    }
}
