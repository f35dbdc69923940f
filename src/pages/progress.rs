//! A child's progress at a glance: observations per area of learning over the last six months,
//! drawn as an SVG chart, with the latest age band seen in each area. Counted on the tablet from
//! the decrypted observations it holds.

use crate::components::shell::Shell;
use crate::lock::use_lock;
use crate::pages::children::load as load_children;
use crate::store::{observations, progress_checks, tablet};
use crate::today::today;
use burrow_core::progress::{Chart, chart};
use burrow_core::progress_check::{ProgressCheck, due};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

const MONTHS: u32 = 6;
const LABEL_W: f64 = 190.0;
const CELL_W: f64 = 56.0;
const ROW_H: f64 = 40.0;
const BAR_MAX: f64 = 28.0;

#[component]
pub fn ProgressPage() -> impl IntoView {
    let lock = use_lock();
    let params = use_params_map();
    let child =
        Memo::new(move |_| params.with(|p| p.get("id").and_then(|s| Uuid::parse_str(&s).ok())));
    let children = LocalResource::new(move || load_children(lock));
    let name = move || {
        let id = child.get()?;
        children
            .get()
            .and_then(Result::ok)
            .and_then(|s| s.children.into_iter().find(|c| c.id == id))
            .map(|c| c.first_name)
    };
    let data = LocalResource::new(move || {
        let keys = lock.keys();
        let child = child.get();
        async move {
            let (Some(keys), Some(child)) = (keys, child) else {
                return Err("Unlock the tablet to see this child’s progress.".to_owned());
            };
            let store = tablet::open().await.map_err(|e| e.to_string())?;
            let (all, _) = observations::of_child(&store, &keys, child)
                .await
                .map_err(|e| e.to_string())?;
            Ok(chart(&all, child, today(), MONTHS))
        }
    });
    let check = LocalResource::new(move || {
        let keys = lock.keys();
        let child = child.get();
        async move {
            let (Some(keys), Some(child)) = (keys, child) else {
                return Ok(None);
            };
            let store = tablet::open().await.map_err(|e| e.to_string())?;
            progress_checks::latest_of_child(&store, &keys, child)
                .await
                .map_err(|e| e.to_string())
        }
    });
    let born = move || {
        let id = child.get()?;
        children
            .get()
            .and_then(Result::ok)
            .and_then(|s| s.children.into_iter().find(|c| c.id == id))
            .map(|c| c.date_of_birth)
    };
    let check_body = move || {
        let due_line = born().map(|b| due(b, today()).describe());
        let link = child.get().map(|c| format!("/children/{c}/progress-check"));
        check.get().map(|r| match r {
            Ok(found) => view! {
                <p class="muted">{due_line}</p>
                {found.as_ref().map(check_summary)}
                <a class="button" href=link>{if found.is_some() { "Open the two-year check" } else { "Write the two-year check" }}</a>
            }
            .into_any(),
            Err(e) => view! { <p class="notice notice-error" role="alert">{e}</p> }.into_any(),
        })
    };
    let body = move || {
        data.get().map(|r| match r {
            Ok(c) => view! { <AreaChart chart=c/> }.into_any(),
            Err(e) => view! { <p class="notice notice-error" role="alert">{e}</p> }.into_any(),
        })
    };
    view! {
        <Shell>
            <div class="page-head">
                <h1>{move || name().map(|n| format!("{n}’s progress")).unwrap_or_else(|| "Progress".into())}</h1>
                {move || child.get().map(|c| view! { <a class="button" href=format!("/children/{c}/journal")>"Journal"</a> })}
            </div>
            <section class="card">
                <h2>"Observations by area of learning"</h2>
                <p class="muted">"Each bar is one month; the number is how many observations touched that area. Group observations count for each child in them."</p>
                <Transition fallback=|| view! { <p class="loading">"Counting…"</p> }>{body}</Transition>
            </section>
            <section class="card" data-testid="progress-check">
                <h2>"Two-year progress check"</h2>
                <Transition fallback=|| view! { <p class="loading">"Opening…"</p> }>{check_body}</Transition>
            </section>
        </Shell>
    }
}

/// Where the check stands, and its strengths and concerns by area.
fn check_summary(check: &ProgressCheck) -> impl IntoView + use<> {
    let list = |areas: Vec<&'static str>| {
        if areas.is_empty() {
            "none".to_owned()
        } else {
            areas.join(", ")
        }
    };
    view! {
        <p><span class="badge">{check.status.label()}</span></p>
        <p>{format!("Strengths: {}.", list(check.strengths()))}</p>
        <p>{format!("Areas of concern: {}.", list(check.concerns()))}</p>
    }
}

/// Seven rows (areas) of monthly bars, and the latest age band at the end of each row.
#[component]
fn AreaChart(chart: Chart) -> impl IntoView {
    let max = chart
        .areas
        .iter()
        .flat_map(|a| a.counts.iter().copied())
        .max()
        .unwrap_or(0)
        .max(1);
    let width = LABEL_W + CELL_W * chart.months.len() as f64 + 200.0;
    let height = ROW_H * (chart.areas.len() as f64 + 1.0);
    let month_labels = chart.months.iter().enumerate().map(|(i, m)| {
        let x = LABEL_W + CELL_W * i as f64 + CELL_W / 2.0;
        view! { <text x=x y="16" text-anchor="middle" class="axis">{m.format("%b").to_string()}</text> }
    }).collect_view();
    let months = chart.months.clone();
    let rows = chart.areas.into_iter().enumerate().map(|(row, area)| {
        let y0 = ROW_H * (row as f64 + 1.0);
        let total: u32 = area.counts.iter().sum();
        let bars = area.counts.iter().enumerate().map(|(i, &n)| {
            let h = BAR_MAX * f64::from(n) / f64::from(max);
            let x = LABEL_W + CELL_W * i as f64 + 12.0;
            let label = format!(
                "{}: {n} observation{} in {}",
                area.name,
                if n == 1 { "" } else { "s" },
                months[i].format("%B %Y")
            );
            view! {
                <g>
                    <title>{label}</title>
                    <rect x=x y=y0 + BAR_MAX - h + 4.0 width=CELL_W - 24.0 height=h.max(1.0) class:bar=true class:empty=n == 0/>
                    <text x=x + (CELL_W - 24.0) / 2.0 y=y0 + BAR_MAX + 2.0 text-anchor="middle" class="count">{(n > 0).then(|| n.to_string())}</text>
                </g>
            }
        }).collect_view();
        let band = area.latest_band.map(|b| b.label()).unwrap_or("No age band yet");
        view! {
            <g data-area=area.code>
                <text x="0" y=y0 + 22.0 class="area">{format!("{} ({total})", area.name)}</text>
                {bars}
                <text x=LABEL_W + CELL_W * months.len() as f64 + 8.0 y=y0 + 22.0 class="band">{band}</text>
            </g>
        }
    }).collect_view();
    view! {
        // Wider than a phone: it scrolls in its own box, which the keyboard can reach and scroll.
        <div class="chart-scroll" data-testid="progress" tabindex="0" role="region" aria-label="Progress chart">
            <svg viewBox=format!("0 0 {width} {height}") width=width height=height role="img"
                aria-label="Observations per area of learning by month, with the latest age band in each area">
                {month_labels}
                {rows}
            </svg>
        </div>
    }
}
