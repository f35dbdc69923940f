//! How much room the tablet has, and asking the browser to keep Burrow's storage.
//!
//! `navigator.storage` exists in Chrome and in Safari 17+; where it does not, Burrow says so
//! rather than guessing.

use burrow_core::storage::Estimate;
use wasm_bindgen_futures::JsFuture;
use web_sys::{StorageEstimate, StorageManager};

fn manager() -> Option<StorageManager> {
    let navigator = web_sys::window()?.navigator();
    // Older browsers have no `storage`; web-sys would return a dangling object, so check first.
    js_sys::Reflect::has(&navigator, &"storage".into())
        .ok()
        .filter(|has| *has)?;
    Some(navigator.storage())
}

/// What the browser says is used and allowed for this site, or `None` if it cannot say.
pub async fn estimate() -> Option<Estimate> {
    let promise = manager()?.estimate().ok()?;
    let value: StorageEstimate = JsFuture::from(promise).await.ok()?.into();
    Some(Estimate {
        usage: value.get_usage().unwrap_or(0.0) as u64,
        quota: value.get_quota()? as u64,
    })
}

/// Asks the browser not to clear Burrow's storage when the device runs short of space.
/// Installed to the home screen, Chrome grants it without asking; Safari keeps installed apps'
/// storage anyway. Returns whether the storage is now persistent.
pub async fn persist() -> bool {
    let Some(manager) = manager() else {
        return false;
    };
    if let Ok(p) = manager.persisted()
        && JsFuture::from(p).await.ok().and_then(|v| v.as_bool()) == Some(true)
    {
        return true;
    }
    match manager.persist() {
        Ok(p) => JsFuture::from(p).await.ok().and_then(|v| v.as_bool()) == Some(true),
        Err(_) => false,
    }
}
