//! Saving as someone types: a save starts at once if none is running; otherwise one more runs
//! when the current one ends. Saves never overlap, and the last change is always written.

use leptos::prelude::*;
use leptos::task::spawn_local;
use std::fmt::Display;
use std::future::Future;

/// What the person reads after a save on this tablet; `done` opens the sentence.
pub fn saved_note<E: Display>(result: &Result<(), E>, done: &str) -> Result<String, String> {
    match result {
        Ok(()) => Ok(format!(
            "{done} at {}.",
            chrono::Local::now().format("%H:%M")
        )),
        Err(e) => Err(format!(
            "Not saved on this tablet: {e}. What you wrote is still here; Burrow will try again as you type."
        )),
    }
}

#[derive(Clone, Copy)]
pub struct Autosave {
    saving: StoredValue<bool>,
    again: StoredValue<bool>,
}

impl Autosave {
    pub fn new() -> Autosave {
        Autosave {
            saving: StoredValue::new(false),
            again: StoredValue::new(false),
        }
    }

    /// A save is running (or about to run again).
    pub fn busy(self) -> bool {
        self.saving.try_get_value().unwrap_or(false)
    }

    /// Asks for a save. `save` reads what is on screen when it runs, so a save that waited
    /// writes the latest change.
    pub fn request<F, Fut>(self, save: F)
    where
        F: Fn() -> Fut + 'static,
        Fut: Future<Output = ()> + 'static,
    {
        if self.saving.get_value() {
            self.again.set_value(true);
            return;
        }
        self.saving.set_value(true);
        spawn_local(async move {
            loop {
                // The page may have closed while a save ran: its flags are gone with it.
                if self.again.try_set_value(false).is_some() {
                    break;
                }
                save().await;
                if !self.again.try_get_value().unwrap_or(false) {
                    break;
                }
            }
            self.saving.try_set_value(false);
        });
    }
}

impl Default for Autosave {
    fn default() -> Self {
        Autosave::new()
    }
}
