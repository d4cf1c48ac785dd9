//! Text encoding and measurement for the two standard-14 fonts we use.
//!
//! Documents use Helvetica and Helvetica-Bold with `WinAnsiEncoding`, which
//! every PDF reader has built in, so no font files are shipped or embedded.
//! Text is converted to WinAnsi (Windows-1252) bytes before it is measured
//! or drawn; measuring the same bytes that are drawn keeps wrapping,
//! centring and shrink-to-fit exact.
//!
//! **Characters outside WinAnsi** (Arabic, Javanese script, emoji, CJK,
//! combining accents, ...) are printed as `?`. Tab, line feed and carriage
//! return become spaces in single-line text. Indonesian is written in the
//! Latin alphabet, so real names and titles are unaffected; the only
//! common casualty is text in a decomposed Unicode form (`e` + U+0301),
//! which callers should normalise to NFC first.

/// Font ascender (and cap height) of Helvetica, in units of the font size.
pub const ASCENT: f32 = 0.718;
/// Font descender of Helvetica below the baseline, in units of the font size.
pub const DESCENT: f32 = 0.207;

/// Points per millimetre.
pub(crate) const PT_PER_MM: f32 = 72.0 / 25.4;

/// Converts points to millimetres.
pub(crate) fn pt_to_mm(pt: f32) -> f32 {
    pt / PT_PER_MM
}

/// One of the two fonts every document uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Font {
    /// Helvetica.
    Regular,
    /// Helvetica-Bold.
    Bold,
}

impl Font {
    /// The PostScript name of the standard-14 font.
    pub(crate) fn base_name(self) -> &'static [u8] {
        match self {
            Font::Regular => b"Helvetica",
            Font::Bold => b"Helvetica-Bold",
        }
    }

    /// The name under which pages refer to the font in their resources.
    pub(crate) fn resource_name(self) -> &'static [u8] {
        match self {
            Font::Regular => b"F1",
            Font::Bold => b"F2",
        }
    }

    /// Advance width of the glyph for WinAnsi code `code`, in 1/1000 of
    /// the font size. Codes below 32 and codes WinAnsi leaves undefined
    /// have width 0; [`encode`] never produces them.
    pub fn glyph_width(self, code: u8) -> u16 {
        let table = match self {
            Font::Regular => &HELVETICA,
            Font::Bold => &HELVETICA_BOLD,
        };
        match code.checked_sub(FIRST_CODE) {
            Some(i) => table[usize::from(i)],
            None => 0,
        }
    }

    /// The widths of codes [`FIRST_CODE`]..=255, as written into the PDF's
    /// `/Widths` array so every reader lays text out exactly as measured.
    pub(crate) fn widths(self) -> &'static [u16; 224] {
        match self {
            Font::Regular => &HELVETICA,
            Font::Bold => &HELVETICA_BOLD,
        }
    }
}

/// First code in the width tables (space).
pub(crate) const FIRST_CODE: u8 = 32;

// Advance widths from Adobe's Core 14 AFM files (Helvetica.afm,
// Helvetica-Bold.afm, version 003.001), laid out by WinAnsi code from 32 to
// 255, sixteen codes per line. Zero marks codes WinAnsi leaves undefined
// (0x7F, 0x81, 0x8D, 0x8F, 0x90, 0x9D). The Euro (0x80), absent from the
// 1999 AFMs, takes the 556 every later Helvetica release gives it.
#[rustfmt::skip]
const HELVETICA: [u16; 224] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // 0x20
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 0x30
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // 0x40
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // 0x50
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // 0x60
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, 0,   // 0x70
    556, 0, 222, 556, 333, 1000, 556, 556, 333, 1000, 667, 333, 1000, 0, 611, 0,    // 0x80
    0, 222, 222, 333, 333, 350, 556, 1000, 333, 1000, 500, 333, 944, 0, 500, 667,   // 0x90
    278, 333, 556, 556, 556, 556, 260, 556, 333, 737, 370, 556, 584, 333, 737, 333, // 0xA0
    400, 584, 333, 333, 333, 556, 537, 278, 333, 333, 365, 556, 834, 834, 834, 611, // 0xB0
    667, 667, 667, 667, 667, 667, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278, // 0xC0
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611, // 0xD0
    556, 556, 556, 556, 556, 556, 889, 500, 556, 556, 556, 556, 278, 278, 278, 278, // 0xE0
    556, 556, 556, 556, 556, 556, 556, 584, 611, 556, 556, 556, 556, 500, 556, 500, // 0xF0
];

