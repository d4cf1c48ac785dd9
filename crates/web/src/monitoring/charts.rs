//! Charts drawn by the server as inline SVG.
//!
//! No script, no chart library, no external service: the page carries the
//! chart itself, so it renders offline, on an old phone and with JavaScript
//! off. Every chart is `role="img"` with an `aria-label` that says what it
//! shows in one sentence; the numbers themselves are in a data table next to
//! it (the caller renders that table), which is what a screen reader reads.
//!
//! Colours are the Okabe–Ito palette, distinguishable with every common
//! colour-vision deficiency; values are also printed as text at the bars, so
//! nothing depends on colour alone.

use crate::i18n::Lang;
use maud::{Markup, PreEscaped, html};
use std::fmt::Write as _;

/// Series colours (Okabe–Ito: blue, orange, bluish green, reddish purple).
pub const PALETTE: [&str; 4] = ["#0072b2", "#e69f00", "#009e73", "#cc79a7"];

/// Drawing width in SVG units; the SVG scales to its container.
const W: f64 = 640.0;
/// Longest bar label before it is cut (the table has it whole).
const LABEL_CHARS: usize = 32;

/// One named row of values, one value per category.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub values: Vec<f64>,
}

impl Series {
    pub fn new(name: impl Into<String>, values: Vec<f64>) -> Series {
        Series {
            name: name.into(),
            values,
        }
    }
}

/// What every chart needs: categories, one or more series and a summary
/// sentence for assistive technology.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// The `aria-label`: what the chart shows, e.g. "Kunjungan per bulan,
    /// Agustus 2023 – Juli 2024; tertinggi Juli 2024: 1.234".
    pub summary: String,
    pub categories: Vec<String>,
    pub series: Vec<Series>,
}

/// A number as people read it: thousands separated, at most one decimal.
pub fn number(v: f64, lang: Lang) -> String {
    let (thousands, decimal) = match lang {
        Lang::Id => ('.', ','),
        Lang::En => (',', '.'),
    };
    if !v.is_finite() {
        return "–".into();
    }
    let neg = v < 0.0;
    let a = v.abs();
    let rounded = (a * 10.0).round() / 10.0;
    let whole = rounded.trunc() as u64;
    let tenth = ((rounded - rounded.trunc()) * 10.0).round() as u64;
    let digits = whole.to_string();
    let mut out = String::new();
    if neg && (whole > 0 || tenth > 0) {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(thousands);
        }
        out.push(c);
    }
    if tenth > 0 {
        out.push(decimal);
        out.push(char::from(b'0' + tenth as u8));
    }
    out
}

/// Escapes text for SVG content and attributes.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// Cuts a label to `max` characters with an ellipsis (the table has it whole).
fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// A round axis maximum at or above `v`: 1, 2 or 5 times a power of ten.
pub fn nice_max(v: f64) -> f64 {
    if !v.is_finite() || v <= 0.0 {
        return 1.0;
    }
    let p = 10f64.powf(v.log10().floor());
    for m in [1.0, 2.0, 5.0, 10.0] {
        if m * p >= v {
            return m * p;
        }
    }
    10.0 * p
}

fn max_value(series: &[Series]) -> f64 {
    series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max)
}

fn open(svg: &mut String, class: &str, h: f64, summary: &str) {
    let _ = write!(
        svg,
        r#"<svg class="chart {class}" viewBox="0 0 {W} {h:.0}" role="img" aria-label="{s}" focusable="false" xmlns="http://www.w3.org/2000/svg"><title>{s}</title>"#,
        s = esc(summary)
    );
}

/// The legend: one swatch and name per series (only when there are several).
fn legend(svg: &mut String, series: &[Series], y: f64) {
    let mut x = 8.0;
    for (i, s) in series.iter().enumerate() {
        let colour = PALETTE[i % PALETTE.len()];
        let _ = write!(
            svg,
            r#"<rect x="{x:.1}" y="{:.1}" width="12" height="12" fill="{colour}"/><text x="{:.1}" y="{:.1}" class="chart-legend">{}</text>"#,
            y - 10.0,
            x + 16.0,
            y,
            esc(&s.name)
        );
        x += 16.0 + 7.0 * s.name.chars().count() as f64 + 18.0;
    }
}

