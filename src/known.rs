//! What the tablet knows about the children and their consent, for the screens that decide or
//! mark something by it: the camera, and the drafts whose photos consent no longer covers.

use crate::api::{self, ApiError};
use crate::store::{mirror, outing, roster, tablet};
use crate::today::today;
use burrow_core::api::Child;
use burrow_core::consent::{ConsentRecord, InFrame, Purpose, withdrawn_since};
use burrow_core::envelope::Kind;
use std::rc::Rc;
use uuid::Uuid;

/// The children and every consent answer, from the server when it can be reached (and then
/// kept, sealed), otherwise from the tablet.
#[derive(Clone)]
pub struct Known {
    pub children: Vec<Child>,
    pub consents: Vec<ConsentRecord>,
    pub from_tablet: bool,
}

pub async fn known(keys: Option<Rc<crate::store::keys::Keys>>) -> Result<Known, ApiError> {
    let keys = keys.ok_or(ApiError::Unreachable)?;
    let store = tablet::open()
        .await
        .map_err(|e| ApiError::on_tablet(e.to_string()))?;
    // On an outing the tablet keeps what it carries: the server's full lists stay there.
    let on_outing = outing::current(&store).await.ok().flatten().is_some();
    let online = async {
        if on_outing {
            return Err(ApiError::Unreachable);
        }
        let children = api::get::<Vec<Child>>("/api/children").await?;
        let consents = api::get::<Vec<ConsentRecord>>("/api/consent-records").await?;
        Ok::<_, ApiError>((children, consents))
    };
    match online.await {
        Ok((children, consents)) => {
            // Kept for the garden and outings; if keeping fails the camera still checks today's answers.
            let _ = roster::keep(&store, &keys, &children).await;
            let _ = mirror::keep(&store, &keys, Kind::Consent, &consents, |c| c.id).await;
            Ok(Known {
                children,
                consents,
                from_tablet: false,
            })
        }
        Err(ApiError::Unreachable) => {
            let tablet_error = |e: crate::store::db::StoreError| ApiError::on_tablet(e.to_string());
            let children = roster::kept(&store, &keys)
                .await
                .map_err(tablet_error)?
                .children;
            let consents = mirror::kept::<ConsentRecord>(&store, &keys, Kind::Consent)
                .await
                .map_err(tablet_error)?
                .items;
            Ok(Known {
                children,
                consents,
                from_tablet: true,
            })
        }
        Err(e) => Err(e),
    }
}

impl Known {
    /// For a photo already taken of `children`: why it could no longer be taken today (a
    /// withdrawal or a lapsed review), each reason naming the child. Empty if it still could.
    pub fn withdrawn(&self, children: &[Uuid]) -> Vec<String> {
        let in_frame: Vec<InFrame> = children
            .iter()
            .map(|id| InFrame {
                child_id: *id,
                first_name: self
                    .children
                    .iter()
                    .find(|c| c.id == *id)
                    .map(|c| c.first_name.clone())
                    .unwrap_or_else(|| "A child who has left".into()),
            })
            .collect();
        withdrawn_since(&in_frame, &self.consents, Purpose::JournalPhotos, today())
            .iter()
            .map(ToString::to_string)
            .collect()
    }
}