#[rustfmt::skip]
const HELVETICA_BOLD: [u16; 224] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, // 0x20
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, // 0x30
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778, // 0x40
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556, // 0x50
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, // 0x60
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584, 0,   // 0x70
    556, 0, 278, 556, 500, 1000, 556, 556, 333, 1000, 667, 333, 1000, 0, 611, 0,    // 0x80
    0, 278, 278, 500, 500, 350, 556, 1000, 333, 1000, 556, 333, 944, 0, 500, 667,   // 0x90
    278, 333, 556, 556, 556, 556, 280, 556, 333, 737, 370, 556, 584, 333, 737, 333, // 0xA0
    400, 584, 333, 333, 333, 611, 556, 278, 333, 333, 365, 556, 834, 834, 834, 611, // 0xB0
    722, 722, 722, 722, 722, 722, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278, // 0xC0
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611, // 0xD0
    556, 556, 556, 556, 556, 556, 889, 556, 556, 556, 556, 556, 278, 278, 278, 278, // 0xE0
    611, 611, 611, 611, 611, 611, 611, 584, 611, 611, 611, 611, 611, 556, 611, 556, // 0xF0
];

/// The WinAnsi code for `c`, if WinAnsiEncoding has a glyph for it.
///
/// Printable ASCII and Latin-1 map to themselves; the 0x80–0x9F block holds
/// the typographic extras Windows-1252 adds (curly quotes, dashes, €, ...).
pub fn win_ansi_code(c: char) -> Option<u8> {
    let code = match c {
        ' '..='~' | '\u{A0}'..='\u{FF}' => return u8::try_from(u32::from(c)).ok(),
        '\u{20AC}' => 0x80,
        '\u{201A}' => 0x82,
        '\u{0192}' => 0x83,
        '\u{201E}' => 0x84,
        '\u{2026}' => 0x85,
        '\u{2020}' => 0x86,
        '\u{2021}' => 0x87,
        '\u{02C6}' => 0x88,
        '\u{2030}' => 0x89,
        '\u{0160}' => 0x8A,
        '\u{2039}' => 0x8B,
        '\u{0152}' => 0x8C,
        '\u{017D}' => 0x8E,
        '\u{2018}' => 0x91,
        '\u{2019}' => 0x92,
        '\u{201C}' => 0x93,
        '\u{201D}' => 0x94,
        '\u{2022}' => 0x95,
        '\u{2013}' => 0x96,
        '\u{2014}' => 0x97,
        '\u{02DC}' => 0x98,
        '\u{2122}' => 0x99,
        '\u{0161}' => 0x9A,
        '\u{203A}' => 0x9B,
        '\u{0153}' => 0x9C,
        '\u{017E}' => 0x9E,
        '\u{0178}' => 0x9F,
        _ => return None,
    };
    Some(code)
}

/// Encodes one line of text as WinAnsi bytes, one byte per character.
///
/// Tab, line feed and carriage return become a space; any other character
/// WinAnsi cannot show becomes `?`.
pub fn encode(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => b' ',
            _ => win_ansi_code(c).unwrap_or(b'?'),
        })
        .collect()
}

/// Width of `text` set in `font` at `size` points, in points.
///
/// Exactly the advance the PDF reader uses, since the same widths are
/// written into the document. No kerning is applied, by readers or here.
pub fn width_pt(font: Font, size: f32, text: &str) -> f32 {
    width_of_codes(font, size, &encode(text))
}

fn width_of_codes(font: Font, size: f32, codes: &[u8]) -> f32 {
    let units: u32 = codes.iter().map(|&b| u32::from(font.glyph_width(b))).sum();
    units as f32 * size / 1000.0
}

