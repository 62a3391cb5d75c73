//! Pictures of what a patch plays, as PNG files drawn with `plotters`: `roll`, the
//! piano roll of every output's events (`phonon plot`), and `spectrogram`, what was
//! rendered (`phonon render --spectrogram`). Text is drawn from the bundled DejaVu
//! Sans (`assets/fonts`, its licence beside it) through `ab_glyph`, so no system font
//! library is needed.

pub mod roll;
pub mod spectrogram;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// DejaVu Sans, registered as plotters' `sans-serif` before anything is drawn.
static FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// Registers the bundled font (once per process).
fn register_font() -> Result<(), String> {
    static DONE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    let ok = *DONE.get_or_init(|| {
        plotters::style::register_font("sans-serif", FontStyle::Normal, FONT).is_ok()
    });
    if ok {
        Ok(())
    } else {
        Err("the bundled font could not be read".to_string())
    }
}

/// A drawing area over a PNG file of `width` x `height` pixels, in pixel
/// coordinates, filled white.
fn canvas(
    path: &std::path::Path,
    width: u32,
    height: u32,
) -> Result<DrawingArea<BitMapBackend<'_>, plotters::coord::Shift>, String> {
    register_font()?;
    // Made here first, so that a path that cannot be written says so plainly.
    std::fs::File::create(path).map_err(|e| e.to_string())?;
    let root = BitMapBackend::new(path, (width, height)).into_drawing_area();
    root.fill(&WHITE).map_err(draw_error)?;
    Ok(root)
}

/// Writes the picture to its file.
fn finish(root: DrawingArea<BitMapBackend<'_>, plotters::coord::Shift>) -> Result<(), String> {
    root.present().map_err(draw_error)
}

fn draw_error<E: std::error::Error + Send + Sync>(
    e: plotters::drawing::DrawingAreaErrorKind<E>,
) -> String {
    e.to_string()
}

/// Text of `size` pixels in `colour`, anchored at the given side of its position.
fn text_style(size: u32, colour: RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    ("sans-serif", size)
        .into_font()
        .color(&colour)
        .pos(Pos::new(h, v))
}

/// A straight line of one pixel.
fn line(
    area: &DrawingArea<BitMapBackend<'_>, plotters::coord::Shift>,
    from: (i32, i32),
    to: (i32, i32),
    colour: RGBColor,
) -> Result<(), String> {
    area.draw(&PathElement::new(vec![from, to], colour.stroke_width(1)))
        .map_err(draw_error)
}

/// A filled rectangle covering the pixels from `a` to `b`, both included.
fn rect(
    area: &DrawingArea<BitMapBackend<'_>, plotters::coord::Shift>,
    a: (i32, i32),
    b: (i32, i32),
    colour: RGBColor,
) -> Result<(), String> {
    area.draw(&Rectangle::new([a, b], colour.filled()))
        .map_err(draw_error)
}

/// Text at `at`.
fn label(
    area: &DrawingArea<BitMapBackend<'_>, plotters::coord::Shift>,
    text: &str,
    at: (i32, i32),
    style: &TextStyle<'_>,
) -> Result<(), String> {
    area.draw(&Text::new(text.to_string(), at, style.clone()))
        .map_err(draw_error)
}

/// Ticks for an axis from `lo` to `hi`: a step of 1, 2 or 5 times a power of ten
/// giving at most `most` ticks, and the multiples of it inside the range.
fn nice_ticks(lo: f64, hi: f64, most: usize) -> Vec<f64> {
    if hi.partial_cmp(&lo) != Some(std::cmp::Ordering::Greater) || most == 0 {
        return Vec::new();
    }
    let raw = (hi - lo) / most as f64;
    let base = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * base)
        .find(|s| (hi - lo) / s <= most as f64)
        .unwrap_or(10.0 * base);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    (first..=last).map(|k| k as f64 * step).collect()
}

/// A tick's text: no decimals for whole numbers, else as few as show it.
fn tick_text(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 {
        format!("{}", x.round() as i64)
    } else {
        let s = format!("{x:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}
