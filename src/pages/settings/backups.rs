//! Backups, for managers (issue 17): the recovery key, shown once to print and put away; the
//! folder on the server the nightly backups go to; and where the last one stands, with a
//! warning when it is old or failed.

use crate::api;
use crate::components::form_errors::FormErrors;
use crate::components::notice::ErrorNotice;
use burrow_core::api::{BackupFolder, BackupStatus, NewRecoveryKey, RecoveryKeyRequest};
use burrow_core::backup::{KEEP, Standing};
use burrow_core::storage::human_size;
use chrono::{DateTime, Utc};
use leptos::prelude::*;

fn when(at: DateTime<Utc>) -> String {
    at.with_timezone(&chrono::Local)
        .format("%d/%m/%Y at %H:%M")
        .to_string()
}

/// Where backups stand, in a sentence; and whether it is a warning.
fn said(status: &BackupStatus) -> (String, bool) {
    let folder = status.folder.clone().unwrap_or_default();
    let text = match &status.standing {
        Standing::Off if !status.has_recovery_key => "Backups are off. Burrow can write an encrypted copy of everything (records, photos, keys) to a folder on the server every night, such as a USB disk or a network share. First make the recovery key that opens them.".to_owned(),
        Standing::Off => "Backups are off until you choose the folder they go to.".to_owned(),
        Standing::NotYet => format!("Backups are set up. The first is written tonight into {folder}, or now with “Back up now”."),
        Standing::Fine { at, size } => format!(
            "Last backup {} ({}). {} kept in {folder}; the oldest go after {KEEP}.",
            when(*at),
            human_size(*size),
            status.kept
        ),
        Standing::Old { last_good: Some(at) } => format!(
            "The last backup was made {}, more than two days ago. Backups are written at 1am: check the server stays on at night.",
            when(*at)
        ),
        Standing::Old { last_good: None } => "No backup has been made since backups were set up, more than two days ago. Backups are written at 1am: check the server stays on at night, or try “Back up now”.".to_owned(),
        Standing::Failed { at, why, last_good } => format!(
            "The backup {} failed. {why} {}",
            when(*at),
            match last_good {
                Some(good) => format!("The last good backup was made {}.", when(*good)),
                None => "There is no good backup yet.".to_owned(),
            }
        ),
    };
    (text, status.standing.warns())
}

