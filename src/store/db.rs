//! IndexedDB, through the `idb` crate (futures over the raw API, maintained, and the one
//! TOOLCHAIN.md verified here). What reaches the disk: random record ids, versions, index
//! tokens (HMACs) and envelopes. No name, date, text or child id is ever stored in the clear.
//!
//! Each change writes its record, its outbox entry and the next mutation counter in one
//! transaction, so after a crash a record is either whole with its outbox entry or absent.
//! Encryption happens before the transaction opens: awaiting WebCrypto inside it would let
//! IndexedDB commit half-way.

use super::crypto::{self, CryptoError};
use super::health;
use super::keys::{Keys, WrappedKey};
use burrow_core::envelope::{Aad, EnvelopeError, Kind};
use burrow_core::storage::{Estimate, StorageError, room_for_photo};
use idb::{
    Database, DatabaseEvent, Factory, IndexParams, KeyPath, ObjectStore, ObjectStoreParams, Query,
    Transaction, TransactionMode,
};
use js_sys::{Array, Object, Reflect, Uint8Array};
use serde::Serialize;
use serde::de::DeserializeOwned;
use thiserror::Error;
use uuid::Uuid;
use wasm_bindgen::{JsCast, JsValue};

const VERSION: u32 = 1;
/// Photo chunks are stored as ArrayBuffers of at most 1 MiB, envelope included: small enough
/// for IndexedDB to write without stalling a tablet, and never a Blob (Blobs land in separate
/// files that Chromium may keep after deletion).
pub const PHOTO_CHUNK_PLAIN: usize = (1 << 20) - burrow_core::envelope::OVERHEAD;
const RECORDS: &str = "records";
const PHOTO_CHUNKS: &str = "photo_chunks";
const OUTBOX: &str = "outbox";
const META: &str = "meta";
const LOOKUP: &str = "lookup";
const COUNTER: &str = "mutation_counter";
const WRAPPED_KEYS: &str = "wrapped_keys";
/// A random id made when the store is created (see `Store::check_epoch`).
const EPOCH: &str = "store_epoch";
/// On a record's row: the version the setting's server holds (absent: none yet). A number, as
/// public as the version beside it; sync sends it as the base a change was made on.
const SERVER_VERSION: &str = "server_version";
/// On a record's row: the server's receipt for the version it holds (issue 17), sent back with
/// the record should the server be restored from an older backup. A MAC under the server's key:
/// nothing in it can be read. It holds only while the row's version is the server's.
const RECEIPT: &str = "receipt";

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum StoreError {
    #[error(
        "This browser cannot store Burrow’s records. Open Burrow in Chrome or Safari, not a private window."
    )]
    Unavailable,
    /// Names the record, never its content.
    #[error(
        "Record {record_id} on this tablet is damaged and cannot be shown. It has not been changed; tell your manager."
    )]
    Damaged { record_id: Uuid },
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    #[error(transparent)]
    Full(#[from] StorageError),
    #[error(
        "This browser does not say how much space is left, so Burrow will not risk saving a photo. Open Burrow in Chrome or Safari."
    )]
    NoEstimate,
    #[error("The tablet’s storage refused a change: {0}")]
    Failed(String),
    /// Someone changed a record while sync was writing what it pulled: it tries again.
    #[error("Records changed on this tablet while it was syncing. Sync again.")]
    ChangedMeanwhile,
}

fn failed(e: idb::Error) -> StoreError {
    StoreError::Failed(e.to_string())
}

/// A record as the app sees it before sealing.
pub struct NewRecord<'a> {
    pub id: Uuid,
    pub kind: Kind,
    pub version: u64,
    /// Lookups such as ("child", child id); stored only as index tokens.
    pub lookups: &'a [(&'a str, String)],
    pub body: &'a [u8],
}

/// What the outbox holds for sync: which record changed to which version, and who changed it
/// (the person unlocked at the time), sealed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEntry {
    pub counter: u64,
    pub record_id: Uuid,
    pub kind: u8,
    pub version: u64,
    /// None only for entries written before the outbox said who.
    pub by: Option<Uuid>,
}

/// A version of a record the server now holds, as its answer said: the receipt with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept {
    pub id: Uuid,
    pub version: u64,
    pub receipt: Option<String>,
}

/// A record that came from the setting's server, sealed and ready to store.
pub struct FromServer {
    row: Object,
}

/// A record opened, with the version it is at and the version the server holds.
pub struct Versioned {
    pub version: u64,
    pub server_version: u64,
    pub body: Vec<u8>,
    /// The server's receipt for `server_version`, when the tablet has one.
    pub receipt: Option<String>,
}

impl Versioned {
    /// The receipt, if this body is exactly the version the server holds.
    pub fn receipt_for_body(&self) -> Option<&str> {
        (self.version == self.server_version)
            .then_some(self.receipt.as_deref())
            .flatten()
    }
}

fn number(row: &JsValue, key: &str) -> u64 {
    get(row, key).as_f64().unwrap_or(0.0) as u64
}

pub struct Store {
    db: Database,
    /// The browser deleted this store since it was last opened here (see `epoch`).
    reset: bool,
}

