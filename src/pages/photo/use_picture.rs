//! "Use as Ava’s picture", on a photo of one child: the photo shown beside their name on staff
//! lists. The server decides (core::child_picture: their key person or a manager, the child
//! alone, consent for their journal, not high-risk) and its refusal is shown as it says it.

use crate::api;
use burrow_core::api::{Child, ChildPictureRequest};
use leptos::prelude::*;
use uuid::Uuid;

#[component]
pub fn UseAsPicture(photo: Uuid, child: Uuid, first_name: String) -> impl IntoView {
    let said = RwSignal::new(None::<Result<String, String>>);
    let choose = Action::new_local(move |_: &()| async move {
        let req = ChildPictureRequest { photo: Some(photo) };
        api::put::<_, Child>(&format!("/api/children/{child}/picture"), &req).await
    });
    let name = first_name.clone();
    Effect::new(move |_| match choose.value().get() {
        Some(Ok(_)) => said.set(Some(Ok(format!(
            "This is {name}’s picture on the lists now."
        )))),
        Some(Err(e)) => said.set(Some(Err(e.to_string()))),
        None => {}
    });
    view! {
        <button class="button" disabled=move || choose.pending().get()
            on:click=move |_| { choose.dispatch(()); }>
            {format!("Use as {first_name}’s picture")}
        </button>
        {move || said.get().map(|s| match s {
            Ok(m) => view! { <p class="notice" role="status" data-testid="picture-chosen">{m}</p> }.into_any(),
            Err(m) => view! { <p class="notice notice-error" role="alert">{m}</p> }.into_any(),
        })}
    }
}
