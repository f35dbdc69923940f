//! Today's date on this device (the setting's tablets are in England).

use chrono::{DateTime, NaiveDate, Utc};

pub fn today() -> NaiveDate {
    day_of(&js_sys::Date::new_0()).unwrap_or_default()
}

/// The day a moment fell on, on this device's calendar (the setting's, in England): the day a
/// photo was taken, for the purge.
pub fn local_day(at: DateTime<Utc>) -> NaiveDate {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(
        at.timestamp_millis() as f64
    ));
    day_of(&date).unwrap_or_else(|| at.date_naive())
}

fn day_of(date: &js_sys::Date) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(
        date.get_full_year() as i32,
        date.get_month() + 1,
        date.get_date(),
    )
}
