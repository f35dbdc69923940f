//! A note the parent wrote, with where it stands: on this phone, with the setting, refused (with
//! the setting's reason, and a way to send it again once put right, such as the phone's clock).

use crate::lock::use_lock;
use crate::store::family::{self, Note, NoteState};
use crate::store::tablet;
use leptos::prelude::*;

#[component]
pub fn NoteLine(note: Note, saved: Callback<()>) -> impl IntoView {
    let lock = use_lock();
    let state = match (&note.state, note.brought_in) {
        (_, true) => "Your key person added this to the journal.".to_owned(),
        (NoteState::Sent, false) => "With the setting.".to_owned(),
        (NoteState::Waiting, false) => {
            "On this phone: it goes to the setting at your next sync there.".to_owned()
        }
        (NoteState::Refused(why), false) => {
            format!("The setting could not take this: {why}")
        }
    };
    let refused = matches!(note.state, NoteState::Refused(_));
    let problem = RwSignal::new(None::<String>);
    let text = note.note.text.clone();
    let again = Action::new_local(move |_: &()| {
        let (keys, mut note) = (lock.keys(), note.clone());
        async move {
            let keys = keys.ok_or("Open the journal first.")?;
            note.state = NoteState::Waiting;
            let store = tablet::open().await.map_err(|e| e.to_string())?;
            family::keep_note(&store, &keys, note)
                .await
                .map_err(|e| e.to_string())
        }
    });
    Effect::new(move |_| match again.value().get() {
        Some(Ok(())) => saved.run(()),
        Some(Err(e)) => problem.set(Some(e)),
        None => {}
    });
    view! {
        <li class="family-note" class:refused=refused>
            <p class="note-text">{text}</p>
            <p class="muted note-state" role=refused.then_some("alert")>{state}</p>
            {refused.then(|| view! {
                <button class="button quiet" on:click=move |_| { again.dispatch(()); }>"Send it again at the next sync"</button>
            })}
            {move || problem.get().map(|m| view! { <p class="notice notice-error" role="alert">{m}</p> })}
        </li>
    }
}
