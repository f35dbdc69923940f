//! A parent's phone: their children's journal, read from the phone's sealed store (so it opens
//! at home), brought up to date by "Sync now" on the setting's Wi-Fi; their comments and wow
//! moments; and who had the journal.

mod enrol;
mod entry;
mod keepsake;
mod moment;
mod note_state;
mod photo;
mod trail;

pub use enrol::FamilyEnrolPage;

use crate::components::auto_lock::AutoLock;
use crate::components::notice::ErrorNotice;
use crate::family;
use crate::family::sync::{FamilySyncError, run};
use crate::lock::{LockState, use_lock};
use crate::store::family::{self as kept, Note, Phone};
use crate::store::tablet;
use burrow_core::api::ParentAuditEntry;
use burrow_core::parent_view::ParentEntry;
use entry::EntryCard;
use keepsake::{Keepsake, KeepsakeButton};
use leptos::prelude::*;
use moment::MomentForm;
use note_state::NoteLine;
use trail::Trail;

#[component]
pub fn FamilyPage() -> impl IntoView {
    let lock = use_lock();
    let unlocked = Memo::new(move |_| lock.state.with(|s| matches!(s, LockState::Unlocked(_))));
    // A phone not set up never comes here (`family::app::Screen::at` sends it to set-up).
    move || {
        if unlocked.get() {
            crate::lazy_pages::family_journal().into_any()
        } else {
            view! { <FamilyUnlock/> }.into_any()
        }
    }
}

#[component]
fn FamilyUnlock() -> impl IntoView {
    let lock = use_lock();
    let passphrase = RwSignal::new(String::new());
    let open = Action::new_local(move |p: &String| {
        let p = p.clone();
        async move { family::unlock(lock, &p).await.map_err(|e| e.to_string()) }
    });
    let problem = Signal::derive(move || open.value().get().and_then(Result::err));
    let forgot = RwSignal::new(false);
    let cleared = RwSignal::new(None::<String>);
    view! {
        <section class="card narrow" data-screen="family-unlock">
            <h1>"Your child’s journal"</h1>
            {move || lock.reason.get().filter(|r| !r.is_empty()).map(|r| view! { <p class="notice" role="status">{r}</p> })}
            <p>"Type your passphrase to open the journal on this phone."</p>
            <form on:submit=move |ev| { ev.prevent_default(); open.dispatch(passphrase.get_untracked()); }>
                <ErrorNotice message=problem/>
                <div class="field">
                    <label for="family-passphrase">"Passphrase"</label>
                    <input id="family-passphrase" type="password" autocomplete="current-password" bind:value=passphrase/>
                </div>
                <button class="button primary" type="submit" disabled=move || open.pending().get()>"Open"</button>
            </form>
            <Show when=move || forgot.get() fallback=move || view! {
                <p class="aside"><button type="button" class="link" on:click=move |_| forgot.set(true)>"Forgotten your passphrase?"</button></p>
            }>
                <p>"Without it, nothing on this phone can be opened, by you or anyone else. Burrow can clear this phone so you can set it up again with a new code from the setting’s manager; the journal comes back at your next sync there."</p>
                <button class="button danger" on:click=move |_| {
                    leptos::task::spawn_local(async move {
                        if let Err(e) = family::start_again(lock).await {
                            cleared.set(Some(e));
                        }
                    });
                }>"Clear this phone and set it up again"</button>
                <button class="button quiet" on:click=move |_| forgot.set(false)>"Keep trying"</button>
                <ErrorNotice message=cleared/>
            </Show>
        </section>
    }
}

#[derive(Clone)]
struct Loaded {
    phone: Phone,
    entries: Vec<ParentEntry>,
    damaged: usize,
    notes: Vec<Note>,
    trail: Vec<ParentAuditEntry>,
}

async fn load(keys: Option<std::rc::Rc<crate::store::keys::Keys>>) -> Result<Loaded, String> {
    let keys = keys.ok_or("Open the journal with your passphrase first.")?;
    let store = tablet::open().await.map_err(|e| e.to_string())?;
    let phone = kept::phone(&store, &keys)
        .await
        .map_err(|e| e.to_string())?
        .ok_or(
            "This phone’s set-up could not be read. Ask the setting’s manager for a new code.",
        )?;
    let entries = kept::entries(&store, &keys)
        .await
        .map_err(|e| e.to_string())?;
    Ok(Loaded {
        phone,
        damaged: entries.damaged.len(),
        entries: entries.items,
        notes: kept::notes(&store, &keys)
            .await
            .map_err(|e| e.to_string())?,
        trail: kept::trail(&store, &keys)
            .await
            .map_err(|e| e.to_string())?,
    })
}

