//! Enrolling devices: a new tablet registers its public key and shows a code; a manager or
//! deputy types that code to approve it and names it; they can revoke it at any time. The
//! server proves its identity to tablets by signing their nonce. `hello` is the first route
//! that only enrolled devices may call (sync's routes use the same proof).

use crate::auth::{Manager, SignedIn};
use crate::error::{ApiJson, AppError};
use crate::extract::Path;
use crate::proof::Signed;
use crate::state::AppState;
use crate::store::audit::{self, Event};
use crate::store::devices;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use burrow_core::audit::Action;
use burrow_core::codes::normalise_code;
use burrow_core::device::{
    ApproveRequest, Device, DeviceError, EnrolRequest, EnrolResponse, IdentityRequest,
    IdentityResponse, NONCE_LEN, check_public_key, device_name, enrol_code, link_message,
};
use burrow_core::holdings::{Holdings, Reported, check as check_holdings};
use burrow_core::outing::{Outing, OutingReport};
use chrono::Utc;
use ring::signature::{ECDSA_P256_SHA256_FIXED, UnparsedPublicKey};
use uuid::Uuid;

/// More tablets than this waiting at once is not a nursery: someone is filling the table.
const MOST_PENDING: u32 = 50;

fn device_id(raw: &str) -> Result<Uuid, AppError> {
    Uuid::parse_str(raw).map_err(|_| {
        AppError::refused(
            StatusCode::BAD_REQUEST,
            "That is not a device's identifier.",
        )
    })
}

fn not_found() -> AppError {
    AppError::refused(
        StatusCode::NOT_FOUND,
        "The setting's server does not know this tablet. Start its enrolment again.",
    )
}

pub async fn identity(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<IdentityRequest>,
) -> Result<Json<IdentityResponse>, AppError> {
    let nonce: [u8; NONCE_LEN] = hex::decode(&req.nonce)
        .ok()
        .and_then(|n| n.try_into().ok())
        .ok_or_else(|| AppError::invalid("nonce", "A nonce is 64 hexadecimal digits."))?;
    let signature = state
        .identity
        .prove(&nonce)
        .ok_or_else(|| AppError::internal("signing the identity nonce failed"))?;
    Ok(Json(IdentityResponse {
        public_key: hex::encode(state.identity.public_key()),
        signature: hex::encode(signature),
    }))
}

pub async fn request(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<EnrolRequest>,
) -> Result<(StatusCode, Json<EnrolResponse>), AppError> {
    let key = hex::decode(&req.public_key)
        .ok()
        .filter(|k| check_public_key(k).is_ok())
        .ok_or_else(|| AppError::invalid("public_key", DeviceError::BadKey.to_string()))?;
    let hash = crate::secrets::digest(&key);
    let code = enrol_code(&hash);
    let new_id = Uuid::now_v7();
    let link = match &req.tablet {
        Some(l) => Some((
            l.id,
            hex::decode(&l.proof).ok().ok_or_else(|| {
                AppError::invalid("tablet", "The tablet's proof is not in the right form.")
            })?,
        )),
        None => None,
    };
    let (id, created) = state
        .db
        .call(move |c| {
            let tx = c.transaction()?;
            let existing = devices::has_key(&tx, &key)?;
            if !existing && devices::pending_count(&tx)? >= MOST_PENDING {
                return Err(AppError::refused(
                    StatusCode::TOO_MANY_REQUESTS,
                    "Too many tablets are waiting to be approved. Ask your manager to approve or remove them first.",
                ));
            }
            let now = Utc::now();
            let id = devices::request(&tx, new_id, &key, &code, now)?;
            if let Some((tablet, proof)) = &link {
                tie_tablet_key(&tx, *tablet, proof, &key, id)?;
            }
            if !existing {
                audit::append(&tx, Event::new(Action::DeviceRequested).device(id), now)?;
            }
            tx.commit()?;
            Ok((id, !existing))
        })
        .await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        Json(EnrolResponse {
            id,
            code: enrol_code(&hash),
        }),
    ))
}

/// Ties the tablet's key on the server to this enrolment, once the tablet's door key has signed
/// for it: from then on the key goes to that tablet only while this enrolment is approved.
fn tie_tablet_key(
    tx: &rusqlite::Connection,
    tablet: Uuid,
    proof: &[u8],
    enrolment_key: &[u8],
    device: Uuid,
) -> Result<(), AppError> {
    let cannot = || {
        AppError::refused(
            StatusCode::FORBIDDEN,
            "This tablet could not prove it is the one that was set up with this key. Reload Burrow and ask to enrol again.",
        )
    };
    let door = crate::store::tablet_key(tx, tablet)?
        .and_then(|row| row.door_key)
        .ok_or_else(cannot)?;
    UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, &door)
        .verify(&link_message(tablet, enrolment_key), proof)
        .map_err(|_| cannot())?;
    if !crate::store::link_tablet_key(tx, tablet, device)? {
        return Err(AppError::conflict(
            None,
            "This tablet is already enrolled under another request. Ask a manager to remove the old one in Settings, then enrol again.",
        ));
    }
    Ok(())
}

