//! "Keep Ava's journal": the journal as a PDF, or the keepsake zip with every photo too, made by
//! the setting's server for this family and fetched, signed by this phone, while it is on the
//! setting's Wi-Fi. The file is handed to the phone's own downloads through a memory-only object
//! URL; Burrow keeps no copy of it.

use crate::api::{self, ApiError};
use crate::enrolment::Signer;
use crate::store::family::Phone;
use leptos::prelude::*;
use uuid::Uuid;

/// What a family can take away: the journal alone, or with every photo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keepsake {
    Pdf,
    Zip,
}

impl Keepsake {
    fn path(self) -> &'static str {
        match self {
            Keepsake::Pdf => "keepsake.pdf",
            Keepsake::Zip => "keepsake.zip",
        }
    }

    fn mime(self) -> &'static str {
        match self {
            Keepsake::Pdf => "application/pdf",
            Keepsake::Zip => "application/zip",
        }
    }
}

async fn fetch(phone: &Phone, child: Uuid, what: Keepsake) -> Result<Vec<u8>, String> {
    let signer = Signer::new(&phone.enrolment)
        .await
        .map_err(|e| e.to_string())?;
    let response = signer
        .send(
            "GET",
            &format!("/api/parent/children/{child}/{}", what.path()),
            &[],
            "",
        )
        .await
        .map_err(|e| e.to_string())?;
    if !response.ok() {
        let e = api::read::<()>(response)
            .await
            .err()
            .unwrap_or(ApiError::BadAnswer);
        return Err(e.to_string());
    }
    response
        .binary()
        .await
        .map_err(|_| ApiError::BadAnswer.to_string())
}

#[component]
pub fn KeepsakeButton(phone: Phone, child: Uuid, what: Keepsake) -> impl IntoView {
    let first = phone.first_name(child);
    let plain: String = first.chars().filter(char::is_ascii_alphanumeric).collect();
    let file = match what {
        Keepsake::Pdf => format!("{plain}-learning-journal.pdf"),
        Keepsake::Zip => format!("{plain}-keepsake.zip"),
    };
    let get = Action::new_local(move |_: &()| {
        let phone = phone.clone();
        async move {
            let bytes = fetch(&phone, child, what).await?;
            crate::blob_url::of(&bytes, what.mime())
                .ok_or_else(|| "This phone could not hold the journal to save it.".to_owned())
        }
    });
    on_cleanup(move || {
        if let Some(Ok(url)) = get.value().get_untracked() {
            let _ = web_sys::Url::revoke_object_url(&url);
        }
    });
    let (label, save) = match what {
        Keepsake::Pdf => (
            format!("Get {first}’s journal (PDF)"),
            format!("Save {first}’s journal (PDF)"),
        ),
        Keepsake::Zip => (
            format!("Get {first}’s journal and photos (zip)"),
            format!("Save {first}’s journal and photos (zip)"),
        ),
    };
    view! {
        <div class="actions" data-testid="keepsake">
            {move || match get.value().get() {
                Some(Ok(url)) => view! {
                    <a class="button primary" href=url download=file.clone()>{save.clone()}</a>
                }.into_any(),
                other => view! {
                    <button class="button" on:click=move |_| { get.dispatch(()); } disabled=move || get.pending().get()>
                        {let label = label.clone(); move || if get.pending().get() { "Making the journal…".to_owned() } else { label.clone() }}
                    </button>
                    {other.and_then(Result::err).map(|e| view! { <p class="notice notice-error" role="alert">{e}</p> })}
                }.into_any(),
            }}
        </div>
    }
}
