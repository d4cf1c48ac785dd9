//! MARC-8 → Unicode conversion.
//!
//! MARC-8 is an ISO 2022-style encoding: G0 (bytes 0x21–0x7E) starts as ASCII
//! and G1 (0xA1–0xFE) as ANSEL; escape sequences switch either half to another
//! set (Greek, Cyrillic, Hebrew, Arabic, subscripts, ...). Combining marks come
//! *before* their base character in MARC-8 and *after* it in Unicode, so the
//! decoder holds marks back until the base arrives. Output is NFC.
//!
//! Coverage and choices:
//! - Converted: ASCII, ANSEL (extended Latin), Basic and Extended Cyrillic,
//!   Basic Hebrew, Basic and Extended Arabic, Basic Greek, Greek symbols,
//!   subscripts and superscripts, transcribed from the LC code tables
//!   (`src/marc8/tables.rs`). EACC (CJK, three bytes
//!   per character, `ESC $ 1`) is recognised and each character becomes
//!   U+FFFD with a [`WarningKind::EaccNotSupported`] warning.
//! - A G0 byte the active non-ASCII set does not define falls back to ASCII
//!   (records often leave punctuation in e.g. Greek runs); an undefined G1 or
//!   C1 byte becomes U+FFFD with [`WarningKind::Marc8Unmapped`].
//! - Unknown escape sequences are skipped with [`WarningKind::Marc8BadEscape`].
//! - ANSEL's paired ligature and double-tilde halves become U+0361 / U+0360
//!   after the first base character, as LC's 2004 mapping specifies.

pub(crate) mod tables;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

use crate::error::WarningKind;
use tables::Table;

const ESC: u8 = 0x1B;

/// A graphic character set that escape sequences can designate.
#[derive(Debug, Clone, Copy)]
enum Charset {
    Ascii,
    Table(&'static Table),
    Eacc,
}

impl Charset {
    /// The set named by an escape sequence's final byte.
    fn from_final(f: u8) -> Option<Charset> {
        Some(match f {
            b'B' | b's' => Charset::Ascii,
            b'E' => Charset::Table(&tables::ANSEL),
            b'2' => Charset::Table(&tables::BASIC_HEBREW),
            b'N' => Charset::Table(&tables::BASIC_CYRILLIC),
            b'Q' => Charset::Table(&tables::EXTENDED_CYRILLIC),
            b'3' => Charset::Table(&tables::BASIC_ARABIC),
            b'4' => Charset::Table(&tables::EXTENDED_ARABIC),
            b'S' => Charset::Table(&tables::BASIC_GREEK),
            b'g' => Charset::Table(&tables::GREEK_SYMBOLS),
            b'b' => Charset::Table(&tables::SUBSCRIPTS),
            b'p' => Charset::Table(&tables::SUPERSCRIPTS),
            b'1' => Charset::Eacc,
            _ => return None,
        })
    }
}

/// What a single graphic byte means in a set.
enum Lookup {
    Base(char),
    Mark(char),
    Undefined,
}

fn lookup(table: &Table, byte: u8) -> Lookup {
    let seven = byte & 0x7F;
    let code = if table.high { seven | 0x80 } else { seven };
    if let Ok(i) = table.rows.binary_search_by_key(&code, |r| r.code) {
        let row = table.rows[i];
        return if row.combining {
            Lookup::Mark(row.ch)
        } else {
            Lookup::Base(row.ch)
        };
    }
    if table
        .ascii
        .iter()
        .any(|&(lo, hi)| (lo..=hi).contains(&seven))
    {
        return Lookup::Base(seven as char);
    }
    Lookup::Undefined
}

/// Counts of problems met while decoding, turned into warnings per field.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Issues {
    unmapped: usize,
    first_unmapped: u8,
    bad_escapes: usize,
    eacc: usize,
    dangling: usize,
}

impl Issues {
    /// The issues as warning kinds (empty when there were none).
    pub(crate) fn into_kinds(self) -> Vec<WarningKind> {
        let mut out = Vec::new();
        if self.unmapped > 0 {
            out.push(WarningKind::Marc8Unmapped {
                count: self.unmapped,
                first: self.first_unmapped,
            });
        }
        if self.bad_escapes > 0 {
            out.push(WarningKind::Marc8BadEscape {
                count: self.bad_escapes,
            });
        }
        if self.eacc > 0 {
            out.push(WarningKind::EaccNotSupported { count: self.eacc });
        }
        if self.dangling > 0 {
            out.push(WarningKind::Marc8DanglingMark {
                count: self.dangling,
            });
        }
        out
    }

    fn unmapped(&mut self, byte: u8) {
        if self.unmapped == 0 {
            self.first_unmapped = byte;
        }
        self.unmapped += 1;
    }
}

