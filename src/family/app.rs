//! The family app's root: a parent's phone, served under /family. It shows only the family's
//! pages, so the staff's screens (validation, the camera, consents, settings) are not in its
//! wasm at all; everything it shows comes from the same library code the staff app uses.
//!
//! Its two screens are chosen from the address here, without leptos_router: two fixed paths need
//! no router, and leaving it out takes a tenth off the phone's first download (P1p).

use crate::auth::Auth;
use crate::family::{ENROL, HOME, is_family_phone};
use crate::lock::Lock;
use crate::pages::family::{FamilyEnrolPage, FamilyPage};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The family app's screens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    /// Unlocking, then the journal (`HOME`).
    Journal,
    /// Setting the phone up (`ENROL`).
    Enrol,
}

impl Screen {
    /// Which screen an address opens. Set-up at its own address, and wherever a phone not yet
    /// set up is sent; any other address is the journal (the app has no other pages).
    pub fn at(path: &str, set_up: bool) -> Screen {
        if path.trim_end_matches('/') == ENROL || !set_up {
            Screen::Enrol
        } else {
            Screen::Journal
        }
    }

    pub fn path(self) -> &'static str {
        match self {
            Screen::Journal => HOME,
            Screen::Enrol => ENROL,
        }
    }
}

/// The screen showing, in context; `go` moves to another.
#[derive(Clone, Copy)]
pub struct FamilyNav(RwSignal<Screen>);

impl FamilyNav {
    /// Shows `screen` in place of this one (the address changes, no new history entry: going
    /// back from the journal after setting up should not set the phone up again).
    pub fn go(self, screen: Screen) {
        replace_address(screen.path());
        self.show(screen);
    }

    /// Shows `screen`, leaving the one showing mounted if it is the same.
    fn show(self, screen: Screen) {
        if self.0.get_untracked() != screen {
            self.0.set(screen);
        }
    }
}

pub fn use_family_nav() -> FamilyNav {
    expect_context()
}

/// The screen for the address the browser is at, with the address corrected to it.
fn screen_here() -> Screen {
    let path = window().location().pathname().unwrap_or_default();
    let screen = Screen::at(&path, is_family_phone());
    if path != screen.path() {
        replace_address(screen.path());
    }
    screen
}

fn replace_address(path: &str) {
    if let Ok(history) = window().history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(path));
    }
}

#[component]
pub fn FamilyApp() -> impl IntoView {
    let auth = Auth::new();
    provide_context(auth);
    provide_context(Lock::new());
    // The setting's name for the enrolment page. A phone at home cannot reach the server, and
    // its journal opens from what it holds, so the screens never wait for this.
    spawn_local(auth.load());
    let screen = RwSignal::new(screen_here());
    let nav = FamilyNav(screen);
    provide_context(nav);
    // Back and forward between addresses someone typed or followed.
    let listener = window_event_listener(leptos::ev::popstate, move |_| nav.show(screen_here()));
    on_cleanup(move || listener.remove());
    view! {
        <main class="app">
            {move || match screen.get() {
                Screen::Journal => view! { <FamilyPage/> }.into_any(),
                Screen::Enrol => view! { <FamilyEnrolPage/> }.into_any(),
            }}
        </main>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phone_set_up_opens_the_journal_anywhere_but_set_up() {
        assert_eq!(Screen::at("/family", true), Screen::Journal);
        assert_eq!(Screen::at("/family/", true), Screen::Journal);
        assert_eq!(Screen::at("/family/anything", true), Screen::Journal);
        assert_eq!(Screen::at("/family/enrol", true), Screen::Enrol);
        assert_eq!(Screen::at("/family/enrol/", true), Screen::Enrol);
    }

    #[test]
    fn a_phone_not_set_up_is_sent_to_set_up() {
        for path in ["/family", "/family/", "/family/enrol", "/family/elsewhere"] {
            assert_eq!(Screen::at(path, false), Screen::Enrol, "{path}");
        }
    }

    #[test]
    fn each_screen_has_its_address() {
        for set_up in [true, false] {
            for screen in [Screen::Journal, Screen::Enrol] {
                if screen == Screen::Journal && !set_up {
                    continue;
                }
                assert_eq!(Screen::at(screen.path(), set_up), screen);
            }
        }
    }
}
