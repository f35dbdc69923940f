//! One photo held sealed on the phone, decrypted into a memory-only object URL while it is on
//! screen and released when it leaves (locking unmounts it).

use crate::lock::use_lock;
use crate::store::tablet;
use leptos::prelude::*;
use uuid::Uuid;

#[component]
pub fn SealedPhoto(id: Uuid, #[prop(into)] alt: String) -> impl IntoView {
    let lock = use_lock();
    let url = LocalResource::new(move || {
        let keys = lock.keys();
        async move {
            let keys = keys?;
            let store = tablet::open().await.ok()?;
            let bytes = store.get_photo(&keys, id).await.ok()??;
            crate::blob_url::jpeg(&bytes)
        }
    });
    on_cleanup(move || {
        if let Some(Some(u)) = url.get_untracked() {
            let _ = web_sys::Url::revoke_object_url(&u);
        }
    });
    move || {
        url.get().flatten().map(|src| {
            view! { <img class="family-photo" src=src alt=alt.clone()/> }
        })
    }
}
