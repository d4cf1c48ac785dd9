//! MARC-8 character sets, transcribed from the Library of Congress "MARC 21
//! Specifications for Record Structure, Character Sets, and Exchange Media:
//! Code Tables" (Basic and Extended Latin rev. September 2004; Greek Symbols;
//! Subscripts; Superscripts; Basic Hebrew; Basic and Extended Cyrillic; Basic
//! and Extended Arabic rev. July 2001; Basic Greek).
//!
//! Each table lists codes the way LC's table does: G0 positions (0x21–0x7E)
//! for sets normally designated into G0, G1 positions (0xA1–0xFE) for ANSEL,
//! Extended Cyrillic and Extended Arabic. The decoder maps a byte from either
//! half onto the listed half, so any set works in G0 or G1.
//!
//! `ascii` ranges are positions whose characters are identical to ASCII at
//! the same 7-bit code (LC lists them individually; ranges keep this short).
//! The EACC (East Asian) set is not here: see the crate documentation.

/// One code-table row.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Row {
    /// The MARC-8 code as LC lists it.
    pub code: u8,
    /// The Unicode character.
    pub ch: char,
    /// LC marks it as combining: MARC-8 puts it before its base character.
    pub combining: bool,
}

/// One MARC-8 graphic character set.
#[derive(Debug)]
pub(crate) struct Table {
    /// Rows sorted by code (checked by a unit test).
    pub rows: &'static [Row],
    /// Inclusive 7-bit code ranges identical to ASCII.
    pub ascii: &'static [(u8, u8)],
    /// Whether `rows` use G1 (0xA1–0xFE) codes.
    pub high: bool,
}

const fn b(code: u8, ch: char) -> Row {
    Row {
        code,
        ch,
        combining: false,
    }
}

const fn c(code: u8, ch: char) -> Row {
    Row {
        code,
        ch,
        combining: true,
    }
}

