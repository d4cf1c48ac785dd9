//! Code 128 encoding (ISO/IEC 15417), code sets B and C.
//!
//! Set B covers printable ASCII, set C packs two digits into one symbol.
//! The encoder switches to C where that makes the symbol shorter, following
//! the minimal-length rules of the standard's Annex E: a digit run at the
//! start or the end of the data goes to C from four digits on (the whole
//! value from two, or four if odd), a run in the middle from six. When an
//! odd run goes to C, one digit stays in B: the last one for a run at the
//! start (so the switch back to B is shared with the text after it), the
//! first one otherwise.

use crate::error::PrintError;

/// Width of the quiet zone required on each side, in modules.
pub const QUIET_ZONE_MODULES: usize = 10;

/// Element widths (bar, space, bar, space, bar, space) in modules of the
/// symbols 0..=105, from the symbology table of ISO/IEC 15417. Every
/// symbol is 11 modules wide.
#[rustfmt::skip]
const PATTERNS: [[u8; 6]; 106] = [
    [2,1,2,2,2,2], [2,2,2,1,2,2], [2,2,2,2,2,1], [1,2,1,2,2,3], [1,2,1,3,2,2],
    [1,3,1,2,2,2], [1,2,2,2,1,3], [1,2,2,3,1,2], [1,3,2,2,1,2], [2,2,1,2,1,3],
    [2,2,1,3,1,2], [2,3,1,2,1,2], [1,1,2,2,3,2], [1,2,2,1,3,2], [1,2,2,2,3,1],
    [1,1,3,2,2,2], [1,2,3,1,2,2], [1,2,3,2,2,1], [2,2,3,2,1,1], [2,2,1,1,3,2],
    [2,2,1,2,3,1], [2,1,3,2,1,2], [2,2,3,1,1,2], [3,1,2,1,3,1], [3,1,1,2,2,2],
    [3,2,1,1,2,2], [3,2,1,2,2,1], [3,1,2,2,1,2], [3,2,2,1,1,2], [3,2,2,2,1,1],
    [2,1,2,1,2,3], [2,1,2,3,2,1], [2,3,2,1,2,1], [1,1,1,3,2,3], [1,3,1,1,2,3],
    [1,3,1,3,2,1], [1,1,2,3,1,3], [1,3,2,1,1,3], [1,3,2,3,1,1], [2,1,1,3,1,3],
    [2,3,1,1,1,3], [2,3,1,3,1,1], [1,1,2,1,3,3], [1,1,2,3,3,1], [1,3,2,1,3,1],
    [1,1,3,1,2,3], [1,1,3,3,2,1], [1,3,3,1,2,1], [3,1,3,1,2,1], [2,1,1,3,3,1],
    [2,3,1,1,3,1], [2,1,3,1,1,3], [2,1,3,3,1,1], [2,1,3,1,3,1], [3,1,1,1,2,3],
    [3,1,1,3,2,1], [3,3,1,1,2,1], [3,1,2,1,1,3], [3,1,2,3,1,1], [3,3,2,1,1,1],
    [3,1,4,1,1,1], [2,2,1,4,1,1], [4,3,1,1,1,1], [1,1,1,2,2,4], [1,1,1,4,2,2],
    [1,2,1,1,2,4], [1,2,1,4,2,1], [1,4,1,1,2,2], [1,4,1,2,2,1], [1,1,2,2,1,4],
    [1,1,2,4,1,2], [1,2,2,1,1,4], [1,2,2,4,1,1], [1,4,2,1,1,2], [1,4,2,2,1,1],
    [2,4,1,2,1,1], [2,2,1,1,1,4], [4,1,3,1,1,1], [2,4,1,1,1,2], [1,3,4,1,1,1],
    [1,1,1,2,4,2], [1,2,1,1,4,2], [1,2,1,2,4,1], [1,1,4,2,1,2], [1,2,4,1,1,2],
    [1,2,4,2,1,1], [4,1,1,2,1,2], [4,2,1,1,1,2], [4,2,1,2,1,1], [2,1,2,1,4,1],
    [2,1,4,1,2,1], [4,1,2,1,2,1], [1,1,1,1,4,3], [1,1,1,3,4,1], [1,3,1,1,4,1],
    [1,1,4,1,1,3], [1,1,4,3,1,1], [4,1,1,1,1,3], [4,1,1,3,1,1], [1,1,3,1,4,1],
    [1,1,4,1,3,1], [3,1,1,1,4,1], [4,1,1,1,3,1], [2,1,1,4,1,2], [2,1,1,2,1,4],
    [2,1,1,2,3,2],
];

/// The stop symbol with its termination bar: 13 modules.
const STOP_PATTERN: [u8; 7] = [2, 3, 3, 1, 1, 1, 2];

const CODE_C: u8 = 99;
const CODE_B: u8 = 100;
const START_B: u8 = 104;
const START_C: u8 = 105;
const STOP: u8 = 106;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Set {
    B,
    C,
}

/// An encoded Code 128 symbol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Code128 {
    text: String,
    values: Vec<u8>,
}

