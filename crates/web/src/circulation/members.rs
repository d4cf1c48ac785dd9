//! Members: list and search, the form, details with the masked NIK, CSV/XLSX
//! import, membership cards, and `/api/v1/members`.

use super::{
    actor_ref, disability_label, education_label, gender_label, long_date, today, work_library,
};
use crate::MAX_UPLOAD_BYTES;
use crate::api::JsonBody;
use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::html::{
    Field, Frame, RegionInput, checkbox, csrf_field, error_summary, input, notice, page, pager,
    region_input, select,
};
use crate::i18n::{Lang, Msg, field_label, problem_sentence};
use crate::session::L;
use crate::state::AppState;
use axum::Json;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use lentera_core::circulation::{
    AgeGroup, Disability, Education, MEMBER_FIELDS, MemberDraft, MemberForm, MemberType,
};
use lentera_core::field::{Invalid, Problem, flag, optional_int};
use lentera_core::ids::LibraryId;
use lentera_core::regions::RegionCode;
use lentera_store::circulation::{self as store, Member, MemberQuery};
use lentera_store::{DbConn, Page, StoreError};
use lentera_tabular::{
    ColumnKind, Format, ImportReport, Layout, Outcome, ReadOptions, RowProblem, TableReader,
    TableWriter, TemplateColumn, xlsx_template,
};
use maud::{Markup, html};
use serde_json::{Value, json};

crate::messages!(M {
    AddMember => "Tambah anggota", "Add a member";
    EditTitle => "Ubah data anggota: {name}", "Edit member: {name}";
    ImportLink => "Impor anggota dari CSV/Excel", "Import members from CSV/Excel";
    CardsLink => "Cetak kartu anggota (PDF)", "Print membership cards (PDF)";
    ListCaption => "Anggota perpustakaan ini", "Members of this library";
    QHint => "Sebagian nama, atau awal nomor anggota.", "Part of a name, or the start of a member number.";
    Filter => "Cari", "Search";
    AgeGroupLabel => "Kelompok umur", "Age group";
    NikHint => "16 angka sesuai KTP/KK. Tidak wajib. Hanya petugas perpustakaan ini yang dapat melihatnya.", "The 16 digits on the identity card. Optional. Only this library's staff can see it.";
    NikStored => "NIK tersimpan: {nik}. Kosongkan untuk tetap memakai NIK ini.", "Stored NIK: {nik}. Leave empty to keep it.";
    ShowNik => "Tampilkan NIK", "Show NIK";
    HideNik => "Sembunyikan NIK", "Hide NIK";
    MemberNoHint => "Kosongkan agar nomor dibuat otomatis (A00001, A00002, …).", "Leave empty to number automatically (A00001, A00002, …).";
    VillageHint => "Kosongkan bila tinggal di desa perpustakaan ini. Ketik nama desa lalu pilih, atau kodenya.", "Leave empty if they live in this library's village. Type the village name and choose, or its code.";
    TypeHint => "Menentukan aturan peminjaman, misalnya umum, pelajar, anak, guru.", "Decides the loan rules, e.g. umum, pelajar, anak, guru.";
    DateHint => "Contoh: 17-08-1990 atau 1990-08-17.", "For example 17-08-1990 or 1990-08-17.";
    ExpiresHint => "Kosongkan bila tidak ada batas.", "Leave empty for no expiry.";
    SectionPerson => "Data diri", "Personal details";
    SectionAddress => "Alamat", "Address";
    SectionMembership => "Keanggotaan", "Membership";
    Deactivate => "Nonaktifkan anggota", "Deactivate member";
    Reactivate => "Aktifkan kembali", "Reactivate";
    Loans => "Pinjaman", "Loans";
    ToDesk => "Buka di meja sirkulasi", "Open at the circulation desk";
    Joined => "Terdaftar", "Joined";
    ImportTitle => "Impor anggota", "Import members";
    ImportLead => "Unggah berkas CSV atau Excel (XLSX) berisi satu anggota per baris. Baris yang benar disimpan; baris yang salah dilaporkan dengan nomor baris dan masalahnya. Anggota yang sudah ada (NIK sama, nomor anggota sama, atau nama dan tanggal lahir sama) diperbarui, sehingga mengimpor berkas yang sama dua kali tidak menggandakan data.", "Upload a CSV or Excel (XLSX) file with one member per row. Good rows are saved; bad rows are reported with their row number and problem. Existing members (same NIK, same member number, or same name and date of birth) are updated, so importing the same file twice does not duplicate anyone.";
    ImportButton => "Impor", "Import";
    TemplateXlsx => "Templat Excel (XLSX)", "Excel (XLSX) template";
    TemplateCsv => "Templat CSV", "CSV template";
    ResultTitle => "Hasil impor anggota", "Member import result";
    Row => "Baris", "Row";
    Column => "Kolom", "Column";
    Problem => "Masalah", "Problem";
    Inserted => "Ditambahkan", "Added";
    Updated => "Diperbarui", "Updated";
    Unchanged => "Tidak berubah", "Unchanged";
    Rejected => "Ditolak", "Rejected";
});

fn frame<'a>(lang: Lang, user: &'a CurrentUser) -> Frame<'a> {
    Frame {
        lang,
        user: Some(user),
        path: "/members",
    }
}

