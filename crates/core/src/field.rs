//! Structured input errors.
//!
//! Rules return *what* is wrong with *which* field; the web layer turns that
//! into a sentence in the user's language. Keeping messages out of the domain
//! means one rule serves the HTML form, the JSON API and file imports alike.

use serde::Serialize;

/// One thing wrong with one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The field's stable key, as used in forms, JSON bodies and import columns.
    pub field: &'static str,
    pub problem: Problem,
}

/// What is wrong. Variants carry the numbers a message needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Problem {
    Required,
    TooLong {
        max: usize,
    },
    TooShort {
        min: usize,
    },
    NotANumber,
    NotAWholeNumber,
    OutOfRange {
        min: i64,
        max: i64,
    },
    /// Not one of the allowed choices.
    UnknownChoice,
    BadRegionCode,
    /// A well-formed code that is not in the region tree.
    UnknownRegion,
    /// A region that exists but is not of the level this field needs.
    WrongRegionLevel {
        expected: crate::regions::Level,
    },
    BadNpp,
    BadIsbn,
    BadNik,
    BadEmail,
    BadPhone,
    BadCoordinates,
    BadUsername,
    PasswordTooShort {
        min: usize,
    },
    PasswordTooLong {
        max: usize,
    },
    PasswordSameAsUsername,
    PasswordsDiffer,
    BadDate,
    /// Another record already has this value.
    Duplicate,
    /// The value points outside the acting user's reach.
    OutsideReach,
    /// The field does not apply to the chosen role/type.
    NotAllowedHere,
    BadId,
    /// Not a barcode a label can carry: printable ASCII, at most 32 characters.
    BadBarcode,
    /// No record has this value (an unknown member card or barcode).
    NotFound,
    /// A date outside the allowed window (a back-dated entry too old, a
    /// date in the future).
    DateOutOfRange {
        earliest: chrono::NaiveDate,
        latest: chrono::NaiveDate,
    },
    /// An upload with no bytes.
    FileEmpty,
    /// An upload over the size limit.
    FileTooLarge {
        max_mb: u32,
    },
    /// An upload whose *content* is none of the allowed kinds (whatever its
    /// name says): a script renamed `.jpg` lands here.
    FileWrongType {
        allowed: &'static str,
    },
    /// An upload of the right kind that cannot be read (a truncated photo).
    FileDamaged,
    /// The event, session or list has no room left.
    Full,
    /// The record's current status does not allow this step (approving a
    /// draft, editing a submitted plan).
    WrongStatus,
    /// An end before its start.
    EndBeforeStart,
}

impl FieldError {
    pub fn new(field: &'static str, problem: Problem) -> Self {
        FieldError { field, problem }
    }
}

/// All the problems found in one submission, in field order.
///
/// Validation collects every problem instead of stopping at the first, so a
/// user on a slow connection fixes the whole form in one round trip.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("invalid input: {} problem(s)", .0.len())]
pub struct Invalid(pub Vec<FieldError>);

impl Invalid {
    pub fn one(field: &'static str, problem: Problem) -> Self {
        Invalid(vec![FieldError::new(field, problem)])
    }
    pub fn push(&mut self, field: &'static str, problem: Problem) {
        self.0.push(FieldError::new(field, problem));
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// `Ok(v)` when nothing was pushed, the errors otherwise.
    pub fn finish<T>(self, v: T) -> Result<T, Invalid> {
        if self.0.is_empty() { Ok(v) } else { Err(self) }
    }
    pub fn for_field(&self, field: &str) -> Option<&FieldError> {
        self.0.iter().find(|e| e.field == field)
    }
}

/// Collects per-field results so parsing code reads top to bottom.
///
/// `c.take("name", Name::parse(&form.name))` returns `Some(v)` or records the
/// problem and returns `None`; at the end `c.finish(...)` decides.
#[derive(Default)]
pub struct Collector {
    pub errors: Invalid,
}

impl Collector {
    pub fn take<T>(&mut self, field: &'static str, r: Result<T, Problem>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(p) => {
                self.errors.push(field, p);
                None
            }
        }
    }
}

/// Trims and returns `None` for an empty string: form fields arrive as text.
pub fn optional(s: &str) -> Option<&str> {
    let t = s.trim();
    if t.is_empty() { None } else { Some(t) }
}

/// A required, trimmed, length-limited text.
pub fn required_text(s: &str, max: usize) -> Result<String, Problem> {
    match optional(s) {
        None => Err(Problem::Required),
        Some(t) if t.chars().count() > max => Err(Problem::TooLong { max }),
        Some(t) => Ok(t.to_string()),
    }
}

/// An optional, trimmed, length-limited text.
pub fn optional_text(s: &str, max: usize) -> Result<Option<String>, Problem> {
    match optional(s) {
        None => Ok(None),
        Some(t) if t.chars().count() > max => Err(Problem::TooLong { max }),
        Some(t) => Ok(Some(t.to_string())),
    }
}

