//! Forgiving parsers for values typed by people in Indonesian or English
//! spreadsheets. Each returns `None` when the text is not a value of the
//! type; callers turn that into a located [`CellProblem`](crate::CellProblem).

use chrono::NaiveDate;

/// Parses a whole number: `1234`, `-5`, `1.234` and `1.234.567`
/// (Indonesian grouping), `1,234,567`, `1 234`, and `12.0` / `12,00`
/// (a zero fraction, as some exports write whole numbers).
///
/// A single `.` or `,` followed by exactly three digits is read as a
/// thousands separator: in a whole-number column `1.234` means 1234.
pub fn int(text: &str) -> Option<i64> {
    let (negative, body) = split_sign(text.trim())?;
    let (int_part, frac) = split_number(body, true)?;
    if !frac.bytes().all(|b| b == b'0') {
        return None;
    }
    let magnitude: i64 = int_part.parse().ok()?;
    Some(if negative { -magnitude } else { magnitude })
}

/// Parses a decimal number: `1.5`, `1,5` (Indonesian decimal comma),
/// `1.234,56`, `1,234.56`, `-0,25`, and scientific notation such as `1.5E+3`.
///
/// A single `.` or `,` is a decimal separator; repeated ones are grouping.
pub fn decimal(text: &str) -> Option<f64> {
    let t = text.trim();
    let (negative, body) = split_sign(t)?;
    if body.contains(['e', 'E']) {
        return t.parse::<f64>().ok().filter(|f| f.is_finite());
    }
    let (int_part, frac) = split_number(body, false)?;
    let v: f64 = format!("{int_part}.{}", if frac.is_empty() { "0" } else { frac })
        .parse()
        .ok()?;
    Some(if negative { -v } else { v })
}

fn split_sign(t: &str) -> Option<(bool, &str)> {
    let (neg, body) = match t.as_bytes().first()? {
        b'-' => (true, &t[1..]),
        b'+' => (false, &t[1..]),
        _ => (false, t),
    };
    let body = body.trim_start();
    body.as_bytes()
        .first()
        .is_some_and(u8::is_ascii_digit)
        .then_some((neg, body))
}

/// Splits `body` (digits and separators, no sign) into integer digits and
/// fraction digits, validating digit grouping.
fn split_number(body: &str, int_context: bool) -> Option<(String, &str)> {
    if body.bytes().all(|b| b.is_ascii_digit()) {
        return Some((body.to_owned(), ""));
    }
    let seps: Vec<char> = {
        let mut v: Vec<char> = body.chars().filter(|c| !c.is_ascii_digit()).collect();
        v.dedup();
        v
    };
    if !body
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | ' ' | '\u{a0}' | '\''))
    {
        return None;
    }
    let dot = body.matches('.').count();
    let comma = body.matches(',').count();
    let decimal_sep = if dot > 0 && comma > 0 {
        // Both present: whichever comes last is the decimal separator.
        let last = body.rfind(['.', ','])?;
        Some(body[last..].chars().next()?)
    } else if dot + comma == 1 {
        let sep = if dot == 1 { '.' } else { ',' };
        let pos = body.find(sep)?;
        let after = &body[pos + 1..];
        let before = &body[..pos];
        let grouping = int_context
            && after.len() == 3
            && (1..=3).contains(&before.len())
            && before != "0"
            && !seps.iter().any(|c| !matches!(c, '.' | ','));
        if grouping { None } else { Some(sep) }
    } else {
        None
    };
    let (int_raw, frac) = match decimal_sep {
        Some(sep) => {
            let pos = body.rfind(sep)?;
            (&body[..pos], &body[pos + 1..])
        }
        None => (body, ""),
    };
    if !frac.bytes().all(|b| b.is_ascii_digit()) || (decimal_sep.is_some() && frac.is_empty()) {
        return None;
    }
    // Everything left of the decimal separator must be properly grouped:
    // 1-3 digits, then groups of exactly 3, one kind of separator.
    let mut groups = int_raw.split(|c: char| !c.is_ascii_digit());
    let first = groups.next()?;
    let rest: Vec<&str> = groups.collect();
    if first.is_empty()
        || (!rest.is_empty() && (first.len() > 3 || rest.iter().any(|g| g.len() != 3)))
    {
        return None;
    }
    let mut group_seps = int_raw.chars().filter(|c| !c.is_ascii_digit());
    if let Some(s) = group_seps.next() {
        if group_seps.any(|c| c != s) || Some(s) == decimal_sep {
            return None;
        }
    }
    let digits: String = int_raw.chars().filter(char::is_ascii_digit).collect();
    Some((digits, frac))
}

/// Parses a date. Accepted: `2024-08-17`, `2024/08/17`, day-first
/// `17/08/2024`, `17-08-2024`, `17.08.2024`, two-digit years (`17/08/24`,
/// Excel's rule: 00–29 → 20xx), month names in Indonesian or English
/// (`17 Agustus 2024`, `17-Agu-2024`, `17 Aug 2024`), and a trailing time
/// (`2024-08-17 10:30:00`, `2024-08-17T10:30`), which is ignored.
///
/// Numeric day/month order is day-first, as in Indonesian locales.
pub fn date(text: &str) -> Option<NaiveDate> {
    let t = text.trim();
    let first = t.split(|c: char| c.is_whitespace() || c == 'T').next()?;
    if first
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '-' | '/' | '.'))
    {
        if let Some(d) = numeric_date(first) {
            return Some(d);
        }
    }
    named_month_date(t)
}