/// Where a device stands, for managers. A tablet waiting on its approval learns it from a
/// request signed with its own key (`hello`): a pending tablet's code is never told to anyone
/// else who knows its id.
pub async fn status(
    _: Manager,
    State(state): State<AppState>,
    Path(raw): Path<String>,
) -> Result<Json<Device>, AppError> {
    let id = device_id(&raw)?;
    state
        .db
        .call(move |c| Ok(devices::get(c, id)?))
        .await?
        .map(Json)
        .ok_or_else(not_found)
}

/// `POST /api/sync/holdings`: what this tablet holds now (counts and dates, no names), kept for
/// the manager's list of tablets.
pub async fn holdings(
    _: SignedIn,
    State(state): State<AppState>,
    signed: Signed,
) -> Result<StatusCode, AppError> {
    let holdings: Holdings = serde_json::from_slice(&signed.body).map_err(|_| {
        AppError::refused(
            StatusCode::BAD_REQUEST,
            "Send what this tablet holds as counts and dates.",
        )
    })?;
    check_holdings(&holdings).map_err(|e| AppError::invalid("photos_here", e.to_string()))?;
    let device = signed.device;
    let reported = Reported {
        holdings,
        at: Utc::now(),
    };
    state
        .db
        .call(move |c| Ok(devices::set_holdings(c, device, &reported)?))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn list(
    _: Manager,
    State(state): State<AppState>,
) -> Result<Json<Vec<Device>>, AppError> {
    Ok(Json(state.db.call(|c| Ok(devices::list(c)?)).await?))
}

pub async fn approve(
    Manager(staff): Manager,
    State(state): State<AppState>,
    Path(raw): Path<String>,
    ApiJson(req): ApiJson<ApproveRequest>,
) -> Result<Json<Device>, AppError> {
    let id = device_id(&raw)?;
    let name = device_name(&req.name).map_err(|e| AppError::invalid("name", e.to_string()))?;
    let typed = normalise_code(&req.code);
    let device = state
        .db
        .call(move |c| {
            let tx = c.transaction()?;
            let Some(code) = devices::pending_code(&tx, id)? else {
                return Err(match devices::get(&tx, id)? {
                    None => not_found(),
                    Some(_) => AppError::conflict(
                        None,
                        "This tablet is not waiting for approval: it is already enrolled or was removed.",
                    ),
                });
            };
            if normalise_code(&code) != typed {
                return Err(AppError::invalid("code", DeviceError::WrongCode.to_string()));
            }
            let now = Utc::now();
            devices::approve(&tx, id, &name, staff.id, now)?;
            audit::append(
                &tx,
                Event::new(Action::DeviceApproved).by(&staff).device(id),
                now,
            )?;
            let device = devices::get(&tx, id)?.ok_or_else(not_found)?;
            tx.commit()?;
            Ok(device)
        })
        .await?;
    tracing::info!(device = %id, "device enrolled");
    Ok(Json(device))
}

pub async fn revoke(
    Manager(staff): Manager,
    State(state): State<AppState>,
    Path(raw): Path<String>,
) -> Result<Json<Device>, AppError> {
    let id = device_id(&raw)?;
    let device = state
        .db
        .call(move |c| {
            let tx = c.transaction()?;
            if devices::get(&tx, id)?.is_none() {
                return Err(not_found());
            }
            let now = Utc::now();
            if !devices::revoke(&tx, id, staff.id, now)? {
                return Err(AppError::conflict(None, "This tablet was already removed."));
            }
            audit::append(
                &tx,
                Event::new(Action::DeviceRemoved).by(&staff).device(id),
                now,
            )?;
            let device = devices::get(&tx, id)?.ok_or_else(not_found)?;
            tx.commit()?;
            Ok(device)
        })
        .await?;
    tracing::info!(device = %id, "device revoked");
    Ok(Json(device))
}

/// An enrolled device says hello with a signed request; the answer is how it stands.
pub async fn hello(
    State(state): State<AppState>,
    signed: Signed,
) -> Result<Json<Device>, AppError> {
    let id = signed.device;
    state
        .db
        .call(move |c| Ok(devices::get(c, id)?))
        .await?
        .map(Json)
        .ok_or_else(not_found)
}

/// `POST /api/sync/outing`: this tablet leaves on an outing with so many children (never which),
/// or is back; audited, and shown to managers.
pub async fn outing(
    signed_in: SignedIn,
    State(state): State<AppState>,
    signed: Signed,
) -> Result<StatusCode, AppError> {
    let report: OutingReport = serde_json::from_slice(&signed.body).map_err(|_| {
        AppError::refused(
            StatusCode::BAD_REQUEST,
            "Send whether the tablet is leaving on an outing or back, and how many children go.",
        )
    })?;
    let device = signed.device;
    let now = Utc::now();
    let out = report.out.then_some(Outing {
        since: now,
        children: report.children,
    });
    state
        .db
        .call(move |c| {
            let tx = c.transaction()?;
            devices::set_outing(&tx, device, out.as_ref())?;
            let event = if report.out {
                Event::new(Action::OutingStarted).detail(format!(
                    "{} {}",
                    report.children,
                    if report.children == 1 {
                        "child"
                    } else {
                        "children"
                    }
                ))
            } else {
                Event::new(Action::OutingEnded)
            };
            audit::append(&tx, event.by(&signed_in.staff).device(device), now)?;
            tx.commit()?;
            Ok(())
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
