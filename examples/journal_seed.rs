//! Fills a child's journal on this tablet for the journal's scale test and P4: served from the
//! app's own origin (so it opens the app's own store), it unlocks with a person's passphrase
//! who has already signed in on this tablet, and writes observations and photos through the
//! app's store code, exactly as the editor and the camera would.
//!
//! `/seed/?user=<staff id>&children=<id>,<id>&observations=1000&photos=300` with the passphrase
//! in `window.name` (never in an address). Sets `window.seeded` to the number written, or
//! `window.failure` to why not.

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    wasm_bindgen_futures::spawn_local(seed::run());
}

/// The seeder only runs in a browser; natively there is nothing to do.
#[cfg(not(target_arch = "wasm32"))]
fn main() {}

#[cfg(target_arch = "wasm32")]
mod seed {
    use burrow::store::photos::{self, Shot};
    use burrow::store::{keys, observations, tablet};
    use burrow_core::eyfs::{self, AgeBand, Characteristic};
    use burrow_core::observation::Observation;
    use burrow_core::workflow::Status;
    use chrono::{Duration, Utc};
    use js_sys::Reflect;
    use uuid::Uuid;
    use wasm_bindgen::{JsCast, JsValue};

    type Failure = Box<dyn std::error::Error>;

    fn window() -> web_sys::Window {
        web_sys::window().expect("the seeder runs in a page")
    }

    fn publish(name: &str, value: &JsValue) {
        let _ = Reflect::set(&window(), &JsValue::from_str(name), value);
    }

    pub async fn run() {
        if let Err(e) = seed().await {
            publish("failure", &JsValue::from_str(&e.to_string()));
        }
    }

    fn param(query: &web_sys::UrlSearchParams, name: &str) -> Result<String, Failure> {
        query
            .get(name)
            .ok_or_else(|| format!("no {name} given").into())
    }

    /// A real small JPEG (a thumbnail), made by the browser's encoder.
    async fn thumbnail(n: usize) -> Result<Vec<u8>, Failure> {
        let canvas: web_sys::HtmlCanvasElement = window()
            .document()
            .ok_or("no document")?
            .create_element("canvas")
            .map_err(|_| "no canvas")?
            .unchecked_into();
        canvas.set_width(320);
        canvas.set_height(240);
        let context: web_sys::CanvasRenderingContext2d = canvas
            .get_context("2d")
            .map_err(|_| "no context")?
            .ok_or("no 2D context")?
            .unchecked_into();
        context.set_fill_style_str(&format!("hsl({}, 45%, 55%)", (n * 37) % 360));
        context.fill_rect(0.0, 0.0, 320.0, 240.0);
        Ok(burrow::camera::jpeg(&canvas).await?)
    }

    /// Photo-sized bytes that do not compress, like a JPEG.
    fn picture(seed: u32) -> Vec<u8> {
        let mut x = seed.wrapping_mul(2_654_435_761).max(1);
        (0..300 * 1024)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                x as u8
            })
            .collect()
    }

    async fn seed() -> Result<(), Failure> {
        let search = window().location().search().map_err(|_| "no address")?;
        let query = web_sys::UrlSearchParams::new_with_str(&search).map_err(|_| "bad address")?;
        let user = Uuid::parse_str(&param(&query, "user")?)?;
        let children: Vec<Uuid> = param(&query, "children")?
            .split(',')
            .map(Uuid::parse_str)
            .collect::<Result<_, _>>()?;
        let count: usize = param(&query, "observations")?.parse()?;
        let photo_count: usize = param(&query, "photos")?.parse()?;
        // `open=yes`: only drafts and submissions, as a key person's own tablet would hold
        // before its first sync (a validation only ever follows a submission the server saw).
        let open_only = param(&query, "open").is_ok_and(|v| v == "yes");
        let passphrase = window().name().map_err(|_| "no passphrase")?;

        let store = tablet::open().await?;
        let wrapped = store
            .wrapped_keys()
            .await?
            .into_iter()
            .find(|w| w.user_id == user)
            .ok_or("that person has not signed in on this tablet")?;
        let keys = keys::unlock(&wrapped, &passphrase).await?;

        let aspects: Vec<&str> = eyfs::current()
            .early_learning_goals()
            .map(|a| a.code)
            .collect();
        let thumbs = [
            thumbnail(0).await?,
            thumbnail(1).await?,
            thumbnail(2).await?,
        ];
        let now = Utc::now();
        let first = children[0];
        for i in 0..count {
            // Mostly the first child alone, every fifth one a group observation.
            let in_it = if i % 5 == 0 && children.len() > 1 {
                children.clone()
            } else {
                vec![first]
            };
            let mut obs = Observation::new(Uuid::now_v7(), user, in_it.clone(), now);
            obs.observed_at = now - Duration::hours(17 * i as i64);
            obs.text = format!(
                "Observation {i}: built a tower with the large wooden blocks, counting each one aloud \
                 and negotiating turns with a friend, then described the tower as taller than me. \
                 Stayed with the task for ten minutes and asked for more blocks to make it wider."
            );
            obs.next_steps = "Offer larger numbers in play and model comparative language.".into();
            obs.tags.aspects = vec![
                aspects[i % aspects.len()].to_owned(),
                aspects[(i * 7 + 3) % aspects.len()].to_owned(),
            ];
            obs.tags.band = Some(AgeBand::ALL[i % 3]);
            obs.tags.characteristics = vec![Characteristic::ALL[i % 3]];
            obs.status = if open_only {
                [Status::Draft, Status::Submitted][i % 2]
            } else {
                [Status::Draft, Status::Submitted, Status::Validated][i % 3]
            };
            if i < photo_count {
                let shot = Shot {
                    jpeg: picture(i as u32),
                    thumb: thumbs[i % 3].clone(),
                    width: 2048,
                    height: 1536,
                };
                // Taken now: the server checks consent as it stood when a photo was taken.
                let photo = photos::save(&store, &keys, &shot, &in_it, user, now).await?;
                obs.photos.push(photo.id);
            }
            obs.version = 1;
            observations::save(&store, &keys, &obs).await?;
        }
        publish("seeded", &JsValue::from_f64(count as f64));
        Ok(())
    }
}
