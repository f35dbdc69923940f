//! "Keep Ava's journal": the journal as a PDF, or the keepsake zip with every photo too, made by
//! the setting's server for this family and fetched, signed by this phone, while it is on the
//! setting's Wi-Fi. The file is handed to the phone's own downloads through a memory-only object
//! URL; Burrow keeps no copy of it.
//!
//! A zip of hundreds of photos is large, and a parent walking out of the Wi-Fi's reach cuts it
//! short. What has arrived is kept (as the browser's own byte arrays, not copied into the app)
//! and the rest is asked for with `Range` and `If-Range` (the server's `keepsake::resume`): a
//! few tries straight away, then a "Carry on" button. If the journal changed meanwhile the
//! server sends the whole archive again, and the phone starts from its first byte.

use crate::enrolment::Signer;
use crate::store::family::Phone;
use leptos::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;
use uuid::Uuid;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

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

/// What has arrived of one download: the pieces, how many bytes, the archive's tag (so the
/// rest is asked for from the same archive) and its whole length once the server said it.
#[derive(Default)]
struct Arrived {
    pieces: Vec<js_sys::Uint8Array>,
    bytes: u64,
    tag: Option<String>,
    total: Option<u64>,
}

impl Arrived {
    fn restart(&mut self) {
        *self = Arrived::default();
    }
}

/// How far a download has got, for the screen.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
struct Progress {
    bytes: u64,
    total: Option<u64>,
}

impl Progress {
    fn megabytes(n: u64) -> String {
        format!("{:.1} MB", n as f64 / 1_000_000.0)
    }

    fn words(self) -> String {
        match self.total {
            Some(total) => format!(
                "{} of {}",
                Self::megabytes(self.bytes),
                Self::megabytes(total)
            ),
            None => Self::megabytes(self.bytes),
        }
    }
}

/// Tries in one go before the phone asks the parent to carry on.
const TRIES: u32 = 4;

/// The length after the slash of `Content-Range: bytes 100-999/1000`.
fn range_total(header: &str) -> Option<u64> {
    header.rsplit_once('/')?.1.trim().parse().ok()
}

enum Outcome {
    /// Every byte is here.
    Whole,
    /// The connection broke part way: what arrived is kept.
    Cut,
}

/// One request: from the start, or the rest of the archive the phone has part of.
async fn one_try(
    signer: &Signer,
    path: &str,
    arrived: &Rc<RefCell<Arrived>>,
    progress: WriteSignal<Progress>,
) -> Result<Outcome, String> {
    // Only with part of an archive and its tag is the rest asked for.
    let (range, tag) = {
        let a = arrived.borrow();
        let resumable = a.bytes > 0;
        (
            format!("bytes={}-", a.bytes),
            a.tag.clone().filter(|_| resumable),
        )
    };
    let extra: Vec<(&str, &str)> = match &tag {
        Some(tag) => vec![("Range", range.as_str()), ("If-Range", tag.as_str())],
        None => Vec::new(),
    };
    let Ok(response) = signer.send_with("GET", path, &[], "", &extra).await else {
        return Ok(Outcome::Cut);
    };
    let header = |name: &str| response.headers().get(name);
    match response.status() {
        // The whole archive: a first try, or the journal changed since the part the phone has.
        200 => {
            let mut a = arrived.borrow_mut();
            a.restart();
            a.tag = header("etag");
            a.total = header("content-length").and_then(|n| n.parse().ok());
        }
        206 => {
            let mut a = arrived.borrow_mut();
            a.total = header("content-range").and_then(|r| range_total(&r));
        }
        // The server no longer has that part: start again.
        416 => {
            arrived.borrow_mut().restart();
            return Ok(Outcome::Cut);
        }
        _ => {
            let e = crate::api::read::<()>(response)
                .await
                .err()
                .unwrap_or(crate::api::ApiError::BadAnswer);
            return Err(e.to_string());
        }
    }
    {
        let a = arrived.borrow();
        progress.set(Progress {
            bytes: a.bytes,
            total: a.total,
        });
    }
    let Some(body) = response.body() else {
        return Ok(Outcome::Cut);
    };
    let reader: web_sys::ReadableStreamDefaultReader = body.get_reader().unchecked_into();
    loop {
        let Ok(step) = JsFuture::from(reader.read()).await else {
            return Ok(Outcome::Cut);
        };
        let done = js_sys::Reflect::get(&step, &"done".into())
            .ok()
            .and_then(|d| d.as_bool())
            .unwrap_or(true);
        if done {
            let a = arrived.borrow();
            // A response that ends early without an error still is not the whole archive.
            return Ok(match a.total {
                Some(total) if a.bytes < total => Outcome::Cut,
                _ => Outcome::Whole,
            });
        }
        let Ok(piece) = js_sys::Reflect::get(&step, &"value".into())
            .map(|v| v.unchecked_into::<js_sys::Uint8Array>())
        else {
            return Ok(Outcome::Cut);
        };
        let mut a = arrived.borrow_mut();
        a.bytes += u64::from(piece.length());
        a.pieces.push(piece);
        progress.set(Progress {
            bytes: a.bytes,
            total: a.total,
        });
    }
}