/// Extended Latin (ANSEL), final character `E`.
///
/// The ligature (EB/EC) and double tilde (FA/FB) are two halves in MARC-8.
/// LC's 2004 revision maps the first half to the single spanning mark
/// (U+0361, U+0360) and the second half to nothing; the decoder does that
/// when the halves come in pairs. An unpaired second half maps to LC's
/// alternative, the Unicode right half (U+FE21, U+FE23), listed here.
pub(crate) static ANSEL: Table = Table {
    high: true,
    ascii: &[],
    rows: &[
        b(0xA1, '\u{0141}'), // uppercase Polish L
        b(0xA2, '\u{00D8}'), // uppercase Scandinavian O
        b(0xA3, '\u{0110}'), // uppercase D with crossbar
        b(0xA4, '\u{00DE}'), // uppercase Icelandic thorn
        b(0xA5, '\u{00C6}'), // uppercase digraph AE
        b(0xA6, '\u{0152}'), // uppercase digraph OE
        b(0xA7, '\u{02B9}'), // soft sign, prime
        b(0xA8, '\u{00B7}'), // middle dot
        b(0xA9, '\u{266D}'), // musical flat
        b(0xAA, '\u{00AE}'), // patent mark
        b(0xAB, '\u{00B1}'), // plus or minus
        b(0xAC, '\u{01A0}'), // uppercase O-hook
        b(0xAD, '\u{01AF}'), // uppercase U-hook
        b(0xAE, '\u{02BC}'), // alif
        b(0xB0, '\u{02BB}'), // ayn
        b(0xB1, '\u{0142}'), // lowercase Polish l
        b(0xB2, '\u{00F8}'), // lowercase Scandinavian o
        b(0xB3, '\u{0111}'), // lowercase d with crossbar
        b(0xB4, '\u{00FE}'), // lowercase Icelandic thorn
        b(0xB5, '\u{00E6}'), // lowercase digraph ae
        b(0xB6, '\u{0153}'), // lowercase digraph oe
        b(0xB7, '\u{02BA}'), // hard sign, double prime
        b(0xB8, '\u{0131}'), // lowercase Turkish i
        b(0xB9, '\u{00A3}'), // British pound
        b(0xBA, '\u{00F0}'), // lowercase eth
        b(0xBC, '\u{01A1}'), // lowercase o-hook
        b(0xBD, '\u{01B0}'), // lowercase u-hook
        b(0xC0, '\u{00B0}'), // degree sign
        b(0xC1, '\u{2113}'), // script small l
        b(0xC2, '\u{2117}'), // sound recording copyright
        b(0xC3, '\u{00A9}'), // copyright sign
        b(0xC4, '\u{266F}'), // musical sharp
        b(0xC5, '\u{00BF}'), // inverted question mark
        b(0xC6, '\u{00A1}'), // inverted exclamation mark
        b(0xC7, '\u{00DF}'), // eszett
        b(0xC8, '\u{20AC}'), // euro sign
        c(0xE0, '\u{0309}'), // pseudo question mark (hook above)
        c(0xE1, '\u{0300}'), // grave
        c(0xE2, '\u{0301}'), // acute
        c(0xE3, '\u{0302}'), // circumflex
        c(0xE4, '\u{0303}'), // tilde
        c(0xE5, '\u{0304}'), // macron
        c(0xE6, '\u{0306}'), // breve
        c(0xE7, '\u{0307}'), // superior dot
        c(0xE8, '\u{0308}'), // umlaut, diaeresis
        c(0xE9, '\u{030C}'), // hacek
        c(0xEA, '\u{030A}'), // circle above
        c(0xEB, '\u{0361}'), // ligature, first half
        c(0xEC, '\u{FE21}'), // ligature, second half (unpaired)
        c(0xED, '\u{0315}'), // high comma, off center
        c(0xEE, '\u{030B}'), // double acute
        c(0xEF, '\u{0310}'), // candrabindu
        c(0xF0, '\u{0327}'), // cedilla
        c(0xF1, '\u{0328}'), // right hook, ogonek
        c(0xF2, '\u{0323}'), // dot below
        c(0xF3, '\u{0324}'), // double dot below
        c(0xF4, '\u{0325}'), // circle below
        c(0xF5, '\u{0333}'), // double underscore
        c(0xF6, '\u{0332}'), // underscore
        c(0xF7, '\u{0326}'), // left hook (comma below)
        c(0xF8, '\u{031C}'), // right cedilla
        c(0xF9, '\u{032E}'), // upadhmaniya
        c(0xFA, '\u{0360}'), // double tilde, first half
        c(0xFB, '\u{FE23}'), // double tilde, second half (unpaired)
        c(0xFE, '\u{0313}'), // high comma, centered
    ],
};

/// Greek Symbols, technique-1 escape `ESC g`.
pub(crate) static GREEK_SYMBOLS: Table = Table {
    high: false,
    ascii: &[],
    rows: &[
        b(0x61, '\u{03B1}'),
        b(0x62, '\u{03B2}'),
        b(0x63, '\u{03B3}'),
    ],
};

/// Subscripts, technique-1 escape `ESC b`.
pub(crate) static SUBSCRIPTS: Table = Table {
    high: false,
    ascii: &[],
    rows: &[
        b(0x28, '\u{208D}'),
        b(0x29, '\u{208E}'),
        b(0x2B, '\u{208A}'),
        b(0x2D, '\u{208B}'),
        b(0x30, '\u{2080}'),
        b(0x31, '\u{2081}'),
        b(0x32, '\u{2082}'),
        b(0x33, '\u{2083}'),
        b(0x34, '\u{2084}'),
        b(0x35, '\u{2085}'),
        b(0x36, '\u{2086}'),
        b(0x37, '\u{2087}'),
        b(0x38, '\u{2088}'),
        b(0x39, '\u{2089}'),
    ],
};

/// Superscripts, technique-1 escape `ESC p`.
pub(crate) static SUPERSCRIPTS: Table = Table {
    high: false,
    ascii: &[],
    rows: &[
        b(0x28, '\u{207D}'),
        b(0x29, '\u{207E}'),
        b(0x2B, '\u{207A}'),
        b(0x2D, '\u{207B}'),
        b(0x30, '\u{2070}'),
        b(0x31, '\u{00B9}'),
        b(0x32, '\u{00B2}'),
        b(0x33, '\u{00B3}'),
        b(0x34, '\u{2074}'),
        b(0x35, '\u{2075}'),
        b(0x36, '\u{2076}'),
        b(0x37, '\u{2077}'),
        b(0x38, '\u{2078}'),
        b(0x39, '\u{2079}'),
    ],
};

