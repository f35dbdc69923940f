//! Saving as someone types: a save starts at once if none is running; otherwise one more runs
//! when the current one ends. Saves never overlap, and the last change is always written. Other
//! writes of the same record (submitting, adding a photo) queue behind the save with `then`.

use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::VecDeque;
use std::fmt::Display;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

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

/// A piece of work that must not overlap a save (submitting, adding a photo).
type Task = Pin<Box<dyn Future<Output = ()>>>;
type Save = Rc<dyn Fn() -> Task>;

#[derive(Clone, Copy)]
pub struct Autosave {
    saving: StoredValue<bool>,
    again: StoredValue<bool>,
    /// The page's save, kept so a save asked for while other work ran still happens.
    save: StoredValue<Option<Save>, LocalStorage>,
    /// Work asked for with `then`, in order, each when no save is running or waiting.
    after: StoredValue<VecDeque<Task>, LocalStorage>,
}

impl Autosave {
    pub fn new() -> Autosave {
        Autosave {
            saving: StoredValue::new(false),
            again: StoredValue::new(false),
            save: StoredValue::new_local(None),
            after: StoredValue::new_local(VecDeque::new()),
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
        let save: Save = Rc::new(move || Box::pin(save()));
        self.save.try_set_value(Some(save));
        self.again.try_set_value(true);
        self.run();
    }

    /// Runs `task` once no save is under way or waiting (saves go first: they write what is on
    /// screen). Two writes of one record made at once would both claim its next version, and
    /// the server would refuse the second as changed elsewhere.
    pub fn then<Fut>(self, task: Fut)
    where
        Fut: Future<Output = ()> + 'static,
    {
        self.after.try_update_value(|q| q.push_back(Box::pin(task)));
        self.run();
    }

    fn run(self) {
        if self.saving.get_value() {
            return;
        }
        self.saving.set_value(true);
        spawn_local(async move {
            // The page may have closed while a save ran: its values are gone with it.
            while let Some(again) = self.again.try_get_value() {
                if again {
                    self.again.try_set_value(false);
                    let save = self.save.try_with_value(|s| s.clone()).flatten();
                    if let Some(save) = save {
                        save().await;
                    }
                    continue;
                }
                let next = self.after.try_update_value(|q| q.pop_front()).flatten();
                match next {
                    Some(task) => task.await,
                    None => break,
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

#[cfg(all(test, target_arch = "wasm32"))]
mod tests {
    use super::*;
    use std::cell::RefCell;
    use wasm_bindgen_test::*;

    wasm_bindgen_test_configure!(run_in_browser);

    async fn wait(ms: i32) {
        let promise = js_sys::Promise::new(&mut |resolve, _| {
            let _ = web_sys::window()
                .unwrap()
                .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        });
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    }

    /// Submitting while a save is under way waits for it, and a keystroke made meanwhile is
    /// still saved, after: no two writes overlap (they would claim one version).
    #[wasm_bindgen_test]
    async fn work_asked_for_during_a_save_runs_after_it_and_later_saves_still_happen() {
        // The app's start() does this; a test starts the executor itself.
        let _ = any_spawner::Executor::init_wasm_bindgen();
        let log = Rc::new(RefCell::new(Vec::<String>::new()));
        let running = Rc::new(RefCell::new(0));
        let autosave = Autosave::new();
        let save = {
            let (log, running) = (log.clone(), running.clone());
            move || {
                let (log, running) = (log.clone(), running.clone());
                async move {
                    *running.borrow_mut() += 1;
                    assert_eq!(*running.borrow(), 1, "two writes overlapped");
                    wait(30).await;
                    log.borrow_mut().push("save".into());
                    *running.borrow_mut() -= 1;
                }
            }
        };
        autosave.request(save.clone());
        // The first save is under way (two asked for before it starts are one save).
        wait(5).await;
        let (l, r) = (log.clone(), running.clone());
        autosave.then(async move {
            assert_eq!(*r.borrow(), 0, "submitted during a save");
            l.borrow_mut().push("submit".into());
        });
        autosave.request(save);
        for _ in 0..100 {
            if !autosave.busy() {
                break;
            }
            wait(10).await;
        }
        assert!(!autosave.busy());
        assert_eq!(*log.borrow(), ["save", "save", "submit"]);
    }
}
