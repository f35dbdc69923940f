//! "More", on a phone: the sections the bottom bar has no room for, each with a line saying
//! what it is for. A tablet shows them as tabs, so it only comes here by address.

use crate::auth::use_auth;
use crate::components::nav::MORE;
use crate::components::shell::Shell;
use leptos::prelude::*;

#[component]
pub fn MorePage() -> impl IntoView {
    let auth = use_auth();
    let manager = auth.may_manage();
    view! {
        <Shell>
            <div class="page-head"><h1>"More"</h1></div>
            <ul class="card more-list" data-testid="more-list">
                {MORE
                    .iter()
                    .filter(|s| manager || !s.managers_only)
                    .map(|s| view! {
                        <li>
                            <a href=s.href>
                                <span class="more-label">{s.label}</span>
                                " "
                                <span class="more-what">{s.what}</span>
                            </a>
                        </li>
                    })
                    .collect_view()}
            </ul>
        </Shell>
    }
}
