//! A "wow moment" from home: a few words and, if the parent likes, a photo of their own child.
//! The photo is redrawn through a canvas into a fresh JPEG (so nothing from the phone's camera
//! app, such as where it was taken, goes with it) and kept sealed until the next sync.

use crate::camera::{self, Frame};
use crate::family::notes;
use crate::lock::use_lock;
use crate::store::family::Phone;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

#[component]
pub fn MomentForm(phone: Phone, saved: Callback<()>) -> impl IntoView {
    let lock = use_lock();
    let child = RwSignal::new(phone.children.first().map(|(id, _)| *id));
    let text = RwSignal::new(String::new());
    let file = RwSignal::new_local(None::<web_sys::File>);
    let input = NodeRef::<leptos::html::Input>::new();
    let problem = RwSignal::new(None::<String>);
    let phone_for_send = phone.clone();
    let send = Action::new_local(move |_: &()| {
        let (keys, phone, words, chosen) = (
            lock.keys(),
            phone_for_send.clone(),
            text.get_untracked(),
            child.get_untracked(),
        );
        let picked = file.get_untracked();
        async move {
            let (Some(keys), Some(chosen)) = (keys, chosen) else {
                return Err("Choose which child this moment is about.".to_owned());
            };
            let photo = match picked {
                Some(f) => {
                    let bitmap = camera::decode(&f).await.map_err(|e| e.to_string())?;
                    Some(
                        camera::grab(Frame::Bitmap(&bitmap))
                            .await
                            .map_err(|e| e.to_string())?
                            .jpeg,
                    )
                }
                None => None,
            };
            notes::write(&keys, &phone, chosen, None, &words, photo).await
        }
    });
    Effect::new(move |_| match send.value().get() {
        Some(Ok(())) => {
            text.set(String::new());
            file.set(None);
            if let Some(i) = input.get_untracked() {
                i.set_value("");
            }
            problem.set(None);
            saved.run(());
        }
        Some(Err(e)) => problem.set(Some(e)),
        None => {}
    });
    let on_file = move |ev: leptos::ev::Event| {
        let chosen = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|i| i.files())
            .and_then(|f| f.get(0));
        file.set(chosen);
    };
    let several = phone.children.len() > 1;
    let choices = phone.children.clone();
    view! {
        <section class="card" aria-labelledby="moment-heading">
            <h2 id="moment-heading">"Share a wow moment from home"</h2>
            <p class="muted">"Something your child did at home that the setting would love to know. It stays on this phone until your next visit, then goes to their key person."</p>
            <form on:submit=move |ev| { ev.prevent_default(); send.dispatch(()); }>
                {several.then(|| view! {
                    <fieldset class="field">
                        <legend>"Which child?"</legend>
                        {choices.into_iter().map(|(id, name)| {
                            view! {
                                <label class="choice">
                                    <input type="radio" name="moment-child"
                                        checked=move || child.get() == Some(id)
                                        on:change=move |_| child.set(Some(id))/>
                                    {name}
                                </label>
                            }
                        }).collect_view()}
                    </fieldset>
                })}
                <div class="field">
                    <label for="moment-text">"What happened"</label>
                    <textarea autocomplete="off" id="moment-text" name="moment" rows="3" bind:value=text></textarea>
                </div>
                <div class="field">
                    <label for="moment-photo">"A photo (optional)"</label>
                    <input id="moment-photo" type="file" accept="image/*" node_ref=input on:change=on_file/>
                </div>
                {move || problem.get().map(|m| view! { <p class="notice notice-error" role="alert">{m}</p> })}
                <button class="button primary" type="submit" disabled=move || send.pending().get()>"Save the moment"</button>
            </form>
        </section>
    }
}