/// Where this store's epoch is also kept, outside IndexedDB.
fn epoch_key(name: &str) -> String {
    format!("burrow-store-epoch-{name}")
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

fn set(o: &Object, key: &str, value: impl Into<JsValue>) {
    let _ = Reflect::set(o, &key.into(), &value.into());
}

fn get(o: &JsValue, key: &str) -> JsValue {
    Reflect::get(o, &key.into()).unwrap_or(JsValue::UNDEFINED)
}

fn buffer(bytes: &[u8]) -> JsValue {
    Uint8Array::from(bytes).buffer().into()
}

fn bytes_of(value: &JsValue) -> Vec<u8> {
    Uint8Array::new(value).to_vec()
}

/// Every chunk of one photo, in order.
fn photo_range(photo_id: Uuid) -> Result<idb::KeyRange, StoreError> {
    let id = photo_id.to_string();
    idb::KeyRange::bound(
        &Array::of2(&id.as_str().into(), &0.into()).into(),
        &Array::of2(&id.as_str().into(), &f64::MAX.into()).into(),
        None,
        None,
    )
    .map_err(failed)
}

/// A record sealed and ready to store: id, version, index tokens (its kind's among them) and
/// the envelope.
async fn sealed_row(keys: &Keys, record: &NewRecord<'_>) -> Result<Object, StoreError> {
    // WebCrypto works off the page's thread: asked all at once, the seal and the lookup tokens
    // cost one wait rather than one each (P5).
    let aad = Aad::record(record.kind, record.id, record.version);
    let tokens = record
        .lookups
        .iter()
        .map(|(field, value)| keys.index_token(field, value));
    let (envelope, kind, tokens) = futures::try_join!(
        crypto::seal(&keys.records, &aad, record.body),
        keys.kind_token(record.kind),
        futures::future::try_join_all(tokens),
    )?;
    let lookup = Array::new();
    lookup.push(&kind.into());
    for token in tokens {
        lookup.push(&token.into());
    }
    let row = Object::new();
    set(&row, "id", record.id.to_string());
    set(&row, "version", record.version as f64);
    set(&row, LOOKUP, lookup);
    set(&row, "envelope", buffer(&envelope));
    Ok(row)
}

/// A photo's rows: every chunk sealed at once (one wait, not one a chunk), each under an AAD
/// that names its place and the chunk count.
async fn sealed_photo(keys: &Keys, photo_id: Uuid, jpeg: &[u8]) -> Result<Vec<Object>, StoreError> {
    let count = jpeg.len().div_ceil(PHOTO_CHUNK_PLAIN).max(1) as u64;
    let aads: Vec<Aad> = (0..count as usize)
        .map(|i| photo_aad(photo_id, count, i))
        .collect();
    let sealed = futures::future::try_join_all(
        jpeg.chunks(PHOTO_CHUNK_PLAIN)
            .zip(&aads)
            .map(|(chunk, aad)| crypto::seal(&keys.photos, aad, chunk)),
    )
    .await?;
    Ok(sealed
        .iter()
        .enumerate()
        .map(|(i, envelope)| {
            let row = Object::new();
            set(&row, "photo", photo_id.to_string());
            set(&row, "chunk", i as f64);
            set(&row, "envelope", buffer(envelope));
            row
        })
        .collect())
}

impl Store {
    pub async fn open(name: &str) -> Result<Store, StoreError> {
        let factory = Factory::new().map_err(|_| StoreError::Unavailable)?;
        let mut request = factory
            .open(name, Some(VERSION))
            .map_err(|_| StoreError::Unavailable)?;
        request.on_upgrade_needed(|event| {
            let Ok(db) = event.database() else { return };
            let mut records = ObjectStoreParams::new();
            records.key_path(Some(KeyPath::new_single("id")));
            if let Ok(store) = db.create_object_store(RECORDS, records) {
                let mut multi = IndexParams::new();
                multi.multi_entry(true);
                let _ = store.create_index(LOOKUP, KeyPath::new_single(LOOKUP), Some(multi));
            }
            let mut chunks = ObjectStoreParams::new();
            chunks.key_path(Some(KeyPath::new_array(["photo", "chunk"])));
            let _ = db.create_object_store(PHOTO_CHUNKS, chunks);
            let mut outbox = ObjectStoreParams::new();
            outbox.key_path(Some(KeyPath::new_single("counter")));
            let _ = db.create_object_store(OUTBOX, outbox);
            let _ = db.create_object_store(META, ObjectStoreParams::new());
        });
        let mut db = request.await.map_err(failed)?;
        // A wipe (or a later upgrade) must not wait on connections this page still holds: each
        // closes itself when asked. The handler is handed to JavaScript, which outlives `Store`.
        db.on_version_change(|event| {
            if let Some(db) = event
                .target()
                .and_then(|t| t.dyn_into::<web_sys::IdbDatabase>().ok())
            {
                db.close();
            }
        });
        db.forget_callbacks();
        let mut store = Store { db, reset: false };
        store.reset = store.check_epoch(name).await?;
        Ok(store)
    }

    /// Chromium deletes an IndexedDB database it finds corrupt when it opens it (a torn write
    /// after the tablet or the browser was killed mid-save: see the store-crash e2e), silently.
    /// Each store keeps a random epoch both in its meta and in localStorage; a store without one
    /// whose epoch localStorage remembers was deleted by the browser, and the person is told.
    async fn check_epoch(&self, name: &str) -> Result<bool, StoreError> {
        let remembered = local_storage().and_then(|s| s.get_item(&epoch_key(name)).ok().flatten());
        let epoch = match self.meta::<String>(EPOCH).await? {
            Some(epoch) => epoch,
            None => {
                let epoch = hex::encode(crypto::random_bytes::<16>()?);
                self.set_meta(EPOCH, &epoch).await?;
                epoch
            }
        };
        let reset = remembered.as_ref().is_some_and(|r| *r != epoch);
        if remembered.as_deref() != Some(epoch.as_str())
            && let Some(s) = local_storage()
        {
            let _ = s.set_item(&epoch_key(name), &epoch);
        }
        Ok(reset)
    }

    /// Whether the browser deleted this store (after a crash) since it was last opened here:
    /// everything not yet synced was lost with it.
    pub fn was_reset(&self) -> bool {
        self.reset
    }

    pub fn close(&self) {
        self.db.close();
    }

    /// Deletes the whole database (revocation, tests).
    pub async fn delete(name: &str) -> Result<(), StoreError> {
        // Deleted on purpose: not a reset to warn about.
        if let Some(s) = local_storage() {
            let _ = s.remove_item(&epoch_key(name));
        }
        let factory = Factory::new().map_err(|_| StoreError::Unavailable)?;
        factory.delete(name).map_err(failed)?.await.map_err(failed)
    }

    /// A metadata entry, stored as JSON. Only what is safe in the clear goes here: wrapped
    /// keys, the tablet's id, staff names for the lock screen, unlock attempt counts.
    pub async fn meta<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, StoreError> {
        let tx = self
            .db
            .transaction(&[META], TransactionMode::ReadOnly)
            .map_err(failed)?;
        let store = tx.object_store(META).map_err(failed)?;
        let value = store
            .get(Query::from(JsValue::from_str(key)))
            .map_err(failed)?
            .await
            .map_err(failed)?;
        match value.and_then(|v| v.as_string()) {
            Some(json) => serde_json::from_str(&json)
                .map(Some)
                .map_err(|e| StoreError::Failed(e.to_string())),
            None => Ok(None),
        }
    }

    pub async fn set_meta<T: Serialize>(&self, key: &str, value: &T) -> Result<(), StoreError> {
        let json = serde_json::to_string(value).map_err(|e| StoreError::Failed(e.to_string()))?;
        let tx = self
            .db
            .transaction(&[META], TransactionMode::ReadWrite)
            .map_err(failed)?;
        let store = tx.object_store(META).map_err(failed)?;
        store
            .put(&JsValue::from_str(&json), Some(&JsValue::from_str(key)))
            .map_err(failed)?
            .await
            .map_err(failed)?;
        commit(tx, "the change was not saved").await
    }

    /// Forgets every wrapped copy of the data key: nothing on the tablet can be read after.
    pub async fn forget_wrapped_keys(&self) -> Result<(), StoreError> {
        self.set_meta(WRAPPED_KEYS, &Vec::<WrappedKey>::new()).await
    }

    pub async fn wrapped_keys(&self) -> Result<Vec<WrappedKey>, StoreError> {
        Ok(self.meta(WRAPPED_KEYS).await?.unwrap_or_default())
    }

    /// Adds or replaces this user's wrapped copy of the data key.
    pub async fn save_wrapped_key(&self, wrapped: &WrappedKey) -> Result<(), StoreError> {
        let mut all = self.wrapped_keys().await?;
        all.retain(|w| w.user_id != wrapped.user_id);
        all.push(wrapped.clone());
        self.set_meta(WRAPPED_KEYS, &all).await
    }

    /// Removes one person's wrapped copy of the data key: they can no longer unlock this tablet.
    pub async fn remove_wrapped_key(&self, user_id: Uuid) -> Result<(), StoreError> {
        let mut all = self.wrapped_keys().await?;
        all.retain(|w| w.user_id != user_id);
        self.set_meta(WRAPPED_KEYS, &all).await
    }

    /// Seals and writes a record with its outbox entry and the next mutation counter, all in
    /// one transaction. Returns the counter given to this change.
    pub async fn put_record(&self, keys: &Keys, record: &NewRecord<'_>) -> Result<u64, StoreError> {
        self.put_local(keys, record, None, keys.person).await
    }

    /// As `put_record`, for a change made on top of `server_version`, a version of the record
    /// the server holds that this tablet did not take (a leaver's group entry rewritten there),
    /// on behalf of `by`, who made the change it carries on: the next push says it was made on
    /// that version, by them.
    pub async fn put_record_on(
        &self,
        keys: &Keys,
        record: &NewRecord<'_>,
        server_version: u64,
        by: Uuid,
    ) -> Result<u64, StoreError> {
        self.put_local(keys, record, Some(server_version), by).await
    }

    async fn put_local(
        &self,
        keys: &Keys,
        record: &NewRecord<'_>,
        server_version: Option<u64>,
        by: Uuid,
    ) -> Result<u64, StoreError> {
        let outbox_id = Uuid::now_v7();
        let mut op = Vec::with_capacity(41);
        op.extend_from_slice(record.id.as_bytes());
        op.push(record.kind as u8);
        op.extend_from_slice(&record.version.to_be_bytes());
        op.extend_from_slice(by.as_bytes());
        let op_aad = Aad::record(Kind::OutboxEntry, outbox_id, 0);
        let (row, op_envelope) = futures::try_join!(sealed_row(keys, record), async {
            Ok(crypto::seal(&keys.records, &op_aad, &op).await?)
        },)?;

        let tx = self
            .db
            .transaction(&[RECORDS, OUTBOX, META], TransactionMode::ReadWrite)
            .map_err(failed)?;
        // Each step's requests go to IndexedDB together and are awaited together: it runs them
        // in order within the transaction, and the page waits once a step, not once a request.
        let meta = tx.object_store(META).map_err(failed)?;
        let records = tx.object_store(RECORDS).map_err(failed)?;
        let counter_key = JsValue::from_str(COUNTER);
        let last = meta
            .get(Query::from(counter_key.clone()))
            .map_err(failed)?
            .into_future();
        // What the server holds stays known across local changes: it is the next push's base.
        // A first version has no base (versions rise with every write, and the server knows
        // only versions it was sent), so it is written without reading the row first.
        let old = match server_version {
            Some(_) => None,
            None if record.version <= 1 => None,
            None => Some(
                records
                    .get(Query::from(JsValue::from_str(&record.id.to_string())))
                    .map_err(failed)?
                    .into_future(),
            ),
        };
        let last = last.await.map_err(failed)?;
        let counter = last.and_then(|v| v.as_f64()).unwrap_or(0.0) as u64 + 1;
        if let Some(base) = server_version {
            set(&row, SERVER_VERSION, base as f64);
        } else if let Some(old) = old
            && let Some(old) = old.await.map_err(failed)?
        {
            set(&row, SERVER_VERSION, get(&old, SERVER_VERSION));
        }
        let entry = Object::new();
        set(&entry, "counter", counter as f64);
        set(&entry, "id", outbox_id.to_string());
        set(&entry, "envelope", buffer(&op_envelope));
        let put = records.put(&row, None).map_err(failed)?.into_future();
        let add = tx
            .object_store(OUTBOX)
            .map_err(failed)?
            .add(&entry, None)
            .map_err(failed)?
            .into_future();
        let count = meta
            .put(&JsValue::from_f64(counter as f64), Some(&counter_key))
            .map_err(failed)?
            .into_future();
        put.await.map_err(failed)?;
        add.await.map_err(failed)?;
        count.await.map_err(failed)?;
        commit(tx, "the change was not saved").await?;
        Ok(counter)
    }

    /// Writes records that came from the setting's server (no outbox entry: they are not this
    /// tablet's changes), all in one transaction, and removes those of `kind` it no longer
    /// sends, so a child who has left does not linger on the tablet.
    pub async fn replace_from_server(
        &self,
        keys: &Keys,
        kind: Kind,
        records: &[NewRecord<'_>],
    ) -> Result<(), StoreError> {
        let mut rows = Vec::with_capacity(records.len());
        for record in records {
            rows.push(sealed_row(keys, record).await?);
        }
        let kind_token = keys.kind_token(kind).await?;
        let tx = self
            .db
            .transaction(&[RECORDS], TransactionMode::ReadWrite)
            .map_err(failed)?;
        let store = tx.object_store(RECORDS).map_err(failed)?;
        let old = store
            .index(LOOKUP)
            .map_err(failed)?
            .get_all_keys(Some(Query::from(JsValue::from_str(&kind_token))), None)
            .map_err(failed)?
            .await
            .map_err(failed)?;
        let keep: Vec<String> = records.iter().map(|r| r.id.to_string()).collect();
        for key in old {
            if key.as_string().is_some_and(|k| !keep.contains(&k)) {
                store
                    .delete(Query::from(key))
                    .map_err(failed)?
                    .await
                    .map_err(failed)?;
            }
        }
        put_all(&store, &rows).await?;
        commit(tx, "the records were not saved").await?;
        Ok(())
    }

    /// Seals and writes one record on its own, with no outbox entry (a parent's phone keeps its
    /// notes so: one note written never touches another).
    pub async fn put_alone(&self, keys: &Keys, record: &NewRecord<'_>) -> Result<(), StoreError> {
        let row = sealed_row(keys, record).await?;
        let tx = self
            .db
            .transaction(&[RECORDS], TransactionMode::ReadWrite)
            .map_err(failed)?;
        put_all(&tx.object_store(RECORDS).map_err(failed)?, &[row]).await?;
        commit(tx, "the record was not saved").await
    }

    /// Every record of `kind`, each opened or reported damaged (by id, never shown as garbage).
    pub async fn all_of(
        &self,
        keys: &Keys,
        kind: Kind,
    ) -> Result<Vec<(Uuid, Result<Vec<u8>, StoreError>)>, StoreError> {
        Ok(self
            .all_of_versioned(keys, kind)
            .await?
            .into_iter()
            .map(|(id, opened)| (id, opened.map(|v| v.body)))
            .collect())
    }

    /// How many records of `kind` the store holds, damaged ones too, without opening any.
    pub async fn count_of(&self, keys: &Keys, kind: Kind) -> Result<usize, StoreError> {
        let kind_token = keys.kind_token(kind).await?;
        let tx = self
            .db
            .transaction(&[RECORDS], TransactionMode::ReadOnly)
            .map_err(failed)?;
        let index = tx
            .object_store(RECORDS)
            .map_err(failed)?
            .index(LOOKUP)
            .map_err(failed)?;
        let count = index
            .count(Some(Query::from(JsValue::from_str(&kind_token))))
            .map_err(failed)?
            .await
            .map_err(failed)?;
        Ok(count as usize)
    }

    /// The same, each with the version it is at and the version the setting's server holds,
    /// read from the same rows: the purge's "is it on the server?" for thousands of photos
    /// without reading each row again.
    pub async fn all_of_versioned(
        &self,
        keys: &Keys,
        kind: Kind,
    ) -> Result<Vec<(Uuid, Result<Versioned, StoreError>)>, StoreError> {
        // WebCrypto answers faster than the page's other tasks get a turn: opening a kind of
        // thousands held the screen for ~80 ms (P11), so it gives the screen a turn every
        // hundred records.
        const TURN: usize = 100;
        let kind_token = keys.kind_token(kind).await?;
        let rows = self.rows_of_kind(&kind_token).await?;
        let mut out = Vec::with_capacity(rows.len());
        for (n, (id, row)) in rows.into_iter().enumerate() {
            if n > 0 && n % TURN == 0 {
                crate::pause::pause(0).await;
            }
            let opened = open_row(keys, kind, id, &row).await.map(|body| Versioned {
                version: number(&row, "version"),
                server_version: number(&row, SERVER_VERSION),
                body,
                receipt: get(&row, RECEIPT).as_string(),
            });
            out.push((id, opened));
        }
        Ok(out)
    }

    /// Every row carrying `kind_token`, read in pages: the ids first (keys only, cheap), then
    /// the rows a key range at a time, so a kind of thousands (a term's photos) never arrives in
    /// one answer that holds up the screen while the browser unpacks it. Requests only, no
    /// WebCrypto: the transaction stays open throughout.
    async fn rows_of_kind(&self, kind_token: &str) -> Result<Vec<(Uuid, JsValue)>, StoreError> {
        const PAGE: usize = 200;
        let tx = self
            .db
            .transaction(&[RECORDS], TransactionMode::ReadOnly)
            .map_err(failed)?;
        let store = tx.object_store(RECORDS).map_err(failed)?;
        let index = store.index(LOOKUP).map_err(failed)?;
        // Primary keys, in order (one index key, so ordered by the record's id).
        let ids = index
            .get_all_keys(Some(Query::from(JsValue::from_str(kind_token))), None)
            .map_err(failed)?
            .await
            .map_err(failed)?;
        // A small kind (the roster, consent answers) in one read, as before: its ids are spread
        // through the store, and ranges over them would read every other kind's rows too.
        if ids.len() <= PAGE {
            let rows = index
                .get_all(Some(Query::from(JsValue::from_str(kind_token))), None)
                .map_err(failed)?
                .await
                .map_err(failed)?;
            return Ok(rows
                .into_iter()
                .filter_map(|row| {
                    let id = Uuid::parse_str(&get(&row, "id").as_string()?).ok()?;
                    Some((id, row))
                })
                .collect());
        }
        let mut out = Vec::with_capacity(ids.len());
        for page in ids.chunks(PAGE) {
            let (Some(first), Some(last)) = (page.first(), page.last()) else {
                continue;
            };
            let wanted: std::collections::HashSet<String> =
                page.iter().filter_map(JsValue::as_string).collect();
            let range = idb::KeyRange::bound(first, last, None, None).map_err(failed)?;
            // The range may hold records of other kinds too; only this page's ids are kept.
            let rows = store
                .get_all(Some(Query::from(range)), None)
                .map_err(failed)?
                .await
                .map_err(failed)?;
            for row in rows {
                let Some(id) = get(&row, "id").as_string() else {
                    continue;
                };
                if wanted.contains(&id)
                    && let Ok(uuid) = Uuid::parse_str(&id)
                {
                    out.push((uuid, row));
                }
            }
        }
        Ok(out)
    }

    /// Opens one record; a record that does not open is reported as damaged, by id.
    pub async fn get_record(
        &self,
        keys: &Keys,
        kind: Kind,
        id: Uuid,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        let tx = self
            .db
            .transaction(&[RECORDS], TransactionMode::ReadOnly)
            .map_err(failed)?;
        let row = tx
            .object_store(RECORDS)
            .map_err(failed)?
            .get(Query::from(JsValue::from_str(&id.to_string())))
            .map_err(failed)?
            .await
            .map_err(failed)?;
        match row {
            Some(row) => Ok(Some(open_row(keys, kind, id, &row).await?)),
            None => Ok(None),
        }
    }

    /// Every record of `kind` with the lookup (field, value), each opened or reported damaged.
    pub async fn find(
        &self,
        keys: &Keys,
        kind: Kind,
        field: &str,
        value: &str,
    ) -> Result<Vec<(Uuid, Result<Vec<u8>, StoreError>)>, StoreError> {
        let token = keys.index_token(field, value).await?;
        let kind_token = keys.kind_token(kind).await?;
        self.opened(keys, kind, &token, &kind_token).await
    }

    /// Opens every record found through the index by `token` that also carries `kind_token`.
    async fn opened(
        &self,
        keys: &Keys,
        kind: Kind,
        token: &str,
        kind_token: &str,
    ) -> Result<Vec<(Uuid, Result<Vec<u8>, StoreError>)>, StoreError> {
        let tx = self
            .db
            .transaction(&[RECORDS], TransactionMode::ReadOnly)
            .map_err(failed)?;
        let rows = tx
            .object_store(RECORDS)
            .map_err(failed)?
            .index(LOOKUP)
            .map_err(failed)?
            .get_all(Some(Query::from(JsValue::from_str(token))), None)
            .map_err(failed)?
            .await
            .map_err(failed)?;
        let mut out = Vec::new();
        for row in rows {
            let of_kind = Array::from(&get(&row, LOOKUP))
                .iter()
                .any(|t| t.as_string().as_deref() == Some(kind_token));
            // The key path is the id, written by `put_record`; only a hand-edited disk lacks one.
            let id = get(&row, "id")
                .as_string()
                .and_then(|s| Uuid::parse_str(&s).ok());
            if let (true, Some(id)) = (of_kind, id) {
                out.push((id, open_row(keys, kind, id, &row).await));
            }
        }
        Ok(out)
    }

    /// Seals a photo in chunks and writes them in one transaction. Returns how many chunks.
    /// The browser's estimate of the room left is asked while the chunks are sealed; nothing
    /// is written if the photo would eat into the reserve (core's `room_for_photo`).
    pub async fn put_photo(
        &self,
        keys: &Keys,
        photo_id: Uuid,
        jpeg: &[u8],
    ) -> Result<u32, StoreError> {
        let (estimate, rows) =
            futures::join!(health::estimate(), sealed_photo(keys, photo_id, jpeg));
        let estimate = estimate.ok_or(StoreError::NoEstimate)?;
        self.write_photo(photo_id, jpeg.len(), rows?, estimate)
            .await
    }

    /// `put_photo` against a given estimate of the room left.
    pub async fn put_photo_within(
        &self,
        keys: &Keys,
        photo_id: Uuid,
        jpeg: &[u8],
        estimate: Estimate,
    ) -> Result<u32, StoreError> {
        let rows = sealed_photo(keys, photo_id, jpeg).await?;
        self.write_photo(photo_id, jpeg.len(), rows, estimate).await
    }

    async fn write_photo(
        &self,
        photo_id: Uuid,
        plain_len: usize,
        rows: Vec<Object>,
        estimate: Estimate,
    ) -> Result<u32, StoreError> {
        let chunks = plain_len.div_ceil(PHOTO_CHUNK_PLAIN).max(1);
        let sealed = plain_len + chunks * burrow_core::envelope::OVERHEAD;
        room_for_photo(estimate, sealed as u64)?;
        let tx = self
            .db
            .transaction(&[PHOTO_CHUNKS], TransactionMode::ReadWrite)
            .map_err(failed)?;
        let store = tx.object_store(PHOTO_CHUNKS).map_err(failed)?;
        // A photo is replaced whole (a parent's phone gets a re-rendered copy): a longer old
        // copy's extra chunks must not stay behind.
        let cleared = store
            .delete(Query::from(photo_range(photo_id)?))
            .map_err(failed)?
            .into_future();
        put_all(&store, &rows).await?;
        cleared.await.map_err(failed)?;
        commit(tx, "the photo was not saved").await?;
        Ok(rows.len() as u32)
    }

    /// Removes a photo's chunks (a parent's phone, when the setting takes a photo back).
    pub async fn delete_photo(&self, photo_id: Uuid) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction(&[PHOTO_CHUNKS], TransactionMode::ReadWrite)
            .map_err(failed)?;
        tx.object_store(PHOTO_CHUNKS)
            .map_err(failed)?
            .delete(Query::from(photo_range(photo_id)?))
            .map_err(failed)?
            .await
            .map_err(failed)?;
        commit(tx, "the photo was not removed").await
    }

    /// Removes records, photos (every chunk) and outbox entries (by counter) in one
    /// transaction: a leaver's data leaves the tablet whole or not at all.
    pub async fn remove_all(
        &self,
        records: &[Uuid],
        photos: &[Uuid],
        outbox: &[u64],
    ) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction(&[RECORDS, PHOTO_CHUNKS, OUTBOX], TransactionMode::ReadWrite)
            .map_err(failed)?;
        let kept = tx.object_store(RECORDS).map_err(failed)?;
        for id in records {
            kept.delete(Query::from(JsValue::from_str(&id.to_string())))
                .map_err(failed)?
                .await
                .map_err(failed)?;
        }
        let chunks = tx.object_store(PHOTO_CHUNKS).map_err(failed)?;
        for id in photos {
            chunks
                .delete(Query::from(photo_range(*id)?))
                .map_err(failed)?
                .await
                .map_err(failed)?;
        }
        let waiting = tx.object_store(OUTBOX).map_err(failed)?;
        for counter in outbox {
            waiting
                .delete(Query::from(JsValue::from_f64(*counter as f64)))
                .map_err(failed)?
                .await
                .map_err(failed)?;
        }
        commit(tx, "the records were not removed").await
    }

    /// Reads a photo back; a missing, swapped or changed chunk makes it damaged, by id.
    pub async fn get_photo(
        &self,
        keys: &Keys,
        photo_id: Uuid,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        let range = photo_range(photo_id)?;
        let tx = self
            .db
            .transaction(&[PHOTO_CHUNKS], TransactionMode::ReadOnly)
            .map_err(failed)?;
        let rows = tx
            .object_store(PHOTO_CHUNKS)
            .map_err(failed)?
            .get_all(Some(Query::from(range)), None)
            .map_err(failed)?
            .await
            .map_err(failed)?;
        if rows.is_empty() {
            return Ok(None);
        }
        let mut photo = Vec::new();
        for (i, row) in rows.iter().enumerate() {
            let aad = photo_aad(photo_id, rows.len() as u64, i);
            let part = crypto::open(&keys.photos, &aad, &bytes_of(&get(row, "envelope")))
                .await
                .map_err(|_| StoreError::Damaged {
                    record_id: photo_id,
                })?;
            photo.extend_from_slice(&part);
        }
        Ok(Some(photo))
    }

    /// Every picture (photo or thumbnail) this tablet holds chunks of, read from the chunks'
    /// keys alone (nothing opened, no picture read into memory).
    pub async fn photos_held(&self) -> Result<std::collections::HashSet<Uuid>, StoreError> {
        let tx = self
            .db
            .transaction(&[PHOTO_CHUNKS], TransactionMode::ReadOnly)
            .map_err(failed)?;
        let keys = tx
            .object_store(PHOTO_CHUNKS)
            .map_err(failed)?
            .get_all_keys(None, None)
            .map_err(failed)?
            .await
            .map_err(failed)?;
        Ok(keys
            .iter()
            .filter_map(|key| {
                let key: &Array = key.dyn_ref()?;
                Uuid::parse_str(&key.get(0).as_string()?).ok()
            })
            .collect())
    }

    /// Whether this tablet holds a photo's chunks (without opening them).
    pub async fn has_photo(&self, photo_id: Uuid) -> Result<bool, StoreError> {
        let range = photo_range(photo_id)?;
        let tx = self
            .db
            .transaction(&[PHOTO_CHUNKS], TransactionMode::ReadOnly)
            .map_err(failed)?;
        let n = tx
            .object_store(PHOTO_CHUNKS)
            .map_err(failed)?
            .count(Some(Query::from(range)))
            .map_err(failed)?
            .await
            .map_err(failed)?;
        Ok(n > 0)
    }

    /// The last mutation counter given to a change on this tablet (0 before the first).
    pub async fn mutation_counter(&self) -> Result<u64, StoreError> {
        self.meta_number(COUNTER).await
    }

    /// The outbox, oldest change first.
    pub async fn outbox(&self, keys: &Keys) -> Result<Vec<OutboxEntry>, StoreError> {
        let tx = self
            .db
            .transaction(&[OUTBOX], TransactionMode::ReadOnly)
            .map_err(failed)?;
        let rows = tx
            .object_store(OUTBOX)
            .map_err(failed)?
            .get_all(None, None)
            .map_err(failed)?
            .await
            .map_err(failed)?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let counter = get(&row, "counter").as_f64().unwrap_or(0.0) as u64;
            let id = get(&row, "id")
                .as_string()
                .and_then(|s| Uuid::parse_str(&s).ok())
                .unwrap_or_default();
            let op = crypto::open(
                &keys.records,
                &Aad::record(Kind::OutboxEntry, id, 0),
                &bytes_of(&get(&row, "envelope")),
            )
            .await
            .map_err(|_| StoreError::Damaged { record_id: id })?;
            if op.len() != 25 && op.len() != 41 {
                return Err(StoreError::Damaged { record_id: id });
            }
            let record_id =
                Uuid::from_slice(&op[..16]).map_err(|_| StoreError::Damaged { record_id: id })?;
            let mut version = [0u8; 8];
            version.copy_from_slice(&op[17..25]);
            out.push(OutboxEntry {
                counter,
                record_id,
                kind: op[16],
                version: u64::from_be_bytes(version),
                by: op.get(25..41).and_then(|b| Uuid::from_slice(b).ok()),
            });
        }
        Ok(out)
    }

    /// One record and the version it is at; a record that does not open is damaged, by id.
    pub async fn get_versioned(
        &self,
        keys: &Keys,
        kind: Kind,
        id: Uuid,
    ) -> Result<Option<Versioned>, StoreError> {
        let tx = self
            .db
            .transaction(&[RECORDS], TransactionMode::ReadOnly)
            .map_err(failed)?;
        let row = tx
            .object_store(RECORDS)
            .map_err(failed)?
            .get(Query::from(JsValue::from_str(&id.to_string())))
            .map_err(failed)?
            .await
            .map_err(failed)?;
        match row {
            Some(row) => Ok(Some(Versioned {
                version: number(&row, "version"),
                server_version: number(&row, SERVER_VERSION),
                receipt: get(&row, RECEIPT).as_string(),
                body: open_row(keys, kind, id, &row).await?,
            })),
            None => Ok(None),
        }
    }

    /// Takes answered changes out of the outbox, notes the versions the server now holds
    /// (`kept`: record id and version) and writes what sync says about them (a sealed state
    /// under `meta_key`), in one transaction: an answer is never half-kept.
    pub async fn answered(
        &self,
        counters: &[u64],
        kept: &[Kept],
        meta_key: &str,
        sealed_state: &[u8],
    ) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction(&[RECORDS, OUTBOX, META], TransactionMode::ReadWrite)
            .map_err(failed)?;
        let records = tx.object_store(RECORDS).map_err(failed)?;
        for Kept {
            id,
            version,
            receipt,
        } in kept
        {
            if let Some(row) = records
                .get(Query::from(JsValue::from_str(&id.to_string())))
                .map_err(failed)?
                .await
                .map_err(failed)?
                && (number(&row, SERVER_VERSION) != *version
                    || get(&row, RECEIPT).as_string() != *receipt)
            {
                let row = Object::from(row);
                set(&row, SERVER_VERSION, *version as f64);
                match receipt {
                    Some(r) => set(&row, RECEIPT, r.as_str()),
                    None => {
                        let _ = Reflect::delete_property(&row, &RECEIPT.into());
                    }
                }
                records
                    .put(&row, None)
                    .map_err(failed)?
                    .await
                    .map_err(failed)?;
            }
        }
        let outbox = tx.object_store(OUTBOX).map_err(failed)?;
        for counter in counters {
            outbox
                .delete(Query::from(JsValue::from_f64(*counter as f64)))
                .map_err(failed)?
                .await
                .map_err(failed)?;
        }
        tx.object_store(META)
            .map_err(failed)?
            .put(&buffer(sealed_state), Some(&JsValue::from_str(meta_key)))
            .map_err(failed)?
            .await
            .map_err(failed)?;
        commit(tx, "the sync answers were not saved").await
    }

    /// Seals a record from the server, ready for `put_from_server`.
    pub async fn seal_from_server(
        &self,
        keys: &Keys,
        record: &NewRecord<'_>,
        receipt: Option<&str>,
    ) -> Result<FromServer, StoreError> {
        let row = sealed_row(keys, record).await?;
        set(&row, SERVER_VERSION, record.version as f64);
        if let Some(r) = receipt {
            set(&row, RECEIPT, r);
        }
        Ok(FromServer { row })
    }

    /// Writes records pulled from the server (the server's copy is the truth for every record
    /// without a change waiting here; the caller leaves those out) and the checkpoint they bring
    /// the tablet to, in one transaction. `counter_seen` is the mutation counter when the caller
    /// read the outbox: if a change was made since, nothing is written and it asks again.
    pub async fn put_from_server(
        &self,
        records: &[FromServer],
        checkpoint_key: &str,
        checkpoint: u64,
        counter_seen: u64,
    ) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction(&[RECORDS, META], TransactionMode::ReadWrite)
            .map_err(failed)?;
        let meta = tx.object_store(META).map_err(failed)?;
        let counter = meta
            .get(Query::from(JsValue::from_str(COUNTER)))
            .map_err(failed)?
            .await
            .map_err(failed)?
            .and_then(|v| v.as_f64())
            .unwrap_or(0.0) as u64;
        if counter != counter_seen {
            let _ = tx.abort();
            return Err(StoreError::ChangedMeanwhile);
        }
        let store = tx.object_store(RECORDS).map_err(failed)?;
        let rows: Vec<Object> = records.iter().map(|r| r.row.clone()).collect();
        put_all(&store, &rows).await?;
        meta.put(
            &JsValue::from_f64(checkpoint as f64),
            Some(&JsValue::from_str(checkpoint_key)),
        )
        .map_err(failed)?
        .await
        .map_err(failed)?;
        commit(tx, "the records from the server were not saved").await
    }

    /// For each id this tablet holds: (its version, the version the server holds), unopened.
    pub async fn versions(
        &self,
        ids: &[Uuid],
    ) -> Result<std::collections::HashMap<Uuid, (u64, u64)>, StoreError> {
        let tx = self
            .db
            .transaction(&[RECORDS], TransactionMode::ReadOnly)
            .map_err(failed)?;
        let store = tx.object_store(RECORDS).map_err(failed)?;
        let mut out = std::collections::HashMap::with_capacity(ids.len());
        for id in ids {
            if let Some(row) = store
                .get(Query::from(JsValue::from_str(&id.to_string())))
                .map_err(failed)?
                .await
                .map_err(failed)?
            {
                out.insert(*id, (number(&row, "version"), number(&row, SERVER_VERSION)));
            }
        }
        Ok(out)
    }

    /// A browser object kept under a meta key as it is (the tablet's door key, a CryptoKey the
    /// browser will not let script read out), if any.
    pub async fn meta_object(&self, key: &str) -> Result<Option<JsValue>, StoreError> {
        let tx = self
            .db
            .transaction(&[META], TransactionMode::ReadOnly)
            .map_err(failed)?;
        let value = tx
            .object_store(META)
            .map_err(failed)?
            .get(Query::from(JsValue::from_str(key)))
            .map_err(failed)?
            .await
            .map_err(failed)?;
        Ok(value.filter(|v| v.is_object()))
    }

    /// Keeps a browser object under a meta key, as the browser clones it.
    pub async fn set_meta_object(&self, key: &str, value: &JsValue) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction(&[META], TransactionMode::ReadWrite)
            .map_err(failed)?;
        tx.object_store(META)
            .map_err(failed)?
            .put(value, Some(&JsValue::from_str(key)))
            .map_err(failed)?
            .await
            .map_err(failed)?;
        commit(tx, "the change was not saved").await
    }

    /// The raw bytes kept under a meta key (a sealed state), if any.
    pub async fn meta_bytes(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.meta_object(key).await?.map(|v| bytes_of(&v)))
    }

    /// A number kept under a meta key (the pull checkpoint).
    /// Removes what a meta key holds.
    pub async fn forget_meta(&self, key: &str) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction(&[META], TransactionMode::ReadWrite)
            .map_err(failed)?;
        tx.object_store(META)
            .map_err(failed)?
            .delete(Query::from(JsValue::from_str(key)))
            .map_err(failed)?
            .await
            .map_err(failed)?;
        commit(tx, "the change was not saved").await
    }

    /// Sets a number kept under a meta key (a pull checkpoint taken back to 0, say).
    pub async fn set_meta_number(&self, key: &str, value: u64) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction(&[META], TransactionMode::ReadWrite)
            .map_err(failed)?;
        tx.object_store(META)
            .map_err(failed)?
            .put(
                &JsValue::from_f64(value as f64),
                Some(&JsValue::from_str(key)),
            )
            .map_err(failed)?
            .await
            .map_err(failed)?;
        commit(tx, "the change was not saved").await
    }

    pub async fn meta_number(&self, key: &str) -> Result<u64, StoreError> {
        let tx = self
            .db
            .transaction(&[META], TransactionMode::ReadOnly)
            .map_err(failed)?;
        let value = tx
            .object_store(META)
            .map_err(failed)?
            .get(Query::from(JsValue::from_str(key)))
            .map_err(failed)?
            .await
            .map_err(failed)?;
        Ok(value.and_then(|v| v.as_f64()).unwrap_or(0.0) as u64)
    }

    /// The raw rows of a store, exactly as IndexedDB holds them (for the tamper tests).
    #[cfg(all(test, target_arch = "wasm32"))]
    pub(crate) async fn raw_rows(&self, store: &str) -> Result<Vec<JsValue>, StoreError> {
        let tx = self
            .db
            .transaction(&[store], TransactionMode::ReadOnly)
            .map_err(failed)?;
        tx.object_store(store)
            .map_err(failed)?
            .get_all(None, None)
            .map_err(failed)?
            .await
            .map_err(failed)
    }

    #[cfg(all(test, target_arch = "wasm32"))]
    pub(crate) async fn delete_raw(&self, store: &str, key: &JsValue) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction(&[store], TransactionMode::ReadWrite)
            .map_err(failed)?;
        tx.object_store(store)
            .map_err(failed)?
            .delete(Query::from(key.clone()))
            .map_err(failed)?
            .await
            .map_err(failed)?;
        commit(tx, "the change was not saved").await
    }

    #[cfg(all(test, target_arch = "wasm32"))]
    pub(crate) async fn put_raw(&self, store: &str, row: &JsValue) -> Result<(), StoreError> {
        let tx = self
            .db
            .transaction(&[store], TransactionMode::ReadWrite)
            .map_err(failed)?;
        tx.object_store(store)
            .map_err(failed)?
            .put(row, None)
            .map_err(failed)?
            .await
            .map_err(failed)?;
        commit(tx, "the change was not saved").await
    }
}

