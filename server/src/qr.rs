//! QR codes of reservation links, as SVG (pages) and PNG (downloads and the
//! confirmation mail's attachment).

use std::io::Cursor;

/// The smallest side of a drawn code, in pixels (a phone camera reads it
/// from a screen or a print-out).
const MIN_SIDE: u32 = 240;

/// `None` only for text too long for any QR version.
pub fn svg(text: &str) -> Option<String> {
    let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
    Some(
        code.render::<qrcode::render::svg::Color>()
            .min_dimensions(MIN_SIDE, MIN_SIDE)
            .quiet_zone(true)
            .build(),
    )
}

/// `None` only for text too long for any QR version.
pub fn png(text: &str) -> Option<Vec<u8>> {
    let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
    let img = code
        .render::<image::Luma<u8>>()
        .min_dimensions(MIN_SIDE, MIN_SIDE)
        .quiet_zone(true)
        .build();
    let mut out = Cursor::new(Vec::new());
    image::DynamicImage::ImageLuma8(img)
        .write_to(&mut out, image::ImageFormat::Png)
        .ok()?;
    Some(out.into_inner())
}

#[cfg(test)]
mod tests {
    #[test]
    fn png_is_a_png_and_svg_is_an_svg() {
        let png = super::png("http://127.0.0.1:8080/r/abc").expect("drawn");
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert!(super::svg("x").expect("drawn").contains("<svg"));
    }
}