/// Basic Hebrew, final character `2`.
pub(crate) static BASIC_HEBREW: Table = Table {
    high: false,
    ascii: &[
        (0x21, 0x21),
        (0x23, 0x26),
        (0x28, 0x2C),
        (0x2E, 0x3F),
        (0x5B, 0x5B),
        (0x5D, 0x5D),
    ],
    rows: &[
        b(0x22, '\u{05F4}'), // gershayim
        b(0x27, '\u{05F3}'), // geresh
        b(0x2D, '\u{05BE}'), // maqaf
        c(0x40, '\u{05B7}'), // patah
        c(0x41, '\u{05B8}'), // qamats
        c(0x42, '\u{05B6}'), // segol
        c(0x43, '\u{05B5}'), // tsere
        c(0x44, '\u{05B4}'), // hiriq
        c(0x45, '\u{05B9}'), // holam
        c(0x46, '\u{05BB}'), // qubuts
        c(0x47, '\u{05B0}'), // sheva
        c(0x48, '\u{05B2}'), // hataf patah
        c(0x49, '\u{05B3}'), // hataf qamats
        c(0x4A, '\u{05B1}'), // hataf segol
        c(0x4B, '\u{05BC}'), // dagesh or mapiq
        c(0x4C, '\u{05BF}'), // rafe
        c(0x4D, '\u{05C1}'), // shin dot
        c(0x4E, '\u{FB1E}'), // varika
        b(0x60, '\u{05D0}'), // alef
        b(0x61, '\u{05D1}'), // bet
        b(0x62, '\u{05D2}'), // gimel
        b(0x63, '\u{05D3}'), // dalet
        b(0x64, '\u{05D4}'), // he
        b(0x65, '\u{05D5}'), // vav
        b(0x66, '\u{05D6}'), // zayin
        b(0x67, '\u{05D7}'), // het
        b(0x68, '\u{05D8}'), // tet
        b(0x69, '\u{05D9}'), // yod
        b(0x6A, '\u{05DA}'), // final kaf
        b(0x6B, '\u{05DB}'), // kaf
        b(0x6C, '\u{05DC}'), // lamed
        b(0x6D, '\u{05DD}'), // final mem
        b(0x6E, '\u{05DE}'), // mem
        b(0x6F, '\u{05DF}'), // final nun
        b(0x70, '\u{05E0}'), // nun
        b(0x71, '\u{05E1}'), // samekh
        b(0x72, '\u{05E2}'), // ayin
        b(0x73, '\u{05E3}'), // final pe
        b(0x74, '\u{05E4}'), // pe
        b(0x75, '\u{05E5}'), // final tsadi
        b(0x76, '\u{05E6}'), // tsadi
        b(0x77, '\u{05E7}'), // qof
        b(0x78, '\u{05E8}'), // resh
        b(0x79, '\u{05E9}'), // shin
        b(0x7A, '\u{05EA}'), // tav
        b(0x7B, '\u{05F0}'), // Yiddish double vav
        b(0x7C, '\u{05F1}'), // Yiddish vav yod
        b(0x7D, '\u{05F2}'), // Yiddish double yod
    ],
};

