//! Bahasa Indonesia first, English second.
//!
//! Every UI string is a [`Msg`] with both translations side by side, so a
//! missing translation is a compile error, not a blank on a village screen.
//! Field labels and validation sentences live here too, shared by forms, the
//! API and import reports.

use axum::extract::Request;
use axum::http::header;
use lentera_core::field::Problem;
use lentera_core::regions::Level;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Id,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Id => "id",
            Lang::En => "en",
        }
    }
    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_ascii_lowercase().get(..2) {
            Some("id") => Some(Lang::Id),
            Some("en") => Some(Lang::En),
            _ => None,
        }
    }
    /// `?lang=` wins, then the `lang` cookie, then Bahasa Indonesia. We do not
    /// follow Accept-Language: shared village PCs often have English browsers.
    pub fn from_request(req: &Request) -> Lang {
        if let Some(q) = req.uri().query() {
            for pair in q.split('&') {
                if let Some(v) = pair.strip_prefix("lang=")
                    && let Some(l) = Lang::parse(v)
                {
                    return l;
                }
            }
        }
        crate::auth::cookie(req.headers().get(header::COOKIE), "lang")
            .and_then(|v| Lang::parse(&v))
            .unwrap_or_default()
    }
    pub fn other(self) -> Lang {
        match self {
            Lang::Id => Lang::En,
            Lang::En => Lang::Id,
        }
    }
}

/// Defines a message enum with its two translations.
#[macro_export]
macro_rules! messages {
    ($name:ident { $($key:ident => $id:literal, $en:literal;)+ }) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name { $($key),+ }
        impl $name {
            pub fn get(self, lang: $crate::i18n::Lang) -> &'static str {
                match lang {
                    $crate::i18n::Lang::Id => match self { $($name::$key => $id),+ },
                    $crate::i18n::Lang::En => match self { $($name::$key => $en),+ },
                }
            }
        }
    };
}

