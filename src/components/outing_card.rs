//! Getting a tablet ready for an outing, and back (issue 16): it syncs, goes only when
//! everything made on it is on the setting's server (core's `outing::ready`, which says what is
//! not), tells the server how many children go (never which), then keeps only the children
//! going, by first name, with their answers for the camera.

use crate::api::ApiError;
use crate::auth::use_auth;
use crate::enrolment::{self, Signer};
use crate::lock::use_lock;
use crate::pages::children::load as load_children;
use crate::store::{outing, sync_state, tablet};
use crate::sync::use_sync;
use burrow_core::api::SettingOptions;
use burrow_core::outing::{OutingReport, ready};
use chrono::Local;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::BTreeSet;
use uuid::Uuid;

#[component]
pub fn OutingCard() -> impl IntoView {
    let lock = use_lock();
    let auth = use_auth();
    let sync = use_sync();
    let changed = RwSignal::new(0u32);
    let current = LocalResource::new(move || {
        changed.track();
        async move {
            let store = tablet::open().await.ok()?;
            outing::current(&store).await.ok().flatten()
        }
    });
    let children = LocalResource::new(move || load_children(lock));
    let going = RwSignal::new(BTreeSet::<Uuid>::new());
    let said = RwSignal::new(None::<Result<String, String>>);
    let busy = RwSignal::new(false);

    let get_ready = move |_| {
        let Some(keys) = lock.keys() else {
            return;
        };
        said.set(None);
        busy.set(true);
        let chosen: Vec<Uuid> = going.get_untracked().into_iter().collect();
        spawn_local(async move {
            let outcome = async {
                // Everything made here goes to the server first.
                sync.start(lock, auth);
                while sync.started.get_untracked() != sync.finished.get_untracked() {
                    crate::pause::pause(200).await;
                }
                let store = tablet::open()
                    .await
                    .map_err(|e| e.to_string())?;
                let waiting = sync_state::waiting(
                    &store
                        .outbox(&keys)
                        .await
                        .map_err(|e| e.to_string())?,
                )
                .len();
                let refused = sync.refused.get_untracked().len();
                if let Err(why) = ready(waiting, refused, chosen.len()) {
                    return Err(why.to_string());
                }
                let enrolment = enrolment::current(&keys)
                    .await
                    .map_err(|e| e.to_string())?
                    .ok_or_else(|| {
                        "This tablet is not enrolled with the setting’s server, so it cannot go on an outing yet.".to_owned()
                    })?;
                let signer = Signer::new(&enrolment).await.map_err(|e| e.to_string())?;
                let body = serde_json::to_vec(&OutingReport {
                    out: true,
                    children: chosen.len() as u32,
                })
                .map_err(|_| ApiError::BadAnswer.to_string())?;
                let answer = signer
                    .send("POST", "/api/sync/outing", &body, "application/json")
                    .await
                    .map_err(|e| e.to_string())?;
                if !answer.ok() {
                    crate::api::read::<serde_json::Value>(answer)
                        .await
                        .map_err(|e| e.to_string())?;
                }
                // The setting's switch (on unless a manager turned it off).
                let clears = crate::api::get::<SettingOptions>("/api/setting/options")
                    .await
                    .map_or(true, |o| o.outing_clears_tablet);
                let now = chrono::Utc::now();
                if clears {
                    outing::begin(&store, &keys, &chosen, now)
                        .await
                        .map_err(|e| e.to_string())?;
                } else {
                    outing::begin_keeping_all(&store, chosen.len() as u32, now)
                        .await
                        .map_err(|e| e.to_string())?;
                }
                Ok::<_, String>(clears)
            }
            .await;
            busy.set(false);
            match outcome {
                Ok(clears) => {
                    let kept = if clears {
                        "This tablet now carries only the children going, by first name, and their answers for the camera."
                    } else {
                        "The setting keeps everything on its tablets during outings, so this one still holds it all, sealed."
                    };
                    said.set(Some(Ok(format!("Ready for the outing. {kept} Photos taken while out stay sealed here until it is back on the setting’s Wi-Fi."))));
                    sync.revision.update(|r| *r += 1);
                    changed.update(|n| *n += 1);
                }
                Err(why) => said.set(Some(Err(why))),
            }
        });
    };

    let back = move |_| {
        spawn_local(async move {
            if let Ok(store) = tablet::open().await {
                let _ = outing::left(&store).await;
            }
            sync.start(lock, auth);
            while sync.started.get_untracked() != sync.finished.get_untracked() {
                crate::pause::pause(200).await;
            }
            changed.update(|n| *n += 1);
            sync.revision.update(|r| *r += 1);
        });
    };

    let choose = move || {
        children.get().map(|result| match result {
            Ok(shown) => shown
                .children
                .into_iter()
                .map(|c| {
                    let id = c.id;
                    let label = format!("{} {}", c.first_name, c.surname);
                    view! {
                        <li>
                            <label class="choice">
                                <input type="checkbox" on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    going.update(|g| {
                                        if on {
                                            g.insert(id);
                                        } else {
                                            g.remove(&id);
                                        }
                                    });
                                }/>
                                {label}
                            </label>
                        </li>
                    }
                })
                .collect_view()
                .into_any(),
            Err(e) => view! { <li class="notice notice-error">{e.to_string()}</li> }.into_any(),
        })
    };

    view! {
        <section class="card" aria-labelledby="outing-heading" data-testid="outing">
            <h2 id="outing-heading">"Outings"</h2>
            {move || match current.get().flatten() {
                Some(out) => {
                    let since = out.since.with_timezone(&Local).format("%H:%M on %d/%m/%Y").to_string();
                    let with = if out.children == 1 { "1 child".to_owned() } else { format!("{} children", out.children) };
                    view! {
                        <p data-testid="outing-state">{format!("On an outing since {since}, with {with}. Photos taken now stay sealed on this tablet and go to the setting’s server when it is back on the Wi-Fi.")}</p>
                        <button class="button" type="button" on:click=back>"Back from the outing"</button>
                    }.into_any()
                }
                None => view! {
                    <p>"Before an outing, this tablet syncs and then keeps only the children going, by first name, and their answers for the camera; everything else stays on the setting’s server until it is back."</p>
                    <fieldset>
                        <legend>"Who is going?"</legend>
                        <ul class="plain-list">{choose}</ul>
                    </fieldset>
                    <button class="button primary" type="button" on:click=get_ready disabled=move || busy.get()>"Get ready for an outing"</button>
                }.into_any(),
            }}
            {move || said.get().map(|r| match r {
                Ok(m) => view! { <p class="notice" role="status" data-testid="outing-said">{m}</p> }.into_any(),
                Err(m) => view! { <p class="notice notice-error" role="alert" data-testid="outing-said">{m}</p> }.into_any(),
            })}
        </section>
    }
}
