//! The staff list, and (for managers) adding a member of staff with an invite code.

use crate::api;
use crate::auth::use_auth;
use crate::components::field::Field;
use crate::components::form_errors::FormErrors;
use crate::components::notice::ErrorNotice;
use crate::components::shell::Shell;
use burrow_core::api::{NewStaffRequest, NewStaffResponse, StaffMember};
use burrow_core::dates::format_uk;
use burrow_core::staff::Role;
use leptos::prelude::*;

#[component]
pub fn StaffPage() -> impl IntoView {
    let auth = use_auth();
    let reload = RwSignal::new(0u32);
    let adding = RwSignal::new(false);
    let invited = RwSignal::new(None::<NewStaffResponse>);
    let staff = LocalResource::new(move || {
        reload.track();
        api::get::<Vec<StaffMember>>("/api/staff")
    });
    Effect::new(move |_| {
        if let Some(Err(e)) = staff.get()
            && e.is_unauthorised()
        {
            auth.session_ended(&e);
        }
    });
    let list = move || {
        staff.get().map(|result| match result {
            Ok(list) => {
                let me = auth.session.with_untracked(|s| s.as_ref().map(|s| (s.staff.id, s.staff.role)));
                // A leaver's deleted account stays on the server for the records that name it.
                let list = list.into_iter().filter(|m| !m.deleted);
                view! { <ul class="cards" data-testid="staff-list">{list.map(|m| staff_card(m, me, reload)).collect_view()}</ul> }.into_any()
            }
            Err(e) => view! { <p class="notice notice-error" role="alert">{e.to_string()}</p> }.into_any(),
        })
    };
    view! {
        <Shell>
            <div class="page-head">
                <h1>"Staff"</h1>
                <Show when=move || auth.may_manage() && !adding.get()>
                    <button class="button primary" on:click=move |_| { invited.set(None); adding.set(true) }>"Add a member of staff"</button>
                </Show>
            </div>
            {move || invited.get().map(invite_panel)}
            <Show when=move || adding.get()>
                <NewStaffForm on_done=Callback::new(move |added: Option<NewStaffResponse>| {
                    adding.set(false);
                    if added.is_some() {
                        reload.update(|n| *n += 1);
                    }
                    invited.set(added);
                })/>
            </Show>
            <Transition fallback=|| view! { <p class="loading">"Loading staff…"</p> }>{list}</Transition>
            <Show when=move || auth.may_manage()>{tablet_help()}</Show>
        </Shell>
    }
}

/// Tablets reach the server over HTTPS with the setting's own certificate authority, which each
/// tablet must trust once.
fn tablet_help() -> impl IntoView {
    view! {
        <section class="card tablet-help">
            <h2>"Setting up a new tablet"</h2>
            <ol>
                <li>"On the tablet, open this page’s address and "
                    <a href="/burrow-ca.crt" download="burrow-setting-ca.crt">"download the setting certificate"</a>"."</li>
                <li>"Install it. On Android: Settings → Security → Encryption and credentials → Install a certificate → CA certificate. On an iPad: Settings → Profile Downloaded → Install, then Settings → General → About → Certificate Trust Settings."</li>
                <li>"Open Burrow at the setting’s network address the server showed when it started (it begins with https://), and add it to the home screen."</li>
            </ol>
        </section>
    }
}

