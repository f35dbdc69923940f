//! Benchmarks of the encrypted store, run in headless Chromium by `cargo xtask bench` (they are
//! `#[ignore]`d, so `cargo xtask test` never times anything). Each prints one `BENCH {json}`
//! line in report.json's shape.
//!
//! P5: 1,000 observation records and 50 photos of ~300 KB written encrypted, against the very
//!     same IndexedDB writes (same stores, transactions and sizes) with the bytes in the clear,
//!     the two taking turns a batch at a time.
//! P9: unlocking with the chosen PBKDF2 cost.
//! P3: the shutter on a 1920×1080 frame until the photo and thumbnail are sealed in IndexedDB,
//!     beside the browser's plain canvas-to-JPEG step alone.
//! P11: the half-term purge of 2,000 photos (and thumbnails) the server holds: the longest
//!     main-thread block while it runs, and its time.

use super::crypto;
use super::db::{NewRecord, PHOTO_CHUNK_PLAIN, Store};
use super::keys::{Keys, keys_from, unlock, wrap};
use burrow_core::envelope::{Kind, OVERHEAD};
use burrow_core::keys::PBKDF2_ITERATIONS;
use idb::{Database, Factory, KeyPath, ObjectStoreParams, Query, TransactionMode};
use js_sys::{Object, Reflect, Uint8Array};
use uuid::Uuid;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const RECORDS: usize = 1_000;
const PHOTOS: usize = 50;
const PHOTO_BYTES: usize = 300 * 1024;

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or_default()
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn report(
    id: &str,
    name: &str,
    value: f64,
    unit: &str,
    target: f64,
    target_min: Option<f64>,
    baseline: Option<f64>,
) {
    let line = serde_json::json!({
        "id": id, "name": name, "value": value, "unit": unit,
        "target": target, "target_min": target_min, "baseline": baseline,
    });
    console_log!("BENCH {line}");
}

/// A realistic observation: a few hundred characters of text and its tags.
fn body(i: usize) -> Vec<u8> {
    format!(
        "{{\"text\":\"Observation {i}: building a tower with the large wooden blocks, counting each one aloud and \
         negotiating turns with a friend; then describing the tower as taller than me.\",\"areas\":[\"PSED\",\"M\"],\
         \"next_steps\":\"Offer larger numbers in play and model comparative language.\",\"n\":{i}}}"
    )
    .into_bytes()
}

/// Photo bytes that do not compress, like a JPEG.
fn photo(seed: u32) -> Vec<u8> {
    let mut x = seed.wrapping_mul(2_654_435_761).max(1);
    (0..PHOTO_BYTES)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect()
}

/// Milliseconds spent on the records, then on the photos.
type Split = (f64, f64);

/// Writes are timed in batches this size, the two sides taking turns (see `paired_run`).
const RECORD_BATCH: usize = 50;
const PHOTO_BATCH: usize = 5;

