//! On a leaving child's page, for managers: the child's photos, and which to keep "for
//! posterity" when the rest of their data is deleted (issue 15 part 6). Only a photo where
//! every child has consent for displays can be kept; the reason shows beside any other. The
//! pictures come from this tablet's own sealed copies, as memory-only object URLs.

use crate::api;
use crate::lock::use_lock;
use crate::store::{photos, tablet};
use burrow_core::api::{PosterityPhoto, PosterityRequest};
use burrow_core::dates::format_uk;
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

#[component]
pub fn PosterityCard(child: Uuid, first_name: String) -> impl IntoView {
    let lock = use_lock();
    let reload = RwSignal::new(0u32);
    let list = LocalResource::new(move || {
        reload.track();
        async move { api::get::<Vec<PosterityPhoto>>(&format!("/api/children/{child}/posterity")).await }
    });
    // Thumbnails this tablet holds, by photo: shown when present.
    let pictures = RwSignal::new(Vec::<(Uuid, String)>::new());
    Effect::new(move |_| {
        let Some(Ok(photos_here)) = list.get() else {
            return;
        };
        let Some(keys) = lock.keys() else { return };
        spawn_local(async move {
            let Ok(store) = tablet::open().await else {
                return;
            };
            let mut shown = Vec::new();
            for p in &photos_here {
                if let Ok(bytes) = photos::bytes(&store, &keys, p.thumb).await
                    && let Some(url) = crate::blob_url::jpeg(&bytes)
                {
                    shown.push((p.photo, url));
                }
            }
            for (_, old) in pictures.get_untracked() {
                let _ = web_sys::Url::revoke_object_url(&old);
            }
            pictures.try_set(shown);
        });
    });
    on_cleanup(move || {
        for (_, url) in pictures.get_untracked() {
            let _ = web_sys::Url::revoke_object_url(&url);
        }
    });
    let message = RwSignal::new(None::<Result<String, String>>);
    let choose = move |photo: Uuid, keep: bool| {
        message.set(None);
        spawn_local(async move {
            let body = PosterityRequest { keep };
            match api::put::<_, PosterityPhoto>(
                &format!("/api/children/{child}/posterity/{photo}"),
                &body,
            )
            .await
            {
                Ok(saved) => {
                    message.set(Some(Ok(if saved.kept {
                        "Kept for posterity: it stays when the rest is deleted.".into()
                    } else {
                        "No longer kept: it goes with the rest.".into()
                    })));
                    reload.update(|n| *n += 1);
                }
                Err(e) => message.set(Some(Err(e.to_string()))),
            }
        });
    };
    view! {
        {move || list.get().and_then(Result::ok).filter(|l| !l.is_empty()).map(|l| {
            let first = first_name.clone();
            view! {
                <section class="card" data-testid="posterity" aria-labelledby="posterity-heading">
                    <h2 id="posterity-heading">"Photos kept for posterity"</h2>
                    <p>{format!("When {first}’s records are deleted, every photo of {first} goes, except those you keep here for the setting’s displays. A photo can be kept only if every child in it has consent for displays.")}</p>
                    <ul class="plain posterity">
                        {l.into_iter().map(|p| {
                            let id = p.photo;
                            let when = format!(
                                "Taken {} at {}",
                                format_uk(p.taken_at.with_timezone(&chrono::Local).date_naive()),
                                p.taken_at.with_timezone(&chrono::Local).format("%H:%M")
                            );
                            let with = if p.with.is_empty() { String::new() } else { format!(", with {}", p.with.join(" and ")) };
                            let alt = format!("The photo {}", when.to_lowercase());
                            let picture = move || pictures.with(|all| all.iter().find(|(k, _)| *k == id).map(|(_, url)| url.clone()))
                                .map(|url| view! { <img src=url alt=alt.clone() class="thumb"/> });
                            let refused = p.refused.clone();
                            let allowed = refused.is_none() || p.kept;
                            let kept = p.kept;
                            view! {
                                <li data-testid="posterity-photo">
                                    {picture}
                                    <div>
                                        <p>{format!("{when}{with}.")}</p>
                                        <label class="choice">
                                            <input type="checkbox" prop:checked=kept disabled=!allowed
                                                on:change=move |ev| choose(id, event_target_checked(&ev))/>
                                            "Keep for posterity"
                                        </label>
                                        {refused.map(|r| view! { <p class="hint">{r}</p> })}
                                    </div>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    {move || message.get().map(|m| match m {
                        Ok(m) => view! { <p class="notice" role="status">{m}</p> }.into_any(),
                        Err(m) => view! { <p class="notice notice-error" role="alert">{m}</p> }.into_any(),
                    })}
                </section>
            }
        })}
    }
}
