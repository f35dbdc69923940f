//! Pages fetched the first time they open, so a first screen downloads only its app's shell
//! (P1w, P1p, issue 19): the staff app's pages in three groups, and a parent's phone's journal.
//!
//! In the release build each group is a wasm module of its own, cut from its app's wasm by
//! wasm-split (feature `split` for the staff app, `family-split` for the phone's; see
//! `xtask/src/split.rs`); the service worker keeps them all for offline use. Everywhere else
//! (tests, clippy) the groups are plain functions in one module.

use crate::pages::family::FamilyJournal;
use crate::pages::{
    audit::AuditPage, child_consents::ChildConsentsPage, children::ChildrenPage, claim::ClaimPage,
    consents::ConsentsPage, families::FamiliesPage, journal::JournalPage, more::MorePage,
    observe::ObservePage, photo::PhotoPage, progress::ProgressPage,
    progress_check::ProgressCheckPage, published::PublishedPage, settings::SettingsPage,
    setup::SetupPage, staff::StaffPage, sync::SyncPage, today::TodayPage, validate::ValidatePage,
};
use leptos::prelude::*;

/// A page of the staff app that is loaded on demand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Page {
    // The day's reading and checking: every signed-in person opens these.
    Today,
    Children,
    Journal,
    Progress,
    ProgressCheck,
    Validate,
    // Recording: the observation form and the camera.
    Observe,
    Photo,
    // The office: set-up, people, consent, families, the audit log and sync.
    Setup,
    Claim,
    ChildConsents,
    Consents,
    Staff,
    Settings,
    Families,
    Audit,
    More,
    Sync,
    Published,
}

/// Why a page could not be shown: its part of the app could not be fetched.
#[derive(Debug, thiserror::Error)]
#[error(
    "Part of Burrow could not be fetched. Connect to the setting’s Wi-Fi and try again. If it still cannot be opened, reload the page: Burrow may have been updated."
)]
pub struct NotLoaded;

impl From<leptos::wasm_split::SplitLoaderError> for NotLoaded {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        NotLoaded
    }
}

/// Calls a group's entry: awaited where the build split it into its own module.
macro_rules! split_call {
    ($feature:literal, $call:expr) => {{
        #[cfg(feature = $feature)]
        let view = $call.await;
        #[cfg(not(feature = $feature))]
        let view = $call;
        view
    }};
}

/// A staff page, once its group is loaded; meanwhile nothing (the shell's own bars stay).
pub fn view_of(page: Page) -> impl IntoView {
    on_demand(move || load(page))
}

/// A parent's phone's journal, once loaded. Apart from `view_of`, so neither app's wasm holds
/// the other's pages.
pub fn family_journal() -> impl IntoView {
    on_demand(|| async { split_call!("family-split", family()) })
}

/// What `load` gives, once it has it; if it fails, why, with a way to try again.
fn on_demand<F, Fut>(load: F) -> impl IntoView
where
    F: Fn() -> Fut + Copy + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<AnyView, NotLoaded>> + Send + 'static,
{
    let tries = RwSignal::new(0u32);
    move || {
        tries.track();
        Suspend::new(async move { shown(load().await, tries) })
    }
}

/// The page, or why it could not be opened with a way to try again (a failed fetch is not
/// remembered, so a second try fetches afresh).
fn shown(loaded: Result<AnyView, NotLoaded>, tries: RwSignal<u32>) -> AnyView {
    match loaded {
        Ok(view) => view,
        Err(e) => view! {
            <section class="card offline" data-screen="not-loaded">
                <h1>"This page could not be opened"</h1>
                <p role="alert">{e.to_string()}</p>
                <button class="button primary" on:click=move |_| tries.update(|n| *n += 1)>"Try again"</button>
            </section>
        }
        .into_any(),
    }
}

async fn load(page: Page) -> Result<AnyView, NotLoaded> {
    use Page::*;
    match page {
        Today | Children | Journal | Progress | ProgressCheck | Validate => {
            split_call!("split", day(page))
        }
        Observe | Photo => split_call!("split", record(page)),
        _ => split_call!("split", office(page)),
    }
}

#[cfg_attr(
    feature = "split",
    leptos::wasm_split::wasm_split(day, wasm_split_path = ::leptos::wasm_split, fallible)
)]
fn day(page: Page) -> Result<AnyView, NotLoaded> {
    Ok(match page {
        Page::Today => view! { <TodayPage/> }.into_any(),
        Page::Children => view! { <ChildrenPage/> }.into_any(),
        Page::Journal => view! { <JournalPage/> }.into_any(),
        Page::Progress => view! { <ProgressPage/> }.into_any(),
        Page::ProgressCheck => view! { <ProgressCheckPage/> }.into_any(),
        _ => view! { <ValidatePage/> }.into_any(),
    })
}

#[cfg_attr(
    feature = "split",
    leptos::wasm_split::wasm_split(record, wasm_split_path = ::leptos::wasm_split, fallible)
)]
fn record(page: Page) -> Result<AnyView, NotLoaded> {
    Ok(match page {
        Page::Photo => view! { <PhotoPage/> }.into_any(),
        _ => view! { <ObservePage/> }.into_any(),
    })
}

#[cfg_attr(
    feature = "split",
    leptos::wasm_split::wasm_split(office, wasm_split_path = ::leptos::wasm_split, fallible)
)]
fn office(page: Page) -> Result<AnyView, NotLoaded> {
    Ok(match page {
        Page::Setup => view! { <SetupPage/> }.into_any(),
        Page::Claim => view! { <ClaimPage/> }.into_any(),
        Page::ChildConsents => view! { <ChildConsentsPage/> }.into_any(),
        Page::Consents => view! { <ConsentsPage/> }.into_any(),
        Page::Staff => view! { <StaffPage/> }.into_any(),
        Page::Settings => view! { <SettingsPage/> }.into_any(),
        Page::Families => view! { <FamiliesPage/> }.into_any(),
        Page::Audit => view! { <AuditPage/> }.into_any(),
        Page::More => view! { <MorePage/> }.into_any(),
        Page::Sync => view! { <SyncPage/> }.into_any(),
        _ => view! { <PublishedPage/> }.into_any(),
    })
}

#[cfg_attr(
    feature = "family-split",
    leptos::wasm_split::wasm_split(family, wasm_split_path = ::leptos::wasm_split, fallible)
)]
fn family() -> Result<AnyView, NotLoaded> {
    Ok(view! { <FamilyJournal/> }.into_any())
}
