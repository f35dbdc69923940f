//! Who had or changed this family's children's journals, as the setting's log says.

use burrow_core::api::ParentAuditEntry;
use burrow_core::audit::Action;
use burrow_core::publishing::trail_sentence;
use leptos::prelude::*;
use uuid::Uuid;

#[component]
pub fn Trail(trail: Vec<ParentAuditEntry>, names: Vec<(Uuid, String)>) -> impl IntoView {
    let name = move |child: Uuid| {
        names
            .iter()
            .find(|(id, _)| *id == child)
            .map_or_else(String::new, |(_, n)| n.clone())
    };
    let empty = trail.is_empty();
    view! {
        <section class="card" aria-labelledby="trail-heading">
            <h2 id="trail-heading">"Who has had the journal"</h2>
            <p class="muted">"Each time someone at the setting validates, returns, exports or sends an entry of your child’s journal, or uses a photo of your child on a display, the website or social media, the setting’s log records it. This is that log, for your children only, as of your last sync."</p>
            {empty.then(|| view! { <p class="muted">"Nothing yet."</p> })}
            <ul class="trail" data-testid="family-trail">
                {trail.into_iter().map(|e| {
                    let local = e.at.with_timezone(&chrono::Local);
                    let when = format!("{} at {}", burrow_core::dates::format_uk(local.date_naive()), local.format("%H:%M"));
                    // A photo used beyond the journals says where, in a sentence (issue 21).
                    let what = match (e.action, e.used_for) {
                        (Action::PhotoPublished, Some(u)) => Some(trail_sentence(u, false, &name(e.child), local.date_naive())),
                        (Action::PhotoTakenDown, Some(u)) => Some(trail_sentence(u, true, &name(e.child), local.date_naive())),
                        _ => None,
                    };
                    match what {
                        Some(what) => view! {
                            <li data-testid="trail-published">
                                <span class="when">{when}</span>" "
                                <strong>{e.who}</strong>": "{what}
                            </li>
                        }.into_any(),
                        None => view! {
                            <li>
                                <span class="when">{when}</span>" "
                                <strong>{e.who}</strong>": "{e.action.label()}" ("{name(e.child)}")"
                            </li>
                        }.into_any(),
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}
