//! Whether this tablet is unlocked, and its working keys while it is.
//!
//! The keys live here only, in memory, never in a signal that could be serialised and never in
//! storage. Locking drops them; every screen that shows a child sits behind `Unlocked`, so
//! locking also unmounts those screens and the data they held.

use crate::api::{self, ApiError};
use crate::auth::Auth;
use crate::store::keys::Keys;
use crate::store::tablet::{self, Person, TabletError};
use burrow_core::api::{Session, SignInRequest};
use leptos::prelude::*;
use std::rc::Rc;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LockState {
    Locked,
    Unlocked(Person),
}

#[derive(Clone, Copy)]
pub struct Lock {
    pub state: RwSignal<LockState>,
    keys: StoredValue<Option<Rc<Keys>>, LocalStorage>,
    /// Why the tablet locked, for the lock screen.
    pub reason: RwSignal<Option<String>>,
    /// Someone not on the lock screen's list asked to sign in with their name.
    pub name_form: RwSignal<bool>,
}

impl Lock {
    pub fn new() -> Lock {
        Lock {
            state: RwSignal::new(LockState::Locked),
            keys: StoredValue::new_local(None),
            reason: RwSignal::new(None),
            name_form: RwSignal::new(false),
        }
    }

    pub fn unlocked(self, person: Person, keys: Keys) {
        self.keys.set_value(Some(Rc::new(keys)));
        self.reason.set(None);
        self.name_form.set(false);
        self.state.set(LockState::Unlocked(person));
    }

    /// Drops the keys and hides everything behind the lock screen.
    pub fn lock(self, reason: impl Into<String>) {
        self.keys.set_value(None);
        if self.is_unlocked() {
            self.reason.set(Some(reason.into()));
            self.state.set(LockState::Locked);
        }
    }

    pub fn is_unlocked(self) -> bool {
        self.state
            .with_untracked(|s| matches!(s, LockState::Unlocked(_)))
    }

    /// The working keys, while unlocked.
    pub fn keys(self) -> Option<Rc<Keys>> {
        self.keys.get_value()
    }
}

pub fn use_lock() -> Lock {
    expect_context::<Lock>()
}

/// A problem on the tablet, shown on a form like the server's refusals.
pub fn as_form_error(e: TabletError) -> ApiError {
    match e {
        TabletError::Api(e) => e,
        other => ApiError::on_tablet(other.to_string()),
    }
}

/// After the server accepted a passphrase (set-up, sign-in, invite): opens this tablet for that
/// person, giving them their own wrapped key if they have none here yet. If the tablet cannot
/// be opened, the server session is ended too, so nobody is half signed in.
pub async fn open_tablet(
    auth: Auth,
    lock: Lock,
    session: Session,
    passphrase: &str,
) -> Result<Session, ApiError> {
    let opened = async {
        let store = tablet::open().await?;
        tablet::after_sign_in(&store, &session.staff, passphrase).await
    }
    .await;
    match opened {
        Ok(keys) => {
            lock.unlocked(
                Person {
                    id: session.staff.id,
                    name: session.staff.name.clone(),
                },
                keys,
            );
            auth.signed_in(session.clone());
            Ok(session)
        }
        Err(e) => {
            let _ = api::delete("/api/session").await;
            Err(as_form_error(e))
        }
    }
}

/// Unlocking on the lock screen: the passphrase opens this person's wrapped key on the tablet,
/// then the server session is made theirs (kept if it is, renewed with the same passphrase if it
/// ended, swapped if someone else was signed in).
pub async fn unlock_as(
    auth: Auth,
    lock: Lock,
    person: Person,
    passphrase: String,
) -> Result<(), ApiError> {
    let store = tablet::open().await.map_err(|e| as_form_error(e.into()))?;
    let keys = tablet::unlock_as(&store, person.id, &passphrase)
        .await
        .map_err(as_form_error)?;
    let current = auth
        .session
        .with_untracked(|s| s.as_ref().map(|s| s.staff.id));
    let session = match current {
        Some(id) if id == person.id => match api::get::<Session>("/api/session").await {
            Ok(s) => s,
            Err(e) if e.is_unauthorised() => sign_in(&person, passphrase).await?,
            Err(e) => return Err(e),
        },
        Some(_) => {
            let _ = api::delete("/api/session").await;
            auth.session.set(None);
            sign_in(&person, passphrase).await?
        }
        None => sign_in(&person, passphrase).await?,
    };
    lock.unlocked(person, keys);
    auth.signed_in(session);
    Ok(())
}

async fn sign_in(person: &Person, passphrase: String) -> Result<Session, ApiError> {
    api::post(
        "/api/session",
        &SignInRequest {
            name: person.name.clone(),
            passphrase,
        },
    )
    .await
}
