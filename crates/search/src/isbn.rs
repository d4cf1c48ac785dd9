//! ISBN normalisation: every ISBN is indexed and searched as 13 digits.

/// Normalises an ISBN-10 or ISBN-13 (hyphens and spaces allowed, `x` allowed
/// as the ISBN-10 check digit) to ISBN-13 digits. Returns `None` unless the
/// check digit is valid.
pub fn normalize(input: &str) -> Option<String> {
    let mut digits = String::with_capacity(13);
    for c in input.chars() {
        match c {
            '0'..='9' => digits.push(c),
            'x' | 'X' => digits.push('X'),
            '-' | ' ' | '\u{2010}' | '\u{2011}' => {}
            _ => return None,
        }
    }
    match digits.len() {
        10 if isbn10_valid(&digits) => Some(isbn10_to_13(&digits)),
        13 if !digits.contains('X') && isbn13_valid(&digits) => Some(digits),
        _ => None,
    }
}

/// Digits of `input` for indexing: the normalised ISBN-13 when valid, else
/// the bare digits of 10- or 13-character codes (so a mistyped ISBN in the
/// catalogue is still findable by exactly what was catalogued).
pub(crate) fn index_form(input: &str) -> Option<String> {
    if let Some(n) = normalize(input) {
        return Some(n);
    }
    let digits: String = input
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == 'X' || *c == 'x')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (digits.len() == 10 || digits.len() == 13).then_some(digits)
}

fn digit(c: u8) -> u32 {
    u32::from(c - b'0')
}

fn isbn10_valid(d: &str) -> bool {
    let b = d.as_bytes();
    if b[..9].iter().any(|c| !c.is_ascii_digit()) {
        return false;
    }
    let check = match b[9] {
        b'X' => 10,
        c if c.is_ascii_digit() => digit(c),
        _ => return false,
    };
    let sum: u32 = b[..9]
        .iter()
        .enumerate()
        .map(|(i, &c)| (10 - i as u32) * digit(c))
        .sum::<u32>()
        + check;
    sum % 11 == 0
}

fn isbn13_check(first12: &[u8]) -> u32 {
    let sum: u32 = first12
        .iter()
        .enumerate()
        .map(|(i, &c)| if i % 2 == 0 { digit(c) } else { 3 * digit(c) })
        .sum();
    (10 - sum % 10) % 10
}

fn isbn13_valid(d: &str) -> bool {
    let b = d.as_bytes();
    isbn13_check(&b[..12]) == digit(b[12])
}

fn isbn10_to_13(d: &str) -> String {
    let mut s = String::with_capacity(13);
    s.push_str("978");
    s.push_str(&d[..9]);
    let check = isbn13_check(s.as_bytes());
    s.push(char::from(b'0' + check as u8));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isbn13_passes_through() {
        assert_eq!(normalize("9786024827779").as_deref(), Some("9786024827779"));
        assert_eq!(
            normalize("978-602-482-777-9").as_deref(),
            Some("9786024827779")
        );
        assert_eq!(normalize("9786024827778"), None);
    }

    #[test]
    fn isbn10_becomes_13() {
        // O'Reilly, "Programming Rust": 1-4919-2728-3 = 978-1-4919-2728-1.
        assert_eq!(normalize("1-4919-2728-3").as_deref(), Some("9781491927281"));
        assert_eq!(normalize("0-8044-2957-X").as_deref(), Some("9780804429573"));
        assert_eq!(normalize("080442957x").as_deref(), Some("9780804429573"));
        assert_eq!(normalize("0804429571"), None);
    }

    #[test]
    fn rejects_non_isbns() {
        for s in [
            "",
            "2019",
            "abc",
            "97860248277790",
            "978602482777X",
            "12345 67890 1",
        ] {
            assert_eq!(normalize(s), None, "{s}");
        }
    }

    #[test]
    fn index_form_keeps_invalid_codes() {
        assert_eq!(
            index_form("9786024827778").as_deref(),
            Some("9786024827778")
        );
        assert_eq!(
            index_form("1-4919-2728-3").as_deref(),
            Some("9781491927281")
        );
        assert_eq!(index_form("n/a"), None);
    }
}
