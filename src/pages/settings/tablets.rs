//! The setting's tablets, for managers and deputies: approve a waiting tablet with the code it
//! shows and a name, or remove one (it is told to wipe itself at its next contact).

use crate::api;
use crate::components::form_errors::FormErrors;
use crate::components::notice::ErrorNotice;
use burrow_core::dates::format_uk;
use burrow_core::device::{ApproveRequest, Device, DeviceStatus};
use leptos::prelude::*;
use leptos::task::spawn_local;

#[component]
pub fn Tablets(
    /// Moves when the list should be read again (this tablet asked to enrol).
    reload: RwSignal<u32>,
) -> impl IntoView {
    let devices = LocalResource::new(move || {
        reload.track();
        api::get::<Vec<Device>>("/api/devices")
    });
    let list = move || {
        devices.get().map(|r| match r {
            Ok(all) if all.is_empty() => view! { <p class="muted">"No tablet has asked to enrol yet."</p> }.into_any(),
            Ok(all) => view! {
                <ul class="plain" data-testid="tablets">
                    {all.into_iter().map(|d| view! { <TabletRow device=d reload=reload/> }).collect_view()}
                </ul>
            }.into_any(),
            Err(e) => view! { <p class="notice notice-error" role="alert">{e.to_string()}</p> }.into_any(),
        })
    };
    view! {
        <section class="card">
            <h2>"Tablets"</h2>
            <Transition fallback=|| view! { <p class="loading">"Loading tablets…"</p> }>{list}</Transition>
        </section>
    }
}

#[component]
fn TabletRow(device: Device, reload: RwSignal<u32>) -> impl IntoView {
    let id = device.id;
    let code = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let errors = FormErrors::new(&["code", "name"]);
    let error = errors.error;
    let approve = move |_| {
        let req = ApproveRequest {
            code: code.get_untracked(),
            name: name.get_untracked(),
        };
        spawn_local(async move {
            match api::post::<_, Device>(&format!("/api/devices/{id}/approve"), &req).await {
                Ok(_) => reload.update(|n| *n += 1),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let remove = move |_| {
        spawn_local(async move {
            match api::post::<_, Device>(&format!("/api/devices/{id}/revoke"), &()).await {
                Ok(_) => reload.update(|n| *n += 1),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let asked = device.requested_at.format("%d/%m/%Y %H:%M").to_string();
    let body = match device.status {
        DeviceStatus::Pending => view! {
            <p><strong>"A tablet waiting for approval"</strong><span class="muted">{format!(" · asked {asked}")}</span></p>
            <div class="field">
                <label for=format!("code-{id}")>"Code shown on the tablet"</label>
                <input id=format!("code-{id}") autocomplete="off" on:input=move |ev| code.set(event_target_value(&ev))/>
                <p class="field-error">{move || errors.for_field("code").get()}</p>
            </div>
            <div class="field">
                <label for=format!("name-{id}")>"Name for this tablet"</label>
                <input id=format!("name-{id}") placeholder="Room 2 tablet" on:input=move |ev| name.set(event_target_value(&ev))/>
                <p class="field-error">{move || errors.for_field("name").get()}</p>
            </div>
            <button type="button" class="button primary" on:click=approve>"Approve this tablet"</button>
        }.into_any(),
        DeviceStatus::Enrolled => {
            // What it said it holds at its last sync: counts and dates, never a name.
            let holds = match &device.holdings {
                Some(r) => format!(
                    "At its last sync ({} {}): {}",
                    format_uk(r.at.with_timezone(&chrono::Local).date_naive()),
                    r.at.with_timezone(&chrono::Local).format("%H:%M"),
                    burrow_core::holdings::describe(&r.holdings)
                ),
                None => "It has not said what it holds yet: it will at its next sync.".into(),
            };
            view! {
                <p><strong>{device.name.clone().unwrap_or_default()}</strong><span class="muted">" · enrolled"</span></p>
                <p class="hint" data-testid="tablet-holds">{holds}</p>
                {device.outing.map(|o| {
                    let with = if o.children == 1 { "1 child".to_owned() } else { format!("{} children", o.children) };
                    view! {
                        <p class="badge" data-testid="tablet-outing">{format!(
                            "On an outing since {} {}, with {with}",
                            format_uk(o.since.with_timezone(&chrono::Local).date_naive()),
                            o.since.with_timezone(&chrono::Local).format("%H:%M"),
                        )}</p>
                    }
                })}
                <button type="button" class="button" on:click=remove>"Remove this tablet"</button>
            }.into_any()
        }
        DeviceStatus::Revoked => view! {
            <p><strong>{device.name.clone().unwrap_or_else(|| "A tablet".into())}</strong><span class="muted">" · removed"</span></p>
        }.into_any(),
    };
    view! {
        <li class="tablet" data-status=device.status.as_str()>
            <ErrorNotice message=errors.general()/>
            {body}
        </li>
    }
}