impl Code128 {
    /// Encodes `text`, choosing code sets B and C for the shortest symbol.
    ///
    /// Accepts ASCII from space to DEL; anything else (control characters,
    /// non-ASCII letters) is an error naming the first bad character, as is
    /// an empty value. The result holds the start symbol, data, checksum
    /// and stop symbol.
    pub fn encode(text: &str) -> Result<Self, PrintError> {
        if text.is_empty() {
            return Err(PrintError::EmptyBarcode);
        }
        let chars: Vec<char> = text.chars().collect();
        if let Some((position, &ch)) = chars
            .iter()
            .enumerate()
            .find(|(_, c)| !(' '..='\u{7f}').contains(*c))
        {
            return Err(PrintError::BarcodeCharacter {
                value: text.to_string(),
                ch,
                position,
            });
        }
        // Checked above: every char is ASCII, so one byte each.
        let bytes: Vec<u8> = chars.iter().map(|&c| c as u8).collect();

        let mut enc = Encoder::default();
        let n = bytes.len();
        let mut i = 0;
        while i < n {
            let run = bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
            let at_start = i == 0;
            let at_end = i + run == n;
            let use_c = match (at_start, at_end) {
                (true, true) => run == 2 || run >= 4,
                (true, false) | (false, true) => run >= 4,
                (false, false) => run >= 6,
            };
            if run == 0 {
                enc.b(bytes[i]);
                i += 1;
            } else if !use_c {
                for &b in &bytes[i..i + run] {
                    enc.b(b);
                }
                i += run;
            } else {
                let odd = run % 2 == 1;
                let mut first = i;
                let mut last = i + run;
                if odd && !at_start {
                    enc.b(bytes[first]);
                    first += 1;
                }
                if odd && at_start {
                    last -= 1;
                }
                for pair in bytes[first..last].chunks_exact(2) {
                    enc.c(pair[0], pair[1]);
                }
                if odd && at_start {
                    enc.b(bytes[last]);
                }
                i += run;
            }
        }
        let mut values = enc.values;
        let sum = values
            .iter()
            .enumerate()
            .map(|(pos, &v)| pos.max(1) as u64 * u64::from(v))
            .sum::<u64>();
        values.push((sum % 103) as u8);
        values.push(STOP);
        Ok(Code128 {
            text: text.to_string(),
            values,
        })
    }

    /// The encoded text, as given.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Symbol values: start, data (with set switches), checksum, stop.
    pub fn values(&self) -> &[u8] {
        &self.values
    }

    /// Widths of the bars and spaces in modules, starting and ending with a
    /// bar; quiet zones not included.
    pub fn element_widths(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.values.len() * 6 + 1);
        for &v in &self.values {
            match PATTERNS.get(usize::from(v)) {
                Some(p) => out.extend_from_slice(p),
                None => out.extend_from_slice(&STOP_PATTERN),
            }
        }
        out
    }

    /// Width of the symbol in modules, quiet zones not included.
    pub fn symbol_modules(&self) -> usize {
        self.element_widths().iter().map(|&w| usize::from(w)).sum()
    }

    /// Width in modules including both quiet zones.
    pub fn total_modules(&self) -> usize {
        self.symbol_modules() + 2 * QUIET_ZONE_MODULES
    }

    /// The bars as `(start, width)` in modules, measured from the outer
    /// edge of the left quiet zone.
    pub fn bars(&self) -> Vec<(usize, usize)> {
        let mut bars = Vec::new();
        let mut x = QUIET_ZONE_MODULES;
        for (i, w) in self.element_widths().into_iter().enumerate() {
            let w = usize::from(w);
            if i % 2 == 0 {
                bars.push((x, w));
            }
            x += w;
        }
        bars
    }

    /// Every module from the outer edge of one quiet zone to the other;
    /// `true` is a bar.
    pub fn modules(&self) -> Vec<bool> {
        let mut m = vec![false; self.total_modules()];
        for (start, width) in self.bars() {
            for cell in &mut m[start..start + width] {
                *cell = true;
            }
        }
        m
    }
}

#[derive(Default)]
struct Encoder {
    values: Vec<u8>,
    set: Option<Set>,
}

impl Encoder {
    fn switch(&mut self, set: Set) {
        match (self.set, set) {
            (None, Set::B) => self.values.push(START_B),
            (None, Set::C) => self.values.push(START_C),
            (Some(Set::B), Set::C) => self.values.push(CODE_C),
            (Some(Set::C), Set::B) => self.values.push(CODE_B),
            _ => {}
        }
        self.set = Some(set);
    }

    fn b(&mut self, byte: u8) {
        self.switch(Set::B);
        self.values.push(byte - b' ');
    }

