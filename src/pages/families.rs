//! Families (managers): each parent or carer linked to their own children, whether their phone
//! is set up, and linking a new one, which gives the code their phone enrols with.

use crate::api;
use crate::auth::use_auth;
use crate::components::field::Field;
use crate::components::form_errors::FormErrors;
use crate::components::notice::ErrorNotice;
use crate::components::shell::Shell;
use burrow_core::api::{Child, NewParentRequest, NewParentResponse, Parent};
use burrow_core::dates::format_uk;
use leptos::prelude::*;
use uuid::Uuid;

#[component]
pub fn FamiliesPage() -> impl IntoView {
    let auth = use_auth();
    let reload = RwSignal::new(0u32);
    let invited = RwSignal::new(None::<NewParentResponse>);
    let loaded = LocalResource::new(move || {
        reload.track();
        async move {
            let children = api::get::<Vec<Child>>("/api/children").await?;
            let parents = api::get::<Vec<Parent>>("/api/parents").await?;
            Ok::<_, api::ApiError>((children, parents))
        }
    });
    Effect::new(move |_| {
        if let Some(Err(e)) = loaded.get()
            && e.is_unauthorised()
        {
            auth.session_ended(&e);
        }
    });
    view! {
        <Shell>
            <div class="page-head"><h1>"Families"</h1></div>
            {move || invited.get().map(invite_panel)}
            <Transition fallback=|| view! { <p class="loading">"Loading families…"</p> }>
                {move || loaded.get().map(|r| match r {
                    Err(e) => view! { <p class="notice notice-error" role="alert">{e.to_string()}</p> }.into_any(),
                    Ok((children, parents)) => {
                        let name_of = |id: &Uuid| children.iter().find(|c| c.id == *id).map_or_else(String::new, |c| format!("{} {}", c.first_name, c.surname));
                        view! {
                            <ul class="cards" data-testid="families">
                                {parents.iter().map(|p| {
                                    let kids = p.children.iter().map(name_of).collect::<Vec<_>>().join(", ");
                                    view! { <ParentCard parent=p.clone() kids=kids reload=reload/> }
                                }).collect_view()}
                            </ul>
                            <NewParentForm children=children.clone() on_done=Callback::new(move |added: NewParentResponse| {
                                invited.set(Some(added));
                                reload.update(|n| *n += 1);
                            })/>
                        }.into_any()
                    }
                })}
            </Transition>
        </Shell>
    }
}

/// One parent or carer, and withdrawing their access (asked twice).
#[component]
fn ParentCard(parent: Parent, kids: String, reload: RwSignal<u32>) -> impl IntoView {
    let asking = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let id = parent.id;
    let withdraw = Action::new_local(move |_: &()| async move {
        api::post_done(
            &format!("/api/parents/{id}/withdraw"),
            &serde_json::json!({}),
        )
        .await
    });
    Effect::new(move |_| match withdraw.value().get() {
        Some(Ok(())) => reload.update(|n| *n += 1),
        Some(Err(e)) => problem.set(Some(e.to_string())),
        None => {}
    });
    let phone = if parent.enrolled {
        "phone set up"
    } else {
        "phone not set up yet"
    };
    let name = parent.name.clone();
    view! {
        <li class="card" data-testid="family">
            <p>{format!("{} · {kids} · {phone}", parent.name)}</p>
            <Show when=move || asking.get() fallback=move || view! {
                <button class="button quiet" on:click=move |_| asking.set(true)>"Withdraw access"</button>
            }>
                <p>{format!("Withdraw {name}’s access? Their code stops working, and their phone clears the journal the next time it reaches the setting.")}</p>
                <button class="button danger" on:click=move |_| { withdraw.dispatch(()); }>"Yes, withdraw access"</button>
                <button class="button quiet" on:click=move |_| asking.set(false)>"Keep access"</button>
            </Show>
            <ErrorNotice message=problem/>
        </li>
    }
}

/// The code is shown once: the server keeps only its hash.
fn invite_panel(added: NewParentResponse) -> impl IntoView {
    let until = format_uk(added.invite_expires.date_naive());
    view! {
        <section class="card invite" role="status" data-testid="family-invite">
            <h2>{format!("{} is linked", added.parent.name)}</h2>
            <p>"Give them this code and this address. On their own phone, on the setting’s Wi-Fi, they open the address (or Burrow’s front page, and choose “Follow your child’s journal on your own phone”)."</p>
            <p class="address" data-testid="family-address">{family_address()}</p>
            <p class="code">{added.invite_code}</p>
            <p class="muted">{format!("It works once, until {until}. Burrow will not show it again.")}</p>
        </section>
    }
}

/// Where a parent's phone opens its own app: this server's address, /family.
fn family_address() -> String {
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    format!("{origin}{}", crate::family::HOME)
}

#[component]
fn NewParentForm(children: Vec<Child>, on_done: Callback<NewParentResponse>) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let chosen = RwSignal::new(Vec::<Uuid>::new());
    let errors = FormErrors::new(&["name", "children"]);
    let submit = Action::new_local(move |req: &NewParentRequest| {
        let req = req.clone();
        async move { api::post::<_, NewParentResponse>("/api/parents", &req).await }
    });
    Effect::new(move |_| match submit.value().get() {
        Some(Ok(added)) => {
            name.set(String::new());
            chosen.set(Vec::new());
            on_done.run(added);
        }
        Some(Err(e)) => errors.set(e),
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        errors.clear();
        submit.dispatch(NewParentRequest {
            name: name.get_untracked(),
            children: chosen.get_untracked(),
        });
    };
    view! {
        <section class="card" aria-labelledby="new-parent">
            <h2 id="new-parent">"Link a parent or carer"</h2>
            <p class="muted">"They will see only these children’s published entries, on their own phone."</p>
            <form on:submit=on_submit novalidate>
                <ErrorNotice message=errors.general()/>
                <Field label="Their name" name="name" value=name autocomplete="off" error=errors.for_field("name")/>
                <fieldset class="field" data-testid="parent-children">
                    <legend>"Their children"</legend>
                    {children.into_iter().map(|c| {
                        let id = c.id;
                        view! {
                            <label class="choice">
                                <input type="checkbox"
                                    prop:checked=move || chosen.with(|v| v.contains(&id))
                                    on:change=move |_| chosen.update(|v| if let Some(i) = v.iter().position(|x| *x == id) { v.remove(i); } else { v.push(id); })/>
                                {format!("{} {}", c.first_name, c.surname)}
                            </label>
                        }
                    }).collect_view()}
                    <p class="field-error">{move || errors.for_field("children").get()}</p>
                </fieldset>
                <button class="button primary" type="submit" disabled=move || submit.pending().get()>"Link and make a code"</button>
            </form>
        </section>
    }
}
