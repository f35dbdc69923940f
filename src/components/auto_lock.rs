//! Locks the tablet by itself: after the setting's idle time without a touch, and when Burrow
//! has been out of sight (another app, the screen off) for longer than a minute.

use crate::lock::use_lock;
use burrow_core::lock::HIDDEN_LOCK_AFTER_SECONDS;
use leptos::prelude::*;
use leptos_use_document_visibility::use_document_visibility;
use leptos_use_idle::{UseIdleReturn, use_idle};
use std::time::Duration;
use web_sys::VisibilityState;

fn minutes_label(seconds: u32) -> String {
    match seconds {
        s if s < 60 => format!("{s} seconds"),
        60..=119 => "1 minute".into(),
        s => format!("{} minutes", s / 60),
    }
}

/// Mounted inside every unlocked screen; `seconds` is the setting's idle-lock time.
#[component]
pub fn AutoLock(seconds: u32) -> impl IntoView {
    let lock = use_lock();
    let UseIdleReturn { idle, .. } = use_idle(u64::from(seconds) * 1000);
    Effect::new(move |_| {
        if idle.get() {
            lock.lock(format!(
                "Burrow locked itself after {} without use.",
                minutes_label(seconds)
            ));
        }
    });

    let visibility = use_document_visibility();
    let hidden_since = StoredValue::new(None::<f64>);
    let put_away = move || {
        lock.lock("Burrow locked itself while it was put away.");
    };
    Effect::new(move |_| match visibility.get() {
        VisibilityState::Hidden => {
            let now = js_sys::Date::now();
            hidden_since.set_value(Some(now));
            // Timers in hidden pages are slowed, not stopped; the check on return backs this up.
            set_timeout(
                move || {
                    if hidden_since.get_value() == Some(now) {
                        put_away();
                    }
                },
                Duration::from_secs(u64::from(HIDDEN_LOCK_AFTER_SECONDS)),
            );
        }
        _ => {
            if let Some(since) = hidden_since.get_value() {
                hidden_since.set_value(None);
                if js_sys::Date::now() - since >= f64::from(HIDDEN_LOCK_AFTER_SECONDS) * 1000.0 {
                    put_away();
                }
            }
        }
    });
}
