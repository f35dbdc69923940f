//! For managers: leavers whose data has been deleted, what went, and the devices still holding
//! a copy until they sync (issue 15 parts 7 and 8), with the signed receipt to download. The
//! server keeps no name for a deleted child: they are known by their last day and reference.

use crate::api;
use burrow_core::api::DeletionSummary;
use burrow_core::dates::format_uk;
use leptos::prelude::*;

fn count(n: u32, one: &str, many: &str) -> Option<String> {
    match n {
        0 => None,
        1 => Some(format!("1 {one}")),
        n => Some(format!("{n} {many}")),
    }
}

fn what_went(d: &DeletionSummary) -> String {
    let r = &d.removed;
    let parts: Vec<String> = [
        count(r.entries, "entry", "entries"),
        count(r.photos, "photo", "photos"),
        count(r.two_year_checks, "two-year check", "two-year checks"),
        count(r.notes, "note from home", "notes from home"),
        count(r.consents, "consent answer", "consent answers"),
    ]
    .into_iter()
    .flatten()
    .collect();
    let mut said = if parts.is_empty() {
        "Nothing was kept about them.".to_owned()
    } else {
        format!("Deleted: {}.", parts.join(", "))
    };
    if let Some(kept) = count(
        r.photos_for_posterity,
        "photo was kept for posterity",
        "photos were kept for posterity",
    ) {
        said.push_str(&format!(" {kept}."));
    }
    if r.group_entries_kept > 0 || r.photos_masked > 0 {
        said.push_str(&format!(
            " Kept for the other children, with this child taken out: {}.",
            [
                count(r.group_entries_kept, "group entry", "group entries"),
                count(
                    r.photos_masked,
                    "group photo with their face masked",
                    "group photos with their face masked"
                ),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" and ")
        ));
    }
    said
}

#[component]
pub fn DeletionsCard() -> impl IntoView {
    let list = LocalResource::new(|| api::get::<Vec<DeletionSummary>>("/api/deletions"));
    move || {
        list.get().and_then(Result::ok).filter(|l| !l.is_empty()).map(|l| {
            view! {
                <section class="card" data-testid="deletions" aria-labelledby="deletions-heading">
                    <h2 id="deletions-heading">"Leavers’ records deleted"</h2>
                    <ul class="plain deletions">
                        {l.into_iter().map(|d| {
                            let reference = d.child.simple().to_string()[..8].to_owned();
                            let head = format!(
                                "A child who left on {} (reference {reference}), deleted from the server on {}.",
                                format_uk(d.last_day),
                                format_uk(d.deleted_at.date_naive())
                            );
                            let devices = if d.waiting.is_empty() {
                                "Every tablet and phone has deleted its copy.".to_owned()
                            } else {
                                format!(
                                    "Still to delete their copy at their next sync: {}. A tablet that will not come back can be removed in Settings.",
                                    d.waiting.join(", ")
                                )
                            };
                            let done = d.waiting.is_empty();
                            view! {
                                <li data-testid="deletion" data-complete=done.to_string()>
                                    <p><strong>{head}</strong></p>
                                    <p>{what_went(&d)}</p>
                                    <p class:mark=!done>{devices}</p>
                                    <a class="button" href=format!("/api/deletions/{}/receipt", d.id) download="">"Download the deletion receipt"</a>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </section>
            }
        })
    }
}
