//! Receipt lines in any script: a thermal printer's text mode knows
//! Shift_JIS (Japanese and ASCII), not Hangul, simplified Chinese,
//! Vietnamese or Portuguese letters. For those the kiosk draws the lines
//! itself with the screen's font for the language (ab_glyph) into a
//! 1-bit image and sends it as an ESC/POS raster (`GS v 0`). Pure.

use ab_glyph::{Font, FontRef, PxScale, ScaleFont, point};

/// Printable width of an 80 mm receipt at 203 dpi.
pub const WIDTH_DOTS: usize = 576;

/// A line to draw and its height in dots.
pub struct Line<'a> {
    pub text: &'a str,
    pub px: f32,
}

/// A 1-bit image, `WIDTH_DOTS` wide, one `bool` per dot (true: black).
pub struct Bitmap {
    pub width: usize,
    pub rows: Vec<Vec<bool>>,
}

impl Bitmap {
    pub fn black_dots(&self) -> usize {
        self.rows.iter().flatten().filter(|d| **d).count()
    }

    /// ESC/POS `GS v 0` commands, in bands the printers' buffers take.
    pub fn escpos(&self) -> Vec<u8> {
        let bytes_wide = self.width.div_ceil(8);
        let mut out = Vec::new();
        for band in self.rows.chunks(255) {
            out.extend_from_slice(&[
                0x1d,
                b'v',
                b'0',
                0,
                (bytes_wide & 0xff) as u8,
                (bytes_wide >> 8) as u8,
                band.len() as u8,
                0,
            ]);
            for row in band {
                for byte in row.chunks(8) {
                    let mut b = 0u8;
                    for (i, dot) in byte.iter().enumerate() {
                        if *dot {
                            b |= 0x80 >> i;
                        }
                    }
                    out.push(b);
                }
            }
        }
        out
    }
}

/// Draws `lines` centred, each wrapped to the paper's width (at spaces
/// where the line has them, else between characters, as CJK wraps).
/// `None` when the font cannot be read.
pub fn draw(font_bytes: &[u8], lines: &[Line<'_>]) -> Option<Bitmap> {
    let font = FontRef::try_from_slice(font_bytes).ok()?;
    let mut rows = Vec::new();
    for line in lines {
        let scaled = font.as_scaled(PxScale::from(line.px));
        for piece in wrap(&scaled, line.text, WIDTH_DOTS as f32 - 16.0) {
            let width: f32 = piece
                .chars()
                .map(|c| scaled.h_advance(scaled.glyph_id(c)))
                .sum();
            let height = (scaled.ascent() - scaled.descent()).ceil() as usize + 4;
            let mut band = vec![vec![false; WIDTH_DOTS]; height];
            let mut x = ((WIDTH_DOTS as f32 - width) / 2.0).max(0.0);
            for c in piece.chars() {
                let id = scaled.glyph_id(c);
                let glyph = id.with_scale_and_position(line.px, point(x, scaled.ascent() + 2.0));
                x += scaled.h_advance(id);
                let Some(outline) = font.outline_glyph(glyph) else {
                    continue;
                };
                let bounds = outline.px_bounds();
                outline.draw(|gx, gy, coverage| {
                    let (px, py) = (
                        bounds.min.x as i64 + gx as i64,
                        bounds.min.y as i64 + gy as i64,
                    );
                    if coverage > 0.45
                        && (0..WIDTH_DOTS as i64).contains(&px)
                        && (0..height as i64).contains(&py)
                    {
                        band[py as usize][px as usize] = true;
                    }
                });
            }
            rows.extend(band);
        }
    }
    Some(Bitmap {
        width: WIDTH_DOTS,
        rows,
    })
}

fn wrap<F: Font, S: ScaleFont<F>>(scaled: &S, text: &str, max: f32) -> Vec<String> {
    let mut out = Vec::new();
    let mut line = String::new();
    let mut width = 0.0;
    for c in text.chars() {
        let advance = scaled.h_advance(scaled.glyph_id(c));
        if width + advance > max && !line.is_empty() {
            // Break at the last space, if the line has one.
            let (keep, carry) = match line.rfind(' ') {
                Some(i) if i > 0 => (line[..i].to_string(), line[i + 1..].to_string()),
                _ => (line.clone(), String::new()),
            };
            out.push(keep);
            width = carry
                .chars()
                .map(|c| scaled.h_advance(scaled.glyph_id(c)))
                .sum();
            line = carry;
        }
        line.push(c);
        width += advance;
    }
    if !line.is_empty() {
        out.push(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn font(file: &str) -> Vec<u8> {
        std::fs::read(format!(
            "{}/../assets/fonts/{file}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .expect("font")
    }

    #[test]
    fn hangul_is_drawn_and_long_lines_wrap_within_the_paper() {
        let nanum = font("NanumGothic.ttf");
        let one = draw(
            &nanum,
            &[Line {
                text: "고객님의 번호",
                px: 32.0,
            }],
        )
        .expect("drawn");
        assert_eq!(one.width, WIDTH_DOTS);
        assert!(one.black_dots() > 500, "ink: {}", one.black_dots());
        let long = "스마트폰으로 스캔하면 순서를 확인할 수 있습니다 ".repeat(3);
        let wrapped = draw(
            &nanum,
            &[Line {
                text: &long,
                px: 32.0,
            }],
        )
        .expect("drawn");
        assert!(
            wrapped.rows.len() >= 3 * one.rows.len(),
            "wraps: {} rows",
            wrapped.rows.len()
        );
    }

    #[test]
    fn the_raster_command_carries_the_image_size() {
        let bitmap = draw(
            &font("DejaVuSans.ttf"),
            &[Line {
                text: "Quầy số 3",
                px: 30.0,
            }],
        )
        .expect("drawn");
        let bytes = bitmap.escpos();
        assert_eq!(&bytes[..4], &[0x1d, b'v', b'0', 0]);
        assert_eq!((bytes[4], bytes[5]), (72, 0), "576 dots = 72 bytes a row");
        assert_eq!(usize::from(bytes[6]), bitmap.rows.len());
        assert_eq!(bytes.len(), 8 + 72 * bitmap.rows.len());
        assert!(draw(b"not a font", &[]).is_none());
    }
}
