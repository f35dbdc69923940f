//! The tablet's side of sync (DESIGN §5): whenever the setting's server is reachable, push the
//! outbox (photos first) and pull what changed since the checkpoint. One run at a time; it
//! starts by itself on unlock, when the network comes back and every minute, and on demand.
//!
//! - `push`: the outbox as operations, photos uploaded (resuming), answers kept.
//! - `pull`: records after the checkpoint, with their photos, written with the checkpoint.
//! - `restored`: first, whether the server is the one the tablet knows, or one restored from a
//!   backup that lost some of what the tablet holds; `resend` then sends that back.
//!
//! What the screens see is `SyncStatus` in context; `revision` moves when pulled records
//! changed what the tablet holds, so the screens that list records read them again.

mod pull;
mod push;
mod resend;
mod restored;

use crate::api::ApiError;
use crate::auth::Auth;
use crate::enrolment::{self, Signer};
use crate::lock::Lock;
use crate::store::db::{Store, StoreError};
use crate::store::keys::Keys;
use crate::store::purge;
use crate::store::sync_state::{self, RefusedChange, SyncState};
use crate::store::tablet;
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos::task::spawn_local;
use thiserror::Error;

/// How often a tablet syncs by itself while someone has it unlocked.
pub const AUTO_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

/// Where sync stands, for the bar at the top of the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Phase {
    /// Not tried yet since unlock.
    Waiting,
    Syncing(Progress),
    /// The last run finished.
    Done,
    /// The server is out of reach: the garden, an outing, the Wi-Fi down. Nothing is lost.
    OffPremises,
    /// Sync needs something a person must do (enrol the tablet, wait for approval).
    Blocked(String),
    Failed(String),
}

/// How far a run has got: changes answered and photo bytes sent of those known so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    pub items_done: usize,
    pub items: usize,
    pub bytes_done: u64,
    pub bytes: u64,
}

#[derive(Clone, Copy)]
pub struct Sync {
    pub phase: RwSignal<Phase>,
    pub last_synced: RwSignal<Option<DateTime<Utc>>>,
    pub refused: RwSignal<Vec<RefusedChange>>,
    /// Changes on this tablet the server has not answered yet.
    pub waiting: RwSignal<usize>,
    /// Moves when a pull wrote records: lists read the store again.
    pub revision: RwSignal<u64>,
    /// Runs started and runs finished since the app opened: a run is under way while they
    /// differ, from the moment it is asked for (before the first await), so "Sync now" cannot
    /// look ready while a run is still starting.
    pub started: RwSignal<u64>,
    pub finished: RwSignal<u64>,
    /// When the last run started (ms since the epoch): the screens' frame starts one when it
    /// appears, and should not start another at every page turn.
    last_started: StoredValue<f64>,
    /// Who had the tablet unlocked then: someone else unlocking starts a run at once.
    last_person: StoredValue<Option<uuid::Uuid>>,
}

#[derive(Debug, Error)]
pub enum SyncError {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Sync {
    pub fn new() -> Sync {
        Sync {
            phase: RwSignal::new(Phase::Waiting),
            last_synced: RwSignal::new(None),
            refused: RwSignal::new(Vec::new()),
            waiting: RwSignal::new(0),
            revision: RwSignal::new(0),
            started: RwSignal::new(0),
            finished: RwSignal::new(0),
            last_started: StoredValue::new(0.0),
            last_person: StoredValue::new(None),
        }
    }

    /// Starts a run unless the last one started less than `AUTO_EVERY` ago.
    pub fn start_if_due(self, lock: Lock, auth: Auth) {
        let someone_else = lock.keys().map(|k| k.person) != self.last_person.get_value();
        let due =
            js_sys::Date::now() - self.last_started.get_value() >= AUTO_EVERY.as_millis() as f64;
        if someone_else || due {
            self.start(lock, auth);
        }
    }

