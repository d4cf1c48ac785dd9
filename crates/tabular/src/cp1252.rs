//! Windows-1252 decoding for CSV files saved by Excel in the Windows "ANSI"
//! code page. Only 0x80–0x9F differ from Latin-1, so the table is small.

/// Code points for bytes 0x80–0x9F. The five bytes Windows-1252 leaves
/// undefined map to the C1 control with the same number, as browsers do.
const HIGH: [char; 32] = [
    '\u{20AC}', '\u{0081}', '\u{201A}', '\u{0192}', '\u{201E}', '\u{2026}', '\u{2020}', '\u{2021}',
    '\u{02C6}', '\u{2030}', '\u{0160}', '\u{2039}', '\u{0152}', '\u{008D}', '\u{017D}', '\u{008F}',
    '\u{0090}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}', '\u{2014}',
    '\u{02DC}', '\u{2122}', '\u{0161}', '\u{203A}', '\u{0153}', '\u{009D}', '\u{017E}', '\u{0178}',
];

/// Decodes Windows-1252 bytes. Every byte maps to a character, so this
/// cannot fail.
pub(crate) fn decode(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0x9F => HIGH[usize::from(b - 0x80)],
            _ => char::from(b),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::decode;

    #[test]
    fn decodes_latin_and_high_range() {
        assert_eq!(decode(b"Caf\xE9"), "Café");
        assert_eq!(decode(b"\x80 \x93kutip\x94 \x96"), "€ “kutip” –");
        assert_eq!(decode(b"\x81"), "\u{81}");
        assert_eq!(decode(b"Cipayung Jaya"), "Cipayung Jaya");
    }
}
