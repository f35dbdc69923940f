//! A leaver's journal as a PDF (issue 15 part 2 and 4): the family downloads it on their phone
//! while the journal is open, or a manager or deputy downloads it for them. Either way it is
//! the family's copy, gathered through `parents::view` (core's `parent_view`) for that child
//! alone: published entries only, other children "a friend", photos as rendered for the family
//! (`parent_photos::family_copy`), so it never names another child. Every export is audited and
//! shows in the family's trail.

use super::parent_photos::{family_copy, to_blur};
use super::parents::{Facts, view};
use crate::auth::Manager;
use crate::error::AppError;
use crate::extract::Path;
use crate::keepsake::resume::{self, Range, Tag};
use crate::keepsake::{AreaSummary, Book, BookEntry, TwoYearCheck, archive, pdf};
use crate::proof::ParentSigned;
use crate::routes::today_in_england;
use crate::state::AppState;
use crate::store::audit::{self, Event};
use crate::store::{self, leaving, parents};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use burrow_core::audit::Action;
use burrow_core::eyfs;
use burrow_core::observation::Observation;
use burrow_core::parent_view::redact;
use burrow_core::photo::{FaceRegion, PhotoRecord};
use burrow_core::progress_check::ProgressCheck;
use chrono::{Datelike, Utc};
use rusqlite::Connection;
use uuid::Uuid;

const PAGE: usize = 500;

/// One keepsake is made at a time: a PDF holds its photos in memory while it is written, so two
/// families downloading at once wait in turn rather than doubling what the box must hold.
static BUILDS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(1);

fn not_found() -> AppError {
    AppError::refused(StatusCode::NOT_FOUND, "Not found.")
}

/// The child a family's phone asks for, if that family may have their journal now.
async fn family_child(
    state: &AppState,
    id: &str,
    signed: &ParentSigned,
    detail: &'static str,
) -> Result<(Uuid, Event), AppError> {
    let child = Uuid::parse_str(id).map_err(|_| not_found())?;
    let parent = signed.parent;
    let family = state
        .db
        .read(move |c| crate::routes::family(c, parent))
        .await?;
    if family.closed.contains(&child) {
        return Err(AppError::refused(
            StatusCode::GONE,
            "This journal closed when your child left the setting.",
        ));
    }
    if !family.open.contains(&child) {
        return Err(not_found());
    }
    let event = Event::new(Action::JournalExported)
        .device(signed.device)
        .subject(parent)
        .detail(detail);
    Ok((child, event))
}

/// `GET /api/parent/children/{id}/keepsake.pdf`, signed by the family's phone.
pub async fn parent_pdf(
    State(state): State<AppState>,
    Path(id): Path<String>,
    signed: ParentSigned,
) -> Result<Response, AppError> {
    let (child, event) = family_child(&state, &id, &signed, "pdf").await?;
    export(state, child, event).await
}

/// `GET /api/parent/children/{id}/keepsake.zip`, signed by the family's phone.
pub async fn parent_zip(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    signed: ParentSigned,
) -> Result<Response, AppError> {
    let (child, event) = family_child(&state, &id, &signed, "zip").await?;
    export_zip(state, child, event, &headers).await
}

/// `GET /api/children/{id}/keepsake.pdf`: a manager or deputy, for the family (on a USB stick).
pub async fn staff_pdf(
    Manager(me): Manager,
    State(state): State<AppState>,
    Path(child): Path<Uuid>,
) -> Result<Response, AppError> {
    let event = Event::new(Action::JournalExported).by(&me).detail("pdf");
    export(state, child, event).await
}

/// `GET /api/children/{id}/keepsake.zip`: the same, with every photo.
pub async fn staff_zip(
    Manager(me): Manager,
    State(state): State<AppState>,
    Path(child): Path<Uuid>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let event = Event::new(Action::JournalExported).by(&me);
    export_zip(state, child, event, &headers).await
}

async fn audited(state: &AppState, child: Uuid, event: Event) -> Result<(), AppError> {
    state
        .db
        .call(move |c| {
            let tx = c.transaction()?;
            audit::append(&tx, event.child(child), Utc::now())?;
            tx.commit()?;
            Ok(())
        })
        .await
}

fn no_child() -> AppError {
    AppError::refused(StatusCode::NOT_FOUND, "There is no such child.")
}

/// Which copy of each photo goes into the PDF.
#[derive(Clone, Copy, PartialEq, Eq)]
enum InPdf {
    /// The PDF on its own: the photos as taken (as rendered for the family).
    Full,
    /// The PDF inside the keepsake zip, where every photo is also beside it at full size: the
    /// thumbnails, so the PDF (which is made whole in memory) stays small on a small box.
    Thumbnails,
}