fn with_status(m: Markup, status: StatusCode) -> Response {
    let mut res = m.into_response();
    *res.status_mut() = status;
    res
}

fn dash(s: Option<&str>) -> &str {
    match s {
        Some(v) if !v.trim().is_empty() => v,
        _ => "—",
    }
}

fn age_group_label(a: AgeGroup, lang: Lang) -> &'static str {
    match (a, lang) {
        (AgeGroup::Anak, Lang::Id) => "Anak (0–12)",
        (AgeGroup::Anak, Lang::En) => "Child (0–12)",
        (AgeGroup::Remaja, Lang::Id) => "Remaja (13–18)",
        (AgeGroup::Remaja, Lang::En) => "Youth (13–18)",
        (AgeGroup::Dewasa, Lang::Id) => "Dewasa (19–59)",
        (AgeGroup::Dewasa, Lang::En) => "Adult (19–59)",
        (AgeGroup::Lansia, Lang::Id) => "Lansia (60+)",
        (AgeGroup::Lansia, Lang::En) => "Older person (60+)",
    }
}

/// The library's village, the default desa of its members.
async fn library_village(state: &AppState, lib: LibraryId) -> Result<RegionCode, WebError> {
    state
        .run(move |c| Ok(lentera_store::libraries::get(c, lib)?.details.village_code))
        .await
}

/// Parses a member form against the region tree. A NIK field holding the
/// masked value (or asterisks) means "unchanged" and is dropped.
fn parse(
    state: &AppState,
    mut form: MemberForm,
    village: &RegionCode,
) -> (MemberForm, Result<MemberDraft, Invalid>) {
    if form.nik.contains('*') {
        form.nik.clear();
    }
    let parsed = MemberDraft::parse(&form, &state.regions, Some(village), today());
    (form, parsed)
}

async fn load(state: &AppState, user: &CurrentUser, id: &str) -> Result<Member, WebError> {
    let lib = work_library(user)?;
    let id = id.to_string();
    state
        .run(move |c| Ok(store::get_member(c, lib, &id)?))
        .await
}

/// Seeing a NIK in clear is recorded in the audit trail (without the NIK).
async fn audit_reveal(
    state: &AppState,
    user: &CurrentUser,
    lib: LibraryId,
    m: &Member,
) -> Result<(), WebError> {
    let by = actor_ref(user);
    let m = m.clone();
    state
        .run(move |c| Ok(store::record_nik_reveal(c, &by, lib, &m)?))
        .await
}

pub(crate) fn member_json(state: &AppState, m: &Member, reveal_nik: bool) -> Value {
    let village_path = m
        .village_code
        .as_deref()
        .and_then(|c| RegionCode::parse(c).ok())
        .map(|c| crate::libraries::village_path(&state.regions, &c));
    json!({
        "id": m.id,
        "member_no": m.member_no,
        "full_name": m.full_name,
        "gender": m.gender,
        "birth_date": m.birth_date,
        "age_group": m.birth_date.map(|b| AgeGroup::on(b, today()).key()),
        "member_type": m.member_type,
        "address": m.address,
        "rt": m.rt,
        "rw": m.rw,
        "village_code": m.village_code,
        "village_path": village_path,
        "phone": m.phone,
        "occupation": m.occupation,
        "education": m.education,
        "disability": m.disability,
        "nik": m.nik().map(|n| if reveal_nik { n.reveal().to_string() } else { n.masked() }),
        "joined_on": m.joined_on,
        "expires_on": m.expires_on,
        "active": m.active,
        "created_at": m.created_at,
        "updated_at": m.updated_at,
    })
}

fn choice_options<T: Copy>(
    all: &[T],
    key: fn(T) -> &'static str,
    label: impl Fn(T) -> String,
) -> Vec<(String, String)> {
    all.iter()
        .map(|v| (key(*v).to_string(), label(*v)))
        .collect()
}

// ---------------------------------------------------------------- list

fn query_from(pairs: &[(String, String)], lib: LibraryId) -> Result<MemberQuery, Invalid> {
    let mut q = MemberQuery::new(lib);
    let mut errors = Invalid::default();
    for (k, v) in pairs {
        match k.as_str() {
            "q" => q.text = Some(v.trim().to_string()).filter(|s| !s.is_empty()),
            "active" if !v.trim().is_empty() => match flag(v) {
                Ok(a) => q.active = Some(a),
                Err(p) => errors.push("active", p),
            },
            "page" => match optional_int(v, 1, 1_000_000) {
                Ok(p) => q.page = p.unwrap_or(1),
                Err(p) => errors.push("page", p),
            },
            "per_page" => match optional_int(v, 1, 500) {
                Ok(p) => q.per_page = p.unwrap_or(50),
                Err(p) => errors.push("per_page", p),
            },
            _ => {}
        }
    }
    errors.finish(q)
}

