//! The journals' photos for one use, newest first, each with whether it may be used: a button
//! if so, and otherwise the server's words naming the child who stops it and why.

use super::names;
use crate::api;
use crate::auth::use_auth;
use crate::components::photo_thumb::PhotoThumb;
use burrow_core::api::{PublishCandidate, PublishRequest, Published};
use burrow_core::dates::format_uk;
use burrow_core::publishing::Use;
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

#[component]
pub fn Candidates(used_for: RwSignal<Use>, changed: RwSignal<u32>) -> impl IntoView {
    let auth = use_auth();
    let list = LocalResource::new(move || {
        let used = used_for.get();
        changed.track();
        async move {
            api::get::<Vec<PublishCandidate>>(&format!(
                "/api/publishing/photos?for={}",
                used.as_str()
            ))
            .await
        }
    });
    Effect::new(move |_| {
        if let Some(Err(e)) = list.get()
            && e.is_unauthorised()
        {
            auth.session_ended(&e);
        }
    });
    // The last answer, beside the photo it was about.
    let answer = RwSignal::new(None::<(Uuid, Result<String, String>)>);
    let choose = move |photo: Uuid| {
        let used = used_for.get_untracked();
        answer.set(None);
        spawn_local(async move {
            let body = PublishRequest {
                photo,
                used_for: used,
            };
            match api::post::<_, Published>("/api/published", &body).await {
                Ok(p) => {
                    answer.set(Some((
                        photo,
                        Ok(format!(
                            "Chosen for {}. Download it from the list above as {}.",
                            used.phrase(),
                            p.file_name
                        )),
                    )));
                    changed.update(|n| *n += 1);
                }
                Err(e) => answer.set(Some((photo, Err(e.to_string())))),
            }
        });
    };
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading the journals’ photos…"</p> }>
            {move || list.get().map(|r| match r {
                Err(e) => view! { <p class="notice notice-error" role="alert">{e.to_string()}</p> }.into_any(),
                Ok(photos) if photos.is_empty() => view! {
                    <p class="muted">"No photos in shared journal entries are on the setting’s server yet. Once an entry with a photo is shared and its tablet has synced, it shows here."</p>
                }.into_any(),
                Ok(photos) => view! {
                    <ul class="plain posterity" data-testid="publish-candidates">
                        {photos.into_iter().map(|p| {
                            let id = p.record.id;
                            let local = p.record.taken_at.with_timezone(&chrono::Local);
                            let when = format!("Taken {} at {}", format_uk(local.date_naive()), local.format("%H:%M"));
                            let who = names(&p.children);
                            let alt = format!("The photo of {who}, {}", when.to_lowercase());
                            let title = used_for.get_untracked().title().to_lowercase();
                            let state = match (p.in_use, p.refused) {
                                (true, _) => view! { <p class="hint">"Already chosen for this."</p> }.into_any(),
                                (false, Some(why)) => view! { <p class="hint refused" data-testid="publish-refused">{why}</p> }.into_any(),
                                (false, None) => view! {
                                    <button class="button primary" on:click=move |_| choose(id)>
                                        {format!("Use for {title}")}
                                    </button>
                                }.into_any(),
                            };
                            view! {
                                <li data-testid="publish-candidate">
                                    <PhotoThumb record=p.record alt=alt/>
                                    <div>
                                        <p><strong>{who}</strong>" · "{when}</p>
                                        {state}
                                        {move || answer.get().filter(|(about, _)| *about == id).map(|(_, a)| match a {
                                            Ok(m) => view! { <p class="notice" role="status">{m}</p> }.into_any(),
                                            Err(m) => view! { <p class="notice notice-error" role="alert">{m}</p> }.into_any(),
                                        })}
                                    </div>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            })}
        </Transition>
    }
}
