//! Settings: how soon tablets lock (managers choose), and this tablet's storage and the people
//! who can unlock it (everyone sees); this tablet's enrolment, and for managers, every tablet.

mod addresses;
mod backups;
mod enrolment;
mod leavers;
mod photos;
mod switch;
mod tablets;

use crate::api;
use crate::auth::use_auth;
use crate::components::form_errors::FormErrors;
use crate::components::notice::ErrorNotice;
use crate::components::shell::Shell;
use crate::store::{health, tablet};
use burrow_core::api::SettingOptions;
use burrow_core::lock::{MAX_LOCK_AFTER_MINUTES, MIN_LOCK_AFTER_MINUTES, check_lock_after};
use burrow_core::storage::human_size;
use leptos::prelude::*;

#[component]
pub fn SettingsPage() -> impl IntoView {
    let auth = use_auth();
    let tablets_changed = RwSignal::new(0u32);
    view! {
        <Shell>
            <div class="page-head"><h1>"Settings"</h1></div>
            <LockSettings/>
            <ValidationSetting/>
            <leavers::LeaversSetting/>
            <photos::PhotosSetting/>
            <photos::OutingSetting/>
            <ThisTablet/>
            <enrolment::TabletEnrolment tablets_changed=tablets_changed/>
            <Show when=move || auth.may_manage()>
                <tablets::Tablets reload=tablets_changed/>
                <addresses::ServerAddressesCard/>
                <backups::BackupsSetting/>
                <section class="card" aria-labelledby="audit-heading">
                    <h2 id="audit-heading">"Audit log"</h2>
                    <p>"Who signed in, changed consent, validated or returned observations, enrolled or removed tablets and staff, and every photo consent stopped. Nothing in it can be changed."</p>
                    <a class="button" href="/audit" data-testid="audit-link">"Open the audit log"</a>
                </section>
            </Show>
        </Shell>
    }
}

/// Changes one of the setting's options on top of what the server holds now, so a card never
/// puts back another card's older value.
pub(super) async fn change_options(
    change: impl FnOnce(&mut SettingOptions),
) -> Result<SettingOptions, api::ApiError> {
    let mut options = api::get::<SettingOptions>("/api/setting/options").await?;
    change(&mut options);
    api::put::<_, SettingOptions>("/api/setting/options", &options).await
}