pub(super) async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let lib = work_library(&user)?;
    let q = query_from(&pairs, lib)?;
    let text = q.text.clone().unwrap_or_default();
    let found: Page<Member> = state.run(move |c| Ok(store::list_members(c, &q)?)).await?;
    let frame = frame(lang, &user);
    let body = html! {
        @if pairs.iter().any(|(k, _)| k == "saved") { (notice(Msg::Saved.get(lang))) }
        p.actions {
            a.button href="/members/new" { (M::AddMember.get(lang)) }
            " "
            a.button.secondary href="/members/import" { (M::ImportLink.get(lang)) }
            " "
            a.button.secondary href="/members/cards" { (M::CardsLink.get(lang)) }
        }
        form.filters method="get" action="/members" role="search" {
            (input(Field::text("q", &text).kind("search").hint(M::QHint.get(lang)), lang, &Invalid::default()))
            div.actions { button type="submit" { (M::Filter.get(lang)) } }
        }
        p role="status" { (Msg::Results.get(lang).replace("{n}", &found.total.to_string())) }
        @if found.items.is_empty() {
            p { (Msg::NoResults.get(lang)) }
        } @else {
            div.table-wrap { table {
                caption { (M::ListCaption.get(lang)) }
                thead { tr {
                    th scope="col" { (field_label("member_no", lang)) }
                    th scope="col" { (field_label("full_name", lang)) }
                    th scope="col" { (field_label("gender", lang)) }
                    th scope="col" { (M::AgeGroupLabel.get(lang)) }
                    th scope="col" { (field_label("member_type", lang)) }
                    th scope="col" { (Msg::Status.get(lang)) }
                } }
                tbody {
                    @for m in &found.items {
                        tr {
                            td { (m.member_no) }
                            td { a href={ "/members/" (m.id) } { (m.full_name) } }
                            td { (gender_label(&m.gender, lang)) }
                            td { (m.birth_date.map(|b| age_group_label(AgeGroup::on(b, today()), lang)).unwrap_or("—")) }
                            td { (m.member_type) }
                            td { @if m.active { span.tag.on { (Msg::Active.get(lang)) } } @else { span.tag.off { (Msg::Inactive.get(lang)) } } }
                        }
                    }
                }
            } }
            (pager("/members", &[("q", text.clone())], found.page, found.pages(), lang))
        }
    };
    Ok(page(&frame, Msg::Members.get(lang), body).into_response())
}

// ---------------------------------------------------------------- form

fn member_form_page(
    state: &AppState,
    frame: &Frame<'_>,
    existing: Option<&Member>,
    form: &MemberForm,
    errors: &Invalid,
) -> Markup {
    let lang = frame.lang;
    let (action, title) = match existing {
        Some(m) => (
            format!("/members/{}", m.id),
            M::EditTitle.get(lang).replace("{name}", &m.full_name),
        ),
        None => ("/members".to_string(), M::AddMember.get(lang).to_string()),
    };
    let genders = vec![
        ("L".to_string(), gender_label("L", lang).to_string()),
        ("P".to_string(), gender_label("P", lang).to_string()),
    ];
    let educations = choice_options(Education::ALL, Education::key, |e| {
        education_label(e, lang).to_string()
    });
    let disabilities = choice_options(Disability::ALL, Disability::key, |d| {
        disability_label(d, lang).to_string()
    });
    let path_label = RegionCode::parse(&form.village_code)
        .ok()
        .filter(|c| state.regions.contains(c))
        .map(|c| crate::libraries::village_path(&state.regions, &c));
    let stored_nik = existing.and_then(|m| m.nik()).map(|n| n.masked());
    let nik_hint = match &stored_nik {
        Some(n) => M::NikStored.get(lang).replace("{nik}", n),
        None => M::NikHint.get(lang).to_string(),
    };
    let updated_at = existing
        .map(|m| crate::libraries::version(&m.updated_at))
        .unwrap_or_default();
    let body = html! {
        (error_summary(errors, lang))
        form method="post" action=(action) novalidate {
            (csrf_field(frame))
            input type="hidden" name="updated_at" value=(updated_at);
            h2 { (M::SectionPerson.get(lang)) }
            (input(Field::text("full_name", &form.full_name).required(), lang, errors))
            (select("gender", &form.gender, &genders, true, lang, errors))
            (input(Field::text("birth_date", &form.birth_date).hint(M::DateHint.get(lang)), lang, errors))
            (input(Field::text("nik", if form.nik.contains('*') { "" } else { &form.nik }).hint(&nik_hint), lang, errors))
            @if stored_nik.is_some() { (checkbox("clear_nik", false, lang)) }
            (input(Field::text("phone", &form.phone).kind("tel"), lang, errors))
            (input(Field::text("occupation", &form.occupation), lang, errors))
            (select("education", &form.education, &educations, false, lang, errors))
            (select("disability", &form.disability, &disabilities, false, lang, errors))
            h2 { (M::SectionAddress.get(lang)) }
            (input(Field::text("address", &form.address), lang, errors))
            (input(Field::text("rt", &form.rt), lang, errors))
            (input(Field::text("rw", &form.rw), lang, errors))
            (region_input(RegionInput { name: "village_code", value: &form.village_code, level: Some("village"), within: None, path_label, required: false, hint: M::VillageHint.get(lang) }, lang, errors))
            h2 { (M::SectionMembership.get(lang)) }
            (input(Field::text("member_no", &form.member_no).hint(M::MemberNoHint.get(lang)), lang, errors))
            (input(Field::text("member_type", &form.member_type).hint(M::TypeHint.get(lang)), lang, errors))
            (input(Field::text("expires_on", &form.expires_on).hint(M::ExpiresHint.get(lang)), lang, errors))
            div.actions {
                button type="submit" { (Msg::Save.get(lang)) }
                " "
                a href=(existing.map(|m| format!("/members/{}", m.id)).unwrap_or_else(|| "/members".into())) { (Msg::Cancel.get(lang)) }
            }
        }
    };
    page(frame, &title, body)
}

