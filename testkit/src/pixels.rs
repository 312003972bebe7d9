//! Checks on screenshots: how many pixels of a region look like something.

/// Pixels in the rectangle `(x0, y0, x1, y1)` for which `pred` holds.
pub fn count(
    img: &image::RgbaImage,
    area: (u32, u32, u32, u32),
    pred: impl Fn([u8; 3]) -> bool,
) -> usize {
    let (x0, y0, x1, y1) = area;
    let mut n = 0;
    for y in y0..y1.min(img.height()) {
        for x in x0..x1.min(img.width()) {
            let p = img.get_pixel(x, y).0;
            if pred([p[0], p[1], p[2]]) {
                n += 1;
            }
        }
    }
    n
}

/// A colour within `tol` of `rgb` in every channel.
pub fn near(rgb: [u8; 3], tol: i32) -> impl Fn([u8; 3]) -> bool {
    move |p| (0..3).all(|i| (i32::from(p[i]) - i32::from(rgb[i])).abs() <= tol)
}
