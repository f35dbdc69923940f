//! One entry of the child's journal as the setting sent it, with its photos and the parent's
//! comments on it; a comment is kept on the phone and goes at the next sync.

use super::note_state::NoteLine;
use super::photo::SealedPhoto;
use crate::family::notes;
use crate::lock::use_lock;
use crate::store::family::{Note, Phone};
use burrow_core::dates::format_uk;
use burrow_core::eyfs;
use burrow_core::parent_view::ParentEntry;
use leptos::prelude::*;

#[component]
pub fn EntryCard(
    entry: ParentEntry,
    phone: Phone,
    notes_here: Vec<Note>,
    saved: Callback<()>,
) -> impl IntoView {
    let lock = use_lock();
    let comment = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let child = entry.children.first().copied();
    let names = entry
        .children
        .iter()
        .map(|c| phone.first_name(*c))
        .collect::<Vec<_>>()
        .join(" and ");
    let when = format_uk(entry.observed_at.date_naive());
    let aspects: Vec<&'static str> = entry
        .aspects
        .iter()
        .filter_map(|a| eyfs::current().aspect(a).map(|(_, aspect)| aspect.name))
        .collect();
    let entry_id = entry.id;
    let send = Action::new_local(move |text: &String| {
        let (text, keys, phone) = (text.clone(), lock.keys(), phone.clone());
        async move {
            let (Some(keys), Some(child)) = (keys, child) else {
                return Err("Unlock the journal first.".to_owned());
            };
            notes::write(&keys, &phone, child, Some(entry_id), &text, None).await
        }
    });
    Effect::new(move |_| match send.value().get() {
        Some(Ok(())) => {
            comment.set(String::new());
            problem.set(None);
            saved.run(());
        }
        Some(Err(e)) => problem.set(Some(e)),
        None => {}
    });
    let field = format!("comment-{entry_id}");
    let alt = format!("A photo of {names}");
    view! {
        <article class="card family-entry" data-testid="family-entry">
            <p class="eyebrow">{when}" · "{names.clone()}</p>
            <p class="entry-text">{entry.text}</p>
            {(!entry.next_steps.is_empty()).then(|| view! {
                <p><strong>"What’s next: "</strong>{entry.next_steps.clone()}</p>
            })}
            {(!aspects.is_empty()).then(|| view! { <p class="muted">{aspects.join(" · ")}</p> })}
            <div class="family-photos">
                {entry.photos.iter().map(|p| view! { <SealedPhoto id=p.id alt=alt.clone()/> }).collect_view()}
            </div>
            {(!notes_here.is_empty()).then(|| view! {
                <ul class="family-notes" aria-label="Your comments">
                    {notes_here.into_iter().map(|n| view! { <NoteLine note=n saved=saved/> }).collect_view()}
                </ul>
            })}
            <form class="comment" on:submit=move |ev| {
                ev.prevent_default();
                send.dispatch(comment.get_untracked());
            }>
                <label for=field.clone()>"A comment for the key person"</label>
                <textarea autocomplete="off" id=field name="comment" rows="2" bind:value=comment></textarea>
                {move || problem.get().map(|m| view! { <p class="notice notice-error" role="alert">{m}</p> })}
                <button class="button" type="submit" disabled=move || send.pending().get()>"Add comment"</button>
            </form>
        </article>
    }
}
