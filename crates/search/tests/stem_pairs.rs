//! Stemmer accuracy on the Sastrawi test pairs and conflation of the
//! catalogue generator's root families.
//!
//! The pairs come from Sastrawi's own tests (MIT, see tests/data/SOURCE.md).
//! Sastrawi decides every ambiguity with a root dictionary; this stemmer has
//! none, so some pairs are out of reach by design. The misses fall into these
//! categories (printed by the tests below):
//! - ambiguous recoding: `meN-`/`peN-`/`ber-`/`per-`/`ter-` before a vowel
//!   (menyala → sala|nyala, meminum → pinum|minum, mengupas → upas|kupas,
//!   berambut → ambut|rambut). The right root is produced as an *alternate*
//!   and indexed, so search still finds it;
//! - `-i` after a vowel (mewarnai, mencintai: root-final -ai is as common);
//!   the suffixless reading is the alternate;
//! - bare `se-` (sesuap, persemakmuran) and `per-` in a root (terpercaya,
//!   mempengaruhi → aruh, consistently for pengaruh too);
//! - infixes (kinerja, lemigas), partial reduplication (rerata, lelembut),
//!   proclitics (kupukul, kauhajar);
//! - suffixless imperatives (hantui, belikan), `-is` loans (idealis) and
//!   names the dictionary knows (asean, subarkah).

use lentera_search::stem::{stem, stems};

fn pairs(name: &str) -> Vec<(String, String)> {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    text.lines()
        .filter(|l| !l.is_empty())
        .map(|l| {
            let (w, s) = l
                .split_once('\t')
                .unwrap_or_else(|| panic!("bad line {l:?}"));
            (w.to_string(), s.to_string())
        })
        .collect()
}

/// Returns (pairs, primary hits, hits counting alternates).
fn score(name: &str) -> (usize, usize, usize) {
    let ps = pairs(name);
    let (mut primary, mut any) = (0, 0);
    for (w, expected) in &ps {
        // One pair is a sentence: stem word by word, as Sastrawi does.
        let got: Vec<String> = w.split_whitespace().map(stem).collect();
        let got = got.join(" ");
        if &got == expected {
            primary += 1;
            any += 1;
            continue;
        }
        let reachable = !w.contains(' ') && stems(w).contains(expected);
        if reachable {
            any += 1;
        }
        println!(
            "miss {w:>24} -> {:<24} expected {expected}{}",
            stems(w).all().join("|"),
            if reachable { "  (as alternate)" } else { "" }
        );
    }
    println!(
        "{name}: {primary}/{n} = {:.1}% primary, {any}/{n} = {:.1}% with alternates",
        100.0 * primary as f64 / ps.len() as f64,
        100.0 * any as f64 / ps.len() as f64,
        n = ps.len()
    );
    (ps.len(), primary, any)
}

#[test]
fn functional_pairs_accuracy_floor() {
    let (n, primary, any) = score("stem-pairs-functional.tsv");
    assert_eq!(n, 166);
    assert!(primary >= 131, "primary {primary}/166");
    assert!(any >= 148, "with alternates {any}/166");
}

#[test]
fn integration_pairs_accuracy_floor() {
    let (n, primary, any) = score("stem-pairs-integration.tsv");
    assert_eq!(n, 35);
    assert!(primary >= 22, "primary {primary}/35");
    assert!(any >= 31, "with alternates {any}/35");
}

