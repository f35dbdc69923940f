//! The in-app camera, over getUserMedia: open a stream (rear camera preferred), grab a frame
//! to a canvas, and re-encode it as a plain JPEG at core's sizes. Nothing goes to the gallery,
//! a download or the clipboard: the bytes go straight to the encrypted store.

use crate::store::photos::Shot;
use burrow_core::photo::{JPEG_QUALITY, LONG_EDGE, THUMB_LONG_EDGE, scaled};
use js_sys::{Object, Promise, Reflect, Uint8Array};
use thiserror::Error;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    Blob, CanvasRenderingContext2d, HtmlCanvasElement, HtmlVideoElement, ImageBitmap, MediaStream,
    MediaStreamConstraints, MediaStreamTrack,
};

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CameraError {
    #[error("This tablet has no camera Burrow can use. Use a tablet with a camera.")]
    Unavailable,
    #[error(
        "The camera is blocked for Burrow. Allow the camera in the browser’s site settings, then try again."
    )]
    Blocked,
    #[error("The camera is busy in another app. Close that app, then try again.")]
    Busy,
    #[error("The camera has not started yet. Wait a moment and take the photo again.")]
    NotReady,
    #[error("That file is not a picture this tablet can read. Choose a photo (JPEG or PNG).")]
    NotAPicture,
    #[error("The photo could not be made: {0}")]
    Failed(String),
}

fn failed(e: JsValue) -> CameraError {
    CameraError::Failed(e.as_string().unwrap_or_else(|| format!("{e:?}")))
}

/// Which way the camera faces: the rear one sees the children, the front one the tablet's user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Facing {
    Rear,
    Front,
}

pub async fn open(facing: Facing) -> Result<MediaStream, CameraError> {
    let devices = web_sys::window()
        .and_then(|w| w.navigator().media_devices().ok())
        .ok_or(CameraError::Unavailable)?;
    let video = Object::new();
    let ideal = |v: JsValue| {
        let o = Object::new();
        let _ = Reflect::set(&o, &"ideal".into(), &v);
        o
    };
    let mode = match facing {
        Facing::Rear => "environment",
        Facing::Front => "user",
    };
    let _ = Reflect::set(&video, &"facingMode".into(), &ideal(mode.into()));
    let _ = Reflect::set(&video, &"width".into(), &ideal(1920.into()));
    let _ = Reflect::set(&video, &"height".into(), &ideal(1080.into()));
    let constraints = MediaStreamConstraints::new();
    constraints.set_video(&video);
    constraints.set_audio(&JsValue::FALSE);
    let promise = devices
        .get_user_media_with_constraints(&constraints)
        .map_err(|_| CameraError::Unavailable)?;
    match JsFuture::from(promise).await {
        Ok(stream) => Ok(stream.unchecked_into()),
        Err(e) => {
            let name = Reflect::get(&e, &"name".into())
                .ok()
                .and_then(|n| n.as_string())
                .unwrap_or_default();
            Err(match name.as_str() {
                "NotAllowedError" | "SecurityError" => CameraError::Blocked,
                "NotReadableError" | "AbortError" => CameraError::Busy,
                "NotFoundError" | "OverconstrainedError" => CameraError::Unavailable,
                _ => failed(e),
            })
        }
    }
}

/// Turns the camera off (its light goes out).
pub fn stop(stream: &MediaStream) {
    for track in stream.get_tracks().iter() {
        track.unchecked_into::<MediaStreamTrack>().stop();
    }
}

fn canvas(
    width: u32,
    height: u32,
) -> Result<(HtmlCanvasElement, CanvasRenderingContext2d), CameraError> {
    let canvas: HtmlCanvasElement = web_sys::window()
        .and_then(|w| w.document())
        .ok_or(CameraError::Unavailable)?
        .create_element("canvas")
        .map_err(failed)?
        .unchecked_into();
    canvas.set_width(width);
    canvas.set_height(height);
    let context: CanvasRenderingContext2d = canvas
        .get_context("2d")
        .map_err(failed)?
        .ok_or_else(|| CameraError::Failed("no 2D canvas".into()))?
        .unchecked_into();
    Ok((canvas, context))
}

