//! The sync screen: where sync stands, what is still only on this tablet, and every change the
//! server refused with its reason and what to do. A refusal stays until a later change to the
//! same record is kept or the person says they have seen it.

use crate::auth::use_auth;
use crate::components::shell::Shell;
use crate::components::sync_bar::describe;
use crate::lock::use_lock;
use crate::store::db::StoreError;
use crate::store::sync_state::RefusedChange;
use crate::store::{holdings, purge, tablet};
use crate::sync::{Phase, use_sync};
use burrow_core::dates::format_uk;
use burrow_core::retention::PhotoWindow;
use burrow_core::sync::RecordKind;
use leptos::prelude::*;
use leptos_router::components::A;

fn what_to_do(r: &RefusedChange) -> &'static str {
    match RecordKind::parse(&r.kind) {
        Some(RecordKind::Observation | RecordKind::ProgressCheck) => {
            "Open it to see the server’s version, make the change again if it is still needed, or ask your manager."
        }
        Some(RecordKind::Photo) => {
            "The photo stays on this tablet only. Check the child’s consent with your manager before using it."
        }
        _ => "Tell your manager.",
    }
}

#[component]
pub fn SyncPage() -> impl IntoView {
    let sync = use_sync();
    let holdings_lock = use_lock();
    // Read again after every run that changed what the tablet holds.
    let holdings = LocalResource::new(move || {
        sync.revision.track();
        sync.finished.track();
        let keys = holdings_lock.keys();
        async move {
            let keys = keys.ok_or(StoreError::Failed("locked".into()))?;
            let store = tablet::open().await?;
            let window: Option<PhotoWindow> = store.meta(purge::WINDOW_KEY).await?;
            Ok::<_, StoreError>((holdings::of(&store, &keys).await?, window))
        }
    });
    let lock = use_lock();
    let auth = use_auth();
    if let Some(keys) = lock.keys() {
        sync.refresh(keys);
    }
    let syncing = move || matches!(sync.phase.get(), Phase::Syncing(_));
    view! {
        <Shell>
        <div class="page-head"><h1>"Sync"</h1></div>
        <section class="card">
            <p data-testid="sync-page-status">{move || describe(sync)}</p>
            <p data-testid="sync-waiting">{move || match sync.waiting.get() {
                0 => "Nothing on this tablet is waiting for the server.".to_owned(),
                1 => "1 change on this tablet is waiting for the server.".to_owned(),
                n => format!("{n} changes on this tablet are waiting for the server."),
            }}</p>
            <button class="button" disabled=syncing on:click=move |_| sync.start(lock, auth)>"Sync now"</button>
        </section>
        <section class="card" data-testid="tablet-holdings">
            <h2>"What this tablet holds"</h2>
            {move || holdings.get().map(|h| match h {
                Ok((h, window)) => {
                    let window = window
                        .and_then(|w| w.keep_from)
                        .map(|day| format!(
                            "Photos taken before {} leave this tablet once the setting’s server holds them; the journal shows them from the server on its Wi-Fi.",
                            format_uk(day)
                        ))
                        .unwrap_or_else(|| "No photo leaves this tablet until the setting’s photo window says so.".into());
                    view! {
                        <p data-testid="holdings">{burrow_core::holdings::describe(&h)}</p>
                        <p class="hint">{window}</p>
                    }
                    .into_any()
                }
                Err(e) => view! { <p class="notice notice-error" role="alert">{e.to_string()}</p> }.into_any(),
            })}
        </section>
        <crate::components::outing_card::OutingCard/>
        <section class="card">
            <h2>"Refused by the server"</h2>
            {move || {
                let refused = sync.refused.get();
                if refused.is_empty() {
                    return view! { <p>"Nothing has been refused."</p> }.into_any();
                }
                view! {
                    <ul class="refused-list">
                        {refused.into_iter().rev().map(|r| {
                            let label = RecordKind::parse(&r.kind).map_or("Record", RecordKind::label);
                            let link = matches!(RecordKind::parse(&r.kind), Some(RecordKind::Observation))
                                .then(|| view! { <A href=format!("/observations/{}", r.record_id)>"Open it"</A> });
                            let (id, version) = (r.record_id, r.version);
                            view! {
                                <li class="refused" data-testid="refused-change">
                                    <p><strong>{label}</strong>{format!(" — refused on {}: ", format_uk(r.at.date_naive()))}
                                        <span data-testid="refused-reason">{r.reason.clone()}</span></p>
                                    <p class="hint">{what_to_do(&r)}</p>
                                    <p class="actions">
                                        {link}
                                        <button class="button quiet" on:click=move |_| {
                                            if let Some(keys) = lock.keys() {
                                                sync.dismiss(keys, id, version);
                                            }
                                        }>"I have seen this"</button>
                                    </p>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        </Shell>
    }
}