/// Renders the PDF with every photo in it (blocking).
fn render_pdf(
    vault: &crate::photos::PhotoVault,
    book: &mut Book,
    photos: &[PhotoWork],
    size: InPdf,
) -> Result<Vec<u8>, AppError> {
    for (entry, wanted) in book.entries.iter_mut().zip(photos) {
        entry.photos.clear();
        for w in wanted {
            let sha = match (size, &w.thumb) {
                (InPdf::Thumbnails, Some(thumb)) => thumb,
                _ => &w.sha256,
            };
            entry.photos.push(family_copy(vault, sha, &w.faces)?);
        }
    }
    pdf::render(book).map_err(|e| {
        tracing::error!(error = %e, "a keepsake PDF could not be made");
        AppError::internal("keepsake not made")
    })
}

/// The keepsake zip, or the part of it a resuming phone lacks (`keepsake::resume`): a `Range`
/// with an `If-Range` naming this journal as it still is gets 206 and the rest; anything else
/// gets the whole archive with a fresh tag.
async fn export_zip(
    state: AppState,
    child: Uuid,
    event: Event,
    headers: &HeaderMap,
) -> Result<Response, AppError> {
    let gathered = state.db.read(move |c| gather(c, child)).await?;
    let Some((mut book, photos)) = gathered else {
        return Err(no_child());
    };
    let fingerprint = resume::fingerprint(&(&book, &photos));
    let now = Utc::now();
    let header = |name| headers.get(name).and_then(|v| v.to_str().ok());
    let resuming = match (
        header(header::RANGE).and_then(Range::parse),
        header(header::IF_RANGE).and_then(|t| Tag::parse(t, now)),
    ) {
        (Some(range), Some(tag)) if tag.fingerprint == fingerprint => Some((range, tag)),
        _ => None,
    };
    let tag = match &resuming {
        Some((_, tag)) => tag.clone(),
        None => Tag::new(fingerprint, now),
    };
    book.made_at = tag.made_at;
    let filename = archive::zip_name(&book.first_name);
    let mut head = vec![
        (header::CONTENT_TYPE, "application/zip".to_owned()),
        (
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ),
        (header::ETAG, tag.header()),
        (header::ACCEPT_RANGES, "bytes".to_owned()),
    ];
    let (status, from, until) = match resuming {
        None => {
            if let Some(total) = resume::length_of(&tag) {
                head.push((header::CONTENT_LENGTH, total.to_string()));
            }
            (StatusCode::OK, 0, None)
        }
        Some((range, _)) => {
            let total = match resume::length_of(&tag) {
                Some(total) => total,
                None => count(&state, &book, &photos, &tag).await?,
            };
            let Some((first, last)) = range.within(total) else {
                let mut refused = AppError::refused(
                    StatusCode::RANGE_NOT_SATISFIABLE,
                    "That part of the keepsake does not exist. Download it again from the start.",
                )
                .into_response();
                if let Ok(value) = format!("bytes */{total}").parse() {
                    refused.headers_mut().insert(header::CONTENT_RANGE, value);
                }
                return Ok(refused);
            };
            head.push((
                header::CONTENT_RANGE,
                format!("bytes {first}-{last}/{total}"),
            ));
            head.push((header::CONTENT_LENGTH, (last + 1 - first).to_string()));
            (StatusCode::PARTIAL_CONTENT, first, Some(last + 1))
        }
    };
    // What the audit log says: the whole archive, or the rest of one cut short.
    let detail = if status == StatusCode::PARTIAL_CONTENT {
        "zip, resumed"
    } else {
        "zip"
    };
    audited(&state, child, event.detail(detail)).await?;
    let (tx, rx) = tokio::sync::mpsc::channel::<std::io::Result<bytes::Bytes>>(4);
    let vault = state.clone();
    // Waits its turn inside the answer, so the request itself is never held up.
    tokio::spawn(async move {
        let Ok(_turn) = BUILDS.acquire().await else {
            return;
        };
        let _ = tokio::task::spawn_blocking(move || {
            let mut out = archive::ChannelWriter::range(tx, from, until);
            match build(&vault, book, &photos, &mut out) {
                Ok(()) => resume::remember(&tag, out.written()),
                Err(archive::ArchiveError::Sent) => {}
                Err(e) => {
                    tracing::error!(error = %e, "a keepsake archive could not be finished");
                    out.fail();
                }
            }
        })
        .await;
    });
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    let mut response = axum::body::Body::from_stream(stream).into_response();
    *response.status_mut() = status;
    for (name, value) in head {
        if let Ok(value) = value.parse() {
            response.headers_mut().insert(name, value);
        }
    }
    Ok(response)
}