fn numeric_date(s: &str) -> Option<NaiveDate> {
    let sep = s.chars().find(|c| !c.is_ascii_digit())?;
    let parts: Vec<&str> = s.split(sep).collect();
    let [a, b, c] = parts.as_slice() else {
        return None;
    };
    if a.len() == 4 {
        ymd(a, b, c)
    } else if matches!(c.len(), 2 | 4) && (1..=2).contains(&a.len()) {
        ymd(c, b, a)
    } else {
        None
    }
}

fn ymd(y: &str, m: &str, d: &str) -> Option<NaiveDate> {
    if !(1..=2).contains(&m.len()) || !(1..=2).contains(&d.len()) {
        return None;
    }
    NaiveDate::from_ymd_opt(year(y)?, m.parse().ok()?, d.parse().ok()?)
}

fn year(y: &str) -> Option<i32> {
    let v: i32 = y.parse().ok()?;
    match y.len() {
        4 => Some(v),
        2 if v < 30 => Some(2000 + v),
        2 => Some(1900 + v),
        _ => None,
    }
}

fn named_month_date(t: &str) -> Option<NaiveDate> {
    let parts: Vec<&str> = t
        .split(|c: char| c.is_whitespace() || matches!(c, '-' | '/' | ','))
        .filter(|p| !p.is_empty())
        .collect();
    let [d, m, y] = parts.as_slice() else {
        return None;
    };
    let month = month_number(m)?;
    if !(1..=2).contains(&d.len()) {
        return None;
    }
    NaiveDate::from_ymd_opt(year(y)?, month, d.parse().ok()?)
}

fn month_number(name: &str) -> Option<u32> {
    let n = name.trim_end_matches('.').to_lowercase();
    const MONTHS: [&[&str]; 12] = [
        &["januari", "january", "jan"],
        &["februari", "pebruari", "february", "feb", "peb"],
        &["maret", "march", "mar"],
        &["april", "apr"],
        &["mei", "may"],
        &["juni", "june", "jun"],
        &["juli", "july", "jul"],
        &["agustus", "august", "agu", "agt", "ags", "aug"],
        &["september", "sep", "sept"],
        &["oktober", "october", "okt", "oct"],
        &["november", "nopember", "nov", "nop"],
        &["desember", "december", "des", "dec"],
    ];
    MONTHS
        .iter()
        .position(|names| names.contains(&n.as_str()))
        .and_then(|i| u32::try_from(i + 1).ok())
}

/// Parses yes/no: `true`/`false`, `ya`/`tidak`, `yes`/`no`, `y`/`n`,
/// `benar`/`salah`, `1`/`0` (any case).
pub fn bool(text: &str) -> Option<bool> {
    match text.trim().to_lowercase().as_str() {
        "true" | "ya" | "yes" | "y" | "benar" | "1" => Some(true),
        "false" | "tidak" | "no" | "n" | "salah" | "0" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers() {
        for (s, v) in [
            ("1234", 1234),
            ("-5", -5),
            ("+7", 7),
            ("1.234", 1234),
            ("1.234.567", 1_234_567),
            ("1,234,567", 1_234_567),
            ("1 234", 1234),
            ("12.0", 12),
            ("12,00", 12),
            ("0.000", 0),
            (" 3520012001 ", 3_520_012_001),
            ("1.234,00", 1234),
        ] {
            assert_eq!(int(s), Some(v), "{s}");
        }
        for s in [
            "",
            "abc",
            "12.5",
            "1.23.4",
            "1,234.5",
            "3.52001E+09",
            "--1",
            "1.2,3.4",
            "12.",
        ] {
            assert_eq!(int(s), None, "{s}");
        }
    }

    #[test]
    fn decimals() {
        for (s, v) in [
            ("1.5", 1.5),
            ("1,5", 1.5),
            ("-0,25", -0.25),
            ("1.234,56", 1234.56),
            ("1,234.56", 1234.56),
            ("1.234.567", 1_234_567.0),
            ("1.234", 1.234),
            ("42", 42.0),
            ("1.5E+3", 1500.0),
        ] {
            assert_eq!(decimal(s), Some(v), "{s}");
        }
        for s in ["", "x", "1.2.3,4,5", "NaN", "inf", "1,2,3.4.5"] {
            assert_eq!(decimal(s), None, "{s}");
        }
    }

    #[test]
    fn dates() {
        let d = NaiveDate::from_ymd_opt(2024, 8, 17);
        for s in [
            "2024-08-17",
            "2024/8/17",
            "17/08/2024",
            "17-08-2024",
            "17.08.2024",
            "17/08/24",
            "17 Agustus 2024",
            "17-Agu-2024",
            "17 Aug 2024",
            "17 agt. 2024",
            "2024-08-17 10:30:00",
            "2024-08-17T10:30:00",
        ] {
            assert_eq!(date(s), d, "{s}");
        }
        assert_eq!(date("01/02/95"), NaiveDate::from_ymd_opt(1995, 2, 1));
        for s in [
            "",
            "31/02/2024",
            "2024-13-01",
            "17 Agustusan 2024",
            "hari ini",
            "45521",
            "1/2/3",
        ] {
            assert_eq!(date(s), None, "{s}");
        }
    }

    #[test]
    fn booleans() {
        assert_eq!(bool("Ya"), Some(true));
        assert_eq!(bool("TIDAK"), Some(false));
        assert_eq!(bool("true"), Some(true));
        assert_eq!(bool("0"), Some(false));
        assert_eq!(bool("mungkin"), None);
    }
}
