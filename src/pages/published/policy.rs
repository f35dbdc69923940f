//! The setting's policy for social media, as its written policy says it: children may appear
//! with their family's consent, or no child's face may be identifiable (every face masked, and
//! a photo with an unmarked face refused).

use crate::api;
use burrow_core::api::PublishingPolicy;
use burrow_core::publishing::FacesPolicy;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn PolicyChoice(changed: RwSignal<u32>) -> impl IntoView {
    let current = LocalResource::new(|| api::get::<PublishingPolicy>("/api/publishing/policy"));
    let message = RwSignal::new(None::<Result<String, String>>);
    let set = move |policy: FacesPolicy| {
        message.set(None);
        spawn_local(async move {
            match api::put::<_, PublishingPolicy>(
                "/api/publishing/policy",
                &PublishingPolicy {
                    social_media: policy,
                },
            )
            .await
            {
                Ok(_) => {
                    message.set(Some(Ok(
                        "The setting’s social media policy is saved.".into()
                    )));
                    changed.update(|n| *n += 1);
                }
                Err(e) => message.set(Some(Err(e.to_string()))),
            }
        });
    };
    view! {
        {move || current.get().and_then(Result::ok).map(|p| view! {
            <fieldset class="uses" data-testid="social-policy">
                <legend>"The setting’s policy for social media"</legend>
                <ul class="choices">
                    {[FacesPolicy::WithConsent, FacesPolicy::NoIdentifiableFaces].into_iter().map(|f| view! {
                        <li class="choice">
                            <label>
                                <input type="radio" name="faces-policy" value=f.as_str()
                                    prop:checked=p.social_media == f
                                    on:change=move |_| set(f)/>
                                {f.label()}
                            </label>
                        </li>
                    }).collect_view()}
                </ul>
            </fieldset>
        })}
        {move || message.get().map(|m| match m {
            Ok(m) => view! { <p class="notice" role="status">{m}</p> }.into_any(),
            Err(m) => view! { <p class="notice notice-error" role="alert">{m}</p> }.into_any(),
        })}
    }
}
