//! Writing an observation: the children (a group observation is written once), what was seen,
//! photos from the gated camera, EYFS tags, next steps and when it happened. The draft seals
//! itself into the store as the key person types (each save with its outbox entry), so nothing
//! is lost when the tablet sleeps or the app reloads. Submitting goes through core's workflow.

mod delete;
mod tags;

use crate::auth::use_auth;
use crate::autosave::{Autosave, saved_note};
use crate::components::child_face::ChildFace;
use crate::components::receipt::ReceiptLine;
use crate::lock::use_lock;
use crate::pages::children::load as load_children;
use crate::store::{observations, photos, tablet};
use burrow_core::eyfs::{AgeBand, Characteristic};
use burrow_core::observation::{Incomplete, Observation, Step, ready_to_submit};
use burrow_core::workflow::{self, Action, Subject};
use chrono::{DateTime, Local, NaiveDateTime, TimeZone, Utc};
use delete::DeleteDraft;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use tags::{AspectPicker, BandPicker, CharacteristicPicker};
use uuid::Uuid;

use crate::components::shell::Shell;

/// What the key person can change, one signal a field so typing never re-renders the form.
#[derive(Clone, Copy)]
struct Fields {
    children: RwSignal<Vec<Uuid>>,
    text: RwSignal<String>,
    photos: RwSignal<Vec<Uuid>>,
    aspects: RwSignal<Vec<String>>,
    band: RwSignal<Option<AgeBand>>,
    characteristics: RwSignal<Vec<Characteristic>>,
    next_steps: RwSignal<String>,
    observed_at: RwSignal<String>,
}

impl Fields {
    fn new() -> Fields {
        Fields {
            children: RwSignal::new(Vec::new()),
            text: RwSignal::new(String::new()),
            photos: RwSignal::new(Vec::new()),
            aspects: RwSignal::new(Vec::new()),
            band: RwSignal::new(None),
            characteristics: RwSignal::new(Vec::new()),
            next_steps: RwSignal::new(String::new()),
            observed_at: RwSignal::new(String::new()),
        }
    }

    fn fill(self, obs: &Observation) {
        self.children.set(obs.children.clone());
        self.text.set(obs.text.clone());
        self.photos.set(obs.photos.clone());
        self.aspects.set(obs.tags.aspects.clone());
        self.band.set(obs.tags.band);
        self.characteristics.set(obs.tags.characteristics.clone());
        self.next_steps.set(obs.next_steps.clone());
        self.observed_at.set(to_input(obs.observed_at));
    }

    /// The observation as the form shows it now.
    fn onto(self, base: &Observation) -> Observation {
        let mut obs = base.clone();
        obs.children = self.children.get_untracked();
        obs.text = self.text.get_untracked();
        obs.photos = self.photos.get_untracked();
        obs.tags.aspects = self.aspects.get_untracked();
        obs.tags.band = self.band.get_untracked();
        obs.tags.characteristics = self.characteristics.get_untracked();
        obs.next_steps = self.next_steps.get_untracked();
        if let Some(at) = from_input(&self.observed_at.get_untracked()) {
            obs.observed_at = at;
        }
        obs
    }
}

