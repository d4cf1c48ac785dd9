//! The circulation desk: the one scan box, overdue loans, holds, settings,
//! and `/api/v1/circulation/*`.
//!
//! The scan box is one autofocused input. Without JavaScript it is a form:
//! POST, then a redirect back to `/circulation?member=…` carrying what
//! happened, so reloading never repeats a checkout. `circulation.js`
//! enhances it: the same POST goes to the JSON API, the result is announced
//! in an aria-live region and the member's loans are redrawn in place.

use super::{
    actor_ref, long_date, refusal_from_key, refusal_key, refusal_message, today, work_library,
};
use crate::api::JsonBody;
use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::html::{
    Field, Frame, checkbox, csrf_field, error_summary, input, notice, page, url_encode,
};
use crate::i18n::{Lang, Msg, field_label};
use crate::session::L;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use lentera_core::circulation::{
    Calendar, Decision, Intent, LoanRuleForm, Refusal, Scanned, decide, parse_date,
};
use lentera_core::field::{Invalid, Problem, flag, optional_int, required_text};
use lentera_core::ids::LibraryId;
use lentera_store::DbConn;
use lentera_store::circulation::{
    self as store, HoldView, LoanQuery, LoanView, Member, MemberStanding, Settings,
};
use maud::{Markup, html};
use serde_json::{Value, json};

crate::messages!(D {
    ScanLabel => "Pindai kartu anggota atau barcode buku", "Scan a member card or a book barcode";
    ScanHint => "Pindai kartu anggota dulu, lalu buku-bukunya: buku tersedia dipinjamkan, buku yang sedang dipinjam dikembalikan.", "Scan the member card first, then the books: available books are checked out, books on loan are returned.";
    ScanButton => "Proses", "Go";
    RenewButton => "Perpanjang", "Renew";
    CurrentMember => "Anggota", "Member";
    NoMemberYet => "Belum ada anggota dipilih.", "No member selected yet.";
    EndMember => "Selesai (anggota berikutnya)", "Done (next member)";
    LoansCaption => "Pinjaman saat ini", "Current loans";
    Title => "Judul", "Title";
    Barcode => "Barcode", "Barcode";
    Due => "Jatuh tempo", "Due";
    Renewals => "Perpanjangan", "Renewals";
    Overdue => "Terlambat", "Overdue";
    Returned => "Dikembalikan", "Returned";
    Fine => "Denda", "Fine";
    NoLoans => "Tidak ada pinjaman.", "No loans.";
    LimitLine => "{n} dari {max} pinjaman; {late} terlambat.", "{n} of {max} loans; {late} overdue.";
    CheckedOut => "Dipinjam: {title} ({barcode}), kembali {due}.", "Checked out: {title} ({barcode}), due {due}.";
    ReturnedMsg => "Dikembalikan: {title} ({barcode}).", "Returned: {title} ({barcode}).";
    ReturnedFine => "Denda keterlambatan: Rp{fine}.", "Late fine: Rp{fine}.";
    ReturnedHold => "Buku ini dipesan anggota lain: simpan di rak pesanan.", "Another member reserved this book: put it on the hold shelf.";
    Renewed => "Diperpanjang: {title} ({barcode}), kembali {due}.", "Renewed: {title} ({barcode}), due {due}.";
    MemberShown => "Anggota: {name} ({no}).", "Member: {name} ({no}).";
    OverdueTitle => "Pinjaman terlambat", "Overdue loans";
    HoldsTitle => "Pesanan buku", "Holds";
    SettingsTitle => "Pengaturan sirkulasi", "Circulation settings";
    Links => "Lainnya", "More";
    RulesTitle => "Aturan peminjaman", "Loan rules";
    RulesLead => "Per jenis anggota × jenis koleksi. Tanda * berarti semua. Aturan yang paling khusus berlaku; jenis anggota lebih menentukan daripada jenis koleksi. Tanpa aturan: 7 hari, 3 buku, 1 kali perpanjangan.", "Per member type × collection type. * means any. The most specific rule applies; member type counts more than collection. Without rules: 7 days, 3 books, 1 renewal.";
    AddRule => "Simpan aturan", "Save rule";
    Delete => "Hapus", "Delete";
    HolidaysTitle => "Hari libur", "Holidays";
    HolidaysLead => "Tanggal jatuh tempo tidak jatuh pada hari libur atau hari tutup; denda hanya menghitung hari buka.", "Due dates never fall on a holiday or closed day; fines count open days only.";
    AddHoliday => "Tambah hari libur", "Add holiday";
    ClosedHint => "Nomor hari ISO, dipisah koma: 1 = Senin … 7 = Minggu. Contoh: 7 (tutup hari Minggu).", "ISO day numbers, comma separated: 1 = Monday … 7 = Sunday. E.g. 7 (closed on Sunday).";
    FinesHint => "Tidak aktif secara bawaan. Besarnya denda per hari diatur di aturan peminjaman.", "Off by default. The amount per day is set in the loan rules.";
    SaveSettings => "Simpan pengaturan", "Save settings";
    PlaceHold => "Pesan buku", "Place hold";
    HoldMemberHint => "Nomor anggota.", "Member number.";
    HoldBiblioHint => "Barcode salah satu eksemplarnya, atau ID judul dari katalog.", "The barcode of any of its copies, or the record id from the catalogue.";
    Position => "Antrean", "Queue";
    ReadyUntil => "Siap diambil sampai", "Ready until";
    Cancel => "Batalkan", "Cancel";
    Waiting => "Menunggu", "Waiting";
    Ready => "Siap diambil", "Ready for pickup";
    NoHolds => "Tidak ada pesanan.", "No holds.";
});

