//! "From families" on the key person's day: parents' comments on entries and their wow moments
//! from home, fetched from the setting's server when the tablet can reach it. Each note's words
//! are shown as text (a parent's HTML or script is only ever characters on the screen), a wow
//! moment's photo as a memory-only object URL. "Bring into the journal" starts a draft for the
//! child from the parent's words and tells the server which observation it became.

use crate::api::{self, ApiError};
use crate::auth::use_auth;
use crate::camera;
use crate::lock::use_lock;
use crate::store::keys::Keys;
use crate::store::{observations, photos, tablet};
use burrow_core::api::{BroughtIn, ParentNote};
use burrow_core::dates::format_uk;
use burrow_core::observation::Observation;
use burrow_core::parent_note::brought_in_text;
use chrono::{Local, Utc};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use std::rc::Rc;
use uuid::Uuid;

/// A note with what the tablet can add to it: the child's first name, and for a comment the
/// first words of the entry it is about, if this tablet holds that entry.
#[derive(Clone)]
struct Shown {
    note: ParentNote,
    child: String,
    about: Option<String>,
}

fn first_words(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().take(8).collect();
    if text.split_whitespace().count() > 8 {
        format!("{}…", words.join(" "))
    } else {
        words.join(" ")
    }
}

fn when(note: &ParentNote) -> String {
    let local = note.written_at.with_timezone(&Local);
    format!(
        "{} at {}",
        format_uk(local.date_naive()),
        local.format("%H:%M")
    )
}

/// The families' notes about `children` (id, first name), newest first.
async fn load(
    children: Vec<(Uuid, String)>,
    keys: Option<Rc<Keys>>,
) -> Result<Vec<Shown>, ApiError> {
    let notes = api::get::<Vec<ParentNote>>("/api/family-notes").await?;
    let store = tablet::open().await.ok();
    let mut shown = Vec::new();
    for note in notes {
        let Some((_, child)) = children.iter().find(|(id, _)| *id == note.child) else {
            continue;
        };
        let mut about = None;
        if let (Some(entry), Some(store), Some(keys)) = (note.entry, store.as_ref(), keys.as_ref())
            && let Ok(Some(obs)) = observations::get(store, keys, entry).await
        {
            about = Some(first_words(&obs.text));
        }
        shown.push(Shown {
            child: child.clone(),
            note,
            about,
        });
    }
    Ok(shown)
}

/// The section on Today. `children` are the key person's children (id, first name).
#[component]
pub fn FamilyNotes(children: Vec<(Uuid, String)>) -> impl IntoView {
    let lock = use_lock();
    let key_count = children.len();
    let notes = LocalResource::new(move || {
        // The keys read the tablet's copy of the entries a comment is about.
        load(children.clone(), lock.keys())
    });
    let body = move || {
        notes.get().map(|r| match r {
            Ok(list) if list.is_empty() => {
                let text = if key_count == 0 {
                    "Comments and wow moments from your key children’s families appear here."
                } else {
                    "No comments or wow moments from your key children’s families yet."
                };
                view! { <p class="muted">{text}</p> }.into_any()
            }
            Ok(list) => view! {
                <ul class="plain" aria-label="Notes from families">
                    {list.into_iter().map(|s| view! { <NoteItem shown=s/> }).collect_view()}
                </ul>
            }
            .into_any(),
            Err(ApiError::Unreachable) => view! {
                <p class="muted" data-testid="family-notes-offline">
                    "Comments and wow moments from families arrive when this tablet is on the setting’s network."
                </p>
            }
            .into_any(),
            Err(e) => view! { <p class="notice notice-error" role="alert">{e.to_string()}</p> }.into_any(),
        })
    };
    view! {
        <section class="card" data-testid="family-notes" aria-labelledby="family-notes-heading">
            <h2 id="family-notes-heading">"From families"</h2>
            <Transition fallback=|| view! { <p class="loading">"Looking for notes from families…"</p> }>
                {body}
            </Transition>
        </section>
    }
}

#[component]
fn NoteItem(shown: Shown) -> impl IntoView {
    let Shown { note, child, about } = shown;
    let wow = note.entry.is_none();
    let heading = if wow {
        format!("Wow moment from home: {child}")
    } else {
        format!("Comment about {child}’s journal")
    };
    let label = heading.clone();
    let byline = format!("From {} · {}", note.from, when(&note));
    let about = (!wow).then(|| {
        let words = about.unwrap_or_else(|| "an entry in their journal".into());
        format!("On: {words}")
    });
    let photo = note
        .has_photo
        .then(|| view! { <NotePhoto id=note.id alt=format!("Photo of {child} from home")/> });
    let bring = wow.then(|| view! { <BringIn note=note.clone()/> });
    view! {
        <li>
            <article class="family-note" aria-label=label>
                <h3>{heading}</h3>
                <p class="muted">{byline}</p>
                {about.map(|a| view! { <p class="muted">{a}</p> })}
                <p class="note-text">{note.text.clone()}</p>
                {photo}
                {bring}
            </article>
        </li>
    }
}

/// A wow moment's photo, fetched from the server into memory and released when it leaves.
#[component]
fn NotePhoto(id: Uuid, alt: String) -> impl IntoView {
    let url = RwSignal::new(None::<String>);
    let problem = RwSignal::new(None::<String>);
    spawn_local(async move {
        match photo_url(id).await {
            Ok(u) => {
                // Gone from the screen before it arrived: let it go at once.
                if let Some(u) = url.try_set(Some(u)).flatten() {
                    let _ = web_sys::Url::revoke_object_url(&u);
                }
            }
            Err(e) => {
                problem.try_set(Some(e.to_string()));
            }
        }
    });
    on_cleanup(move || {
        if let Some(u) = url.try_get_untracked().flatten() {
            let _ = web_sys::Url::revoke_object_url(&u);
        }
    });
    view! {
        <figure class="photo-full">
            {move || url.get().map(|u| view! { <img src=u alt=alt.clone()/> })}
            {move || problem.get().map(|p| view! { <figcaption class="muted">{p}</figcaption> })}
        </figure>
    }
}