/// Commits `tx` and says `what` went wrong if IndexedDB aborted it instead.
async fn commit(tx: Transaction, what: &str) -> Result<(), StoreError> {
    let result = tx.commit().map_err(failed)?.await.map_err(failed)?;
    if result.is_committed() {
        Ok(())
    } else {
        Err(StoreError::Failed(what.into()))
    }
}

/// Puts every row into `store`, inside the caller's transaction.
/// Puts every row, the requests sent together and then awaited (IndexedDB runs them in order
/// within the transaction): one wait for the page, not one a row.
async fn put_all(store: &ObjectStore, rows: &[Object]) -> Result<(), StoreError> {
    let requests = rows
        .iter()
        .map(|row| Ok(store.put(row, None).map_err(failed)?.into_future()))
        .collect::<Result<Vec<_>, StoreError>>()?;
    for request in requests {
        request.await.map_err(failed)?;
    }
    Ok(())
}

/// Photos never change, so the AAD's version slot carries the chunk count: a chunk that goes
/// missing (or one added) changes the count, and then no chunk opens.
fn photo_aad(photo_id: Uuid, count: u64, index: usize) -> Aad {
    Aad {
        kind: Kind::PhotoChunk,
        record_id: photo_id,
        version: count,
        chunk: index as u32,
    }
}

