//! The charts' colours (Okabe–Ito, safe for the common forms of colour blindness, and
//! neutrals) and their standard sizes.

use super::canvas::Rgb;

// Okabe–Ito, safe for the common forms of colour blindness.
pub const ORANGE: Rgb = Rgb(230, 159, 0);
pub const SKY: Rgb = Rgb(86, 180, 233);
pub const GREEN: Rgb = Rgb(0, 158, 115);
pub const BLUE: Rgb = Rgb(0, 114, 178);
pub const VERMILLION: Rgb = Rgb(213, 94, 0);
pub const PURPLE: Rgb = Rgb(204, 121, 167);
// Neutrals.
pub const INK: Rgb = Rgb(33, 33, 33);
pub const MUTED: Rgb = Rgb(100, 100, 100);
pub const GRID: Rgb = Rgb(226, 226, 226);
pub const GREY: Rgb = Rgb(150, 150, 150);
pub const WHITE: Rgb = Rgb(255, 255, 255);

/// Standard chart width and outer margin, in pixels.
pub const W: f64 = 1400.0;
pub const M: f64 = 36.0;
/// The least height of a bar chart.
pub const MIN_H: f64 = 480.0;
