//! Who may unlock this tablet, and how someone becomes one of them.
//!
//! The tablet has one random data key. It is stored only wrapped, once per person, under a
//! key derived from their passphrase. The first person to sign in on a tablet creates the data
//! key and leaves a copy with the setting's server; anyone who signs in there later (the server
//! checks their passphrase) is given that copy and wraps it under their own passphrase. From
//! then on they unlock the tablet without the server: on an outing, or when the Wi-Fi is down.
//!
//! The server gives the data key back only to this browser and only while a manager has the
//! tablet enrolled: the first sign-in makes a door key (a signing key the browser keeps and
//! will not let script read out) and leaves its public half with the server; later requests for
//! the data key are signed with it, and the enrolment is tied to it (`enrolment::ask`).
//!
//! What sits in the clear in the `meta` store: the wrapped keys, the tablet's random id, its
//! door key (as the browser's own key object), the names of the staff who may unlock it (for
//! the lock screen; never a child's), and counts of wrong passphrases.

use super::crypto::CryptoError;
use super::db::{Store, StoreError};
use super::keys::{Keys, UnlockError, keys_from, new_data_key, unlock, wrap};
use crate::api::{self, ApiError};
use burrow_core::api::{NewTabletKey, StaffMember, TabletKey};
use burrow_core::keys::{KEY_LEN, PBKDF2_ITERATIONS, key_from_hex, key_to_hex};
use burrow_core::lock::unlock_wait_seconds;
use serde::{Deserialize, Serialize};
use thiserror::Error;
use uuid::Uuid;
use zeroize::Zeroizing;

/// The app's IndexedDB database.
pub const STORE_NAME: &str = "burrow";
const DEVICE_ID: &str = "device_id";
const DOOR_KEY: &str = "door_key";
const PEOPLE: &str = "people";
const ATTEMPTS: &str = "unlock_attempts";

/// Someone who may unlock this tablet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub id: Uuid,
    pub name: String,
}

/// Wrong passphrases: in a row per person (for the wait), and each one for the audit log until
/// the server takes them (the audit issue sends them).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Attempts {
    in_a_row: Vec<InARow>,
    for_audit: Vec<WrongPassphrase>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct InARow {
    user_id: Uuid,
    count: u32,
    last_ms: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WrongPassphrase {
    pub user_id: Uuid,
    pub at_ms: f64,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TabletError {
    #[error("Too many wrong passphrases. Wait {0} before trying again.")]
    Wait(String),
    #[error(transparent)]
    Unlock(#[from] UnlockError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    #[error(
        "You cannot unlock this tablet yet. Sign in with your name and passphrase while the tablet is on the setting’s Wi-Fi."
    )]
    NotOnThisTablet,
    #[error(
        "The setting’s server gave a tablet key Burrow could not read. Try again; if it keeps happening, tell your manager."
    )]
    BadKey,
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

fn wait_label(seconds: u64) -> String {
    match seconds {
        1 => "1 second".into(),
        s if s < 60 => format!("{s} seconds"),
        s if s < 120 => "1 minute".into(),
        s => format!("{} minutes", s.div_ceil(60)),
    }
}

/// Set (in localStorage, which survives the browser restarting) when the browser deleted this
/// tablet's store after a crash, until someone signs in again: the sign-in screen says why.
pub const STORE_RESET: &str = "burrow-store-reset";

pub async fn open() -> Result<Store, StoreError> {
    let store = Store::open(STORE_NAME).await?;
    if store.was_reset()
        && let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten())
    {
        let _ = s.set_item(STORE_RESET, "1");
    }
    Ok(store)
}

/// A manager removed this tablet: every wrapped key goes first (from then on nothing here can be
/// read, even if the rest were interrupted), then the whole database.
pub async fn wipe() -> Result<(), StoreError> {
    people_changed();
    let store = open().await?;
    store.forget_wrapped_keys().await?;
    store.close();
    Store::delete(STORE_NAME).await
}

thread_local! {
    /// Who may unlock this tablet, read at start-up beside the server's status (P2), for the
    /// first screen that lists them. Taken once; any change to who may unlock drops it.
    static AT_START: std::cell::RefCell<Option<Option<Vec<Person>>>> =
        const { std::cell::RefCell::new(None) };
}

/// Reads who may unlock this tablet while the app starts, so the first screen does not wait
/// for the store to open after the server has answered. `None` in it: no store to read.
pub async fn read_people_at_start() {
    let read = async { people(&open().await.ok()?).await.ok() }.await;
    AT_START.with(|at| *at.borrow_mut() = Some(read));
}