#[component]
pub fn BackupsSetting() -> impl IntoView {
    let reload = RwSignal::new(0u32);
    let status = LocalResource::new(move || {
        reload.track();
        api::get::<BackupStatus>("/api/backups")
    });
    let shown = RwSignal::new(None::<BackupStatus>);
    Effect::new(move |_| {
        if let Some(Ok(s)) = status.get() {
            shown.set(Some(s));
        }
    });
    let new_key = RwSignal::new(None::<String>);
    let errors = FormErrors::new(&["folder"]);
    let folder = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(Some(f)) = shown.with(|s| s.as_ref().map(|s| s.folder.clone())) {
            folder.set(f);
        }
    });

    let make_key = Action::new_local(move |replace: &bool| {
        let replace = *replace;
        async move {
            api::post::<_, NewRecoveryKey>(
                "/api/backups/recovery-key",
                &RecoveryKeyRequest { replace },
            )
            .await
        }
    });
    Effect::new(move |_| match make_key.value().get() {
        Some(Ok(k)) => {
            new_key.set(Some(k.recovery_key));
            reload.update(|n| *n += 1);
        }
        Some(Err(e)) => errors.set(e),
        None => {}
    });
    let choose = Action::new_local(move |f: &String| {
        let body = BackupFolder { folder: f.clone() };
        async move { api::put::<_, BackupStatus>("/api/backups/folder", &body).await }
    });
    Effect::new(move |_| match choose.value().get() {
        Some(Ok(s)) => shown.set(Some(s)),
        Some(Err(e)) => errors.set(e),
        None => {}
    });
    let now = Action::new_local(move |_: &()| async move {
        api::post::<_, BackupStatus>("/api/backups/now", &serde_json::json!({})).await
    });
    Effect::new(move |_| match now.value().get() {
        Some(Ok(s)) => shown.set(Some(s)),
        Some(Err(e)) => errors.set(e),
        None => {}
    });
    let on_folder = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        errors.clear();
        choose.dispatch(folder.get_untracked());
    };
    let folder_error = errors.for_field("folder");
    let print = move |_| {
        if let Some(w) = web_sys::window() {
            let _ = w.print();
        }
    };

    view! {
        <section class="card" aria-labelledby="backups-heading" data-testid="backups-setting">
            <h2 id="backups-heading">"Backups"</h2>
            {move || shown.get().map(|s| {
                let (text, warns) = said(&s);
                view! {
                    <p class=if warns { "notice notice-error" } else { "notice" }
                        role=if warns { "alert" } else { "status" } data-testid="backup-standing">{text}</p>
                }
            })}
            <ErrorNotice message=errors.general()/>
            {move || new_key.get().map(|key| view! {
                <div class="recovery-key" data-testid="recovery-key-shown">
                    <p><strong>"This is the recovery key. Print this page or copy the key onto paper now, and keep it away from the server (in the office safe, or with the owner)."</strong></p>
                    <p class="recovery-key-text" data-testid="recovery-key">{key}</p>
                    <p>"Without it no backup can be opened, by anyone. Burrow keeps only the half that locks backups, and will not show this again."</p>
                    <div class="actions">
                        <button class="button" type="button" on:click=print>"Print"</button>
                        <button class="button primary" type="button" data-testid="key-put-away"
                            on:click=move |_| new_key.set(None)>"I have put it away"</button>
                    </div>
                </div>
            })}
            {move || shown.get().map(|s| {
                let has_key = s.has_recovery_key;
                view! {
                    <Show when=move || !has_key>
                        <button class="button primary" type="button" data-testid="make-recovery-key"
                            disabled=move || make_key.pending().get()
                            on:click=move |_| { errors.clear(); make_key.dispatch(false); }>
                            "Make the recovery key"
                        </button>
                    </Show>
                    <Show when=move || has_key>
                        <form on:submit=on_folder novalidate>
                            <div class="field" class:field-invalid=move || folder_error.with(Option::is_some)>
                                <label for="field-folder">"Folder on the server for the nightly backups"</label>
                                <p class="hint">"A USB disk or network share mounted on the server, for example /media/backup-disk. A disk other than the server’s own survives the server’s failing."</p>
                                <input id="field-folder" name="folder" type="text" autocomplete="off" spellcheck="false"
                                    bind:value=folder aria-invalid=move || folder_error.with(Option::is_some).to_string()/>
                                <p class="field-error">{move || folder_error.get()}</p>
                            </div>
                            <div class="actions">
                                <button class="button" type="submit" disabled=move || choose.pending().get()>"Save the folder"</button>
                                <button class="button primary" type="button" data-testid="back-up-now"
                                    disabled=move || now.pending().get() || shown.with(|s| s.as_ref().is_none_or(|s| s.folder.is_none()))
                                    on:click=move |_| { errors.clear(); now.dispatch(()); }>
                                    {move || if now.pending().get() { "Backing up…" } else { "Back up now" }}
                                </button>
                            </div>
                        </form>
                        <details class="replace-key">
                            <summary>"Lost the recovery key?"</summary>
                            <p>"Make a new one and put it away. Backups made before still open only with the old key, so keep that too if you find it."</p>
                            <button class="button" type="button" data-testid="replace-recovery-key"
                                disabled=move || make_key.pending().get()
                                on:click=move |_| { errors.clear(); make_key.dispatch(true); }>
                                "Make a new recovery key"
                            </button>
                        </details>
                    </Show>
                }
            })}
        </section>
    }
}