/// Basic Cyrillic, final character `N`.
pub(crate) static BASIC_CYRILLIC: Table = Table {
    high: false,
    ascii: &[(0x21, 0x3F)],
    rows: &[
        b(0x40, '\u{044E}'), // yu
        b(0x41, '\u{0430}'), // a
        b(0x42, '\u{0431}'), // be
        b(0x43, '\u{0446}'), // tse
        b(0x44, '\u{0434}'), // de
        b(0x45, '\u{0435}'), // ie
        b(0x46, '\u{0444}'), // ef
        b(0x47, '\u{0433}'), // ghe
        b(0x48, '\u{0445}'), // ha
        b(0x49, '\u{0438}'), // i
        b(0x4A, '\u{0439}'), // short i
        b(0x4B, '\u{043A}'), // ka
        b(0x4C, '\u{043B}'), // el
        b(0x4D, '\u{043C}'), // em
        b(0x4E, '\u{043D}'), // en
        b(0x4F, '\u{043E}'), // o
        b(0x50, '\u{043F}'), // pe
        b(0x51, '\u{044F}'), // ya
        b(0x52, '\u{0440}'), // er
        b(0x53, '\u{0441}'), // es
        b(0x54, '\u{0442}'), // te
        b(0x55, '\u{0443}'), // u
        b(0x56, '\u{0436}'), // zhe
        b(0x57, '\u{0432}'), // ve
        b(0x58, '\u{044C}'), // soft sign
        b(0x59, '\u{044B}'), // yeri
        b(0x5A, '\u{0437}'), // ze
        b(0x5B, '\u{0448}'), // sha
        b(0x5C, '\u{044D}'), // e
        b(0x5D, '\u{0449}'), // shcha
        b(0x5E, '\u{0447}'), // che
        b(0x5F, '\u{044A}'), // hard sign
        b(0x60, '\u{042E}'), // YU
        b(0x61, '\u{0410}'), // A
        b(0x62, '\u{0411}'), // BE
        b(0x63, '\u{0426}'), // TSE
        b(0x64, '\u{0414}'), // DE
        b(0x65, '\u{0415}'), // IE
        b(0x66, '\u{0424}'), // EF
        b(0x67, '\u{0413}'), // GHE
        b(0x68, '\u{0425}'), // HA
        b(0x69, '\u{0418}'), // I
        b(0x6A, '\u{0419}'), // SHORT I
        b(0x6B, '\u{041A}'), // KA
        b(0x6C, '\u{041B}'), // EL
        b(0x6D, '\u{041C}'), // EM
        b(0x6E, '\u{041D}'), // EN
        b(0x6F, '\u{041E}'), // O
        b(0x70, '\u{041F}'), // PE
        b(0x71, '\u{042F}'), // YA
        b(0x72, '\u{0420}'), // ER
        b(0x73, '\u{0421}'), // ES
        b(0x74, '\u{0422}'), // TE
        b(0x75, '\u{0423}'), // U
        b(0x76, '\u{0416}'), // ZHE
        b(0x77, '\u{0412}'), // VE
        b(0x78, '\u{042C}'), // SOFT SIGN
        b(0x79, '\u{042B}'), // YERI
        b(0x7A, '\u{0417}'), // ZE
        b(0x7B, '\u{0428}'), // SHA
        b(0x7C, '\u{042D}'), // E
        b(0x7D, '\u{0429}'), // SHCHA
        b(0x7E, '\u{0427}'), // CHE
    ],
};

