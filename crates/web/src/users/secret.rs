//! Temporary passwords, shown once to the administrator who made them.

use crate::error::WebError;

/// No 0/O/o, 1/l/i: the password is read aloud or copied from a phone
/// screen, often by someone else. Lower case only, so nobody fights the
/// shift key on a small keyboard.
const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
const GROUPS: usize = 4;
const GROUP_LEN: usize = 4;

/// Sixteen random characters in four groups, "k7mq-3xfa-pw9d-h2cn": about
/// 79 bits, and easy to dictate group by group.
pub fn temporary_password() -> Result<String, WebError> {
    // Rejection sampling keeps every character equally likely: bytes at or
    // above the largest multiple of the alphabet size are thrown away.
    let limit = (256 / ALPHABET.len() * ALPHABET.len()) as u8;
    let mut chars = Vec::with_capacity(GROUPS * GROUP_LEN);
    while chars.len() < GROUPS * GROUP_LEN {
        let mut buf = [0u8; 32];
        getrandom::fill(&mut buf).map_err(|e| WebError::Internal(format!("rng: {e}")))?;
        for b in buf {
            if b < limit && chars.len() < GROUPS * GROUP_LEN {
                chars.push(ALPHABET[b as usize % ALPHABET.len()] as char);
            }
        }
    }
    Ok(chars
        .chunks(GROUP_LEN)
        .map(|g| g.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_passwords_are_unambiguous_and_different() {
        let a = temporary_password().expect("rng");
        let b = temporary_password().expect("rng");
        assert_ne!(a, b);
        assert_eq!(a.len(), 19);
        assert_eq!(a.split('-').count(), 4);
        assert!(a.chars().all(|c| c == '-' || ALPHABET.contains(&(c as u8))));
        for bad in ['0', 'O', 'o', '1', 'l', 'I', 'i'] {
            assert!(!ALPHABET.contains(&(bad as u8)), "{bad}");
        }
        assert!(lentera_core::users::NewPassword::parse(&a, "someone").is_ok());
    }
}
