//! Photos used beyond the journals (issue 21): a manager or deputy chooses photos of the
//! journals' shared entries for a display, the website or social media; core::publishing
//! decides for every child in each; the file leaves re-encoded without metadata, named for the
//! setting and the day, masked where the setting's policy asks; each use is audited per child,
//! so each family's trail shows it; and the "Published" list says which no longer may be used,
//! for the manager to take down and record.

use crate::auth::Manager;
use crate::error::{ApiJson, AppError};
use crate::extract::{Path, Query};
use crate::routes::today_in_england;
use crate::state::AppState;
use crate::store::audit::{self, Event};
use crate::store::publishing as store;
use crate::store::{self as db, sync as records};
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use burrow_core::api::{
    Child, PublishCandidate, PublishRequest, Published, PublishingPolicy, TakenDown, UseStanding,
};
use burrow_core::audit::Action;
use burrow_core::consent::ConsentRecord;
use burrow_core::photo::{FaceRegion, PhotoRecord};
use burrow_core::publishing::{
    Choice, FacesPolicy, InPhoto, InUse, PublishRefused, Use, caption, file_name, may_publish,
    no_longer_stands, sheet_file_name,
};
use burrow_core::sync::{NotToday, not_today_id};
use chrono::{NaiveDate, Utc};
use rusqlite::Connection;
use uuid::Uuid;

/// At most this many photos are offered at once, newest first.
const CANDIDATES: usize = 60;

#[derive(serde::Deserialize)]
pub struct ForQuery {
    #[serde(rename = "for")]
    used_for: String,
}

fn parse_use(s: &str) -> Result<Use, AppError> {
    Use::parse(s).ok_or_else(|| {
        AppError::invalid(
            "for",
            "Choose where the photo is used: a display, the website or social media.",
        )
    })
}

/// What bears on one photo: the children in it as the setting knows them, their answers, their
/// "not today" on the day it was taken, and the high-risk sign-off.
struct Facts {
    children: Vec<InPhoto>,
    consents: Vec<ConsentRecord>,
    not_today: Vec<Uuid>,
    signed_off_by: Option<Uuid>,
}

/// Why a photo's facts could not be gathered.
#[derive(Debug, thiserror::Error)]
enum FactsError {
    /// The day's "not today" wishes will not read: the photo is refused, never taken as
    /// "nobody said no".
    #[error(
        "The setting’s record of who said “not today” on the day this photo was taken cannot be read, so it is not used. Tell whoever looks after the server."
    )]
    UnreadableWishes,
    #[error(transparent)]
    Store(#[from] AppError),
}

impl From<FactsError> for AppError {
    fn from(e: FactsError) -> AppError {
        match e {
            FactsError::UnreadableWishes => AppError::conflict(None, e.to_string()),
            FactsError::Store(e) => e,
        }
    }
}

fn facts(c: &Connection, record: &PhotoRecord, all: &[Child]) -> Result<Facts, FactsError> {
    let mut children = Vec::new();
    let mut consents = Vec::new();
    for id in &record.children {
        let known = all.iter().find(|k| k.id == *id);
        children.push(InPhoto {
            child: *id,
            first_name: known
                .map_or_else(|| "A child who has left".into(), |k| k.first_name.clone()),
            high_risk: known.is_some_and(|k| k.high_risk),
            face_marked: record.regions.iter().any(|r| r.child == *id),
        });
        consents.extend(
            db::consents_of(c, *id)
                .map_err(AppError::from)?
                .into_iter()
                .map(|e| e.record),
        );
    }
    let day = crate::routes::sync::apply::photo_day(record.taken_at);
    // The day's wishes as the tablets sent them; one that will not read is a refusal, never
    // "nobody said no".
    let not_today = match records::not_today(c, not_today_id(day)).map_err(AppError::from)? {
        None => Vec::new(),
        Some(body) => match serde_json::from_str::<NotToday>(&body) {
            Ok(w) => w.children,
            Err(_) => return Err(FactsError::UnreadableWishes),
        },
    };
    Ok(Facts {
        children,
        consents,
        not_today,
        signed_off_by: store::signed_off_by(c, record.id).map_err(AppError::from)?,
    })
}

