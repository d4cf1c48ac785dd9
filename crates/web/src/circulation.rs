//! Members, the scan box, loans, holds and loan rules: pages and
//! `/api/v1/members`, `/api/v1/circulation/*`.
//!
//! Who may do any of this is one rule: the library's own manager and staff
//! (`Actor::may_work_in` / `may_see_patrons`). Everybody else gets 403 on the
//! lists (they have no library to work in) and never sees a member: a member
//! of another library is simply not found (404), because every query is
//! scoped to the user's own library.

mod desk;
mod members;

use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::state::AppState;
use axum::Router;
use axum::routing::{get, post};
use chrono::{Duration, NaiveDate};
use lentera_core::audit::ActorRef;
use lentera_core::circulation::{Disability, Education, Refusal};
use lentera_core::ids::LibraryId;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/members", get(members::list).post(members::create))
        .route("/members/new", get(members::new_form))
        .route(
            "/members/import",
            get(members::import_page).post(members::import_submit),
        )
        .route("/members/import/template", get(members::template))
        .route("/members/cards", get(members::cards))
        .route("/members/{id}", get(members::show).post(members::update))
        .route("/members/{id}/edit", get(members::edit_form))
        .route("/members/{id}/active", post(members::set_active_page))
        .route(
            "/api/v1/members",
            get(members::api_list).post(members::api_create),
        )
        .route("/api/v1/members/import", post(members::api_import))
        .route(
            "/api/v1/members/{id}",
            get(members::api_get)
                .put(members::api_update)
                .delete(members::api_deactivate),
        )
        .route("/circulation", get(desk::desk_page))
        .route("/circulation/scan", post(desk::scan_form))
        .route("/circulation/overdue", get(desk::overdue_page))
        .route(
            "/circulation/holds",
            get(desk::holds_page).post(desk::hold_form),
        )
        .route(
            "/circulation/holds/{id}/cancel",
            post(desk::hold_cancel_form),
        )
        .route(
            "/circulation/settings",
            get(desk::settings_page).post(desk::settings_form),
        )
        .route("/circulation/settings/rules", post(desk::rule_form))
        .route(
            "/circulation/settings/rules/{id}/delete",
            post(desk::rule_delete_form),
        )
        .route("/circulation/settings/holidays", post(desk::holiday_form))
        .route(
            "/circulation/settings/holidays/{day}/delete",
            post(desk::holiday_delete_form),
        )
        .route("/api/v1/circulation/scan", post(desk::api_scan))
        .route("/api/v1/circulation/checkout", post(desk::api_checkout))
        .route("/api/v1/circulation/return", post(desk::api_return))
        .route("/api/v1/circulation/renew", post(desk::api_renew))
        .route("/api/v1/circulation/loans", get(desk::api_loans))
        .route(
            "/api/v1/circulation/holds",
            get(desk::api_holds).post(desk::api_place_hold),
        )
        .route(
            "/api/v1/circulation/holds/{id}",
            axum::routing::delete(desk::api_cancel_hold),
        )
}

pub fn field_label(field: &str, lang: Lang) -> Option<&'static str> {
    let (id, en) = match field {
        "member_no" => ("Nomor anggota", "Member number"),
        "full_name" => ("Nama lengkap", "Full name"),
        "gender" => ("Jenis kelamin", "Gender"),
        "birth_date" => ("Tanggal lahir", "Date of birth"),
        "member_type" => ("Jenis anggota", "Member type"),
        "rt" => ("RT", "RT (neighbourhood)"),
        "rw" => ("RW", "RW (hamlet)"),
        "occupation" => ("Pekerjaan", "Occupation"),
        "education" => ("Pendidikan terakhir", "Education"),
        "disability" => ("Disabilitas", "Disability"),
        "clear_nik" => ("Hapus NIK yang tersimpan", "Remove the stored NIK"),
        "nik" => ("NIK (Nomor Induk Kependudukan)", "NIK (national ID number)"),
        "expires_on" => ("Berlaku sampai", "Valid until"),
        "code" => (
            "Kartu anggota atau barcode buku",
            "Member card or book barcode",
        ),
        "member" => ("Anggota", "Member"),
        "collection" => ("Jenis koleksi", "Collection type"),
        "loan_days" => ("Lama pinjam (hari)", "Loan period (days)"),
        "max_loans" => ("Batas jumlah pinjaman", "Loan limit"),
        "max_renewals" => ("Batas perpanjangan", "Renewals allowed"),
        "fine_per_day" => ("Denda per hari (Rp)", "Fine per day (Rp)"),
        "closed_weekdays" => ("Hari tutup", "Closed days"),
        "fines_enabled" => ("Denda keterlambatan", "Late fines"),
        "hold_pickup_days" => (
            "Lama buku pesanan disimpan (hari)",
            "Days a reserved book is kept",
        ),
        "day" => ("Tanggal", "Date"),
        "holiday_name" => ("Nama hari libur", "Holiday name"),
        "biblio_id" => ("Judul buku", "Title"),
        _ => return None,
    };
    Some(match lang {
        Lang::Id => id,
        Lang::En => en,
    })
}