/// Width of `text` in millimetres; see [`width_pt`].
pub fn width_mm(font: Font, size: f32, text: &str) -> f32 {
    pt_to_mm(width_pt(font, size, text))
}

/// Breaks `text` into lines no wider than `max_width_pt`.
///
/// Line feeds force a break (an empty input line yields an empty output
/// line). Lines break between words; a word wider than the limit is split
/// between characters. Every returned line is at most `max_width_pt` wide,
/// except a line holding a single character that is itself wider.
/// Whitespace-only input gives no lines.
pub fn wrap(font: Font, size: f32, text: &str, max_width_pt: f32) -> Vec<String> {
    let mut lines = Vec::new();
    if text.trim().is_empty() {
        return lines;
    }
    for hard_line in text.split('\n') {
        let words: Vec<&str> = hard_line.split_whitespace().collect();
        if words.is_empty() {
            lines.push(String::new());
            continue;
        }
        let space = width_pt(font, size, " ");
        let mut current = String::new();
        let mut current_w = 0.0;
        for word in words {
            let word_w = width_pt(font, size, word);
            if current.is_empty() {
                if word_w <= max_width_pt {
                    current.push_str(word);
                    current_w = word_w;
                } else {
                    let mut pieces = split_word(font, size, word, max_width_pt);
                    // The last piece may still take following words.
                    if let Some(last) = pieces.pop() {
                        lines.extend(pieces);
                        current_w = width_pt(font, size, &last);
                        current = last;
                    }
                }
            } else if current_w + space + word_w <= max_width_pt {
                current.push(' ');
                current.push_str(word);
                current_w += space + word_w;
            } else {
                lines.push(std::mem::take(&mut current));
                if word_w <= max_width_pt {
                    current.push_str(word);
                    current_w = word_w;
                } else {
                    let mut pieces = split_word(font, size, word, max_width_pt);
                    if let Some(last) = pieces.pop() {
                        lines.extend(pieces);
                        current_w = width_pt(font, size, &last);
                        current = last;
                    }
                }
            }
        }
        if !current.is_empty() {
            lines.push(current);
        }
    }
    lines
}

/// Splits one word into pieces no wider than `max_width_pt` (at least one
/// character per piece).
fn split_word(font: Font, size: f32, word: &str, max_width_pt: f32) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut piece = String::new();
    let mut piece_w = 0.0;
    for c in word.chars() {
        let mut buf = [0u8; 4];
        let w = width_pt(font, size, c.encode_utf8(&mut buf));
        if !piece.is_empty() && piece_w + w > max_width_pt {
            pieces.push(std::mem::take(&mut piece));
            piece_w = 0.0;
        }
        piece.push(c);
        piece_w += w;
    }
    if !piece.is_empty() {
        pieces.push(piece);
    }
    pieces
}

/// Shortens `text` so that it is at most `max_width_pt` wide, ending it
/// with an ellipsis when anything was cut. Returns an empty string when not
/// even the ellipsis fits.
pub fn truncate(font: Font, size: f32, text: &str, max_width_pt: f32) -> String {
    let text = text.trim();
    if width_pt(font, size, text) <= max_width_pt {
        return text.to_string();
    }
    let ellipsis_w = width_pt(font, size, "\u{2026}");
    let mut out = String::new();
    let mut w = ellipsis_w;
    for c in text.chars() {
        let mut buf = [0u8; 4];
        let cw = width_pt(font, size, c.encode_utf8(&mut buf));
        if w + cw > max_width_pt {
            break;
        }
        out.push(c);
        w += cw;
    }
    if w > max_width_pt {
        return String::new();
    }
    let mut out = out.trim_end().to_string();
    out.push('\u{2026}');
    out
}

/// Line height used for wrapped text, in units of the font size.
pub const LINE_HEIGHT: f32 = 1.2;

/// Height from the top of the first line's ascender to the bottom of the
/// last line's descender for `lines` lines at `size` points, in points.
pub fn block_height_pt(size: f32, lines: usize) -> f32 {
    if lines == 0 {
        return 0.0;
    }
    (lines - 1) as f32 * size * LINE_HEIGHT + (ASCENT + DESCENT) * size
}