/// One audit entry per child in the photo, so each family's trail shows it: the photo's id and
/// the use, never a name.
fn audit_each(
    tx: &Connection,
    action: Action,
    me: &burrow_core::api::StaffMember,
    children: &[Uuid],
    photo: Uuid,
    used_for: Use,
    now: chrono::DateTime<Utc>,
) -> Result<(), AppError> {
    for child in children {
        audit::append(
            tx,
            Event::new(action)
                .by(me)
                .child(*child)
                .subject(photo)
                .detail(used_for.as_str()),
            now,
        )?;
    }
    Ok(())
}

fn photo_record(c: &Connection, photo: Uuid) -> Result<Option<PhotoRecord>, AppError> {
    Ok(crate::store::parents::photo_body(c, photo)?.and_then(|b| serde_json::from_str(&b).ok()))
}

fn refused(e: PublishRefused) -> AppError {
    match e {
        PublishRefused::NotAManager => AppError::refused(StatusCode::FORBIDDEN, e.to_string()),
        _ => AppError::conflict(None, e.to_string()),
    }
}

/// `GET /api/publishing/photos?for=…`: the journals' photos the server holds, newest first,
/// each with whether it may be used and why not.
pub async fn candidates(
    Manager(me): Manager,
    State(state): State<AppState>,
    query: Result<Query<ForQuery>, AppError>,
) -> Result<Json<Vec<PublishCandidate>>, AppError> {
    let Query(q) = query?;
    let used_for = parse_use(&q.used_for)?;
    let today = today_in_england();
    let vault = state.clone();
    let out = state
        .db
        .read(move |c| {
            let all = db::list_children(c)?;
            let policy = store::policy(c)?;
            let in_use = store::in_use(c, used_for)?;
            let mut out = Vec::new();
            for (photo, _) in store::journal_photos(c, CANDIDATES)? {
                let Some(record) = photo_record(c, photo)? else {
                    continue;
                };
                if !record
                    .sha256
                    .as_deref()
                    .is_some_and(|h| vault.photos.holds(h))
                {
                    continue;
                }
                let f = match facts(c, &record, &all) {
                    Ok(f) => f,
                    Err(e @ FactsError::UnreadableWishes) => {
                        out.push(PublishCandidate {
                            children: Vec::new(),
                            refused: Some(e.to_string()),
                            in_use: in_use.contains(&photo),
                            record,
                        });
                        continue;
                    }
                    Err(FactsError::Store(e)) => return Err(e),
                };
                let choice = Choice {
                    by: me.id,
                    role: me.role,
                    used_for,
                    policy,
                    children: &f.children,
                    not_today: &f.not_today,
                    signed_off_by: f.signed_off_by,
                };
                out.push(PublishCandidate {
                    children: f.children.iter().map(|k| k.first_name.clone()).collect(),
                    refused: may_publish(choice, &f.consents, today)
                        .err()
                        .map(|e| e.to_string()),
                    in_use: in_use.contains(&photo),
                    record,
                });
            }
            Ok(out)
        })
        .await?;
    Ok(Json(out))
}

