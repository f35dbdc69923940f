//! A child's face beside their name on staff lists (Children, Today, "Who is it about?"), as
//! staff pick children faster by face: the picture their key person chose, from the tablet's own
//! sealed copy (or, once purged, the server's on the premises), decrypted into a memory-only
//! object URL; otherwise their initials. The server sends a picture only while it may be shown
//! (core::child_picture), so a withdrawn consent brings the initials back at the next list.

use crate::lock::use_lock;
use crate::picture::{self, FromServer, Picture};
use crate::store::{photos, tablet};
use burrow_core::api::Child;
use burrow_core::child_picture::initials;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn ChildFace(child: Child) -> impl IntoView {
    let lock = use_lock();
    let letters = initials(&child.first_name, &child.surname);
    let url = RwSignal::new(None::<String>);
    // One handshake with the server for the whole screen (the shell provides it), for the
    // pictures the half-term purge took off this tablet.
    let server = use_context::<StoredValue<FromServer, LocalStorage>>()
        .and_then(|s| s.try_get_value())
        .unwrap_or_default();
    if let (Some(photo), Some(keys)) = (child.picture, lock.keys()) {
        spawn_local(async move {
            let Ok(store) = tablet::open().await else {
                return;
            };
            let Ok(Some(record)) = photos::record(&store, &keys, photo).await else {
                return;
            };
            if let Some(Picture::Url(shown)) =
                picture::of(&store, &keys, &server, &record, false).await
                // The list left the screen meanwhile: let the picture go at once.
                && let Some(unused) = url.try_set(Some(shown))
                && let Some(unused) = unused
            {
                let _ = web_sys::Url::revoke_object_url(&unused);
            }
        });
    }
    on_cleanup(move || {
        if let Some(Some(shown)) = url.try_get_untracked() {
            let _ = web_sys::Url::revoke_object_url(&shown);
        }
    });
    // Beside the name, which says who it is: the picture itself is decoration.
    view! {
        <span class="face" aria-hidden="true">
            {move || match url.get() {
                Some(src) => view! { <img src=src alt="" data-testid="child-face"/> }.into_any(),
                None => view! { <span class="initials" data-testid="child-initials">{letters.clone()}</span> }.into_any(),
            }}
        </span>
    }
}