crate::messages!(C {
    Male => "Laki-laki", "Male";
    Female => "Perempuan", "Female";
    RefUnknownCode => "Kode tidak dikenal: bukan kartu anggota atau barcode buku perpustakaan ini.", "Unknown code: not a member card or book barcode of this library.";
    RefNoMember => "Pindai kartu anggota dulu, lalu bukunya.", "Scan a member card first, then the books.";
    RefNotAvailable => "Buku ini tidak dapat dipinjam (sedang diperbaiki, hilang atau ditarik).", "This book cannot be lent (in repair, lost or withdrawn).";
    RefMemberInactive => "Keanggotaan ini nonaktif.", "This membership is inactive.";
    RefMemberExpired => "Masa berlaku keanggotaan sudah habis. Perpanjang dulu keanggotaannya.", "This membership has expired. Renew the membership first.";
    RefLimitReached => "Batas jumlah pinjaman anggota ini sudah tercapai.", "This member has reached their loan limit.";
    RefNotOnLoanToMember => "Buku ini tidak sedang dipinjam anggota ini.", "This book is not on loan to this member.";
    RefMaxRenewals => "Pinjaman ini sudah diperpanjang sebanyak yang diizinkan.", "This loan has been renewed as often as allowed.";
    RefHeldForOther => "Buku ini sedang dipesan anggota lain.", "Another member has reserved this book.";
    RefAlreadyOnLoan => "Buku ini sudah tercatat dipinjam.", "This book is already on loan.";
});

pub(crate) fn refusal_message(r: Refusal, lang: Lang) -> &'static str {
    match r {
        Refusal::UnknownCode => C::RefUnknownCode.get(lang),
        Refusal::NoMember => C::RefNoMember.get(lang),
        Refusal::NotAvailable => C::RefNotAvailable.get(lang),
        Refusal::MemberInactive => C::RefMemberInactive.get(lang),
        Refusal::MemberExpired => C::RefMemberExpired.get(lang),
        Refusal::LimitReached => C::RefLimitReached.get(lang),
        Refusal::NotOnLoanToMember => C::RefNotOnLoanToMember.get(lang),
        Refusal::MaxRenewals => C::RefMaxRenewals.get(lang),
        Refusal::HeldForOther => C::RefHeldForOther.get(lang),
        Refusal::AlreadyOnLoan => C::RefAlreadyOnLoan.get(lang),
    }
}

pub(crate) fn refusal_key(r: Refusal) -> &'static str {
    match r {
        Refusal::UnknownCode => "unknown_code",
        Refusal::NoMember => "no_member",
        Refusal::NotAvailable => "not_available",
        Refusal::MemberInactive => "member_inactive",
        Refusal::MemberExpired => "member_expired",
        Refusal::LimitReached => "limit_reached",
        Refusal::NotOnLoanToMember => "not_on_loan_to_member",
        Refusal::MaxRenewals => "max_renewals",
        Refusal::HeldForOther => "held_for_other",
        Refusal::AlreadyOnLoan => "already_on_loan",
    }
}