/// The lookups of record `i`: its child and its day.
fn lookups(i: usize) -> [(&'static str, String); 2] {
    [
        ("child", format!("child-{}", i % 30)),
        ("date", format!("2026-11-{:02}", i % 28 + 1)),
    ]
}

/// Records `range` written through the store, sealed, one at a time as a key person saves.
async fn encrypted_records(store: &Store, keys: &Keys, range: std::ops::Range<usize>) -> f64 {
    let start = now_ms();
    for i in range {
        let (lookups, b) = (lookups(i), body(i));
        let record = NewRecord {
            id: Uuid::now_v7(),
            kind: Kind::Observation,
            version: 1,
            lookups: &lookups,
            body: &b,
        };
        store.put_record(keys, &record).await.expect("record");
    }
    now_ms() - start
}

async fn encrypted_photos(store: &Store, keys: &Keys, photos: &[Vec<u8>]) -> f64 {
    let start = now_ms();
    for p in photos {
        store
            .put_photo(keys, Uuid::now_v7(), p)
            .await
            .expect("photo");
    }
    now_ms() - start
}

/// The same writes with nothing sealed: same stores, rows, transactions and byte counts (the
/// plain bytes padded by the envelope's overhead), sent a step at a time as the store sends
/// them, lookups as plain strings.
async fn plain_records(db: &Database, range: std::ops::Range<usize>) -> f64 {
    let start = now_ms();
    for i in range {
        let mut b = body(i);
        b.resize(b.len() + OVERHEAD, 0);
        let [(_, child), (_, day)] = lookups(i);
        let row = Object::new();
        set(&row, "id", Uuid::now_v7().to_string().into());
        set(&row, "version", 1.into());
        let lookup = js_sys::Array::of3(&"kind".into(), &child.into(), &day.into());
        set(&row, "lookup", lookup.into());
        set(&row, "envelope", Uint8Array::from(&b[..]).buffer().into());
        let tx = db
            .transaction(&["records", "outbox", "meta"], TransactionMode::ReadWrite)
            .expect("tx");
        let meta = tx.object_store("meta").expect("meta");
        let last = meta
            .get(Query::from(JsValue::from_str("c")))
            .expect("get")
            .await
            .expect("get");
        let counter = last.and_then(|v| v.as_f64()).unwrap_or(0.0) + 1.0;
        let entry = Object::new();
        set(&entry, "counter", counter.into());
        set(
            &entry,
            "envelope",
            Uint8Array::from(&[0u8; 25 + OVERHEAD][..]).buffer().into(),
        );
        // The writes sent together and then awaited, as the store sends them.
        let put = tx
            .object_store("records")
            .expect("records")
            .put(&row, None)
            .expect("put")
            .into_future();
        let add = tx
            .object_store("outbox")
            .expect("outbox")
            .add(&entry, None)
            .expect("add")
            .into_future();
        let count = meta
            .put(&counter.into(), Some(&JsValue::from_str("c")))
            .expect("put")
            .into_future();
        put.await.expect("put");
        add.await.expect("add");
        count.await.expect("put");
        tx.commit().expect("commit").await.expect("commit");
    }
    now_ms() - start
}

async fn plain_photos(db: &Database, photos: &[Vec<u8>]) -> f64 {
    let start = now_ms();
    for p in photos {
        let id = Uuid::now_v7().to_string();
        let tx = db
            .transaction(&["photo_chunks"], TransactionMode::ReadWrite)
            .expect("tx");
        let store = tx.object_store("photo_chunks").expect("chunks");
        let mut puts = Vec::new();
        for (i, chunk) in p.chunks(PHOTO_CHUNK_PLAIN).enumerate() {
            let mut c = chunk.to_vec();
            c.resize(c.len() + OVERHEAD, 0);
            let row = Object::new();
            set(&row, "photo", id.as_str().into());
            set(&row, "chunk", (i as f64).into());
            set(&row, "envelope", Uint8Array::from(&c[..]).buffer().into());
            puts.push(store.put(&row, None).expect("put").into_future());
        }
        for put in puts {
            put.await.expect("put");
        }
        tx.commit().expect("commit").await.expect("commit");
    }
    now_ms() - start
}

/// One run: all the records and photos written both ways, a batch at a time, the two sides
/// taking turns and swapping who goes first each batch. IndexedDB on a busy machine drifts by
/// a fifth over a few seconds (its own compaction, a deleted database's files going, other
/// work); in turns, a slow spell lands on both sides alike instead of on whichever ran in it.
/// Returns (encrypted, plain).
async fn paired_run(keys: &Keys, photos: &[Vec<u8>]) -> (Split, Split) {
    let id = Uuid::now_v7();
    let enc_name = format!("burrow-bench-enc-{id}");
    let plain_name = format!("burrow-bench-plain-{id}");
    let store = Store::open(&enc_name).await.expect("open");
    let db = open_plain(&plain_name).await;
    let (mut enc, mut plain) = ((0.0, 0.0), (0.0, 0.0));
    for (n, from) in (0..RECORDS).step_by(RECORD_BATCH).enumerate() {
        let range = from..(from + RECORD_BATCH).min(RECORDS);
        if n % 2 == 0 {
            plain.0 += plain_records(&db, range.clone()).await;
            enc.0 += encrypted_records(&store, keys, range).await;
        } else {
            enc.0 += encrypted_records(&store, keys, range.clone()).await;
            plain.0 += plain_records(&db, range).await;
        }
    }
    for (n, batch) in photos.chunks(PHOTO_BATCH).enumerate() {
        if n % 2 == 0 {
            plain.1 += plain_photos(&db, batch).await;
            enc.1 += encrypted_photos(&store, keys, batch).await;
        } else {
            enc.1 += encrypted_photos(&store, keys, batch).await;
            plain.1 += plain_photos(&db, batch).await;
        }
    }
    store.close();
    db.close();
    let _ = Store::delete(&enc_name).await;
    let _ = Store::delete(&plain_name).await;
    (enc, plain)
}

fn set(o: &Object, key: &str, value: JsValue) {
    let _ = Reflect::set(o, &key.into(), &value);
}

async fn open_plain(name: &str) -> Database {
    let mut request = Factory::new()
        .expect("factory")
        .open(name, Some(1))
        .expect("open");
    request.on_upgrade_needed(|event| {
        use idb::DatabaseEvent;
        let db = event.database().expect("db");
        let mut records = ObjectStoreParams::new();
        records.key_path(Some(KeyPath::new_single("id")));
        let store = db.create_object_store("records", records).expect("records");
        let mut multi = idb::IndexParams::new();
        multi.multi_entry(true);
        store
            .create_index("lookup", KeyPath::new_single("lookup"), Some(multi))
            .expect("index");
        let mut chunks = ObjectStoreParams::new();
        chunks.key_path(Some(KeyPath::new_array(["photo", "chunk"])));
        db.create_object_store("photo_chunks", chunks)
            .expect("chunks");
        let mut outbox = ObjectStoreParams::new();
        outbox.key_path(Some(KeyPath::new_single("counter")));
        db.create_object_store("outbox", outbox).expect("outbox");
        db.create_object_store("meta", ObjectStoreParams::new())
            .expect("meta");
    });
    request.await.expect("open")
}

#[wasm_bindgen_test]
#[ignore]
async fn p5_encrypted_writes_against_plain() {
    let keys = keys_from(&crypto::random_bytes::<32>().expect("random"), Uuid::nil())
        .await
        .expect("keys");
    let photos: Vec<Vec<u8>> = (0..PHOTOS as u32).map(photo).collect();
    let (mut enc, mut plain) = (Vec::new(), Vec::new());
    for _ in 0..3 {
        let (e, p) = paired_run(&keys, &photos).await;
        enc.push(e);
        plain.push(p);
    }
    let total = |runs: &[Split]| median(runs.iter().map(|(r, p)| r + p).collect());
    let part = |runs: &[Split], f: fn(&Split) -> f64| median(runs.iter().map(f).collect());
    let (enc_total, plain_total) = (total(&enc), total(&plain));
    report(
        "P5",
        "encrypted ÷ plain IndexedDB writes (1,000 records + 50 photos of 300 KB)",
        (enc_total / plain_total * 100.0).round() / 100.0,
        "×",
        1.25,
        None,
        Some((plain_total / 1000.0 * 100.0).round() / 100.0),
    );
    let ratios: Vec<String> = enc
        .iter()
        .zip(&plain)
        .map(|(e, p)| format!("{:.2}", (e.0 + e.1) / (p.0 + p.1)))
        .collect();
    console_log!(
        "BENCH-DETAIL P5 encrypted {enc_total:.0} ms (records {:.0}, photos {:.0}), plain {plain_total:.0} ms (records {:.0}, photos {:.0}); each run {}",
        part(&enc, |s| s.0),
        part(&enc, |s| s.1),
        part(&plain, |s| s.0),
        part(&plain, |s| s.1),
        ratios.join(", "),
    );
}

#[wasm_bindgen_test]
#[ignore]
async fn p9_unlock_with_the_chosen_kdf_cost() {
    let wrapped = wrap(
        &[7; 32],
        Uuid::now_v7(),
        "teapot river lantern",
        PBKDF2_ITERATIONS,
    )
    .await
    .expect("wrap");
    // DESIGN §7 asks P9 for at least 1.2 million iterations. The cost is held by the count, not
    // by a floor on the time: a faster machine derives the same key sooner and is no weaker.
    assert!(
        wrapped.iterations >= 1_200_000,
        "new keys are wrapped with {} PBKDF2 iterations, under the 1,200,000 P9 asks for",
        wrapped.iterations
    );
    let mut times = Vec::new();
    for _ in 0..5 {
        let start = now_ms();
        unlock(&wrapped, "teapot river lantern")
            .await
            .expect("unlock");
        times.push(now_ms() - start);
    }
    report(
        "P9k",
        &format!(
            "the key's derivation alone: PBKDF2-SHA256 × {} in headless Chromium (median of 5)",
            wrapped.iterations
        ),
        (median(times) / 1000.0 * 1000.0).round() / 1000.0,
        "s",
        1.0,
        None,
        None,
    );
}

/// A 1920×1080 frame like a room photo: broad gradients with fine grain, so the JPEG comes out
/// photo-sized rather than trivially small.
fn room_frame() -> web_sys::HtmlCanvasElement {
    use wasm_bindgen::{Clamped, JsCast};
    let (w, h) = (1920u32, 1080u32);
    let mut x = 0x9e37_79b9u32;
    let mut pixels = Vec::with_capacity((w * h * 4) as usize);
    for y in 0..h {
        for col in 0..w {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            let grain = x % 24;
            pixels.extend_from_slice(&[
                ((col * 200 / w) + grain) as u8,
                ((y * 180 / h) + grain) as u8,
                (((col + y) % 256 / 2) + 60 + grain) as u8,
                255,
            ]);
        }
    }
    let canvas: web_sys::HtmlCanvasElement = web_sys::window()
        .and_then(|w| w.document())
        .expect("document")
        .create_element("canvas")
        .expect("canvas")
        .unchecked_into();
    canvas.set_width(w);
    canvas.set_height(h);
    let context: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d")
        .expect("context")
        .expect("2d")
        .unchecked_into();
    let image = web_sys::ImageData::new_with_u8_clamped_array_and_sh(Clamped(&pixels), w, h)
        .expect("image");
    context.put_image_data(&image, 0.0, 0.0).expect("put");
    canvas
}

#[wasm_bindgen_test]
#[ignore]
async fn p3_shutter_to_sealed_photo() {
    use crate::camera::{Frame, grab, jpeg};
    use crate::store::photos;
    let keys = keys_from(&crypto::random_bytes::<32>().expect("random"), Uuid::nil())
        .await
        .expect("keys");
    let name = format!("burrow-bench-photo-{}", Uuid::now_v7());
    let store = Store::open(&name).await.expect("open");
    let frame = room_frame();
    let (mut shutter, mut plain, mut sizes) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..9 {
        let start = now_ms();
        let shot = grab(Frame::Canvas(&frame)).await.expect("grab");
        photos::save(
            &store,
            &keys,
            &shot,
            &[Uuid::now_v7()],
            Uuid::now_v7(),
            chrono::Utc::now(),
        )
        .await
        .expect("save");
        shutter.push(now_ms() - start);
        sizes.push(shot.jpeg.len());

        let start = now_ms();
        let bytes = jpeg(&frame).await.expect("jpeg");
        plain.push(now_ms() - start);
        assert!(!bytes.is_empty());
    }
    store.close();
    let _ = Store::delete(&name).await;
    let (shutter, plain) = (median(shutter), median(plain));
    report(
        "P3",
        "shutter to photo + thumbnail sealed in IndexedDB, 1920×1080 frame (median of 9)",
        shutter.round(),
        "ms",
        250.0,
        None,
        Some(plain.round()),
    );
    console_log!(
        "BENCH-DETAIL P3 shutter {shutter:.0} ms; plain canvas-to-JPEG {plain:.0} ms; photo {} KB",
        sizes[0] / 1024
    );
}

/// P11: the half-term purge of 2,000 photos the server holds, each with its thumbnail, while a
/// probe ticks on the main thread every 4 ms: the longest gap between ticks is the longest time
/// the screen could not answer a tap. A child's journal is open beside it, doing what the page
/// does: opening her 300 entries (as it does again when a sync ends) and a screenful of
/// thumbnails, over and over until the purge is done. (Its drawing is not measured: the
/// virtualised list draws one screenful.)
#[wasm_bindgen_test]
#[ignore]
async fn p11_half_term_purge() {
    use std::cell::RefCell;
    use std::rc::Rc;
    use wasm_bindgen::JsCast;
    use wasm_bindgen::closure::Closure;
    const PURGED: usize = 2_000;
    let name = format!("burrow-bench-{}", Uuid::now_v7());
    let store = Store::open(&name).await.expect("store");
    let keys = keys_from(&crypto::random_bytes::<32>().expect("random"), Uuid::nil())
        .await
        .expect("keys");
    let taken_at = chrono::Utc::now() - chrono::Duration::days(60);
    let roomy = burrow_core::storage::Estimate {
        usage: 0,
        quota: 1 << 40,
    };
    let photo = vec![0x5a; 60 * 1024];
    let thumb = vec![0xa5; 8 * 1024];
    let child = Uuid::now_v7();
    let mut journal_photos = Vec::new();
    for batch in 0..PURGED / 200 {
        let records: Vec<burrow_core::photo::PhotoRecord> = (0..200)
            .map(|_| burrow_core::photo::PhotoRecord {
                id: Uuid::now_v7(),
                thumb_id: Uuid::now_v7(),
                children: vec![Uuid::now_v7()],
                taken_by: Uuid::nil(),
                taken_at,
                width: 1280,
                height: 960,
                sha256: Some("ab".repeat(32)),
                thumb_sha256: Some("cd".repeat(32)),
                regions: vec![],
            })
            .collect();
        let bodies: Vec<Vec<u8>> = records
            .iter()
            .map(|r| serde_json::to_vec(r).expect("json"))
            .collect();
        let mut rows = Vec::new();
        for (r, body) in records.iter().zip(&bodies) {
            let row = NewRecord {
                id: r.id,
                kind: Kind::Photo,
                version: 1,
                lookups: &[],
                body,
            };
            rows.push(
                store
                    .seal_from_server(&keys, &row, None)
                    .await
                    .expect("seal"),
            );
            store
                .put_photo_within(&keys, r.id, &photo, roomy)
                .await
                .expect("photo");
            store
                .put_photo_within(&keys, r.thumb_id, &thumb, roomy)
                .await
                .expect("thumb");
        }
        let counter = store.mutation_counter().await.expect("counter");
        store
            .put_from_server(&rows, "bench-checkpoint", batch as u64, counter)
            .await
            .expect("records");
        journal_photos.extend(records.iter().take(30).map(|r| (r.id, r.thumb_id)));
    }
    // Her journal: 300 entries, each with one of the photos, submitted (not drafts).
    for (i, (photo, _)) in journal_photos.iter().enumerate() {
        let mut obs = burrow_core::observation::Observation::new(
            Uuid::now_v7(),
            Uuid::nil(),
            vec![child],
            taken_at,
        );
        obs.text = format!("Entry {i}: she counted the blocks in her tower aloud, one to ten.");
        obs.photos = vec![*photo];
        obs.status = burrow_core::workflow::Status::Submitted;
        super::observations::save(&store, &keys, &obs)
            .await
            .expect("entry");
    }
    let purging = Rc::new(std::cell::Cell::new(true));
    let reloads = Rc::new(std::cell::Cell::new(0u32));
    let journal = {
        let (store, keys, purging, reloads) = (&store, &keys, purging.clone(), reloads.clone());
        let thumbs: Vec<Uuid> = journal_photos.iter().map(|(_, t)| *t).take(12).collect();
        async move {
            while purging.get() {
                let (entries, _) = super::observations::of_child(store, keys, child)
                    .await
                    .expect("journal");
                assert_eq!(entries.len(), 300);
                for thumb in &thumbs {
                    let _ = store.get_photo(keys, *thumb).await;
                }
                reloads.set(reloads.get() + 1);
                crate::pause::pause(16).await;
            }
        }
    };

    let ticks = Rc::new(RefCell::new(vec![now_ms()]));
    let probe = {
        let ticks = ticks.clone();
        Closure::<dyn FnMut()>::new(move || ticks.borrow_mut().push(now_ms()))
    };
    let window = web_sys::window().expect("window");
    let handle = window
        .set_interval_with_callback_and_timeout_and_arguments_0(probe.as_ref().unchecked_ref(), 4)
        .expect("interval");
    let start = now_ms();
    let keep_from = Some(chrono::Utc::now().date_naive() - chrono::Duration::days(14));
    let purge = async {
        let gone = super::purge::run(&store, &keys, keep_from).await;
        purging.set(false);
        (gone, now_ms() - start)
    };
    let ((gone, took), ()) = futures::join!(purge, journal);
    let gone = gone.expect("purge");
    ticks.borrow_mut().push(now_ms());
    window.clear_interval_with_handle(handle);
    assert_eq!(gone, PURGED * 2, "every photo and thumbnail");
    let longest = ticks
        .borrow()
        .windows(2)
        .map(|w| w[1] - w[0])
        .fold(0.0, f64::max);
    report(
        "P11",
        "longest main-thread block during the purge of 2,000 photos, a journal open",
        longest.round(),
        "ms",
        100.0,
        None,
        Some((took / 1000.0 * 100.0).round() / 100.0),
    );
    console_log!(
        "BENCH-DETAIL P11 purge of {PURGED} photos and thumbnails in {took:.0} ms; longest block {longest:.0} ms; the open journal reloaded {} times meanwhile",
        reloads.get()
    );
    store.close();
    Store::delete(&name).await.expect("delete");
}