/// Extended Cyrillic, final character `Q`.
pub(crate) static EXTENDED_CYRILLIC: Table = Table {
    high: true,
    ascii: &[],
    rows: &[
        b(0xC0, '\u{0491}'), // ghe with upturn
        b(0xC1, '\u{0452}'), // dje
        b(0xC2, '\u{0453}'), // gje
        b(0xC3, '\u{0454}'), // Ukrainian ie
        b(0xC4, '\u{0451}'), // io
        b(0xC5, '\u{0455}'), // dze
        b(0xC6, '\u{0456}'), // Byelorussian-Ukrainian i
        b(0xC7, '\u{0457}'), // yi
        b(0xC8, '\u{0458}'), // je
        b(0xC9, '\u{0459}'), // lje
        b(0xCA, '\u{045A}'), // nje
        b(0xCB, '\u{045B}'), // tshe
        b(0xCC, '\u{045C}'), // kje
        b(0xCD, '\u{045E}'), // short u
        b(0xCE, '\u{045F}'), // dzhe
        b(0xD0, '\u{0463}'), // yat
        b(0xD1, '\u{0473}'), // fita
        b(0xD2, '\u{0475}'), // izhitsa
        b(0xD3, '\u{046B}'), // big yus
        b(0xDB, '\u{005B}'), // left square bracket
        b(0xDD, '\u{005D}'), // right square bracket
        b(0xDF, '\u{005F}'), // low line
        b(0xE0, '\u{0490}'), // GHE WITH UPTURN
        b(0xE1, '\u{0402}'), // DJE
        b(0xE2, '\u{0403}'), // GJE
        b(0xE3, '\u{0404}'), // UKRAINIAN IE
        b(0xE4, '\u{0401}'), // IO
        b(0xE5, '\u{0405}'), // DZE
        b(0xE6, '\u{0406}'), // BYELORUSSIAN-UKRAINIAN I
        b(0xE7, '\u{0407}'), // YI
        b(0xE8, '\u{0408}'), // JE
        b(0xE9, '\u{0409}'), // LJE
        b(0xEA, '\u{040A}'), // NJE
        b(0xEB, '\u{040B}'), // TSHE
        b(0xEC, '\u{040C}'), // KJE
        b(0xED, '\u{040E}'), // SHORT U
        b(0xEE, '\u{040F}'), // DZHE
        b(0xEF, '\u{042A}'), // HARD SIGN
        b(0xF0, '\u{0462}'), // YAT
        b(0xF1, '\u{0472}'), // FITA
        b(0xF2, '\u{0474}'), // IZHITSA
        b(0xF3, '\u{046A}'), // BIG YUS
    ],
};

/// Basic Arabic, final character `3`.
pub(crate) static BASIC_ARABIC: Table = Table {
    high: false,
    ascii: &[
        (0x21, 0x24),
        (0x26, 0x29),
        (0x2B, 0x2B),
        (0x2D, 0x2F),
        (0x3A, 0x3A),
        (0x3C, 0x3E),
        (0x5B, 0x5B),
        (0x5D, 0x5D),
    ],
    rows: &[
        b(0x25, '\u{066A}'), // Arabic percent sign
        b(0x2A, '\u{066D}'), // Arabic five pointed star
        b(0x2C, '\u{060C}'), // Arabic comma
        b(0x30, '\u{0660}'), // Arabic-Indic digits 0-9
        b(0x31, '\u{0661}'),
        b(0x32, '\u{0662}'),
        b(0x33, '\u{0663}'),
        b(0x34, '\u{0664}'),
        b(0x35, '\u{0665}'),
        b(0x36, '\u{0666}'),
        b(0x37, '\u{0667}'),
        b(0x38, '\u{0668}'),
        b(0x39, '\u{0669}'),
        b(0x3B, '\u{061B}'), // Arabic semicolon
        b(0x3F, '\u{061F}'), // Arabic question mark
        b(0x41, '\u{0621}'), // hamza
        b(0x42, '\u{0622}'), // alef with madda above
        b(0x43, '\u{0623}'), // alef with hamza above
        b(0x44, '\u{0624}'), // waw with hamza above
        b(0x45, '\u{0625}'), // alef with hamza below
        b(0x46, '\u{0626}'), // yeh with hamza above
        b(0x47, '\u{0627}'), // alef
        b(0x48, '\u{0628}'), // beh
        b(0x49, '\u{0629}'), // teh marbuta
        b(0x4A, '\u{062A}'), // teh
        b(0x4B, '\u{062B}'), // theh
        b(0x4C, '\u{062C}'), // jeem
        b(0x4D, '\u{062D}'), // hah
        b(0x4E, '\u{062E}'), // khah
        b(0x4F, '\u{062F}'), // dal
        b(0x50, '\u{0630}'), // thal
        b(0x51, '\u{0631}'), // reh
        b(0x52, '\u{0632}'), // zain
        b(0x53, '\u{0633}'), // seen
        b(0x54, '\u{0634}'), // sheen
        b(0x55, '\u{0635}'), // sad
        b(0x56, '\u{0636}'), // dad
        b(0x57, '\u{0637}'), // tah
        b(0x58, '\u{0638}'), // zah
        b(0x59, '\u{0639}'), // ain
        b(0x5A, '\u{063A}'), // ghain
        b(0x60, '\u{0640}'), // tatweel
        b(0x61, '\u{0641}'), // feh
        b(0x62, '\u{0642}'), // qaf
        b(0x63, '\u{0643}'), // kaf
        b(0x64, '\u{0644}'), // lam
        b(0x65, '\u{0645}'), // meem
        b(0x66, '\u{0646}'), // noon
        b(0x67, '\u{0647}'), // heh
        b(0x68, '\u{0648}'), // waw
        b(0x69, '\u{0649}'), // alef maksura
        b(0x6A, '\u{064A}'), // yeh
        c(0x6B, '\u{064B}'), // fathatan
        c(0x6C, '\u{064C}'), // dammatan
        c(0x6D, '\u{064D}'), // kasratan
        c(0x6E, '\u{064E}'), // fatha
        c(0x6F, '\u{064F}'), // damma
        c(0x70, '\u{0650}'), // kasra
        c(0x71, '\u{0651}'), // shadda
        c(0x72, '\u{0652}'), // sukun
        b(0x73, '\u{0671}'), // alef wasla
        b(0x74, '\u{0670}'), // superscript alef
        b(0x78, '\u{066C}'), // Arabic thousands separator
        b(0x79, '\u{201D}'), // right double quotation mark
        b(0x7A, '\u{201C}'), // left double quotation mark
    ],
};

