//! Where tablets and phones find this server on the setting's network, with QR codes to point a
//! tablet's camera at: first the setting's certificate, then Burrow itself (issue 17).

use crate::api;
use burrow_core::api::ServerAddresses;
use leptos::prelude::*;

#[component]
pub fn ServerAddressesCard() -> impl IntoView {
    let found = LocalResource::new(|| api::get::<ServerAddresses>("/api/server/addresses"));
    view! {
        <section class="card" aria-labelledby="addresses-heading" data-testid="server-addresses">
            <h2 id="addresses-heading">"Setting up another tablet or phone"</h2>
            {move || found.get().map(|r| match r {
                Ok(a) if !a.tablets.is_empty() => view! {
                    <p>"On the setting’s Wi-Fi, Burrow is at:"</p>
                    <ul class="addresses" data-testid="address-list">
                        {a.tablets.iter().map(|t| view! { <li><code>{t.clone()}</code></li> }).collect_view()}
                    </ul>
                    <div class="qr-codes">
                        <figure>
                            <img src="/api/server/qr/certificate.svg" width="220" height="220" data-testid="qr-certificate"
                                alt=format!("A QR code of {}", a.certificate.first().cloned().unwrap_or_default())/>
                            <figcaption>"1. Point the tablet’s camera here to download the setting’s certificate, then install it."</figcaption>
                        </figure>
                        <figure>
                            <img src="/api/server/qr/app.svg" width="220" height="220" data-testid="qr-app"
                                alt=format!("A QR code of {}", a.tablets.first().cloned().unwrap_or_default())/>
                            <figcaption>"2. Then point it here to open Burrow, and enrol the tablet in Settings."</figcaption>
                        </figure>
                    </div>
                }.into_any(),
                Ok(_) => view! {
                    <p>"This server is not on the setting’s network: HTTPS is turned off in its settings (/etc/burrow/burrow.toml)."</p>
                }.into_any(),
                Err(e) => view! { <p class="notice notice-error" role="alert">{e.to_string()}</p> }.into_any(),
            })}
        </section>
    }
}
