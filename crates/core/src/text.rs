//! Small text helpers shared by several features.

/// Lowercases and folds to a search key: ASCII letters and digits, single
/// spaces. "  Balai  Sebut " and "BALAI-SEBUT" give the same key, so users
/// find names however the source capitalised or punctuated them.
pub fn search_key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = true;
    for c in s.chars() {
        let c = fold(c);
        if c == '\u{0}' {
            continue;
        }
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
            space = false;
        } else if !space {
            out.push(' ');
            space = true;
        }
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// Folds the accented Latin letters seen in Indonesian names to ASCII.
fn fold(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ä' | 'ã' | 'À' | 'Á' | 'Â' | 'Ä' | 'Ã' => 'a',
        'è' | 'é' | 'ê' | 'ë' | 'È' | 'É' | 'Ê' | 'Ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' | 'Ì' | 'Í' | 'Î' | 'Ï' => 'i',
        'ò' | 'ó' | 'ô' | 'ö' | 'õ' | 'Ò' | 'Ó' | 'Ô' | 'Ö' | 'Õ' => 'o',
        'ù' | 'ú' | 'û' | 'ü' | 'Ù' | 'Ú' | 'Û' | 'Ü' => 'u',
        'ñ' | 'Ñ' => 'n',
        // The region source writes an apostrophe as `"` (SOKA"AN); drop it.
        '\'' | '"' | '`' | '’' => '\u{0}',
        c => c,
    }
}

/// Title-cases an all-caps official name for display:
/// "KABUPATEN SANGGAU" → "Kabupaten Sanggau", keeping roman numerals
/// ("LUBUK PAKAM I,II" → "Lubuk Pakam I,II") and known abbreviations.
pub fn display_name(s: &str) -> String {
    let s = s.trim();
    let mut out = String::with_capacity(s.len());
    for (i, word) in s.split(' ').filter(|w| !w.is_empty()).enumerate() {
        if i > 0 {
            out.push(' ');
        }
        if is_roman_numeral_list(word) || matches!(word, "DKI" | "DI" | "KAB" | "RT" | "RW") {
            out.push_str(word);
            continue;
        }
        let mut upper_next = true;
        for c in word.chars() {
            if upper_next {
                out.extend(c.to_uppercase());
            } else {
                out.extend(c.to_lowercase());
            }
            // Capitalise after hyphens, brackets and slashes: "Sungai-Buluh (Baru)".
            upper_next = matches!(c, '-' | '(' | '/' | '.' | '"');
        }
    }
    out
}

fn is_roman_numeral_list(w: &str) -> bool {
    !w.is_empty()
        && w.split(',')
            .all(|p| !p.is_empty() && p.chars().all(|c| matches!(c, 'I' | 'V' | 'X' | 'L')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_keys_fold_case_and_punctuation() {
        assert_eq!(search_key("  Balai  Sebut "), "balai sebut");
        assert_eq!(search_key("BALAI-SEBUT"), "balai sebut");
        assert_eq!(search_key("SOKA\"AN"), "sokaan");
        assert_eq!(search_key("Désa"), "desa");
    }

    #[test]
    fn display_names() {
        assert_eq!(display_name("KABUPATEN SANGGAU"), "Kabupaten Sanggau");
        assert_eq!(display_name("LUBUK PAKAM I,II"), "Lubuk Pakam I,II");
        assert_eq!(
            display_name("KOTA ADMINISTRASI JAKARTA UTARA "),
            "Kota Administrasi Jakarta Utara"
        );
        assert_eq!(display_name("DKI JAKARTA"), "DKI Jakarta");
        assert_eq!(display_name("SUNGAI-BULUH"), "Sungai-Buluh");
    }
}
