//! A new passphrase and its confirmation, checked as the person types with core's rule, the
//! same one the server applies.

use burrow_core::passphrase;
use leptos::prelude::*;

/// `personal` holds the names around this person (theirs, the setting's), which the rule refuses.
#[component]
pub fn NewPassphrase(
    value: RwSignal<String>,
    confirm: RwSignal<String>,
    #[prop(into)] personal: Signal<Vec<String>>,
    #[prop(into, optional)] error: Signal<Option<String>>,
) -> impl IntoView {
    let verdict = Memo::new(move |_| {
        let p = value.get();
        if p.is_empty() {
            return None;
        }
        let words = personal.get();
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        Some(passphrase::check(&p, &words).map_err(|w| w.to_string()))
    });
    let mismatch = move || {
        let c = confirm.get();
        (!c.is_empty() && c != value.get()).then_some("The two passphrases are different.")
    };
    view! {
        <div class="field" class:field-invalid=move || error.with(Option::is_some)>
            <label for="field-passphrase">"Passphrase"</label>
            <p class="hint">"At least 12 characters. Three random words work well, such as “puffin ladder velvet”."</p>
            <input id="field-passphrase" name="passphrase" type="password" autocomplete="new-password" bind:value=value/>
            <p class="field-error" aria-live="polite">
                {move || match verdict.get() {
                    Some(Err(reason)) => Some(view! { <span>{reason}</span> }.into_any()),
                    Some(Ok(())) => Some(view! { <span class="ok">"Strong enough."</span> }.into_any()),
                    None => None,
                }}
                {move || error.get()}
            </p>
        </div>
        <div class="field" class:field-invalid=move || mismatch().is_some()>
            <label for="field-confirm">"Passphrase again"</label>
            <input id="field-confirm" name="confirm" type="password" autocomplete="new-password" bind:value=confirm/>
            <p class="field-error">{mismatch}</p>
        </div>
    }
}

/// True when the passphrase passes the rule and both copies match: the form may be sent.
pub fn ready(value: &str, confirm: &str, personal: &[&str]) -> bool {
    value == confirm && passphrase::check(value, personal).is_ok()
}

#[cfg(all(test, target_arch = "wasm32"))]
mod tests {
    use super::*;
    use wasm_bindgen::JsCast;
    use wasm_bindgen_test::*;

    wasm_bindgen_test_configure!(run_in_browser);

    async fn next_tick() {
        let promise = js_sys::Promise::new(&mut |resolve, _| {
            let _ = web_sys::window()
                .unwrap()
                .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 10);
        });
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    }

    fn type_into(id: &str, text: &str) {
        let doc = web_sys::window().unwrap().document().unwrap();
        let input: web_sys::HtmlInputElement =
            doc.get_element_by_id(id).unwrap().dyn_into().unwrap();
        input.set_value(text);
        input
            .dispatch_event(&web_sys::Event::new("input").unwrap())
            .unwrap();
    }

    fn text_of_page() -> String {
        web_sys::window()
            .unwrap()
            .document()
            .unwrap()
            .body()
            .unwrap()
            .text_content()
            .unwrap_or_default()
    }

    #[wasm_bindgen_test]
    async fn typing_a_weak_passphrase_shows_why_and_a_strong_one_says_so() {
        let value = RwSignal::new(String::new());
        let confirm = RwSignal::new(String::new());
        let personal = Signal::derive(|| vec!["Jo Bloggs".to_owned(), "Little Acorns".to_owned()]);
        let parent = web_sys::window()
            .unwrap()
            .document()
            .unwrap()
            .create_element("div")
            .unwrap();
        web_sys::window()
            .unwrap()
            .document()
            .unwrap()
            .body()
            .unwrap()
            .append_child(&parent)
            .unwrap();
        let _handle = leptos::mount::mount_to(parent.unchecked_into(), move || {
            view! { <NewPassphrase value=value confirm=confirm personal=personal/> }
        });

        type_into("field-passphrase", "acorns");
        next_tick().await;
        assert_eq!(value.get_untracked(), "acorns");
        assert!(
            text_of_page().contains("Use at least 12 characters"),
            "{}",
            text_of_page()
        );

        type_into("field-passphrase", "little acorns rule ok");
        next_tick().await;
        assert!(text_of_page().contains("Don’t use your own name or the setting’s name"));

        type_into("field-passphrase", "teapot river lantern");
        type_into("field-confirm", "teapot river lanterns");
        next_tick().await;
        assert!(text_of_page().contains("Strong enough."));
        assert!(text_of_page().contains("The two passphrases are different."));
        assert!(!ready(
            &value.get_untracked(),
            &confirm.get_untracked(),
            &["Jo Bloggs"]
        ));

        type_into("field-confirm", "teapot river lantern");
        next_tick().await;
        assert!(!text_of_page().contains("The two passphrases are different."));
        assert!(ready(
            &value.get_untracked(),
            &confirm.get_untracked(),
            &["Jo Bloggs"]
        ));
    }
}
