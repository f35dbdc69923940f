//! Parents (issue 7 part 3): a manager links a parent to their children and gives them a code;
//! the parent's phone enrols with it on the premises; from then on it asks, signed, for its own
//! children's published journal, which core's `parent_view` makes for that family alone.
//!
//! A parent's phone never learns that another child exists: every answer is built from their
//! own children outwards, and anything else is "not found".

use crate::auth::Manager;
use crate::error::{ApiJson, AppError};
use crate::extract::{Path, Query};
use crate::premises::ClientAddr;
use crate::proof::ParentSigned;
use crate::routes::session::refuse_if_throttled;
use crate::state::AppState;
use crate::store::audit::{self, Event};
use crate::store::parents;
use crate::{secrets, store};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use burrow_core::api::{
    NewParentRequest, NewParentResponse, Parent, ParentAuditEntry, ParentEnrolRequest,
    ParentEnrolResponse, ParentJournalPage,
};
use burrow_core::audit::Action;
use burrow_core::consent::{Purpose, Standing, standing};
use burrow_core::device::check_public_key;
use burrow_core::names::clean_name;
use burrow_core::observation::Observation;
use burrow_core::parent_view::{ChildFacts, ParentEntry, PhotoFacts, parent_view};
use burrow_core::photo::{FaceRegion, PhotoRecord};
use chrono::{Duration, Utc};
use rusqlite::Connection;
use serde::Deserialize;
use std::collections::HashMap;
use uuid::Uuid;

/// Long enough for a family to come in at drop-off within the fortnight.
const INVITE_LIFETIME: Duration = Duration::days(14);
const PAGE: usize = 200;

pub async fn list(
    _: Manager,
    State(state): State<AppState>,
) -> Result<Json<Vec<Parent>>, AppError> {
    Ok(Json(state.db.call(|c| Ok(parents::list(c)?)).await?))
}

pub async fn add(
    Manager(me): Manager,
    State(state): State<AppState>,
    ApiJson(req): ApiJson<NewParentRequest>,
) -> Result<(StatusCode, Json<NewParentResponse>), AppError> {
    let name =
        clean_name(&req.name).map_err(|e| AppError::invalid("name", format!("Name: {e}")))?;
    if req.children.is_empty() {
        return Err(AppError::invalid(
            "children",
            "Choose the child or children this parent or carer may follow.",
        ));
    }
    let (invite_code, invite_hash) = secrets::new_code();
    let id = Uuid::now_v7();
    let invite_expires = Utc::now() + INVITE_LIFETIME;
    let parent = state
        .db
        .call(move |c| {
            let tx = c.transaction()?;
            for child in &req.children {
                if parents::child_facts(&tx, *child)?.is_none() {
                    return Err(AppError::invalid(
                        "children",
                        "One of those children is not on the roll.",
                    ));
                }
            }
            let now = Utc::now();
            let new = parents::NewParent {
                id,
                name: &name,
                children: &req.children,
                invite_hash: &invite_hash,
                invite_expires,
                by: me.id,
            };
            parents::insert(&tx, &new, now)?;
            for child in &req.children {
                audit::append(
                    &tx,
                    Event::new(Action::ParentInvited)
                        .by(&me)
                        .child(*child)
                        .subject(id),
                    now,
                )?;
            }
            let parent = parents::get(&tx, id)?
                .ok_or_else(|| AppError::internal("new parent row missing"))?;
            tx.commit()?;
            Ok(parent)
        })
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(NewParentResponse {
            parent,
            invite_code,
            invite_expires,
        }),
    ))
}