fn frame<'a>(lang: Lang, user: &'a CurrentUser, path: &'a str) -> Frame<'a> {
    Frame {
        lang,
        user: Some(user),
        path,
    }
}

fn rupiah(n: i64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

fn due_text(d: NaiveDate, lang: Lang) -> String {
    long_date(d, lang)
}

/// The loans table shared by the desk, member page and overdue list.
pub(crate) fn loans_table(loans: &[LoanView], lang: Lang, with_member: bool) -> Markup {
    if loans.is_empty() {
        return html! { p { (D::NoLoans.get(lang)) } };
    }
    html! {
        div.table-wrap { table #loans {
            caption { (D::LoansCaption.get(lang)) }
            thead { tr {
                @if with_member { th scope="col" { (D::CurrentMember.get(lang)) } }
                th scope="col" { (D::Title.get(lang)) }
                th scope="col" { (D::Barcode.get(lang)) }
                th scope="col" { (D::Due.get(lang)) }
                th scope="col" { (D::Renewals.get(lang)) }
            } }
            tbody {
                @for l in loans {
                    tr.overdue[l.overdue] {
                        @if with_member { td { (l.member_name) " (" (l.member_no) ")" } }
                        td { (l.title) }
                        td { code { (l.barcode) } }
                        td {
                            (due_text(l.due_on, lang))
                            @if l.overdue { " " strong.tag.off { (D::Overdue.get(lang)) } }
                            @if l.returned_at.is_some() { " " span.tag { (D::Returned.get(lang)) } }
                            @if l.fine > 0 { " · " (D::Fine.get(lang)) " Rp" (rupiah(l.fine)) }
                        }
                        td { (l.renewals) }
                    }
                }
            }
        } }
    }
}

fn loan_json(l: &LoanView) -> Value {
    serde_json::to_value(l).unwrap_or(Value::Null)
}

// ------------------------------------------------------------- scan logic

/// What one scan did, for the page (as redirect parameters) and the API.
struct ScanResult {
    kind: &'static str,
    member: Option<Member>,
    loan: Option<LoanView>,
    refusal: Option<Refusal>,
    fine: i64,
    hold_for: bool,
}

fn refused(r: Refusal, member: Option<Member>) -> ScanResult {
    ScanResult {
        kind: "refused",
        member,
        loan: None,
        refusal: Some(r),
        fine: 0,
        hold_for: false,
    }
}

/// Runs one scan: looks the code up, asks `decide`, then performs the
/// checkout, return or renewal in its own transaction.
fn scan(
    conn: &mut DbConn,
    by: &lentera_core::audit::ActorRef,
    lib: LibraryId,
    member_id: Option<String>,
    code: &str,
    intent: Intent,
) -> Result<ScanResult, WebError> {
    let day = today();
    let current = match member_id.as_deref().filter(|s| !s.is_empty()) {
        Some(id) => match store::get_member(conn, lib, id) {
            Ok(m) => Some(m),
            Err(lentera_store::StoreError::NotFound) => None,
            Err(e) => return Err(e.into()),
        },
        None => None,
    };
    let (scanned, found_member, _item) = store::lookup(conn, lib, code)?;
    let decision = decide(current.as_ref().map(|m| m.id.as_str()), &scanned, intent);
    let res = match decision {
        Decision::SwitchMember(_) => ScanResult {
            kind: "member",
            member: found_member,
            loan: None,
            refusal: None,
            fine: 0,
            hold_for: false,
        },
        Decision::Refuse(r) => {
            // An inactive member's card still shows who it is.
            let m = if matches!(scanned, Scanned::Member { .. }) {
                found_member
            } else {
                current
            };
            refused(r, m)
        }
        Decision::Checkout => {
            let m = current.ok_or(WebError::Internal("checkout without member".into()))?;
            match store::checkout(conn, by, lib, &m.id, code, day)? {
                Ok(loan) => ScanResult {
                    kind: "checkout",
                    member: Some(m),
                    loan: Some(loan),
                    refusal: None,
                    fine: 0,
                    hold_for: false,
                },
                Err(r) => refused(r, Some(m)),
            }
        }
        Decision::Return => match store::return_item(conn, by, lib, code, day)? {
            Ok(ret) => {
                // Keep the desk on the member being served; if none, show
                // whose book came back.
                let member = match current {
                    Some(m) => Some(m),
                    None => Some(store::get_member(conn, lib, &ret.loan.member_id)?),
                };
                ScanResult {
                    kind: "return",
                    member,
                    fine: ret.fine,
                    hold_for: ret.hold_for.is_some(),
                    loan: Some(ret.loan),
                    refusal: None,
                }
            }
            Err(r) => refused(r, current),
        },
        Decision::Renew => {
            let m = current.ok_or(WebError::Internal("renew without member".into()))?;
            match store::renew(conn, by, lib, &m.id, code, day)? {
                Ok(loan) => ScanResult {
                    kind: "renew",
                    member: Some(m),
                    loan: Some(loan),
                    refusal: None,
                    fine: 0,
                    hold_for: false,
                },
                Err(r) => refused(r, Some(m)),
            }
        }
    };
    Ok(res)
}

