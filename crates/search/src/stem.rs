//! Dictionary-free Indonesian stemmer.
//!
//! A rule-based affix stripper in the spirit of Tala's Porter-style stemmer and
//! the confix-stripping (ECS) rules, written for search rather than for
//! linguistics: what matters is that the forms of one root meet, and that
//! unrelated words do not.
//!
//! Without a root dictionary some choices cannot be decided (does `memasak`
//! come from `masak` or `pasak`? is `perawatan` `per-awat-an` or
//! `pe-rawat-an`?). The stemmer then returns a *primary* stem plus up to two
//! *alternates*; the analyzer indexes all of them at the same position and the
//! query side ORs them, so either reading meets its family.
//!
//! Steps, in order:
//! 1. particles `-lah -kah -tah -pun` and possessives `-ku -mu -nya`, each only
//!    where the remainder is long enough; if the rest of the analysis then
//!    fails its length guard, the clitic reading is abandoned
//!    (`bertemu` is not `berte-mu`);
//! 2. up to three derivational prefixes (`meN- peN- di- ter- ber- per- ke-
//!    seper-`), with the nasal recoding rules; a recoded consonant belongs to
//!    the root, so stripping stops there (`pemerintah` → `perintah`);
//! 3. one derivational suffix (`-kan -an -i`), allowed or not by the first
//!    prefix (the confix restrictions: no `di-…-an`, `me-…-an`, `ter-…-an`,
//!    `ke-…-kan`, `ke-…-i`, `be-…-i`, `pe-…-i`, `pe-…-kan`).
//!
//! Every strip must leave at least two vowels and three letters, so short words
//! (`ikan`, `makan`, `kebun`) are left alone. Two short closed lists stand in
//! where letters cannot decide: one-syllable roots taking `menge-`/`penge-`
//! (`bom`, `las`, `cat`…) and a handful of frequent catalogue words that
//! only look affixed and would otherwise collide with another common word
//! (`perdata`/`data`, `selatan`/`selat`, `terapi`/`api`). Neither is a root
//! dictionary. Bare `se-` is never stripped:
//! catalogue roots that begin with `se` (sejarah, sekolah, selatan, sehat,
//! sedia, seni) far outnumber `se-` derivations; only the fraction prefix
//! `seper-` is handled. Infixes (`kinerja`) and partial reduplication
//! (`lelembut`) are not handled: dictionary-free, they collide with too many
//! plain words (`tetangga`/`tangga`).

/// Maximum number of stems (primary + alternates) returned for one word.
pub const MAX_STEMS: usize = 3;

/// The stems of one word: the primary stem first, then alternates.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Stems {
    stems: Vec<String>,
}

impl Stems {
    /// The preferred stem.
    pub fn primary(&self) -> &str {
        self.stems.first().map(String::as_str).unwrap_or("")
    }

    /// All stems, primary first. Never empty for a non-empty word.
    pub fn all(&self) -> &[String] {
        &self.stems
    }

    /// Alternates only (may be empty).
    pub fn alternates(&self) -> &[String] {
        self.stems.get(1..).unwrap_or(&[])
    }

    /// Whether `stem` is one of these stems.
    pub fn contains(&self, stem: &str) -> bool {
        self.stems.iter().any(|s| s == stem)
    }

    fn push(&mut self, s: Vec<u8>) {
        // The stemmer only produces ASCII, so this never loses data.
        let s = String::from_utf8(s).unwrap_or_default();
        if !s.is_empty() && self.stems.len() < MAX_STEMS && !self.stems.contains(&s) {
            self.stems.push(s);
        }
    }
}

/// The primary stem of one word (lowercased). Hyphenated reduplication is
/// resolved (`buku-buku` → `buku`); words with digits or non-ASCII letters are
/// returned lowercased but otherwise unchanged.
pub fn stem(word: &str) -> String {
    stems(word).primary().to_string()
}

/// All stems of one word, primary first. See the module docs.
pub fn stems(word: &str) -> Stems {
    let lower = word.to_lowercase();
    let mut out = Stems::default();
    if lower.contains('-') {
        stem_hyphenated(&lower, &mut out);
    } else {
        stem_plain(lower.as_bytes(), &mut out);
    }
    if out.stems.is_empty() {
        out.stems.push(lower);
    }
    out
}