/// `POST /api/parents/{id}/withdraw`: the parent's access ends at once; their phones are revoked
/// and wipe themselves when they next reach the server.
pub async fn withdraw(
    Manager(me): Manager,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, AppError> {
    state
        .db
        .call(move |c| {
            let tx = c.transaction()?;
            let children = parents::children_of(&tx, id)?;
            let now = Utc::now();
            if !parents::withdraw(&tx, id, me.id, now)? {
                return Err(AppError::refused(
                    StatusCode::NOT_FOUND,
                    "There is no such parent or carer linked to a child here.",
                ));
            }
            for child in children {
                audit::append(
                    &tx,
                    Event::new(Action::ParentWithdrawn)
                        .by(&me)
                        .child(child)
                        .subject(id),
                    now,
                )?;
            }
            tx.commit()?;
            Ok(())
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/parents/enrol`: the code proves a manager's invitation, so the phone is enrolled
/// at once, for that parent only. The code works once.
pub async fn enrol(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    ApiJson(req): ApiJson<ParentEnrolRequest>,
) -> Result<(StatusCode, Json<ParentEnrolResponse>), AppError> {
    refuse_if_throttled(&state, None, ip)?;
    let key = hex::decode(&req.public_key)
        .ok()
        .filter(|k| check_public_key(k).is_ok())
        .ok_or_else(|| {
            AppError::invalid("public_key", "This phone's key is not in the right form.")
        })?;
    let typed = secrets::code_hash(&req.code);
    let device = Uuid::now_v7();
    let found = state
        .db
        .call(move |c| {
            let tx = c.transaction()?;
            let now = Utc::now();
            let Some(parent) = parents::by_invite(&tx, &typed, now)? else {
                return Ok(None);
            };
            // A code for children who have all left stops working with their journals.
            let open = crate::routes::family(&tx, parent)?.open;
            if open.is_empty() {
                return Ok(None);
            }
            if store::devices::has_key(&tx, &key)? {
                return Err(AppError::conflict(None, "This phone is already enrolled."));
            }
            let details =
                parents::get(&tx, parent)?.ok_or_else(|| AppError::internal("parent vanished"))?;
            parents::enrol_phone(
                &tx,
                parent,
                device,
                &key,
                &format!("{}'s phone", details.name),
                now,
            )?;
            let mut children = Vec::new();
            for child in &open {
                if let Some(f) = parents::child_facts(&tx, *child)? {
                    children.push((f.id, f.first_name));
                }
                audit::append(
                    &tx,
                    Event::new(Action::ParentPhoneEnrolled)
                        .device(device)
                        .child(*child)
                        .subject(parent),
                    now,
                )?;
            }
            tx.commit()?;
            Ok(Some((details.name, children)))
        })
        .await?;
    let Some((parent_name, children)) = found else {
        state.throttles.record_failure(None, ip, Utc::now());
        return Err(AppError::Refused {
            status: StatusCode::FORBIDDEN,
            message: "That code does not match an invitation, or it has expired or been used. Ask the setting's manager for a new one.".into(),
            field: Some("code".into()),
        });
    };
    Ok((
        StatusCode::CREATED,
        Json(ParentEnrolResponse {
            device_id: device,
            parent_name,
            children,
        }),
    ))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JournalQuery {
    #[serde(default, deserialize_with = "burrow_core::api::stored_number")]
    after: u64,
}

/// `GET /api/parent/journal?after=`: this family's published journal, entry by entry through
/// core's `parent_view`.
pub async fn journal(
    State(state): State<AppState>,
    query: Result<Query<JournalQuery>, AppError>,
    signed: ParentSigned,
) -> Result<Json<ParentJournalPage>, AppError> {
    let Query(q) = query.map_err(|_| AppError::Refused {
        status: StatusCode::BAD_REQUEST,
        message: "Ask with ?after= and a number.".into(),
        field: Some("after".into()),
    })?;
    let (parent, device) = (signed.parent, signed.device);
    let (page, family) = state
        .db
        .read(move |c| {
            let all = crate::routes::family(c, parent)?;
            if all.open.is_empty() && all.closed.is_empty() {
                return Err(AppError::refused(
                    StatusCode::GONE,
                    "This phone's invitation was withdrawn by the setting.",
                ));
            }
            let family = all.open;
            let mut page = build_page(c, &family, q.after)?;
            page.views = views(c)?;
            page.leaving = all.leaving;
            // Closed journals this phone has not yet said it let go, and leavers deleted
            // since it last called: it takes them off and says so (`POST /api/parent/closed`).
            let cleared = crate::store::deletion::cleared_by(c, device)?;
            page.closed = all
                .closed
                .into_iter()
                .filter(|child| !cleared.contains(child))
                .collect();
            for waiting in crate::store::deletion::waiting_for(c, device)? {
                if !page.closed.contains(&waiting.child) {
                    page.closed.push(waiting.child);
                }
            }
            Ok((page, family))
        })
        .await?;
    // Which of the family's journals went to the phone, for the setting's log and the parent's.
    let sent: Vec<(Uuid, usize)> = family
        .iter()
        .map(|child| {
            (
                *child,
                page.entries
                    .iter()
                    .filter(|e| e.children.contains(child))
                    .count(),
            )
        })
        .filter(|(_, n)| *n > 0)
        .collect();
    if !sent.is_empty() {
        state
            .db
            .call(move |c| {
                let tx = c.transaction()?;
                let now = Utc::now();
                for (child, n) in sent {
                    let event = Event::new(Action::JournalSentToParent)
                        .device(device)
                        .child(child)
                        .subject(parent)
                        .detail(format!("{n} entries"));
                    audit::append(&tx, event, now)?;
                }
                tx.commit()?;
                Ok(())
            })
            .await?;
    }
    Ok(Json(page))
}

/// `GET /api/parent/audit`: who looked at, sent out, exported or changed this family's
/// children's journals, newest first (the last 100 for each child).
pub async fn trail(
    State(state): State<AppState>,
    signed: ParentSigned,
) -> Result<Json<Vec<ParentAuditEntry>>, AppError> {
    let parent = signed.parent;
    let mut out = state
        .db
        .read(move |c| {
            let mut out = Vec::new();
            for child in crate::routes::family(c, parent)?.open {
                let filter = audit::Filter {
                    child: Some(child),
                    limit: 100,
                    ..audit::Filter::default()
                };
                for e in audit::list(c, &filter)? {
                    if !e.action.shown_to_parents() {
                        continue;
                    }
                    let who = match (e.action, e.actor_name) {
                        // A family's own download from their phone has no member of staff.
                        (Action::JournalSentToParent, _) | (Action::JournalExported, None) => {
                            "A parent's phone".to_owned()
                        }
                        (_, Some(name)) => name,
                        (_, None) => "The setting".to_owned(),
                    };
                    out.push(ParentAuditEntry {
                        at: e.at,
                        action: e.action,
                        child,
                        who,
                        used_for: match e.action {
                            Action::PhotoPublished | Action::PhotoTakenDown => e
                                .detail
                                .as_deref()
                                .and_then(burrow_core::publishing::Use::parse),
                            _ => None,
                        },
                    });
                }
            }
            Ok(out)
        })
        .await?;
    out.sort_by_key(|e| std::cmp::Reverse(e.at));
    Ok(Json(out))
}

/// What may have changed a family's view besides the entries themselves: the newest consent
/// answer, high-risk flag or sign-off in the log, and the day (answers lapse at their review).
fn views(c: &Connection) -> Result<String, AppError> {
    let last = audit::last_of(
        c,
        &[
            Action::ConsentRecorded,
            Action::ChildFlagged,
            Action::ChildUnflagged,
            Action::PhotoSignedOff,
        ],
    )?;
    // Faces marked on a photo after its entry was published change the families' copies too.
    let photos = parents::last_photo_change(c)?;
    Ok(format!(
        "{last}.{photos}@{}",
        crate::routes::today_in_england()
    ))
}

fn build_page(c: &Connection, family: &[Uuid], after: u64) -> Result<ParentJournalPage, AppError> {
    let rows = parents::observations_after(c, after, PAGE, family)?;
    let more = rows.len() == PAGE;
    let last = rows.last().map_or(after, |(seq, _)| *seq);
    let mut facts = Facts::default();
    let mut entries = Vec::new();
    let mut withdrawn = Vec::new();
    for (_, body) in rows {
        let Ok(obs) = serde_json::from_str::<Observation>(&body) else {
            continue;
        };
        // Built outwards from this family: anything without their child is never looked at.
        if !obs.children.iter().any(|c| family.contains(c)) {
            continue;
        }
        match view(c, family, &obs, &mut facts)? {
            Some(entry) => entries.push(entry),
            None => withdrawn.push(obs.id),
        }
    }
    Ok(ParentJournalPage {
        entries,
        withdrawn,
        last,
        more,
        views: String::new(),
        leaving: Vec::new(),
        closed: Vec::new(),
    })
}

/// The children's facts `parent_view` needs (names, today's other-journals answer, the flag),
/// looked up once a request.
#[derive(Default)]
pub(super) struct Facts(HashMap<Uuid, Option<ChildFacts>>);

impl Facts {
    fn child(&mut self, c: &Connection, id: Uuid) -> Result<Option<ChildFacts>, AppError> {
        if let Some(f) = self.0.get(&id) {
            return Ok(f.clone());
        }
        let mut f = parents::child_facts(c, id)?;
        if let Some(f) = f.as_mut() {
            let history: Vec<_> = store::consents_of(c, id)?
                .into_iter()
                .map(|e| e.record)
                .collect();
            f.other_journals = matches!(
                standing(
                    &history,
                    id,
                    Purpose::OtherJournals,
                    crate::routes::today_in_england()
                ),
                Standing::Granted { .. }
            );
        }
        self.0.insert(id, f.clone());
        Ok(f)
    }
}

/// One observation as this family may see it, through core's `parent_view`, with its photos'
/// marked faces and sign-offs: the journal and each photo a phone fetches both come through here,
/// so a photo goes out with exactly the blurring its entry lists.
pub(super) fn view(
    c: &Connection,
    family: &[Uuid],
    obs: &Observation,
    facts: &mut Facts,
) -> Result<Option<ParentEntry>, AppError> {
    let mut photos = Vec::new();
    let mut records = Vec::new();
    for id in &obs.photos {
        if let Some(record) =
            parents::photo_body(c, *id)?.and_then(|b| serde_json::from_str::<PhotoRecord>(&b).ok())
        {
            records.push(record.clone());
            photos.push(PhotoFacts {
                id: record.id,
                children: record.children,
                regions: record.regions.iter().map(|r| r.child).collect(),
                signed_off: parents::signed_off(c, record.id)?,
            });
        }
    }
    let mut kids = Vec::new();
    for id in obs
        .children
        .iter()
        .chain(photos.iter().flat_map(|p| p.children.iter()))
    {
        if let Some(f) = facts.child(c, *id)? {
            kids.push(f);
        }
    }
    let mut entry = parent_view(obs, family, &kids, &photos);
    for photo in entry.iter_mut().flat_map(|e| e.photos.iter_mut()) {
        let regions = records
            .iter()
            .find(|r| r.id == photo.id)
            .map(|r| r.regions.as_slice())
            .unwrap_or_default();
        photo.rendering = rendering(photo.id, &photo.blur, regions);
    }
    Ok(entry)
}

/// A fingerprint of one family's copy of a photo: which faces are blurred and where. Opaque to
/// the phone (a hash), so it says nothing about who else is in the picture.
fn rendering(photo: Uuid, blur: &[Uuid], regions: &[FaceRegion]) -> String {
    let mut message = photo.as_bytes().to_vec();
    let mut blurred: Vec<&FaceRegion> =
        regions.iter().filter(|r| blur.contains(&r.child)).collect();
    blurred.sort_by_key(|r| r.child);
    for r in blurred {
        message.extend_from_slice(r.child.as_bytes());
        for v in [r.x, r.y, r.w, r.h] {
            message.extend_from_slice(&v.to_be_bytes());
        }
    }
    hex::encode(&secrets::digest(&message)[..12])
}