/// Horizontal bars: one group per category, one bar per series, the value
/// printed after each bar. Reads well on a phone and with long names.
pub fn hbars(chart: &Chart, lang: Lang) -> Markup {
    let n_series = chart.series.len().max(1);
    let bar_h = if n_series == 1 { 16.0 } else { 12.0 };
    let group_h = bar_h * n_series as f64 + 10.0;
    let top = if chart.series.len() > 1 { 24.0 } else { 6.0 };
    let longest = chart
        .categories
        .iter()
        .map(|c| clip(c, LABEL_CHARS).chars().count())
        .max()
        .unwrap_or(0) as f64;
    // About 7.3 units per character of the 13-unit label font.
    let label_w = (longest * 7.3 + 12.0).clamp(60.0, 250.0);
    let value_room = 64.0;
    let plot_w = W - label_w - value_room;
    let max = max_value(&chart.series).max(1e-9);
    let h = top + group_h * chart.categories.len().max(1) as f64 + 4.0;
    let mut svg = String::new();
    open(&mut svg, "chart-hbars", h, &chart.summary);
    if chart.series.len() > 1 {
        legend(&mut svg, &chart.series, 14.0);
    }
    for (ci, cat) in chart.categories.iter().enumerate() {
        let gy = top + group_h * ci as f64;
        let _ = write!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end" class="chart-label">{}</text>"#,
            label_w - 8.0,
            gy + (group_h - 10.0) / 2.0 + 4.0,
            esc(&clip(cat, LABEL_CHARS))
        );
        for (si, s) in chart.series.iter().enumerate() {
            let v = s.values.get(ci).copied().unwrap_or(0.0).max(0.0);
            let w = if v > 0.0 {
                (v / max * plot_w).max(1.5)
            } else {
                0.0
            };
            let y = gy + bar_h * si as f64;
            let colour = PALETTE[si % PALETTE.len()];
            let _ = write!(
                svg,
                r#"<rect x="{label_w:.1}" y="{y:.1}" width="{w:.1}" height="{:.1}" fill="{colour}"/><text x="{:.1}" y="{:.1}" class="chart-value">{}</text>"#,
                bar_h - 2.0,
                label_w + w + 4.0,
                y + bar_h - 4.0,
                number(v, lang)
            );
        }
    }
    // The axis line where bars start.
    let _ = write!(
        svg,
        r##"<line x1="{label_w:.1}" y1="{top:.1}" x2="{label_w:.1}" y2="{:.1}" stroke="#6b6b6b" stroke-width="1"/></svg>"##,
        h - 4.0
    );
    PreEscaped(svg)
}

/// Vertical columns over time: one group per category (month), one column
/// per series, a light grid with three labelled lines.
pub fn columns(chart: &Chart, lang: Lang) -> Markup {
    let h = 230.0;
    let left = 52.0;
    let right = 8.0;
    let top = if chart.series.len() > 1 { 30.0 } else { 16.0 };
    let bottom = 34.0;
    let plot_w = W - left - right;
    let plot_h = h - top - bottom;
    let max = nice_max(max_value(&chart.series));
    let n = chart.categories.len().max(1) as f64;
    let group_w = plot_w / n;
    let n_series = chart.series.len().max(1) as f64;
    let col_w = ((group_w - 6.0) / n_series).clamp(2.0, 40.0);
    let mut svg = String::new();
    open(&mut svg, "chart-columns", h, &chart.summary);
    if chart.series.len() > 1 {
        legend(&mut svg, &chart.series, 14.0);
    }
    for k in 0..=2 {
        let v = max * f64::from(k) / 2.0;
        let y = top + plot_h - plot_h * f64::from(k) / 2.0;
        let _ = write!(
            svg,
            r##"<line x1="{left}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#{}" stroke-width="1"/><text x="{:.1}" y="{:.1}" text-anchor="end" class="chart-axis">{}</text>"##,
            W - right,
            if k == 0 { "6b6b6b" } else { "d9d9d9" },
            left - 6.0,
            y + 4.0,
            number(v, lang)
        );
    }
    // Every label when they fit, else every other one.
    let step = if group_w >= 40.0 { 1 } else { 2 };
    let show_values = chart.series.len() == 1 && group_w >= 30.0;
    for (ci, cat) in chart.categories.iter().enumerate() {
        let gx = left + group_w * ci as f64;
        let inner = col_w * n_series;
        let x0 = gx + (group_w - inner) / 2.0;
        for (si, s) in chart.series.iter().enumerate() {
            let v = s.values.get(ci).copied().unwrap_or(0.0).max(0.0);
            let ch = v / max * plot_h;
            let x = x0 + col_w * si as f64;
            let y = top + plot_h - ch;
            let colour = PALETTE[si % PALETTE.len()];
            let _ = write!(
                svg,
                r#"<rect x="{x:.1}" y="{y:.1}" width="{:.1}" height="{ch:.1}" fill="{colour}"/>"#,
                (col_w - 1.0).max(1.0)
            );
            if show_values && v > 0.0 {
                let _ = write!(
                    svg,
                    r#"<text x="{:.1}" y="{:.1}" text-anchor="middle" class="chart-value">{}</text>"#,
                    x + col_w / 2.0,
                    y - 3.0,
                    number(v, lang)
                );
            }
        }
        if ci % step == 0 {
            let _ = write!(
                svg,
                r#"<text x="{:.1}" y="{:.1}" text-anchor="middle" class="chart-axis">{}</text>"#,
                gx + group_w / 2.0,
                h - bottom + 16.0,
                esc(&clip(cat, 9))
            );
        }
    }
    svg.push_str("</svg>");
    PreEscaped(svg)
}

