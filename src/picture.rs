//! A photo's picture for the screen. Normally from the tablet's sealed copy; once the half-term
//! purge has taken that off (issue 16), from the setting's server while on the premises, for
//! the screen only: held in memory as an object URL, never stored on the tablet again. Off the
//! premises the screen says where the photo is.

use crate::enrolment::{self, Signer};
use crate::store::db::Store;
use crate::store::keys::Keys;
use burrow_core::photo::PhotoRecord;
use futures::FutureExt;
use futures::future::{LocalBoxFuture, Shared};
use std::cell::RefCell;
use std::rc::Rc;

/// What a screen can show for a photo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Picture {
    /// An object URL of the JPEG (the caller revokes it when it leaves the screen).
    Url(String),
    /// Not on this tablet and the server is out of reach: "On the setting’s server".
    OnServer,
}

/// The words shown where a photo that is only on the server would be.
pub const ON_SERVER: &str = "On the setting’s server";

/// The server's side of one screen of pictures: the handshake with the setting's server (it
/// proves itself against the pinned key) is made once, when the first picture needs it, and
/// shared by every other picture on the screen. A failed one (off the premises) is forgotten,
/// so a row scrolled into view later tries again.
#[derive(Clone, Default)]
pub struct FromServer(Rc<RefCell<Option<Handshake>>>);

/// The handshake under way or done, awaited by every picture that needs it.
type Handshake = Shared<LocalBoxFuture<'static, Option<Rc<Signer>>>>;

impl FromServer {
    async fn signer(&self, keys: &Rc<Keys>) -> Option<Rc<Signer>> {
        let pending = self
            .0
            .borrow_mut()
            .get_or_insert_with(|| {
                let keys = Rc::clone(keys);
                async move {
                    let enrolment = enrolment::current(&keys).await.ok()??;
                    Signer::new(&enrolment).await.ok().map(Rc::new)
                }
                .boxed_local()
                .shared()
            })
            .clone();
        let signer = pending.await;
        if signer.is_none() {
            self.0.borrow_mut().take();
        }
        signer
    }
}

/// The thumbnail of `record` (`full` for the photo itself). None if the tablet's copy will not
/// open (damaged), which the caller shows as it already does.
pub async fn of(
    store: &Store,
    keys: &Rc<Keys>,
    server: &FromServer,
    record: &PhotoRecord,
    full: bool,
) -> Option<Picture> {
    let (id, sha256) = if full {
        (record.id, record.sha256.as_deref())
    } else {
        (record.thumb_id, record.thumb_sha256.as_deref())
    };
    match store.get_photo(keys, id).await {
        Ok(Some(bytes)) => crate::blob_url::jpeg(&bytes).map(Picture::Url),
        Ok(None) => {
            let fetched = match sha256 {
                Some(sha256) => for_screen(server, keys, sha256).await,
                None => None,
            };
            Some(
                fetched
                    .and_then(|bytes| crate::blob_url::jpeg(&bytes))
                    .map_or(Picture::OnServer, Picture::Url),
            )
        }
        Err(_) => None,
    }
}

/// The picture from the server, signed as this tablet, if it is in reach.
async fn for_screen(server: &FromServer, keys: &Rc<Keys>, sha256: &str) -> Option<Vec<u8>> {
    let signer = server.signer(keys).await?;
    let response = signer
        .send("GET", &format!("/api/photos/{sha256}"), b"", "")
        .await
        .ok()?;
    if !response.ok() {
        return None;
    }
    response.binary().await.ok()
}
