//! Tagging an observation: the key person's recent tags and those the text suggests come first,
//! then every aspect under its area; big toggles, one tap each.

use burrow_core::eyfs::{self, AgeBand, Characteristic};
use leptos::prelude::*;

fn chip(
    code: &'static str,
    label: String,
    chosen: RwSignal<Vec<String>>,
    disabled: Signal<bool>,
    on_change: Callback<()>,
) -> impl IntoView {
    let pressed = move || chosen.with(|c| c.iter().any(|x| x == code));
    view! {
        <button type="button" class="chip" aria-pressed=move || pressed().to_string() disabled=disabled
            on:click=move |_| {
                chosen.update(|c| {
                    if let Some(i) = c.iter().position(|x| x == code) {
                        c.remove(i);
                    } else {
                        c.push(code.to_owned());
                    }
                });
                on_change.run(());
            }>
            {label}
        </button>
    }
}

/// The aspects (EYFS areas of learning), with recent and suggested ones first.
#[component]
pub fn AspectPicker(
    chosen: RwSignal<Vec<String>>,
    recent: Signal<Vec<String>>,
    text: RwSignal<String>,
    #[prop(into)] disabled: Signal<bool>,
    on_change: Callback<()>,
) -> impl IntoView {
    let catalogue = eyfs::current();
    let label = move |code: &str| {
        catalogue
            .aspect(code)
            .map(|(area, aspect)| format!("{}: {}", area.short, aspect.name))
    };
    let quick = move || {
        let suggested = text.with(|t| eyfs::suggest(t, 4));
        let mut codes: Vec<&'static str> = Vec::new();
        for code in recent
            .get()
            .iter()
            .filter_map(|c| catalogue.aspect(c))
            .map(|(_, a)| a.code)
        {
            if !codes.contains(&code) {
                codes.push(code);
            }
        }
        for code in suggested {
            if !codes.contains(&code) {
                codes.push(code);
            }
        }
        codes.truncate(8);
        codes
    };
    view! {
        <fieldset class="tags">
            <legend>"Areas of learning"</legend>
            <Show when=move || !quick().is_empty()>
                <p class="hint">"Recent and suggested"</p>
                <div class="chips" data-testid="quick-tags">
                    {move || quick().into_iter().filter_map(|code| {
                        label(code).map(|l| chip(code, l, chosen, disabled, on_change))
                    }).collect_view()}
                </div>
            </Show>
            <details>
                <summary>"All areas"</summary>
                {catalogue.areas.iter().map(|area| view! {
                    <p class="hint">{area.name}</p>
                    <div class="chips">
                        {area.aspects.iter().map(|a| chip(a.code, a.name.to_owned(), chosen, disabled, on_change)).collect_view()}
                    </div>
                }).collect_view()}
            </details>
        </fieldset>
    }
}

#[component]
pub fn BandPicker(
    band: RwSignal<Option<AgeBand>>,
    #[prop(into)] disabled: Signal<bool>,
    on_change: Callback<()>,
) -> impl IntoView {
    view! {
        <fieldset class="tags">
            <legend>"Age band (Development Matters)"</legend>
            <div class="chips">
                {AgeBand::ALL.into_iter().map(|b| view! {
                    <button type="button" class="chip" disabled=disabled
                        aria-pressed=move || (band.get() == Some(b)).to_string()
                        on:click=move |_| {
                            band.update(|x| *x = if *x == Some(b) { None } else { Some(b) });
                            on_change.run(());
                        }>
                        {b.label()}
                    </button>
                }).collect_view()}
            </div>
        </fieldset>
    }
}

#[component]
pub fn CharacteristicPicker(
    chosen: RwSignal<Vec<Characteristic>>,
    #[prop(into)] disabled: Signal<bool>,
    on_change: Callback<()>,
) -> impl IntoView {
    view! {
        <fieldset class="tags">
            <legend>"Characteristics of effective learning"</legend>
            <div class="chips">
                {Characteristic::ALL.into_iter().map(|c| view! {
                    <button type="button" class="chip" disabled=disabled
                        aria-pressed=move || chosen.with(|x| x.contains(&c)).to_string()
                        on:click=move |_| {
                            chosen.update(|x| {
                                if let Some(i) = x.iter().position(|y| *y == c) {
                                    x.remove(i);
                                } else {
                                    x.push(c);
                                }
                            });
                            on_change.run(());
                        }>
                        {c.label()}
                    </button>
                }).collect_view()}
            </div>
        </fieldset>
    }
}
