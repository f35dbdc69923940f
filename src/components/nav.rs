//! Where staff can go. On a tablet every section is a tab along the top. On a phone the tabs
//! would run off the side, so the four daily places sit in a bar at the bottom, where a thumb
//! reaches, with "More" for the rest, as phones' own apps do.

use crate::auth::use_auth;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

/// A section beyond the daily four: where it is, its name, what it is for (on More), and who
/// sees it and where.
pub struct Section {
    pub href: &'static str,
    pub label: &'static str,
    pub what: &'static str,
    pub managers_only: bool,
    /// A tab on a tablet too; otherwise reached from Settings there.
    pub tab: bool,
}

const fn section(
    href: &'static str,
    label: &'static str,
    what: &'static str,
    managers_only: bool,
    tab: bool,
) -> Section {
    Section {
        href,
        label,
        what,
        managers_only,
        tab,
    }
}

/// The sections a phone reaches through "More" (and a tablet through its tabs), in order. A new
/// section is added here once.
pub const MORE: &[Section] = &[
    section(
        "/consents",
        "Consent",
        "What each family has agreed to",
        false,
        true,
    ),
    section(
        "/validate",
        "Validate",
        "Observations waiting for a manager",
        true,
        true,
    ),
    section(
        "/families",
        "Families",
        "Parents' phones and their children",
        true,
        true,
    ),
    section(
        "/published",
        "Published",
        "Photos on displays, the website or social media",
        true,
        true,
    ),
    section(
        "/staff",
        "Staff",
        "Who works here and their roles",
        false,
        true,
    ),
    section(
        "/settings",
        "Settings",
        "This tablet, photos, backups and more",
        false,
        true,
    ),
    section(
        "/sync",
        "Sync",
        "What this tablet has sent and what was refused",
        false,
        false,
    ),
    section(
        "/audit",
        "Audit log",
        "Everything that matters, kept unchangeable",
        true,
        false,
    ),
];

#[component]
pub fn Nav() -> impl IntoView {
    let auth = use_auth();
    let location = use_location();
    // On a phone, "More" is the current place whenever the page is one of its sections.
    let in_more = move || {
        let path = location.pathname.get();
        path == "/more" || MORE.iter().any(|s| path.starts_with(s.href))
    };
    view! {
        <nav class="tabs" aria-label="Sections">
            <A href="/today"><Icon path=TODAY/><span>"Today"</span></A>
            <A href="/children"><Icon path=CHILDREN/><span>"Children"</span></A>
            <A href="/observe"><Icon path=OBSERVE/><span>"Observe"</span></A>
            <A href="/photo"><Icon path=PHOTO/><span>"Photo"</span></A>
            {MORE
                .iter()
                .filter(|s| s.tab)
                .map(|s| {
                    let managers_only = s.managers_only;
                    view! {
                        <Show when=move || !managers_only || auth.may_manage()>
                            <A href=s.href attr:class="beyond">{s.label}</A>
                        </Show>
                    }
                })
                .collect_view()}
            <a href="/more" class="more" aria-current=move || in_more().then_some("page")>
                <Icon path=MORE_DOTS/><span>"More"</span>
            </a>
        </nav>
    }
}

/// A 24-pixel line icon, drawn for the bottom bar only; the word beside it says what it is.
#[component]
fn Icon(path: &'static str) -> impl IntoView {
    view! {
        <svg class="icon" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
            <path d=path/>
        </svg>
    }
}

const TODAY: &str = "M12 4v2M12 18v2M4 12h2M18 12h2M6.3 6.3l1.4 1.4M16.3 16.3l1.4 1.4M6.3 17.7l1.4-1.4M16.3 7.7l1.4-1.4M12 8a4 4 0 1 0 0 8a4 4 0 1 0 0-8z";
const CHILDREN: &str = "M8 11a3 3 0 1 0 0-6a3 3 0 1 0 0 6zM2 20c0-3.3 2.7-6 6-6s6 2.7 6 6M17 11a2.5 2.5 0 1 0 0-5a2.5 2.5 0 1 0 0 5zM15.5 14.2c.5-.1 1-.2 1.5-.2c2.8 0 5 2.2 5 5";
const OBSERVE: &str = "M4 20h4L19 9l-4-4L4 16zM13.5 6.5l4 4";
const PHOTO: &str = "M3 8h4l2-3h6l2 3h4v11H3zM12 10a3.5 3.5 0 1 0 0 7a3.5 3.5 0 1 0 0-7z";
const MORE_DOTS: &str = "M5 11h2v2H5zM11 11h2v2h-2zM17 11h2v2h-2z";
