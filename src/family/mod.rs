//! A parent's or carer's phone (issue 7 part 3). Its own app (`app.rs`, built apart from the
//! staff's so a phone downloads only what it uses), from the same library: it enrols with
//! the invite code a manager gave the parent, keeps its own data key wrapped under the parent's
//! passphrase (never left with the setting: nobody there can open the phone), and syncs only
//! that family's published journal, on the setting's network, at drop-off or pick-up.

pub mod app;
pub mod enrol;
pub mod notes;
pub mod sync;

use crate::api::ApiError;
use crate::lock::Lock;
use crate::store::keys::UnlockError;
use crate::store::tablet::{self, Person, TabletError};
use uuid::Uuid;

/// Where the family app is served (its own build, `app.rs`), and its set-up page. The routes in
/// `app.rs` spell them out again, as the router's `path!` needs literals.
pub const HOME: &str = "/family";
pub const ENROL: &str = "/family/enrol";

/// Set in localStorage on a family phone, holding the id the parent unlocks it as. Tells the app
/// at start-up to open the family's journal rather than the staff sign-in. Not personal.
const FAMILY_PHONE: &str = "burrow-family-phone";

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

/// The id this phone's parent unlocks it as, if this is a family phone.
pub fn unlock_id() -> Option<Uuid> {
    local_storage()
        .and_then(|s| s.get_item(FAMILY_PHONE).ok().flatten())
        .and_then(|v| Uuid::parse_str(&v).ok())
}

pub fn is_family_phone() -> bool {
    unlock_id().is_some()
}

fn mark(person: Uuid) {
    if let Some(s) = local_storage() {
        let _ = s.set_item(FAMILY_PHONE, &person.to_string());
    }
    if let Some(s) = web_sys::window().and_then(|w| w.session_storage().ok().flatten()) {
        let _ = s.remove_item(WIPED);
    }
}

fn unmark() {
    if let Some(s) = local_storage() {
        let _ = s.remove_item(FAMILY_PHONE);
    }
}

/// Opens the phone with the parent's passphrase (waits after wrong ones, like a tablet).
pub async fn unlock(lock: Lock, passphrase: &str) -> Result<(), TabletError> {
    let Some(id) = unlock_id() else {
        return Err(TabletError::NotOnThisTablet);
    };
    let store = tablet::open().await?;
    let keys = match tablet::unlock_as(&store, id, passphrase).await {
        Err(TabletError::Unlock(UnlockError::WrongPassphrase)) => {
            return Err(TabletError::Api(ApiError::on_tablet(
                "That passphrase is not right for this phone. Check it and try again.".into(),
            )));
        }
        other => other?,
    };
    lock.unlocked(
        Person {
            id,
            name: String::new(),
        },
        keys,
    );
    Ok(())
}

/// Set for the set-up screen after a wipe, so it can say what happened.
pub const WIPED: &str = "burrow-family-wiped";

/// The setting withdrew this phone: everything on it goes, wrapped key first, and Burrow opens
/// at the set-up screen, which says why.
pub async fn wipe(lock: Lock) -> Result<(), String> {
    tablet::wipe().await.map_err(|e| {
        format!("Burrow could not clear this phone: {e}. Close Burrow and open it again.")
    })?;
    unmark();
    lock.lock("");
    if let Some(w) = web_sys::window() {
        if let Ok(Some(s)) = w.session_storage() {
            let _ = s.set_item(WIPED, "1");
        }
        let _ = w.location().replace(ENROL);
    }
    Ok(())
}

/// The parent forgot their passphrase: nothing on the phone can be opened without it, so it is
/// cleared, and set up again with a new code from the manager (the journal comes back then).
pub async fn start_again(lock: Lock) -> Result<(), String> {
    tablet::wipe().await.map_err(|e| {
        format!("Burrow could not clear this phone: {e}. Close Burrow and open it again.")
    })?;
    unmark();
    lock.lock("");
    if let Some(w) = web_sys::window() {
        let _ = w.location().replace(ENROL);
    }
    Ok(())
}

/// Whether this phone was just cleared because the setting withdrew it.
pub fn was_wiped() -> bool {
    web_sys::window()
        .and_then(|w| w.session_storage().ok().flatten())
        .and_then(|s| s.get_item(WIPED).ok().flatten())
        .is_some()
}