/// Extended Arabic, final character `4`.
pub(crate) static EXTENDED_ARABIC: Table = Table {
    high: true,
    ascii: &[],
    rows: &[
        b(0xA1, '\u{06FD}'), // double alef with hamza above
        b(0xA2, '\u{0672}'), // alef with wavy hamza above
        b(0xA3, '\u{0673}'), // alef with wavy hamza below
        b(0xA4, '\u{0679}'), // tteh
        b(0xA5, '\u{067A}'), // ttehe
        b(0xA6, '\u{067B}'), // bbeh
        b(0xA7, '\u{067C}'), // teh with ring
        b(0xA8, '\u{067D}'), // teh with three dots above downwards
        b(0xA9, '\u{067E}'), // peh
        b(0xAA, '\u{067F}'), // teheh
        b(0xAB, '\u{0680}'), // beheh
        b(0xAC, '\u{0681}'), // hah with hamza above
        b(0xAD, '\u{0682}'), // hah with two dots vertical above
        b(0xAE, '\u{0683}'), // nyeh
        b(0xAF, '\u{0684}'), // dyeh
        b(0xB0, '\u{0685}'), // hah with three dots above
        b(0xB1, '\u{0686}'), // tcheh
        b(0xB2, '\u{06BF}'), // tcheh with dot above
        b(0xB3, '\u{0687}'), // tcheheh
        b(0xB4, '\u{0688}'), // ddal
        b(0xB5, '\u{0689}'), // dal with ring
        b(0xB6, '\u{068A}'), // dal with dot below
        b(0xB7, '\u{068B}'), // dal with dot below and small tah
        b(0xB8, '\u{068C}'), // dahal
        b(0xB9, '\u{068D}'), // ddahal
        b(0xBA, '\u{068E}'), // dul
        b(0xBB, '\u{068F}'), // dal with three dots above downwards
        b(0xBC, '\u{0690}'), // dal with four dots above
        b(0xBD, '\u{0691}'), // rreh
        b(0xBE, '\u{0692}'), // reh with small v
        b(0xBF, '\u{0693}'), // reh with ring
        b(0xC0, '\u{0694}'), // reh with dot below
        b(0xC1, '\u{0695}'), // reh with small v below
        b(0xC2, '\u{0696}'), // reh with dot below and dot above
        b(0xC3, '\u{0697}'), // reh with two dots above
        b(0xC4, '\u{0698}'), // jeh
        b(0xC5, '\u{0699}'), // reh with four dots above
        b(0xC6, '\u{069A}'), // seen with dot below and dot above
        b(0xC7, '\u{069B}'), // seen with three dots below
        b(0xC8, '\u{069C}'), // seen with three dots below and three dots above
        b(0xC9, '\u{06FA}'), // sheen with dot below
        b(0xCA, '\u{069D}'), // sad with two dots below
        b(0xCB, '\u{069E}'), // sad with three dots above
        b(0xCC, '\u{06FB}'), // dad with dot below
        b(0xCD, '\u{069F}'), // tah with three dots above
        b(0xCE, '\u{06A0}'), // ain with three dots above
        b(0xCF, '\u{06FC}'), // ghain with dot below
        b(0xD0, '\u{06A1}'), // dotless feh
        b(0xD1, '\u{06A2}'), // feh with dot moved below
        b(0xD2, '\u{06A3}'), // feh with dot below
        b(0xD3, '\u{06A4}'), // veh
        b(0xD4, '\u{06A5}'), // feh with three dots below
        b(0xD5, '\u{06A6}'), // peheh
        b(0xD6, '\u{06A7}'), // qaf with dot above
        b(0xD7, '\u{06A8}'), // qaf with three dots above
        b(0xD8, '\u{06A9}'), // keheh
        b(0xD9, '\u{06AA}'), // swash kaf
        b(0xDA, '\u{06AB}'), // kaf with ring
        b(0xDB, '\u{06AC}'), // kaf with dot above
        b(0xDC, '\u{06AD}'), // ng
        b(0xDD, '\u{06AE}'), // kaf with three dots below
        b(0xDE, '\u{06AF}'), // gaf
        b(0xDF, '\u{06B0}'), // gaf with ring
        b(0xE0, '\u{06B1}'), // ngoeh
        b(0xE1, '\u{06B2}'), // gaf with two dots below
        b(0xE2, '\u{06B3}'), // gueh
        b(0xE3, '\u{06B4}'), // gaf with three dots above
        b(0xE4, '\u{06B5}'), // lam with small v
        b(0xE5, '\u{06B6}'), // lam with dot above
        b(0xE6, '\u{06B7}'), // lam with three dots above
        b(0xE7, '\u{06B8}'), // lam with three dots below
        b(0xE8, '\u{06BA}'), // noon ghunna
        b(0xE9, '\u{06BB}'), // rnoon
        b(0xEA, '\u{06BC}'), // noon with ring
        b(0xEB, '\u{06BD}'), // noon with three dots above
        b(0xEC, '\u{06B9}'), // noon with dot below
        b(0xED, '\u{06BE}'), // heh doachashmee
        b(0xEE, '\u{06C0}'), // heh with yeh above
        b(0xEF, '\u{06C4}'), // waw with ring
        b(0xF0, '\u{06C5}'), // Kirghiz oe
        b(0xF1, '\u{06C6}'), // oe
        b(0xF2, '\u{06CA}'), // waw with two dots above
        b(0xF3, '\u{06CB}'), // ve
        b(0xF4, '\u{06CD}'), // yeh with tail
        b(0xF5, '\u{06CE}'), // yeh with small v
        b(0xF6, '\u{06D0}'), // e
        b(0xF7, '\u{06D2}'), // yeh barree
        b(0xF8, '\u{06D3}'), // yeh barree with hamza above
        c(0xFD, '\u{0306}'), // short e (combining breve)
        c(0xFE, '\u{030C}'), // short u (combining caron)
    ],
};

