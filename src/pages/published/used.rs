//! Everything used beyond the journals, newest first: where, its file and caption, and whether
//! it may still be used. Burrow cannot reach a website or a Facebook page, so when a family's
//! answer changes it says which photo to take down, and the manager records that they did.

use super::names;
use crate::api;
use crate::components::photo_thumb::PhotoThumb;
use burrow_core::api::{Published, UseStanding};
use burrow_core::dates::format_uk;
use burrow_core::publishing::Use;
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

#[component]
pub fn UsedList(changed: RwSignal<u32>) -> impl IntoView {
    let list = LocalResource::new(move || {
        changed.track();
        api::get::<Vec<Published>>("/api/published")
    });
    let failed = RwSignal::new(None::<(Uuid, String)>);
    let take_down = move |id: Uuid| {
        failed.set(None);
        spawn_local(async move {
            match api::post::<_, Published>(&format!("/api/published/{id}/taken-down"), &()).await {
                Ok(_) => changed.update(|n| *n += 1),
                Err(e) => failed.set(Some((id, e.to_string()))),
            }
        });
    };
    view! {
        {move || list.get().map(|r| match r {
            Err(e) => view! { <p class="notice notice-error" role="alert">{e.to_string()}</p> }.into_any(),
            Ok(all) if all.is_empty() => ().into_any(),
            Ok(all) => {
                let to_take_down = all.iter().filter(|p| matches!(p.standing(), UseStanding::NoLonger(_))).count();
                let sheet = all.iter().any(|p| p.used_for == Use::Display && p.standing() == UseStanding::InUse);
                view! {
                    <section class="card" aria-labelledby="used-heading" data-testid="published-list">
                        <h2 id="used-heading">"Used beyond the journals"</h2>
                        {(to_take_down > 0).then(|| view! {
                            <p class="notice notice-error" role="alert">{if to_take_down == 1 {
                                "A photo may no longer be used: a family’s answer has changed. Take it down where it is, then record that you have.".to_owned()
                            } else {
                                format!("{to_take_down} photos may no longer be used: families’ answers have changed. Take them down where they are, then record that you have.")
                            }}</p>
                        })}
                        {sheet.then(|| view! {
                            <p><a class="button" href="/api/published/display-sheet.pdf" download="" data-testid="display-sheet">"Print the display sheet (A4 PDF)"</a></p>
                        })}
                        <ul class="plain posterity">
                            {all.into_iter().map(|p| {
                                let id = p.id;
                                let local = p.chosen_at.with_timezone(&chrono::Local);
                                let who = names(&p.children);
                                let alt = format!("The photo of {who} used for {}", p.used_for.phrase());
                                let thumb = p.record.clone().map(|r| view! { <PhotoThumb record=r alt=alt.clone()/> });
                                let state = match p.standing() {
                                    UseStanding::TakenDown(down) => view! {
                                        <p class="hint">{format!("Taken down by {} on {}.", down.by, format_uk(down.at.with_timezone(&chrono::Local).date_naive()))}</p>
                                    }.into_any(),
                                    UseStanding::NoLonger(why) => view! {
                                        <p class="notice notice-error" data-testid="no-longer">{format!("No longer may be used. {why} Take it down from {}, then record it here.", p.used_for.phrase())}</p>
                                        <button class="button danger" on:click=move |_| take_down(id)>"I have taken it down"</button>
                                    }.into_any(),
                                    UseStanding::InUse => view! {
                                        <p class="muted file-name">"The file: "{p.file_name.clone()}</p>
                                        <a class="button primary" href=format!("/api/published/{id}/file") download=p.file_name.clone() data-testid="published-download">
                                            "Download the photo"
                                        </a>
                                        <button class="button quiet" on:click=move |_| take_down(id)>"Record it taken down"</button>
                                    }.into_any(),
                                };
                                view! {
                                    <li data-testid="published-photo">
                                        {thumb}
                                        <div>
                                            <p><strong>{p.used_for.title()}</strong>": "{who}</p>
                                            <p class="muted">{format!("Chosen by {} on {}{}.", p.chosen_by, format_uk(local.date_naive()), if p.masked { ", every face masked" } else { "" })}</p>
                                            <p>"Caption to start from: "<q>{p.caption.clone()}</q></p>
                                            {state}
                                            {move || failed.get().filter(|(about, _)| *about == id).map(|(_, m)| view! { <p class="notice notice-error" role="alert">{m}</p> })}
                                        </div>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    </section>
                }.into_any()
            }
        })}
    }
}
