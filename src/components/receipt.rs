//! A record's synced receipt: only on this tablet (changed since the server last took it), on
//! the setting's server, or refused by it with the reason. Read from the outbox and sync's
//! sealed state, again whenever the record is saved or a sync finishes.

use crate::lock::use_lock;
use crate::store::sync_state::{self, Receipt};
use crate::store::tablet;
use crate::sync::use_sync;
use leptos::prelude::*;
use uuid::Uuid;

#[component]
pub fn ReceiptLine(
    /// The record and its version, once it is stored on this tablet.
    #[prop(into)]
    record: Signal<Option<(Uuid, u64)>>,
) -> impl IntoView {
    let sync = use_sync();
    let lock = use_lock();
    let receipt = LocalResource::new(move || {
        let record = record.get();
        sync.phase.track();
        sync.refused.track();
        let keys = lock.keys();
        async move {
            let ((id, _), Some(keys)) = (record?, keys) else {
                return None;
            };
            let store = tablet::open().await.ok()?;
            let outbox = store.outbox(&keys).await.ok()?;
            let state = sync_state::load(&store, &keys).await.ok()?;
            Some(sync_state::receipt(
                id,
                &sync_state::waiting(&outbox),
                &state,
            ))
        }
    });
    move || {
        receipt.get().flatten().map(|r| {
            let (class, text) = match r {
                Receipt::OnlyHere => (
                    "receipt receipt-here",
                    "Only on this tablet so far: it goes to the setting’s server at the next sync."
                        .to_owned(),
                ),
                Receipt::OnServer => (
                    "receipt receipt-server",
                    "Safely on the setting’s server.".to_owned(),
                ),
                Receipt::Refused(why) => (
                    "receipt receipt-refused",
                    format!("The setting’s server refused the latest change: {why}"),
                ),
            };
            view! { <p class=class data-testid="receipt">{text}</p> }
        })
    }
}
