//! The store's crash harness, driven by `tests/e2e/specs/store-crash.spec.js`: Chromium is
//! killed while this page writes batches of records, then restarted on the same profile to check
//! that every record has its outbox entry, every outbox entry its record, the mutation counters
//! run 1..=n without a gap, every record still opens, and nothing reported saved was lost.
//!
//! `?write` unlocks (or creates) the harness's own store and writes batches of 20 records at
//! once until killed, pushing each saved id onto `window.saved`. `?check` unlocks it and sets
//! `window.report` to what it found. `?photo` stores one photo-sized known byte pattern (and a
//! plain marker in the metadata) for the no-plaintext-on-disk scan. `?purge` and
//! `?purge-check` do the same for the half-term purge (see `purge` below). It uses the app's own
//! store code, nothing of its own.

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

    pub(crate) fn publish(name: &str, value: &JsValue) {
        let _ = Reflect::set(&window(), &JsValue::from_str(name), value);
    }

    pub async fn run() {
        let mode = window().location().search().unwrap_or_default();
        let outcome = match mode.as_str() {
            "?write" => write().await,
            "?photo" => photo().await,
            "?purge" => purge::run().await,
            "?purge-check" => purge::check().await,
            _ => check().await,
        };
        if let Err(e) = outcome {
            publish("failure", &JsValue::from_str(&e.to_string()));
        }
    }

    pub(crate) async fn unlock(store: &Store) -> Result<Keys, Box<dyn std::error::Error>> {
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

    /// The half-term purge killed half way (issue 16): `?purge` adds photos the server holds
    /// taken two months ago, photos from then only on this tablet, and today's, each with its
    /// thumbnail (pictures of two chunks, so a torn one would show), then purges;
    /// `?purge-check` reports what the kills left: no torn photo, nothing that was to stay
    /// gone, every picture still here opening.
    mod purge {
        use super::{publish, unlock};
        use burrow::store::db::{NewRecord, Store};
        use burrow::store::keys::Keys;
        use burrow::store::purge as store_purge;
        use burrow_core::envelope::Kind;
        use burrow_core::photo::PhotoRecord;
        use chrono::{Duration, Utc};
        use uuid::Uuid;
        use wasm_bindgen::JsValue;

        const STORE: &str = "burrow-purge-harness";
        /// Each round: (how many, taken how many days ago, on the server).
        const ROUND: [(usize, i64, bool); 3] = [(30, 60, true), (5, 60, false), (5, 0, true)];

        fn record(days_ago: i64) -> PhotoRecord {
            PhotoRecord {
                id: Uuid::now_v7(),
                thumb_id: Uuid::now_v7(),
                children: vec![Uuid::now_v7()],
                taken_by: Uuid::nil(),
                taken_at: Utc::now() - Duration::days(days_ago),
                width: 1280,
                height: 960,
                sha256: Some("ab".repeat(32)),
                thumb_sha256: Some("cd".repeat(32)),
                regions: vec![],
            }
        }

        fn picture(seed: u8, len: usize) -> Vec<u8> {
            (0..len)
                .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
                .collect()
        }

        async fn seed(store: &Store, keys: &Keys) -> Result<(), Box<dyn std::error::Error>> {
            let roomy = burrow_core::storage::Estimate {
                usage: 0,
                quota: 1 << 40,
            };
            let photo = picture(7, 1_100_000);
            let thumb = picture(9, 20_000);
            for (n, days_ago, on_server) in ROUND {
                for _ in 0..n {
                    let r = record(days_ago);
                    let body = serde_json::to_vec(&r)?;
                    let row = NewRecord {
                        id: r.id,
                        kind: Kind::Photo,
                        version: 1,
                        lookups: &[],
                        body: &body,
                    };
                    store.put_photo_within(keys, r.id, &photo, roomy).await?;
                    store
                        .put_photo_within(keys, r.thumb_id, &thumb, roomy)
                        .await?;
                    if on_server {
                        let sealed = store.seal_from_server(keys, &row, None).await?;
                        let counter = store.mutation_counter().await?;
                        store
                            .put_from_server(&[sealed], "harness-checkpoint", 1, counter)
                            .await?;
                    } else {
                        store.put_record(keys, &row).await?;
                    }
                }
            }
            Ok(())
        }

        pub async fn run() -> Result<(), Box<dyn std::error::Error>> {
            let store = Store::open(STORE).await?;
            let keys = unlock(&store).await?;
            seed(&store, &keys).await?;
            publish("seeded", &JsValue::TRUE);
            let from = Some(Utc::now().date_naive() - Duration::days(14));
            let gone = store_purge::run(&store, &keys, from).await?;
            publish("purged", &JsValue::from_f64(gone as f64));
            Ok(())
        }

        pub async fn check() -> Result<(), Box<dyn std::error::Error>> {
            let store = Store::open(STORE).await?;
            let keys = unlock(&store).await?;
            let known = store_purge::known(&store, &keys).await?;
            let mut problems = Vec::new();
            let (mut stay, mut old_here) = (0, 0);
            let window_starts = Utc::now() - Duration::days(14);
            for (r, held) in &known.records {
                let photo = known.held.contains(&r.id);
                let thumb = known.held.contains(&r.thumb_id);
                if photo != thumb {
                    problems.push(format!(
                        "photo {} is torn: picture {photo}, thumbnail {thumb}",
                        r.id
                    ));
                }
                for id in [r.id, r.thumb_id] {
                    if known.held.contains(&id) && store.get_photo(&keys, id).await.is_err() {
                        problems.push(format!("picture {id} no longer opens"));
                    }
                }
                if !held.on_server || r.taken_at > window_starts {
                    stay += 1;
                    if !(photo && thumb) {
                        problems.push(format!("photo {} was to stay, and went", r.id));
                    }
                } else if photo {
                    old_here += 1;
                }
            }
            let report = serde_json::json!({
                "problems": problems,
                "records": known.records.len(),
                "stay": stay,
                "old_still_here": old_here,
                "reset": store.was_reset(),
            });
            publish("report", &JsValue::from_str(&report.to_string()));
            Ok(())
        }
    }
}