#[component]
fn LockSettings() -> impl IntoView {
    let auth = use_auth();
    let minutes = RwSignal::new(String::new());
    let saved = RwSignal::new(None::<String>);
    let errors = FormErrors::new(&["lock_after_minutes"]);
    let current = LocalResource::new(|| api::get::<SettingOptions>("/api/setting/options"));
    Effect::new(move |_| {
        if let Some(Ok(options)) = current.get() {
            minutes.set(options.lock_after_minutes.to_string());
        }
    });
    let save = Action::new_local(move |m: &u32| {
        let m = *m;
        async move { change_options(|o| o.lock_after_minutes = m).await }
    });
    Effect::new(move |_| match save.value().get() {
        Some(Ok(options)) => {
            // This tablet takes the new time at once; others when they next sign in or unlock.
            auth.session.update(|s| {
                if let Some(s) = s {
                    s.lock_after_seconds = options.lock_after_minutes * 60;
                }
            });
            saved.set(Some(format!(
                "Saved. Tablets now lock after {} minutes without use.",
                options.lock_after_minutes
            )));
        }
        Some(Err(e)) => errors.set(e),
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        errors.clear();
        saved.set(None);
        let typed = minutes.get_untracked();
        match typed.trim().parse::<u32>().map_err(|_| ()).and_then(|m| check_lock_after(m).map_err(|_| ())) {
            Ok(m) => {
                save.dispatch(m);
            }
            Err(()) => errors.set(api::ApiError::invalid(
                "lock_after_minutes",
                &format!("Enter a whole number of minutes between {MIN_LOCK_AFTER_MINUTES} and {MAX_LOCK_AFTER_MINUTES}."),
            )),
        }
    };
    let error = errors.for_field("lock_after_minutes");
    view! {
        <section class="card" aria-labelledby="lock-heading">
            <h2 id="lock-heading">"Locking"</h2>
            <p>
                "Tablets lock themselves when nobody has touched them for a while, and when Burrow has been put away for more than a minute. "
                "Staff unlock them with their own passphrase."
            </p>
            <Show
                when=move || auth.may_manage()
                fallback=move || view! {
                    <p data-testid="lock-after">{move || format!("Tablets lock after {} minutes without use. Your manager can change this.", minutes.get())}</p>
                }
            >
                <form on:submit=on_submit novalidate>
                    <ErrorNotice message=errors.general()/>
                    <div class="field" class:field-invalid=move || error.with(Option::is_some)>
                        <label for="field-lock_after_minutes">"Lock after this many minutes without use"</label>
                        <p class="hint">{format!("Between {MIN_LOCK_AFTER_MINUTES} and {MAX_LOCK_AFTER_MINUTES}. Five suits most rooms.")}</p>
                        <input id="field-lock_after_minutes" name="lock_after_minutes" type="number" inputmode="numeric"
                            min=MIN_LOCK_AFTER_MINUTES max=MAX_LOCK_AFTER_MINUTES bind:value=minutes
                            aria-invalid=move || error.with(Option::is_some).to_string()/>
                        <p class="field-error">{move || error.get()}</p>
                    </div>
                    <button class="button primary" type="submit" disabled=move || save.pending().get()>"Save"</button>
                    {move || saved.get().map(|m| view! { <p class="notice" role="status">{m}</p> })}
                </form>
            </Show>
        </section>
    }
}

/// The switch "validation required before parents see"; the session keeps a copy for the
/// validation page.
#[component]
fn ValidationSetting() -> impl IntoView {
    fn follow(auth: crate::auth::Auth, saved: &SettingOptions) {
        auth.session.update(|s| {
            if let Some(s) = s {
                s.validation_required = saved.validation_required;
            }
        });
    }
    view! {
        <switch::OptionSwitch
            words=switch::SwitchWords {
                heading: "Validation",
                heading_id: "validation-heading",
                test_id: None,
                label: "Observations wait for a manager or deputy to validate them before parents see them",
                on: "Observations wait for a manager or deputy to validate them before parents see them.",
                off: "Observations are shared with parents as soon as they are submitted.",
                saved_on: "Saved. Observations now wait for a manager or deputy to validate them before parents see them.",
                saved_off: "Saved. Observations are shared with parents as soon as they are submitted.",
            }
            read=|o| o.validation_required
            write=|o, on| o.validation_required = on
            default=false
            saved=follow
        />
    }
}

#[component]
fn ThisTablet() -> impl IntoView {
    let space = LocalResource::new(|| async {
        let persistent = health::persist().await;
        (health::estimate().await, persistent)
    });
    let people = LocalResource::new(|| async {
        let store = tablet::open().await?;
        Ok::<_, crate::store::db::StoreError>((
            tablet::people(&store).await?,
            tablet::wrong_passphrases(&store).await?.len(),
        ))
    });
    let space_view = move || {
        space.get().map(|(estimate, persistent)| {
            let sizes = match estimate {
                Some(e) => format!(
                    "Burrow uses {} on this tablet; {} more is available.",
                    human_size(e.usage),
                    human_size(e.quota.saturating_sub(e.usage))
                ),
                None => "This browser does not say how much space Burrow uses.".into(),
            };
            let kept = if persistent {
                "The browser will keep Burrow’s records even when the tablet runs short of space."
            } else {
                "The browser may clear Burrow’s records if the tablet runs short of space. Add Burrow to the home screen so they are kept."
            };
            view! {
                <p data-testid="storage-used">{sizes}</p>
                <p data-testid="storage-persistent">{kept}</p>
            }
        })
    };
    let people_view = move || {
        people.get().map(|result| match result {
            Ok((list, wrong)) => {
                let names = list.into_iter().map(|p| p.name).collect::<Vec<_>>().join(", ");
                let wrong = match wrong {
                    0 => "No wrong passphrases have been tried here since it last synced.".to_owned(),
                    1 => "1 wrong passphrase has been tried here; it goes in the setting’s audit log when the tablet next syncs.".to_owned(),
                    n => format!("{n} wrong passphrases have been tried here; they go in the setting’s audit log when the tablet next syncs."),
                };
                view! {
                    <p data-testid="tablet-people">{format!("Who can unlock it: {names}.")}</p>
                    <p data-testid="wrong-passphrases">{wrong}</p>
                }
                .into_any()
            }
            Err(e) => view! { <p class="notice notice-error" role="alert">{e.to_string()}</p> }.into_any(),
        })
    };
    view! {
        <section class="card" aria-labelledby="tablet-heading">
            <h2 id="tablet-heading">"This tablet"</h2>
            <p>"Everything Burrow keeps on this tablet is encrypted. Photos are refused before the tablet is full, so nothing already saved is ever lost."</p>
            {space_view}
            {people_view}
            <a class="button" href="/sync" data-testid="holdings-link">"What this tablet holds"</a>
        </section>
    }
}