#[component]
pub(crate) fn FamilyJournal() -> impl IntoView {
    let lock = use_lock();
    let revision = RwSignal::new(0u32);
    let loaded = LocalResource::new(move || {
        revision.track();
        load(lock.keys())
    });
    let saved = Callback::new(move |()| revision.update(|r| *r += 1));
    let sync = Action::new_local(move |_: &()| {
        let keys = lock.keys();
        async move {
            let keys = keys.ok_or_else(|| {
                FamilySyncError::Api(crate::api::ApiError::on_tablet(
                    "Open the journal first.".into(),
                ))
            })?;
            let store = tablet::open().await?;
            let phone = kept::phone(&store, &keys).await?.ok_or_else(|| {
                FamilySyncError::Api(crate::api::ApiError::on_tablet(
                    "This phone’s set-up could not be read.".into(),
                ))
            })?;
            run(&store, &keys, &phone).await
        }
    });
    let message = RwSignal::new(None::<(bool, String)>);
    Effect::new(move |_| match sync.value().get() {
        Some(Ok(report)) => {
            let mut said = format!(
                "Up to date. {} new or changed {}.",
                report.entries,
                if report.entries == 1 {
                    "entry"
                } else {
                    "entries"
                }
            );
            if report.notes_sent > 0 {
                said.push_str(&format!(
                    " {} of your notes went to the setting.",
                    report.notes_sent
                ));
            }
            if report.notes_refused > 0 {
                said.push_str(" The setting could not take a note: see why beside it.");
            }
            message.set(Some((false, said)));
            revision.update(|r| *r += 1);
        }
        Some(Err(FamilySyncError::Withdrawn)) => {
            leptos::task::spawn_local(async move {
                if let Err(e) = family::wipe(lock).await {
                    message.set(Some((true, e)));
                }
            });
        }
        Some(Err(e)) => message.set(Some((true, e.to_string()))),
        None => {}
    });
    // A phone is put down anywhere: it locks like a tablet does, after the default idle time.
    let idle_seconds = burrow_core::lock::DEFAULT_LOCK_AFTER_MINUTES * 60;
    view! {
        <AutoLock seconds=idle_seconds/>
        <section class="family" data-screen="family">
            <Transition fallback=|| view! { <p class="loading">"Opening the journal…"</p> }>
                {move || loaded.get().map(|r| match r {
                    Err(e) => view! { <p class="notice notice-error" role="alert">{e}</p> }.into_any(),
                    Ok(l) => {
                        let names = l.phone.children.iter().map(|(_, n)| n.clone()).collect::<Vec<_>>().join(" and ");
                        let title = if names.is_empty() { "Your family journal".to_owned() } else { format!("{names}’s journal") };
                        let leaving: Vec<(uuid::Uuid, String)> = l.phone.leaving.iter().map(|x| {
                            let first = l.phone.first_name(x.child);
                            (x.child, format!("{first}’s last day is {}. Keep {first}’s journal: download it before then.", burrow_core::dates::format_uk(x.last_day)))
                        }).collect();
                        let left: Vec<String> = l.phone.left.iter().map(|(_, first)| {
                            format!("{first} has left the setting, so {first}’s journal has closed and has been taken off this phone. Thank you for sharing {first}’s time with us.")
                        }).collect();
                        let empty = l.entries.is_empty();
                        let moments: Vec<Note> = l.notes.iter().filter(|n| n.note.entry.is_none()).cloned().collect();
                        view! {
                            <header class="card">
                                <p class="eyebrow">"Family journal"</p>
                                <h1>{title}</h1>
                                {leaving.into_iter().map(|(child, m)| view! {
                                    <p class="notice" role="status" data-testid="family-leaving">{m}</p>
                                    <div class="keepsake">
                                        <KeepsakeButton phone=l.phone.clone() child=child what=Keepsake::Pdf/>
                                        <KeepsakeButton phone=l.phone.clone() child=child what=Keepsake::Zip/>
                                    </div>
                                }).collect_view()}
                                {left.into_iter().map(|m| view! { <p class="notice" role="status" data-testid="family-left">{m}</p> }).collect_view()}
                                <p class="muted">"New entries come when this phone is on the setting’s Wi-Fi, at drop-off or pick-up. What is here stays readable at home."</p>
                                <div class="actions">
                                    <button class="button primary" on:click=move |_| { message.set(None); sync.dispatch(()); } disabled=move || sync.pending().get()>
                                        {move || if sync.pending().get() { "Syncing…" } else { "Sync now" }}
                                    </button>
                                    <button class="button" on:click=move |_| lock.lock("Locked.")>"Lock"</button>
                                </div>
                                {move || message.get().map(|(bad, m)| view! {
                                    <p class="notice" class:notice-error=bad role=if bad { "alert" } else { "status" } data-testid="family-sync">{m}</p>
                                })}
                                {(l.damaged > 0).then(|| view! { <p class="notice notice-error" role="alert">{format!("{} entries on this phone could not be opened; they come again at the next sync.", l.damaged)}</p> })}
                            </header>
                            <MomentForm phone=l.phone.clone() saved=saved/>
                            {(!moments.is_empty()).then(|| view! {
                                <section class="card" aria-labelledby="moments-heading">
                                    <h2 id="moments-heading">"Your wow moments"</h2>
                                    <ul class="family-notes">{moments.into_iter().map(|n| view! { <NoteLine note=n saved=saved/> }).collect_view()}</ul>
                                </section>
                            })}
                            <h2>"Entries"</h2>
                            {empty.then(|| view! { <p class="card muted">"No entries on this phone yet. They come at your next sync at the setting, once the key person’s entries are published."</p> })}
                            {l.entries.into_iter().map(|e| {
                                let here: Vec<Note> = l.notes.iter().filter(|n| n.note.entry == Some(e.id)).cloned().collect();
                                view! { <EntryCard entry=e phone=l.phone.clone() notes_here=here saved=saved/> }
                            }).collect_view()}
                            <Trail trail=l.trail names=l.phone.children.clone()/>
                        }.into_any()
                    }
                })}
            </Transition>
        </section>
    }
}