/// One use as the manager's list shows it, checked again against today.
fn describe(
    c: &Connection,
    row: store::Row,
    all: &[Child],
    policy: FacesPolicy,
    vault: &crate::photos::PhotoVault,
    today: NaiveDate,
) -> Result<Published, AppError> {
    let record = photo_record(c, row.photo)?;
    // Only the children still listed for it (a leaver's deletion takes theirs).
    let mut listed = record.clone().unwrap_or_else(|| PhotoRecord {
        id: row.photo,
        thumb_id: row.photo,
        children: Vec::new(),
        taken_by: row.chosen_by,
        taken_at: row.chosen_at,
        width: 0,
        height: 0,
        sha256: None,
        thumb_sha256: None,
        regions: Vec::new(),
    });
    listed.children.retain(|c| row.children.contains(c));
    let f = facts(c, &listed, all)?;
    let held = record
        .as_ref()
        .and_then(|r| r.sha256.as_deref())
        .is_some_and(|h| vault.holds(h));
    let no_longer = no_longer_stands(
        InUse {
            used_for: row.used_for,
            chosen_by: row.chosen_by,
            signed_off_by: f.signed_off_by,
            masked: row.masked,
            children: &f.children,
            children_when_chosen: row.children_total,
            photo_held: held,
        },
        policy,
        &f.consents,
        today,
    );
    Ok(Published {
        id: row.id,
        photo: row.photo,
        used_for: row.used_for,
        chosen_by: row.chosen_by_name,
        chosen_at: row.chosen_at,
        file_name: row.file_name,
        caption: row.caption,
        children: f.children.into_iter().map(|k| k.first_name).collect(),
        masked: row.masked,
        no_longer,
        taken_down: row.taken_down.map(|(by, at)| TakenDown { by, at }),
        record: record.filter(|_| held),
    })
}

fn one(c: &Connection, id: Uuid) -> Result<store::Row, AppError> {
    store::list(c, Some(id))?
        .into_iter()
        .next()
        .ok_or_else(|| AppError::refused(StatusCode::NOT_FOUND, "Not found."))
}

/// `GET /api/published`: everything used, where, and whether it still may be.
pub async fn list(
    _: Manager,
    State(state): State<AppState>,
) -> Result<Json<Vec<Published>>, AppError> {
    let today = today_in_england();
    let vault = state.clone();
    let out = state
        .db
        .read(move |c| {
            let all = db::list_children(c)?;
            let policy = store::policy(c)?;
            store::list(c, None)?
                .into_iter()
                .map(|row| describe(c, row, &all, policy, &vault.photos, today))
                .collect()
        })
        .await?;
    Ok(Json(out))
}

/// `POST /api/published`: use a photo for a purpose, if core allows it for every child in it.
pub async fn choose(
    Manager(me): Manager,
    State(state): State<AppState>,
    ApiJson(req): ApiJson<PublishRequest>,
) -> Result<(StatusCode, Json<Published>), AppError> {
    let today = today_in_england();
    let now = Utc::now();
    let vault = state.clone();
    let shown = state
        .db
        .call(move |c| {
            let tx = c.transaction()?;
            let not_here = || {
                AppError::invalid(
                    "photo",
                    "That photo is not in a shared journal entry on the setting’s server. Sync the tablet that took it, and choose it once its entry is shared.",
                )
            };
            let record = photo_record(&tx, req.photo)?.ok_or_else(not_here)?;
            let aspects = store::aspects_of(&tx, req.photo)?.ok_or_else(not_here)?;
            if !record.sha256.as_deref().is_some_and(|h| vault.photos.holds(h)) {
                return Err(not_here());
            }
            if store::in_use(&tx, req.used_for)?.contains(&req.photo) {
                return Err(AppError::conflict(
                    None,
                    format!(
                        "This photo is already chosen for {}.",
                        req.used_for.phrase()
                    ),
                ));
            }
            let all = db::list_children(&tx)?;
            let f = facts(&tx, &record, &all)?;
            let plan = may_publish(
                Choice {
                    by: me.id,
                    role: me.role,
                    used_for: req.used_for,
                    policy: store::policy(&tx)?,
                    children: &f.children,
                    not_today: &f.not_today,
                    signed_off_by: f.signed_off_by,
                },
                &f.consents,
                today,
            )
            .map_err(refused)?;
            let setting = db::setting_name(&tx)?.unwrap_or_default();
            let n = store::next_number(&tx, today)?;
            let id = Uuid::now_v7();
            store::add(
                &tx,
                &store::New {
                    id,
                    photo: req.photo,
                    used_for: req.used_for,
                    day: today,
                    n,
                    file_name: &file_name(&setting, today, n, "jpg"),
                    caption: &caption(&setting, &aspects),
                    masked: !plan.mask.is_empty(),
                    by: me.id,
                    at: now,
                    children: &record.children,
                },
            )?;
            audit_each(&tx, Action::PhotoPublished, &me, &record.children, req.photo, req.used_for, now)?;
            let shown = describe(&tx, one(&tx, id)?, &all, store::policy(&tx)?, &vault.photos, today)?;
            tx.commit()?;
            Ok(shown)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(shown)))
}

