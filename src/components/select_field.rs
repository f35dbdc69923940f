use leptos::prelude::*;

/// A labelled drop-down of fixed choices (value, label), as big to touch as a `Field`.
#[component]
pub fn SelectField(
    label: &'static str,
    name: &'static str,
    value: RwSignal<String>,
    options: Vec<(&'static str, &'static str)>,
) -> impl IntoView {
    let id = format!("field-{name}");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <select id=id name=name bind:value=value>
                {options.into_iter().map(|(v, l)| view! { <option value=v>{l}</option> }).collect_view()}
            </select>
        </div>
    }
}