/// `datetime-local` speaks the tablet's local time.
fn to_input(at: DateTime<Utc>) -> String {
    at.with_timezone(&Local)
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

fn from_input(value: &str) -> Option<DateTime<Utc>> {
    let naive = NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M").ok()?;
    Local
        .from_local_datetime(&naive)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

fn ids_from(query: &str) -> Vec<Uuid> {
    query
        .split(',')
        .filter_map(|s| Uuid::parse_str(s.trim()).ok())
        .collect()
}

/// The tags this person used most in their latest observations, most used first.
fn recent_tags(mut mine: Vec<Observation>) -> Vec<String> {
    mine.sort_by_key(|o| std::cmp::Reverse(o.updated_at));
    let mut counts: Vec<(String, usize)> = Vec::new();
    for code in mine.iter().take(20).flat_map(|o| o.tags.aspects.iter()) {
        match counts.iter_mut().find(|(c, _)| c == code) {
            Some((_, n)) => *n += 1,
            None => counts.push((code.clone(), 1)),
        }
    }
    counts.sort_by_key(|c| std::cmp::Reverse(c.1));
    counts.into_iter().take(4).map(|(c, _)| c).collect()
}

#[component]
pub fn ObservePage() -> impl IntoView {
    let auth = use_auth();
    let lock = use_lock();
    let params = use_params_map();
    let query = use_query_map();
    let navigate = use_navigate();
    let fields = Fields::new();
    let base = RwSignal::new(None::<Observation>);
    let missing = RwSignal::new(None::<String>);
    let recent = RwSignal::new(Vec::<String>::new());
    let saved = RwSignal::new(None::<Result<String, String>>);
    let problems = RwSignal::new(Vec::<Incomplete>::new());
    let refused = RwSignal::new(None::<String>);
    let thumbs = RwSignal::new(Vec::<(Uuid, String)>::new());
    // On the tablet already (opened, or saved once): only then is there anything to delete.
    let stored = RwSignal::new(false);

    // Open the observation named in the address, or start a new one for the children given.
    Effect::new(move |_| {
        let (Some(keys), Some(me)) = (lock.keys(), auth.session.get()) else {
            return;
        };
        let id = params.with_untracked(|p| p.get("id").and_then(|s| Uuid::parse_str(&s).ok()));
        let children = query.with_untracked(|q| ids_from(&q.get("children").unwrap_or_default()));
        spawn_local(async move {
            let Ok(store) = tablet::open().await else {
                missing.set(Some(
                    "This tablet’s store cannot be opened. Reload Burrow and try again.".into(),
                ));
                return;
            };
            if let Ok((mine, _)) = observations::by_author(&store, &keys, me.staff.id).await {
                recent.set(recent_tags(mine));
            }
            let obs = match id {
                Some(id) => match observations::get(&store, &keys, id).await {
                    Ok(Some(obs)) => {
                        stored.set(true);
                        obs
                    }
                    Ok(None) => {
                        missing.set(Some("This observation is not on this tablet. It may have been written on another tablet.".into()));
                        return;
                    }
                    Err(e) => {
                        missing.set(Some(e.to_string()));
                        return;
                    }
                },
                None => Observation::new(Uuid::now_v7(), me.staff.id, children, Utc::now()),
            };
            fields.fill(&obs);
            base.set(Some(obs));
        });
    });

    // Thumbnails of the photos in it, decrypted into memory-only object URLs.
    Effect::new(move |_| {
        let ids = fields.photos.get();
        let Some(keys) = lock.keys() else { return };
        spawn_local(async move {
            let Ok(store) = tablet::open().await else {
                return;
            };
            let mut shown = Vec::new();
            for id in ids {
                if let Ok(Some(record)) = photos::record(&store, &keys, id).await
                    && let Ok(bytes) = photos::bytes(&store, &keys, record.thumb_id).await
                    && let Some(url) = crate::blob_url::jpeg(&bytes)
                {
                    shown.push((id, url));
                }
            }
            for (_, url) in thumbs.get_untracked() {
                let _ = web_sys::Url::revoke_object_url(&url);
            }
            thumbs.set(shown);
        });
    });
    on_cleanup(move || {
        for (_, url) in thumbs.get_untracked() {
            let _ = web_sys::Url::revoke_object_url(&url);
        }
    });

    let me = move || auth.workflow_actor();
    let subject = move || {
        base.with(|b| {
            b.as_ref().map(|b| Subject {
                status: b.status,
                author: b.author,
                from_home: b.from_home,
            })
        })
    };
    let may = move |action: Action| {
        let (Some(s), Some((actor, _, setting))) = (subject(), me()) else {
            return false;
        };
        workflow::next(s, actor, action, setting).is_ok()
    };
    let deleting = RwSignal::new(false);
    let read_only = Signal::derive(move || !may(Action::Edit) || deleting.get());

    // Saves never overlap and the last keystroke is always written (see `Autosave`).
    let autosave = Autosave::new();
    let persist = move || {
        if base.with_untracked(Option::is_none) || read_only.get_untracked() {
            return;
        }
        let Some(keys) = lock.keys() else { return };
        autosave.request(move || {
            let keys = keys.clone();
            async move {
                let Some(mut obs) = base.try_get_untracked().flatten().map(|b| fields.onto(&b))
                else {
                    return;
                };
                obs.version += 1;
                obs.updated_at = Utc::now();
                let result = async {
                    let store = tablet::open().await?;
                    observations::save(&store, &keys, &obs).await
                }
                .await;
                match result {
                    Ok(()) => {
                        // A new observation gets its own address, so a reload finds it (the page
                        // is not re-rendered: the key person may be mid-word).
                        if let Some(w) = web_sys::window()
                            && !w
                                .location()
                                .pathname()
                                .unwrap_or_default()
                                .starts_with("/observations/")
                        {
                            let _ = w.history().and_then(|h| {
                                h.replace_state_with_url(
                                    &wasm_bindgen::JsValue::NULL,
                                    "",
                                    Some(&format!("/observations/{}", obs.id)),
                                )
                            });
                        }
                        saved.try_set(Some(saved_note(
                            &result,
                            "Saved on this tablet, encrypted,",
                        )));
                        base.try_set(Some(obs));
                        stored.try_set(true);
                    }
                    Err(_) => {
                        saved.try_set(Some(saved_note(&result, "")));
                    }
                }
            }
        });
    };
    let changed = Callback::new(move |()| persist());

    let submit = {
        let navigate = navigate.clone();
        move |_| {
            let (Some(b), Some((actor, my_id, setting))) = (base.get_untracked(), me()) else {
                return;
            };
            let mut obs = fields.onto(&b);
            let missing_bits = ready_to_submit(&obs, Utc::now());
            problems.set(missing_bits.clone());
            refused.set(None);
            if !missing_bits.is_empty() {
                return;
            }
            let subject = Subject {
                status: obs.status,
                author: obs.author,
                from_home: obs.from_home,
            };
            match workflow::next(subject, actor, Action::Submit, setting) {
                Ok(Some(status)) => {
                    obs.status = status;
                    obs.steps.push(Step {
                        action: Action::Submit,
                        by: my_id,
                        at: Utc::now(),
                        comment: None,
                    });
                    base.set(Some(obs));
                    // Saved as submitted even though the form is now read-only.
                    let Some(keys) = lock.keys() else { return };
                    let navigate = navigate.clone();
                    // After any save under way, so the two never claim the same version.
                    autosave.then(async move {
                        let Some(mut obs) = base.get_untracked() else {
                            return;
                        };
                        obs.version += 1;
                        obs.updated_at = Utc::now();
                        let result = async {
                            let store = tablet::open().await?;
                            observations::save(&store, &keys, &obs).await
                        }
                        .await;
                        match result {
                            Ok(()) => {
                                base.set(Some(obs.clone()));
                                if let Some(first) = obs.children.first() {
                                    navigate(
                                        &format!("/children/{first}/journal"),
                                        Default::default(),
                                    );
                                }
                            }
                            Err(e) => {
                                saved.set(Some(Err(format!("Not submitted: {e}. Try again."))))
                            }
                        }
                    });
                }
                Ok(None) => {}
                Err(e) => refused.set(Some(e.to_string())),
            }
        }
    };

    let add_photo = {
        let navigate = navigate.clone();
        move |_| {
            if base.with_untracked(Option::is_none) {
                return;
            }
            let Some(keys) = lock.keys() else { return };
            let navigate = navigate.clone();
            // Saved first (after any save under way): the photo page adds the picture to the
            // sealed observation.
            autosave.then(async move {
                let Some(b) = base.get_untracked() else {
                    return;
                };
                let mut obs = fields.onto(&b);
                obs.version += 1;
                obs.updated_at = Utc::now();
                let result = async {
                    let store = tablet::open().await?;
                    observations::save(&store, &keys, &obs).await
                }
                .await;
                match result {
                    Ok(()) => {
                        let children: Vec<String> =
                            obs.children.iter().map(Uuid::to_string).collect();
                        navigate(
                            &format!("/photo?children={}&for={}", children.join(","), obs.id),
                            Default::default(),
                        );
                    }
                    Err(e) => saved.set(Some(Err(format!("Not saved on this tablet: {e}.")))),
                }
            });
        }
    };

    let children = LocalResource::new(move || load_children(lock));
    let child_choices = move || {
        children.get().map(|r| match r {
            Ok(shown) => view! {
                <ul class="choices" data-testid="observation-children">
                    {shown.children.into_iter().map(|c| {
                        let id = c.id;
                        view! {
                            <li class="choice"><label>
                                <input type="checkbox" disabled=read_only
                                    prop:checked=move || fields.children.with(|x| x.contains(&id))
                                    on:change=move |_| {
                                        fields.children.update(|x| {
                                            if let Some(i) = x.iter().position(|y| *y == id) {
                                                x.remove(i);
                                            } else {
                                                x.push(id);
                                            }
                                        });
                                        persist();
                                    }/>
                                <ChildFace child=c.clone()/>
                                {format!("{} {}", c.first_name, c.surname)}
                            </label></li>
                        }
                    }).collect_view()}
                </ul>
            }
            .into_any(),
            Err(e) => {
                view! { <p class="notice notice-error" role="alert">{e.to_string()}</p> }.into_any()
            }
        })
    };
    let problem_for = move |field: &'static str| {
        move || {
            problems.with(|p| {
                p.iter()
                    .filter(|x| x.field() == field)
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(" ")
            })
        }
    };
    let submit_label = move || {
        let required = auth
            .session
            .with(|s| s.as_ref().is_none_or(|s| s.validation_required));
        if required {
            "Submit for validation"
        } else {
            "Submit and share"
        }
    };

    // The form is built once the observation is open; after that each part follows its own
    // signal, so a save (which updates `base`) never rebuilds the field being typed in.
    let loaded = Memo::new(move |_| base.with(Option::is_some));
    // A new observation started from a child (Today's "New observation"): the writing is next,
    // so the cursor is already there and the keyboard up, one tap fewer.
    let text_box = NodeRef::<leptos::html::Textarea>::new();
    let started_for_child = params.with_untracked(|p| p.get("id").is_none())
        && query.with_untracked(|q| !ids_from(&q.get("children").unwrap_or_default()).is_empty());
    Effect::new(move |_| {
        if started_for_child
            && loaded.get()
            && let Some(text) = text_box.get()
        {
            let _ = text.focus();
        }
    });
    let status = move || base.with(|b| b.as_ref().map(|b| b.status.label()));
    let return_comment = Memo::new(move |_| {
        base.with(|b| {
            b.as_ref()
                .and_then(|b| b.return_comment().map(str::to_owned))
        })
    });
    let form = move || {
        let add_photo = add_photo.clone();
        let submit = submit.clone();
        loaded.get().then(|| view! {
            <p class="status-line" data-testid="observation-status">{status}</p>
            <ReceiptLine record=Signal::derive(move || {
                if !stored.get() {
                    return None;
                }
                base.with(|b| b.as_ref().map(|b| (b.id, b.version)))
            })/>
            {move || return_comment.get().map(|c| view! {
                <p class="notice notice-error" role="alert">{format!("Returned with a comment: {c}")}</p>
            })}
            <section class="card observe">
                <fieldset>
                    <legend>"Who is it about?"</legend>
                    <Transition fallback=|| view! { <p class="loading">"Loading children…"</p> }>{child_choices}</Transition>
                    <p class="field-error">{problem_for("children")}</p>
                </fieldset>
                <div class="field">
                    <label for="field-text">"What did you see?"</label>
                    <textarea autocomplete="off" id="field-text" rows="6" node_ref=text_box prop:value=fields.text.get_untracked() disabled=read_only
                        on:input=move |ev| { fields.text.set(event_target_value(&ev)); persist(); }></textarea>
                    <p class="field-error">{problem_for("text")}</p>
                </div>
                <div class="field">
                    <p class="label">"Photos"</p>
                    <ul class="thumbs" data-testid="observation-photos">
                        {move || thumbs.get().into_iter().map(|(id, url)| view! {
                            <li>
                                <img src=url alt="Photo in this observation" width="120"/>
                                <button type="button" class="button" disabled=read_only
                                    on:click=move |_| {
                                        fields.photos.update(|p| p.retain(|x| *x != id));
                                        persist();
                                    }>"Remove photo"</button>
                            </li>
                        }).collect_view()}
                    </ul>
                    <button type="button" class="button" on:click=add_photo
                        disabled=move || read_only.get() || fields.children.with(Vec::is_empty)>"Add a photo"</button>
                </div>
                <AspectPicker chosen=fields.aspects recent=recent.into() text=fields.text disabled=read_only on_change=changed/>
                <BandPicker band=fields.band disabled=read_only on_change=changed/>
                <CharacteristicPicker chosen=fields.characteristics disabled=read_only on_change=changed/>
                <div class="field">
                    <label for="field-next_steps">"Next steps"</label>
                    <textarea autocomplete="off" id="field-next_steps" rows="3" prop:value=fields.next_steps.get_untracked() disabled=read_only
                        on:input=move |ev| { fields.next_steps.set(event_target_value(&ev)); persist(); }></textarea>
                    <p class="field-error">{problem_for("next_steps")}</p>
                </div>
                <div class="field">
                    <label for="field-observed_at">"When did it happen?"</label>
                    <input id="field-observed_at" type="datetime-local" prop:value=fields.observed_at.get_untracked() disabled=read_only
                        on:change=move |ev| { fields.observed_at.set(event_target_value(&ev)); persist(); }/>
                    <p class="field-error">{problem_for("observed_at")}</p>
                </div>
                <p class="field-error">{problem_for("tags")}</p>
                {move || saved.get().map(|s| match s {
                    Ok(m) => view! { <p class="notice" role="status" data-testid="saved">{m}</p> }.into_any(),
                    Err(m) => view! { <p class="notice notice-error" role="alert">{m}</p> }.into_any(),
                })}
                {move || refused.get().map(|m| view! { <p class="notice notice-error" role="alert">{m}</p> })}
                <Show when=move || may(Action::Submit) && !deleting.get()>
                    <button type="button" class="button primary" on:click=submit.clone()>{submit_label}</button>
                </Show>
                // Only what was saved can be deleted; a new, untouched draft is simply left.
                <Show when=move || may(Action::Delete) && stored.get() || deleting.get()>
                    <DeleteDraft base=base autosave=autosave deleting=deleting/>
                </Show>
            </section>
        })
    };

    view! {
        <Shell>
            <div class="page-head"><h1>"Observation"</h1></div>
            {move || missing.get().map(|m| view! { <p class="notice notice-error" role="alert">{m}</p> })}
            {form}
        </Shell>
    }
}
