//! QR codes (ISO/IEC 18004) at error correction level M.
//!
//! Encoding is done by the `qrcode` crate; this module fixes the choices
//! (level M, smallest version that holds the data) and turns the matrix
//! into the horizontal runs we draw as rectangles.

use qrcode::{Color, EcLevel, QrCode, Version};

use crate::error::PrintError;

/// Width of the quiet zone required around the symbol, in modules.
pub const QUIET_ZONE_MODULES: usize = 4;

/// A QR symbol as a square matrix of modules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrMatrix {
    version: u8,
    size: usize,
    dark: Vec<bool>,
}

impl QrMatrix {
    /// Encodes `data` at error correction level M in the smallest version
    /// (1–40) that holds it; the encoder picks numeric, alphanumeric or
    /// byte mode per segment. Errors when the data is too long for
    /// version 40.
    pub fn encode(data: &str) -> Result<Self, PrintError> {
        let too_long = || PrintError::QrData { len: data.len() };
        let code = QrCode::with_error_correction_level(data.as_bytes(), EcLevel::M)
            .map_err(|_| too_long())?;
        let version = match code.version() {
            Version::Normal(v) => u8::try_from(v).map_err(|_| too_long())?,
            Version::Micro(_) => return Err(too_long()),
        };
        let size = code.width();
        let dark = code
            .to_colors()
            .into_iter()
            .map(|c| c == Color::Dark)
            .collect();
        Ok(QrMatrix {
            version,
            size,
            dark,
        })
    }

    /// The QR version, 1 to 40.
    pub fn version(&self) -> u8 {
        self.version
    }

    /// Modules per side: 21 + 4·(version − 1). Quiet zone not included.
    pub fn size(&self) -> usize {
        self.size
    }

    /// Whether the module in column `x`, row `y` (from the top-left) is
    /// dark. Outside the matrix is light.
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        x < self.size && y < self.size && self.dark[y * self.size + x]
    }

    /// Horizontal runs of dark modules as `(x, y, length)`; drawing one
    /// rectangle per run avoids hairline seams between modules that some
    /// readers show between abutting rectangles.
    pub fn runs(&self) -> Vec<(usize, usize, usize)> {
        let mut runs = Vec::new();
        for y in 0..self.size {
            let mut x = 0;
            while x < self.size {
                if self.is_dark(x, y) {
                    let start = x;
                    while x < self.size && self.is_dark(x, y) {
                        x += 1;
                    }
                    runs.push((start, y, x - start));
                } else {
                    x += 1;
                }
            }
        }
        runs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "https://lentera.example.id/verifikasi/sertifikat/2026-0001";

    fn check_finder(m: &QrMatrix, left: usize, top: usize) {
        for dy in 0..7 {
            for dx in 0..7 {
                let ring = dx == 0 || dx == 6 || dy == 0 || dy == 6;
                let core = (2..=4).contains(&dx) && (2..=4).contains(&dy);
                assert_eq!(
                    m.is_dark(left + dx, top + dy),
                    ring || core,
                    "finder at ({left},{top}) module ({dx},{dy})"
                );
            }
        }
    }

    /// Reads the 15 format bits next to the top-left finder, most
    /// significant first, as ISO/IEC 18004 §7.9 places them.
    fn format_bits(m: &QrMatrix) -> u16 {
        let mut positions: Vec<(usize, usize)> = Vec::new();
        // Row 8 left to right (skipping the timing column), then column 8
        // bottom to top (skipping the timing row).
        for x in [0, 1, 2, 3, 4, 5, 7] {
            positions.push((x, 8));
        }
        for y in [8, 7, 5, 4, 3, 2, 1, 0] {
            positions.push((8, y));
        }
        positions
            .iter()
            .fold(0u16, |acc, &(x, y)| (acc << 1) | u16::from(m.is_dark(x, y)))
    }

    /// BCH(15,5) remainder of the 5 data bits, generator 10100110111.
    fn bch_remainder(data: u16) -> u16 {
        let mut v = data << 10;
        for shift in (10..15).rev() {
            if v & (1 << shift) != 0 {
                v ^= 0b101_0011_0111 << (shift - 10);
            }
        }
        v
    }

    #[test]
    fn structure_matches_the_specification() {
        let m = QrMatrix::encode(URL).unwrap();
        assert!(m.version() >= 1);
        assert_eq!(m.size(), 21 + 4 * (usize::from(m.version()) - 1));
        let n = m.size();
        check_finder(&m, 0, 0);
        check_finder(&m, n - 7, 0);
        check_finder(&m, 0, n - 7);
        // Timing patterns alternate between the finders.
        for i in 8..n - 8 {
            assert_eq!(m.is_dark(i, 6), i % 2 == 0);
            assert_eq!(m.is_dark(6, i), i % 2 == 0);
        }
        // The dark module beside the bottom-left finder.
        assert!(m.is_dark(8, n - 8));
    }

    #[test]
    fn format_information_says_level_m_and_is_valid() {
        let m = QrMatrix::encode(URL).unwrap();
        let unmasked = format_bits(&m) ^ 0b101_0100_0001_0010;
        let data = unmasked >> 10;
        assert_eq!(data >> 3, 0b00, "error correction level bits for M");
        assert_eq!(unmasked & 0x3FF, bch_remainder(data));
    }

    #[test]
    fn smallest_version_is_chosen() {
        // 14 bytes fit version 1-M in byte mode; 200 bytes need more.
        assert_eq!(QrMatrix::encode("LENTERA-000001").unwrap().version(), 1);
        let long = "x".repeat(200);
        let v = QrMatrix::encode(&long).unwrap().version();
        // Version 9-M holds 180 bytes, version 10-M 213.
        assert_eq!(v, 10);
    }

    #[test]
    fn too_much_data_is_an_error() {
        let huge = "x".repeat(3000);
        assert!(matches!(
            QrMatrix::encode(&huge),
            Err(PrintError::QrData { len: 3000 })
        ));
    }

    #[test]
    fn runs_cover_exactly_the_dark_modules() {
        let m = QrMatrix::encode(URL).unwrap();
        let mut painted = vec![false; m.size() * m.size()];
        for (x, y, len) in m.runs() {
            for cell in &mut painted[y * m.size() + x..y * m.size() + x + len] {
                assert!(!*cell, "overlapping runs");
                *cell = true;
            }
        }
        for y in 0..m.size() {
            for x in 0..m.size() {
                assert_eq!(painted[y * m.size() + x], m.is_dark(x, y));
            }
        }
    }

    #[test]
    fn decodes_back_with_an_independent_reader() {
        for data in [
            URL,
            "LENTERA-000001",
            "https://perpusnas.go.id/v?id=ABC&n=12",
        ] {
            let m = QrMatrix::encode(data).unwrap();
            let scale = 4;
            let side = (m.size() + 2 * QUIET_ZONE_MODULES) * scale;
            let mut img = rqrr::PreparedImage::prepare_from_greyscale(side, side, |x, y| {
                let mx = (x / scale).wrapping_sub(QUIET_ZONE_MODULES);
                let my = (y / scale).wrapping_sub(QUIET_ZONE_MODULES);
                if m.is_dark(mx, my) { 0 } else { 255 }
            });
            let grids = img.detect_grids();
            assert_eq!(grids.len(), 1, "{data}");
            let (meta, content) = grids[0].decode().unwrap();
            assert_eq!(content, data);
            assert_eq!(meta.version.0, usize::from(m.version()));
            // rqrr reports the level as the 2 format bits: M is 0.
            assert_eq!(meta.ecc_level, 0);
        }
    }
}
