//! The setting's consent overview: every child against every purpose, and the reviews due this
//! month, for a manager to scan in seconds.

use crate::api::{self, ApiError};
use crate::auth::use_auth;
use crate::components::shell::Shell;
use burrow_core::api::{Child, ConsentOverview};
use burrow_core::consent::{OverviewRow, Purpose};
use burrow_core::dates::format_uk;
use leptos::prelude::*;

#[component]
pub fn ConsentsPage() -> impl IntoView {
    let auth = use_auth();
    let overview = LocalResource::new(|| api::get::<ConsentOverview>("/api/consents"));
    Effect::new(move |_| {
        if let Some(Err(e)) = overview.get()
            && e.is_unauthorised()
        {
            auth.session_ended(&e);
        }
    });
    let body = move || {
        overview
            .get()
            .map(|r: Result<ConsentOverview, ApiError>| match r {
                Ok(o) => shown(o).into_any(),
                Err(e) => view! { <p class="notice notice-error" role="alert">{e.to_string()}</p> }
                    .into_any(),
            })
    };
    view! {
        <Shell>
            <div class="page-head"><h1>"Consent"</h1></div>
            <Transition fallback=|| view! { <p class="loading">"Loading consent…"</p> }>{body}</Transition>
        </Shell>
    }
}

fn shown(o: ConsentOverview) -> impl IntoView {
    let due: Vec<String> = o
        .children
        .iter()
        .flat_map(|(child, row)| {
            row.reviews_due.iter().map(move |(p, by)| {
                format!(
                    "{} {}: {}, by {}",
                    child.first_name,
                    child.surname,
                    p.title(),
                    format_uk(*by)
                )
            })
        })
        .collect();
    let lacking = o
        .children
        .iter()
        .filter(|(_, r)| !r.lacking().is_empty())
        .count();
    view! {
        <p class="muted">{format!(
            "As of {}. Photos are taken only where it says Yes. {} of {} children lack at least one consent.",
            format_uk(o.today), lacking, o.children.len()
        )}</p>
        <section class="card" data-testid="reviews-due">
            <h2>"Reviews due this month"</h2>
            {if due.is_empty() {
                view! { <p class="empty">"None this month."</p> }.into_any()
            } else {
                view! { <ul>{due.into_iter().map(|d| view! { <li>{d}</li> }).collect_view()}</ul> }.into_any()
            }}
        </section>
        <div class="table-scroll">
            <table class="consent-grid" data-testid="consent-overview">
                <thead>
                    <tr>
                        <th scope="col">"Child"</th>
                        {Purpose::ALL.iter().map(|p| view! { <th scope="col">{p.title()}</th> }).collect_view()}
                    </tr>
                </thead>
                <tbody>{o.children.into_iter().map(|(c, r)| row(c, r)).collect_view()}</tbody>
            </table>
        </div>
    }
}

fn row(child: Child, row: OverviewRow) -> impl IntoView {
    let href = format!("/children/{}/consents", child.id);
    view! {
        <tr>
            <th scope="row"><a href=href>{format!("{} {}", child.first_name, child.surname)}</a></th>
            {row.standings.into_iter().map(|(_, s)| view! {
                <td class:granted=s.is_granted() class:lacking=!s.is_granted() title=s.describe()>{s.short()}</td>
            }).collect_view()}
        </tr>
    }
}
