#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| burrow_fuzz::jpeg::check(data));