/// What `read_people_at_start` read, once; `None` if it was taken or is out of date.
pub fn people_read_at_start() -> Option<Option<Vec<Person>>> {
    AT_START.with(|at| at.borrow_mut().take())
}

fn people_changed() {
    AT_START.with(|at| *at.borrow_mut() = None);
}

/// The people who may unlock this tablet, in the order they first signed in here.
pub async fn people(store: &Store) -> Result<Vec<Person>, StoreError> {
    // Both reads at once: the front door waits on them at start-up (P2).
    let (wrapped, people) =
        futures::try_join!(store.wrapped_keys(), store.meta::<Vec<Person>>(PEOPLE))?;
    Ok(people
        .unwrap_or_default()
        .into_iter()
        .filter(|p| wrapped.iter().any(|w| w.user_id == p.id))
        .collect())
}

/// Forgets people whose access a manager removed: their wrapped keys go, so their passphrase no
/// longer unlocks this tablet, and their names leave the lock screen. Returns how many.
pub async fn forget(store: &Store, removed: &[Uuid]) -> Result<usize, StoreError> {
    let wrapped = store.wrapped_keys().await?;
    let gone = wrapped
        .iter()
        .filter(|w| removed.contains(&w.user_id))
        .count();
    if gone == 0 {
        return Ok(0);
    }
    people_changed();
    for w in wrapped.iter().filter(|w| removed.contains(&w.user_id)) {
        store.remove_wrapped_key(w.user_id).await?;
    }
    let mut people: Vec<Person> = store.meta(PEOPLE).await?.unwrap_or_default();
    people.retain(|p| !removed.contains(&p.id));
    store.set_meta(PEOPLE, &people).await?;
    Ok(gone)
}

async fn remember(store: &Store, person: Person) -> Result<(), StoreError> {
    people_changed();
    let mut people: Vec<Person> = store.meta(PEOPLE).await?.unwrap_or_default();
    match people.iter_mut().find(|p| p.id == person.id) {
        Some(p) => p.name = person.name,
        None => people.push(person),
    }
    store.set_meta(PEOPLE, &people).await
}

/// Seconds this person must still wait before another try, after wrong passphrases in a row.
pub async fn seconds_to_wait(store: &Store, user_id: Uuid) -> Result<u64, StoreError> {
    let attempts: Attempts = store.meta(ATTEMPTS).await?.unwrap_or_default();
    Ok(attempts
        .in_a_row
        .iter()
        .find(|a| a.user_id == user_id)
        .map(|a| {
            let wait_ms = unlock_wait_seconds(a.count) as f64 * 1000.0;
            ((a.last_ms + wait_ms - now_ms()) / 1000.0).ceil().max(0.0) as u64
        })
        .unwrap_or(0))
}

/// Wrong passphrases waiting to go to the setting's audit log.
pub async fn wrong_passphrases(store: &Store) -> Result<Vec<WrongPassphrase>, StoreError> {
    let attempts: Attempts = store.meta(ATTEMPTS).await?.unwrap_or_default();
    Ok(attempts.for_audit)
}

/// The server has the wrong passphrases up to `upto_ms` in its audit log: they leave the tablet.
pub async fn wrong_passphrases_reported(store: &Store, upto_ms: f64) -> Result<(), StoreError> {
    let mut attempts: Attempts = store.meta(ATTEMPTS).await?.unwrap_or_default();
    attempts.for_audit.retain(|a| a.at_ms > upto_ms);
    store.set_meta(ATTEMPTS, &attempts).await
}

async fn record_attempt(store: &Store, user_id: Uuid, right: bool) -> Result<(), StoreError> {
    let mut attempts: Attempts = store.meta(ATTEMPTS).await?.unwrap_or_default();
    attempts.in_a_row.retain(|a| a.user_id != user_id || !right);
    if !right {
        let now = now_ms();
        match attempts.in_a_row.iter_mut().find(|a| a.user_id == user_id) {
            Some(a) => {
                a.count = a.count.saturating_add(1);
                a.last_ms = now;
            }
            None => attempts.in_a_row.push(InARow {
                user_id,
                count: 1,
                last_ms: now,
            }),
        }
        attempts.for_audit.push(WrongPassphrase {
            user_id,
            at_ms: now,
        });
    }
    store.set_meta(ATTEMPTS, &attempts).await
}