/// Text fitted into a box by [`fit`] or [`fit_lines`].
#[derive(Debug, Clone, PartialEq)]
pub struct Fitted {
    /// Chosen font size in points.
    pub size: f32,
    /// Lines to draw, top to bottom.
    pub lines: Vec<String>,
}

impl Fitted {
    /// Total height of the lines (ascender of the first to descender of the
    /// last), in points.
    pub fn height_pt(&self) -> f32 {
        block_height_pt(self.size, self.lines.len())
    }

    /// Width of the widest line, in points.
    pub fn width_pt(&self, font: Font) -> f32 {
        self.lines
            .iter()
            .map(|l| width_pt(font, self.size, l))
            .fold(0.0, f32::max)
    }
}

const SIZE_STEP: f32 = 0.25;

/// Fits free text into a `box_w_pt` × `box_h_pt` box: the largest size from
/// `max_size` down to `min_size` (in 0.25 pt steps) at which the text,
/// wrapped to at most `max_lines` lines, fits.
///
/// Guarantee: the result always fits the box (every line no wider than
/// `box_w_pt`, [`Fitted::height_pt`] no taller than `box_h_pt`). When the
/// text does not fit even at `min_size`, it is wrapped at `min_size` (or
/// smaller, if the box is lower than one line), cut to the lines that fit,
/// and the last line ends with an ellipsis.
pub fn fit(
    font: Font,
    text: &str,
    box_w_pt: f32,
    box_h_pt: f32,
    max_size: f32,
    min_size: f32,
    max_lines: usize,
) -> Fitted {
    let max_lines = max_lines.max(1);
    let mut size = max_size;
    while size >= min_size {
        let lines = wrap(font, size, text, box_w_pt);
        if lines.len() <= max_lines
            && block_height_pt(size, lines.len()) <= box_h_pt
            && lines.iter().all(|l| width_pt(font, size, l) <= box_w_pt)
        {
            return Fitted { size, lines };
        }
        size -= SIZE_STEP;
    }
    let size = min_size.min(box_h_pt / (ASCENT + DESCENT)).max(0.0);
    let mut lines = wrap(font, size, text, box_w_pt);
    let room = lines_that_fit(size, box_h_pt).min(max_lines);
    if lines.len() > room {
        lines.truncate(room);
        if let Some(last) = lines.last_mut() {
            let marked = format!("{last}\u{2026}");
            *last = truncate(font, size, &marked, box_w_pt);
        }
    }
    for line in &mut lines {
        if width_pt(font, size, line) > box_w_pt {
            *line = truncate(font, size, line, box_w_pt);
        }
    }
    Fitted { size, lines }
}

/// Fits given lines (not re-wrapped) into a box at one common size: the
/// largest size from `max_size` down to `min_size` at which every line fits
/// the width and all lines fit the height.
///
/// Guarantee: as for [`fit`]; below `min_size`, lines are cut with an
/// ellipsis and lines beyond the box height are dropped.
pub fn fit_lines(
    font: Font,
    lines: &[String],
    box_w_pt: f32,
    box_h_pt: f32,
    max_size: f32,
    min_size: f32,
) -> Fitted {
    let widest_units: u32 = lines
        .iter()
        .map(|l| {
            encode(l)
                .iter()
                .map(|&b| u32::from(font.glyph_width(b)))
                .sum()
        })
        .max()
        .unwrap_or(0);
    let mut size = max_size;
    while size >= min_size {
        let wide_ok = widest_units as f32 * size / 1000.0 <= box_w_pt;
        if wide_ok && block_height_pt(size, lines.len()) <= box_h_pt {
            return Fitted {
                size,
                lines: lines.to_vec(),
            };
        }
        size -= SIZE_STEP;
    }
    let size = min_size.min(box_h_pt / (ASCENT + DESCENT)).max(0.0);
    let room = lines_that_fit(size, box_h_pt);
    let lines = lines
        .iter()
        .take(room)
        .map(|l| truncate(font, size, l, box_w_pt))
        .collect();
    Fitted { size, lines }
}