/// A MARC-8 decoder for one field.
///
/// Escape designations persist across the segments (subfields) of a field;
/// MARC 21 resets G0/G1 to ASCII/ANSEL at the start of every field, so make
/// a new decoder per field.
#[derive(Debug)]
pub(crate) struct Decoder {
    g0: Charset,
    g1: Charset,
    issues: Issues,
}

impl Default for Decoder {
    fn default() -> Self {
        Decoder {
            g0: Charset::Ascii,
            g1: Charset::Table(&tables::ANSEL),
            issues: Issues::default(),
        }
    }
}

/// Output under construction: marks wait in `pending` for their base.
struct Out {
    text: String,
    pending: Vec<char>,
    ligature_open: bool,
    double_tilde_open: bool,
}

impl Out {
    fn base(&mut self, ch: char) {
        self.text.push(ch);
        self.text.extend(self.pending.drain(..));
    }

    fn mark(&mut self, byte_in_ansel: Option<u8>, ch: char) {
        // The second half of a paired ligature / double tilde carries no
        // character of its own in LC's mapping: the first half's spanning mark
        // already covers both base characters.
        match byte_in_ansel {
            Some(0xEB) => self.ligature_open = true,
            Some(0xEC) if self.ligature_open => {
                self.ligature_open = false;
                return;
            }
            Some(0xFA) => self.double_tilde_open = true,
            Some(0xFB) if self.double_tilde_open => {
                self.double_tilde_open = false;
                return;
            }
            _ => {}
        }
        self.pending.push(ch);
    }
}

impl Decoder {
    /// Problems met so far (reset by [`Decoder::take_issues`]).
    pub(crate) fn take_issues(&mut self) -> Issues {
        std::mem::take(&mut self.issues)
    }

    /// Decodes one segment (a subfield value or control-field value) to NFC.
    ///
    /// Marks still waiting for a base at the end of the segment are emitted
    /// as they are (so nothing is dropped; they then combine with the last
    /// character) and counted as [`WarningKind::Marc8DanglingMark`].
    pub(crate) fn decode_segment(&mut self, bytes: &[u8]) -> String {
        let mut out = Out {
            text: String::with_capacity(bytes.len() + bytes.len() / 4),
            pending: Vec::new(),
            ligature_open: false,
            double_tilde_open: false,
        };
        let mut i = 0;
        while i < bytes.len() {
            let byte = bytes[i];
            match byte {
                ESC => {
                    i += self.escape(&bytes[i..]);
                    continue;
                }
                // Space is a base character in every set: a mark before a
                // space is a spacing diacritic.
                0x20 => out.base(' '),
                // C0 controls and DEL pass through unchanged (lossless).
                0x00..=0x1F | 0x7F => out.text.push(byte as char),
                // C1 controls defined by ANSEL: non-sort begin/end, joiners.
                0x88 => out.text.push('\u{0098}'),
                0x89 => out.text.push('\u{009C}'),
                0x8D => out.text.push('\u{200D}'),
                0x8E => out.text.push('\u{200C}'),
                0x80..=0x9F | 0xA0 | 0xFF => {
                    self.issues.unmapped(byte);
                    out.base('\u{FFFD}');
                }
                _ => {
                    let high = byte >= 0x80;
                    let set = if high { self.g1 } else { self.g0 };
                    match set {
                        Charset::Ascii => out.base((byte & 0x7F) as char),
                        Charset::Eacc => {
                            // Three bytes from the same half per character.
                            let end = (i + 3).min(bytes.len());
                            let n = bytes[i..end]
                                .iter()
                                .take_while(|&&b| (b >= 0x80) == high && (b & 0x7F) > 0x20)
                                .count()
                                .max(1);
                            self.issues.eacc += 1;
                            out.base('\u{FFFD}');
                            i += n;
                            continue;
                        }
                        Charset::Table(table) => match lookup(table, byte) {
                            Lookup::Base(ch) => out.base(ch),
                            Lookup::Mark(ch) => {
                                let ansel = std::ptr::eq(table, &tables::ANSEL);
                                out.mark(ansel.then_some(byte | 0x80), ch);
                            }
                            Lookup::Undefined if !high => out.base(byte as char),
                            Lookup::Undefined => {
                                self.issues.unmapped(byte);
                                out.base('\u{FFFD}');
                            }
                        },
                    }
                }
            }
            i += 1;
        }
        self.issues.dangling += out.pending.len();
        out.text.extend(out.pending.drain(..));
        nfc(out.text)
    }