async fn open_row(keys: &Keys, kind: Kind, id: Uuid, row: &JsValue) -> Result<Vec<u8>, StoreError> {
    let version = get(row, "version").as_f64().unwrap_or(-1.0) as u64;
    let envelope = bytes_of(&get(row, "envelope"));
    crypto::open(&keys.records, &Aad::record(kind, id, version), &envelope)
        .await
        .map_err(|e| match e {
            CryptoError::Envelope(
                EnvelopeError::Damaged
                | EnvelopeError::Truncated
                | EnvelopeError::UnknownVersion(_),
            ) => StoreError::Damaged { record_id: id },
            other => other.into(),
        })
}

#[cfg(all(test, target_arch = "wasm32"))]
mod tests {
    use super::*;
    use crate::store::keys::{keys_from, unlock, wrap_with_cost};
    use wasm_bindgen_test::*;

    wasm_bindgen_test_configure!(run_in_browser);

    const AVA: &str = "0190b5a0-0000-7000-8000-00000000a7a0";
    const NOAH: &str = "0190b5a0-0000-7000-8000-0000000004a0";

    async fn fresh() -> (Store, String, Keys) {
        let name = format!("burrow-test-{}", Uuid::now_v7());
        let store = Store::open(&name).await.unwrap();
        (
            store,
            name,
            keys_from(&[0x42; 32], Uuid::nil()).await.unwrap(),
        )
    }

