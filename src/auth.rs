//! Who is using the app: the setting's status and the signed-in member of staff, shared through
//! context. Pages read it; only sign-in, set-up and sign-out write it.

use crate::api::{self, ApiError};
use burrow_core::api::{Session, Status};
use burrow_core::workflow::{Actor, Setting};
use leptos::prelude::*;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq)]
pub enum Boot {
    Loading,
    Ready,
    Offline(String),
}

#[derive(Clone, Copy)]
pub struct Auth {
    pub boot: RwSignal<Boot>,
    pub status: RwSignal<Option<Status>>,
    pub session: RwSignal<Option<Session>>,
    /// Why the last session ended, when the server ended it: shown on the sign-in screen.
    pub ended: RwSignal<Option<String>>,
}

impl Auth {
    pub fn new() -> Auth {
        Auth {
            boot: RwSignal::new(Boot::Loading),
            status: RwSignal::new(None),
            session: RwSignal::new(None),
            ended: RwSignal::new(None),
        }
    }

    /// Asks the server whether the setting is set up and who (if anyone) is signed in. Both at
    /// once: a slow tablet's first screen waits for the later of the two, not their sum (P2).
    pub async fn load(self) {
        self.boot.set(Boot::Loading);
        let (status, session) = futures::join!(
            api::get::<Status>("/api/status"),
            api::get::<Session>("/api/session")
        );
        let status = match status {
            Ok(s) => s,
            Err(e) => {
                self.boot.set(Boot::Offline(e.to_string()));
                return;
            }
        };
        let session = if status.setup_needed {
            None
        } else {
            match session {
                Ok(s) => Some(s),
                Err(e) if e.is_unauthorised() => None,
                Err(e) => {
                    self.boot.set(Boot::Offline(e.to_string()));
                    return;
                }
            }
        };
        self.status.set(Some(status));
        self.session.set(session);
        self.boot.set(Boot::Ready);
    }

    pub fn signed_in(self, session: Session) {
        self.status.set(Some(Status {
            setup_needed: false,
            setting_name: Some(session.setting_name.clone()),
        }));
        self.ended.set(None);
        // Someone signed in: the note that this tablet was wiped has been read.
        if let Some(s) = web_sys::window().and_then(|w| w.session_storage().ok().flatten()) {
            let _ = s.remove_item(crate::enrolment::WIPED);
        }
        if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
            let _ = s.remove_item(crate::store::tablet::STORE_RESET);
        }
        self.session.set(Some(session));
    }

    pub async fn sign_out(self) -> Result<(), ApiError> {
        api::delete("/api/session").await?;
        self.session.set(None);
        Ok(())
    }

    /// A call came back 401: the session ended on the server (idle or lifetime). The server's
    /// sentence says why, and the sign-in screen shows it.
    pub fn session_ended(self, error: &ApiError) {
        self.ended.set(Some(error.to_string()));
        self.session.set(None);
    }

    /// The signed-in member of staff as core's workflow sees them, their id, and the setting's
    /// validation switch. Not tracked: read when an action is taken.
    pub fn workflow_actor(self) -> Option<(Actor, Uuid, Setting)> {
        self.session.with_untracked(|s| {
            s.as_ref().map(|s| {
                (
                    Actor::Staff {
                        id: s.staff.id,
                        role: s.staff.role,
                    },
                    s.staff.id,
                    Setting {
                        validation_required: s.validation_required,
                    },
                )
            })
        })
    }

    pub fn may_manage(self) -> bool {
        self.session.with(|s| {
            s.as_ref()
                .is_some_and(|s| s.staff.role.may_manage_setting())
        })
    }
}

pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}
