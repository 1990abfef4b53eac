#![no_main]
//! See nichegraph_fuzz::flows_dataset: every input must load without a panic.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| nichegraph_fuzz::flows_dataset(data));
