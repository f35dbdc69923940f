//! A photo's picture for the screen. Normally from the tablet's sealed copy; once the half-term
//! purge has taken that off (issue 16), from the setting's server while on the premises, for
//! the screen only: held in memory as an object URL, never stored on the tablet again. Off the
//! premises the screen says where the photo is.

use crate::enrolment::{self, Signer};
use crate::store::db::Store;
use crate::store::keys::Keys;
use burrow_core::photo::PhotoRecord;

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

/// The thumbnail of `record` (`full` for the photo itself). None if the tablet's copy will not
/// open (damaged), which the caller shows as it already does.
pub async fn of(store: &Store, keys: &Keys, record: &PhotoRecord, full: bool) -> Option<Picture> {
    let (id, sha256) = if full {
        (record.id, record.sha256.as_deref())
    } else {
        (record.thumb_id, record.thumb_sha256.as_deref())
    };
    match store.get_photo(keys, id).await {
        Ok(Some(bytes)) => crate::blob_url::jpeg(&bytes).map(Picture::Url),
        Ok(None) => {
            let fetched = match sha256 {
                Some(sha256) => for_screen(keys, sha256).await,
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
async fn for_screen(keys: &Keys, sha256: &str) -> Option<Vec<u8>> {
    let enrolment = enrolment::current(keys).await.ok()??;
    let signer = Signer::new(&enrolment).await.ok()?;
    let response = signer
        .send("GET", &format!("/api/photos/{sha256}"), b"", "")
        .await
        .ok()?;
    if !response.ok() {
        return None;
    }
    response.binary().await.ok()
}
