//! A photo's thumbnail from its record: the tablet's own sealed copy, or (once purged, or taken
//! on another tablet) the server's on the premises, through the screen's one handshake the
//! shell provides; decrypted into a memory-only object URL, let go when it leaves the screen.

use crate::lock::use_lock;
use crate::picture::{self, FromServer, ON_SERVER, Picture};
use crate::store::tablet;
use burrow_core::photo::PhotoRecord;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn PhotoThumb(record: PhotoRecord, alt: String) -> impl IntoView {
    let lock = use_lock();
    let shown = RwSignal::new(None::<Picture>);
    let server = use_context::<StoredValue<FromServer, LocalStorage>>()
        .and_then(|s| s.try_get_value())
        .unwrap_or_default();
    if let Some(keys) = lock.keys() {
        spawn_local(async move {
            let Ok(store) = tablet::open().await else {
                return;
            };
            if let Some(picture) = picture::of(&store, &keys, &server, &record, false).await
                // The screen left meanwhile: let the picture go at once.
                && let Some(Some(Picture::Url(unused))) = shown.try_set(Some(picture))
            {
                let _ = web_sys::Url::revoke_object_url(&unused);
            }
        });
    }
    on_cleanup(move || {
        if let Some(Some(Picture::Url(url))) = shown.try_get_untracked() {
            let _ = web_sys::Url::revoke_object_url(&url);
        }
    });
    view! {
        {move || match shown.get() {
            Some(Picture::Url(src)) => view! { <img class="thumb" src=src alt=alt.clone() data-testid="photo-thumb"/> }.into_any(),
            Some(Picture::OnServer) => view! { <span class="thumb thumb-away">{ON_SERVER}</span> }.into_any(),
            None => view! { <span class="thumb thumb-away" aria-hidden="true"></span> }.into_any(),
        }}
    }
}
