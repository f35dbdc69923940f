//! Every target's check over its seeds and over every input a fuzzer ever crashed on (kept in
//! `fuzz/regressions/<target>/`): what was found once stays fixed.

use burrow_fuzz::seeds::{TARGETS, check_for, for_target};
use std::path::Path;

#[test]
fn seeds_pass_their_checks() {
    for target in TARGETS {
        let check = check_for(target).expect("a check for every target");
        let seeds = for_target(target);
        assert!(!seeds.is_empty(), "{target} has no seeds");
        for seed in seeds {
            check(&seed);
        }
    }
}

#[test]
fn every_crash_found_stays_fixed() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("regressions");
    let mut ran = 0;
    for target in TARGETS {
        let check = check_for(target).expect("a check for every target");
        let Ok(entries) = std::fs::read_dir(root.join(target)) else {
            continue;
        };
        for entry in entries.flatten() {
            let bytes = std::fs::read(entry.path()).expect("a kept crash input");
            check(&bytes);
            ran += 1;
        }
    }
    println!("{ran} kept crash inputs checked");
}

#[test]
fn the_checks_catch_what_they_guard() {
    // A photo with EXIF in it is refused, so the jpeg check has something to compare.
    let seeds = for_target("jpeg");
    assert!(burrow_core::parent_note::check_photo(&seeds[0]).is_ok());
    assert!(burrow_core::parent_note::check_photo(&seeds[1]).is_err());
    let found = exif::Reader::new().read_from_container(&mut std::io::Cursor::new(&seeds[1]));
    assert!(found.is_ok(), "the EXIF reader finds the EXIF core refuses");
}