/// Stems an already lowercased, ASCII-folded token (no hyphen) into `out`,
/// reusing its allocation. This is the analyzer's hot path.
pub(crate) fn stems_of_token(token: &str, out: &mut Stems) {
    out.stems.clear();
    stem_plain(token.as_bytes(), out);
    if out.stems.is_empty() {
        out.stems.push(token.to_string());
    }
}

/// One-syllable roots that take menge-/penge- (mengebom, pengelasan). Closed
/// class: Indonesian roots are otherwise at least two syllables.
const MONOSYLLABLES: [&[u8]; 15] = [
    b"bom", b"bor", b"cat", b"cek", b"cor", b"las", b"lap", b"lem", b"pel", b"rem", b"rol", b"sah",
    b"sol", b"tes", b"tik",
];

/// Words that look affixed but are roots or names, frequent in library
/// catalogues, whose "stem" would be another common word (perdata → data,
/// selatan → selat, terapi → api, beruang → uang, pemalang → malang). Not a
/// root dictionary: only the collisions found by reviewing the conflation
/// groups of a 100,000-record catalogue (organisasi → organ via -isasi).
const PROTECTED: [&[u8]; 19] = [
    b"berani",
    b"beruang",
    b"berita",
    b"durian",
    b"labuan",
    b"organisasi",
    b"organisme",
    b"pekalongan",
    b"pemalang",
    b"pematang",
    b"pengantin",
    b"peranakan",
    b"perdana",
    b"perdata",
    b"permata",
    b"pesisir",
    b"rambutan",
    b"selatan",
    b"terapi",
];

const PARTICLES: [&[u8]; 4] = [b"lah", b"kah", b"tah", b"pun"];
const POSSESSIVES: [&[u8]; 3] = [b"nya", b"ku", b"mu"];

fn is_vowel(b: u8) -> bool {
    matches!(b, b'a' | b'e' | b'i' | b'o' | b'u')
}

fn is_consonant(b: u8) -> bool {
    b.is_ascii_lowercase() && !is_vowel(b)
}

fn vowels(w: &[u8]) -> usize {
    w.iter().filter(|&&b| is_vowel(b)).count()
}

/// The length guard every strip must pass: a root keeps two vowels and three
/// letters (`dua`, `adu` are roots; `tah`, `ik` are not).
fn ok_root(w: &[u8]) -> bool {
    w.len() >= 3 && vowels(w) >= 2
}

fn cat(a: &[u8], b: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(a.len() + b.len());
    v.extend_from_slice(a);
    v.extend_from_slice(b);
    v
}

fn stem_hyphenated(w: &str, out: &mut Stems) {
    let mut parts: Vec<&str> = w.split('-').filter(|p| !p.is_empty()).collect();
    // A clitic written with a hyphen ("kuasa-Mu", "allah-lah") is not a word.
    while parts.len() > 1 {
        let last = parts[parts.len() - 1].as_bytes();
        if PARTICLES.contains(&last) || POSSESSIVES.contains(&last) {
            parts.pop();
        } else {
            break;
        }
    }
    match parts.as_slice() {
        [] => {}
        [one] => stem_plain(one.as_bytes(), out),
        [first, second] => {
            let a = plain_stems(first.as_bytes());
            let b = plain_stems(second.as_bytes());
            if a.primary() == b.primary() {
                out.push(a.primary().as_bytes().to_vec());
                return;
            }
            // Repeated root with the prefix only on the first half
            // ("meniru-nirukan", "menyepak-nyepak"): give the second half the
            // first half's prefix letters and compare again.
            let b2 = (first.len() > 2)
                .then(|| plain_stems(&cat(&first.as_bytes()[..2], second.as_bytes())));
            if let Some(b2) = &b2 {
                if a.primary() == b2.primary() {
                    out.push(a.primary().as_bytes().to_vec());
                    return;
                }
            }
            let shared = a
                .all()
                .iter()
                .find(|s| b.contains(s) || b2.as_ref().is_some_and(|b2| b2.contains(s)));
            match shared {
                Some(common) => out.push(common.clone().into_bytes()),
                // A true compound ("bolak-balik") is its own word.
                None => out.push(w.as_bytes().to_vec()),
            }
        }
        many => {
            let all: Vec<Stems> = many.iter().map(|p| plain_stems(p.as_bytes())).collect();
            let first = all[0].primary();
            if all.iter().all(|s| s.contains(first)) {
                out.push(first.as_bytes().to_vec());
            } else {
                out.push(w.as_bytes().to_vec());
            }
        }
    }
}