    /// Starts a run unless one is under way or nobody has the tablet unlocked.
    pub fn start(self, lock: Lock, auth: Auth) {
        if self.started.get_untracked() != self.finished.get_untracked() {
            return;
        }
        let Some(keys) = lock.keys() else {
            return;
        };
        self.last_person.set_value(Some(keys.person));
        self.last_started.set_value(js_sys::Date::now());
        self.started.update(|n| *n += 1);
        spawn_local(async move {
            let outcome = self.run(&keys, auth).await;
            match outcome {
                Ok(phase) => self.phase.set(phase),
                Err(SyncError::Api(ApiError::Unreachable)) => self.phase.set(Phase::OffPremises),
                Err(e) => self.phase.set(Phase::Failed(e.to_string())),
            }
            self.finished.set(self.started.get_untracked());
        });
    }

    /// Whether a run is under way (tracked, so a button can follow it).
    pub fn running(self) -> bool {
        self.started.get() != self.finished.get()
    }

    /// Reads what the tablet knows (refusals, waiting changes) without syncing.
    pub fn refresh(self, keys: std::rc::Rc<Keys>) {
        spawn_local(async move {
            if let Ok(store) = tablet::open().await {
                let _ = self.show(&store, &keys).await;
            }
        });
    }

    async fn show(self, store: &Store, keys: &Keys) -> Result<SyncState, StoreError> {
        let state = sync_state::load(store, keys).await?;
        let waiting = sync_state::waiting(&store.outbox(keys).await?).len();
        self.refused.set(state.refused.clone());
        self.last_synced.set(state.last_synced);
        self.waiting.set(waiting);
        Ok(state)
    }

    async fn run(self, keys: &Keys, auth: Auth) -> Result<Phase, SyncError> {
        let store = tablet::open().await?;
        self.show(&store, keys).await?;
        let Some(enrolment) = enrolment::current(keys).await? else {
            return Ok(Phase::Blocked(
                "This tablet is not enrolled with the setting’s server yet, so it keeps everything here. A manager can enrol it in Settings.".into(),
            ));
        };
        self.phase.set(Phase::Syncing(Progress::default()));
        // On an outing nothing moves until the tablet has been away from the server and is
        // back: then this run brings back everything it left behind, and the outing ends.
        if let Some(out) = crate::store::outing::current(&store).await? {
            match Signer::new(&enrolment).await {
                Err(ApiError::Unreachable) => {
                    crate::store::outing::left(&store).await?;
                    return Err(ApiError::Unreachable.into());
                }
                Ok(_) if !out.left => {
                    return Ok(Phase::Blocked(
                        "This tablet is ready for its outing. It syncs again when it is back on the setting’s Wi-Fi afterwards, or when someone presses “Back from the outing” on the sync page.".into(),
                    ));
                }
                _ => {}
            }
        }
        let outcome = async {
            let signer = Signer::new(&enrolment).await?;
            restored::check(&store, keys, &signer, self).await?;
            push::run(&store, keys, &signer, self).await?;
            let pulled = pull::run(&store, keys, &signer).await?;
            if pulled.changed > 0 {
                self.revision.update(|r| *r += 1);
            }
            // A leaver's group entry changed here goes again, without the leaver.
            if pulled.kept_for_others > 0 {
                push::run(&store, keys, &signer, self).await?;
            }
            // Photos older than the setting's window, which the server holds, leave the tablet.
            // What it knows of its photos is read once, for the purge and for what it holds.
            let mut known = purge::known(&store, keys).await?;
            if let Some(window) = pulled.photo_window {
                store.set_meta(purge::WINDOW_KEY, &window).await?;
                if purge::remove(&store, &mut known, window.keep_from).await? > 0 {
                    self.revision.update(|r| *r += 1);
                }
            }
            // What the tablet holds now, for the manager's list of tablets.
            let holdings = crate::store::holdings::from_known(&store, keys, &known).await?;
            let body = serde_json::to_vec(&holdings).map_err(|_| ApiError::BadAnswer)?;
            let answer = signer
                .send("POST", "/api/sync/holdings", &body, "application/json")
                .await?;
            if !answer.ok() {
                crate::api::read::<serde_json::Value>(answer).await?;
            }
            report_wrong_passphrases(&store, &signer).await?;
            // Back from an outing: everything came back with this pull (from the start).
            if crate::store::outing::current(&store).await?.is_some() {
                let body = serde_json::to_vec(&burrow_core::outing::OutingReport {
                    out: false,
                    children: 0,
                })
                .map_err(|_| ApiError::BadAnswer)?;
                let answer = signer
                    .send("POST", "/api/sync/outing", &body, "application/json")
                    .await?;
                if !answer.ok() {
                    crate::api::read::<serde_json::Value>(answer).await?;
                }
                crate::store::outing::end(&store).await?;
                self.revision.update(|r| *r += 1);
            }
            // Staff whose access was removed stop unlocking this tablet from now on.
            let staff: Vec<burrow_core::api::StaffMember> = crate::api::get("/api/staff").await?;
            let removed: Vec<uuid::Uuid> =
                staff.iter().filter(|s| s.removed).map(|s| s.id).collect();
            tablet::forget(&store, &removed).await?;
            Ok::<(), SyncError>(())
        }
        .await;
        match outcome {
            Err(SyncError::Api(ApiError::Refused { status: 410, .. })) => {
                // Removed by a manager: wipe (DESIGN §2.5).
                if let Err(e) = enrolment::wipe(auth).await {
                    return Err(SyncError::Api(ApiError::on_tablet(e)));
                }
                Ok(Phase::Done)
            }
            Err(SyncError::Api(ApiError::Refused { status: 403, .. })) => Ok(Phase::Blocked(
                "This tablet is waiting for a manager to approve it in Settings. Until then it keeps everything here.".into(),
            )),
            Err(e) => Err(e),
            Ok(()) => {
                let mut state = sync_state::load(&store, keys).await?;
                state.last_synced = Some(Utc::now());
                sync_state::save(&store, keys, &state).await?;
                self.show(&store, keys).await?;
                Ok(Phase::Done)
            }
        }
    }