/// `POST /api/published/{id}/taken-down`: the manager took it down where it was used.
pub async fn taken_down(
    Manager(me): Manager,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> Result<Json<Published>, AppError> {
    let today = today_in_england();
    let vault = state.clone();
    let now = Utc::now();
    let shown = state
        .db
        .call(move |c| {
            let tx = c.transaction()?;
            let row = one(&tx, id)?;
            if !store::take_down(&tx, id, me.id, now)? {
                return Err(AppError::conflict(
                    None,
                    "This photo is already recorded as taken down.",
                ));
            }
            audit_each(
                &tx,
                Action::PhotoTakenDown,
                &me,
                &row.children,
                row.photo,
                row.used_for,
                now,
            )?;
            let all = db::list_children(&tx)?;
            let shown = describe(
                &tx,
                one(&tx, id)?,
                &all,
                store::policy(&tx)?,
                &vault.photos,
                today,
            )?;
            tx.commit()?;
            Ok(shown)
        })
        .await?;
    Ok(Json(shown))
}

/// A use that may still go out: not taken down, and every child's consent still standing.
/// Returns the photo's hash and the faces to mask.
fn still_usable(shown: &Published) -> Result<(String, Vec<FaceRegion>), AppError> {
    match shown.standing() {
        UseStanding::TakenDown(down) => {
            return Err(AppError::refused(
                StatusCode::GONE,
                format!(
                    "This photo was taken down on {}, so it is not downloaded again.",
                    burrow_core::dates::format_uk(down.at.date_naive())
                ),
            ));
        }
        UseStanding::NoLonger(why) => {
            return Err(AppError::conflict(
                None,
                format!(
                    "This photo may no longer be used. {why} Take it down where it is used, and record that you have."
                ),
            ));
        }
        UseStanding::InUse => {}
    }
    let record = shown
        .record
        .as_ref()
        .ok_or_else(|| AppError::refused(StatusCode::GONE, "This photo has been deleted."))?;
    let sha = record
        .sha256
        .clone()
        .ok_or_else(|| AppError::refused(StatusCode::GONE, "This photo has been deleted."))?;
    let faces = if shown.masked {
        record.regions.clone()
    } else {
        Vec::new()
    };
    Ok((sha, faces))
}

/// `GET /api/published/{id}/file`: the JPEG as it leaves: re-encoded with nothing but its
/// pixels, sized for the use, masked where the policy asked, named for the setting and the day.
pub async fn file(
    _: Manager,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> Result<Response, AppError> {
    let today = today_in_england();
    let vault = state.clone();
    let shown = state
        .db
        .read(move |c| {
            let all = db::list_children(c)?;
            describe(
                c,
                one(c, id)?,
                &all,
                store::policy(c)?,
                &vault.photos,
                today,
            )
        })
        .await?;
    let (sha, faces) = still_usable(&shown)?;
    let edge = shown.used_for.long_edge();
    let vault = state.clone();
    let bytes = tokio::task::spawn_blocking(move || prepared(&vault.photos, &sha, &faces, edge))
        .await
        .map_err(|e| AppError::internal(format!("publishing task failed: {e}")))??;
    Ok(attachment("image/jpeg", &shown.file_name, bytes))
}

/// A photo as it leaves the setting (`mask::for_use`). Blocking: call it off the async threads.
fn prepared(
    vault: &crate::photos::PhotoVault,
    sha: &str,
    faces: &[FaceRegion],
    edge: u32,
) -> Result<Vec<u8>, AppError> {
    let original = vault.read(sha).map_err(|e| {
        tracing::error!(error = e.class(), "a kept photo would not open");
        AppError::internal("photo not readable")
    })?;
    crate::mask::for_use(&original, faces, edge).map_err(|e| {
        tracing::error!(error = e.class(), "a photo could not be prepared to leave");
        AppError::internal("photo not prepared")
    })
}

/// A file to save, under a name with no child's in it.
fn attachment(mime: &str, name: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, mime.to_owned()),
            (header::CACHE_CONTROL, "no-store".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// `GET /api/published/display-sheet.pdf`: the photos chosen for displays that may still be
/// used, on A4 pages to print, each with its caption.
pub async fn display_sheet(
    _: Manager,
    State(state): State<AppState>,
) -> Result<Response, AppError> {
    let today = today_in_england();
    let vault = state.clone();
    let (shown, setting) = state
        .db
        .read(move |c| {
            let all = db::list_children(c)?;
            let policy = store::policy(c)?;
            let mut out = Vec::new();
            for row in store::list(c, None)? {
                if row.used_for == Use::Display {
                    out.push(describe(c, row, &all, policy, &vault.photos, today)?);
                }
            }
            Ok((out, db::setting_name(c)?.unwrap_or_default()))
        })
        .await?;
    let usable: Vec<_> = shown
        .iter()
        .filter_map(|p| {
            still_usable(p)
                .ok()
                .map(|(sha, faces)| (sha, faces, p.caption.clone()))
        })
        .collect();
    if usable.is_empty() {
        return Err(AppError::refused(
            StatusCode::NOT_FOUND,
            "No photo is chosen for a display yet, or none may still be used. Choose photos for a display first.",
        ));
    }
    let vault = state.clone();
    let name = sheet_file_name(&setting, today);
    let bytes = tokio::task::spawn_blocking(move || {
        let mut photos = Vec::new();
        for (sha, faces, caption) in usable {
            let jpeg = prepared(&vault.photos, &sha, &faces, Use::Display.long_edge())?;
            photos.push((jpeg, caption));
        }
        crate::display_sheet::render(&setting, &photos).map_err(|e| {
            tracing::error!(error = %e, "the display sheet could not be made");
            AppError::internal("display sheet not made")
        })
    })
    .await
    .map_err(|e| AppError::internal(format!("display sheet task failed: {e}")))??;
    Ok(attachment("application/pdf", &name, bytes))
}

/// `GET /api/publishing/policy`.
pub async fn policy(
    _: Manager,
    State(state): State<AppState>,
) -> Result<Json<PublishingPolicy>, AppError> {
    let social_media = state.db.read(|c| Ok(store::policy(c)?)).await?;
    Ok(Json(PublishingPolicy { social_media }))
}

/// `PUT /api/publishing/policy`: the setting's policy for social media, audited.
pub async fn set_policy(
    Manager(me): Manager,
    State(state): State<AppState>,
    ApiJson(req): ApiJson<PublishingPolicy>,
) -> Result<Json<PublishingPolicy>, AppError> {
    let policy: FacesPolicy = req.social_media;
    state
        .db
        .call(move |c| {
            let tx = c.transaction()?;
            if store::policy(&tx)? != policy {
                store::set_policy(&tx, policy)?;
                audit::append(
                    &tx,
                    Event::new(Action::OptionsChanged)
                        .by(&me)
                        .detail(format!("social media: {}", policy.as_str())),
                    Utc::now(),
                )?;
            }
            tx.commit()?;
            Ok(())
        })
        .await?;
    Ok(Json(PublishingPolicy {
        social_media: policy,
    }))
}