fn plain_stems(w: &[u8]) -> Stems {
    let mut s = Stems::default();
    stem_plain(w, &mut s);
    if s.stems.is_empty() {
        s.push(w.to_vec());
    }
    s
}

fn stem_plain(w: &[u8], out: &mut Stems) {
    if w.is_empty() {
        return;
    }
    if !w.iter().all(|b| b.is_ascii_lowercase()) || vowels(w) < 3 || PROTECTED.contains(&w) {
        out.push(w.to_vec());
        return;
    }
    // Readings of the inflectional layer, most stripped first.
    let mut bases: [Option<(&[u8], bool)>; 3] = [None, None, None];
    let mut n = 0;
    if let Some(a) = strip_particle(w) {
        if let Some(b) = strip_possessive(a) {
            bases[n] = Some((b, true));
            n += 1;
        }
        bases[n] = Some((a, true));
        n += 1;
    } else if let Some(b) = strip_possessive(w) {
        bases[n] = Some((b, true));
        n += 1;
    }
    bases[n] = Some((w, false));
    n += 1;
    for (i, (base, clitic)) in bases.iter().take(n).flatten().enumerate() {
        let d = derive(base, *clitic);
        if d.blocked && i + 1 < n {
            continue;
        }
        out.push(d.primary);
        for alt in d.alternates.into_iter().flatten() {
            out.push(alt);
        }
        return;
    }
}

fn strip_particle(w: &[u8]) -> Option<&[u8]> {
    for p in PARTICLES {
        if let Some(rest) = w.strip_suffix(p) {
            if !ok_root(rest) {
                return None;
            }
            let last = rest[rest.len() - 1];
            let allowed = match p {
                // Attaches to anything, and few roots end in "pun".
                b"pun" => true,
                // Question words ("siapakah", "benarkah"); roots in -ekah/-okah
                // (sedekah) are protected.
                b"kah" => !matches!(last, b'e' | b'o'),
                // Archaic, after question words ("apatah"); never "perin-tah".
                b"tah" => last == b'a',
                // Imperatives and predicates ("hancurlah", "inilah"); roots in
                // -alah/-elah/-olah (masalah, telah, sekolah, olah) are protected
                // unless a possessive shows the particle is one ("miliknyalah").
                _ => {
                    is_consonant(last)
                        || matches!(last, b'i' | b'u')
                        || POSSESSIVES.iter().any(|s| rest.ends_with(s))
                }
            };
            return allowed.then_some(rest);
        }
    }
    None
}