fn form_from_pairs(
    pairs: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<(MemberForm, String, bool), WebError> {
    let Form(pairs) = pairs.map_err(|e| WebError::BadRequest(e.body_text()))?;
    let mut form = MemberForm::default();
    let mut updated_at = String::new();
    let mut clear_nik = false;
    for (k, v) in pairs {
        match k.as_str() {
            "updated_at" => updated_at = v,
            "clear_nik" => clear_nik = flag(&v).unwrap_or(false),
            _ => {
                form.set(&k, &v);
            }
        }
    }
    Ok((form, updated_at, clear_nik))
}

pub(super) async fn new_form(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
) -> Result<Response, WebError> {
    work_library(&user)?;
    let form = MemberForm {
        member_type: MemberType::umum().as_str().into(),
        ..Default::default()
    };
    Ok(member_form_page(
        &state,
        &frame(lang, &user),
        None,
        &form,
        &Invalid::default(),
    )
    .into_response())
}

pub(super) async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    pairs: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let lib = work_library(&user)?;
    let (form, _, _) = form_from_pairs(pairs)?;
    let village = library_village(&state, lib).await?;
    let (form, parsed) = parse(&state, form, &village);
    let draft = match parsed {
        Ok(d) => d,
        Err(e) => {
            return Ok(with_status(
                member_form_page(&state, &frame(lang, &user), None, &form, &e),
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
    };
    let by = actor_ref(&user);
    let saved = state
        .run(move |c| Ok(store::create_member(c, &by, lib, &draft, today())))
        .await?;
    match saved {
        Ok(m) => Ok(Redirect::to(&format!("/members/{}?saved", m.id)).into_response()),
        Err(StoreError::Invalid(e)) => Ok(with_status(
            member_form_page(&state, &frame(lang, &user), None, &form, &e),
            StatusCode::UNPROCESSABLE_ENTITY,
        )),
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn edit_form(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let m = load(&state, &user, &id).await?;
    let mut form = m.to_form(false);
    form.nik.clear();
    Ok(member_form_page(
        &state,
        &frame(lang, &user),
        Some(&m),
        &form,
        &Invalid::default(),
    )
    .into_response())
}

pub(super) async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Path(id): Path<String>,
    pairs: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let m = load(&state, &user, &id).await?;
    let lib = work_library(&user)?;
    let (form, updated_at, clear_nik) = form_from_pairs(pairs)?;
    let expected = crate::libraries::parse_version(&updated_at)?;
    let village = library_village(&state, lib).await?;
    let (form, parsed) = parse(&state, form, &village);
    let draft = match parsed {
        Ok(d) => d,
        Err(e) => {
            return Ok(with_status(
                member_form_page(&state, &frame(lang, &user), Some(&m), &form, &e),
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
    };
    let by = actor_ref(&user);
    let mid = m.id.clone();
    let saved = state
        .run(move |c| {
            Ok(store::update_member(
                c, &by, lib, &mid, &draft, clear_nik, expected,
            ))
        })
        .await?;
    match saved {
        Ok(m) => Ok(Redirect::to(&format!("/members/{}?saved", m.id)).into_response()),
        Err(StoreError::Invalid(e)) => Ok(with_status(
            member_form_page(&state, &frame(lang, &user), Some(&m), &form, &e),
            StatusCode::UNPROCESSABLE_ENTITY,
        )),
        Err(e) => Err(e.into()),
    }
}

pub(super) async fn set_active_page(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let m = load(&state, &user, &id).await?;
    let lib = work_library(&user)?;
    let active = pairs
        .iter()
        .find(|(k, _)| k == "active")
        .map(|(_, v)| flag(v).unwrap_or(false))
        .unwrap_or(false);
    let by = actor_ref(&user);
    state
        .run(move |c| Ok(store::set_member_active(c, &by, lib, &m.id, active)?))
        .await?;
    Ok(Redirect::to(&format!("/members/{id}?saved")).into_response())
}

pub(super) async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Path(id): Path<String>,
    Query(q): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let m = load(&state, &user, &id).await?;
    let lib = work_library(&user)?;
    let reveal = q.iter().any(|(k, v)| k == "reveal" && v == "nik");
    if reveal && m.nik().is_some() {
        audit_reveal(&state, &user, lib, &m).await?;
    }
    let mid = m.id.clone();
    let loans = state
        .run(move |c| {
            Ok(lentera_store::circulation::list_loans(
                c,
                lib,
                &lentera_store::circulation::LoanQuery {
                    member: Some(mid),
                    include_returned: true,
                    limit: 50,
                    ..Default::default()
                },
                today(),
            )?)
        })
        .await?;
    let frame = frame(lang, &user);
    let village = m
        .village_code
        .as_deref()
        .and_then(|c| RegionCode::parse(c).ok())
        .map(|c| crate::libraries::village_path(&state.regions, &c));
    let education = m
        .education
        .as_deref()
        .and_then(|e| Education::parse(e).ok())
        .map(|e| education_label(e, lang));
    let disability = m
        .disability
        .as_deref()
        .and_then(|e| Disability::parse(e).ok())
        .map(|e| disability_label(e, lang));
    let body = html! {
        @if q.iter().any(|(k, _)| k == "saved") { (notice(Msg::Saved.get(lang))) }
        p.actions {
            a.button href={ "/members/" (m.id) "/edit" } { (Msg::Edit.get(lang)) }
            " "
            a.button.secondary href={ "/circulation?member=" (m.id) } { (M::ToDesk.get(lang)) }
            " "
            a.button.secondary href={ "/members/cards?ids=" (m.id) } { (M::CardsLink.get(lang)) }
        }
        h2 { (M::SectionPerson.get(lang)) }
        dl.summary {
            dt { (field_label("member_no", lang)) } dd { (m.member_no) }
            dt { (field_label("gender", lang)) } dd { (gender_label(&m.gender, lang)) }
            dt { (field_label("birth_date", lang)) }
            dd { (m.birth_date.map(|d| long_date(d, lang)).unwrap_or_else(|| "—".into())) }
            dt { (M::AgeGroupLabel.get(lang)) }
            dd { (m.birth_date.map(|b| age_group_label(AgeGroup::on(b, today()), lang)).unwrap_or("—")) }
            dt { (field_label("nik", lang)) }
            dd {
                @match m.nik() {
                    Some(n) => {
                        span.nik data-nik { @if reveal { (n.reveal()) } @else { (n.masked()) } }
                        " "
                        @if reveal { a href={ "/members/" (m.id) } { (M::HideNik.get(lang)) } }
                        @else { a href={ "/members/" (m.id) "?reveal=nik" } { (M::ShowNik.get(lang)) } }
                    }
                    None => { "—" }
                }
            }
            dt { (field_label("phone", lang)) } dd { (dash(m.phone.as_deref())) }
            dt { (field_label("occupation", lang)) } dd { (dash(m.occupation.as_deref())) }
            dt { (field_label("education", lang)) } dd { (dash(education)) }
            dt { (field_label("disability", lang)) } dd { (dash(disability)) }
        }
        h2 { (M::SectionAddress.get(lang)) }
        dl.summary {
            dt { (field_label("address", lang)) } dd { (dash(m.address.as_deref())) }
            dt { "RT/RW" } dd { (dash(m.rt.as_deref())) " / " (dash(m.rw.as_deref())) }
            dt { (field_label("village_code", lang)) } dd { (dash(village.as_deref())) }
        }
        h2 { (M::SectionMembership.get(lang)) }
        dl.summary {
            dt { (field_label("member_type", lang)) } dd { (m.member_type) }
            dt { (M::Joined.get(lang)) } dd { (long_date(m.joined_on, lang)) }
            dt { (field_label("expires_on", lang)) } dd { (m.expires_on.map(|d| long_date(d, lang)).unwrap_or_else(|| "—".into())) }
            dt { (Msg::Status.get(lang)) }
            dd { @if m.active { (Msg::Active.get(lang)) } @else { (Msg::Inactive.get(lang)) } }
        }
        form method="post" action={ "/members/" (m.id) "/active" } {
            (csrf_field(&frame))
            input type="hidden" name="active" value=(if m.active { "false" } else { "true" });
            button.secondary type="submit" { @if m.active { (M::Deactivate.get(lang)) } @else { (M::Reactivate.get(lang)) } }
        }
        h2 { (M::Loans.get(lang)) }
        (super::desk::loans_table(&loans, lang, false))
    };
    Ok(page(&frame, &m.full_name, body).into_response())
}

// ---------------------------------------------------------------- API

fn form_from_json(
    map: serde_json::Map<String, Value>,
) -> Result<(MemberForm, String, bool), WebError> {
    let mut form = MemberForm::default();
    let mut updated_at = String::new();
    let mut clear_nik = false;
    for (key, value) in map {
        let Some(text) = crate::api::scalar_text(&value) else {
            if key == "updated_at" || MEMBER_FIELDS.contains(&key.as_str()) {
                return Err(WebError::BadRequest(format!(
                    "`{key}` must be a string, number, boolean or null"
                )));
            }
            continue;
        };
        match key.as_str() {
            "updated_at" => updated_at = text,
            "clear_nik" => clear_nik = flag(&text).unwrap_or(false),
            _ => {
                form.set(&key, &text);
            }
        }
    }
    Ok((form, updated_at, clear_nik))
}

fn wants_reveal(pairs: &[(String, String)]) -> bool {
    pairs.iter().any(|(k, v)| k == "reveal" && v == "nik")
}

pub(super) async fn api_list(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Json<Value>, WebError> {
    let lib = work_library(&user)?;
    let q = query_from(&pairs, lib)?;
    let reveal = wants_reveal(&pairs);
    let page = state.run(move |c| Ok(store::list_members(c, &q)?)).await?;
    let items: Vec<Value> = page
        .items
        .iter()
        .map(|m| member_json(&state, m, reveal))
        .collect();
    Ok(Json(json!({
        "items": items, "total": page.total, "page": page.page, "per_page": page.per_page,
    })))
}

pub(super) async fn api_get(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Json<Value>, WebError> {
    let m = load(&state, &user, &id).await?;
    let reveal = wants_reveal(&pairs);
    if reveal && m.nik().is_some() {
        audit_reveal(&state, &user, work_library(&user)?, &m).await?;
    }
    Ok(Json(member_json(&state, &m, reveal)))
}

pub(super) async fn api_create(
    State(state): State<AppState>,
    user: CurrentUser,
    json: JsonBody,
) -> Result<Response, WebError> {
    let lib = work_library(&user)?;
    let (form, _, _) = form_from_json(crate::api::json_object(json)?)?;
    let village = library_village(&state, lib).await?;
    let draft = parse(&state, form, &village).1?;
    let by = actor_ref(&user);
    let m = state
        .run(move |c| Ok(store::create_member(c, &by, lib, &draft, today())?))
        .await?;
    let mut res = (StatusCode::CREATED, Json(member_json(&state, &m, false))).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("/api/v1/members/{}", m.id)) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    Ok(res)
}

pub(super) async fn api_update(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    json: JsonBody,
) -> Result<Json<Value>, WebError> {
    let m = load(&state, &user, &id).await?;
    let lib = work_library(&user)?;
    let (form, updated_at, clear_nik) = form_from_json(crate::api::json_object(json)?)?;
    let expected = crate::libraries::parse_version(&updated_at)?;
    let village = library_village(&state, lib).await?;
    let draft = parse(&state, form, &village).1?;
    let by = actor_ref(&user);
    let saved = state
        .run(move |c| {
            Ok(store::update_member(
                c, &by, lib, &m.id, &draft, clear_nik, expected,
            )?)
        })
        .await?;
    Ok(Json(member_json(&state, &saved, false)))
}

/// DELETE deactivates: the member's loan history stays.
pub(super) async fn api_deactivate(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Value>, WebError> {
    let m = load(&state, &user, &id).await?;
    let lib = work_library(&user)?;
    let by = actor_ref(&user);
    let saved = state
        .run(move |c| Ok(store::set_member_active(c, &by, lib, &m.id, false)?))
        .await?;
    Ok(Json(member_json(&state, &saved, false)))
}

// ---------------------------------------------------------------- import

const COLUMNS: &[(&str, &[&str])] = &[
    (
        "member_no",
        &[
            "nomor anggota",
            "no anggota",
            "no. anggota",
            "member number",
        ],
    ),
    ("full_name", &["nama", "nama lengkap", "name"]),
    ("gender", &["jenis kelamin", "jk", "l/p", "sex"]),
    (
        "birth_date",
        &["tanggal lahir", "tgl lahir", "date of birth"],
    ),
    ("member_type", &["jenis anggota", "tipe anggota", "type"]),
    ("address", &["alamat"]),
    ("rt", &[]),
    ("rw", &[]),
    ("village_code", &["kode desa", "kode_desa", "desa"]),
    ("phone", &["telepon", "no hp", "hp", "no telp"]),
    ("occupation", &["pekerjaan"]),
    ("education", &["pendidikan", "pendidikan terakhir"]),
    ("disability", &["disabilitas", "jenis disabilitas"]),
    ("nik", &["no nik", "nomor induk kependudukan"]),
    ("expires_on", &["berlaku sampai", "masa berlaku"]),
];

pub fn import_layout() -> Layout {
    let mut layout = Layout::new();
    for (key, aliases) in COLUMNS {
        layout = if matches!(*key, "full_name" | "gender") {
            layout.required(*key, aliases)
        } else {
            layout.optional(*key, aliases)
        };
    }
    layout
}

fn tabular_lang(lang: Lang) -> lentera_tabular::Lang {
    match lang {
        Lang::Id => lentera_tabular::Lang::Id,
        Lang::En => lentera_tabular::Lang::En,
    }
}

enum RowResult {
    Done(Outcome),
    Rejected(Invalid),
}

/// One row: parse like the form, match an existing member (NIK, number,
/// name + birth date), then insert, update or leave alone.
fn import_row(
    conn: &mut DbConn,
    state: &AppState,
    by: &lentera_core::audit::ActorRef,
    lib: LibraryId,
    village: &RegionCode,
    row: &lentera_tabular::Row,
) -> Result<RowResult, WebError> {
    let mut form = MemberForm::default();
    for key in MEMBER_FIELDS {
        if let Some(v) = row.get(key) {
            form.set(key, v);
        }
    }
    let draft = match MemberDraft::parse(&form, &state.regions, Some(village), today()) {
        Ok(d) => d,
        Err(e) => return Ok(RowResult::Rejected(e)),
    };
    match store::find_existing_member(conn, lib, &draft)? {
        Some(m) => {
            let saved = store::update_member(conn, by, lib, &m.id, &draft, false, None);
            match saved {
                Ok(after) if after == m => Ok(RowResult::Done(Outcome::Unchanged)),
                Ok(_) => Ok(RowResult::Done(Outcome::Updated)),
                Err(StoreError::Invalid(e)) => Ok(RowResult::Rejected(e)),
                Err(e) => Err(e.into()),
            }
        }
        None => match store::create_member(conn, by, lib, &draft, today()) {
            Ok(_) => Ok(RowResult::Done(Outcome::Inserted)),
            Err(StoreError::Invalid(e)) => Ok(RowResult::Rejected(e)),
            Err(e) => Err(e.into()),
        },
    }
}

async fn import(
    state: &AppState,
    user: &CurrentUser,
    lang: Lang,
    bytes: Vec<u8>,
) -> Result<Result<ImportReport, lentera_tabular::TabularError>, WebError> {
    let lib = work_library(user)?;
    let village = library_village(state, lib).await?;
    let by = actor_ref(user);
    let st = state.clone();
    state
        .run(move |conn| {
            let options = ReadOptions {
                max_input_bytes: MAX_UPLOAD_BYTES as u64,
                ..ReadOptions::default()
            };
            let tl = tabular_lang(lang);
            let mut reader = match TableReader::from_bytes(bytes, &import_layout(), &options) {
                Ok(r) => r,
                Err(e) => return Ok(Err(e)),
            };
            let mut report = ImportReport::with_problem_cap(500);
            for item in reader.by_ref() {
                let row = match item {
                    Ok(row) => row,
                    Err(e) if e.is_row_error() => {
                        report.row_read();
                        report.reject_error(&e, tl);
                        continue;
                    }
                    Err(e) => {
                        report.add_problem(RowProblem::from_error(&e, tl));
                        break;
                    }
                };
                report.row_read();
                match import_row(conn, &st, &by, lib, &village, &row)? {
                    RowResult::Done(o) => report.record(o),
                    RowResult::Rejected(errors) => {
                        for (i, e) in errors.0.iter().enumerate() {
                            let col = row.header_text(e.field).unwrap_or(e.field).to_string();
                            let p = RowProblem::new(
                                row.number(),
                                Some(&col),
                                problem_sentence(e.field, &e.problem, lang),
                            );
                            if i == 0 {
                                report.reject(p);
                            } else {
                                report.add_problem(p);
                            }
                        }
                    }
                }
            }
            report.add_warnings(reader.warnings(), tl);
            Ok(Ok(report))
        })
        .await
}

async fn read_file(
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Option<Vec<u8>>, WebError> {
    let mut mp = multipart.map_err(|e| WebError::BadRequest(e.body_text()))?;
    let mut file = None;
    while let Some(field) = mp
        .next_field()
        .await
        .map_err(|e| WebError::BadRequest(e.body_text()))?
    {
        if field.name() == Some("file") {
            let bytes = field.bytes().await.map_err(|_| WebError::TooLarge {
                max_bytes: MAX_UPLOAD_BYTES,
            })?;
            file = Some(bytes.to_vec()).filter(|b| !b.is_empty());
        }
    }
    Ok(file)
}

fn import_form(frame: &Frame<'_>, error: Option<String>) -> Markup {
    let lang = frame.lang;
    let action = format!(
        "/members/import?csrf={}",
        crate::html::url_encode(frame.csrf())
    );
    let body = html! {
        @if let Some(msg) = &error {
            div.error-summary role="alert" tabindex="-1" aria-labelledby="error-summary-title" data-autofocus {
                h2 #error-summary-title { (Msg::ErrorSummaryTitle.get(lang)) }
                ul { li { a href="#f-file" { (msg) } } }
            }
        }
        p.lead { (M::ImportLead.get(lang)) }
        form method="post" action=(action) enctype="multipart/form-data" {
            div.field.has-error[error.is_some()] {
                label for="f-file" { (field_label("file", lang)) }
                @if let Some(msg) = &error { p.error-message #e-file { (msg) } }
                input #f-file type="file" name="file" required accept=".csv,.xlsx";
            }
            div.actions { button type="submit" { (M::ImportButton.get(lang)) } }
        }
        ul {
            li { a href="/members/import/template?format=xlsx" download { (M::TemplateXlsx.get(lang)) } }
            li { a href="/members/import/template?format=csv" download { (M::TemplateCsv.get(lang)) } }
        }
        div.table-wrap { table {
            thead { tr { th scope="col" { (M::Column.get(lang)) } th scope="col" { (field_label("q", lang)) } } }
            tbody {
                @for (k, aliases) in COLUMNS {
                    tr { th scope="row" { code { (k) } br; small { (field_label(k, lang)) } } td { (aliases.join(", ")) } }
                }
            }
        } }
    };
    page(frame, M::ImportTitle.get(lang), body)
}

pub(super) async fn import_page(user: CurrentUser, L(lang): L) -> Result<Response, WebError> {
    work_library(&user)?;
    Ok(import_form(&frame(lang, &user), None).into_response())
}

pub(super) async fn import_submit(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    work_library(&user)?;
    let frame = frame(lang, &user);
    let Some(bytes) = read_file(multipart).await? else {
        return Ok(with_status(
            import_form(
                &frame,
                Some(problem_sentence("file", &Problem::Required, lang)),
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    };
    let report = match import(&state, &user, lang, bytes).await? {
        Ok(r) => r,
        Err(e) => {
            return Ok(with_status(
                import_form(&frame, Some(e.message(tabular_lang(lang)))),
                StatusCode::UNPROCESSABLE_ENTITY,
            ));
        }
    };
    let body = html! {
        p.lead role="status" { (report.summary(tabular_lang(lang))) }
        dl.summary {
            dt { (M::Inserted.get(lang)) } dd { (report.inserted) }
            dt { (M::Updated.get(lang)) } dd { (report.updated) }
            dt { (M::Unchanged.get(lang)) } dd { (report.unchanged) }
            dt { (M::Rejected.get(lang)) } dd { (report.rejected) }
        }
        @if !report.problems.is_empty() {
            div.table-wrap { table {
                thead { tr { th scope="col" { (M::Row.get(lang)) } th scope="col" { (M::Column.get(lang)) } th scope="col" { (M::Problem.get(lang)) } } }
                tbody { @for p in &report.problems { tr { td { (p.row) } td { (p.column.as_deref().unwrap_or("—")) } td { (p.message) } } } }
            } }
        }
        p { a href="/members/import" { (M::ImportTitle.get(lang)) } " · " a href="/members" { (Msg::Members.get(lang)) } }
    };
    Ok(page(&frame, M::ResultTitle.get(lang), body).into_response())
}

pub(super) async fn api_import(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, WebError> {
    work_library(&user)?;
    let bytes = read_file(multipart)
        .await?
        .ok_or_else(|| WebError::Invalid(Invalid::one("file", Problem::Required)))?;
    match import(&state, &user, lang, bytes).await? {
        Ok(report) => Ok(Json(
            serde_json::to_value(&report).map_err(|e| WebError::Internal(e.to_string()))?,
        )
        .into_response()),
        Err(e) => {
            let message = e.message(tabular_lang(lang));
            let body = json!({ "error": {
                "code": "validation_failed", "message": message,
                "fields": [{ "field": "file", "code": e.key(), "message": message }],
            }});
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response())
        }
    }
}

fn download(bytes: Vec<u8>, ctype: &'static str, name: &str) -> Result<Response, WebError> {
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
            .map_err(|e| WebError::Internal(e.to_string()))?,
    );
    Ok(res)
}

pub(super) async fn template(
    user: CurrentUser,
    L(lang): L,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    work_library(&user)?;
    let xlsx = pairs.iter().any(|(k, v)| k == "format" && v == "xlsx");
    let werr = |e: lentera_tabular::TabularError| WebError::Internal(format!("{e:?}"));
    if xlsx {
        let labels: Vec<String> = MEMBER_FIELDS.iter().map(|k| field_label(k, lang)).collect();
        let columns: Vec<TemplateColumn<'_>> = MEMBER_FIELDS
            .iter()
            .zip(&labels)
            .map(|(k, l)| TemplateColumn {
                header: k,
                description: l,
                example: match *k {
                    "full_name" => "Siti Aminah",
                    "gender" => "P",
                    "birth_date" => "17-08-1990",
                    "member_type" => "umum",
                    "rt" => "003",
                    "rw" => "001",
                    "education" => "sma",
                    _ => "",
                },
                required: matches!(*k, "full_name" | "gender"),
                kind: ColumnKind::Text,
            })
            .collect();
        let bytes =
            xlsx_template(Msg::Members.get(lang), &columns, tabular_lang(lang)).map_err(werr)?;
        download(bytes, Format::Xlsx.mime_type(), "templat-anggota.xlsx")
    } else {
        let mut w = TableWriter::new(Format::Csv, Vec::new()).map_err(werr)?;
        w.write_header(MEMBER_FIELDS).map_err(werr)?;
        download(
            w.finish().map_err(werr)?,
            Format::Csv.mime_type(),
            "templat-anggota.csv",
        )
    }
}

// ---------------------------------------------------------------- cards

/// `GET /members/cards[?ids=a,b]`: membership cards as an A4 PDF, ten to a
/// page, with the member number as a Code 128 barcode. Without ids: every
/// active member (up to 1,000).
pub(super) async fn cards(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let lib = work_library(&user)?;
    let ids: Vec<String> = pairs
        .iter()
        .filter(|(k, _)| k == "ids")
        .flat_map(|(_, v)| v.split(',').map(|s| s.trim().to_string()))
        .filter(|s| !s.is_empty())
        .collect();
    let (library_name, members) = state
        .run(move |c| {
            let name = lentera_store::libraries::get(c, lib)?.details.name;
            let members = if ids.is_empty() {
                let mut q = MemberQuery::new(lib);
                q.active = Some(true);
                q.per_page = 1000;
                store::list_members(c, &q)?.items
            } else {
                let mut v = Vec::new();
                for id in &ids {
                    v.push(store::get_member(c, lib, id)?);
                }
                v
            };
            Ok((name, members))
        })
        .await?;
    if members.is_empty() {
        return Err(WebError::Invalid(Invalid::one("ids", Problem::Required)));
    }
    let cards: Vec<lentera_print::MemberCard> = members
        .iter()
        .map(|m| lentera_print::MemberCard {
            library_name: library_name.clone(),
            member_name: m.full_name.clone(),
            member_number: m.member_no.clone(),
            valid_until: m
                .expires_on
                .map(|d| long_date(d, lang))
                .unwrap_or_else(|| "—".into()),
            barcode: m.member_no.clone(),
        })
        .collect();
    let mut out = Vec::new();
    lentera_print::render_member_cards(&cards, &mut out)
        .map_err(|e| WebError::Internal(format!("cards: {e}")))?;
    download(out, "application/pdf", "kartu-anggota.pdf")
}