fn message(r: &ScanResult, lang: Lang) -> String {
    if let Some(x) = r.refusal {
        return refusal_message(x, lang).to_string();
    }
    let fill = |t: &str, l: &LoanView| {
        t.replace("{title}", &l.title)
            .replace("{barcode}", &l.barcode)
            .replace("{due}", &due_text(l.due_on, lang))
    };
    match (r.kind, &r.loan, &r.member) {
        ("checkout", Some(l), _) => fill(D::CheckedOut.get(lang), l),
        ("renew", Some(l), _) => fill(D::Renewed.get(lang), l),
        ("return", Some(l), _) => {
            let mut s = fill(D::ReturnedMsg.get(lang), l);
            if r.fine > 0 {
                s.push(' ');
                s.push_str(&D::ReturnedFine.get(lang).replace("{fine}", &rupiah(r.fine)));
            }
            if r.hold_for {
                s.push(' ');
                s.push_str(D::ReturnedHold.get(lang));
            }
            s
        }
        ("member", _, Some(m)) => D::MemberShown
            .get(lang)
            .replace("{name}", &m.full_name)
            .replace("{no}", &m.member_no),
        _ => String::new(),
    }
}

struct Panel {
    member: Option<Member>,
    standing: Option<MemberStanding>,
    loans: Vec<LoanView>,
}

fn panel(conn: &mut DbConn, lib: LibraryId, member: Option<Member>) -> Result<Panel, WebError> {
    let day = today();
    let Some(m) = member else {
        return Ok(Panel {
            member: None,
            standing: None,
            loans: vec![],
        });
    };
    let standing = store::standing(conn, lib, &m, day)?;
    let loans = store::list_loans(
        conn,
        lib,
        &LoanQuery {
            member: Some(m.id.clone()),
            ..Default::default()
        },
        day,
    )?;
    Ok(Panel {
        member: Some(m),
        standing: Some(standing),
        loans,
    })
}

fn panel_json(p: &Panel) -> Value {
    json!({
        "member": p.member.as_ref().map(|m| json!({
            "id": m.id, "member_no": m.member_no, "full_name": m.full_name,
            "member_type": m.member_type, "active": m.active, "expires_on": m.expires_on,
        })),
        "standing": p.standing,
        "loans": p.loans.iter().map(loan_json).collect::<Vec<_>>(),
    })
}

// ------------------------------------------------------------- pages

fn scan_box(frame: &Frame<'_>, member_id: Option<&str>) -> Markup {
    let lang = frame.lang;
    html! {
        form #scan-form method="post" action="/circulation/scan" autocomplete="off" {
            (csrf_field(frame))
            input #scan-member type="hidden" name="member" value=(member_id.unwrap_or(""));
            div.field.scan {
                label for="f-code" { (D::ScanLabel.get(lang)) }
                p.hint #h-code { (D::ScanHint.get(lang)) }
                input #f-code name="code" type="text" autofocus required inputmode="text"
                    aria-describedby="h-code" autocomplete="off" spellcheck="false";
            }
            div.actions {
                button type="submit" name="action" value="scan" { (D::ScanButton.get(lang)) }
                " "
                button.secondary type="submit" name="action" value="renew" { (D::RenewButton.get(lang)) }
            }
        }
    }
}

fn panel_html(p: &Panel, lang: Lang) -> Markup {
    html! {
        section #member-panel aria-labelledby="member-title" {
            h2 #member-title { (D::CurrentMember.get(lang)) }
            @match (&p.member, &p.standing) {
                (Some(m), Some(s)) => {
                    p.member-line {
                        a href={ "/members/" (m.id) } { strong { (m.full_name) } }
                        " · " (m.member_no) " · " (m.member_type)
                    }
                    p #standing {
                        (D::LimitLine.get(lang)
                            .replace("{n}", &s.open_loans.to_string())
                            .replace("{max}", &s.limit.to_string())
                            .replace("{late}", &s.overdue.to_string()))
                    }
                    (loans_table(&p.loans, lang, false))
                    p { a href="/circulation" { (D::EndMember.get(lang)) } }
                }
                _ => { p { (D::NoMemberYet.get(lang)) } }
            }
        }
    }
}

fn desk_links(lang: Lang) -> Markup {
    html! {
        nav aria-label=(D::Links.get(lang)) {
            p {
                a href="/circulation/overdue" { (D::OverdueTitle.get(lang)) } " · "
                a href="/circulation/holds" { (D::HoldsTitle.get(lang)) } " · "
                a href="/circulation/settings" { (D::SettingsTitle.get(lang)) } " · "
                a href="/members" { (Msg::Members.get(lang)) }
            }
        }
    }
}