fn strip_possessive(w: &[u8]) -> Option<&[u8]> {
    POSSESSIVES
        .iter()
        .find_map(|p| w.strip_suffix(*p))
        .filter(|rest| ok_root(rest))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Prefix {
    Me,
    Pe,
    Per,
    Di,
    Ke,
    Ber,
    Ter,
    Seper,
}

const FIRST: &[Prefix] = &[
    Prefix::Me,
    Prefix::Pe,
    Prefix::Per,
    Prefix::Di,
    Prefix::Ke,
    Prefix::Ber,
    Prefix::Ter,
    Prefix::Seper,
];

struct Strip {
    kind: Prefix,
    rest: Vec<u8>,
    /// The other reading of an ambiguous recoding.
    alt: Option<Vec<u8>>,
    /// Prefixes that may follow; empty when the root starts here (after a
    /// recoding, or a vowel-initial root).
    next: &'static [Prefix],
}

enum StripResult {
    No,
    /// A prefix pattern matched but what would remain is too short.
    Blocked,
    Yes(Strip),
}

fn strip(
    kind: Prefix,
    rest: Vec<u8>,
    alt: Option<Vec<u8>>,
    next: &'static [Prefix],
) -> StripResult {
    // The menge-/penge- monosyllable case is the one exception to the guard and
    // is built directly by its callers.
    if ok_root(&rest) {
        StripResult::Yes(Strip {
            kind,
            rest,
            alt,
            next,
        })
    } else {
        StripResult::Blocked
    }
}

fn at(w: &[u8], i: usize) -> u8 {
    w.get(i).copied().unwrap_or(0)
}

/// `me-` and `pe-` share the nasal rules: `ng`, `ny`, `n`, `m` assimilate to
/// the root's first sound and may replace it (`k`, `s`, `t`, `p`).
fn strip_nasal(w: &[u8], kind: Prefix) -> StripResult {
    let r = &w[2..];
    if let Some(s) = r.strip_prefix(b"ng") {
        let c = at(s, 0);
        if c == b'e' {
            let t = &s[1..];
            // menge-/penge- before a one-syllable root: mengebom, pengelasan.
            // Which roots are one syllable cannot be told from the letters
            // ("mengenal" is meng-kenal), so a short closed list decides.
            for mono in MONOSYLLABLES {
                if t.starts_with(mono) && matches!(&t[mono.len()..], b"" | b"an" | b"kan" | b"i") {
                    return StripResult::Yes(Strip {
                        kind,
                        rest: mono.to_vec(),
                        alt: None,
                        next: &[],
                    });
                }
            }
            // Before e the lost k is the likelier reading (mengembangkan,
            // mengelola, mengenal); the vowel-initial root is the alternate.
            return strip(kind, cat(b"k", s), Some(s.to_vec()), &[]);
        }
        if is_vowel(c) {
            return strip(kind, s.to_vec(), Some(cat(b"k", s)), &[]);
        }
        if matches!(c, b'g' | b'h' | b'k' | b'q') {
            return strip(kind, s.to_vec(), None, &[]);
        }
        return StripResult::No;
    }
    if let Some(s) = r.strip_prefix(b"ny") {
        if is_vowel(at(s, 0)) {
            return strip(kind, cat(b"s", s), Some(cat(b"ny", s)), &[]);
        }
        return StripResult::No;
    }
    if let Some(s) = r.strip_prefix(b"n") {
        let c = at(s, 0);
        if matches!(c, b'c' | b'd' | b'j' | b'z') || s.starts_with(b"sy") {
            return strip(kind, s.to_vec(), None, &[]);
        }
        // Loan clusters keep their first consonant: menstabilkan, pentranskripsi.
        if matches!(c, b's' | b't') && is_consonant(at(s, 1)) {
            return strip(kind, s.to_vec(), None, &[]);
        }
        if is_vowel(c) {
            return strip(kind, cat(b"t", s), Some(cat(b"n", s)), &[]);
        }
        return StripResult::No;
    }
    if let Some(s) = r.strip_prefix(b"m") {
        let c = at(s, 0);
        return match c {
            b'b' => strip(kind, s.to_vec(), None, &[Prefix::Ber]),
            b'f' | b'v' => strip(kind, s.to_vec(), None, &[]),
            // mem- keeps the p of per-/pe- and of loans: memperbarui,
            // mempelajari, mempromosikan.
            b'p' => strip(kind, s.to_vec(), None, &[Prefix::Per, Prefix::Pe]),
            // pemrograman: the p of "program" is lost before r.
            b'r' if is_vowel(at(s, 1)) => strip(kind, cat(b"p", s), None, &[]),
            _ if is_vowel(c) => strip(kind, cat(b"p", s), Some(cat(b"m", s)), &[]),
            _ => StripResult::No,
        };
    }
    StripResult::No
}

fn strip_me(w: &[u8]) -> StripResult {
    match strip_nasal(w, Prefix::Me) {
        StripResult::No => {}
        other => return other,
    }
    let r = &w[2..];
    if matches!(at(r, 0), b'l' | b'r' | b'w' | b'y') && is_vowel(at(r, 1)) {
        return strip(Prefix::Me, r.to_vec(), None, &[]);
    }
    StripResult::No
}

fn strip_pe(w: &[u8], allowed: &[Prefix]) -> StripResult {
    let r = &w[2..];
    if r.starts_with(b"r") {
        if !allowed.contains(&Prefix::Per) {
            return StripResult::No;
        }
        let s = &r[1..];
        let c = at(s, 0);
        if is_vowel(c) {
            // per-V or pe-rV: "peradilan" vs "perumahan".
            return strip(Prefix::Per, s.to_vec(), Some(r.to_vec()), &[]);
        }
        if is_consonant(c) && c != b'r' {
            return strip(Prefix::Per, s.to_vec(), None, &[]);
        }
        return StripResult::No;
    }
    if !allowed.contains(&Prefix::Pe) {
        return StripResult::No;
    }
    match strip_nasal(w, Prefix::Pe) {
        StripResult::No => {}
        other => return other,
    }
    let c = at(r, 0);
    if r.starts_with(b"lajar") {
        return strip(Prefix::Pe, r[1..].to_vec(), None, &[]);
    }
    if matches!(c, b'l' | b'w' | b'y') && is_vowel(at(r, 1)) {
        return strip(Prefix::Pe, r.to_vec(), None, &[]);
    }
    // pe- before other consonants: petani, pekerja, peserta, petarung.
    if is_consonant(c)
        && !matches!(c, b'r' | b'w' | b'y' | b'l' | b'm' | b'n')
        && is_vowel(at(r, 1))
    {
        return strip(Prefix::Pe, r.to_vec(), None, &[]);
    }
    StripResult::No
}

fn strip_ber(w: &[u8]) -> StripResult {
    if w.starts_with(b"belajar") {
        return strip(Prefix::Ber, w[3..].to_vec(), None, &[]);
    }
    if let Some(s) = w.strip_prefix(b"ber") {
        let c = at(s, 0);
        if is_vowel(c) {
            // ber-V or be-rV: "beragama" vs "berambut".
            return strip(Prefix::Ber, s.to_vec(), Some(w[2..].to_vec()), &[]);
        }
        if is_consonant(c) && c != b'r' {
            return strip(Prefix::Ber, s.to_vec(), None, &[Prefix::Ke, Prefix::Pe]);
        }
        return StripResult::No;
    }
    // be- before a syllable in -er: bekerja, beternak, bepergian.
    let c = at(w, 2);
    if is_consonant(c) && !matches!(c, b'r' | b'l') && w[3..].starts_with(b"er") {
        return strip(Prefix::Ber, w[2..].to_vec(), None, &[]);
    }
    StripResult::No
}

fn strip_ter(w: &[u8]) -> StripResult {
    if let Some(s) = w.strip_prefix(b"ter") {
        let c = at(s, 0);
        if is_vowel(c) {
            return strip(Prefix::Ter, s.to_vec(), Some(w[2..].to_vec()), &[]);
        }
        if is_consonant(c) && c != b'r' {
            return strip(Prefix::Ter, s.to_vec(), None, &[Prefix::Pe, Prefix::Per]);
        }
        return StripResult::No;
    }
    // te- before a syllable in -er + consonant: teterbang.
    let c = at(w, 2);
    if is_consonant(c) && c != b'r' && w[3..].starts_with(b"er") && is_consonant(at(w, 5)) {
        return strip(Prefix::Ter, w[2..].to_vec(), None, &[]);
    }
    StripResult::No
}

fn strip_prefix(w: &[u8], allowed: &[Prefix], ends_in_an: bool) -> StripResult {
    if w.len() < 4 {
        return StripResult::No;
    }
    let has = |p: Prefix| allowed.contains(&p);
    match &w[..2] {
        b"me" if has(Prefix::Me) => strip_me(w),
        b"pe" if has(Prefix::Pe) || has(Prefix::Per) => strip_pe(w, allowed),
        b"di" if has(Prefix::Di) => strip(
            Prefix::Di,
            w[2..].to_vec(),
            None,
            &[Prefix::Per, Prefix::Pe, Prefix::Ber],
        ),
        // Bare ke- is rare outside the ke-…-an confix (kebun, kelas, keluarga
        // are roots); keseper- is the fraction chain.
        b"ke" if has(Prefix::Ke) && (ends_in_an || w[2..].starts_with(b"seper")) => strip(
            Prefix::Ke,
            w[2..].to_vec(),
            None,
            &[
                Prefix::Ber,
                Prefix::Ter,
                Prefix::Per,
                Prefix::Pe,
                Prefix::Seper,
            ],
        ),
        b"be" if has(Prefix::Ber) => strip_ber(w),
        b"te" if has(Prefix::Ter) => strip_ter(w),
        b"se" if has(Prefix::Seper) && w.starts_with(b"seper") => {
            strip(Prefix::Seper, w[5..].to_vec(), None, &[])
        }
        _ => StripResult::No,
    }
}

struct Chain {
    kinds: Vec<Prefix>,
    root: Vec<u8>,
    alt: Option<Vec<u8>>,
}

struct Derived {
    primary: Vec<u8>,
    alternates: [Option<Vec<u8>>; 2],
    blocked: bool,
}

fn derive(base: &[u8], clitic: bool) -> Derived {
    let ends_in_an = base.ends_with(b"an");
    let mut chains: Vec<Chain> = Vec::new();
    let mut blocked = false;
    let mut allowed: &[Prefix] = FIRST;
    let mut cur = base.to_vec();
    let mut kinds = Vec::new();
    while kinds.len() < 3 {
        match strip_prefix(&cur, allowed, ends_in_an) {
            StripResult::Yes(s) => {
                kinds.push(s.kind);
                let stop = s.next.is_empty() || s.alt.is_some();
                allowed = s.next;
                cur = s.rest.clone();
                chains.push(Chain {
                    kinds: kinds.clone(),
                    root: s.rest,
                    alt: s.alt,
                });
                if stop {
                    break;
                }
            }
            StripResult::Blocked => {
                blocked = chains.is_empty();
                break;
            }
            StripResult::No => break,
        }
    }
    if chains.is_empty() {
        let sfx = strip_suffix(base, None, clitic);
        return Derived {
            primary: sfx.primary,
            alternates: [sfx.alt, None],
            blocked,
        };
    }
    // Longest chain first. Roots may begin with "ber"/"ter" (beri, bersih,
    // terang), so when the suffix cannot come off after such a prefix, the
    // shorter chain is tried: pemberian → beri, kebersihan → bersih.
    let mut i = chains.len() - 1;
    loop {
        let c = &chains[i];
        let sfx = strip_suffix(&c.root, Some(c.kinds[0]), clitic);
        let last = c.kinds[c.kinds.len() - 1];
        if sfx.blocked && i > 0 && matches!(last, Prefix::Ber | Prefix::Ter) {
            i -= 1;
            continue;
        }
        // "peranan" is peran-an, not per-anan: a lone per- before a vowel
        // whose suffix cannot come off was part of the root.
        if sfx.blocked && i == 0 && c.kinds == [Prefix::Per] && c.alt.is_some() {
            let sfx = strip_suffix(base, None, clitic);
            if !sfx.blocked {
                return Derived {
                    primary: sfx.primary,
                    alternates: [sfx.alt, None],
                    blocked: false,
                };
            }
        }
        let prefix_alt = c.alt.as_ref().map(|a| {
            let keep = a.len().saturating_sub(sfx.removed);
            a[..keep].to_vec()
        });
        return Derived {
            primary: sfx.primary,
            alternates: [prefix_alt, sfx.alt],
            blocked: false,
        };
    }
}

struct Suffixed {
    primary: Vec<u8>,
    alt: Option<Vec<u8>>,
    /// Bytes removed from the end for the primary reading.
    removed: usize,
    /// A suffix allowed here was present but the root would be too short.
    blocked: bool,
}

fn strip_suffix(root: &[u8], first: Option<Prefix>, clitic: bool) -> Suffixed {
    use Prefix::*;
    let allow_kan = matches!(first, Some(Me | Di | Ber | Ter));
    let allow_an = matches!(first, None | Some(Pe | Per | Ke | Ber | Seper));
    // Without a prefix, a final -i is usually part of a loan (ekonomi,
    // strategi); only an attached clitic shows an imperative (kasihilah).
    let allow_i = matches!(first, Some(Me | Di | Ter)) || (first.is_none() && clitic);
    let keep = |blocked| Suffixed {
        primary: root.to_vec(),
        alt: None,
        removed: 0,
        blocked,
    };
    let cut = |n: usize, alt: Option<Vec<u8>>| Suffixed {
        primary: root[..root.len() - n].to_vec(),
        alt,
        removed: n,
        blocked: false,
    };
    // Loan suffixes (modernisasi, nasionalisme) only occur on unprefixed loans.
    if first.is_none() {
        for loan in [&b"isasi"[..], b"isme"] {
            if let Some(r) = root.strip_suffix(loan) {
                if ok_root(r) {
                    return cut(loan.len(), None);
                }
            }
        }
    }
    if root.ends_with(b"kan") {
        if allow_kan && ok_root(&root[..root.len() - 3]) {
            return cut(3, None);
        }
        // pe-/ke-/per- take -an, not -kan, so "pendidikan" is pendidik-an.
        if allow_an && ok_root(&root[..root.len() - 2]) {
            return cut(2, None);
        }
        return keep(true);
    }
    if root.ends_with(b"an") && allow_an {
        return if ok_root(&root[..root.len() - 2]) {
            cut(2, None)
        } else {
            keep(true)
        };
    }
    if root.ends_with(b"i") && allow_i && root.len() >= 2 {
        let shorter = &root[..root.len() - 1];
        if !ok_root(shorter) {
            return keep(true);
        }
        return match root[root.len() - 2] {
            // Roots in -ai (mulai, capai, nilai) and loans in -si (proteksi)
            // keep the i; the suffixed reading (mewarnai) is the alternate.
            b'a' | b's' => Suffixed {
                primary: root.to_vec(),
                alt: Some(shorter.to_vec()),
                removed: 0,
                blocked: false,
            },
            b'e' | b'i' | b'o' | b'u' => cut(1, None),
            // After a consonant the suffix is likelier (mengobati, menjauhi);
            // the root in -Ci (meneliti) is the alternate.
            _ => cut(1, Some(root.to_vec())),
        };
    }
    keep(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(w: &str) -> Vec<String> {
        stems(w).all().to_vec()
    }

    #[test]
    fn short_words_are_left_alone() {
        for w in ["ikan", "makan", "kebun", "buku", "dua", "bom", "di", "mei"] {
            assert_eq!(stem(w), w, "{w}");
        }
    }

    #[test]
    fn nasal_recoding() {
        assert_eq!(stem("menyapu"), "sapu");
        assert_eq!(stem("memukul"), "pukul");
        assert_eq!(stem("menulis"), "tulis");
        assert_eq!(stem("mengambil"), "ambil");
        assert_eq!(stem("pemukul"), "pukul");
        assert_eq!(stem("mengebom"), "bom");
        assert_eq!(stem("pemrograman"), "program");
    }

    #[test]
    fn ambiguous_recoding_gives_alternates() {
        assert_eq!(all("memasak"), ["pasak", "masak"]);
        assert_eq!(all("perawatan"), ["awat", "rawat"]);
        assert!(stems("meneliti").contains("teliti"));
    }

    #[test]
    fn clitics_are_backed_out_when_they_break_the_word() {
        assert_eq!(stem("bertemu"), "temu");
        assert_eq!(stem("pelaku"), "laku");
        assert_eq!(stem("sekolah"), "sekolah");
        assert_eq!(stem("masalah"), "masalah");
        assert_eq!(stem("pemerintah"), "perintah");
        assert_eq!(stem("mengolah"), "olah");
        assert_eq!(stem("bukunya"), "buku");
    }

    #[test]
    fn confix_restrictions() {
        assert_eq!(stem("kebijakan"), "bijak");
        assert_eq!(stem("pendidikan"), "didik");
        assert_eq!(stem("menahan"), "tahan");
        assert_eq!(stem("ditahan"), "tahan");
        assert_eq!(stem("peneliti"), "teliti");
        assert_eq!(stem("bersembunyi"), "sembunyi");
    }

    #[test]
    fn reduplication() {
        assert_eq!(stem("buku-buku"), "buku");
        assert_eq!(stem("bolak-balik"), "bolak-balik");
        assert_eq!(stem("meniru-nirukan"), "tiru");
        assert_eq!(stem("malaikat-malaikat-Nya"), "malaikat");
    }

    #[test]
    fn non_letters_are_untouched() {
        assert_eq!(stem("2019"), "2019");
        assert_eq!(stem("x86"), "x86");
        assert_eq!(stem("Pendidikan"), "didik");
    }
}
