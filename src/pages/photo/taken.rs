//! The photos this tablet holds: thumbnails decrypted into memory-only object URLs, each
//! opening full size on a tap, and marked when consent has changed since it was taken. Its
//! photographer can mark the faces on a photo of more than one child there (`faces`).

use super::faces::{FaceChild, MarkFaces};
use super::use_picture::UseAsPicture;
use crate::auth::use_auth;
use crate::lock::use_lock;
use crate::store::photos;
use crate::store::tablet;
use burrow_core::photo::{PhotoRecord, may_mark_faces};
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
    /// The children in a photo, for marking their faces.
    faces: Callback<PhotoRecord, Vec<FaceChild>>,
) -> impl IntoView {
    let lock = use_lock();
    let auth = use_auth();
    let full = RwSignal::new(None::<(PhotoRecord, String)>);
    let marking = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let close = move || {
        if let Some((_, url)) = full.get_untracked() {
            let _ = web_sys::Url::revoke_object_url(&url);
        }
        full.set(None);
        marking.set(false);
    };
    // The new version replaces the old in the list and on screen.
    let saved = move |kept: PhotoRecord| {
        photos_taken.update(|list| {
            for (p, _) in list.iter_mut() {
                if p.id == kept.id {
                    *p = kept.clone();
                }
            }
        });
        full.update(|f| {
            if let Some((p, _)) = f {
                *p = kept;
            }
        });
        marking.set(false);
    };
    let may_mark = move |p: &PhotoRecord| {
        auth.session
            .get_untracked()
            .is_some_and(|me| may_mark_faces(p, me.staff.id))
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
                    full.set(Some((record, url)));
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
            {move || full.get().map(|(record, url)| if marking.get() {
                view! {
                    <MarkFaces record=record.clone() url=url children=faces.run(record)
                        on_saved=Callback::new(saved) on_cancel=Callback::new(move |()| marking.set(false))/>
                }.into_any()
            } else {
                let markable = may_mark(&record);
                let marked = record.regions.len();
                // A photo of one child may become their picture on the lists.
                let alone = match record.children.as_slice() {
                    [only] => faces.run(record.clone()).into_iter().find(|c| c.id == *only),
                    _ => None,
                };
                view! {
                    <figure class="photo-full" data-testid="photo-full">
                        <img src=url alt="The photo, full size"/>
                        <figcaption>
                            {(marked > 0).then(|| view! {
                                <p class="muted">{format!("Faces marked: {marked} of {}.", record.children.len())}</p>
                            })}
                            {markable.then(|| view! {
                                <button class="button" on:click=move |_| marking.set(true)>"Mark faces"</button>
                            })}
                            {alone.map(|c| view! { <UseAsPicture photo=record.id child=c.id first_name=c.first_name/> })}
                            <button class="button quiet" on:click=move |_| close()>"Close the photo"</button>
                        </figcaption>
                    </figure>
                }.into_any()
            })}
        </section>
    }
}
