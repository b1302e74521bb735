//! The XLIFF reader of `align convert` (see convert_common.rs).
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "convert_common.rs"]
mod common;

fuzz_target!(|data: &[u8]| common::check(nazir::convert::InputFormat::Xliff, data));
