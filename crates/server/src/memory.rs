//! How the server hands memory back between bursts of work.
//!
//! A sign-in's argon2 (`secrets.rs`) takes 19 MiB for a moment. glibc's malloc, once a block that
//! size has been freed, raises its mapping threshold past it and serves the next ones from the
//! heap, where they stay: 30 tablets signing in one after another left the server holding
//! 260–400 MB (P8, `examples/sync_load.rs`), against ~55 MB with large blocks always mapped on
//! their own and returned when freed.

/// Blocks this large or larger are mapped on their own and returned to the system when freed.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const LARGE_BLOCK: usize = 1 << 20;

/// Fixes glibc's threshold for mapping blocks on their own at [`LARGE_BLOCK`] (which also stops
/// it moving). Call first thing in `main`, before any other thread starts. Other C libraries
/// (musl) already map large blocks and hand them back, so there it does nothing.
pub fn hand_back_large_blocks() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets one of the allocator's parameters, and it is called before any
    // other thread exists. LARGE_BLOCK fits in a c_int.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, LARGE_BLOCK as libc::c_int);
    }
}
