//! Deleting a draft: asked twice, because nothing brings it back. While the question is open the
//! form stops saving, so no save can land after the deletion.

use crate::auth::use_auth;
use crate::autosave::Autosave;
use crate::lock::use_lock;
use crate::store::{observations, tablet};
use burrow_core::observation::Observation;
use chrono::Utc;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

#[component]
pub fn DeleteDraft(
    base: RwSignal<Option<Observation>>,
    autosave: Autosave,
    /// Set while the question is open: the form is read-only and saves nothing.
    deleting: RwSignal<bool>,
) -> impl IntoView {
    let auth = use_auth();
    let lock = use_lock();
    let navigate = use_navigate();
    let failed = RwSignal::new(None::<String>);
    let confirm = move |_| {
        if autosave.busy() {
            failed.set(Some(
                "Still saving what you last typed. Try again in a moment.".into(),
            ));
            return;
        }
        let (Some(obs), Some(keys), Some(me)) = (
            base.get_untracked(),
            lock.keys(),
            auth.session
                .with_untracked(|s| s.as_ref().map(|s| s.staff.id)),
        ) else {
            return;
        };
        let navigate = navigate.clone();
        spawn_local(async move {
            let result = async {
                let store = tablet::open().await?;
                observations::delete(&store, &keys, &obs, me, Utc::now()).await
            }
            .await;
            match result {
                Ok(()) => navigate("/today", Default::default()),
                Err(e) => {
                    failed.try_set(Some(format!(
                        "The draft was not deleted: {e}. It is still here; try again."
                    )));
                }
            }
        });
    };
    view! {
        <div class="delete-draft">
            <Show when=move || deleting.get()
                fallback=move || view! {
                    <button type="button" class="button" on:click=move |_| deleting.set(true)>"Delete this draft"</button>
                }>
                <p role="alert" class="notice">"Delete this draft? Its words and tags go for good; its photos stay on the photo page."</p>
                <button type="button" class="button danger" on:click=confirm.clone()>"Yes, delete it"</button>
                <button type="button" class="button" on:click=move |_| { deleting.set(false); failed.set(None); }>"Keep it"</button>
            </Show>
            {move || failed.get().map(|m| view! { <p class="notice notice-error" role="alert">{m}</p> })}
        </div>
    }
}
