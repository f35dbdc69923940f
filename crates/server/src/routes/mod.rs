//! The API, one module per area, merged in `api_router`.

mod addresses;
mod audit;
mod backups;
mod certificate;
mod child_picture;
mod children;
mod consents;
mod deletions;
mod devices;
mod high_risk;
mod keepsake;
mod leaving;
mod options;
mod parent_notes;
mod parent_photos;
mod parents;
mod photos;
mod posterity;
mod publishing;
mod retention;
mod session;
mod setup;
mod staff;
mod status;
/// Public for the fuzz targets (`fuzz/`), which decode a push as this route does.
pub mod sync;
mod tablet_keys;

use crate::error::AppError;
use crate::state::AppState;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::routing::{get, post};

pub use certificate::ca_certificate;
pub use children::today_in_england;
pub(crate) use leaving::family;

pub fn api_router() -> Router<AppState> {
    Router::new()
        .route("/status", get(status::status))
        .route("/server/identity", post(devices::identity))
        .route("/devices", get(devices::list).post(devices::request))
        .route("/devices/{id}", get(devices::status))
        .route("/devices/{id}/approve", post(devices::approve))
        .route("/devices/{id}/revoke", post(devices::revoke))
        .route("/device/hello", post(devices::hello))
        // A batch of observations is bigger than a form; a photo piece bigger still.
        .route(
            "/sync/push",
            post(sync::push).layer(DefaultBodyLimit::max(sync::BODY_LIMIT)),
        )
        .route("/sync/pull", get(sync::pull))
        .route("/sync/standing", get(sync::standing))
        .route("/sync/lacks", post(sync::resend::lacking))
        .route(
            "/sync/resend",
            post(sync::resend::resend).layer(DefaultBodyLimit::max(sync::BODY_LIMIT)),
        )
        .route("/sync/deletions", post(deletions::tablet_done))
        .route("/sync/holdings", post(devices::holdings))
        .route("/sync/outing", post(devices::outing))
        .route("/deletions", get(deletions::list))
        .route("/deletions/{id}/receipt", get(deletions::receipt))
        .route("/parent/closed", post(deletions::phone_done))
        .route("/photos/missing", post(photos::missing))
        .route(
            "/photos/{sha256}",
            get(photos::download)
                .put(photos::upload)
                .layer(DefaultBodyLimit::max(photos::BODY_LIMIT)),
        )
        .route("/server/addresses", get(addresses::list))
        .route("/server/qr/app.svg", get(addresses::app_qr))
        .route("/server/qr/certificate.svg", get(addresses::certificate_qr))
        .route("/backups", get(backups::status))
        .route("/backups/recovery-key", post(backups::recovery_key))
        .route("/backups/folder", axum::routing::put(backups::folder))
        .route("/backups/now", post(backups::now))
        .route("/audit", get(audit::list))
        .route("/audit/check", get(audit::check))
        .route(
            "/audit/retention",
            get(audit::retention).put(audit::set_retention),
        )
        .route("/audit/wrong-passphrases", post(audit::wrong_passphrases))
        .route("/parents", get(parents::list).post(parents::add))
        .route("/parents/enrol", post(parents::enrol))
        .route("/parents/{id}/withdraw", post(parents::withdraw))
        .route("/parent/journal", get(parents::journal))
        .route("/parent/audit", get(parents::trail))
        .route("/parent/photos/{id}", get(parent_photos::photo))
        .route(
            "/parent/children/{id}/keepsake.pdf",
            get(keepsake::parent_pdf),
        )
        .route(
            "/parent/children/{id}/keepsake.zip",
            get(keepsake::parent_zip),
        )
        .route(
            "/parent/notes",
            get(parent_notes::mine).post(parent_notes::add),
        )
        .route(
            "/parent/notes/{id}/photo",
            axum::routing::put(parent_notes::add_photo)
                .layer(DefaultBodyLimit::max(parent_notes::PHOTO_BODY_LIMIT)),
        )
        .route("/family-notes", get(parent_notes::list))
        .route("/family-notes/{id}/photo", get(parent_notes::photo))
        .route(
            "/family-notes/{id}/brought-in",
            post(parent_notes::brought_in),
        )
        .route("/setup", post(setup::setup))
        .route(
            "/session",
            get(session::current)
                .post(session::sign_in)
                .delete(session::sign_out),
        )
        .route("/invites/claim", post(session::claim_invite))
        .route("/staff", get(staff::list).post(staff::add))
        .route("/staff/{id}", axum::routing::delete(staff::delete))
        .route("/staff/{id}/remove", post(staff::remove))
        .route("/staff/{id}/role", post(staff::change_role))
        .route("/children", get(children::list).post(children::add))
        .route(
            "/children/{id}/consents",
            get(consents::of_child).post(consents::record),
        )
        .route(
            "/children/{id}/high-risk",
            axum::routing::put(high_risk::flag),
        )
        .route("/children/{id}/leaving", axum::routing::put(leaving::set))
        .route(
            "/children/{id}/picture",
            axum::routing::put(child_picture::set),
        )
        .route("/children/{id}/posterity", get(posterity::list))
        .route(
            "/children/{id}/posterity/{photo}",
            axum::routing::put(posterity::choose),
        )
        .route("/children/{id}/keepsake.pdf", get(keepsake::staff_pdf))
        .route("/children/{id}/keepsake.zip", get(keepsake::staff_zip))
        .route("/photo-records/{id}/sign-off", post(high_risk::sign_off))
        .route("/publishing/photos", get(publishing::candidates))
        .route(
            "/publishing/policy",
            get(publishing::policy).put(publishing::set_policy),
        )
        .route("/published", get(publishing::list).post(publishing::choose))
        .route(
            "/published/display-sheet.pdf",
            get(publishing::display_sheet),
        )
        .route("/published/{id}/file", get(publishing::file))
        .route("/published/{id}/taken-down", post(publishing::taken_down))
        .route("/consents", get(consents::setting_overview))
        .route("/consent-records", get(consents::records))
        .route("/setting/options", get(options::get).put(options::put))
        .route(
            "/setting/photo-retention",
            get(retention::get).put(retention::put),
        )
        .route(
            "/tablet-keys/{device_id}",
            get(tablet_keys::get).put(tablet_keys::put),
        )
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
}

async fn not_found() -> AppError {
    AppError::refused(StatusCode::NOT_FOUND, "There is nothing at this address.")
}

async fn method_not_allowed() -> AppError {
    AppError::refused(
        StatusCode::METHOD_NOT_ALLOWED,
        "This address does not accept that kind of request.",
    )
}