/// Fetches the keepsake, carrying on from what `arrived` already holds, and hands back an
/// object URL of the whole file.
async fn fetch(
    phone: &Phone,
    child: Uuid,
    what: Keepsake,
    arrived: Rc<RefCell<Arrived>>,
    progress: WriteSignal<Progress>,
) -> Result<String, String> {
    let signer = Signer::new(&phone.enrolment)
        .await
        .map_err(|e| e.to_string())?;
    let path = format!("/api/parent/children/{child}/{}", what.path());
    for attempt in 0..TRIES {
        if attempt > 0 {
            crate::pause::pause(1_500 * attempt as i32).await;
        }
        if let Outcome::Whole = one_try(&signer, &path, &arrived, progress).await? {
            let parts = js_sys::Array::new();
            for piece in &arrived.borrow().pieces {
                parts.push(piece);
            }
            arrived.borrow_mut().restart();
            let options = web_sys::BlobPropertyBag::new();
            options.set_type(what.mime());
            return web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)
                .and_then(|blob| web_sys::Url::create_object_url_with_blob(&blob))
                .map_err(|_| "This phone could not hold the journal to save it.".to_owned());
        }
    }
    let a = arrived.borrow();
    Err(format!(
        "The download stopped at {}. Stay on the setting's Wi-Fi and carry on: what has arrived is kept.",
        Progress {
            bytes: a.bytes,
            total: a.total
        }
        .words()
    ))
}

#[component]
pub fn KeepsakeButton(phone: Phone, child: Uuid, what: Keepsake) -> impl IntoView {
    let first = phone.first_name(child);
    let plain: String = first.chars().filter(char::is_ascii_alphanumeric).collect();
    let file = match what {
        Keepsake::Pdf => format!("{plain}-learning-journal.pdf"),
        Keepsake::Zip => format!("{plain}-keepsake.zip"),
    };
    // Kept across tries (and taps of "Carry on") while this screen is open.
    let arrived = Rc::new(RefCell::new(Arrived::default()));
    let (progress, set_progress) = signal(Progress::default());
    let get = Action::new_local(move |_: &()| {
        let phone = phone.clone();
        let arrived = arrived.clone();
        async move { fetch(&phone, child, what, arrived, set_progress).await }
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
    let carry_on = "Carry on downloading".to_owned();
    view! {
        <div class="actions" data-testid="keepsake">
            {move || match get.value().get() {
                Some(Ok(url)) => view! {
                    <a class="button primary" href=url download=file.clone()>{save.clone()}</a>
                }.into_any(),
                other => {
                    let failed = other.and_then(Result::err);
                    let label = if failed.is_some() && progress.get_untracked().bytes > 0 {
                        carry_on.clone()
                    } else {
                        label.clone()
                    };
                    view! {
                        <button class="button" on:click=move |_| { get.dispatch(()); } disabled=move || get.pending().get()>
                            {move || if get.pending().get() {
                                let p = progress.get();
                                if p.bytes == 0 {
                                    "Making the journal…".to_owned()
                                } else {
                                    format!("Downloading… {}", p.words())
                                }
                            } else {
                                label.clone()
                            }}
                        </button>
                        {failed.map(|e| view! { <p class="notice notice-error" role="alert">{e}</p> })}
                    }.into_any()
                }
            }}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_length_is_read_from_a_content_range() {
        assert_eq!(range_total("bytes 100-999/1000"), Some(1000));
        assert_eq!(range_total("bytes */1000"), Some(1000));
        assert_eq!(range_total("bytes 0-9/*"), None);
    }

    #[test]
    fn progress_reads_in_megabytes() {
        let p = Progress {
            bytes: 45_200_000,
            total: Some(99_300_000),
        };
        assert_eq!(p.words(), "45.2 MB of 99.3 MB");
        assert_eq!(
            Progress {
                bytes: 1_000_000,
                total: None
            }
            .words(),
            "1.0 MB"
        );
    }
}