messages!(Msg {
    AppName => "Lentera", "Lentera";
    Tagline => "Sistem perpustakaan dan pemantauan TPBIS", "Library and TPBIS monitoring system";
    SkipToContent => "Langsung ke isi utama", "Skip to main content";
    MainMenu => "Menu utama", "Main menu";
    Home => "Beranda", "Home";
    Regions => "Wilayah", "Regions";
    Libraries => "Perpustakaan", "Libraries";
    Users => "Pengguna", "Users";
    Audit => "Jejak audit", "Audit trail";
    Catalog => "Katalog", "Catalogue";
    Circulation => "Sirkulasi", "Circulation";
    Members => "Anggota", "Members";
    Visits => "Buku tamu", "Guest book";
    Stocktake => "Stok opname", "Stock-taking";
    Opac => "Cari buku", "Find a book";
    ApiDocs => "Dokumentasi API", "API documentation";
    Login => "Masuk", "Sign in";
    Logout => "Keluar", "Sign out";
    Username => "Nama pengguna", "Username";
    Password => "Kata sandi", "Password";
    MyAccount => "Akun saya", "My account";
    ChangePassword => "Ganti kata sandi", "Change password";
    Language => "Bahasa", "Language";
    OtherLanguageName => "English", "Bahasa Indonesia";
    Search => "Cari", "Search";
    SearchPlaceholder => "Ketik nama…", "Type a name…";
    Save => "Simpan", "Save";
    Cancel => "Batal", "Cancel";
    Edit => "Ubah", "Edit";
    Back => "Kembali", "Back";
    Next => "Berikutnya", "Next";
    Previous => "Sebelumnya", "Previous";
    PageOf => "Halaman {page} dari {pages}", "Page {page} of {pages}";
    Results => "{n} hasil", "{n} results";
    NoResults => "Tidak ada hasil.", "No results.";
    Yes => "Ya", "Yes";
    No => "Tidak", "No";
    Optional => "(tidak wajib)", "(optional)";
    Active => "Aktif", "Active";
    Inactive => "Nonaktif", "Inactive";
    Status => "Status", "Status";
    Actions => "Tindakan", "Actions";
    Download => "Unduh", "Download";
    Saved => "Tersimpan.", "Saved.";
    ErrorSummaryTitle => "Ada yang perlu diperbaiki", "There is a problem";
    SignedInAs => "Masuk sebagai {name}", "Signed in as {name}";
    LoginTitle => "Masuk ke Lentera", "Sign in to Lentera";
    LoginFailed => "Nama pengguna atau kata sandi salah.", "The username or password is wrong.";
    LoginDisabled => "Akun ini dinonaktifkan. Hubungi admin dinas Anda.", "This account is deactivated. Contact your agency's administrator.";
    MustChangePassword => "Silakan ganti kata sandi sementara Anda sebelum melanjutkan.", "Please change your temporary password before you continue.";
    Welcome => "Selamat datang, {name}", "Welcome, {name}";
    YourReach => "Jangkauan Anda", "Your reach";
    ReachNation => "Seluruh Indonesia", "All of Indonesia";
    ReachAssigned => "{n} perpustakaan dampingan", "{n} assigned libraries";
    Province => "Provinsi", "Province";
    Regency => "Kabupaten/kota", "Regency/city";
    District => "Kecamatan", "District";
    Village => "Desa/kelurahan", "Village";
    Desa => "Desa", "Village (desa)";
    Kelurahan => "Kelurahan", "Urban village (kelurahan)";
    DesaAdat => "Desa adat", "Customary village";
    Code => "Kode", "Code";
    Name => "Nama", "Name";
    Level => "Tingkat", "Level";
    Children => "Wilayah di bawahnya", "Regions below";
    RegionSearchLabel => "Cari wilayah", "Search regions";
    RegionSearchHint => "Nama desa, kecamatan, kabupaten atau provinsi, atau kodenya.", "Name of a village, district, regency or province, or its code.";
    RegionCounts => "{p} provinsi, {r} kabupaten/kota, {d} kecamatan, {v} desa/kelurahan", "{p} provinces, {r} regencies/cities, {d} districts, {v} villages";
    PostalCode => "Kode pos", "Postal code";
    Coordinates => "Koordinat", "Coordinates";
    ErrUnauthorized => "Silakan masuk terlebih dahulu.", "Please sign in first.";
    ErrForbidden => "Anda tidak berwenang melakukan tindakan ini.", "You are not allowed to do this.";
    ErrNotFound => "Halaman atau data tidak ditemukan.", "The page or record was not found.";
    ErrCsrf => "Formulir kedaluwarsa atau tidak sah. Muat ulang halaman lalu coba lagi.", "The form expired or is not valid. Reload the page and try again.";
    ErrTooMany => "Terlalu banyak percobaan masuk. Coba lagi dalam {min} menit.", "Too many sign-in attempts. Try again in {min} minutes.";
    ErrInvalid => "Ada isian yang perlu diperbaiki.", "Some fields need correcting.";
    ErrBadRequest => "Permintaan tidak dapat dibaca", "The request could not be read";
    ErrTooLarge => "Berkas terlalu besar (maksimal {mb} MB).", "The file is too large (at most {mb} MB).";
    ErrConflict => "Data ini baru saja diubah orang lain. Muat ulang untuk melihat versi terbaru.", "Someone else just changed this record. Reload to see the latest version.";
    ErrInternal => "Terjadi kesalahan pada sistem. Kesalahan sudah dicatat; coba lagi nanti.", "Something went wrong on our side. It has been logged; please try again later.";
    TodoTitle => "Yang perlu dikerjakan", "To do";
    TodoNone => "Tidak ada yang menunggu Anda saat ini.", "Nothing is waiting for you right now.";
    DueOn => "tenggat", "due";
    Late => "Terlambat", "Late";
    NotificationsLink => "Pemberitahuan ({n} belum dibaca)", "Notifications ({n} unread)";
    MenuLibrary => "Perpustakaan", "Library";
    MenuProgram => "Program TPBIS", "TPBIS programme";
    MenuMonitoring => "Pemantauan", "Monitoring";
    MenuAdmin => "Administrasi", "Administration";
    Program => "Seleksi", "Selection";
    Aid => "Bantuan", "Aid";
    Events => "Bimtek & kegiatan program", "Bimtek & programme events";
    Workplans => "Rencana kerja", "Work plans";
    Activities => "Laporan kegiatan", "Activity reports";
    Advocacy => "Hasil advokasi", "Advocacy outcomes";
    Monitoring => "Dasbor", "Dashboard";
    MonthlyReports => "Laporan bulanan", "Monthly reports";
    Notifications => "Pemberitahuan", "Notifications";
    ErrorTitle => "Terjadi masalah", "Something went wrong";
    FooterNote => "Lentera — untuk perpustakaan desa dan kelurahan, TBM, dan program TPBIS Perpustakaan Nasional.", "Lentera — for village libraries, TBMs and the National Library's TPBIS programme.";
});

