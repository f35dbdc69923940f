//! Published (managers and deputies): photos from the journals used on a display, the website
//! or social media (issue 21). Choose where, then a photo: the server checks every child in it
//! through core::publishing and says which child stops it and why. Below, everything used, with
//! its file (no metadata, no child's name) and caption, and anything that may no longer be used
//! since a family changed their answer, to take down and record.

mod choose;
mod policy;
mod used;

use crate::auth::use_auth;
use crate::components::shell::Shell;
use burrow_core::publishing::Use;
use leptos::prelude::*;

#[component]
pub fn PublishedPage() -> impl IntoView {
    let auth = use_auth();
    let used_for = RwSignal::new(Use::Display);
    // Bumped when a photo is chosen or taken down, so both lists read the server again.
    let changed = RwSignal::new(0u32);
    view! {
        <Shell>
            <div class="page-head"><h1>"Published"</h1></div>
            <Show
                when=move || auth.may_manage()
                fallback=|| view! { <p class="notice">"Only a manager or deputy chooses photos to use beyond the journals."</p> }
            >
                <p class="muted intro">"Photos from the journals used on a display in the setting, on the website or on social media. Each child in a photo needs their family’s consent for that use; Burrow checks every one, and the file leaves with no child’s name in it."</p>
                <used::UsedList changed=changed/>
                <section class="card" aria-labelledby="choose-heading">
                    <h2 id="choose-heading">"Choose a photo"</h2>
                    <fieldset class="uses">
                        <legend>"Where will it be used?"</legend>
                        <ul class="choices">
                            {Use::ALL.into_iter().map(|u| view! {
                                <li class="choice">
                                    <label>
                                        <input type="radio" name="used-for" value=u.as_str()
                                            prop:checked=move || used_for.get() == u
                                            on:change=move |_| used_for.set(u)/>
                                        {u.title()}
                                    </label>
                                </li>
                            }).collect_view()}
                        </ul>
                    </fieldset>
                    {move || (used_for.get() == Use::SocialMedia).then(|| view! { <policy::PolicyChoice changed=changed/> })}
                    <choose::Candidates used_for=used_for changed=changed/>
                </section>
            </Show>
        </Shell>
    }
}

/// The children in a photo, as a manager reads them: "Ava and Maya".
pub(crate) fn names(children: &[String]) -> String {
    match children {
        [] => "No child named".into(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}