pub(super) async fn desk_page(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let lib = work_library(&user)?;
    let get = |k: &str| q.iter().find(|(a, _)| a == k).map(|(_, v)| v.clone());
    let member_id = get("member").filter(|s| !s.is_empty());
    let mid = member_id.clone();
    let flash_loan = get("loan");
    let (p, loan) = state
        .run(move |c| {
            let m = match mid {
                Some(id) => match store::get_member(c, lib, &id) {
                    Ok(m) => Some(m),
                    Err(lentera_store::StoreError::NotFound) => None,
                    Err(e) => return Err(e.into()),
                },
                None => None,
            };
            let loan = match flash_loan {
                Some(lid) => store::list_loans(
                    c,
                    lib,
                    &LoanQuery {
                        include_returned: true,
                        limit: 200,
                        member: m.as_ref().map(|m| m.id.clone()),
                        ..Default::default()
                    },
                    today(),
                )?
                .into_iter()
                .find(|l| l.id == lid),
                None => None,
            };
            Ok((panel(c, lib, m)?, loan))
        })
        .await?;
    // The flash: what the last scan did, rebuilt from the redirect.
    let flash = match (get("done").as_deref(), get("refused")) {
        (_, Some(r)) => refusal_from_key(&r).map(|r| (false, refusal_message(r, lang).to_string())),
        (Some(kind), None) => {
            let r = ScanResult {
                kind: match kind {
                    "checkout" => "checkout",
                    "return" => "return",
                    "renew" => "renew",
                    _ => "member",
                },
                member: p.member.clone(),
                loan,
                refusal: None,
                fine: get("fine").and_then(|f| f.parse().ok()).unwrap_or(0),
                hold_for: get("hold").is_some(),
            };
            Some((true, message(&r, lang)))
        }
        _ => None,
    };
    let frame = frame(lang, &user, "/circulation");
    let body = html! {
        div #scan-status role="status" aria-live="polite" aria-atomic="true" {
            @if let Some((ok, text)) = &flash {
                div class=(if *ok { "notice" } else { "warn" }) { (text) }
            }
        }
        (scan_box(&frame, p.member.as_ref().map(|m| m.id.as_str())))
        (panel_html(&p, lang))
        (desk_links(lang))
        script src={ "/assets/circulation.js?v=" (crate::html::asset_version()) } defer {}
    };
    Ok(page(&frame, Msg::Circulation.get(lang), body).into_response())
}

fn form_value(pairs: &[(String, String)], k: &str) -> Option<String> {
    pairs
        .iter()
        .find(|(a, _)| a == k)
        .map(|(_, v)| v.trim().to_string())
}

/// `POST /circulation/scan`: acts, then redirects back to the desk with the
/// result in the query (POST/redirect/GET: a reload never repeats it).
pub(super) async fn scan_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let lib = work_library(&user)?;
    let code = form_value(&pairs, "code").unwrap_or_default();
    let member = form_value(&pairs, "member");
    let intent = if form_value(&pairs, "action").as_deref() == Some("renew") {
        Intent::Renew
    } else {
        Intent::Scan
    };
    let by = actor_ref(&user);
    let r = state
        .run(move |c| scan(c, &by, lib, member, &code, intent))
        .await?;
    let mut q = Vec::new();
    if let Some(m) = &r.member {
        q.push(format!("member={}", url_encode(&m.id)));
    }
    match r.refusal {
        Some(x) => q.push(format!("refused={}", refusal_key(x))),
        None => q.push(format!("done={}", r.kind)),
    }
    if let Some(l) = &r.loan {
        q.push(format!("loan={}", url_encode(&l.id)));
    }
    if r.fine > 0 {
        q.push(format!("fine={}", r.fine));
    }
    if r.hold_for {
        q.push("hold=1".into());
    }
    Ok(Redirect::to(&format!("/circulation?{}", q.join("&"))).into_response())
}

pub(super) async fn overdue_page(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
) -> Result<Response, WebError> {
    let lib = work_library(&user)?;
    let loans = state
        .run(move |c| {
            Ok(store::list_loans(
                c,
                lib,
                &LoanQuery {
                    overdue_on: Some(today()),
                    limit: 2000,
                    ..Default::default()
                },
                today(),
            )?)
        })
        .await?;
    let frame = frame(lang, &user, "/circulation");
    let body = html! {
        p role="status" { (Msg::Results.get(lang).replace("{n}", &loans.len().to_string())) }
        (loans_table(&loans, lang, true))
        (desk_links(lang))
    };
    Ok(page(&frame, D::OverdueTitle.get(lang), body).into_response())
}

fn holds_table(holds: &[HoldView], frame: &Frame<'_>) -> Markup {
    let lang = frame.lang;
    if holds.is_empty() {
        return html! { p { (D::NoHolds.get(lang)) } };
    }
    html! {
        div.table-wrap { table {
            thead { tr {
                th scope="col" { (D::Title.get(lang)) }
                th scope="col" { (D::CurrentMember.get(lang)) }
                th scope="col" { (Msg::Status.get(lang)) }
                th scope="col" { (Msg::Actions.get(lang)) }
            } }
            tbody {
                @for h in holds {
                    tr {
                        td { (h.title) }
                        td { (h.member_name) " (" (h.member_no) ")" }
                        td {
                            @if h.status == "ready" {
                                (D::Ready.get(lang))
                                @if let Some(b) = &h.item_barcode { " · " code { (b) } }
                                @if let Some(d) = h.ready_until { " · " (D::ReadyUntil.get(lang)) " " (long_date(d, lang)) }
                            } @else {
                                (D::Waiting.get(lang)) @if let Some(p) = h.position { " · " (D::Position.get(lang)) " " (p) }
                            }
                        }
                        td {
                            form method="post" action={ "/circulation/holds/" (h.id) "/cancel" } .inline {
                                (csrf_field(frame))
                                button.link type="submit" { (D::Cancel.get(lang)) }
                            }
                        }
                    }
                }
            }
        } }
    }
}

