#![no_main]
//! See nichegraph_fuzz::check_generated: every input must load without a panic.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| nichegraph_fuzz::check_generated(data));
