//! The photos this tablet holds: thumbnails decrypted into memory-only object URLs, each
//! opening full size on a tap, and marked when consent has changed since it was taken.

use crate::lock::use_lock;
use crate::store::photos;
use crate::store::tablet;
use burrow_core::photo::PhotoRecord;
use leptos::prelude::*;
use leptos::task::spawn_local;

pub async fn show_taken(
    store: &crate::store::db::Store,
    keys: &crate::store::keys::Keys,
    photos_taken: RwSignal<Vec<(PhotoRecord, String)>>,
) {
    let Ok((records, _damaged)) = photos::taken(store, keys).await else {
        return;
    };
    // Object URLs of decrypted thumbnails live in memory only; the old ones are released.
    for (_, url) in photos_taken.get_untracked() {
        let _ = web_sys::Url::revoke_object_url(&url);
    }
    let mut shown = Vec::new();
    for record in records {
        if let Ok(bytes) = photos::bytes(store, keys, record.thumb_id).await
            && let Some(url) = crate::blob_url::jpeg(&bytes)
        {
            shown.push((record, url));
        }
    }
    photos_taken.set(shown);
}

/// The list of photos; a tap on one decrypts the full picture and shows it over the page.
#[component]
pub fn Taken(
    photos_taken: RwSignal<Vec<(PhotoRecord, String)>>,
    /// What has changed in consent since a photo was taken, one sentence per child.
    withdrawn: Callback<PhotoRecord, Vec<String>>,
) -> impl IntoView {
    let lock = use_lock();
    let full = RwSignal::new(None::<String>);
    let problem = RwSignal::new(None::<String>);
    let close = move || {
        if let Some(url) = full.get_untracked() {
            let _ = web_sys::Url::revoke_object_url(&url);
        }
        full.set(None);
    };
    // The decrypted picture lives only as long as it is on screen (locking unmounts this).
    on_cleanup(close);
    let open = move |record: PhotoRecord| {
        let Some(keys) = lock.keys() else { return };
        spawn_local(async move {
            let bytes = match tablet::open().await {
                Ok(store) => photos::bytes(&store, &keys, record.id)
                    .await
                    .map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            };
            match bytes.map(|b| crate::blob_url::jpeg(&b)) {
                Ok(Some(url)) => {
                    close();
                    problem.set(None);
                    full.set(Some(url));
                }
                Ok(None) => problem.set(Some("This photo could not be shown.".into())),
                Err(e) => problem.set(Some(e)),
            }
        });
    };
    view! {
        <section class="card">
            <h2>"Photos on this tablet"</h2>
            {move || problem.get().map(|m| view! { <p class="notice notice-error" role="alert">{m}</p> })}
            <ul class="thumbs" data-testid="photos-taken">
                {move || photos_taken.get().into_iter().map(|(p, url)| {
                    let marks = withdrawn.run(p.clone());
                    let when = p.taken_at.format("%H:%M").to_string();
                    let record = p.clone();
                    view! {
                        <li class:withdrawn=!marks.is_empty()>
                            <button class="thumb" on:click=move |_| open(record.clone())
                                aria-label=format!("Open the photo taken at {when} full size")>
                                <img src=url alt=format!("Photo taken {when}") width="160"/>
                            </button>
                            {(!marks.is_empty()).then(|| view! {
                                <p class="mark">{format!(
                                    "Consent has changed since this photo was taken: {}. It will not be shared.",
                                    marks.join("; ")
                                )}</p>
                            })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            {move || full.get().map(|url| view! {
                <figure class="photo-full" data-testid="photo-full">
                    <img src=url alt="The photo, full size"/>
                    <figcaption>
                        <button class="button quiet" on:click=move |_| close()>"Close the photo"</button>
                    </figcaption>
                </figure>
            })}
        </section>
    }
}
