//! Marking faces on a group photo (issue 7 part 5): the key person drags a rectangle over each
//! child's face. The setting's server then gives each family its own copy, with the faces of
//! children whose parents did not agree to other children's journals blurred. Saved as the photo
//! record's next version, which sync sends like any other change.

use crate::lock::use_lock;
use crate::store::{photos, tablet};
use burrow_core::photo::{FaceRegion, PhotoRecord, check_regions};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

/// A child in the photo, as this screen needs them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaceChild {
    pub id: Uuid,
    pub first_name: String,
    /// Their parent's answer for appearing in other children's journals stands today.
    pub other_journals: bool,
}

/// The first child in the list without a marked face, else the first child.
fn next_to_mark(children: &[FaceChild], regions: &[FaceRegion]) -> Option<Uuid> {
    children
        .iter()
        .find(|c| !regions.iter().any(|r| r.child == c.id))
        .or(children.first())
        .map(|c| c.id)
}

/// A rectangle over the photo, in percentages of it, for CSS.
fn place(r: &FaceRegion) -> String {
    let pc = |v: u16| f64::from(v) / 100.0;
    format!(
        "left:{}%;top:{}%;width:{}%;height:{}%",
        pc(r.x),
        pc(r.y),
        pc(r.w),
        pc(r.h)
    )
}

#[component]
pub fn MarkFaces(
    record: PhotoRecord,
    /// The full-size picture, as a memory-only object URL.
    url: String,
    children: Vec<FaceChild>,
    on_saved: Callback<PhotoRecord>,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let lock = use_lock();
    let regions = RwSignal::new(record.regions.clone());
    let marking = RwSignal::new(next_to_mark(&children, &record.regions));
    let drag = RwSignal::new(None::<((f64, f64), (f64, f64))>);
    let problem = RwSignal::new(None::<String>);
    let saving = RwSignal::new(false);
    let area = NodeRef::<leptos::html::Div>::new();
    let children = StoredValue::new(children);
    let name_of = move |id: Uuid| {
        children.with_value(|cs| {
            cs.iter()
                .find(|c| c.id == id)
                .map(|c| c.first_name.clone())
                .unwrap_or_default()
        })
    };

    // Where the pointer is, in fractions of the picture.
    let point = move |ev: &web_sys::PointerEvent| -> Option<(f64, f64)> {
        let rect = area.get_untracked()?.get_bounding_client_rect();
        (rect.width() > 0.0 && rect.height() > 0.0).then(|| {
            (
                (f64::from(ev.client_x()) - rect.left()) / rect.width(),
                (f64::from(ev.client_y()) - rect.top()) / rect.height(),
            )
        })
    };
    let down = move |ev: web_sys::PointerEvent| {
        if marking.get_untracked().is_none() {
            return;
        }
        if let Some(p) = point(&ev) {
            ev.prevent_default();
            if let Some(el) = area.get_untracked() {
                let _ = el.set_pointer_capture(ev.pointer_id());
            }
            drag.set(Some((p, p)));
        }
    };
    let moved = move |ev: web_sys::PointerEvent| {
        if let (Some((start, _)), Some(p)) = (drag.get_untracked(), point(&ev)) {
            drag.set(Some((start, p)));
        }
    };
    let up = move |ev: web_sys::PointerEvent| {
        let Some((start, end)) = drag.get_untracked() else {
            return;
        };
        drag.set(None);
        let end = point(&ev).unwrap_or(end);
        let Some(child) = marking.get_untracked() else {
            return;
        };
        if let Some(face) = FaceRegion::from_corners(child, start, end) {
            regions.update(|rs| {
                rs.retain(|r| r.child != child);
                rs.push(face);
            });
            problem.set(None);
            let next = children.with_value(|cs| next_to_mark(cs, &regions.get_untracked()));
            marking.set(next);
        }
    };

    let save = move |_| {
        let Some(keys) = lock.keys() else { return };
        let mut marked = record.clone();
        marked.regions = regions.get_untracked();
        if let Err(e) = check_regions(&marked) {
            problem.set(Some(e.to_string()));
            return;
        }
        saving.set(true);
        spawn_local(async move {
            let saved = async {
                let store = tablet::open().await?;
                photos::mark_faces(&store, &keys, &marked).await
            };
            match saved.await {
                Ok(kept) => on_saved.run(kept),
                Err(e) => problem.set(Some(format!("The faces were not saved: {e}"))),
            }
            saving.set(false);
        });
    };

    let chooser = move || {
        children.with_value(|cs| {
            cs.iter()
                .map(|c| {
                    let id = c.id;
                    let label = c.first_name.clone();
                    view! {
                        <button class="chip" aria-pressed=move || (marking.get() == Some(id)).to_string()
                            on:click=move |_| marking.set(Some(id))>
                            {label}
                            {move || regions.get().iter().any(|r| r.child == id).then_some(" ✓")}
                        </button>
                    }
                })
                .collect_view()
        })
    };
    // A calm word for each child whose face must be marked before other families get the photo.
    let hints = move || {
        let marked = regions.get();
        children.with_value(|cs| {
            cs.iter()
                .filter(|c| !c.other_journals && !marked.iter().any(|r| r.child == c.id))
                .map(|c| {
                    let name = &c.first_name;
                    view! {
                        <p class="notice" role="status">{format!(
                            "Mark {name}’s face so other families get this photo with it blurred. Until then it is not sent to them."
                        )}</p>
                    }
                })
                .collect_view()
        })
    };
    let outlines = move || {
        regions
            .get()
            .into_iter()
            .map(|r| {
                view! {
                    <div class="face" style=place(&r)><span>{name_of(r.child)}</span></div>
                }
            })
            .collect_view()
    };
    let dragging = move || {
        let (Some((a, b)), Some(child)) = (drag.get(), marking.get()) else {
            return None;
        };
        FaceRegion::from_corners(child, a, b)
            .map(|r| view! { <div class="face dragging" style=place(&r)></div> })
    };
    let instruction = move || match marking.get() {
        Some(id) => format!("Drag across {}’s face on the photo.", name_of(id)),
        None => String::new(),
    };

    view! {
        <section class="mark-faces" data-testid="mark-faces">
            <h3>"Mark faces"</h3>
            <div class="chips" role="group" aria-label="Whose face to mark">{chooser}</div>
            <p class="muted" role="status">{instruction}</p>
            {hints}
            <div class="faces-area" node_ref=area
                on:pointerdown=down on:pointermove=moved on:pointerup=up
                on:pointercancel=move |_| drag.set(None)>
                <img src=url alt="The photo, to mark faces on" draggable="false"/>
                {outlines}
                {dragging}
            </div>
            {move || problem.get().map(|m| view! { <p class="notice notice-error" role="alert">{m}</p> })}
            <div class="actions">
                <button class="button primary" on:click=save disabled=move || saving.get()>"Save"</button>
                <button class="button quiet" on:click=move |_| on_cancel.run(())>"Cancel"</button>
            </div>
        </section>
    }
}