    fn c(&mut self, tens: u8, ones: u8) {
        self.switch(Set::C);
        self.values.push((tens - b'0') * 10 + (ones - b'0'));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn widths_string(code: &Code128) -> String {
        code.element_widths()
            .iter()
            .map(|w| w.to_string())
            .collect()
    }

    /// Checksum by the standard's definition, written out independently.
    fn checksum(values: &[u8]) -> u8 {
        let mut sum = u32::from(values[0]);
        for (k, &v) in values.iter().enumerate().skip(1) {
            sum += k as u32 * u32::from(v);
        }
        (sum % 103) as u8
    }

    #[test]
    fn table_obeys_the_symbology_invariants() {
        for (v, p) in PATTERNS.iter().enumerate() {
            assert_eq!(
                p.iter().map(|&w| u32::from(w)).sum::<u32>(),
                11,
                "symbol {v}"
            );
            // Bars add up to an even number of modules, spaces to odd.
            assert_eq!((p[0] + p[2] + p[4]) % 2, 0, "symbol {v}");
            assert!(p.iter().all(|&w| (1..=4).contains(&w)));
        }
        for (a, pa) in PATTERNS.iter().enumerate() {
            for (b, pb) in PATTERNS.iter().enumerate().skip(a + 1) {
                assert_ne!(pa, pb, "symbols {a} and {b}");
            }
        }
        assert_eq!(STOP_PATTERN.iter().map(|&w| u32::from(w)).sum::<u32>(), 13);
    }

    #[test]
    fn item_barcode_uses_b_then_c_for_the_trailing_digits() {
        let code = Code128::encode("LTR-000123").unwrap();
        // Start B, L T R -, Code C, 00 01 23, checksum, stop.
        assert_eq!(code.values(), &[104, 44, 52, 50, 13, 99, 0, 1, 23, 7, 106]);
        // 104 + 1·44 + 2·52 + 3·50 + 4·13 + 5·99 + 6·0 + 7·1 + 8·23 = 1140 ≡ 7 (mod 103)
        assert_eq!(checksum(&code.values()[..9]), 7);
        let expected = [
            "211214",  // Start B
            "132131",  // L
            "213311",  // T
            "231131",  // R
            "122132",  // -
            "113141",  // Code C
            "212222",  // 00
            "222122",  // 01
            "312131",  // 23
            "122312",  // checksum 7
            "2331112", // Stop
        ]
        .concat();
        assert_eq!(widths_string(&code), expected);
        assert_eq!(code.symbol_modules(), 10 * 11 + 13);
        assert_eq!(code.total_modules(), 123 + 20);
    }

    #[test]
    fn all_digit_value_uses_set_c() {
        let code = Code128::encode("1234567890").unwrap();
        assert_eq!(code.values(), &[105, 12, 34, 56, 78, 90, 85, 106]);
        let expected = [
            "211232", "112232", "131123", "331121", "241112", "214121", "124211", "2331112",
        ]
        .concat();
        assert_eq!(widths_string(&code), expected);
    }

    #[test]
    fn module_bits_match_the_well_known_start_and_stop_patterns() {
        let code = Code128::encode("12").unwrap();
        let bits: String = code.modules()
            [QUIET_ZONE_MODULES..code.total_modules() - QUIET_ZONE_MODULES]
            .iter()
            .map(|&b| if b { '1' } else { '0' })
            .collect();
        assert!(bits.starts_with("11010011100"), "{bits}"); // Start C
        assert!(bits.ends_with("1100011101011"), "{bits}"); // Stop
        assert!(code.modules()[..QUIET_ZONE_MODULES].iter().all(|b| !b));
        assert!(
            code.modules()[code.total_modules() - QUIET_ZONE_MODULES..]
                .iter()
                .all(|b| !b)
        );
    }

    #[test]
    fn set_selection_follows_annex_e() {
        let values = |s: &str| Code128::encode(s).unwrap().values().to_vec();
        // Short digit runs stay in B.
        assert_eq!(values("5")[..2], [104, 21]);
        assert_eq!(values("123")[..4], [104, 17, 18, 19]);
        assert_eq!(values("12")[..2], [105, 12]);
        // Odd all-digit value: C, then the last digit in B.
        assert_eq!(values("12345")[..5], [105, 12, 34, 100, 21]);
        // Odd run at the end: first digit in B, then C.
        assert_eq!(values("A12345")[..6], [104, 33, 17, 99, 23, 45]);
        // Run at the start followed by text.
        assert_eq!(values("1234AB")[..6], [105, 12, 34, 100, 33, 34]);
        // Middle run of six switches, of four does not.
        assert_eq!(values("A123456B")[..8], [104, 33, 99, 12, 34, 56, 100, 34]);
        assert_eq!(values("A1234B")[..7], [104, 33, 17, 18, 19, 20, 34]);
        for s in ["5", "123", "12345", "A12345", "A123456B", "B00012/2024"] {
            let v = values(s);
            let n = v.len();
            assert_eq!(v[n - 1], 106);
            assert_eq!(v[n - 2], checksum(&v[..n - 2]), "{s}");
        }
    }

    #[test]
    fn bad_values_are_rejected_with_their_position() {
        assert!(matches!(Code128::encode(""), Err(PrintError::EmptyBarcode)));
        match Code128::encode("B-0012é") {
            Err(PrintError::BarcodeCharacter { ch, position, .. }) => {
                assert_eq!((ch, position), ('é', 6));
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(Code128::encode("a\tb").is_err());
    }
}