/// The archive's length, made once without sending it (a resume after a restart, before the
/// length is known).
async fn count(
    state: &AppState,
    book: &Book,
    photos: &[PhotoWork],
    tag: &Tag,
) -> Result<u64, AppError> {
    let _turn = BUILDS
        .acquire()
        .await
        .map_err(|_| AppError::internal("keepsake queue closed"))?;
    if let Some(total) = resume::length_of(tag) {
        return Ok(total);
    }
    let (vault, book, photos) = (state.clone(), book.clone(), photos.to_vec());
    let total = tokio::task::spawn_blocking(move || {
        let mut out = archive::ChannelWriter::counting();
        build(&vault, book, &photos, &mut out).map(|()| out.written())
    })
    .await
    .map_err(|e| AppError::internal(format!("keepsake task failed: {e}")))?
    .map_err(|e| {
        tracing::error!(error = %e, "a keepsake archive could not be counted");
        AppError::internal("keepsake not counted")
    })?;
    resume::remember(tag, total);
    Ok(total)
}

/// Makes the whole archive into `out` (blocking): the photos are read and sent while the PDF
/// is laid out on a second thread, and written last.
fn build(
    vault: &AppState,
    mut book: Book,
    photos: &[PhotoWork],
    out: &mut archive::ChannelWriter,
) -> Result<(), archive::ArchiveError> {
    let own = [book.first_name.as_str(), book.surname.as_str()];
    let mut used = std::collections::HashSet::new();
    let mut index = Vec::with_capacity(book.entries.len());
    let mut files = Vec::new();
    for (entry, wanted) in book.entries.iter().zip(photos) {
        let mut names = Vec::new();
        for w in wanted {
            let local = w.taken_at.with_timezone(&chrono_tz::Europe::London);
            let name = burrow_core::keepsake::photo_name(
                local.naive_local(),
                &entry.text,
                &own,
                &mut used,
            );
            names.push(name.clone());
            files.push((
                name,
                archive::ArchivePhoto {
                    sha256: w.sha256.clone(),
                    faces: w.faces.clone(),
                    taken_at: w.taken_at,
                    caption: entry.text.clone(),
                },
            ));
        }
        index.push(archive::IndexEntry {
            observed_at: entry.observed_at,
            text: entry.text.clone(),
            next_steps: entry.next_steps.clone(),
            photos: names,
        });
    }
    let (first_name, made_at) = (book.first_name.clone(), book.made_at);
    let render =
        |sha256: &str, faces: &[FaceRegion]| family_copy(&vault.photos, sha256, faces).ok();
    let started = std::time::Instant::now();
    std::thread::scope(|scope| {
        let pdf = scope.spawn(|| {
            let made = render_pdf(&vault.photos, &mut book, photos, InPdf::Thumbnails).ok();
            tracing::debug!(ms = started.elapsed().as_millis(), "keepsake: PDF made");
            made
        });
        archive::write(out, &first_name, made_at, &index, files, render, || {
            tracing::debug!(
                ms = started.elapsed().as_millis(),
                "keepsake: photos written"
            );
            pdf.join().ok().flatten()
        })
    })
}