pub(crate) fn refusal_from_key(k: &str) -> Option<Refusal> {
    [
        Refusal::UnknownCode,
        Refusal::NoMember,
        Refusal::NotAvailable,
        Refusal::MemberInactive,
        Refusal::MemberExpired,
        Refusal::LimitReached,
        Refusal::NotOnLoanToMember,
        Refusal::MaxRenewals,
        Refusal::HeldForOther,
        Refusal::AlreadyOnLoan,
    ]
    .into_iter()
    .find(|r| refusal_key(*r) == k)
}

pub(crate) fn gender_label(g: &str, lang: Lang) -> &'static str {
    if g == "P" {
        C::Female.get(lang)
    } else {
        C::Male.get(lang)
    }
}

pub(crate) fn education_label(e: Education, lang: Lang) -> &'static str {
    use Education::*;
    match (e, lang) {
        (None, Lang::Id) => "Tidak/belum sekolah",
        (None, Lang::En) => "No schooling (yet)",
        (Sd, _) => "SD",
        (Smp, _) => "SMP",
        (Sma, _) => "SMA/SMK",
        (Diploma, _) => "D1–D3",
        (S1, _) => "S1",
        (S2S3, _) => "S2/S3",
    }
}

pub(crate) fn disability_label(d: Disability, lang: Lang) -> &'static str {
    use Disability::*;
    match (d, lang) {
        (Fisik, Lang::Id) => "Disabilitas fisik",
        (Fisik, Lang::En) => "Physical disability",
        (Netra, Lang::Id) => "Sensorik netra (tunanetra)",
        (Netra, Lang::En) => "Sensory: visual impairment",
        (RunguWicara, Lang::Id) => "Sensorik rungu/wicara (tuli/bisu)",
        (RunguWicara, Lang::En) => "Sensory: hearing/speech impairment",
        (Intelektual, Lang::Id) => "Disabilitas intelektual",
        (Intelektual, Lang::En) => "Intellectual disability",
        (Mental, Lang::Id) => "Disabilitas mental",
        (Mental, Lang::En) => "Psychosocial (mental) disability",
        (Ganda, Lang::Id) => "Disabilitas ganda/multi",
        (Ganda, Lang::En) => "Multiple disabilities",
    }
}

/// The library the user works in, for any circulation page or endpoint.
/// Officers and facilitators have none: 403, and they learn nothing.
pub(crate) fn work_library(user: &CurrentUser) -> Result<LibraryId, WebError> {
    match user.actor.own_library() {
        Some(l) if user.actor.may_see_patrons(l) => Ok(l),
        _ => Err(WebError::Forbidden),
    }
}

/// Today in the library: Western Indonesian Time (UTC+7), which all demo and
/// most programme libraries use. Due dates are calendar dates.
pub(crate) fn today() -> NaiveDate {
    (lentera_store::now() + Duration::hours(7)).date()
}

pub(crate) fn actor_ref(u: &CurrentUser) -> ActorRef {
    ActorRef {
        id: Some(u.user.id),
        username: u.user.username.clone(),
    }
}

/// "17 Agustus 2026" / "17 August 2026".
pub(crate) fn long_date(d: NaiveDate, lang: Lang) -> String {
    use chrono::Datelike;
    const ID: [&str; 12] = [
        "Januari",
        "Februari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "September",
        "Oktober",
        "November",
        "Desember",
    ];
    const EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let m = d.month0() as usize;
    let name = match lang {
        Lang::Id => ID[m],
        Lang::En => EN[m],
    };
    format!("{} {} {}", d.day(), name, d.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusal_keys_round_trip() {
        for k in [
            "unknown_code",
            "limit_reached",
            "held_for_other",
            "already_on_loan",
        ] {
            assert_eq!(refusal_from_key(k).map(refusal_key), Some(k));
        }
        assert_eq!(refusal_from_key("x"), None);
    }

    #[test]
    fn every_choice_has_labels() {
        for e in Education::ALL {
            assert!(!education_label(*e, Lang::Id).is_empty());
        }
        for d in Disability::ALL {
            assert_ne!(
                disability_label(*d, Lang::Id),
                disability_label(*d, Lang::En)
            );
        }
        assert_eq!(
            long_date(NaiveDate::from_ymd_opt(2026, 8, 17).unwrap(), Lang::Id),
            "17 Agustus 2026"
        );
    }
}
