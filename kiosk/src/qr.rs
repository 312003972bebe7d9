//! The ticket's QR code (status page URL) as a Bevy image.

use bevy::asset::RenderAssetUsages;
use bevy::image::{Image, ImageSampler};
use bevy::render::render_resource::{Extent3d, TextureDimension, TextureFormat};

/// Modules of the code for `text` with a quiet zone of 4 around it:
/// (side length, dark?) row by row.
pub fn modules(text: &str) -> Option<(usize, Vec<bool>)> {
    let code = qrcode::QrCode::new(text.as_bytes()).ok()?;
    let inner = code.width();
    let colors = code.to_colors();
    let quiet = 4;
    let side = inner + 2 * quiet;
    let mut dark = vec![false; side * side];
    for y in 0..inner {
        for x in 0..inner {
            dark[(y + quiet) * side + x + quiet] = colors[y * inner + x] == qrcode::Color::Dark;
        }
    }
    Some((side, dark))
}

/// One texel per module, drawn with nearest sampling so it stays sharp
/// at any size on screen.
pub fn image(text: &str) -> Option<Image> {
    let (side, dark) = modules(text)?;
    let data = dark
        .iter()
        .flat_map(|d| {
            if *d {
                [0, 0, 0, 255]
            } else {
                [255, 255, 255, 255]
            }
        })
        .collect();
    let side = u32::try_from(side).ok()?;
    let mut img = Image::new(
        Extent3d {
            width: side,
            height: side,
            depth_or_array_layers: 1,
        },
        TextureDimension::D2,
        data,
        TextureFormat::Rgba8UnormSrgb,
        RenderAssetUsages::RENDER_WORLD,
    );
    img.sampler = ImageSampler::nearest();
    Some(img)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_is_square_with_finder_patterns_and_a_quiet_zone() {
        let (side, dark) = modules("http://hall.example/t/abcdefghijklmnop").expect("code");
        assert!(side >= 21 + 8);
        assert_eq!(dark.len(), side * side);
        let at = |x: usize, y: usize| dark[y * side + x];
        for i in 0..side {
            assert!(!at(i, 0) && !at(0, i), "quiet zone is light");
        }
        // The three 7×7 finder patterns: dark outer ring, light ring, dark core.
        for (ox, oy) in [(4, 4), (side - 11, 4), (4, side - 11)] {
            assert!(at(ox, oy) && at(ox + 6, oy + 6), "outer ring");
            assert!(!at(ox + 1, oy + 1), "light ring");
            assert!(at(ox + 3, oy + 3), "core");
        }
        let img = image("http://hall.example/t/abc").expect("image");
        assert_eq!(img.width(), img.height());
    }
}