async fn export(state: AppState, child: Uuid, event: Event) -> Result<Response, AppError> {
    let gathered = state.db.read(move |c| gather(c, child)).await?;
    let Some((mut book, photos)) = gathered else {
        return Err(no_child());
    };
    let filename = archive::pdf_name(&book.first_name);
    let vault = state.clone();
    let _turn = BUILDS
        .acquire()
        .await
        .map_err(|_| AppError::internal("keepsake queue closed"))?;
    let bytes = tokio::task::spawn_blocking(move || {
        render_pdf(&vault.photos, &mut book, &photos, InPdf::Full)
    })
    .await
    .map_err(|e| AppError::internal(format!("keepsake task failed: {e}")))??;
    audited(&state, child, event).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// One photo of an entry to render for the family: its hash, the faces to mask, when taken.
#[derive(Clone, serde::Serialize)]
struct Wanted {
    sha256: String,
    /// Its thumbnail, masked the same way (regions are fractions of the picture).
    thumb: Option<String>,
    faces: Vec<FaceRegion>,
    taken_at: chrono::DateTime<Utc>,
}

type PhotoWork = Vec<Wanted>;

/// The book without its photos' bytes, and for each entry the photos to render: everything
/// the child's own family may see, oldest first.
fn gather(c: &Connection, child: Uuid) -> Result<Option<(Book, Vec<PhotoWork>)>, AppError> {
    let Some(me) = parents::child_facts(c, child)? else {
        return Ok(None);
    };
    let Some((started, left)) = leaving::dates_of(c, child)? else {
        return Ok(None);
    };
    let family = [child];
    let mut facts = Facts::default();
    let mut kept: Vec<(Observation, burrow_core::parent_view::ParentEntry)> = Vec::new();
    let mut after = 0;
    loop {
        let rows = parents::observations_after(c, after, PAGE, &family)?;
        let more = rows.len() == PAGE;
        for (seq, body) in rows {
            after = seq;
            let Ok(obs) = serde_json::from_str::<Observation>(&body) else {
                continue;
            };
            if !obs.children.contains(&child) {
                continue;
            }
            if let Some(entry) = view(c, &family, &obs, &mut facts)? {
                kept.push((obs, entry));
            }
        }
        if !more {
            break;
        }
    }
    kept.sort_by_key(|(o, _)| (o.observed_at, o.id));
    let mut entries = Vec::with_capacity(kept.len());
    let mut photos = Vec::with_capacity(kept.len());
    for (obs, entry) in &kept {
        let mut wanted = Vec::new();
        for p in &entry.photos {
            let record = parents::photo_body(c, p.id)?
                .and_then(|b| serde_json::from_str::<PhotoRecord>(&b).ok());
            if let Some(record) = record
                && let Some((sha256, faces)) = to_blur(&record, &p.blur)
            {
                wanted.push(Wanted {
                    sha256,
                    thumb: record.thumb_sha256.clone(),
                    faces,
                    taken_at: record.taken_at,
                });
            }
        }
        photos.push(wanted);
        entries.push(BookEntry {
            observed_at: entry.observed_at,
            text: entry.text.clone(),
            aspects: entry
                .aspects
                .iter()
                .map(|a| eyfs::describe(&obs.tags.catalogue, a))
                .collect(),
            characteristics: obs
                .tags
                .characteristics
                .iter()
                .map(|c| c.label().to_owned())
                .collect(),
            next_steps: entry.next_steps.clone(),
            photos: Vec::new(),
        });
    }
    let today = today_in_england();
    let months =
        ((today.year() - started.year()) * 12 + today.month() as i32 - started.month() as i32 + 1)
            .clamp(1, 240) as u32;
    let shared: Vec<Observation> = kept.into_iter().map(|(o, _)| o).collect();
    let chart = burrow_core::progress::chart(&shared, child, today, months);
    let progress = chart
        .areas
        .iter()
        .map(|a| AreaSummary {
            area: a.name.to_owned(),
            entries: a.counts.iter().sum(),
            latest_band: a.latest_band.map(|b| b.label().to_owned()),
        })
        .collect();
    let two_year_check = two_year_check(c, child)?;
    let book = Book {
        first_name: me.first_name,
        surname: me.surname,
        setting: store::setting_name(c)?.unwrap_or_default(),
        started,
        left,
        made_at: Utc::now(),
        entries,
        progress,
        two_year_check,
    };
    Ok(Some((book, photos)))
}

/// The latest two-year check shared with the family, with other children's names taken out.
fn two_year_check(c: &Connection, child: Uuid) -> Result<Option<TwoYearCheck>, AppError> {
    let Some(check) = parents::shared_checks(c, child)?
        .iter()
        .filter_map(|b| serde_json::from_str::<ProgressCheck>(b).ok())
        .max_by_key(|k| (k.written_on, k.updated_at))
    else {
        return Ok(None);
    };
    let others = parents::other_names(c, child)?;
    let names: Vec<&str> = others.iter().map(String::as_str).collect();
    let catalogue = eyfs::catalogue(&check.catalogue);
    Ok(Some(TwoYearCheck {
        written_on: check.written_on,
        areas: check
            .areas
            .iter()
            .map(|a| {
                let name = catalogue
                    .and_then(|cat| cat.area(&a.area))
                    .map_or_else(|| a.area.clone(), |area| area.name.to_owned());
                (
                    name,
                    a.standing.map(|s| s.label().to_owned()),
                    redact(&a.note, &names),
                )
            })
            .collect(),
        support: redact(&check.support, &names),
        at_home: redact(&check.at_home, &names),
    }))
}
