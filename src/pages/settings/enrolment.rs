//! This tablet's enrolment, for whoever holds it: ask to enrol, the code to show the manager,
//! and, once approved, the name the manager gave it. Each check first has the server prove
//! it is the setting's server.

use crate::api::ApiError;
use crate::auth::use_auth;
use crate::enrolment::{self, Enrolment};
use crate::lock::use_lock;
use burrow_core::device::DeviceStatus;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Where this tablet stands, in words.
#[derive(Clone)]
enum Standing {
    NotAsked,
    Waiting(Enrolment),
    Enrolled(String),
    Removed,
}

#[component]
pub fn TabletEnrolment(
    /// Moved when this tablet asks to enrol, so a manager's list of tablets shows it at once.
    tablets_changed: RwSignal<u32>,
) -> impl IntoView {
    let lock = use_lock();
    let auth = use_auth();
    let sync = crate::sync::use_sync();
    let standing = RwSignal::new(None::<Standing>);
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    // Asks the server where this tablet stands (after the server proves itself).
    let check = move |enrolment: Enrolment| {
        spawn_local(async move {
            match enrolment::hello(&enrolment).await {
                Ok(device) => {
                    standing.try_set(Some(match device.status {
                        DeviceStatus::Enrolled => {
                            // Approved: sync can start now rather than at the next minute.
                            sync.start(lock, auth);
                            Standing::Enrolled(device.name.unwrap_or_default())
                        }
                        DeviceStatus::Pending => Standing::Waiting(enrolment),
                        DeviceStatus::Revoked => Standing::Removed,
                    }));
                    problem.try_set(None);
                }
                Err(ApiError::Refused { status: 403, .. }) => {
                    standing.try_set(Some(Standing::Waiting(enrolment)));
                    problem.try_set(None);
                }
                Err(ApiError::Refused { status: 410, .. }) => {
                    standing.try_set(Some(Standing::Removed));
                    if let Err(e) = enrolment::wipe(auth).await {
                        problem.try_set(Some(e));
                    }
                }
                Err(e) => {
                    standing.try_set(Some(Standing::Waiting(enrolment)));
                    problem.try_set(Some(e.to_string()));
                }
            }
            busy.try_set(false);
        });
    };

    Effect::new(move |_| {
        let Some(keys) = lock.keys() else { return };
        spawn_local(async move {
            match enrolment::current(&keys).await {
                Ok(Some(e)) => check(e),
                Ok(None) => standing.set(Some(Standing::NotAsked)),
                Err(e) => problem.set(Some(e.to_string())),
            }
        });
    });

    let ask = move |_| {
        let Some(keys) = lock.keys() else { return };
        busy.set(true);
        problem.set(None);
        spawn_local(async move {
            match enrolment::ask(&keys).await {
                Ok(e) => {
                    standing.try_set(Some(Standing::Waiting(e)));
                    tablets_changed.try_update(|n| *n += 1);
                }
                Err(e) => {
                    problem.try_set(Some(e.to_string()));
                }
            }
            busy.try_set(false);
        });
    };
    let again = move |_| {
        if let Some(Standing::Waiting(e)) = standing.get_untracked() {
            busy.set(true);
            check(e);
        }
    };

    view! {
        <section class="card" data-testid="enrolment">
            <h2>"Syncing with the setting’s server"</h2>
            {move || standing.get().map(|s| match s {
                Standing::NotAsked => view! {
                    <p>"This tablet is not enrolled yet: it keeps everything here, encrypted, and cannot sync. A manager approves each tablet once."</p>
                    <button type="button" class="button primary" disabled=busy on:click=ask>"Enrol this tablet"</button>
                }.into_any(),
                Standing::Waiting(e) => view! {
                    <p>"Waiting for a manager to approve this tablet. Show them this code; they type it under Settings, Tablets."</p>
                    <p class="code" data-testid="enrol-code">{e.code}</p>
                    <button type="button" class="button" disabled=busy on:click=again>"Check again"</button>
                }.into_any(),
                Standing::Enrolled(name) => view! {
                    <p role="status">{format!("Enrolled as “{name}”. The setting’s server proved its identity.")}</p>
                }.into_any(),
                Standing::Removed => view! {
                    <p class="notice notice-error" role="alert">"A manager removed this tablet. Burrow is wiping it."</p>
                }.into_any(),
            })}
            {move || problem.get().map(|m| view! { <p class="notice notice-error" role="alert">{m}</p> })}
        </section>
    }
}
