//! A child's journal: newest first, filtered by area, dates and status, searched over the text
//! (in memory, on the decrypted observations: there is no index in the clear). The list is
//! virtualized, so thousands of entries keep a bounded number of DOM nodes, and thumbnails are
//! decrypted only for the rows on screen (and kept, in memory, while the page is open).

use crate::auth::use_auth;
use crate::components::shell::Shell;
use crate::lock::use_lock;
use crate::pages::children::load as load_children;
use crate::picture::{ON_SERVER, Picture};
use crate::store::{observations, photos, tablet};
use burrow_core::eyfs;
use burrow_core::observation::{Filter, Observation, journal};
use burrow_core::workflow::Status;
use chrono::{Local, NaiveDate};
use leptos::html::Div;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;
use std::collections::HashMap;
use uuid::Uuid;

/// Every row is the same height, so the rows on screen follow from the scroll position alone.
const ROW: f64 = 152.0;
/// Rows drawn above and below the visible ones, so a quick flick shows no gap.
const OVERSCAN: usize = 4;

#[derive(Clone)]
struct Loaded {
    all: Vec<Observation>,
    damaged: Vec<Uuid>,
}

#[component]
pub fn JournalPage() -> impl IntoView {
    let auth = use_auth();
    let lock = use_lock();
    let params = use_params_map();
    let child =
        Memo::new(move |_| params.with(|p| p.get("id").and_then(|s| Uuid::parse_str(&s).ok())));
    let children = LocalResource::new(move || load_children(lock));
    let names = Memo::new(move |_| {
        children
            .get()
            .and_then(Result::ok)
            .map(|s| {
                s.children
                    .into_iter()
                    .map(|c| (c.id, (c.first_name, c.surname)))
                    .collect::<HashMap<_, _>>()
            })
            .unwrap_or_default()
    });
    let sync = crate::sync::use_sync();
    let loaded = LocalResource::new(move || {
        sync.revision.track();
        let keys = lock.keys();
        let child = child.get();
        async move {
            let (Some(keys), Some(child)) = (keys, child) else {
                return Err(
                    "This journal cannot be opened: unlock the tablet and try again.".to_owned(),
                );
            };
            let store = tablet::open().await.map_err(|e| e.to_string())?;
            let (all, damaged) = observations::of_child(&store, &keys, child)
                .await
                .map_err(|e| e.to_string())?;
            Ok(Loaded { all, damaged })
        }
    });

    let area = RwSignal::new(String::new());
    let status = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let words = RwSignal::new(String::new());
    let filter = Memo::new(move |_| Filter {
        area: Some(area.get()).filter(|a| !a.is_empty()),
        from: NaiveDate::parse_from_str(&from.get(), "%Y-%m-%d").ok(),
        to: NaiveDate::parse_from_str(&to.get(), "%Y-%m-%d").ok(),
        status: Status::parse(&status.get()),
        text: words.get(),
    });
    let entries = Memo::new(move |_| {
        let (Some(Ok(loaded)), Some(child)) = (loaded.get(), child.get()) else {
            return (Vec::new(), 0);
        };
        let shown: Vec<Observation> = journal(&loaded.all, child, &filter.get())
            .into_iter()
            .cloned()
            .collect();
        (shown, loaded.all.len())
    });

    let title = move || {
        let id = child.get()?;
        names.with(|n| n.get(&id).map(|(first, _)| format!("{first}’s journal")))
    };
    let counts = move || {
        let (shown, all) = entries.with(|(s, a)| (s.len(), *a));
        if shown == all {
            format!("{all} observation{}", if all == 1 { "" } else { "s" })
        } else {
            format!("{shown} of {all} observations match")
        }
    };
    let notes = move || {
        loaded.get().map(|r| match r {
            Ok(l) => l
                .damaged
                .iter()
                .map(|&record_id| {
                    view! { <p class="notice notice-error" role="alert">{crate::store::db::StoreError::Damaged { record_id }.to_string()}</p> }
                })
                .collect_view()
                .into_any(),
            Err(e) => view! { <p class="notice notice-error" role="alert">{e}</p> }.into_any(),
        })
    };
    let new_link = move || child.get().map(|c| format!("/observe?children={c}"));
    let _ = auth;

    view! {
        <Shell>
            <div class="page-head">
                <h1>{title}</h1>
                <a class="button" href=move || child.get().map(|c| format!("/children/{c}/progress"))>"Progress"</a>
                <a class="button primary" href=new_link>"New observation"</a>
            </div>
            {notes}
            <section class="card filters" aria-label="Find in the journal">
                <div class="field">
                    <label for="journal-search">"Search"</label>
                    <input id="journal-search" type="search" placeholder="Words in the observation"
                        on:input=move |ev| words.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="journal-area">"Area"</label>
                    <select id="journal-area" on:change=move |ev| area.set(event_target_value(&ev))>
                        <option value="">"All areas"</option>
                        {eyfs::current().areas.iter().map(|a| view! { <option value=a.code>{a.name}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="journal-status">"Status"</label>
                    <select id="journal-status" on:change=move |ev| status.set(event_target_value(&ev))>
                        <option value="">"Any status"</option>
                        {Status::ALL.into_iter().map(|s| view! { <option value=s.as_str()>{s.label()}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="journal-from">"From"</label>
                    <input id="journal-from" type="date" on:change=move |ev| from.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="journal-to">"To"</label>
                    <input id="journal-to" type="date" on:change=move |ev| to.set(event_target_value(&ev))/>
                </div>
            </section>
            <p class="muted" role="status" data-testid="journal-count">{counts}</p>
            <Entries entries=entries child=child names=names/>
        </Shell>
    }
}

/// The virtualized list itself.
#[component]
fn Entries(
    entries: Memo<(Vec<Observation>, usize)>,
    child: Memo<Option<Uuid>>,
    names: Memo<HashMap<Uuid, (String, String)>>,
) -> impl IntoView {
    let lock = use_lock();
    let viewport = NodeRef::<Div>::new();
    let scroll_top = RwSignal::new(0.0);
    let height = RwSignal::new(700.0);
    // Decrypted thumbnails by photo, kept while the journal is open: rows come and go as it
    // scrolls or is filtered, so each row has its own signal and the URLs live here.
    let thumbs = StoredValue::new_local(HashMap::<Uuid, String>::new());
    // One handshake with the server for the whole journal, for photos only there.
    let from_server = StoredValue::new_local(crate::picture::FromServer::default());
    on_cleanup(move || {
        thumbs.try_with_value(|t| {
            for url in t.values() {
                let _ = web_sys::Url::revoke_object_url(url);
            }
        });
    });
    // A new filter starts at the top.
    Effect::new(move |_| {
        entries.track();
        if let Some(v) = viewport.get_untracked() {
            v.set_scroll_top(0);
        }
        scroll_top.set(0.0);
    });
    let visible = Memo::new(move |_| {
        let first = ((scroll_top.get() / ROW) as usize).saturating_sub(OVERSCAN);
        let count = (height.get() / ROW).ceil() as usize + 2 * OVERSCAN;
        entries.with(|(all, _)| {
            all.iter()
                .enumerate()
                .skip(first)
                .take(count)
                .map(|(i, o)| (i, o.clone()))
                .collect::<Vec<_>>()
        })
    });
    let total = move || entries.with(|(all, _)| all.len() as f64 * ROW);

    // The thumbnail of a row's first photo: from the journal's cache, or decrypted when the row
    // first shows. The signal belongs to the row and may be gone by the time the photo is ready.
    // A photo the half-term purge took off the tablet comes from the server on the premises,
    // for the screen only; off them the row says where it is.
    let thumb = move |photo: Uuid| -> RwSignal<Option<Picture>> {
        let cached = thumbs.with_value(|t| t.get(&photo).cloned());
        let signal = RwSignal::new(cached.clone().map(Picture::Url));
        if cached.is_some() {
            return signal;
        }
        if let Some(keys) = lock.keys() {
            let from_server = from_server.get_value();
            spawn_local(async move {
                let Ok(store) = tablet::open().await else {
                    return;
                };
                let Ok(Some(record)) = photos::record(&store, &keys, photo).await else {
                    return;
                };
                match crate::picture::of(&store, &keys, &from_server, &record, false).await {
                    Some(Picture::OnServer) => {
                        signal.try_set(Some(Picture::OnServer));
                    }
                    Some(Picture::Url(url)) => {
                        let kept = thumbs.try_update_value(|t| match t.get(&photo) {
                            // Another row for the same photo was quicker: use its URL.
                            Some(first) => first.clone(),
                            None => {
                                t.insert(photo, url.clone());
                                url.clone()
                            }
                        });
                        match kept {
                            Some(kept) => {
                                if kept != url {
                                    let _ = web_sys::Url::revoke_object_url(&url);
                                }
                                signal.try_set(Some(Picture::Url(kept)));
                            }
                            // The journal was closed meanwhile.
                            None => {
                                let _ = web_sys::Url::revoke_object_url(&url);
                            }
                        }
                    }
                    None => {}
                }
            });
        }
        signal
    };

    let row = move |(i, obs): (usize, Observation)| {
        let me = child.get_untracked();
        let in_it: Vec<Uuid> = obs
            .children
            .iter()
            .copied()
            .filter(|c| Some(*c) != me)
            .collect();
        // The names arrive separately from the entries (the server, or the tablet's copy).
        let others = move || {
            (!in_it.is_empty()).then(|| {
                let names: Vec<String> = names.with(|n| {
                    in_it
                        .iter()
                        .map(|c| {
                            n.get(c)
                                .map(|(f, _)| f.clone())
                                .unwrap_or_else(|| "another child".into())
                        })
                        .collect()
                });
                view! { <span>{format!("with {}", names.join(", "))}</span> }
            })
        };
        let areas: Vec<&str> = obs
            .tags
            .areas()
            .into_iter()
            .filter_map(|code| eyfs::current().area(code).map(|a| a.short))
            .collect();
        let when = obs
            .observed_at
            .with_timezone(&Local)
            .format("%a %-d %b %Y, %H:%M")
            .to_string();
        let picture = obs.photos.first().copied().map(thumb);
        let text = if obs.text.trim().is_empty() {
            "(A photo)".to_owned()
        } else {
            obs.text.clone()
        };
        view! {
            <li class="entry" style=format!("top: {}px; height: {}px;", i as f64 * ROW, ROW - 8.0)>
                <a href=format!("/observations/{}", obs.id) class="entry-link">
                    <div class="entry-body">
                        <p class="entry-meta">
                            <span>{when}</span>
                            <span class="badge">{obs.status.label()}</span>
                            {others}
                        </p>
                        <p class="entry-text">{text}</p>
                        <p class="entry-tags">{areas.join(" · ")}</p>
                    </div>
                    {picture.map(|p| view! {
                        <div class="entry-thumb">
                            {move || p.get().map(|picture| match picture {
                                Picture::Url(url) => view! { <img src=url alt="Photo in this observation" width="96" height="96"/> }.into_any(),
                                Picture::OnServer => view! { <span class="on-server" data-testid="photo-on-server">{ON_SERVER}</span> }.into_any(),
                            })}
                        </div>
                    })}
                </a>
            </li>
        }
    };

    view! {
        <div class="journal-viewport" node_ref=viewport data-testid="journal"
            on:scroll=move |_| {
                if let Some(v) = viewport.get_untracked() {
                    scroll_top.set(f64::from(v.scroll_top()));
                    height.set(f64::from(v.client_height()).max(ROW));
                }
            }>
            <ul class="journal-list" style=move || format!("height: {}px;", total())>
                <For each=move || visible.get() key=|(i, o)| (*i, o.id, o.version) children=row/>
            </ul>
        </div>
    }
}
