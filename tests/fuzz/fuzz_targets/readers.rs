//! Any bytes as JSONL and as CSV: the readers never panic, every document's
//! text is valid, and every problem names a line.
#![no_main]
use std::io::Cursor;

use detente::read::{csv_items, jsonl_items, Item, ReadSettings};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for item in jsonl_items(Cursor::new(data.to_vec()), None, ReadSettings::default()) {
        match item {
            Item::Doc(d) => assert!(d.origin.line.is_some()),
            Item::Problem(p) => assert!(p.origin.line.is_some(), "{p}"),
        }
    }
    for item in csv_items(Cursor::new(data.to_vec()), "fuzz.csv".into(), ReadSettings::default()) {
        if let Item::Doc(d) = item {
            assert!(d.origin.line.is_some());
        }
    }
});