/// Basic Greek, final character `S`.
pub(crate) static BASIC_GREEK: Table = Table {
    high: false,
    ascii: &[],
    rows: &[
        c(0x21, '\u{0300}'), // grave
        c(0x22, '\u{0301}'), // acute
        c(0x23, '\u{0308}'), // diaeresis
        c(0x24, '\u{0342}'), // perispomeni / circumflex
        c(0x25, '\u{0313}'), // smooth breathing
        c(0x26, '\u{0314}'), // rough breathing
        c(0x27, '\u{0345}'), // iota subscript
        b(0x30, '\u{00AB}'), // left-pointing double angle quotation mark
        b(0x31, '\u{00BB}'), // right-pointing double angle quotation mark
        b(0x32, '\u{201C}'), // left double quotation mark
        b(0x33, '\u{201D}'), // right double quotation mark
        b(0x34, '\u{0374}'), // numeral sign / upper prime
        b(0x35, '\u{0375}'), // lower numeral sign / lower prime
        b(0x3B, '\u{0387}'), // ano teleia
        b(0x3F, '\u{037E}'), // Greek question mark
        b(0x41, '\u{0391}'), // ALPHA
        b(0x42, '\u{0392}'), // BETA
        b(0x44, '\u{0393}'), // GAMMA
        b(0x45, '\u{0394}'), // DELTA
        b(0x46, '\u{0395}'), // EPSILON
        b(0x47, '\u{03DA}'), // STIGMA
        b(0x48, '\u{03DC}'), // DIGAMMA
        b(0x49, '\u{0396}'), // ZETA
        b(0x4A, '\u{0397}'), // ETA
        b(0x4B, '\u{0398}'), // THETA
        b(0x4C, '\u{0399}'), // IOTA
        b(0x4D, '\u{039A}'), // KAPPA
        b(0x4E, '\u{039B}'), // LAMDA
        b(0x4F, '\u{039C}'), // MU
        b(0x50, '\u{039D}'), // NU
        b(0x51, '\u{039E}'), // XI
        b(0x52, '\u{039F}'), // OMICRON
        b(0x53, '\u{03A0}'), // PI
        b(0x54, '\u{03DE}'), // KOPPA
        b(0x55, '\u{03A1}'), // RHO
        b(0x56, '\u{03A3}'), // SIGMA
        b(0x58, '\u{03A4}'), // TAU
        b(0x59, '\u{03A5}'), // UPSILON
        b(0x5A, '\u{03A6}'), // PHI
        b(0x5B, '\u{03A7}'), // CHI
        b(0x5C, '\u{03A8}'), // PSI
        b(0x5D, '\u{03A9}'), // OMEGA
        b(0x5E, '\u{03E0}'), // SAMPI
        b(0x61, '\u{03B1}'), // alpha
        b(0x62, '\u{03B2}'), // beta
        b(0x63, '\u{03D0}'), // beta symbol (middle of word)
        b(0x64, '\u{03B3}'), // gamma
        b(0x65, '\u{03B4}'), // delta
        b(0x66, '\u{03B5}'), // epsilon
        b(0x67, '\u{03DB}'), // stigma
        b(0x68, '\u{03DD}'), // digamma
        b(0x69, '\u{03B6}'), // zeta
        b(0x6A, '\u{03B7}'), // eta
        b(0x6B, '\u{03B8}'), // theta
        b(0x6C, '\u{03B9}'), // iota
        b(0x6D, '\u{03BA}'), // kappa
        b(0x6E, '\u{03BB}'), // lamda
        b(0x6F, '\u{03BC}'), // mu
        b(0x70, '\u{03BD}'), // nu
        b(0x71, '\u{03BE}'), // xi
        b(0x72, '\u{03BF}'), // omicron
        b(0x73, '\u{03C0}'), // pi
        b(0x74, '\u{03DF}'), // koppa
        b(0x75, '\u{03C1}'), // rho
        b(0x76, '\u{03C3}'), // sigma
        b(0x77, '\u{03C2}'), // final sigma
        b(0x78, '\u{03C4}'), // tau
        b(0x79, '\u{03C5}'), // upsilon
        b(0x7A, '\u{03C6}'), // phi
        b(0x7B, '\u{03C7}'), // chi
        b(0x7C, '\u{03C8}'), // psi
        b(0x7D, '\u{03C9}'), // omega
        b(0x7E, '\u{03E1}'), // sampi
    ],
};

/// Every table, for the consistency test.
#[cfg(test)]
pub(crate) static ALL: &[(&str, &Table)] = &[
    ("ANSEL", &ANSEL),
    ("Greek symbols", &GREEK_SYMBOLS),
    ("subscripts", &SUBSCRIPTS),
    ("superscripts", &SUPERSCRIPTS),
    ("Basic Hebrew", &BASIC_HEBREW),
    ("Basic Cyrillic", &BASIC_CYRILLIC),
    ("Extended Cyrillic", &EXTENDED_CYRILLIC),
    ("Basic Arabic", &BASIC_ARABIC),
    ("Extended Arabic", &EXTENDED_ARABIC),
    ("Basic Greek", &BASIC_GREEK),
];
