//! Burrow's family app: a parent's phone, built on its own (`shell/family.html`) so a phone
//! downloads the journal it reads and none of the staff's screens. See `lib.rs`.

fn main() {
    burrow::start_family();
}
