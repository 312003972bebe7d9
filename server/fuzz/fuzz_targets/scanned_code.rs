//! What a QR scanner types into the kiosk, as the server reads it.
#![no_main]
use libfuzzer_sys::fuzz_target;
use madoguchi_server::rules::booking::{ScannedCode, parse_scanned_code};

fuzz_target!(|data: &[u8]| {
    if let Ok(code) = std::str::from_utf8(data)
        && let Some(ScannedCode::Reservation(token)) = parse_scanned_code(code)
    {
        assert!(madoguchi_server::tokens::looks_like_token(&token));
    }
});