/// The label of a field key, as shown next to the input and in messages.
/// Keys are shared by forms, the API and import columns.
pub fn field_label(field: &str, lang: Lang) -> String {
    let (id, en) = match field {
        // Libraries
        "kind" => ("Jenis perpustakaan", "Library type"),
        "name" => ("Nama", "Name"),
        "npp" => (
            "NPP (Nomor Pokok Perpustakaan)",
            "NPP (library registration number)",
        ),
        "village_code" => ("Desa/kelurahan", "Village"),
        "address" => ("Alamat", "Address"),
        "latitude" => ("Lintang", "Latitude"),
        "longitude" => ("Bujur", "Longitude"),
        "contact_name" => ("Nama kontak", "Contact name"),
        "phone" => ("Nomor telepon", "Phone number"),
        "email" => ("Surel", "E-mail"),
        "opening_hours" => ("Jam buka", "Opening hours"),
        "hours_per_day" => (
            "Rata-rata jam buka per hari",
            "Average opening hours per day",
        ),
        "staff_count" => ("Jumlah tenaga pengelola", "Number of staff"),
        "floor_area_m2" => ("Luas ruang (m²)", "Floor area (m²)"),
        "computers" => ("Jumlah komputer", "Number of computers"),
        "has_internet" => ("Akses internet", "Internet access"),
        "participation" => ("Keikutsertaan TPBIS", "TPBIS participation"),
        "cohort_year" => ("Tahun angkatan TPBIS", "TPBIS cohort year"),
        "updated_at" => (
            "Versi data (waktu terakhir diubah)",
            "Record version (last changed)",
        ),
        "active" => ("Status", "Status"),
        "format" => ("Format berkas", "File format"),
        "dry_run" => ("Periksa saja, jangan simpan", "Check only, save nothing"),
        "region" => ("Wilayah", "Region"),
        "page" => ("Halaman", "Page"),
        "per_page" => ("Jumlah per halaman", "Items per page"),
        // Users
        "username" => ("Nama pengguna", "Username"),
        "full_name" => ("Nama lengkap", "Full name"),
        "role" => ("Peran", "Role"),
        "region_code" => ("Wilayah", "Region"),
        "library_id" => ("Perpustakaan", "Library"),
        "library_ids" => ("Perpustakaan dampingan", "Assigned libraries"),
        "password" => ("Kata sandi", "Password"),
        "password_confirm" => ("Ulangi kata sandi", "Repeat password"),
        "current_password" => ("Kata sandi saat ini", "Current password"),
        "password_mode" => ("Kata sandi awal", "First password"),
        // Audit trail
        "entity" => ("Jenis data", "Record type"),
        "entity_id" => ("ID data", "Record ID"),
        "action" => ("Tindakan", "Action"),
        "file" => ("Berkas", "File"),
        "body" => ("Isi permintaan", "Request body"),
        "q" => ("Pencarian", "Search"),
        other => {
            // Each feature keeps its own labels beside its forms.
            return crate::catalog::field_label(other, lang)
                .or_else(|| crate::circulation::field_label(other, lang))
                .or_else(|| crate::visits::field_label(other, lang))
                .or_else(|| crate::program::field_label(other, lang))
                .or_else(|| crate::aid::field_label(other, lang))
                .or_else(|| crate::events::field_label(other, lang))
                .or_else(|| crate::workplans::field_label(other, lang))
                .or_else(|| crate::activities::field_label(other, lang))
                .or_else(|| crate::monitoring::field_label(other, lang))
                .map_or_else(|| other.to_string(), str::to_string);
        }
    };
    match lang {
        Lang::Id => id.to_string(),
        Lang::En => en.to_string(),
    }
}