/// A place on the map.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub name: String,
    pub lat: f64,
    pub lon: f64,
    /// Drawn as the dot's area; zero draws a hollow ring.
    pub value: f64,
}

/// A latitude/longitude box.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    pub min_lat: f64,
    pub max_lat: f64,
    pub min_lon: f64,
    pub max_lon: f64,
}

/// Indonesia, Sabang to Merauke, Miangas to Rote.
pub const INDONESIA: Bounds = Bounds {
    min_lat: -11.2,
    max_lat: 6.3,
    min_lon: 94.8,
    max_lon: 141.2,
};

impl Bounds {
    /// The box around `points` with a margin, at least `min_deg` wide and
    /// high; Indonesia when there are none.
    pub fn around<'a>(points: impl Iterator<Item = (f64, f64)> + 'a, min_deg: f64) -> Bounds {
        let mut b: Option<Bounds> = None;
        for (lat, lon) in points {
            if !lat.is_finite() || !lon.is_finite() {
                continue;
            }
            b = Some(match b {
                None => Bounds {
                    min_lat: lat,
                    max_lat: lat,
                    min_lon: lon,
                    max_lon: lon,
                },
                Some(b) => Bounds {
                    min_lat: b.min_lat.min(lat),
                    max_lat: b.max_lat.max(lat),
                    min_lon: b.min_lon.min(lon),
                    max_lon: b.max_lon.max(lon),
                },
            });
        }
        let Some(b) = b else {
            return INDONESIA;
        };
        let pad = |lo: f64, hi: f64| {
            let mid = (lo + hi) / 2.0;
            let half = ((hi - lo) / 2.0 * 1.15).max(min_deg / 2.0);
            (mid - half, mid + half)
        };
        let (min_lat, max_lat) = pad(b.min_lat, b.max_lat);
        let (min_lon, max_lon) = pad(b.min_lon, b.max_lon);
        Bounds {
            min_lat,
            max_lat,
            min_lon,
            max_lon,
        }
    }

    pub fn contains(&self, lat: f64, lon: f64) -> bool {
        (self.min_lat..=self.max_lat).contains(&lat) && (self.min_lon..=self.max_lon).contains(&lon)
    }
}

