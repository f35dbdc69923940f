//! The store's crash harness, driven by `tests/e2e/specs/store-crash.spec.js`: Chromium is
//! killed while this page writes batches of records, then restarted on the same profile to check
//! that every record has its outbox entry, every outbox entry its record, the mutation counters
//! run 1..=n without a gap, every record still opens, and nothing reported saved was lost.
//!
//! `?write` unlocks (or creates) the harness's own store and writes batches of 20 records at
//! once until killed, pushing each saved id onto `window.saved`. `?check` unlocks it and sets
//! `window.report` to what it found. `?photo` stores one photo-sized known byte pattern (and a
//! plain marker in the metadata) for the no-plaintext-on-disk scan. It uses the app's own store
//! code, nothing of its own.

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    wasm_bindgen_futures::spawn_local(harness::run());
}

/// The harness only runs in a browser; natively there is nothing to do.
#[cfg(not(target_arch = "wasm32"))]
fn main() {}

#[cfg(target_arch = "wasm32")]
mod harness {
    use burrow::store::db::{NewRecord, Store, StoreError};
    use burrow::store::keys::{self, Keys};
    use burrow_core::envelope::Kind;
    use burrow_core::keys::PBKDF2_ITERATIONS;
    use js_sys::{Array, Reflect};
    use std::collections::BTreeSet;
    use uuid::Uuid;
    use wasm_bindgen::JsValue;

    const STORE: &str = "burrow-crash-harness";
    const PASSPHRASE: &str = "harness only, never a person's";
    const BATCH: usize = 20;

    fn window() -> web_sys::Window {
        web_sys::window().expect("the harness runs in a page")
    }

    fn publish(name: &str, value: &JsValue) {
        let _ = Reflect::set(&window(), &JsValue::from_str(name), value);
    }

    pub async fn run() {
        let mode = window().location().search().unwrap_or_default();
        let outcome = match mode.as_str() {
            "?write" => write().await,
            "?photo" => photo().await,
            _ => check().await,
        };
        if let Err(e) = outcome {
            publish("failure", &JsValue::from_str(&e.to_string()));
        }
    }

    async fn unlock(store: &Store) -> Result<Keys, Box<dyn std::error::Error>> {
        let user = Uuid::from_u128(1);
        if let Some(wrapped) = store.wrapped_keys().await?.into_iter().next() {
            return Ok(keys::unlock(&wrapped, PASSPHRASE).await?);
        }
        let data_key = keys::new_data_key()?;
        let wrapped = keys::wrap(&data_key, user, PASSPHRASE, PBKDF2_ITERATIONS).await?;
        store.save_wrapped_key(&wrapped).await?;
        Ok(keys::unlock(&wrapped, PASSPHRASE).await?)
    }

    async fn write() -> Result<(), Box<dyn std::error::Error>> {
        let store = Store::open(STORE).await?;
        let keys = unlock(&store).await?;
        let saved = Array::new();
        publish("saved", &saved);
        publish("writing", &JsValue::TRUE);
        let child = Uuid::now_v7().to_string();
        // About the size of a short observation. The marker is made here, at random, and handed
        // to the test through the page: a literal would sit in the cached wasm for a scan to find.
        let marker = format!("observation {}", Uuid::now_v7().simple());
        publish("marker", &JsValue::from_str(&marker));
        let text = format!("{marker} ").repeat(20);
        loop {
            let ids: Vec<Uuid> = (0..BATCH).map(|_| Uuid::now_v7()).collect();
            let writes = ids.iter().map(|id| {
                let (store, keys, child, text) = (&store, &keys, &child, &text);
                async move {
                    let lookups = [("child", child.clone())];
                    let record = NewRecord {
                        id: *id,
                        kind: Kind::Observation,
                        version: 1,
                        lookups: &lookups,
                        body: text.as_bytes(),
                    };
                    store.put_record(keys, &record).await.map(|_| *id)
                }
            });
            for result in futures::future::join_all(writes).await {
                saved.push(&JsValue::from_str(&result?.to_string()));
            }
        }
    }

    /// Not a picture: a byte pattern the disk scan can look for (`pattern` in the spec).
    fn pattern(len: u32) -> Vec<u8> {
        (0..len)
            .map(|i| (i.wrapping_mul(167).wrapping_add(13) % 256) as u8)
            .collect()
    }

    async fn photo() -> Result<(), Box<dyn std::error::Error>> {
        let store = Store::open(STORE).await?;
        let keys = unlock(&store).await?;
        // Metadata is plain JSON on purpose (it holds nothing personal): the scan must find this.
        store
            .set_meta("scan_control", &"harness plain control marker")
            .await?;
        let jpeg = pattern(300_000);
        let id = Uuid::now_v7();
        store.put_photo(&keys, id, &jpeg).await?;
        let back = store.get_photo(&keys, id).await?;
        publish(
            "photo",
            &JsValue::from_bool(back.as_deref() == Some(&jpeg[..])),
        );
        Ok(())
    }

    async fn check() -> Result<(), Box<dyn std::error::Error>> {
        let store = Store::open(STORE).await?;
        let keys = unlock(&store).await?;
        let mut problems = Vec::new();
        let mut records = BTreeSet::new();
        for (id, opened) in store.all_of(&keys, Kind::Observation).await? {
            if let Err(e @ StoreError::Damaged { .. }) = opened {
                problems.push(e.to_string());
            }
            records.insert(id);
        }
        let outbox = store.outbox(&keys).await?;
        let queued: BTreeSet<Uuid> = outbox.iter().map(|e| e.record_id).collect();
        for id in records.difference(&queued) {
            problems.push(format!("record {id} has no outbox entry"));
        }
        for id in queued.difference(&records) {
            problems.push(format!("outbox entry for {id} has no record"));
        }
        if queued.len() != outbox.len() {
            problems.push("a record has more than one outbox entry".into());
        }
        let counter = store.mutation_counter().await?;
        let counters: Vec<u64> = outbox.iter().map(|e| e.counter).collect();
        if counters != (1..=counter).collect::<Vec<_>>() {
            problems.push(format!(
                "outbox counters are not 1..={counter} in order: {} entries",
                counters.len()
            ));
        }
        let report = serde_json::json!({
            "records": records.iter().map(Uuid::to_string).collect::<Vec<_>>(),
            "counter": counter,
            "problems": problems,
            // The browser deleted the store (corruption found after the kill), and it knows.
            "reset": store.was_reset(),
        });
        publish("report", &JsValue::from_str(&report.to_string()));
        Ok(())
    }
}
