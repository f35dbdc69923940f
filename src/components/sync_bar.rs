//! The sync line under the top bar: on or off premises, syncing with its progress, when the
//! tablet last synced, and how many changes the server refused (with a way to see why). It
//! also starts sync: on unlock, when the network comes back, every minute, and on demand.

use crate::auth::use_auth;
use crate::lock::use_lock;
use crate::sync::{AUTO_EVERY, Phase, Sync, use_sync};
use leptos::prelude::*;
use leptos_router::components::A;

fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

/// One sentence for where sync stands.
pub fn describe(sync: Sync) -> String {
    let waiting = sync.waiting.get();
    let last = sync
        .last_synced
        .get()
        .map(|t| t.with_timezone(&chrono::Local).format("%H:%M").to_string());
    match sync.phase.get() {
        Phase::Waiting => "Not synced yet since unlocking.".into(),
        Phase::Syncing(p) => {
            let mut s = format!("Syncing: {} of {} changes", p.items_done, p.items);
            if p.bytes > 0 {
                s.push_str(&format!(
                    ", {} of {} of photos",
                    megabytes(p.bytes_done),
                    megabytes(p.bytes)
                ));
            }
            s.push('…');
            s
        }
        Phase::Done if waiting > 0 => format!(
            "{waiting} change{} still waiting for the server.",
            if waiting == 1 { "" } else { "s" }
        ),
        Phase::Done => match last {
            Some(t) => {
                format!("On the premises. Everything is on the setting’s server (synced at {t}).")
            }
            None => "On the premises. Everything is on the setting’s server.".into(),
        },
        Phase::OffPremises => {
            let mut s = "Off premises: changes stay safely on this tablet until it is back on the setting’s Wi-Fi.".to_owned();
            if let Some(t) = last {
                s.push_str(&format!(" Last synced at {t}."));
            }
            s
        }
        Phase::Blocked(why) => why,
        Phase::Failed(why) => format!("Sync stopped: {why} It will try again in a minute."),
    }
}

#[component]
pub fn SyncBar() -> impl IntoView {
    let sync = use_sync();
    let lock = use_lock();
    let auth = use_auth();
    // On unlock (the frame appears), not again at every page turn.
    sync.start_if_due(lock, auth);
    let online = window_event_listener(leptos::ev::online, move |_| sync.start(lock, auth));
    let every = set_interval_with_handle(move || sync.start_if_due(lock, auth), AUTO_EVERY).ok();
    on_cleanup(move || {
        online.remove();
        if let Some(h) = every {
            h.clear();
        }
    });
    let syncing = move || sync.running();
    let progress = move || match sync.phase.get() {
        Phase::Syncing(p) => {
            // Items and bytes together, so a big photo moves the bar too.
            let total = p.items as f64 + p.bytes as f64 / 100_000.0;
            let done = p.items_done as f64 + p.bytes_done as f64 / 100_000.0;
            Some(
                view! { <progress max=total.max(1.0) value=done aria-label="Sync progress"></progress> },
            )
        }
        _ => None,
    };
    let refused = move || sync.refused.with(Vec::len);
    view! {
        <div class="sync-bar" data-testid="sync-status" aria-live="polite"
            data-run=move || sync.started.get() data-done=move || sync.finished.get()>
            <span class="sync-text">{move || describe(sync)}</span>
            {progress}
            <Show when=move || { refused() > 0 }>
                <A href="/sync" attr:class="sync-refused" attr:data-testid="sync-refused-link">
                    {move || {
                        let n = refused();
                        format!("{n} change{} refused: see why", if n == 1 { "" } else { "s" })
                    }}
                </A>
            </Show>
            <button class="button quiet" disabled=syncing on:click=move |_| sync.start(lock, auth)>
                "Sync now"
            </button>
        </div>
    }
}