/// A dot map: `points` projected plainly (longitude → x, latitude → y,
/// equirectangular, which near the equator is what Indonesia looks like)
/// over `context`, faint dots of the places around (region centres) that
/// give the islands their shape.
pub fn dot_map(summary: &str, bounds: Bounds, context: &[(f64, f64)], points: &[Point]) -> Markup {
    let lon_span = (bounds.max_lon - bounds.min_lon).max(1e-6);
    let lat_span = (bounds.max_lat - bounds.min_lat).max(1e-6);
    let h = (W * lat_span / lon_span).clamp(160.0, 420.0);
    // Keep the aspect: fit the box into W × h, centred.
    let scale = (W / lon_span).min(h / lat_span);
    let ox = (W - lon_span * scale) / 2.0;
    let oy = (h - lat_span * scale) / 2.0;
    let x = |lon: f64| ox + (lon - bounds.min_lon) * scale;
    let y = |lat: f64| oy + (bounds.max_lat - lat) * scale;
    let mut svg = String::new();
    open(&mut svg, "chart-map", h, summary);
    let _ = write!(
        svg,
        r##"<rect x="0" y="0" width="{W}" height="{h:.0}" fill="#eef5fa"/>"##
    );
    // One path of tiny squares: a few kilobytes for hundreds of places.
    let mut d = String::new();
    for (lat, lon) in context {
        if bounds.contains(*lat, *lon) {
            let _ = write!(d, "M{:.0} {:.0}h2v2h-2z", x(*lon), y(*lat));
        }
    }
    if !d.is_empty() {
        let _ = write!(svg, r##"<path d="{d}" fill="#b9c6cf"/>"##);
    }
    let max = points.iter().map(|p| p.value).fold(0.0, f64::max);
    // Largest last would hide small dots under big ones: draw big first.
    let mut order: Vec<&Point> = points
        .iter()
        .filter(|p| bounds.contains(p.lat, p.lon))
        .collect();
    order.sort_by(|a, b| b.value.total_cmp(&a.value));
    for p in order {
        let r = if max > 0.0 && p.value > 0.0 {
            3.0 + 9.0 * (p.value / max).sqrt()
        } else {
            3.0
        };
        let (fill, stroke) = if p.value > 0.0 {
            (PALETTE[0], "#ffffff")
        } else {
            ("none", PALETTE[1])
        };
        let _ = write!(
            svg,
            r#"<circle cx="{:.1}" cy="{:.1}" r="{r:.1}" fill="{fill}" fill-opacity="0.8" stroke="{stroke}" stroke-width="1.2"><title>{}</title></circle>"#,
            x(p.lon),
            y(p.lat),
            esc(&p.name)
        );
    }
    svg.push_str("</svg>");
    PreEscaped(svg)
}

/// A band of the scorecard, always with its word and a shape, never by
/// colour alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BandLook {
    Green,
    Yellow,
    Red,
}

impl BandLook {
    pub fn word(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (BandLook::Green, Lang::Id) => "Hijau",
            (BandLook::Green, Lang::En) => "Green",
            (BandLook::Yellow, Lang::Id) => "Kuning",
            (BandLook::Yellow, Lang::En) => "Yellow",
            (BandLook::Red, Lang::Id) => "Merah",
            (BandLook::Red, Lang::En) => "Red",
        }
    }

    pub fn class(self) -> &'static str {
        match self {
            BandLook::Green => "band band-green",
            BandLook::Yellow => "band band-yellow",
            BandLook::Red => "band band-red",
        }
    }

    /// ● ▲ ■: three shapes, so print-outs in grey still tell them apart.
    pub fn mark(self) -> &'static str {
        match self {
            BandLook::Green => "●",
            BandLook::Yellow => "▲",
            BandLook::Red => "■",
        }
    }
}

/// The band as a table cell's content.
pub fn band(b: BandLook, lang: Lang) -> Markup {
    html! { span class=(b.class()) { span aria-hidden="true" { (b.mark()) " " } (b.word(lang)) } }
}

