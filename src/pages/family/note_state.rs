//! A note the parent wrote, with where it stands: on this phone, with the setting, refused.

use crate::store::family::{Note, NoteState};
use leptos::prelude::*;

#[component]
pub fn NoteLine(note: Note) -> impl IntoView {
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
    view! {
        <li class="family-note" class:refused=refused>
            <p class="note-text">{note.note.text}</p>
            <p class="muted note-state" role=refused.then_some("alert")>{state}</p>
        </li>
    }
}