async fn holds_view(
    state: &AppState,
    user: &CurrentUser,
    lang: Lang,
    form: (&str, &str),
    errors: &Invalid,
    status: StatusCode,
) -> Result<Response, WebError> {
    let lib = work_library(user)?;
    let holds = state
        .run(move |c| {
            store::expire_holds(c, lib, today())?;
            Ok(store::list_holds(c, lib, None, today())?)
        })
        .await?;
    let frame = frame(lang, user, "/circulation");
    let body = html! {
        (error_summary(errors, lang))
        (holds_table(&holds, &frame))
        h2 { (D::PlaceHold.get(lang)) }
        form method="post" action="/circulation/holds" {
            (csrf_field(&frame))
            (input(Field::text("member", form.0).required().hint(D::HoldMemberHint.get(lang)), lang, errors))
            (input(Field::text("biblio_id", form.1).required().hint(D::HoldBiblioHint.get(lang)), lang, errors))
            div.actions { button type="submit" { (D::PlaceHold.get(lang)) } }
        }
        (desk_links(lang))
    };
    let mut res = page(&frame, D::HoldsTitle.get(lang), body).into_response();
    *res.status_mut() = status;
    Ok(res)
}

pub(super) async fn holds_page(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
) -> Result<Response, WebError> {
    holds_view(
        &state,
        &user,
        lang,
        ("", ""),
        &Invalid::default(),
        StatusCode::OK,
    )
    .await
}

/// Places a hold for a member (by number or id) on a record.
fn place_hold(
    c: &mut DbConn,
    by: &lentera_core::audit::ActorRef,
    lib: LibraryId,
    member: &str,
    biblio: &str,
) -> Result<HoldView, WebError> {
    let m = match store::find_member_by_no(c, lib, member)? {
        Some(m) => m,
        None => store::get_member(c, lib, member)
            .map_err(|_| Invalid::one("member", Problem::NotFound))?,
    };
    if biblio.trim().is_empty() {
        return Err(Invalid::one("biblio_id", Problem::Required).into());
    }
    // A copy's barcode names its record: the desk scans one from the shelf.
    let biblio = match store::biblio_of_barcode(c, lib, biblio)? {
        Some(b) => b,
        None => biblio.trim().to_string(),
    };
    Ok(store::place_hold(c, by, lib, &m.id, &biblio, today())?)
}

pub(super) async fn hold_form(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let lib = work_library(&user)?;
    let member = form_value(&pairs, "member").unwrap_or_default();
    let biblio = form_value(&pairs, "biblio_id").unwrap_or_default();
    let by = actor_ref(&user);
    let (m2, b2) = (member.clone(), biblio.clone());
    match state.run(move |c| place_hold(c, &by, lib, &m2, &b2)).await {
        Ok(_) => Ok(Redirect::to("/circulation/holds").into_response()),
        Err(WebError::Invalid(e)) => {
            holds_view(
                &state,
                &user,
                lang,
                (&member, &biblio),
                &e,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e),
    }
}

pub(super) async fn hold_cancel_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let lib = work_library(&user)?;
    let by = actor_ref(&user);
    state
        .run(move |c| Ok(store::cancel_hold(c, &by, lib, &id, today())?))
        .await?;
    Ok(Redirect::to("/circulation/holds").into_response())
}

// ------------------------------------------------------------- settings