    /// Applies the escape sequence at the start of `rest` (which begins with
    /// ESC) and returns how many bytes it used (at least 1).
    fn escape(&mut self, rest: &[u8]) -> usize {
        let Some(&kind) = rest.get(1) else {
            self.issues.bad_escapes += 1;
            return 1;
        };
        let (g1, multibyte, final_at) = match kind {
            // Technique 1: greek symbols, subscripts, superscripts, ASCII.
            b'g' | b'b' | b'p' | b's' => {
                if let Some(set) = Charset::from_final(kind) {
                    self.g0 = set;
                }
                return 2;
            }
            b'(' | b',' => (false, false, 2),
            b')' | b'-' => (true, false, 2),
            b'$' => match rest.get(2) {
                Some(b'(' | b',') => (false, true, 3),
                Some(b')' | b'-') => (true, true, 3),
                _ => (false, true, 2),
            },
            _ => {
                self.issues.bad_escapes += 1;
                return 1;
            }
        };
        // ANSEL is registered with an intermediate '!' (ESC ( ! E).
        let final_at = if rest.get(final_at) == Some(&b'!') {
            final_at + 1
        } else {
            final_at
        };
        let Some(&fin) = rest.get(final_at) else {
            self.issues.bad_escapes += 1;
            return rest.len();
        };
        match Charset::from_final(fin) {
            // Only EACC is multibyte; accept it with either designation form.
            Some(set) if !multibyte || matches!(set, Charset::Eacc) => {
                if g1 {
                    self.g1 = set;
                } else {
                    self.g0 = set;
                }
            }
            _ => self.issues.bad_escapes += 1,
        }
        final_at + 1
    }
}

/// NFC-normalises, skipping the work for text that is already NFC.
pub(crate) fn nfc(text: String) -> String {
    if text.is_ascii() || is_nfc_quick(text.chars()) == IsNormalized::Yes {
        text
    } else {
        text.nfc().collect()
    }
}

/// Converts a MARC-8 byte string to NFC Unicode, starting in the default
/// state (G0 ASCII, G1 ANSEL) as at the start of a MARC field.
///
/// Never fails: undefined bytes and EACC characters become U+FFFD and are
/// reported in the returned warnings (empty when the conversion was exact).
pub fn decode(bytes: &[u8]) -> (String, Vec<WarningKind>) {
    let mut decoder = Decoder::default();
    let text = decoder.decode_segment(bytes);
    (text, decoder.take_issues().into_kinds())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_sorted_and_in_their_half() {
        for (name, table) in tables::ALL {
            let range = if table.high { 0xA1..=0xFE } else { 0x21..=0x7E };
            for pair in table.rows.windows(2) {
                assert!(pair[0].code < pair[1].code, "{name}: {:02X}", pair[1].code);
            }
            for row in table.rows {
                assert!(range.contains(&row.code), "{name}: {:02X}", row.code);
                let ascii_overlap = table
                    .ascii
                    .iter()
                    .any(|&(lo, hi)| (lo..=hi).contains(&(row.code & 0x7F)));
                assert!(
                    !ascii_overlap,
                    "{name}: {:02X} also in an ASCII range",
                    row.code
                );
            }
        }
    }

    #[test]
    fn ansel_diacritics_move_after_their_base_and_compose() {
        // "Łódź": Ł, acute+o, d, acute+z.
        assert_eq!(decode(b"\xA1\xE2od\xE2z").0, "Łódź");
        // Two marks on one base keep their relative order.
        assert_eq!(decode(b"\xE3\xF2e").0, "ệ");
    }

    #[test]
    fn paired_ligature_becomes_one_spanning_mark() {
        assert_eq!(decode(b"d\xEBi\xECa").0, "di\u{0361}a");
        assert_eq!(decode(b"\xFAn\xFBg").0, "n\u{0360}g");
        // An unpaired second half keeps LC's alternative mapping.
        assert_eq!(decode(b"\xECa").0, "a\u{FE21}");
    }

    #[test]
    fn dangling_mark_is_kept_and_reported() {
        let (text, warnings) = decode(b"abc\xE2");
        assert_eq!(text, "ab\u{107}");
        assert_eq!(warnings, vec![WarningKind::Marc8DanglingMark { count: 1 }]);
    }

    #[test]
    fn c1_controls_map_to_unicode() {
        assert_eq!(decode(b"\x88The \x89cat").0, "\u{0098}The \u{009C}cat");
    }

    #[test]
    fn unmapped_g1_byte_warns() {
        let (text, warnings) = decode(b"a\xAFb");
        assert_eq!(text, "a\u{FFFD}b");
        assert_eq!(
            warnings,
            vec![WarningKind::Marc8Unmapped {
                count: 1,
                first: 0xAF
            }]
        );
    }

    #[test]
    fn unknown_escape_is_skipped_with_a_warning() {
        let (text, warnings) = decode(b"a\x1B(Zb");
        assert_eq!(text, "ab");
        assert_eq!(warnings, vec![WarningKind::Marc8BadEscape { count: 1 }]);
    }
}