/// The canvas as a freshly encoded JPEG: only what the browser's encoder writes, no metadata.
pub async fn jpeg(canvas: &HtmlCanvasElement) -> Result<Vec<u8>, CameraError> {
    let mut encode_error = None;
    let promise = Promise::new(&mut |resolve, reject| {
        let done = Closure::once_into_js(move |blob: JsValue| {
            if blob.is_null() {
                let _ = reject.call1(&JsValue::NULL, &"the browser made no JPEG".into());
            } else {
                let _ = resolve.call1(&JsValue::NULL, &blob);
            }
        });
        if let Err(e) = canvas.to_blob_with_type_and_encoder_options(
            done.unchecked_ref(),
            "image/jpeg",
            &JPEG_QUALITY.into(),
        ) {
            encode_error = Some(e);
        }
    });
    if let Some(e) = encode_error {
        return Err(failed(e));
    }
    let blob: Blob = JsFuture::from(promise)
        .await
        .map_err(failed)?
        .unchecked_into();
    let buffer = JsFuture::from(blob.array_buffer()).await.map_err(failed)?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// What a picture is drawn from: the live video at the shutter, a canvas (the benchmark), or an
/// image decoded from a file (where the browser has no getUserMedia).
pub enum Frame<'a> {
    Video(&'a HtmlVideoElement),
    Canvas(&'a HtmlCanvasElement),
    Bitmap(&'a ImageBitmap),
}

impl Frame<'_> {
    fn size(&self) -> (u32, u32) {
        match self {
            Frame::Video(v) => (v.video_width(), v.video_height()),
            Frame::Canvas(c) => (c.width(), c.height()),
            Frame::Bitmap(b) => (b.width(), b.height()),
        }
    }

    fn draw(&self, onto: &CanvasRenderingContext2d, w: u32, h: u32) -> Result<(), JsValue> {
        let (w, h) = (f64::from(w), f64::from(h));
        match self {
            Frame::Video(v) => {
                onto.draw_image_with_html_video_element_and_dw_and_dh(v, 0.0, 0.0, w, h)
            }
            Frame::Canvas(c) => {
                onto.draw_image_with_html_canvas_element_and_dw_and_dh(c, 0.0, 0.0, w, h)
            }
            Frame::Bitmap(b) => onto.draw_image_with_image_bitmap_and_dw_and_dh(b, 0.0, 0.0, w, h),
        }
    }
}

/// Draws the frame at most 2048 px on the long edge, plus a 320 px thumbnail, both freshly
/// re-encoded as JPEG: whatever metadata the source carried is not copied.
pub async fn grab(frame: Frame<'_>) -> Result<Shot, CameraError> {
    let (w, h) = frame.size();
    if w == 0 || h == 0 {
        return Err(CameraError::NotReady);
    }
    let (pw, ph) = scaled(w, h, LONG_EDGE);
    let (photo, context) = canvas(pw, ph)?;
    frame.draw(&context, pw, ph).map_err(failed)?;
    let (tw, th) = scaled(pw, ph, THUMB_LONG_EDGE);
    let (thumb, thumb_context) = canvas(tw, th)?;
    Frame::Canvas(&photo)
        .draw(&thumb_context, tw, th)
        .map_err(failed)?;
    Ok(Shot {
        jpeg: jpeg(&photo).await?,
        thumb: jpeg(&thumb).await?,
        width: pw,
        height: ph,
    })
}

/// Decodes a picture file (from the file input) into an image the canvas can draw, turned the
/// way its EXIF orientation says; the EXIF itself goes no further.
pub async fn decode(file: &Blob) -> Result<ImageBitmap, CameraError> {
    let window = web_sys::window().ok_or(CameraError::Unavailable)?;
    let promise = window
        .create_image_bitmap_with_blob(file)
        .map_err(|_| CameraError::NotAPicture)?;
    JsFuture::from(promise)
        .await
        .map(JsCast::unchecked_into)
        .map_err(|_| CameraError::NotAPicture)
}
