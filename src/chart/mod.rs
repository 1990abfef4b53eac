//! Charts (plotters): each takes the result model and returns SVG and PNG bytes.
//! Fonts are embedded (DejaVu Sans), so Cyrillic renders without any system font.