/// How many lines at `size` fit in `box_h_pt`.
fn lines_that_fit(size: f32, box_h_pt: f32) -> usize {
    if size <= 0.0 || box_h_pt < (ASCENT + DESCENT) * size {
        return 0;
    }
    1 + ((box_h_pt - (ASCENT + DESCENT) * size) / (size * LINE_HEIGHT)).floor() as usize
}

/// Formats a number the Indonesian way: `.` groups thousands, `,` marks
/// decimals; at most two decimals, trailing zeros dropped
/// (`1234567.5` → `1.234.567,5`).
pub fn format_number(value: f64) -> String {
    if !value.is_finite() {
        return "?".to_string();
    }
    let negative = value < 0.0;
    let cents = (value.abs() * 100.0).round();
    let whole = (cents / 100.0).trunc();
    let frac = (cents - whole * 100.0) as u32;
    let digits = format!("{whole:.0}");
    let mut grouped = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push('.');
        }
        grouped.push(d);
    }
    let mut out = String::new();
    if negative && cents > 0.0 {
        out.push('-');
    }
    out.push_str(&grouped);
    if frac > 0 {
        let f = format!("{frac:02}");
        out.push(',');
        out.push_str(f.trim_end_matches('0'));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_and_latin1_encode_to_themselves() {
        assert_eq!(encode("Perpustakaan Desa"), b"Perpustakaan Desa".to_vec());
        assert_eq!(encode("café"), vec![b'c', b'a', b'f', 0xE9]);
    }

    #[test]
    fn windows_1252_extras_are_mapped() {
        assert_eq!(
            encode("\u{201C}a\u{201D} \u{2013} \u{20AC}"),
            vec![0x93, b'a', 0x94, b' ', 0x96, b' ', 0x80]
        );
    }

    #[test]
    fn characters_outside_win_ansi_become_question_marks() {
        assert_eq!(encode("ꦲ日😀"), b"???".to_vec());
        // A decomposed accent: the base letter survives, the mark does not.
        assert_eq!(encode("e\u{301}"), b"e?".to_vec());
        assert_eq!(encode("a\tb\nc"), b"a b c".to_vec());
        assert_eq!(encode("\u{7f}\u{1}"), b"??".to_vec());
    }

    #[test]
    fn widths_follow_the_afm_tables() {
        // "Lentera" = L 556 + e 556 + n 556 + t 278 + e 556 + r 333 + a 556.
        assert!((width_pt(Font::Regular, 10.0, "Lentera") - 33.91).abs() < 1e-4);
        // Bold: L 611 + e 556 + n 611 + t 333 + e 556 + r 389 + a 556.
        assert!((width_pt(Font::Bold, 10.0, "Lentera") - 36.12).abs() < 1e-4);
        assert_eq!(Font::Regular.glyph_width(b'W'), 944);
        assert_eq!(Font::Bold.glyph_width(b'i'), 278);
        assert_eq!(Font::Regular.glyph_width(0x85), 1000);
        assert_eq!(Font::Regular.glyph_width(b'\n'), 0);
    }

    #[test]
    fn every_encodable_code_has_a_width() {
        for code in 32..=255u8 {
            let undefined = matches!(code, 0x7F | 0x81 | 0x8D | 0x8F | 0x90 | 0x9D);
            for font in [Font::Regular, Font::Bold] {
                assert_eq!(font.glyph_width(code) == 0, undefined, "code {code:#x}");
            }
        }
    }

    #[test]
    fn wrap_keeps_every_line_within_the_width() {
        let text = "Perpustakaan Desa Sukamaju menyelenggarakan pelatihan literasi digital \
                    bagi warga Kecamatan Cibeber dan sekitarnya";
        for max in [40.0, 80.0, 150.0] {
            let lines = wrap(Font::Regular, 10.0, text, max);
            assert!(lines.len() > 1);
            for l in &lines {
                assert!(
                    width_pt(Font::Regular, 10.0, l) <= max,
                    "{l:?} wider than {max}"
                );
            }
            assert_eq!(lines.concat().replace(' ', ""), text.replace(' ', ""));
            if max >= 100.0 {
                // Wide enough for every word: breaks only at spaces.
                assert_eq!(lines.join(" "), text);
            }
        }
    }

    #[test]
    fn wrap_splits_words_longer_than_the_line() {
        let lines = wrap(Font::Bold, 10.0, "Dr. Wiryawinatakusumaningrat", 50.0);
        assert!(lines.len() >= 3);
        for l in &lines {
            assert!(width_pt(Font::Bold, 10.0, l) <= 50.0);
        }
        assert_eq!(
            lines.concat().replace(' ', ""),
            "Dr.Wiryawinatakusumaningrat"
        );
    }

    #[test]
    fn wrap_honours_line_feeds() {
        let lines = wrap(Font::Regular, 10.0, "satu\n\ndua", 500.0);
        assert_eq!(lines, vec!["satu", "", "dua"]);
        assert!(wrap(Font::Regular, 10.0, "  \n ", 100.0).is_empty());
    }

    #[test]
    fn fit_prefers_the_largest_size_that_fits() {
        let f = fit(Font::Bold, "Siti Aminah", 200.0, 30.0, 12.0, 6.0, 1);
        assert_eq!(f.size, 12.0);
        assert_eq!(f.lines, vec!["Siti Aminah"]);
        let long = "Raden Ajeng Siti Nurhaliza Kusumawardhani Prawiranegara";
        let f = fit(Font::Bold, long, 150.0, 30.0, 12.0, 6.0, 2);
        assert!(f.size < 12.0 && f.size >= 6.0);
        assert!(f.lines.len() <= 2);
        assert!(f.width_pt(Font::Bold) <= 150.0);
        assert!(f.height_pt() <= 30.0);
    }

    #[test]
    fn fit_truncates_when_even_the_minimum_size_is_too_big() {
        let long = "Perpustakaan Umum Desa Sumberrejo Kecamatan Wonosari Kabupaten Gunungkidul";
        let f = fit(Font::Regular, long, 60.0, 10.0, 10.0, 6.0, 1);
        assert_eq!(f.size, 6.0);
        assert_eq!(f.lines.len(), 1);
        assert!(f.lines[0].ends_with('\u{2026}'));
        assert!(f.width_pt(Font::Regular) <= 60.0);
        assert!(f.height_pt() <= 10.0);
        // A box lower than one line at the minimum size still gets a line
        // that fits it.
        let f = fit(Font::Regular, "abc", 60.0, 3.0, 10.0, 6.0, 1);
        assert!(f.height_pt() <= 3.0 + 1e-4);
    }

    #[test]
    fn fit_lines_shrinks_all_lines_together() {
        let lines = vec!["899.221 3".to_string(), "SAN".to_string(), "p".to_string()];
        let f = fit_lines(Font::Bold, &lines, 40.0, 60.0, 12.0, 5.0);
        assert_eq!(f.lines, lines);
        assert!(f.width_pt(Font::Bold) <= 40.0);
        assert!(f.height_pt() <= 60.0);
        assert!(f.size < 12.0);
    }

    #[test]
    fn truncate_adds_an_ellipsis_only_when_needed() {
        assert_eq!(truncate(Font::Regular, 10.0, "abc", 100.0), "abc");
        let t = truncate(Font::Regular, 10.0, "abcdefghijklmnop", 40.0);
        assert!(t.ends_with('\u{2026}'));
        assert!(width_pt(Font::Regular, 10.0, &t) <= 40.0);
        assert_eq!(truncate(Font::Regular, 10.0, "abc", 1.0), "");
    }

    #[test]
    fn numbers_are_formatted_the_indonesian_way() {
        assert_eq!(format_number(0.0), "0");
        assert_eq!(format_number(999.0), "999");
        assert_eq!(format_number(1000.0), "1.000");
        assert_eq!(format_number(1234567.5), "1.234.567,5");
        assert_eq!(format_number(12.345), "12,35");
        assert_eq!(format_number(-4200.0), "-4.200");
    }
}
