//! The server killed (SIGKILL) while a tablet's batch is on its way or being applied, then
//! started again on the same data folder: nothing it acknowledged is lost, a batch is kept
//! whole or not at all, and the tablet's retry settles it.

mod support;

use burrow_core::observation::Observation;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use std::time::Duration;
use support::Base;
use support::device::Tablet;
use support::process::Process;
use uuid::Uuid;

const BATCH: u64 = 200;

fn op(counter: u64, obs: &Observation) -> Value {
    json!({"counter": counter, "record_id": obs.id, "kind": "observation", "version": 1, "base": 0, "by": obs.author, "body": obs})
}

fn batch(first_counter: u64, author: Uuid) -> (Vec<Value>, Vec<Uuid>) {
    let mut ops = Vec::new();
    let mut ids = Vec::new();
    for i in 0..BATCH {
        let mut obs = Observation::new(
            Uuid::now_v7(),
            author,
            vec![Uuid::now_v7()],
            chrono::Utc::now(),
        );
        obs.version = 1;
        // A few kilobytes each, so a batch takes the server a moment to apply.
        obs.text = format!("Observation {i}: ").repeat(300);
        ids.push(obs.id);
        ops.push(op(first_counter + i, &obs));
    }
    (ops, ids)
}

/// Every observation id the server holds, by pulling from the start.
async fn held(tablet: &Tablet, who: &Client, server: &Process) -> Vec<Uuid> {
    let mut after = 0;
    let mut ids = Vec::new();
    loop {
        let path = format!("/api/sync/pull?after={after}");
        let r = tablet
            .send(reqwest::Method::GET, who, server, &path, b"")
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        let page: Value = r.json().await.unwrap();
        for rec in page["records"].as_array().unwrap() {
            ids.push(Uuid::parse_str(rec["id"].as_str().unwrap()).unwrap());
        }
        after = page["last"].as_u64().unwrap();
        if page["more"] != true {
            return ids;
        }
    }
}

#[tokio::test]
async fn a_server_killed_mid_batch_loses_nothing_it_acknowledged_and_half_applies_nothing() {
    let data = tempfile::tempdir().unwrap();
    let app = tempfile::tempdir().unwrap();
    std::fs::write(app.path().join("index.html"), "<!doctype html>").unwrap();
    let mut server = Process::start(data.path(), app.path());
    let sam = server.sign_in_manager().await;
    let sam_id = {
        let s: Value = sam
            .get(server.url("/api/session"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        Uuid::parse_str(s["staff"]["id"].as_str().unwrap()).unwrap()
    };
    let tablet = Tablet::enrol(&server, &sam, "Room 1 tablet").await;
    // What the server holds is read by another tablet: pull never hands a tablet its own changes.
    let office = Tablet::enrol(&server, &sam, "Office tablet").await;

    // One batch undisturbed, to learn how long a batch takes here.
    let (ops, mut acknowledged) = batch(1, sam_id);
    let body = serde_json::to_vec(&json!({ "ops": ops })).unwrap();
    let started = std::time::Instant::now();
    let r = tablet.post(&sam, &server, "/api/sync/push", &body).await;
    assert_eq!(r.status(), StatusCode::OK);
    r.bytes().await.unwrap();
    let took = started.elapsed().as_millis() as u64;
    let mut next_counter = 1 + BATCH;
    let mut outcomes = Vec::new();
    // Kill at different moments of a batch like it: early, in the middle, about when it
    // commits, and just after.
    for percent in [10u64, 40, 70, 85, 95, 105, 120] {
        let delay_ms = took * percent / 100;
        let (ops, ids) = batch(next_counter, sam_id);
        let body = serde_json::to_vec(&json!({ "ops": ops })).unwrap();
        let pid = server.pid();
        let killer = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(delay_ms));
            let _ = std::process::Command::new("kill")
                .args(["-9", &pid.to_string()])
                .status();
        });
        let answered = match tablet
            .try_post(&sam, &server, "/api/sync/push", &body)
            .await
        {
            Ok(r) if r.status() == StatusCode::OK => r.json::<Value>().await.ok(),
            _ => None,
        };
        killer.join().unwrap();
        server.kill();

        // Answered means kept: every change the server accepted must be there after a restart.
        if let Some(a) = &answered {
            for ans in a["answers"].as_array().unwrap() {
                assert_eq!(ans["outcome"], "accepted", "{ans}");
            }
        }
        server = Process::start(data.path(), app.path());
        let sam2 = server.sign_in_manager().await;
        let now_held = held(&office, &sam2, &server).await;
        let this_batch: &[Uuid] = if answered.is_some() { &ids } else { &[] };
        for id in acknowledged.iter().chain(this_batch) {
            assert!(
                now_held.contains(id),
                "an acknowledged change was lost (delay {delay_ms} ms)"
            );
        }
        // All of the batch or none of it.
        let kept = ids.iter().filter(|id| now_held.contains(id)).count();
        assert!(
            kept == 0 || kept == ids.len(),
            "half a batch was kept: {kept} of {} (delay {delay_ms} ms)",
            ids.len()
        );
        // The tablet did not hear, so it sends the batch again: it settles, once.
        let r = tablet.post(&sam2, &server, "/api/sync/push", &body).await;
        assert_eq!(r.status(), StatusCode::OK);
        let again: Value = r.json().await.unwrap();
        let expected = if kept == 0 {
            "accepted"
        } else {
            "already_applied"
        };
        for ans in again["answers"].as_array().unwrap() {
            assert_eq!(ans["outcome"], expected, "{ans}");
        }
        outcomes.push((delay_ms, answered.is_some(), kept == ids.len()));
        acknowledged.extend(&ids);
        next_counter += BATCH;
    }
    let now_held = held(&office, &server.sign_in_manager().await, &server).await;
    assert_eq!(now_held.len(), acknowledged.len());
    // Say what happened at each delay, so a run that never hit the middle is visible.
    eprintln!("a batch took {took} ms; kills (delay ms, answered, kept): {outcomes:?}");
}
