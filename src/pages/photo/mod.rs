//! Taking a photo. The key person picks the children first; the camera opens only if core's
//! `may_capture` allows it for every one of them, and otherwise the button stays disabled with
//! every reason. Opening this page directly with children who may not be photographed is
//! refused the same way and kept for the audit log. Photos go straight into the encrypted store.

use crate::auth::use_auth;
use crate::components::shell::Shell;
use crate::known::known;
use crate::lock::use_lock;
use crate::store::photos::{self, RefusedCapture};
use crate::store::tablet;
use crate::today::today;
use burrow_core::consent::{CaptureRefused, InFrame, Purpose, Reason, may_capture, standing};
use burrow_core::photo::PhotoRecord;
use camera_card::Camera;
use faces::FaceChild;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_query_map};
use taken::{Taken, show_taken};
use uuid::Uuid;

mod camera_card;
mod faces;
mod taken;
mod use_picture;

fn chosen_from(query: &str) -> Vec<Uuid> {
    query
        .split(',')
        .filter_map(|s| Uuid::parse_str(s.trim()).ok())
        .collect()
}

#[component]
pub fn PhotoPage() -> impl IntoView {
    let auth = use_auth();
    let lock = use_lock();
    let query = use_query_map();
    let navigate = use_navigate();
    let chosen =
        Memo::new(move |_| query.with(|q| chosen_from(&q.get("children").unwrap_or_default())));
    // Arriving from an observation: photos taken here are added to it.
    let for_observation =
        Memo::new(move |_| query.with(|q| q.get("for").and_then(|s| Uuid::parse_str(&s).ok())));
    let data = LocalResource::new(move || known(lock.keys()));
    let not_today = RwSignal::new(Vec::<Uuid>::new());
    let photos_taken = RwSignal::new(Vec::<(PhotoRecord, String)>::new());
    let message = RwSignal::new(None::<String>);
    let refusal_noted = RwSignal::new(None::<String>);

    // The day's wishes and this tablet's photos, from the store.
    Effect::new(move |_| {
        let Some(keys) = lock.keys() else { return };
        spawn_local(async move {
            if let Ok(store) = tablet::open().await {
                if let Ok(wishes) = photos::not_today(&store, &keys, today()).await {
                    not_today.set(wishes);
                }
                show_taken(&store, &keys, photos_taken).await;
            }
        });
    });

    let verdict = Memo::new(move |_| {
        let known = data.get()?.ok()?;
        let in_frame: Vec<InFrame> = chosen
            .get()
            .iter()
            .filter_map(|id| known.children.iter().find(|c| c.id == *id))
            .map(|c| InFrame {
                child_id: c.id,
                first_name: c.first_name.clone(),
            })
            .collect();
        Some(may_capture(
            &in_frame,
            &known.consents,
            Purpose::JournalPhotos,
            today(),
            &not_today.get(),
        ))
    });

    // Arriving with children already in the address is an attempt to open the camera: if it is
    // refused, it is kept for the audit log (who, when, which children, why; never an image).
    let first_verdict = StoredValue::new(true);
    Effect::new(move |_| {
        let Some(Err(CaptureRefused::Reasons(reasons))) = verdict.get() else {
            if verdict.get().is_some() {
                first_verdict.set_value(false);
            }
            return;
        };
        if !first_verdict.get_value() {
            return;
        }
        first_verdict.set_value(false);
        let (Some(keys), Some(me)) = (lock.keys(), auth.session.get_untracked()) else {
            return;
        };
        spawn_local(async move {
            let refused = RefusedCapture {
                by: me.staff.id,
                at: chrono::Utc::now(),
                reasons,
            };
            let saved = async {
                let store = tablet::open().await?;
                photos::record_refusal(&store, &keys, &refused).await
            };
            refusal_noted.set(Some(match saved.await {
                Ok(()) => {
                    "This attempt to open the camera has been recorded for your manager.".into()
                }
                Err(e) => format!("This attempt could not be recorded on the tablet: {e}"),
            }));
        });
    });

    let toggle_child = {
        let navigate = navigate.clone();
        move |id: Uuid| {
            let mut ids = chosen.get_untracked();
            if let Some(i) = ids.iter().position(|c| *c == id) {
                ids.remove(i);
            } else {
                ids.push(id);
            }
            let list: Vec<String> = ids.iter().map(Uuid::to_string).collect();
            let back = for_observation
                .get_untracked()
                .map(|id| format!("&for={id}"))
                .unwrap_or_default();
            navigate(
                &format!("/photo?children={}{back}", list.join(",")),
                Default::default(),
            );
        }
    };
    let toggle_wish = move |id: Uuid| {
        let mut wishes = not_today.get_untracked();
        if let Some(i) = wishes.iter().position(|c| *c == id) {
            wishes.remove(i);
        } else {
            wishes.push(id);
        }
        not_today.set(wishes.clone());
        let Some(keys) = lock.keys() else { return };
        spawn_local(async move {
            let saved = async {
                let store = tablet::open().await?;
                photos::set_not_today(&store, &keys, today(), &wishes, chrono::Utc::now()).await
            };
            if let Err(e) = saved.await {
                message.set(Some(format!(
                    "The wish could not be kept on this tablet: {e}"
                )));
            }
        });
    };

    let child_list = move || {
        data.get().map(|r| match r {
            Ok(known) => {
                let toggle_child = toggle_child.clone();
                view! {
                    {known.from_tablet.then(|| view! {
                        <p class="notice" role="status">"The setting’s server cannot be reached, so consent is checked against what this tablet last saw."</p>
                    })}
                    <ul class="choices" data-testid="photo-children">
                        {known.children.into_iter().map(|c| {
                            let id = c.id;
                            let toggle_child = toggle_child.clone();
                            let name = format!("{} {}", c.first_name, c.surname);
                            let wish_label = format!("{} does not want photos today", c.first_name);
                            view! {
                                <li class="choice">
                                    <label>
                                        <input type="checkbox" prop:checked=move || chosen.get().contains(&id)
                                            on:change=move |_| toggle_child(id)/>
                                        {name}
                                    </label>
                                    <label class="wish">
                                        <input type="checkbox" prop:checked=move || not_today.get().contains(&id)
                                            on:change=move |_| toggle_wish(id)/>
                                        {wish_label}
                                    </label>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }
            Err(e) => view! { <p class="notice notice-error" role="alert">{e.to_string()}</p> }.into_any(),
        })
    };

    let allowed = Memo::new(move |_| matches!(verdict.get(), Some(Ok(()))));
    let reasons = move || match verdict.get() {
        Some(Err(CaptureRefused::Reasons(reasons))) => {
            let consent_missing = reasons.iter().any(|r| r.reason != Reason::NotToday);
            let next = if consent_missing {
                "Ask your manager to record the parent’s answer, or take the photo without these children."
            } else {
                "Respect their wish: take the photo without them."
            };
            Some(view! {
                <div class="notice notice-error" role="alert" data-testid="camera-refusals">
                    <p>"The camera stays closed:"</p>
                    <ul>{reasons.iter().map(|r| view! { <li>{format!("{r}.")}</li> }).collect_view()}</ul>
                    <p>{next}</p>
                </div>
            }.into_any())
        }
        Some(Err(CaptureRefused::NoChildren)) => Some(
            view! {
                <p class="muted" role="status">{CaptureRefused::NoChildren.to_string()}</p>
            }
            .into_any(),
        ),
        _ => None,
    };

    // A photo whose children's consent has since been withdrawn or lapsed is marked, by name.
    let withdrawn = move |p: PhotoRecord| -> Vec<String> {
        match data.get() {
            Some(Ok(known)) => known.withdrawn(&p.children),
            _ => Vec::new(),
        }
    };

    // The children in a photo, for marking faces: names, and whether other families may see them.
    let faces = move |p: PhotoRecord| -> Vec<FaceChild> {
        let Some(Ok(known)) = data.get_untracked() else {
            return Vec::new();
        };
        p.children
            .iter()
            .map(|&id| FaceChild {
                id,
                first_name: known
                    .children
                    .iter()
                    .find(|c| c.id == id)
                    .map_or_else(|| "A child who has left".into(), |c| c.first_name.clone()),
                other_journals: standing(&known.consents, id, Purpose::OtherJournals, today())
                    .is_granted(),
            })
            .collect()
    };

    view! {
        <Shell>
            <div class="page-head">
                <h1>"Take a photo"</h1>
                {move || for_observation.get().map(|id| view! {
                    <a class="button" href=format!("/observations/{id}")>"Back to the observation"</a>
                })}
            </div>
            <section class="card">
                <p class="muted">"Injuries are recorded on the body-map form, never photographed."</p>
                <h2>"Who is in the photo?"</h2>
                <Transition fallback=|| view! { <p class="loading">"Loading children…"</p> }>{child_list}</Transition>
                {reasons}
                {move || refusal_noted.get().map(|m| view! { <p class="notice" role="status">{m}</p> })}
                {move || message.get().map(|m| view! { <p class="notice notice-error" role="alert">{m}</p> })}
            </section>
            <Show when=move || allowed.get()
                fallback=|| view! { <button class="button primary" disabled=true>"Open the camera"</button> }>
                <Camera children=chosen photos_taken=photos_taken attach_to=for_observation/>
            </Show>
            <Taken photos_taken=photos_taken withdrawn=Callback::new(withdrawn) faces=Callback::new(faces)/>
        </Shell>
    }
}
