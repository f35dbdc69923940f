//! The two-year progress check for one child: for each prime area, how the child stands (a
//! strength, as expected, or a concern) and a few words; how the setting will support the
//! child where there is a concern, and ideas for home. It saves itself as the key person types
//! and is submitted through core's workflow, like an observation; parents read it once shared.

use crate::auth::use_auth;
use crate::autosave::{Autosave, saved_note};
use crate::components::shell::Shell;
use crate::lock::use_lock;
use crate::pages::children::load as load_children;
use crate::store::keys::Keys;
use crate::store::{progress_checks, tablet};
use crate::today::today;
use burrow_core::api::Child;
use burrow_core::eyfs::{self, Kind};
use burrow_core::observation::Step;
use burrow_core::progress_check::{Incomplete, ProgressCheck, Standing, due, ready_to_submit};
use burrow_core::workflow::{self, Action};
use chrono::Utc;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;
use std::rc::Rc;
use uuid::Uuid;

/// One prime area's part of the form.
#[derive(Clone, Copy)]
struct AreaFields {
    code: &'static str,
    name: &'static str,
    standing: RwSignal<Option<Standing>>,
    note: RwSignal<String>,
}

#[derive(Clone, Copy)]
struct Fields {
    areas: StoredValue<Vec<AreaFields>>,
    support: RwSignal<String>,
    at_home: RwSignal<String>,
}

impl Fields {
    fn new() -> Fields {
        let areas = eyfs::current()
            .areas
            .iter()
            .filter(|a| a.kind == Kind::Prime)
            .map(|a| AreaFields {
                code: a.code,
                name: a.name,
                standing: RwSignal::new(None),
                note: RwSignal::new(String::new()),
            })
            .collect();
        Fields {
            areas: StoredValue::new(areas),
            support: RwSignal::new(String::new()),
            at_home: RwSignal::new(String::new()),
        }
    }

    fn fill(self, check: &ProgressCheck) {
        for f in self.areas.get_value() {
            if let Some(a) = check.areas.iter().find(|a| a.area == f.code) {
                f.standing.set(a.standing);
                f.note.set(a.note.clone());
            }
        }
        self.support.set(check.support.clone());
        self.at_home.set(check.at_home.clone());
    }

    /// The check as the form shows it now.
    fn onto(self, base: &ProgressCheck) -> ProgressCheck {
        let mut check = base.clone();
        for f in self.areas.get_value() {
            if let Some(a) = check.areas.iter_mut().find(|a| a.area == f.code) {
                a.standing = f.standing.get_untracked();
                a.note = f.note.get_untracked();
            }
        }
        check.support = self.support.get_untracked();
        check.at_home = self.at_home.get_untracked();
        check
    }
}