    async fn done(store: Store, name: &str) {
        store.close();
        Store::delete(name).await.unwrap();
    }

    fn observation<'a>(
        id: Uuid,
        lookups: &'a [(&'a str, String)],
        body: &'a [u8],
    ) -> NewRecord<'a> {
        NewRecord {
            id,
            kind: Kind::Observation,
            version: 1,
            lookups,
            body,
        }
    }

    #[wasm_bindgen_test]
    async fn lookups_find_a_childs_records_through_index_tokens_only() {
        let (store, name, keys) = fresh().await;
        let (a1, a2, n1) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let ava = [("child", AVA.to_owned())];
        let both = [("child", AVA.to_owned()), ("child", NOAH.to_owned())];
        store
            .put_record(
                &keys,
                &observation(a1, &ava, b"MARKER-ava-alone painted a rainbow"),
            )
            .await
            .unwrap();
        store
            .put_record(
                &keys,
                &observation(a2, &both, b"MARKER-group built a den together"),
            )
            .await
            .unwrap();
        let noah = [("child", NOAH.to_owned())];
        store
            .put_record(
                &keys,
                &NewRecord {
                    id: n1,
                    kind: Kind::Child,
                    version: 1,
                    lookups: &noah,
                    body: b"Noah Williams 2024-08-22",
                },
            )
            .await
            .unwrap();

        let found = store
            .find(&keys, Kind::Observation, "child", AVA)
            .await
            .unwrap();
        let mut ids: Vec<Uuid> = found.iter().map(|(id, _)| *id).collect();
        ids.sort();
        let mut want = vec![a1, a2];
        want.sort();
        assert_eq!(ids, want);
        assert!(
            found
                .iter()
                .all(|(_, body)| body.as_ref().is_ok_and(|b| b.starts_with(b"MARKER-")))
        );
        let noahs = store
            .find(&keys, Kind::Observation, "child", NOAH)
            .await
            .unwrap();
        assert_eq!(
            noahs.len(),
            1,
            "the child record about Noah is not an observation"
        );
        // Counted by kind without opening: the group observation once, the child apart.
        assert_eq!(store.count_of(&keys, Kind::Observation).await.unwrap(), 2);
        assert_eq!(store.count_of(&keys, Kind::Child).await.unwrap(), 1);
        assert_eq!(store.count_of(&keys, Kind::Photo).await.unwrap(), 0);
        assert_eq!(
            store
                .get_record(&keys, Kind::Child, n1)
                .await
                .unwrap()
                .unwrap(),
            b"Noah Williams 2024-08-22"
        );

        // What IndexedDB holds has no marker, name, child id or date in it.
        let rows = store.raw_rows(RECORDS).await.unwrap();
        assert_eq!(rows.len(), 3);
        for row in &rows {
            let envelope = bytes_of(&get(row, "envelope"));
            for needle in [&b"MARKER"[..], b"Noah", b"2024-08-22", b"rainbow"] {
                assert!(!envelope.windows(needle.len()).any(|w| w == needle));
            }
            let visible = js_sys::JSON::stringify(&get(row, LOOKUP))
                .unwrap()
                .as_string()
                .unwrap();
            assert!(
                !visible.contains(AVA) && !visible.contains(NOAH) && !visible.contains("child"),
                "{visible}"
            );
        }
        done(store, &name).await;
    }

    #[wasm_bindgen_test]
    async fn a_store_the_browser_deleted_knows_it_was_reset_once() {
        let name = format!("burrow-reset-{}", Uuid::now_v7());
        let first = Store::open(&name).await.unwrap();
        assert!(!first.was_reset(), "a new store is not a reset");
        first.close();
        // The browser deletes it behind the app's back (as Chromium does on corruption).
        Factory::new()
            .unwrap()
            .delete(&name)
            .unwrap()
            .await
            .unwrap();
        let again = Store::open(&name).await.unwrap();
        assert!(again.was_reset());
        again.close();
        let later = Store::open(&name).await.unwrap();
        assert!(!later.was_reset(), "said once, not at every open");
        later.close();
        // Deleted on purpose (a wipe): no warning.
        Store::delete(&name).await.unwrap();
        let fresh = Store::open(&name).await.unwrap();
        assert!(!fresh.was_reset());
        fresh.close();
        Store::delete(&name).await.unwrap();
    }

    #[wasm_bindgen_test]
    async fn sync_answers_and_pulled_records_keep_what_the_server_holds_and_never_a_waiting_change()
    {
        let (store, name, keys) = fresh().await;
        let (mine, theirs) = (Uuid::now_v7(), Uuid::now_v7());
        store
            .put_record(&keys, &observation(mine, &[], b"mine v1"))
            .await
            .unwrap();
        let outbox = store.outbox(&keys).await.unwrap();
        assert_eq!(
            outbox[0].by,
            Some(keys.person),
            "the outbox says who made it"
        );
        // The server keeps v1: the entry leaves the outbox and the row knows the server's version.
        let kept = Kept {
            id: mine,
            version: 1,
            receipt: Some("sam.receipt-for-v1".into()),
        };
        store
            .answered(&[1], &[kept], "state", b"sealed")
            .await
            .unwrap();
        assert!(store.outbox(&keys).await.unwrap().is_empty());
        assert_eq!(store.meta_bytes("state").await.unwrap().unwrap(), b"sealed");
        let v = store
            .get_versioned(&keys, Kind::Observation, mine)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(v.receipt_for_body(), Some("sam.receipt-for-v1"));
        // A local edit keeps that knowledge: the next push says it was made on version 1.
        let edit = NewRecord {
            version: 2,
            ..observation(mine, &[], b"mine v2")
        };
        store.put_record(&keys, &edit).await.unwrap();
        let v = store
            .get_versioned(&keys, Kind::Observation, mine)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (v.version, v.server_version, v.body.as_slice()),
            (2, 1, &b"mine v2"[..])
        );
        assert_eq!(
            v.receipt_for_body(),
            None,
            "the receipt is for version 1, not this body"
        );

        // Pulled: another tablet's record arrives with its checkpoint ...
        let counter = store.mutation_counter().await.unwrap();
        let row = store
            .seal_from_server(&keys, &observation(theirs, &[], b"theirs"), Some("r"))
            .await
            .unwrap();
        store
            .put_from_server(&[row], "checkpoint", 7, counter)
            .await
            .unwrap();
        assert_eq!(store.meta_number("checkpoint").await.unwrap(), 7);
        let versions = store.versions(&[mine, theirs]).await.unwrap();
        assert_eq!(versions[&mine], (2, 1));
        assert_eq!(versions[&theirs], (1, 1));
        // ... but not if a change was made meanwhile: nothing written, checkpoint unmoved.
        let stale_counter = counter;
        store
            .put_record(
                &keys,
                &NewRecord {
                    version: 3,
                    ..observation(mine, &[], b"mine v3")
                },
            )
            .await
            .unwrap();
        let row = store
            .seal_from_server(
                &keys,
                &NewRecord {
                    version: 2,
                    ..observation(theirs, &[], b"theirs v2")
                },
                None,
            )
            .await
            .unwrap();
        assert_eq!(
            store
                .put_from_server(&[row], "checkpoint", 9, stale_counter)
                .await,
            Err(StoreError::ChangedMeanwhile)
        );
        assert_eq!(store.meta_number("checkpoint").await.unwrap(), 7);
        assert_eq!(
            store
                .get_record(&keys, Kind::Observation, theirs)
                .await
                .unwrap()
                .unwrap(),
            b"theirs"
        );
        done(store, &name).await;
    }

    #[wasm_bindgen_test]
    async fn every_change_has_its_outbox_entry_with_the_next_counter() {
        let (store, name, keys) = fresh().await;
        let ids = [Uuid::now_v7(), Uuid::now_v7()];
        store
            .put_record(&keys, &observation(ids[0], &[], b"one"))
            .await
            .unwrap();
        store
            .put_record(&keys, &observation(ids[1], &[], b"two"))
            .await
            .unwrap();
        let second_version = NewRecord {
            version: 2,
            ..observation(ids[0], &[], b"one, edited")
        };
        assert_eq!(store.put_record(&keys, &second_version).await.unwrap(), 3);

        let outbox = store.outbox(&keys).await.unwrap();
        let summary: Vec<(u64, Uuid, u64)> = outbox
            .iter()
            .map(|e| (e.counter, e.record_id, e.version))
            .collect();
        assert_eq!(
            summary,
            vec![(1, ids[0], 1), (2, ids[1], 1), (3, ids[0], 2)]
        );
        assert!(outbox.iter().all(|e| e.kind == Kind::Observation as u8));
        assert_eq!(
            store
                .get_record(&keys, Kind::Observation, ids[0])
                .await
                .unwrap()
                .unwrap(),
            b"one, edited"
        );
        done(store, &name).await;
    }

    #[wasm_bindgen_test]
    async fn a_change_whose_outbox_entry_fails_leaves_no_record_behind() {
        let (store, name, keys) = fresh().await;
        let first = Uuid::now_v7();
        store
            .put_record(&keys, &observation(first, &[], b"first"))
            .await
            .unwrap();
        // Occupy the next counter so the outbox write of the next change fails.
        let squatter = Object::new();
        set(&squatter, "counter", 2.0);
        store.put_raw(OUTBOX, &squatter).await.unwrap();

        let second = Uuid::now_v7();
        assert!(
            store
                .put_record(&keys, &observation(second, &[], b"second"))
                .await
                .is_err()
        );
        assert_eq!(
            store
                .get_record(&keys, Kind::Observation, second)
                .await
                .unwrap(),
            None,
            "no record without its outbox entry"
        );
        assert_eq!(store.raw_rows(RECORDS).await.unwrap().len(), 1);
        done(store, &name).await;
    }

    #[wasm_bindgen_test]
    async fn a_tampered_record_is_reported_damaged_by_id_and_not_skipped() {
        let (store, name, keys) = fresh().await;
        let (good, bad) = (Uuid::now_v7(), Uuid::now_v7());
        let ava = [("child", AVA.to_owned())];
        store
            .put_record(&keys, &observation(good, &ava, b"fine"))
            .await
            .unwrap();
        store
            .put_record(&keys, &observation(bad, &ava, b"about to be damaged"))
            .await
            .unwrap();
        let rows = store.raw_rows(RECORDS).await.unwrap();
        let row = rows
            .iter()
            .find(|r| get(r, "id").as_string() == Some(bad.to_string()))
            .unwrap();
        let mut envelope = bytes_of(&get(row, "envelope"));
        let last = envelope.len() - 1;
        envelope[last] ^= 0x01;
        let _ = Reflect::set(row, &"envelope".into(), &buffer(&envelope));
        store.put_raw(RECORDS, row).await.unwrap();

        assert_eq!(
            store.get_record(&keys, Kind::Observation, bad).await,
            Err(StoreError::Damaged { record_id: bad })
        );
        let found = store
            .find(&keys, Kind::Observation, "child", AVA)
            .await
            .unwrap();
        assert_eq!(found.len(), 2, "the damaged record is listed, not skipped");
        let damaged = found.iter().find(|(id, _)| *id == bad).unwrap();
        let message = damaged.1.clone().unwrap_err().to_string();
        assert!(message.contains(&bad.to_string()) && !message.contains("about to be damaged"));
        // A record moved onto another id is damaged too.
        let good_row = store
            .raw_rows(RECORDS)
            .await
            .unwrap()
            .into_iter()
            .find(|r| get(r, "id").as_string() == Some(good.to_string()))
            .unwrap();
        let _ = Reflect::set(&good_row, &"id".into(), &bad.to_string().into());
        store.put_raw(RECORDS, &good_row).await.unwrap();
        assert_eq!(
            store.get_record(&keys, Kind::Observation, bad).await,
            Err(StoreError::Damaged { record_id: bad })
        );
        done(store, &name).await;
    }

    #[wasm_bindgen_test]
    async fn photos_are_stored_in_sealed_chunks_of_at_most_one_mebibyte() {
        let (store, name, keys) = fresh().await;
        let photo: Vec<u8> = (0..2_500_000u32).map(|i| (i % 251) as u8).collect();
        let id = Uuid::now_v7();
        assert_eq!(store.put_photo(&keys, id, &photo).await.unwrap(), 3);
        assert_eq!(store.get_photo(&keys, id).await.unwrap().unwrap(), photo);
        let rows = store.raw_rows(PHOTO_CHUNKS).await.unwrap();
        assert_eq!(rows.len(), 3);
        for row in &rows {
            let chunk = get(row, "envelope");
            assert!(
                chunk.is_instance_of::<js_sys::ArrayBuffer>(),
                "an ArrayBuffer, not a Blob"
            );
            assert!(bytes_of(&chunk).len() <= 1 << 20);
            assert!(
                !bytes_of(&chunk).windows(8).any(|w| w == &photo[1000..1008]),
                "no photo bytes in the clear"
            );
        }
        assert_eq!(store.get_photo(&keys, Uuid::now_v7()).await.unwrap(), None);

        // Swap two chunks: damaged. Drop the last one: damaged too.
        let (a, b) = (get(&rows[0], "envelope"), get(&rows[1], "envelope"));
        let _ = Reflect::set(&rows[0], &"envelope".into(), &b);
        let _ = Reflect::set(&rows[1], &"envelope".into(), &a);
        store.put_raw(PHOTO_CHUNKS, &rows[0]).await.unwrap();
        store.put_raw(PHOTO_CHUNKS, &rows[1]).await.unwrap();
        assert_eq!(
            store.get_photo(&keys, id).await,
            Err(StoreError::Damaged { record_id: id })
        );
        let other = Uuid::now_v7();
        store.put_photo(&keys, other, &photo).await.unwrap();
        store
            .delete_raw(
                PHOTO_CHUNKS,
                &Array::of2(&other.to_string().into(), &2.into()).into(),
            )
            .await
            .unwrap();
        assert_eq!(
            store.get_photo(&keys, other).await,
            Err(StoreError::Damaged { record_id: other })
        );
        done(store, &name).await;
    }

    #[wasm_bindgen_test]
    async fn a_photo_that_would_leave_too_little_room_is_refused_and_nothing_is_lost() {
        use burrow_core::storage::RESERVE_BYTES;
        let (store, name, keys) = fresh().await;
        // The browser's own figures: Chromium answers navigator.storage.estimate().
        let real = health::estimate()
            .await
            .expect("Chromium reports an estimate");
        assert!(real.quota > 0);
        let kept = Uuid::now_v7();
        let first: Vec<u8> = (0..400_000u32).map(|i| (i * 7 % 253) as u8).collect();
        store.put_photo(&keys, kept, &first).await.unwrap();

        // A tablet with 1 MB left above the reserve: a 2 MB photo is refused before any write.
        let tight = Estimate {
            usage: real.usage,
            quota: real.usage + RESERVE_BYTES + 1_000_000,
        };
        let big: Vec<u8> = vec![0x33; 2_000_000];
        let refused = Uuid::now_v7();
        let err = store
            .put_photo_within(&keys, refused, &big, tight)
            .await
            .unwrap_err();
        assert_eq!(err, StoreError::Full(StorageError::NearlyFull));
        assert!(
            err.to_string()
                .contains("Everything already on the tablet is safe")
        );
        assert_eq!(store.get_photo(&keys, refused).await.unwrap(), None);
        assert_eq!(store.get_photo(&keys, kept).await.unwrap().unwrap(), first);
        // A small photo still fits.
        let small = Uuid::now_v7();
        store
            .put_photo_within(&keys, small, &first, tight)
            .await
            .unwrap();
        done(store, &name).await;
    }

    #[wasm_bindgen_test]
    async fn each_user_has_their_own_wrapped_copy_of_the_one_data_key() {
        let (store, name, _) = fresh().await;
        let data_key = [0x42; 32];
        let (jo, priya) = (Uuid::now_v7(), Uuid::now_v7());
        store
            .save_wrapped_key(
                &wrap_with_cost(&data_key, jo, "teapot river lantern", 1_000)
                    .await
                    .unwrap(),
            )
            .await
            .unwrap();
        store
            .save_wrapped_key(
                &wrap_with_cost(&data_key, priya, "marble kettle orchard", 1_000)
                    .await
                    .unwrap(),
            )
            .await
            .unwrap();
        let wrapped = store.wrapped_keys().await.unwrap();
        assert_eq!(wrapped.len(), 2);
        let find = |id| wrapped.iter().find(|w| w.user_id == id).unwrap();
        let as_jo = unlock(find(jo), "teapot river lantern").await.unwrap();
        let as_priya = unlock(find(priya), "marble kettle orchard").await.unwrap();
        let record = Uuid::now_v7();
        store
            .put_record(&as_jo, &observation(record, &[], b"written by Jo"))
            .await
            .unwrap();
        assert_eq!(
            store
                .get_record(&as_priya, Kind::Observation, record)
                .await
                .unwrap()
                .unwrap(),
            b"written by Jo"
        );
        assert!(unlock(find(priya), "teapot river lantern").await.is_err());
        // The stored form holds no raw key: not as bytes, not as JSON numbers.
        let meta = store.raw_rows(META).await.unwrap();
        let text: String = meta.iter().filter_map(|v| v.as_string()).collect();
        assert!(
            text.contains("envelope"),
            "the wrapped keys are what meta holds"
        );
        let raw_as_json = serde_json::to_string(&data_key).unwrap();
        assert!(!text.contains(&raw_as_json[1..24]), "{text}");
        done(store, &name).await;
    }
}
