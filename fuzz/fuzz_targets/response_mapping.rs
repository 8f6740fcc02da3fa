//! Arbitrary status + headers + body through response decoding and error mapping: must never
//! panic, and the API token must never appear in the result.
//!
//! `cargo fuzz run response_mapping --sanitizer none` (see the README's "Fuzzing").

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    cloudflare_client::fuzzing::map_bytes(data);
});