/// A score bar for the scorecard table (decorative: the number is beside it).
pub fn score_bar(score: f64, b: BandLook) -> Markup {
    let w = score.clamp(0.0, 100.0);
    let colour = match b {
        BandLook::Green => "#009e73",
        BandLook::Yellow => "#e69f00",
        BandLook::Red => "#d55e00",
    };
    PreEscaped(format!(
        r##"<svg class="chart-score" viewBox="0 0 100 8" preserveAspectRatio="none" aria-hidden="true" focusable="false"><rect width="100" height="8" fill="#eeeeee"/><rect width="{w:.1}" height="8" fill="{colour}"/></svg>"##
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart() -> Chart {
        Chart {
            summary: "Kunjungan <per> bulan".into(),
            categories: vec!["Jan".into(), "Feb".into(), "Mar".into()],
            series: vec![Series::new("Kunjungan", vec![10.0, 0.0, 1234.0])],
        }
    }

    #[test]
    fn numbers_read_the_local_way() {
        assert_eq!(number(1234567.0, Lang::Id), "1.234.567");
        assert_eq!(number(1234567.0, Lang::En), "1,234,567");
        assert_eq!(number(12.25, Lang::Id), "12,3");
        assert_eq!(number(0.0, Lang::Id), "0");
        assert_eq!(number(-5.0, Lang::Id), "-5");
        assert_eq!(number(f64::NAN, Lang::Id), "–");
    }

    #[test]
    fn axis_maxima_are_round() {
        assert_eq!(nice_max(0.0), 1.0);
        assert_eq!(nice_max(7.0), 10.0);
        assert_eq!(nice_max(10.0), 10.0);
        assert_eq!(nice_max(13.0), 20.0);
        assert_eq!(nice_max(1234.0), 2000.0);
        assert_eq!(nice_max(4100.0), 5000.0);
    }

    #[test]
    fn charts_are_labelled_images_with_their_values_as_text() {
        for svg in [
            hbars(&chart(), Lang::Id).into_string(),
            columns(&chart(), Lang::Id).into_string(),
        ] {
            assert!(svg.starts_with("<svg class=\"chart"), "{svg}");
            assert!(svg.contains(r#"role="img""#));
            assert!(
                svg.contains(r#"aria-label="Kunjungan &lt;per&gt; bulan""#),
                "{svg}"
            );
            assert!(svg.contains("<title>Kunjungan &lt;per&gt; bulan</title>"));
            assert!(svg.contains(">1.234<"), "the value is printed: {svg}");
            assert!(svg.ends_with("</svg>"));
            assert!(!svg.contains("NaN"));
        }
    }

    #[test]
    fn bars_are_proportional_and_a_zero_draws_nothing() {
        let svg = hbars(&chart(), Lang::En).into_string();
        let widths: Vec<f64> = svg
            .split(" width=\"")
            .skip(1)
            .filter_map(|s| s.split('"').next()?.parse().ok())
            .collect();
        assert_eq!(widths.len(), 3, "{svg}");
        assert_eq!(widths[1], 0.0);
        assert!((widths[2] / widths[0] - 123.4).abs() < 1.0, "{widths:?}");
    }

    #[test]
    fn two_series_get_a_legend() {
        let mut c = chart();
        c.series
            .push(Series::new("Peminjaman", vec![1.0, 2.0, 3.0]));
        let svg = columns(&c, Lang::Id).into_string();
        assert!(svg.contains(">Peminjaman<"));
        assert!(svg.contains(PALETTE[1]));
    }

    #[test]
    fn the_map_projects_inside_its_box_and_keeps_every_point() {
        let points = vec![
            Point {
                name: "Sabang".into(),
                lat: 5.89,
                lon: 95.32,
                value: 10.0,
            },
            Point {
                name: "Merauke".into(),
                lat: -8.49,
                lon: 140.4,
                value: 0.0,
            },
        ];
        let svg = dot_map("Peta", INDONESIA, &[(-7.6, 111.3)], &points).into_string();
        assert_eq!(svg.matches("<circle").count(), 2);
        assert!(svg.contains("<title>Merauke</title>"));
        assert!(svg.contains(r#"fill="none""#), "a zero is a hollow ring");
        for c in svg.split("cx=\"").skip(1) {
            let x: f64 = c.split('"').next().unwrap().parse().unwrap();
            assert!((0.0..=W).contains(&x), "{x}");
        }
        let b = Bounds::around(points.iter().map(|p| (p.lat, p.lon)), 0.2);
        assert!(b.contains(5.89, 95.32) && b.contains(-8.49, 140.4));
        let one = Bounds::around([(-7.6, 111.3)].into_iter(), 0.2);
        assert!(one.max_lat - one.min_lat >= 0.2 - 1e-9);
        assert_eq!(Bounds::around(std::iter::empty(), 0.2), INDONESIA);
    }

    #[test]
    fn bands_carry_words_and_shapes() {
        let m = band(BandLook::Red, Lang::Id).into_string();
        assert!(m.contains("Merah") && m.contains("■"));
        assert_eq!(BandLook::Green.word(Lang::En), "Green");
    }
}