/// One member of staff. A manager (or a deputy, for practitioners) may remove someone's access,
/// asked twice: it ends their sessions at once and tablets forget them at their next sync.
fn staff_card(
    member: StaffMember,
    me: Option<(uuid::Uuid, Role)>,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let id = member.id;
    let may_remove = me.is_some_and(|(my_id, my_role)| {
        my_id != id
            && !member.removed
            && my_role.may_manage_setting()
            && (my_role == Role::Manager || !member.role.may_manage_setting())
    });
    let manager_here = me.is_some_and(|(my_id, my_role)| my_id != id && my_role == Role::Manager);
    let may_change_role = manager_here && !member.removed;
    let may_delete = manager_here && member.removed;
    let asking = RwSignal::new(false);
    let asking_delete = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let new_role = RwSignal::new(member.role.as_str().to_owned());
    let name = member.name.clone();
    let delete_name = member.name.clone();
    let change_role = move |_| {
        let Some(role) = Role::parse(&new_role.get_untracked()) else {
            return;
        };
        leptos::task::spawn_local(async move {
            match api::post::<_, StaffMember>(
                &format!("/api/staff/{id}/role"),
                &burrow_core::api::RoleChange { role },
            )
            .await
            {
                Ok(_) => {
                    problem.try_set(None);
                    reload.try_update(|n| *n += 1);
                }
                Err(e) => {
                    problem.try_set(Some(e.to_string()));
                }
            }
        });
    };
    let delete = move |_| {
        leptos::task::spawn_local(async move {
            match api::delete(&format!("/api/staff/{id}")).await {
                Ok(()) => {
                    problem.try_set(None);
                    reload.try_update(|n| *n += 1);
                }
                Err(e) => {
                    problem.try_set(Some(e.to_string()));
                }
            }
        });
    };
    let remove = move |_| {
        leptos::task::spawn_local(async move {
            match api::post::<_, StaffMember>(
                &format!("/api/staff/{id}/remove"),
                &serde_json::json!({}),
            )
            .await
            {
                Ok(_) => {
                    problem.try_set(None);
                    reload.try_update(|n| *n += 1);
                }
                Err(e) => {
                    problem.try_set(Some(e.to_string()));
                }
            }
        });
    };
    view! {
        <li class="card staff" data-testid="staff-member">
            <h2>{member.name}</h2>
            <p>{member.role.label()}</p>
            {(!member.has_signed_in && !member.removed).then(|| view! { <p class="badge">"Has not chosen a passphrase yet"</p> })}
            {member.removed.then(|| view! { <p class="badge">"Access removed"</p> })}
            {may_change_role.then(|| view! {
                <div class="field role-change">
                    <label for=format!("role-{id}")>"Role"</label>
                    <select id=format!("role-{id}") bind:value=new_role>
                        {[Role::Manager, Role::Deputy, Role::Practitioner].into_iter().map(|r| view! { <option value=r.as_str()>{r.label()}</option> }).collect_view()}
                    </select>
                    <button class="button quiet" on:click=change_role>"Change role"</button>
                </div>
            })}
            {may_delete.then(|| view! {
                <Show when=move || asking_delete.get() fallback=move || view! {
                    <button class="button quiet" on:click=move |_| asking_delete.set(true)>"Delete their account"</button>
                }>
                    <p>{format!("Delete {delete_name}’s account? Their name leaves Burrow; their observations stay, and the audit log keeps what they did.")}</p>
                    <button class="button danger" on:click=delete>"Yes, delete the account"</button>
                    <button class="button quiet" on:click=move |_| asking_delete.set(false)>"Keep it"</button>
                </Show>
            })}
            {may_remove.then(|| view! {
                <Show when=move || asking.get() fallback=move || view! {
                    <button class="button quiet" on:click=move |_| asking.set(true)>"Remove access"</button>
                }>
                    <p>{format!("Remove {name}’s access? They are signed out everywhere at once; tablets stop unlocking for them when they next sync. Their observations stay.", )}</p>
                    <button class="button danger" on:click=remove>"Yes, remove access"</button>
                    <button class="button quiet" on:click=move |_| asking.set(false)>"Keep access"</button>
                </Show>
            })}
            <ErrorNotice message=problem/>
        </li>
    }
}

/// The code is shown once, here: the server keeps only its hash.
fn invite_panel(added: NewStaffResponse) -> impl IntoView {
    let until = format_uk(added.invite_expires.date_naive());
    view! {
        <section class="card invite" role="status" data-testid="invite">
            <h2>{format!("{} has been added", added.staff.name)}</h2>
            <p>"Give them this invite code. They choose their passphrase with it under “New here?” on the sign-in screen."</p>
            <p class="code">{added.invite_code}</p>
            <p class="muted">{format!("It works once, until {until}. Burrow will not show it again.")}</p>
        </section>
    }
}

#[component]
fn NewStaffForm(on_done: Callback<Option<NewStaffResponse>>) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Practitioner.as_str().to_owned());
    let errors = FormErrors::new(&["name", "role"]);
    let submit = Action::new_local(move |req: &NewStaffRequest| {
        let req = req.clone();
        async move { api::post::<_, NewStaffResponse>("/api/staff", &req).await }
    });
    Effect::new(move |_| match submit.value().get() {
        Some(Ok(added)) => on_done.run(Some(added)),
        Some(Err(e)) => errors.set(e),
        None => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        errors.clear();
        let role = Role::parse(&role.get_untracked()).unwrap_or(Role::Practitioner);
        submit.dispatch(NewStaffRequest {
            name: name.get_untracked(),
            role,
        });
    };
    let role_error = errors.for_field("role");
    view! {
        <section class="card form-card">
            <h2>"Add a member of staff"</h2>
            <form on:submit=on_submit novalidate>
                <ErrorNotice message=errors.general()/>
                <Field label="Name" name="name" value=name autocomplete="off" hint="As they will type it when they sign in." error=errors.for_field("name")/>
                <div class="field">
                    <label for="field-role">"Role"</label>
                    <select id="field-role" name="role" bind:value=role>
                        <option value=Role::Practitioner.as_str()>{Role::Practitioner.label()}</option>
                        <option value=Role::Deputy.as_str()>{Role::Deputy.label()}</option>
                    </select>
                    <p class="field-error">{move || role_error.get()}</p>
                </div>
                <div class="actions">
                    <button class="button primary" type="submit" disabled=move || submit.pending().get()>
                        {move || if submit.pending().get() { "Adding…" } else { "Add" }}
                    </button>
                    <button class="button quiet" type="button" on:click=move |_| on_done.run(None)>"Cancel"</button>
                </div>
            </form>
        </section>
    }
}