    /// A person has seen a refusal: it leaves the list.
    pub fn dismiss(self, keys: std::rc::Rc<Keys>, record_id: uuid::Uuid, version: u64) {
        spawn_local(async move {
            let Ok(store) = tablet::open().await else {
                return;
            };
            if let Ok(mut state) = sync_state::load(&store, &keys).await {
                state
                    .refused
                    .retain(|r| !(r.record_id == record_id && r.version == version));
                if sync_state::save(&store, &keys, &state).await.is_ok() {
                    self.refused.set(state.refused);
                }
            }
        });
    }
}

/// Wrong passphrases typed on this tablet go to the setting's audit log, then leave the tablet.
async fn report_wrong_passphrases(store: &Store, signer: &Signer) -> Result<(), SyncError> {
    use burrow_core::api::{WRONG_PASSPHRASES_MAX, WrongPassphraseAttempt, WrongPassphrases};
    let tried = tablet::wrong_passphrases(store).await?;
    let sent = &tried[..tried.len().min(WRONG_PASSPHRASES_MAX)];
    let Some(last) = sent.last().map(|a| a.at_ms) else {
        return Ok(());
    };
    let report = WrongPassphrases {
        attempts: sent
            .iter()
            .map(|a| WrongPassphraseAttempt {
                staff_id: a.user_id,
                at: DateTime::from_timestamp_millis(a.at_ms as i64).unwrap_or_default(),
            })
            .collect(),
    };
    let body = serde_json::to_vec(&report).map_err(|_| ApiError::BadAnswer)?;
    let answer = signer
        .send(
            "POST",
            "/api/audit/wrong-passphrases",
            &body,
            "application/json",
        )
        .await?;
    if !answer.ok() {
        return Err(crate::api::read::<serde_json::Value>(answer)
            .await
            .err()
            .unwrap_or(ApiError::BadAnswer)
            .into());
    }
    tablet::wrong_passphrases_reported(store, last).await?;
    Ok(())
}

impl Default for Sync {
    fn default() -> Self {
        Sync::new()
    }
}

pub fn use_sync() -> Sync {
    expect_context::<Sync>()
}
