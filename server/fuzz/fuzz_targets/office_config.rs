//! Office configuration files: parsed or refused with lines, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use madoguchi_server::config::Office;

fuzz_target!(|data: &[u8]| {
    if let Ok(src) = std::str::from_utf8(data)
        && let Err(e) = Office::parse(src)
    {
        let lines = src.lines().count() + 1;
        assert!(e.0.iter().all(|p| p.line >= 1 && p.line <= lines));
    }
});