async fn settings_view(
    state: &AppState,
    user: &CurrentUser,
    lang: Lang,
    errors: &Invalid,
    rule_form: &LoanRuleForm,
    saved: bool,
) -> Result<Response, WebError> {
    let lib = work_library(user)?;
    let (settings, rules, holidays) = state
        .run(move |c| {
            let from = today() - chrono::Duration::days(31);
            Ok((
                store::settings(c, lib)?,
                store::rules(c, lib)?,
                store::holidays(c, lib, from)?,
            ))
        })
        .await?;
    let frame = frame(lang, user, "/circulation");
    let closed = Calendar::weekdays_text(&settings.closed_weekdays);
    let collections: Vec<(String, String)> = std::iter::once(("*".to_string(), "*".to_string()))
        .chain(
            lentera_core::catalog::Collection::ALL
                .iter()
                .map(|c| (c.key().to_string(), c.key().to_string())),
        )
        .collect();
    let body = html! {
        @if saved { (notice(Msg::Saved.get(lang))) }
        (error_summary(errors, lang))
        form method="post" action="/circulation/settings" {
            (csrf_field(&frame))
            (input(Field::text("closed_weekdays", &closed).hint(D::ClosedHint.get(lang)), lang, errors))
            (checkbox("fines_enabled", settings.fines_enabled, lang))
            p.hint { (D::FinesHint.get(lang)) }
            (input(Field::text("hold_pickup_days", &settings.hold_pickup_days.to_string()).kind("number"), lang, errors))
            div.actions { button type="submit" { (D::SaveSettings.get(lang)) } }
        }
        h2 #rules { (D::RulesTitle.get(lang)) }
        p { (D::RulesLead.get(lang)) }
        div.table-wrap { table {
            thead { tr {
                th scope="col" { (field_label("member_type", lang)) }
                th scope="col" { (field_label("collection", lang)) }
                th scope="col" { (field_label("loan_days", lang)) }
                th scope="col" { (field_label("max_loans", lang)) }
                th scope="col" { (field_label("max_renewals", lang)) }
                th scope="col" { (field_label("fine_per_day", lang)) }
                th scope="col" { (Msg::Actions.get(lang)) }
            } }
            tbody {
                @for r in &rules {
                    tr {
                        td { (r.member_type) } td { (r.collection) } td { (r.loan_days) }
                        td { (r.max_loans) } td { (r.max_renewals) } td { (rupiah(r.fine_per_day)) }
                        td { form method="post" action={ "/circulation/settings/rules/" (r.id) "/delete" } .inline {
                            (csrf_field(&frame)) button.link type="submit" { (D::Delete.get(lang)) }
                        } }
                    }
                }
            }
        } }
        form method="post" action="/circulation/settings/rules" {
            (csrf_field(&frame))
            (input(Field::text("member_type", if rule_form.member_type.is_empty() { "*" } else { &rule_form.member_type }), lang, errors))
            (crate::html::select("collection", if rule_form.collection.is_empty() { "*" } else { &rule_form.collection }, &collections, true, lang, errors))
            (input(Field::text("loan_days", &rule_form.loan_days).kind("number").required(), lang, errors))
            (input(Field::text("max_loans", &rule_form.max_loans).kind("number").required(), lang, errors))
            (input(Field::text("max_renewals", &rule_form.max_renewals).kind("number"), lang, errors))
            (input(Field::text("fine_per_day", &rule_form.fine_per_day).kind("number"), lang, errors))
            div.actions { button type="submit" { (D::AddRule.get(lang)) } }
        }
        h2 #holidays { (D::HolidaysTitle.get(lang)) }
        p { (D::HolidaysLead.get(lang)) }
        ul {
            @for h in &holidays {
                li {
                    (long_date(h.day, lang)) ": " (h.name) " "
                    form method="post" action={ "/circulation/settings/holidays/" (h.day) "/delete" } .inline {
                        (csrf_field(&frame)) button.link type="submit" { (D::Delete.get(lang)) }
                    }
                }
            }
        }
        form method="post" action="/circulation/settings/holidays" {
            (csrf_field(&frame))
            (input(Field::text("day", "").kind("date").required(), lang, errors))
            (input(Field::text("holiday_name", "").required(), lang, errors))
            div.actions { button type="submit" { (D::AddHoliday.get(lang)) } }
        }
        (desk_links(lang))
    };
    let mut res = page(&frame, D::SettingsTitle.get(lang), body).into_response();
    if !errors.is_empty() {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

pub(super) async fn settings_page(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let saved = q.iter().any(|(k, _)| k == "saved");
    settings_view(
        &state,
        &user,
        lang,
        &Invalid::default(),
        &LoanRuleForm::default(),
        saved,
    )
    .await
}

fn parse_settings(pairs: &[(String, String)]) -> Result<Settings, Invalid> {
    let mut e = Invalid::default();
    let closed =
        match Calendar::parse_weekdays(&form_value(pairs, "closed_weekdays").unwrap_or_default()) {
            Ok(w) => w,
            Err(p) => {
                e.push("closed_weekdays", p);
                vec![]
            }
        };
    let fines = form_value(pairs, "fines_enabled").is_some_and(|v| flag(&v).unwrap_or(false));
    let days = match optional_int(
        &form_value(pairs, "hold_pickup_days").unwrap_or_default(),
        1,
        30,
    ) {
        Ok(d) => d.unwrap_or(3) as i32,
        Err(p) => {
            e.push("hold_pickup_days", p);
            3
        }
    };
    e.finish(Settings {
        closed_weekdays: closed,
        fines_enabled: fines,
        hold_pickup_days: days,
    })
}

pub(super) async fn settings_form(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let lib = work_library(&user)?;
    match parse_settings(&pairs) {
        Ok(s) => {
            let by = actor_ref(&user);
            state
                .run(move |c| Ok(store::save_settings(c, &by, lib, &s)?))
                .await?;
            Ok(Redirect::to("/circulation/settings?saved").into_response())
        }
        Err(e) => settings_view(&state, &user, lang, &e, &LoanRuleForm::default(), false).await,
    }
}

pub(super) async fn rule_form(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let lib = work_library(&user)?;
    let v = |k| form_value(&pairs, k).unwrap_or_default();
    let f = LoanRuleForm {
        member_type: v("member_type"),
        collection: v("collection"),
        loan_days: v("loan_days"),
        max_loans: v("max_loans"),
        max_renewals: v("max_renewals"),
        fine_per_day: v("fine_per_day"),
    };
    match f.parse() {
        Ok(r) => {
            let by = actor_ref(&user);
            state
                .run(move |c| Ok(store::save_rule(c, &by, lib, &r)?))
                .await?;
            Ok(Redirect::to("/circulation/settings?saved#rules").into_response())
        }
        Err(e) => settings_view(&state, &user, lang, &e, &f, false).await,
    }
}

pub(super) async fn rule_delete_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let lib = work_library(&user)?;
    let by = actor_ref(&user);
    state
        .run(move |c| Ok(store::delete_rule(c, &by, lib, &id)?))
        .await?;
    Ok(Redirect::to("/circulation/settings?saved#rules").into_response())
}

pub(super) async fn holiday_form(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let lib = work_library(&user)?;
    let mut e = Invalid::default();
    let day = match parse_date(&form_value(&pairs, "day").unwrap_or_default()) {
        Ok(Some(d)) => Some(d),
        Ok(None) => {
            e.push("day", Problem::Required);
            None
        }
        Err(p) => {
            e.push("day", p);
            None
        }
    };
    let name = match required_text(&form_value(&pairs, "holiday_name").unwrap_or_default(), 120) {
        Ok(n) => Some(n),
        Err(p) => {
            e.push("holiday_name", p);
            None
        }
    };
    match (day, name) {
        (Some(d), Some(n)) if e.is_empty() => {
            let by = actor_ref(&user);
            state
                .run(move |c| Ok(store::save_holiday(c, &by, lib, d, &n)?))
                .await?;
            Ok(Redirect::to("/circulation/settings?saved#holidays").into_response())
        }
        _ => settings_view(&state, &user, lang, &e, &LoanRuleForm::default(), false).await,
    }
}

pub(super) async fn holiday_delete_form(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(day): Path<String>,
) -> Result<Response, WebError> {
    let lib = work_library(&user)?;
    let d = NaiveDate::parse_from_str(&day, "%Y-%m-%d").map_err(|_| WebError::NotFound)?;
    let by = actor_ref(&user);
    state
        .run(move |c| Ok(store::delete_holiday(c, &by, lib, d)?))
        .await?;
    Ok(Redirect::to("/circulation/settings?saved#holidays").into_response())
}

// ------------------------------------------------------------------ API

fn body_text(map: &serde_json::Map<String, Value>, k: &str) -> String {
    map.get(k)
        .and_then(crate::api::scalar_text)
        .unwrap_or_default()
        .trim()
        .to_string()
}

fn scan_json(r: &ScanResult, p: &Panel, lang: Lang) -> Value {
    json!({
        "result": r.kind,
        "refusal": r.refusal.map(refusal_key),
        "message": message(r, lang),
        "loan": r.loan.as_ref().map(loan_json),
        "fine": r.fine,
        "hold_waiting": r.hold_for,
        "panel": panel_json(p),
    })
}

async fn run_scan(
    state: &AppState,
    user: &CurrentUser,
    lang: Lang,
    member: Option<String>,
    code: String,
    intent: Intent,
) -> Result<Response, WebError> {
    let lib = work_library(user)?;
    if code.is_empty() {
        return Err(Invalid::one("code", Problem::Required).into());
    }
    let by = actor_ref(user);
    let (r, p) = state
        .run(move |c| {
            let r = scan(c, &by, lib, member, &code, intent)?;
            let p = panel(c, lib, r.member.clone())?;
            Ok((r, p))
        })
        .await?;
    // A refusal is a normal answer at the desk, not a failed request; 409
    // lets scripts tell it apart without parsing the body.
    let status = if r.refusal.is_some() {
        StatusCode::CONFLICT
    } else {
        StatusCode::OK
    };
    Ok((status, Json(scan_json(&r, &p, lang))).into_response())
}

/// `POST /api/v1/circulation/scan {member?, code, action?: "renew"}`.
pub(super) async fn api_scan(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    json: JsonBody,
) -> Result<Response, WebError> {
    let map = crate::api::json_object(json)?;
    let member = Some(body_text(&map, "member")).filter(|s| !s.is_empty());
    let intent = if body_text(&map, "action") == "renew" {
        Intent::Renew
    } else {
        Intent::Scan
    };
    run_scan(&state, &user, lang, member, body_text(&map, "code"), intent).await
}

/// Finds a member by id or member number.
fn member_ref(c: &mut DbConn, lib: LibraryId, r: &str) -> Result<Member, WebError> {
    if let Some(m) = store::find_member_by_no(c, lib, r)? {
        return Ok(m);
    }
    store::get_member(c, lib, r).map_err(|_| Invalid::one("member", Problem::NotFound).into())
}

/// Explicit actions for scripts: the same transactions without `decide`.
async fn api_action(
    state: &AppState,
    user: &CurrentUser,
    lang: Lang,
    json: JsonBody,
    action: &'static str,
) -> Result<Response, WebError> {
    let lib = work_library(user)?;
    let map = crate::api::json_object(json)?;
    let member = body_text(&map, "member");
    let code = body_text(&map, "code");
    let mut e = Invalid::default();
    if code.is_empty() {
        e.push("code", Problem::Required);
    }
    if member.is_empty() && action != "return" {
        e.push("member", Problem::Required);
    }
    if !e.is_empty() {
        return Err(e.into());
    }
    let by = actor_ref(user);
    let (r, p) = state
        .run(move |c| {
            let day = today();
            let m = if member.is_empty() {
                None
            } else {
                Some(member_ref(c, lib, &member)?)
            };
            let r = match action {
                "checkout" => {
                    let m = m.ok_or(WebError::NotFound)?;
                    match store::checkout(c, &by, lib, &m.id, &code, day)? {
                        Ok(l) => ScanResult {
                            kind: "checkout",
                            member: Some(m),
                            loan: Some(l),
                            refusal: None,
                            fine: 0,
                            hold_for: false,
                        },
                        Err(x) => refused(x, Some(m)),
                    }
                }
                "renew" => {
                    let m = m.ok_or(WebError::NotFound)?;
                    match store::renew(c, &by, lib, &m.id, &code, day)? {
                        Ok(l) => ScanResult {
                            kind: "renew",
                            member: Some(m),
                            loan: Some(l),
                            refusal: None,
                            fine: 0,
                            hold_for: false,
                        },
                        Err(x) => refused(x, Some(m)),
                    }
                }
                _ => match store::return_item(c, &by, lib, &code, day)? {
                    Ok(ret) => {
                        let m = store::get_member(c, lib, &ret.loan.member_id)?;
                        ScanResult {
                            kind: "return",
                            member: Some(m),
                            fine: ret.fine,
                            hold_for: ret.hold_for.is_some(),
                            loan: Some(ret.loan),
                            refusal: None,
                        }
                    }
                    Err(x) => refused(x, m),
                },
            };
            let p = panel(c, lib, r.member.clone())?;
            Ok((r, p))
        })
        .await?;
    let status = if r.refusal.is_some() {
        StatusCode::CONFLICT
    } else {
        StatusCode::OK
    };
    Ok((status, Json(scan_json(&r, &p, lang))).into_response())
}

pub(super) async fn api_checkout(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    json: JsonBody,
) -> Result<Response, WebError> {
    api_action(&state, &user, lang, json, "checkout").await
}

pub(super) async fn api_return(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    json: JsonBody,
) -> Result<Response, WebError> {
    api_action(&state, &user, lang, json, "return").await
}

pub(super) async fn api_renew(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    json: JsonBody,
) -> Result<Response, WebError> {
    api_action(&state, &user, lang, json, "renew").await
}

/// `GET /api/v1/circulation/loans?member=&overdue=true&history=true`.
pub(super) async fn api_loans(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Json<Value>, WebError> {
    let lib = work_library(&user)?;
    let member = form_value(&pairs, "member").filter(|s| !s.is_empty());
    let mut e = Invalid::default();
    let overdue = match form_value(&pairs, "overdue").map(|v| flag(&v)) {
        Some(Ok(b)) => b,
        Some(Err(p)) => {
            e.push("overdue", p);
            false
        }
        None => false,
    };
    let history = form_value(&pairs, "history").is_some_and(|v| flag(&v).unwrap_or(false));
    if !e.is_empty() {
        return Err(e.into());
    }
    let loans = state
        .run(move |c| {
            let member = match member {
                Some(r) => Some(member_ref(c, lib, &r)?.id),
                None => None,
            };
            Ok(store::list_loans(
                c,
                lib,
                &LoanQuery {
                    member,
                    overdue_on: overdue.then(today),
                    include_returned: history,
                    limit: 5000,
                },
                today(),
            )?)
        })
        .await?;
    Ok(Json(json!({
        "items": loans.iter().map(loan_json).collect::<Vec<_>>(),
        "total": loans.len(),
    })))
}

pub(super) async fn api_holds(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Json<Value>, WebError> {
    let lib = work_library(&user)?;
    let member = form_value(&pairs, "member").filter(|s| !s.is_empty());
    let holds = state
        .run(move |c| {
            store::expire_holds(c, lib, today())?;
            let member = match member {
                Some(r) => Some(member_ref(c, lib, &r)?.id),
                None => None,
            };
            Ok(store::list_holds(c, lib, member.as_deref(), today())?)
        })
        .await?;
    Ok(Json(json!({ "items": holds, "total": holds.len() })))
}

pub(super) async fn api_place_hold(
    State(state): State<AppState>,
    user: CurrentUser,
    json: JsonBody,
) -> Result<Response, WebError> {
    let lib = work_library(&user)?;
    let map = crate::api::json_object(json)?;
    let member = body_text(&map, "member");
    let biblio = body_text(&map, "biblio_id");
    let by = actor_ref(&user);
    let h = state
        .run(move |c| place_hold(c, &by, lib, &member, &biblio))
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::to_value(&h).unwrap_or(Value::Null)),
    )
        .into_response())
}

pub(super) async fn api_cancel_hold(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, WebError> {
    let lib = work_library(&user)?;
    let by = actor_ref(&user);
    state
        .run(move |c| Ok(store::cancel_hold(c, &by, lib, &id, today())?))
        .await?;
    Ok(Json(json!({ "status": "cancelled" })))
}