fn level_name(level: Level, lang: Lang) -> &'static str {
    match level {
        Level::Province => Msg::Province.get(lang),
        Level::Regency => Msg::Regency.get(lang),
        Level::District => Msg::District.get(lang),
        Level::Village => Msg::Village.get(lang),
    }
}

/// "Desa/kelurahan wajib diisi." — the label, then what is wrong.
pub fn problem_sentence(field: &str, p: &Problem, lang: Lang) -> String {
    let label = field_label(field, lang);
    let id = lang == Lang::Id;
    let what = match p {
        Problem::Required => {
            if id {
                "wajib diisi".into()
            } else {
                "is required".into()
            }
        }
        Problem::TooLong { max } => {
            if id {
                format!("terlalu panjang (paling banyak {max} karakter)")
            } else {
                format!("is too long (at most {max} characters)")
            }
        }
        Problem::TooShort { min } => {
            if id {
                format!("terlalu pendek (paling sedikit {min} karakter)")
            } else {
                format!("is too short (at least {min} characters)")
            }
        }
        Problem::NotANumber => {
            if id {
                "harus berupa angka".into()
            } else {
                "must be a number".into()
            }
        }
        Problem::NotAWholeNumber => {
            if id {
                "harus bilangan bulat".into()
            } else {
                "must be a whole number".into()
            }
        }
        Problem::OutOfRange { min, max } => {
            if id {
                format!("harus antara {min} dan {max}")
            } else {
                format!("must be between {min} and {max}")
            }
        }
        Problem::UnknownChoice => {
            if id {
                "bukan pilihan yang tersedia".into()
            } else {
                "is not one of the choices".into()
            }
        }
        Problem::BadRegionCode => {
            if id {
                "bukan kode wilayah yang sah (contoh: 35.20.01.2001)".into()
            } else {
                "is not a valid region code (e.g. 35.20.01.2001)".into()
            }
        }
        Problem::UnknownRegion => {
            if id {
                "tidak ada dalam daftar wilayah Kemendagri".into()
            } else {
                "is not in the Kemendagri region list".into()
            }
        }
        Problem::WrongRegionLevel { expected } => {
            if id {
                format!("harus kode {}", level_name(*expected, lang).to_lowercase())
            } else {
                format!(
                    "must be a {} code",
                    level_name(*expected, lang).to_lowercase()
                )
            }
        }
        Problem::BadNpp => {
            if id {
                "bukan NPP yang sah: 6 angka kode kecamatan diikuti 6–14 huruf atau angka".into()
            } else {
                "is not a valid NPP: the 6-digit district code followed by 6–14 letters or digits"
                    .into()
            }
        }
        Problem::BadIsbn => {
            if id {
                "bukan ISBN yang sah (10 atau 13 angka dengan angka pemeriksa yang benar)".into()
            } else {
                "is not a valid ISBN (10 or 13 digits with a correct check digit)".into()
            }
        }
        Problem::BadNik => {
            if id {
                "bukan NIK yang sah (16 angka sesuai KTP)".into()
            } else {
                "is not a valid NIK (the 16 digits on the identity card)".into()
            }
        }
        Problem::BadEmail => {
            if id {
                "bukan alamat surel yang sah".into()
            } else {
                "is not a valid e-mail address".into()
            }
        }
        Problem::BadPhone => {
            if id {
                "bukan nomor telepon yang sah (8–15 angka)".into()
            } else {
                "is not a valid phone number (8–15 digits)".into()
            }
        }
        Problem::BadCoordinates => {
            if id {
                "harus diisi bersama lintang dan bujur".into()
            } else {
                "needs both latitude and longitude".into()
            }
        }
        Problem::BadUsername => {
            if id {
                "harus 3–32 karakter: huruf kecil, angka, titik, garis bawah atau tanda hubung"
                    .into()
            } else {
                "must be 3–32 characters: lower-case letters, digits, dots, underscores or hyphens"
                    .into()
            }
        }
        Problem::PasswordTooShort { min } => {
            if id {
                format!("paling sedikit {min} karakter")
            } else {
                format!("must be at least {min} characters")
            }
        }
        Problem::PasswordTooLong { max } => {
            if id {
                format!("paling banyak {max} karakter")
            } else {
                format!("must be at most {max} characters")
            }
        }
        Problem::PasswordSameAsUsername => {
            if id {
                "tidak boleh sama dengan nama pengguna".into()
            } else {
                "must not be the same as the username".into()
            }
        }
        Problem::PasswordsDiffer => {
            if id {
                "tidak sama dengan kata sandi".into()
            } else {
                "does not match the password".into()
            }
        }
        Problem::BadDate => {
            if id {
                "bukan tanggal yang sah (TTTT-BB-HH)".into()
            } else {
                "is not a valid date (YYYY-MM-DD)".into()
            }
        }
        Problem::Duplicate => {
            if id {
                "sudah dipakai oleh data lain".into()
            } else {
                "is already used by another record".into()
            }
        }
        Problem::OutsideReach => {
            if id {
                "di luar wilayah kewenangan Anda".into()
            } else {
                "is outside your reach".into()
            }
        }
        Problem::NotAllowedHere => {
            if id {
                "tidak berlaku untuk pilihan ini".into()
            } else {
                "does not apply to this choice".into()
            }
        }
        Problem::BadId => {
            if id {
                "bukan pengenal yang sah".into()
            } else {
                "is not a valid identifier".into()
            }
        }
        Problem::BadBarcode => {
            if id {
                "bukan barcode yang sah (huruf, angka dan tanda baca tanpa spasi, paling banyak 32 karakter)".into()
            } else {
                "is not a valid barcode (letters, digits and punctuation without spaces, at most 32 characters)".into()
            }
        }
        Problem::NotFound => {
            if id {
                "tidak ditemukan".into()
            } else {
                "was not found".into()
            }
        }
        Problem::DateOutOfRange { earliest, latest } => {
            let f = |d: &chrono::NaiveDate| d.format("%d-%m-%Y").to_string();
            if id {
                format!("harus antara {} dan {}", f(earliest), f(latest))
            } else {
                format!("must be between {} and {}", f(earliest), f(latest))
            }
        }
        Problem::FileEmpty => {
            if id {
                "kosong: pilih berkasnya lagi".into()
            } else {
                "is empty: choose the file again".into()
            }
        }
        Problem::FileTooLarge { max_mb } => {
            if id {
                format!("terlalu besar (paling besar {max_mb} MB)")
            } else {
                format!("is too large (at most {max_mb} MB)")
            }
        }
        Problem::FileWrongType { allowed } => {
            if id {
                format!("bukan berkas {allowed} (jenisnya dinilai dari isinya, bukan dari namanya)")
            } else {
                format!("is not a {allowed} file (judged by its content, not its name)")
            }
        }
        Problem::FileDamaged => {
            if id {
                "rusak atau terpotong dan tidak bisa dibaca".into()
            } else {
                "is damaged or cut short and cannot be read".into()
            }
        }
        Problem::Full => {
            if id {
                "sudah penuh".into()
            } else {
                "is full".into()
            }
        }
        Problem::WrongStatus => {
            if id {
                "tidak bisa diubah pada status ini".into()
            } else {
                "cannot be changed in this status".into()
            }
        }
        Problem::EndBeforeStart => {
            if id {
                "tidak boleh sebelum tanggal mulai".into()
            } else {
                "cannot be before the start".into()
            }
        }
    };
    format!("{label} {what}.")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_name_the_field_in_both_languages() {
        assert_eq!(
            problem_sentence("village_code", &Problem::Required, Lang::Id),
            "Desa/kelurahan wajib diisi."
        );
        assert_eq!(
            problem_sentence("village_code", &Problem::Required, Lang::En),
            "Village is required."
        );
        assert!(
            problem_sentence("npp", &Problem::BadNpp, Lang::Id)
                .starts_with("NPP (Nomor Pokok Perpustakaan) bukan NPP")
        );
    }

    #[test]
    fn lang_parsing() {
        assert_eq!(Lang::parse("en-US"), Some(Lang::En));
        assert_eq!(Lang::parse("ID"), Some(Lang::Id));
        assert_eq!(Lang::parse("fr"), None);
    }
}