#[component]
pub fn ProgressCheckPage() -> impl IntoView {
    let auth = use_auth();
    let lock = use_lock();
    let params = use_params_map();
    let child_id =
        Memo::new(move |_| params.with(|p| p.get("id").and_then(|s| Uuid::parse_str(&s).ok())));
    let fields = Fields::new();
    let child = RwSignal::new(None::<Child>);
    let base = RwSignal::new(None::<ProgressCheck>);
    let missing = RwSignal::new(None::<String>);
    let saved = RwSignal::new(None::<Result<String, String>>);
    let problems = RwSignal::new(Vec::<Incomplete>::new());
    let refused = RwSignal::new(None::<String>);

    // Open the child's check on this tablet, or start one in memory (saved on the first change).
    Effect::new(move |_| {
        let (Some(keys), Some(me), Some(id)) = (lock.keys(), auth.session.get(), child_id.get())
        else {
            return;
        };
        spawn_local(async move {
            let found = match load_children(lock).await {
                Ok(shown) => shown.children.into_iter().find(|c| c.id == id),
                Err(e) => {
                    missing.set(Some(e.to_string()));
                    return;
                }
            };
            let Some(found) = found else {
                missing.set(Some(
                    "This child is not on this tablet’s list. Go back to Children and choose them there."
                        .into(),
                ));
                return;
            };
            let opened = async {
                let store = tablet::open().await?;
                progress_checks::latest_of_child(&store, &keys, id).await
            }
            .await;
            let check = match opened {
                Ok(Some(check)) => check,
                Ok(None) => {
                    ProgressCheck::new(Uuid::now_v7(), id, me.staff.id, today(), Utc::now())
                }
                Err(e) => {
                    missing.set(Some(e.to_string()));
                    return;
                }
            };
            fields.fill(&check);
            child.set(Some(found));
            base.set(Some(check));
        });
    });

    let me = move || auth.workflow_actor();
    let may = move |action: Action| {
        let (Some(subject), Some((actor, _, setting))) =
            (base.with(|b| b.as_ref().map(ProgressCheck::subject)), me())
        else {
            return false;
        };
        workflow::next(subject, actor, action, setting).is_ok()
    };
    let read_only = Signal::derive(move || !may(Action::Edit));

    // Seals the check and says so; `done` opens the sentence.
    let seal = move |keys: Rc<Keys>, check: ProgressCheck, done: &'static str| async move {
        let result = async {
            let store = tablet::open().await?;
            progress_checks::save(&store, &keys, &check).await
        }
        .await;
        saved.try_set(Some(saved_note(&result, done)));
        if result.is_ok() {
            base.try_set(Some(check));
        }
    };

    let autosave = Autosave::new();
    let persist = move || {
        if base.with_untracked(Option::is_none) || read_only.get_untracked() {
            return;
        }
        let Some(keys) = lock.keys() else { return };
        autosave.request(move || {
            let keys = keys.clone();
            async move {
                let Some(mut check) = base.try_get_untracked().flatten().map(|b| fields.onto(&b))
                else {
                    return;
                };
                check.version += 1;
                check.updated_at = Utc::now();
                seal(keys, check, "Saved on this tablet, encrypted,").await;
            }
        });
    };

    let submit = move |_| {
        let (Some(b), Some(born), Some((actor, my_id, setting))) = (
            base.get_untracked(),
            child.with_untracked(|c| c.as_ref().map(|c| c.date_of_birth)),
            me(),
        ) else {
            return;
        };
        let mut check = fields.onto(&b);
        let missing_bits = ready_to_submit(&check, born);
        problems.set(missing_bits.clone());
        refused.set(None);
        if !missing_bits.is_empty() {
            return;
        }
        match workflow::next(check.subject(), actor, Action::Submit, setting) {
            Ok(Some(status)) => {
                check.status = status;
                check.steps.push(Step {
                    action: Action::Submit,
                    by: my_id,
                    at: Utc::now(),
                    comment: None,
                });
                if let Some(keys) = lock.keys() {
                    // After any save under way, on top of the version it wrote: two writes
                    // claiming one version would have the second refused by the server.
                    autosave.then(async move {
                        if let Some(held) = base.try_get_untracked().flatten() {
                            check.version = held.version + 1;
                        }
                        check.updated_at = Utc::now();
                        seal(
                            keys,
                            check,
                            "Submitted and saved on this tablet, encrypted,",
                        )
                        .await
                    });
                }
            }
            Ok(None) => {}
            Err(e) => refused.set(Some(e.to_string())),
        }
    };

    let problem_for = move |field: String| {
        move || {
            let check = base.get();
            problems.with(|p| {
                p.iter()
                    .filter(|x| check.as_ref().is_some_and(|c| x.field(c) == field))
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(" ")
            })
        }
    };
    let first_name = move || child.with(|c| c.as_ref().map(|c| c.first_name.clone()));
    let due_line =
        move || child.with(|c| c.as_ref().map(|c| due(c.date_of_birth, today()).describe()));
    let status = move || base.with(|b| b.as_ref().map(|b| format!("Status: {}", b.status.label())));
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
    let name = move || first_name().unwrap_or_default();

    let area_cards = move || {
        fields
            .areas
            .get_value()
            .into_iter()
            .map(|f| {
                let group = format!("standing-{}", f.code);
                let note_id = format!("note-{}", f.code);
                let choices = Standing::ALL
                    .into_iter()
                    .map(|s| {
                        let group = group.clone();
                        view! {
                            <li class="choice"><label>
                                <input type="radio" name=group value=s.as_str() disabled=read_only
                                    prop:checked=move || f.standing.get() == Some(s)
                                    on:change=move |_| { f.standing.set(Some(s)); persist(); }/>
                                {s.label()}
                            </label></li>
                        }
                    })
                    .collect_view();
                view! {
                    <fieldset class="card check-area" data-area=f.code>
                        <legend>{f.name}</legend>
                        <ul class="choices">{choices}</ul>
                        <div class="field">
                            <label for=note_id.clone()>{move || format!("What {} can do, and what comes next", name())}</label>
                            <textarea autocomplete="off" id=note_id rows="4" prop:value=f.note.get_untracked() disabled=read_only
                                on:input=move |ev| { f.note.set(event_target_value(&ev)); persist(); }></textarea>
                        </div>
                        <p class="field-error">{problem_for(f.code.to_owned())}</p>
                    </fieldset>
                }
            })
            .collect_view()
    };

    let loaded = Memo::new(move |_| base.with(Option::is_some));
    let form = move || {
        loaded.get().then(|| view! {
            <p class="muted" data-testid="check-due">{due_line}</p>
            <p class="status-line" data-testid="check-status">{status}</p>
            <p class="field-error">{problem_for("check".into())}</p>
            {area_cards}
            <section class="card">
                <div class="field">
                    <label for="check-support">{move || format!("How we will support {}", name())}</label>
                    <p class="hint">"Needed where there is an area of concern: agree it with the parents, and say who else will help."</p>
                    <textarea autocomplete="off" id="check-support" rows="4" prop:value=fields.support.get_untracked() disabled=read_only
                        on:input=move |ev| { fields.support.set(event_target_value(&ev)); persist(); }></textarea>
                    <p class="field-error">{problem_for("support".into())}</p>
                </div>
                <div class="field">
                    <label for="check-at_home">"Ideas for home"</label>
                    <textarea autocomplete="off" id="check-at_home" rows="3" prop:value=fields.at_home.get_untracked() disabled=read_only
                        on:input=move |ev| { fields.at_home.set(event_target_value(&ev)); persist(); }></textarea>
                    <p class="field-error">{problem_for("at_home".into())}</p>
                </div>
                {move || saved.get().map(|s| match s {
                    Ok(m) => view! { <p class="notice" role="status" data-testid="saved">{m}</p> }.into_any(),
                    Err(m) => view! { <p class="notice notice-error" role="alert">{m}</p> }.into_any(),
                })}
                {move || refused.get().map(|m| view! { <p class="notice notice-error" role="alert">{m}</p> })}
                <Show when=move || may(Action::Submit)>
                    <button type="button" class="button primary" on:click=submit>{submit_label}</button>
                </Show>
            </section>
        })
    };

    view! {
        <Shell>
            <div class="page-head">
                <h1>{move || first_name().map(|n| format!("{n}’s two-year progress check")).unwrap_or_else(|| "Two-year progress check".into())}</h1>
                {move || child_id.get().map(|c| view! { <a class="button" href=format!("/children/{c}/progress")>"Progress"</a> })}
            </div>
            {move || missing.get().map(|m| view! { <p class="notice notice-error" role="alert">{m}</p> })}
            {form}
        </Shell>
    }
}
