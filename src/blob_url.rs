//! Decrypted pictures are shown through object URLs: in memory only, never a file, and released
//! by whoever made them once they leave the screen.

pub fn jpeg(bytes: &[u8]) -> Option<String> {
    of(bytes, "image/jpeg")
}

/// Any bytes as an object URL of this type (a keepsake PDF to save, say).
pub fn of(bytes: &[u8], mime: &str) -> Option<String> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).ok()?;
    web_sys::Url::create_object_url_with_blob(&blob).ok()
}