/// An optional whole number within bounds. Accepts "12" and Excel's "12.0".
pub fn optional_int(s: &str, min: i64, max: i64) -> Result<Option<i64>, Problem> {
    let Some(t) = optional(s) else {
        return Ok(None);
    };
    let t = t.strip_suffix(".0").unwrap_or(t);
    let n: i64 = t.parse().map_err(|_| {
        if t.replace(',', ".").parse::<f64>().is_ok() {
            Problem::NotAWholeNumber
        } else {
            Problem::NotANumber
        }
    })?;
    if n < min || n > max {
        return Err(Problem::OutOfRange { min, max });
    }
    Ok(Some(n))
}

/// An optional decimal within bounds. Accepts the Indonesian decimal comma.
pub fn optional_decimal(s: &str, min: f64, max: f64) -> Result<Option<f64>, Problem> {
    let Some(t) = optional(s) else {
        return Ok(None);
    };
    let n: f64 = t
        .replace(',', ".")
        .parse()
        .map_err(|_| Problem::NotANumber)?;
    if !n.is_finite() || n < min || n > max {
        return Err(Problem::OutOfRange {
            min: min as i64,
            max: max as i64,
        });
    }
    Ok(Some(n))
}

/// Checkbox and spreadsheet booleans: "on", "true", "ya", "1", "y".
pub fn flag(s: &str) -> Result<bool, Problem> {
    match s.trim().to_lowercase().as_str() {
        "" | "0" | "false" | "tidak" | "no" | "n" | "off" => Ok(false),
        "1" | "true" | "ya" | "yes" | "y" | "on" => Ok(true),
        _ => Err(Problem::UnknownChoice),
    }
}

/// A loose e-mail check: one `@`, something on both sides, a dot in the domain.
/// Deliverability is the mail server's business, not ours.
pub fn optional_email(s: &str) -> Result<Option<String>, Problem> {
    let Some(t) = optional(s) else {
        return Ok(None);
    };
    let ok = t.len() <= 254
        && t.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !t.contains(char::is_whitespace)
                && !domain.contains('@')
        });
    if ok {
        Ok(Some(t.to_string()))
    } else {
        Err(Problem::BadEmail)
    }
}

/// Indonesian phone numbers: digits with optional leading `+`, spaces and
/// dashes, 8–15 digits. Stored as typed (normalised spacing) so people
/// recognise their own number.
pub fn optional_phone(s: &str) -> Result<Option<String>, Problem> {
    let Some(t) = optional(s) else {
        return Ok(None);
    };
    let digits = t.chars().filter(char::is_ascii_digit).count();
    let allowed = t
        .chars()
        .enumerate()
        .all(|(i, c)| c.is_ascii_digit() || c == ' ' || c == '-' || (c == '+' && i == 0));
    if allowed && (8..=15).contains(&digits) {
        Ok(Some(t.split_whitespace().collect::<Vec<_>>().join(" ")))
    } else {
        Err(Problem::BadPhone)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ints_accept_excel_floats_and_reject_fractions() {
        assert_eq!(optional_int(" 12 ", 0, 100), Ok(Some(12)));
        assert_eq!(optional_int("12.0", 0, 100), Ok(Some(12)));
        assert_eq!(optional_int("", 0, 100), Ok(None));
        assert_eq!(optional_int("1,5", 0, 100), Err(Problem::NotAWholeNumber));
        assert_eq!(optional_int("dua", 0, 100), Err(Problem::NotANumber));
        assert_eq!(
            optional_int("101", 0, 100),
            Err(Problem::OutOfRange { min: 0, max: 100 })
        );
    }

    #[test]
    fn decimals_accept_comma() {
        assert_eq!(optional_decimal("56,5", 0.0, 1e6), Ok(Some(56.5)));
        assert_eq!(optional_decimal("x", 0.0, 1e6), Err(Problem::NotANumber));
        assert!(optional_decimal("NaN", 0.0, 1e6).is_err());
    }

    #[test]
    fn emails_and_phones() {
        assert_eq!(optional_email("a@b.id"), Ok(Some("a@b.id".into())));
        assert_eq!(optional_email("a@b"), Err(Problem::BadEmail));
        assert_eq!(optional_email("a b@c.id"), Err(Problem::BadEmail));
        assert_eq!(
            optional_phone("+62 812-3456-7890"),
            Ok(Some("+62 812-3456-7890".into()))
        );
        assert_eq!(optional_phone("0812"), Err(Problem::BadPhone));
        assert_eq!(optional_phone("08x2345678"), Err(Problem::BadPhone));
    }

    #[test]
    fn flags() {
        assert_eq!(flag("Ya"), Ok(true));
        assert_eq!(flag("on"), Ok(true));
        assert_eq!(flag(""), Ok(false));
        assert_eq!(flag("mungkin"), Err(Problem::UnknownChoice));
    }

    #[test]
    fn collector_gathers_all_problems() {
        let mut c = Collector::default();
        let a = c.take("a", required_text("", 10));
        let b = c.take("b", required_text("ok", 10));
        let d = c.take("d", required_text("too long text", 3));
        assert!(a.is_none() && b.is_some() && d.is_none());
        assert_eq!(c.errors.0.len(), 2);
        assert_eq!(
            c.errors.for_field("d").unwrap().problem,
            Problem::TooLong { max: 3 }
        );
    }
}