/// `MORPH` from /work/shared/bench/make_catalog.py: root → affixed forms used
/// in the benchmark catalogue's titles.
const MORPH: &[(&str, &[&str])] = &[
    ("budidaya", &["budidaya", "pembudidayaan", "membudidayakan"]),
    ("tani", &["pertanian", "petani", "bertani"]),
    ("bijak", &["kebijakan", "kebijaksanaan"]),
    ("tulis", &["menulis", "penulisan", "penulis", "tulisan"]),
    (
        "ajar",
        &[
            "belajar",
            "pelajaran",
            "pembelajaran",
            "mengajar",
            "pengajaran",
            "ajaran",
        ],
    ),
    ("didik", &["pendidikan", "pendidik", "mendidik"]),
    (
        "kembang",
        &[
            "pengembangan",
            "perkembangan",
            "berkembang",
            "mengembangkan",
        ],
    ),
    ("kelola", &["pengelolaan", "mengelola", "pengelola"]),
    ("bangun", &["pembangunan", "membangun", "bangunan"]),
    (
        "usaha",
        &[
            "usaha",
            "pengusaha",
            "perusahaan",
            "berwirausaha",
            "kewirausahaan",
        ],
    ),
    ("kebun", &["perkebunan", "berkebun", "kebun"]),
    ("ikan", &["ikan", "perikanan"]),
    ("ternak", &["peternakan", "beternak", "peternak", "ternak"]),
    ("obat", &["obat", "pengobatan", "mengobati"]),
    ("sehat", &["kesehatan", "sehat", "menyehatkan"]),
    ("masak", &["memasak", "masakan"]),
    ("jual", &["penjualan", "menjual", "berjualan"]),
    ("pasar", &["pemasaran", "pasar", "memasarkan"]),
    ("hitung", &["berhitung", "menghitung", "perhitungan"]),
    ("baca", &["membaca", "bacaan", "pembaca"]),
    ("cerita", &["cerita", "bercerita"]),
    ("latih", &["pelatihan", "latihan", "melatih"]),
    ("teliti", &["penelitian", "meneliti", "peneliti"]),
    ("tanam", &["penanaman", "menanam", "tanaman"]),
    ("olah", &["pengolahan", "mengolah", "olahan"]),
    ("rawat", &["perawatan", "merawat", "keperawatan"]),
    ("kaji", &["kajian", "pengkajian", "mengkaji"]),
    ("perintah", &["pemerintahan", "pemerintah"]),
    ("adil", &["keadilan", "pengadilan"]),
    ("budaya", &["kebudayaan", "budaya", "berbudaya"]),
    ("agama", &["agama", "keagamaan", "beragama"]),
    ("guna", &["penggunaan", "menggunakan", "pengguna"]),
    ("rancang", &["perancangan", "merancang", "rancangan"]),
    ("program", &["pemrograman", "program"]),
    ("daya", &["pemberdayaan", "memberdayakan", "daya"]),
    ("jahit", &["menjahit", "jahitan", "penjahit"]),
    ("pelihara", &["pemeliharaan", "memelihara"]),
    ("lestari", &["pelestarian", "melestarikan", "lestari"]),
    ("bina", &["pembinaan", "membina"]),
    ("hukum", &["hukum", "hukuman"]),
    ("pengaruh", &["pengaruh", "berpengaruh", "mempengaruhi"]),
    ("tingkat", &["meningkatkan", "peningkatan", "tingkat"]),
    ("laksana", &["pelaksanaan", "melaksanakan"]),
    (
        "kerja",
        &["kinerja", "pekerjaan", "bekerja", "pekerja", "kerja"],
    ),
];

/// Forms that are, on purpose, not conflated with their family, and why.
const SEPARATE: &[(&str, &str)] = &[
    // "Wisdom" has its own root (bijaksana), as in Sastrawi's dictionary.
    ("kebijaksanaan", "bijaksana"),
    // Compound root "wirausaha" (entrepreneur): its two forms meet each other.
    ("berwirausaha", "wirausaha"),
    ("kewirausahaan", "wirausaha"),
    // Infix -in-: not recognisable without a dictionary.
    ("kinerja", "kinerja"),
];

#[test]
fn morph_families_conflate() {
    let mut failures = Vec::new();
    for (root, forms) in MORPH {
        let mut common: Option<Vec<String>> = None;
        for form in forms.iter() {
            if let Some((_, own)) = SEPARATE.iter().find(|(f, _)| f == form) {
                assert!(
                    stems(form).contains(own),
                    "{form} should stem to {own}: {:?}",
                    stems(form)
                );
                continue;
            }
            let s = stems(form).all().to_vec();
            common = Some(match common {
                None => s,
                Some(c) => c.into_iter().filter(|x| s.contains(x)).collect(),
            });
        }
        let common = common.unwrap_or_default();
        if common.is_empty() {
            let detail: Vec<String> = forms
                .iter()
                .map(|f| format!("{f}={}", stems(f).all().join("|")))
                .collect();
            failures.push(format!("{root}: {}", detail.join(" ")));
        }
    }
    assert!(
        failures.is_empty(),
        "families without a shared stem:\n{}",
        failures.join("\n")
    );
}

#[test]
fn brief_examples() {
    for (family, root) in [
        (
            &["pembudidayaan", "membudidayakan", "budidaya"][..],
            "budidaya",
        ),
        (&["pertanian", "petani", "bertani"][..], "tani"),
        (&["menulis", "penulisan", "penulis", "tulisan"][..], "tulis"),
        (&["menyapu", "sapu"][..], "sapu"),
        (&["memukul", "pemukul", "pukul"][..], "pukul"),
        (&["mengambil", "ambil"][..], "ambil"),
        (&["buku-buku", "buku"][..], "buku"),
    ] {
        for w in family {
            assert_eq!(stem(w), root, "{w}");
        }
    }
}
