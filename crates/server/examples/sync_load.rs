//! P7 (DESIGN §7): the server with 30 tablets syncing at once. Starts the given burrow-server
//! binary on loopback with the demo setting, enrols 30 tablets (each with a member of staff
//! signed in), then every tablet pushes its outbox in batches of 50 observations, all at once,
//! and pulls. Prints `BENCH {json}` lines for P7 (p99 push time) and P8 (the server's peak
//! resident memory, VmHWM from /proc), and a detail line with the median and the pull time.
//!
//! `cargo run -p burrow-server --example sync_load --release -- <path to burrow-server>`

use burrow_core::observation::Observation;
use serde_json::{Value, json};
use std::time::{Duration, Instant};
use uuid::Uuid;

const TABLETS: usize = 30;
const BATCHES: usize = 10;
const BATCH: usize = 50;

use support::{Error, Tablet, enrol, peak_rss_mb, sign_in, start_server};

mod support;

/// One tablet's day: its outbox in batches, each timed, then a pull from the start.
async fn sync(url: String, mut tablet: Tablet) -> Result<(Vec<Duration>, Duration), Error> {
    let mut counter = 0u64;
    let mut times = Vec::with_capacity(BATCHES);
    let child = Uuid::now_v7();
    for _ in 0..BATCHES {
        let ops: Vec<Value> = (0..BATCH)
            .map(|_| {
                counter += 1;
                let mut obs = Observation::new(Uuid::now_v7(), tablet.staff, vec![child], chrono::Utc::now());
                obs.version = 1;
                obs.text = "Built a tower of wooden blocks, counted the bricks aloud and then knocked it down, laughing. ".repeat(5);
                json!({"counter": counter, "record_id": obs.id, "kind": "observation", "version": 1, "base": 0, "by": tablet.staff, "body": obs})
            })
            .collect();
        let body = serde_json::to_vec(&json!({ "ops": ops }))?;
        let start = Instant::now();
        let answer: Value = tablet.send(&url, "POST", "/api/sync/push", body).await?;
        times.push(start.elapsed());
        let accepted = answer["answers"].as_array().map_or(0, |a| {
            a.iter().filter(|a| a["outcome"] == "accepted").count()
        });
        if accepted != BATCH {
            return Err(format!("only {accepted} of {BATCH} accepted: {answer}").into());
        }
    }
    let start = Instant::now();
    let mut after = 0;
    loop {
        // The records are read past, not into memory: the client should not crowd the server.
        let page: Page = tablet
            .send(
                &url,
                "GET",
                &format!("/api/sync/pull?after={after}"),
                Vec::new(),
            )
            .await?;
        after = page.last;
        if !page.more {
            break;
        }
    }
    Ok((times, start.elapsed()))
}

#[derive(serde::Deserialize)]
struct Page {
    #[allow(dead_code)]
    records: serde::de::IgnoredAny,
    last: u64,
    more: bool,
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    (sorted[i].as_secs_f64() * 1000.0 * 10.0).round() / 10.0
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let binary = std::env::args()
        .nth(1)
        .ok_or("usage: sync_load <burrow-server>")?;
    let (mut server, url, _data, _app) = start_server(&binary, None)?;
    let outcome = async {
        let (manager, _) = sign_in(&url, "Sam Patel").await?;
        let mut tablets = Vec::with_capacity(TABLETS);
        for n in 0..TABLETS {
            tablets.push(enrol(&url, &manager, n).await?);
        }
        let started = Instant::now();
        let runs: Vec<_> = tablets
            .into_iter()
            .map(|t| tokio::spawn(sync(url.clone(), t)))
            .collect();
        let mut pushes = Vec::new();
        let mut pulls = Vec::new();
        for run in runs {
            let (times, pull) = run.await??;
            pushes.extend(times);
            pulls.push(pull);
        }
        Ok::<_, Error>((pushes, pulls, started.elapsed()))
    }
    .await;
    let rss = peak_rss_mb(server.id());
    let _ = server.kill();
    let _ = server.wait();
    let (mut pushes, mut pulls, wall) = outcome?;
    pushes.sort();
    pulls.sort();
    println!(
        "BENCH-DETAIL P7: {TABLETS} tablets × {BATCHES} pushes of {BATCH} observations in {:.1} s; push median {} ms, p99 {} ms; pull of {} records median {} ms; server peak RSS {rss} MB",
        wall.as_secs_f64(),
        percentile(&pushes, 0.5),
        percentile(&pushes, 0.99),
        TABLETS * BATCHES * BATCH,
        percentile(&pulls, 0.5),
    );
    println!(
        "BENCH {}",
        json!({"id": "P7", "name": format!("push p99, {TABLETS} tablets syncing at once (baseline: median)"), "value": percentile(&pushes, 0.99), "unit": "ms", "target": 200.0, "baseline": percentile(&pushes, 0.5)})
    );
    println!(
        "BENCH {}",
        json!({"id": "P8", "name": format!("server peak RSS while {TABLETS} tablets sync at once"), "value": rss, "unit": "MB", "target": 150.0})
    );
    Ok(())
}
