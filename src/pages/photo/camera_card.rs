//! The open camera: a live preview, the shutter and a switch between rear and front; where the
//! browser cannot open the camera itself, a file input that takes the tablet's own camera.

use super::taken::show_taken;
use crate::auth::use_auth;
use crate::camera::{self, CameraError, Facing};
use crate::lock::use_lock;
use crate::store::tablet;
use crate::store::{observations, photos};
use burrow_core::photo::PhotoRecord;
use leptos::html::Video;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use uuid::Uuid;
use web_sys::MediaStream;

/// Where a picture comes from: the live preview at the shutter, or the file input's picture.
enum Frame {
    Shutter,
    File(web_sys::File),
}

/// The open camera: a live preview, the shutter, and a switch between rear and front.
#[component]
pub fn Camera(
    children: Memo<Vec<Uuid>>,
    photos_taken: RwSignal<Vec<(PhotoRecord, String)>>,
    /// The observation each photo is added to, when the camera was opened from one.
    attach_to: Memo<Option<Uuid>>,
) -> impl IntoView {
    let auth = use_auth();
    let lock = use_lock();
    let navigate = StoredValue::new_local(use_navigate());
    let video = NodeRef::<Video>::new();
    let open = RwSignal::new(false);
    let facing = RwSignal::new(Facing::Rear);
    let stream = StoredValue::new_local(None::<MediaStream>);
    let status = RwSignal::new(None::<Result<String, String>>);
    let busy = RwSignal::new(false);
    let no_camera = RwSignal::new(false);
    // The shutter waits for the first frame: a stream can be open before it shows anything.
    let ready = RwSignal::new(false);

    let close = move || {
        if let Some(s) = stream.get_value() {
            camera::stop(&s);
        }
        stream.set_value(None);
        open.set(false);
    };
    let start = move || {
        spawn_local(async move {
            if let Some(s) = stream.get_value() {
                camera::stop(&s);
            }
            ready.set(false);
            match camera::open(facing.get_untracked()).await {
                Ok(s) => {
                    if let Some(v) = video.get_untracked() {
                        v.set_src_object(Some(&s));
                    }
                    stream.set_value(Some(s));
                    open.set(true);
                    status.set(None);
                }
                Err(CameraError::Unavailable) => no_camera.set(true),
                Err(e) => status.set(Some(Err(e.to_string()))),
            }
        });
    };
    // Arriving from an observation's "Add a photo", the person has already asked for the camera.
    if attach_to.get_untracked().is_some() {
        start();
    }
    // Leaving the page, or the children changing to a refused set, unmounts this: light off.
    on_cleanup(move || {
        if let Some(s) = stream.get_value() {
            camera::stop(&s);
        }
    });
    // Both the shutter and the file fallback end here: re-encoded, sealed, shown.
    let keep = move |frame: Frame| {
        let (Some(keys), Some(me)) = (lock.keys(), auth.session.get_untracked()) else {
            return;
        };
        busy.set(true);
        spawn_local(async move {
            let result = async {
                let shot = async {
                    match frame {
                        Frame::Shutter => {
                            let v = video.get_untracked().ok_or(CameraError::NotReady)?;
                            camera::grab(camera::Frame::Video(&v)).await
                        }
                        Frame::File(file) => {
                            let bitmap = camera::decode(&file).await?;
                            let shot = camera::grab(camera::Frame::Bitmap(&bitmap)).await;
                            bitmap.close();
                            shot
                        }
                    }
                }
                .await
                .map_err(|e| e.to_string())?;
                let store = tablet::open().await.map_err(|e| e.to_string())?;
                let record = photos::save(
                    &store,
                    &keys,
                    &shot,
                    &children.get_untracked(),
                    me.staff.id,
                    chrono::Utc::now(),
                )
                .await
                .map_err(|e| e.to_string())?;
                if let Some(id) = attach_to.get_untracked() {
                    observations::add_photo(&store, &keys, id, record.id, chrono::Utc::now())
                        .await
                        .map_err(|e| {
                            format!("The photo is saved, but not added to the observation: {e}")
                        })?;
                    // A photo of one child has no faces to mark: straight back to the writing,
                    // where it shows. A group photo stays here for its faces.
                    if children.with_untracked(Vec::len) == 1 {
                        let to = format!("/observations/{id}");
                        navigate.with_value(|go| go(&to, Default::default()));
                        return Ok(String::new());
                    }
                    show_taken(&store, &keys, photos_taken).await;
                    return Ok(
                        "Saved on this tablet, encrypted, and added to the observation.".to_owned(),
                    );
                }
                show_taken(&store, &keys, photos_taken).await;
                Ok::<_, String>("Saved on this tablet, encrypted.".to_owned())
            };
            // After going back to the observation, this card is gone: nothing left to show.
            status
                .try_set(Some(result.await).filter(|r| r.as_ref().map_or(true, |m| !m.is_empty())));
            busy.try_set(false);
        });
    };
    let picked = move |ev: leptos::ev::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        if let Some(file) = input.files().and_then(|f| f.get(0)) {
            keep(Frame::File(file));
        }
        // The same file chosen twice is still a new photo.
        input.set_value("");
    };
    view! {
        <section class="card camera">
            <video node_ref=video autoplay=true playsinline=true muted=true class:hidden=move || !open.get()
                on:loadeddata=move |_| ready.set(true)
                aria-label="Camera preview"></video>
            <div class="actions">
                <Show when=move || open.get()
                    fallback=move || view! { <button class="button primary" on:click=move |_| start()>"Open the camera"</button> }>
                    <button class="button primary" disabled=move || busy.get() || !ready.get() on:click=move |_| keep(Frame::Shutter)>
                        {move || if busy.get() { "Saving…" } else if !ready.get() { "Starting the camera…" } else { "Take photo" }}
                    </button>
                    <button class="button quiet" on:click=move |_| {
                        facing.update(|f| *f = if *f == Facing::Rear { Facing::Front } else { Facing::Rear });
                        start();
                    }>"Switch camera"</button>
                    <button class="button quiet" on:click=move |_| close()>"Close camera"</button>
                </Show>
            </div>
            <Show when=move || no_camera.get()>
                // Where the browser cannot open the camera itself (no getUserMedia), the tablet's
                // own camera hands the picture straight back; it is re-encoded all the same.
                <label class="field">
                    <span>"Burrow cannot open this tablet’s camera itself. Take the photo with the tablet’s camera here instead; it comes straight back to Burrow, is re-encoded and kept encrypted."</span>
                    <input type="file" accept="image/jpeg,image/png" capture="environment"
                        disabled=move || busy.get() on:change=picked/>
                </label>
            </Show>
            {move || status.get().map(|s| match s {
                Ok(m) => view! { <p class="notice" role="status">{m}</p> }.into_any(),
                Err(m) => view! { <p class="notice notice-error" role="alert">{m}</p> }.into_any(),
            })}
        </section>
    }
}