/// Unlocks the tablet as someone who may, without the server. Wrong passphrases make the next
/// try wait (core's `unlock_wait_seconds`), and the wait survives a reload: it is stored.
pub async fn unlock_as(
    store: &Store,
    user_id: Uuid,
    passphrase: &str,
) -> Result<Keys, TabletError> {
    let wait = seconds_to_wait(store, user_id).await?;
    if wait > 0 {
        return Err(TabletError::Wait(wait_label(wait)));
    }
    let wrapped = store
        .wrapped_keys()
        .await?
        .into_iter()
        .find(|w| w.user_id == user_id)
        .ok_or(TabletError::NotOnThisTablet)?;
    match unlock(&wrapped, passphrase).await {
        Ok(keys) => {
            record_attempt(store, user_id, true).await?;
            Ok(keys)
        }
        Err(UnlockError::WrongPassphrase) => {
            record_attempt(store, user_id, false).await?;
            let wait = seconds_to_wait(store, user_id).await?;
            if wait > 0 {
                Err(TabletError::Wait(wait_label(wait)))
            } else {
                Err(UnlockError::WrongPassphrase.into())
            }
        }
        Err(e) => Err(e.into()),
    }
}

/// After the server has accepted this person's passphrase: unlock with their wrapped key, or
/// give them one. A passphrase changed elsewhere gets a fresh wrap: the server vouched for it.
pub async fn after_sign_in(
    store: &Store,
    staff: &StaffMember,
    passphrase: &str,
) -> Result<Keys, TabletError> {
    let wrapped = store.wrapped_keys().await?;
    if let Some(mine) = wrapped.iter().find(|w| w.user_id == staff.id) {
        match unlock(mine, passphrase).await {
            Ok(keys) => {
                record_attempt(store, staff.id, true).await?;
                remember(store, person(staff)).await?;
                return Ok(keys);
            }
            Err(UnlockError::WrongPassphrase) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let data_key = tablet_key(store, !wrapped.is_empty()).await?;
    let mine = wrap(&data_key, staff.id, passphrase, PBKDF2_ITERATIONS).await?;
    people_changed();
    store.save_wrapped_key(&mine).await?;
    record_attempt(store, staff.id, true).await?;
    remember(store, person(staff)).await?;
    Ok(keys_from(&data_key, staff.id).await?)
}

fn person(staff: &StaffMember) -> Person {
    Person {
        id: staff.id,
        name: staff.name.clone(),
    }
}

/// This tablet's id with the server and its door key, once someone has set it up.
pub async fn door(store: &Store) -> Result<Option<(Uuid, web_sys::CryptoKey)>, StoreError> {
    use wasm_bindgen::JsCast;
    let Some(id) = store.meta::<Uuid>(DEVICE_ID).await? else {
        return Ok(None);
    };
    Ok(store
        .meta_object(DOOR_KEY)
        .await?
        .and_then(|k| k.dyn_into::<web_sys::CryptoKey>().ok())
        .map(|key| (id, key)))
}

/// The tablet's data key from the server, or a new one (left with the server) for a tablet that
/// holds nothing yet.
async fn tablet_key(
    store: &Store,
    holds_data: bool,
) -> Result<Zeroizing<[u8; KEY_LEN]>, TabletError> {
    if let Some((id, key)) = door(store).await? {
        let path = format!("/api/tablet-keys/{id}");
        let asked = async {
            let signer = crate::enrolment::Signer::door(id, key);
            api::read::<TabletKey>(signer.send("GET", &path, &[], "").await?).await
        };
        match asked.await {
            Ok(k) => return decode(&k),
            Err(ApiError::Refused { status: 404, .. }) if !holds_data => {}
            Err(ApiError::Refused { status: 404, .. }) => return Err(TabletError::NotOnThisTablet),
            Err(e) => return Err(e.into()),
        }
    } else if holds_data {
        return Err(TabletError::NotOnThisTablet);
    }
    let id = Uuid::now_v7();
    let fresh = new_data_key()?;
    let (door_key, door_public) = super::crypto::new_door_key().await?;
    let kept: TabletKey = api::put(
        &format!("/api/tablet-keys/{id}"),
        &NewTabletKey {
            key: key_to_hex(&fresh),
            door_key: hex::encode(door_public),
        },
    )
    .await?;
    store.set_meta_object(DOOR_KEY, &door_key).await?;
    store.set_meta(DEVICE_ID, &id).await?;
    decode(&kept)
}

fn decode(k: &TabletKey) -> Result<Zeroizing<[u8; KEY_LEN]>, TabletError> {
    key_from_hex(&k.key)
        .map(Zeroizing::new)
        .ok_or(TabletError::BadKey)
}