async fn photo_url(id: Uuid) -> Result<String, ApiError> {
    let bytes = photo_bytes(id).await?;
    crate::blob_url::jpeg(&bytes).ok_or(ApiError::BadAnswer)
}

async fn photo_bytes(id: Uuid) -> Result<Vec<u8>, ApiError> {
    let response = gloo_net::http::Request::get(&format!("/api/family-notes/{id}/photo"))
        .send()
        .await
        .map_err(|_| ApiError::Unreachable)?;
    if !response.ok() {
        return match api::read::<()>(response).await {
            Err(e) => Err(e),
            Ok(()) => Err(ApiError::BadAnswer),
        };
    }
    response.binary().await.map_err(|_| ApiError::BadAnswer)
}

/// The parent's photo as one of the journal's own: drawn afresh at the camera's sizes (with its
/// thumbnail) and kept sealed on this tablet like a photo taken here, by the person bringing it
/// in. Sync checks the child's consent to journal photos like any other photo's.
async fn keep_parent_photo(keys: &Keys, note: &ParentNote, by: Uuid) -> Result<Uuid, String> {
    let bytes = photo_bytes(note.id).await.map_err(|e| e.to_string())?;
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes.as_slice()));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts)
        .map_err(|_| "The photo could not be read.".to_owned())?;
    let bitmap = camera::decode(&blob).await.map_err(|e| e.to_string())?;
    let shot = camera::grab(camera::Frame::Bitmap(&bitmap))
        .await
        .map_err(|e| e.to_string())?;
    let store = tablet::open().await.map_err(|e| e.to_string())?;
    let record = photos::save(&store, keys, &shot, &[note.child], by, Utc::now())
        .await
        .map_err(|e| e.to_string())?;
    Ok(record.id)
}

/// "Bring into the journal": a draft observation for the child, written from the parent's
/// words and saved on this tablet; the server is told which observation it became, then the
/// draft opens. A draft already made for it is reused if telling the server failed.
#[component]
fn BringIn(note: ParentNote) -> impl IntoView {
    let auth = use_auth();
    let lock = use_lock();
    let navigate = use_navigate();
    let brought = RwSignal::new(note.brought_in);
    let draft = RwSignal::new(None::<Uuid>);
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let bring = move |_| {
        let (Some(keys), Some(me)) = (lock.keys(), auth.session.get_untracked()) else {
            problem.set(Some(
                "Unlock the tablet to bring this into the journal.".into(),
            ));
            return;
        };
        let note = note.clone();
        let navigate = navigate.clone();
        busy.set(true);
        problem.set(None);
        spawn_local(async move {
            let id = match draft.get_untracked() {
                Some(id) => id,
                None => {
                    let mut obs =
                        Observation::new(Uuid::now_v7(), me.staff.id, vec![note.child], Utc::now());
                    obs.text = brought_in_text(&note.from, &note.text);
                    obs.observed_at = note.written_at.min(Utc::now());
                    obs.version = 1;
                    if note.has_photo {
                        match keep_parent_photo(&keys, &note, me.staff.id).await {
                            Ok(photo) => obs.photos.push(photo),
                            Err(e) => {
                                problem.try_set(Some(format!(
                                    "The photo from home could not be kept on this tablet: {e}"
                                )));
                                busy.try_set(false);
                                return;
                            }
                        }
                    }
                    let saved = async {
                        let store = tablet::open().await?;
                        observations::save(&store, &keys, &obs).await
                    }
                    .await;
                    if let Err(e) = saved {
                        problem.try_set(Some(format!(
                            "The draft could not be saved on this tablet: {e}"
                        )));
                        busy.try_set(false);
                        return;
                    }
                    draft.try_set(Some(obs.id));
                    obs.id
                }
            };
            let url = format!("/api/family-notes/{}/brought-in", note.id);
            match api::post::<_, ParentNote>(&url, &BroughtIn { observation: id }).await {
                Ok(kept) => {
                    brought.try_set(kept.brought_in);
                    busy.try_set(false);
                    navigate(&format!("/observations/{id}"), Default::default());
                }
                Err(e) => {
                    problem.try_set(Some(format!(
                        "The draft is saved on this tablet, but the setting’s server has not heard it was brought in: {e}"
                    )));
                    busy.try_set(false);
                }
            }
        });
    };
    view! {
        {move || match brought.get() {
            Some(obs) => view! {
                <p class="badge" data-testid="brought-in">"Brought into the journal"</p>
                <p class="links"><a href=format!("/observations/{obs}")>"Open the observation"</a></p>
            }
            .into_any(),
            None => view! {
                <div class="actions">
                    <button
                        class="button primary"
                        disabled=move || busy.get()
                        on:click=bring.clone()
                    >
                        "Bring into the journal"
                    </button>
                    {move || draft.get().map(|id| view! { <a href=format!("/observations/{id}")>"Open the draft"</a> })}
                </div>
                {move || problem.get().map(|p| view! { <p class="notice notice-error" role="alert">{p}</p> })}
            }
            .into_any(),
        }}
    }
}
