//! Burrow's app: this file only starts it; see `lib.rs` and `app.rs`.

fn main() {
    burrow::start();
}
