//! The user administration pages: list, add, details, profile, password
//! reset, (de)activation and a facilitator's libraries. Plain forms: every
//! action works without JavaScript.

use super::{
    Created, FirstPassword, Shown, Target, assigned_in_reach, reachable_libraries,
    require_administrator, require_manage, role_label, visible,
};
use crate::audit::wib;
use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::html::{
    Field, Frame, RegionInput, csrf_field, error_summary, input, notice, page, pager, reach_region,
    region_input, url_decode,
};
use crate::i18n::{Lang, Msg, field_label, problem_sentence};
use crate::session::L;
use crate::state::AppState;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use lentera_core::field::Invalid;
use lentera_core::libraries::Library;
use lentera_core::regions::{RegionCode, path_label};
use lentera_core::users::{Role, UserForm};
use lentera_store::users::{self as store_users, User, UserQuery};
use maud::{Markup, html};
use serde::Deserialize;
use std::collections::HashMap;

crate::messages!(T {
    AddUser => "Tambah pengguna", "Add a user";
    Intro => "Pengguna yang berada dalam jangkauan Anda.", "The users within your reach.";
    AllRoles => "Semua peran", "All roles";
    Show => "Tampilkan", "Show";
    Count => "{n} pengguna", "{n} users";
    Reach => "Jangkauan", "Reach";
    LastLogin => "Terakhir masuk (WIB)", "Last sign-in (WIB)";
    Never => "Belum pernah", "Never";
    MustChange => "Wajib ganti kata sandi", "Must change password";
    CreatedAt => "Dibuat (WIB)", "Created (WIB)";
    EditProfile => "Ubah profil", "Edit profile";
    EditTitle => "Ubah profil {name}", "Edit the profile of {name}";
    ResetPassword => "Atur ulang kata sandi", "Reset password";
    ConfirmReset => "Buat kata sandi sementara yang baru? Kata sandi lama langsung tidak berlaku dan pengguna keluar dari semua perangkat.", "Make a new temporary password? The old one stops working at once and the user is signed out everywhere.";
    Deactivate => "Nonaktifkan pengguna", "Deactivate user";
    ConfirmDeactivate => "Nonaktifkan pengguna ini? Ia langsung keluar dari semua perangkat dan tidak bisa masuk lagi sampai diaktifkan kembali.", "Deactivate this user? They are signed out everywhere at once and cannot sign in until reactivated.";
    Reactivate => "Aktifkan kembali", "Reactivate";
    History => "Riwayat perubahan", "Change history";
    SelfNote => "Ini akun Anda sendiri. Ganti kata sandi Anda di halaman Ganti kata sandi.", "This is your own account. Change your own password on the Change password page.";
    NotYours => "Anda dapat melihat pengguna ini, tetapi tidak berwenang mengubahnya.", "You can see this user but may not change them.";
    UserAdded => "Pengguna ditambahkan", "User added";
    NewPasswordFor => "Kata sandi sementara untuk {name}", "Temporary password for {name}";
    ShownOnce => "Catat atau sampaikan kata sandi ini sekarang. Kata sandi ini hanya ditampilkan sekali; Lentera tidak menyimpannya dalam bentuk yang bisa dibaca.", "Write this password down or pass it on now. It is shown only once; Lentera does not keep it in readable form.";
    MustChangeAtFirst => "{name} wajib menggantinya dengan kata sandi pilihan sendiri saat pertama kali masuk.", "{name} must replace it with a password of their own at first sign-in.";
    SignedOut => "{name} sudah dikeluarkan dari semua perangkat; kata sandi lama tidak berlaku lagi.", "{name} has been signed out on every device; the old password no longer works.";
    ToUser => "Lihat data pengguna", "View the user";
    ToList => "Daftar pengguna", "User list";
    UsernameHint => "Dipakai untuk masuk: 3–32 huruf kecil, angka, titik, garis bawah atau tanda hubung, misalnya sari.dewi.", "Used to sign in: 3–32 lower-case letters, digits, dots, underscores or hyphens, e.g. sari.dewi.";
    RegionHint => "Ketik nama atau kode wilayah. Provinsi untuk petugas provinsi, kabupaten/kota untuk petugas kabupaten/kota, wilayah mana pun untuk fasilitator. Kosongkan untuk admin nasional, pengelola dan staf.", "Type a region's name or code. A province for province officers, a regency or city for district officers, any region for facilitators. Leave empty for national administrators, managers and staff.";
    LibraryHint => "Hanya untuk pengelola dan staf perpustakaan.", "For library managers and staff only.";
    LibraryTextHint => "Hanya untuk pengelola dan staf perpustakaan. Ketik NPP perpustakaan, atau ID-nya dari halaman perpustakaan.", "For library managers and staff only. Type the library's NPP, or its ID from the library's page.";
    Generate => "Buatkan kata sandi sementara (disarankan): ditampilkan sekali, dan pengguna wajib menggantinya saat pertama kali masuk", "Generate a temporary password (recommended): shown once, and the user must change it at first sign-in";
    TypeIt => "Saya ketik kata sandinya", "I will type the password";
    TypeHint => "Hanya jika Anda memilih mengetik sendiri. Paling sedikit 10 karakter.", "Only if you chose to type it. At least 10 characters.";
    Assigned => "Perpustakaan dampingan", "Assigned libraries";
    NoneAssigned => "Belum ada perpustakaan dampingan.", "No libraries assigned yet.";
    HiddenAssigned => "{n} perpustakaan dampingan lain berada di luar jangkauan Anda; perubahan di sini tidak menyentuhnya.", "{n} other assigned libraries are outside your reach; changes made here leave them as they are.";
    FindLibraries => "Cari perpustakaan untuk ditambahkan", "Find libraries to add";
    FilterRegionHint => "Nama atau kode kecamatan, kabupaten/kota atau desa. Kosongkan untuk semua wilayah dalam jangkauan Anda.", "Name or code of a district, regency or village. Leave empty for your whole reach.";
    Choose => "Centang perpustakaan yang didampingi", "Tick the libraries this facilitator supports";
    Truncated => "Menampilkan {n} dari {total} perpustakaan yang cocok. Saring menurut wilayah atau nama untuk menemukan yang lain.", "Showing {n} of {total} matching libraries. Filter by region or name to find the others.";
    NoCandidates => "Tidak ada perpustakaan lain yang cocok dengan saringan.", "No other libraries match the filter.";
    SaveAssigned => "Simpan perpustakaan dampingan", "Save assigned libraries";
    WorkArea => "Wilayah kerja", "Work area";
});

fn region_path(state: &AppState, code: &RegionCode) -> String {
    state
        .regions
        .get(code)
        .map(|r| path_label(r, &state.regions.ancestors(code)))
        .unwrap_or_else(|| code.to_string())
}

/// Where a user belongs, in words.
fn home_text(state: &AppState, u: &User, library: Option<&Library>, lang: Lang) -> String {
    match (u.role, &u.region_code, library) {
        (Role::National, _, _) => Msg::ReachNation.get(lang).to_string(),
        (Role::Manager | Role::Staff, _, Some(l)) => format!(
            "{} — {}",
            l.details.name,
            region_path(state, &l.details.village_code)
        ),
        (_, Some(code), _) => region_path(state, code),
        _ => String::new(),
    }
}

fn status_tags(u: &User, lang: Lang) -> Markup {
    html! {
        @if u.active { span.tag.on { (Msg::Active.get(lang)) } } @else { span.tag.off { (Msg::Inactive.get(lang)) } }
        @if u.must_change_password && u.active { " " span.tag { (T::MustChange.get(lang)) } }
    }
}

fn last_login(u: &User, lang: Lang) -> String {
    u.last_login_at
        .map(|t| wib(t, lang))
        .unwrap_or_else(|| T::Never.get(lang).to_string())
}

fn with_status(mut res: Response, status: StatusCode) -> Response {
    *res.status_mut() = status;
    res
}

/// Radio buttons in a fieldset, labelled and linked from the error summary
/// (the first option carries the field's id).
fn radios(
    name: &'static str,
    value: &str,
    options: &[(String, String)],
    lang: Lang,
    errors: &Invalid,
) -> Markup {
    let err = errors.for_field(name);
    html! {
        div.field.has-error[err.is_some()] {
            fieldset aria-describedby=[err.map(|_| format!("e-{name}"))] {
                legend { (field_label(name, lang)) }
                @if let Some(e) = err {
                    p.error-message id={ "e-" (name) } { (problem_sentence(e.field, &e.problem, lang)) }
                }
                @for (i, (v, l)) in options.iter().enumerate() {
                    @let id = if i == 0 { format!("f-{name}") } else { format!("f-{name}-{i}") };
                    div.field.checkbox {
                        input type="radio" id=(id) name=(name) value=(v) checked[v == value];
                        label for=(id) { (l) }
                    }
                }
            }
        }
    }
}

#[derive(Deserialize, Default)]
pub struct ListParams {
    q: Option<String>,
    role: Option<String>,
    page: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    u: CurrentUser,
    L(lang): L,
    Query(p): Query<ListParams>,
) -> Result<Response, WebError> {
    require_administrator(&u)?;
    // Pages are forgiving: a mangled filter shows everything.
    let role = p.role.as_deref().and_then(|r| Role::parse(r).ok());
    let mut ignored = Invalid::default();
    let (page_no, per_page) = crate::audit::paging(p.page.as_deref(), None, 50, &mut ignored);
    let q = UserQuery {
        reach: u.actor.reach(),
        text: p.q.clone().filter(|t| t.len() <= 100),
        role,
        page: page_no,
        per_page,
    };
    let (found, libs) = state
        .run(move |conn| {
            let found = store_users::list(conn, &q)?;
            let ids: Vec<_> = found.items.iter().filter_map(|u| u.library_id).collect();
            let libs = lentera_store::libraries::get_many(conn, &ids)?;
            Ok((found, libs))
        })
        .await?;
    let libs: HashMap<_, _> = libs.into_iter().map(|l| (l.id, l)).collect();
    let frame = Frame {
        lang,
        user: Some(&u),
        path: "/users",
    };
    let text = p.q.clone().unwrap_or_default();
    let role_key = role.map(|r| r.key()).unwrap_or("");
    let query = vec![("q", text.clone()), ("role", role_key.to_string())];
    Ok(page(
        &frame,
        Msg::Users.get(lang),
        html! {
            p { (T::Intro.get(lang)) }
            p { a.button href="/users/new" { (T::AddUser.get(lang)) } }
            form.filters method="get" action="/users" role="search" {
                div.field {
                    label for="f-q" { (field_label("q", lang)) }
                    input #f-q type="search" name="q" value=(text);
                }
                div.field {
                    label for="f-role" { (field_label("role", lang)) }
                    select #f-role name="role" {
                        option value="" { (T::AllRoles.get(lang)) }
                        @for r in Role::ALL {
                            option value=(r.key()) selected[r.key() == role_key] { (role_label(*r, lang)) }
                        }
                    }
                }
                button type="submit" { (T::Show.get(lang)) }
            }
            p role="status" { (T::Count.get(lang).replace("{n}", &found.total.to_string())) }
            @if found.items.is_empty() {
                p { (Msg::NoResults.get(lang)) }
            } @else {
                div.table-wrap {
                    table {
                        thead { tr {
                            th scope="col" { (field_label("username", lang)) }
                            th scope="col" { (field_label("full_name", lang)) }
                            th scope="col" { (field_label("role", lang)) }
                            th scope="col" { (T::Reach.get(lang)) }
                            th scope="col" { (Msg::Status.get(lang)) }
                            th scope="col" { (T::LastLogin.get(lang)) }
                        } }
                        tbody {
                            @for x in &found.items {
                                tr {
                                    td { a href={ "/users/" (x.id) } { (x.username) } }
                                    td { (x.full_name) }
                                    td { (role_label(x.role, lang)) }
                                    td { (home_text(&state, x, x.library_id.and_then(|l| libs.get(&l)), lang)) }
                                    td { (status_tags(x, lang)) }
                                    td { (last_login(x, lang)) }
                                }
                            }
                        }
                    }
                }
            }
            (pager("/users", &query, found.page, found.pages(), lang))
        },
    )
    .into_response())
}

/// The add-user form as typed; passwords are never sent back.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewUserForm {
    username: String,
    full_name: String,
    email: String,
    phone: String,
    role: String,
    region_code: String,
    library_id: String,
    password_mode: String,
    password: String,
    password_confirm: String,
}

impl NewUserForm {
    fn user_form(&self) -> UserForm {
        UserForm {
            username: self.username.clone(),
            full_name: self.full_name.clone(),
            email: self.email.clone(),
            phone: self.phone.clone(),
            role: self.role.clone(),
            region_code: self.region_code.clone(),
            library_id: self.library_id.clone(),
            password: String::new(),
            password_confirm: String::new(),
        }
    }
    fn typed(&self) -> bool {
        self.password_mode == "set"
    }
}

/// A select when the actor's libraries fit on a page, else a text field
/// taking an NPP or id (a national administrator reaches tens of thousands).
const LIBRARY_SELECT_MAX: i64 = 200;

async fn new_user_page(
    state: &AppState,
    u: &CurrentUser,
    lang: Lang,
    f: &NewUserForm,
    errors: &Invalid,
) -> Result<Markup, WebError> {
    let (libs, total) = reachable_libraries(state, u, None, None, LIBRARY_SELECT_MAX).await?;
    let frame = Frame {
        lang,
        user: Some(u),
        path: "/users",
    };
    let roles: Vec<(String, String)> = Role::ALL
        .iter()
        .filter(|r| u.actor.role.may_manage(**r))
        .map(|r| (r.key().to_string(), role_label(*r, lang).to_string()))
        .collect();
    // With one possible role (a manager adding staff) there is nothing to choose.
    let role_value = if roles.len() == 1 && f.role.is_empty() {
        roles[0].0.clone()
    } else {
        f.role.clone()
    };
    let library_value = match (&u.actor.home, f.library_id.is_empty()) {
        (lentera_core::users::Home::Library { library_id, .. }, true) => library_id.to_string(),
        _ => f.library_id.clone(),
    };
    let region_label = RegionCode::parse(&f.region_code)
        .ok()
        .filter(|c| state.regions.contains(c))
        .map(|c| region_path(state, &c));
    let lib_err = errors.for_field("library_id");
    let mode = if f.typed() { "set" } else { "generate" };
    Ok(page(
        &frame,
        T::AddUser.get(lang),
        html! {
            (error_summary(errors, lang))
            form method="post" action="/users" novalidate {
                (csrf_field(&frame))
                (input(Field::text("username", &f.username).required().hint(T::UsernameHint.get(lang)), lang, errors))
                (input(Field::text("full_name", &f.full_name).required(), lang, errors))
                (input(Field::text("email", &f.email).kind("email"), lang, errors))
                (input(Field::text("phone", &f.phone).kind("tel"), lang, errors))
                (radios("role", &role_value, &roles, lang, errors))
                (region_input(RegionInput { name: "region_code", value: &f.region_code, level: None, within: reach_region(frame.user), path_label: region_label, required: false, hint: T::RegionHint.get(lang) }, lang, errors))
                @if total <= LIBRARY_SELECT_MAX {
                    div.field.has-error[lib_err.is_some()] {
                        label for="f-library_id" { (field_label("library_id", lang)) " " span.optional { (Msg::Optional.get(lang)) } }
                        p.hint id="h-library_id" { (T::LibraryHint.get(lang)) }
                        @if let Some(e) = lib_err {
                            p.error-message id="e-library_id" { (problem_sentence(e.field, &e.problem, lang)) }
                        }
                        select #f-library_id name="library_id" aria-invalid=[lib_err.map(|_| "true")]
                            aria-describedby=(if lib_err.is_some() { "h-library_id e-library_id" } else { "h-library_id" }) {
                            option value="" { "—" }
                            @for l in &libs {
                                @let id = l.id.to_string();
                                option value=(id) selected[id == library_value] {
                                    (l.details.name) " (" (state.regions.get(&l.details.village_code).map(|r| r.display_name()).unwrap_or_default()) ")"
                                }
                            }
                        }
                    }
                } @else {
                    (input(Field::text("library_id", &library_value).hint(T::LibraryTextHint.get(lang)), lang, errors))
                }
                (radios("password_mode", mode, &[
                    ("generate".to_string(), T::Generate.get(lang).to_string()),
                    ("set".to_string(), T::TypeIt.get(lang).to_string()),
                ], lang, errors))
                (input(Field::text("password", "").kind("password").hint(T::TypeHint.get(lang)), lang, errors))
                (input(Field::text("password_confirm", "").kind("password"), lang, errors))
                div.actions {
                    button type="submit" { (Msg::Save.get(lang)) }
                    a href="/users" { (Msg::Cancel.get(lang)) }
                }
            }
        },
    ))
}

pub async fn new_form(
    State(state): State<AppState>,
    u: CurrentUser,
    L(lang): L,
) -> Result<Response, WebError> {
    require_administrator(&u)?;
    // A district officer's own regency is the likeliest home; prefill it.
    let mut f = NewUserForm::default();
    if u.actor.role == Role::District
        && let lentera_core::users::Home::Region { code } = &u.actor.home
    {
        f.region_code = code.to_string();
    }
    Ok(new_user_page(&state, &u, lang, &f, &Invalid::default())
        .await?
        .into_response())
}

/// The page that shows a temporary password, once.
fn secret_page(
    frame: &Frame<'_>,
    title: &str,
    user: &User,
    password: &str,
    signed_out: bool,
) -> Markup {
    let lang = frame.lang;
    html! {
        (page(frame, title, html! {
            @if signed_out { (notice(&T::SignedOut.get(lang).replace("{name}", &user.full_name))) }
            dl.summary {
                dt { (field_label("username", lang)) } dd { code { (user.username) } }
                dt { (field_label("password", lang)) } dd { p.lead { code #temporary-password { (password) } } }
            }
            div.warn {
                p { (T::ShownOnce.get(lang)) }
                p { (T::MustChangeAtFirst.get(lang).replace("{name}", &user.full_name)) }
            }
            p {
                a href={ "/users/" (user.id) } { (T::ToUser.get(lang)) }
                " · "
                a href="/users" { (T::ToList.get(lang)) }
            }
        }))
    }
}

pub async fn create(
    State(state): State<AppState>,
    u: CurrentUser,
    L(lang): L,
    Form(f): Form<NewUserForm>,
) -> Result<Response, WebError> {
    let first = if f.typed() {
        FirstPassword::Typed {
            password: f.password.clone(),
            confirm: Some(f.password_confirm.clone()),
        }
    } else {
        FirstPassword::Generate
    };
    match super::create(&state, &u, f.user_form(), first).await {
        Ok(Created {
            user,
            temporary_password: Some(pw),
        }) => {
            let frame = Frame {
                lang,
                user: Some(&u),
                path: "/users",
            };
            Ok(secret_page(&frame, T::UserAdded.get(lang), &user, &pw, false).into_response())
        }
        Ok(Created { user, .. }) => {
            Ok(Redirect::to(&format!("/users/{}?saved=1", user.id)).into_response())
        }
        Err(WebError::Invalid(errors)) => Ok(with_status(
            new_user_page(&state, &u, lang, &f, &errors)
                .await?
                .into_response(),
            StatusCode::UNPROCESSABLE_ENTITY,
        )),
        Err(e) => Err(e),
    }
}

#[derive(Deserialize, Default)]
pub struct ShowParams {
    saved: Option<String>,
    region: Option<String>,
    q: Option<String>,
}

/// The facilitator section: assigned libraries, and for those who may
/// manage them a filter and a checkbox list to change them.
async fn assignments_section(
    state: &AppState,
    u: &CurrentUser,
    lang: Lang,
    t: &Target,
    p: &ShowParams,
    errors: &Invalid,
) -> Result<Markup, WebError> {
    let (assigned, hidden) = assigned_in_reach(state, u, t.user.id).await?;
    let manage = u.actor.may_manage_user(t.user.role, &t.home);
    let region_text = match &p.region {
        Some(r) => r.trim().to_string(),
        // The facilitator's own work area is where their libraries usually are.
        None => t
            .user
            .region_code
            .as_ref()
            .map(|c| c.to_string())
            .unwrap_or_default(),
    };
    let region = RegionCode::parse(&region_text)
        .ok()
        .filter(|c| state.regions.contains(c));
    let q =
        p.q.clone()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty() && s.len() <= 100);
    const LIMIT: i64 = 100;
    let (candidates, total) = if manage {
        reachable_libraries(state, u, region.clone(), q.clone(), LIMIT).await?
    } else {
        (vec![], 0)
    };
    let candidates: Vec<&Library> = candidates
        .iter()
        .filter(|c| !assigned.iter().any(|a| a.id == c.id))
        .collect();
    let err = errors.for_field("library_ids");
    let id = t.user.id;
    let village = |l: &Library| {
        state
            .regions
            .get(&l.details.village_code)
            .map(|r| path_label(r, &state.regions.ancestors(&l.details.village_code)))
            .unwrap_or_default()
    };
    let csrf = Frame {
        lang,
        user: Some(u),
        path: "/users",
    };
    Ok(html! {
        section #assign {
            h2 { (T::Assigned.get(lang)) }
            @if hidden > 0 { p.hint { (T::HiddenAssigned.get(lang).replace("{n}", &hidden.to_string())) } }
            @if !manage {
                @if assigned.is_empty() { p { (T::NoneAssigned.get(lang)) } }
                ul {
                    @for l in &assigned {
                        li { a href={ "/libraries/" (l.id) } { (l.details.name) } " — " small { (village(l)) } }
                    }
                }
            } @else {
                form.filters method="get" action={ "/users/" (id) "#assign" } role="search" {
                    (region_input(RegionInput { name: "region", value: &region_text, level: None, within: reach_region(Some(u)), path_label: region.as_ref().map(|c| region_path(state, c)), required: false, hint: T::FilterRegionHint.get(lang) }, lang, &Invalid::default()))
                    div.field {
                        label for="f-q" { (field_label("q", lang)) }
                        input #f-q type="search" name="q" value=(q.clone().unwrap_or_default());
                    }
                    button type="submit" { (T::FindLibraries.get(lang)) }
                }
                form method="post" action={ "/users/" (id) "/libraries" } {
                    (csrf_field(&csrf))
                    div.field.has-error[err.is_some()] {
                        fieldset #f-library_ids aria-describedby=[err.map(|_| "e-library_ids")] {
                            legend { (T::Choose.get(lang)) }
                            @if let Some(e) = err {
                                p.error-message #e-library_ids { (problem_sentence(e.field, &e.problem, lang)) }
                            }
                            @if assigned.is_empty() { p { (T::NoneAssigned.get(lang)) } }
                            @for (l, checked) in assigned.iter().map(|l| (l, true)).chain(candidates.iter().map(|l| (*l, false))) {
                                div.field.checkbox {
                                    input type="checkbox" id={ "lib-" (l.id) } name="library_ids" value=(l.id) checked[checked];
                                    label for={ "lib-" (l.id) } { (l.details.name) " — " small { (village(l)) } }
                                    input type="hidden" name="shown" value=(l.id);
                                }
                            }
                            @if candidates.is_empty() { p.hint { (T::NoCandidates.get(lang)) } }
                            @if total > LIMIT {
                                p.hint { (T::Truncated.get(lang).replace("{n}", &LIMIT.to_string()).replace("{total}", &total.to_string())) }
                            }
                        }
                    }
                    div.actions { button type="submit" { (T::SaveAssigned.get(lang)) } }
                }
            }
        }
    })
}

async fn show_page(
    state: &AppState,
    u: &CurrentUser,
    lang: Lang,
    t: &Target,
    p: &ShowParams,
    errors: &Invalid,
) -> Result<Markup, WebError> {
    let library = match t.user.library_id {
        Some(l) => state
            .run(move |conn| Ok(lentera_store::libraries::get_many(conn, &[l])?))
            .await?
            .into_iter()
            .next(),
        None => None,
    };
    let assignments = if t.user.role == Role::Facilitator {
        Some(assignments_section(state, u, lang, t, p, errors).await?)
    } else {
        None
    };
    let frame = Frame {
        lang,
        user: Some(u),
        path: "/users",
    };
    let x = &t.user;
    let manage = u.actor.may_manage_user(x.role, &t.home);
    let own = t.is_self(u);
    Ok(page(
        &frame,
        &x.full_name,
        html! {
            @if p.saved.is_some() && errors.is_empty() { (notice(Msg::Saved.get(lang))) }
            (error_summary(errors, lang))
            dl.summary {
                dt { (field_label("username", lang)) } dd { code { (x.username) } }
                dt { (field_label("full_name", lang)) } dd { (x.full_name) }
                dt { (field_label("email", lang)) } dd { (x.email.as_deref().unwrap_or("—")) }
                dt { (field_label("phone", lang)) } dd { (x.phone.as_deref().unwrap_or("—")) }
                dt { (field_label("role", lang)) } dd { (role_label(x.role, lang)) }
                dt { @if x.role == Role::Facilitator { (T::WorkArea.get(lang)) } @else { (T::Reach.get(lang)) } }
                dd { (home_text(state, x, library.as_ref(), lang)) }
                dt { (Msg::Status.get(lang)) } dd { (status_tags(x, lang)) }
                dt { (T::LastLogin.get(lang)) } dd { (last_login(x, lang)) }
                dt { (T::CreatedAt.get(lang)) } dd { (wib(x.created_at, lang)) }
            }
            @if own { p.hint { (T::SelfNote.get(lang)) " " a href="/account/password" { (Msg::ChangePassword.get(lang)) } } }
            @if manage {
                div.actions {
                    a.button.secondary href={ "/users/" (x.id) "/edit" } { (T::EditProfile.get(lang)) }
                    @if !own {
                        form.inline method="post" action={ "/users/" (x.id) "/password-reset" } data-confirm=(T::ConfirmReset.get(lang)) {
                            (csrf_field(&frame))
                            button.secondary type="submit" { (T::ResetPassword.get(lang)) }
                        }
                        @if x.active {
                            form.inline method="post" action={ "/users/" (x.id) "/deactivate" } data-confirm=(T::ConfirmDeactivate.get(lang)) {
                                (csrf_field(&frame))
                                button.warning type="submit" { (T::Deactivate.get(lang)) }
                            }
                        } @else {
                            form.inline method="post" action={ "/users/" (x.id) "/reactivate" } {
                                (csrf_field(&frame))
                                button type="submit" { (T::Reactivate.get(lang)) }
                            }
                        }
                    }
                }
            } @else if !own {
                p.hint { (T::NotYours.get(lang)) }
            }
            @if let Some(a) = assignments { (a) }
            p {
                @if u.actor.may_read_audit() {
                    a href={ "/audit?entity=user&entity_id=" (x.id) } { (T::History.get(lang)) }
                    " · "
                }
                a href="/users" { (T::ToList.get(lang)) }
            }
        },
    ))
}

pub async fn show(
    State(state): State<AppState>,
    u: CurrentUser,
    L(lang): L,
    Path(id): Path<String>,
    Query(p): Query<ShowParams>,
) -> Result<Response, WebError> {
    let t = visible(&state, &u, &id).await?;
    Ok(show_page(&state, &u, lang, &t, &p, &Invalid::default())
        .await?
        .into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ProfileForm {
    full_name: String,
    email: String,
    phone: String,
}

fn edit_page(u: &CurrentUser, lang: Lang, t: &Target, f: &ProfileForm, errors: &Invalid) -> Markup {
    let frame = Frame {
        lang,
        user: Some(u),
        path: "/users",
    };
    page(
        &frame,
        &T::EditTitle.get(lang).replace("{name}", &t.user.full_name),
        html! {
            (error_summary(errors, lang))
            form method="post" action={ "/users/" (t.user.id) } novalidate {
                (csrf_field(&frame))
                (input(Field::text("full_name", &f.full_name).required(), lang, errors))
                (input(Field::text("email", &f.email).kind("email"), lang, errors))
                (input(Field::text("phone", &f.phone).kind("tel"), lang, errors))
                div.actions {
                    button type="submit" { (Msg::Save.get(lang)) }
                    a href={ "/users/" (t.user.id) } { (Msg::Cancel.get(lang)) }
                }
            }
        },
    )
}

pub async fn edit_form(
    State(state): State<AppState>,
    u: CurrentUser,
    L(lang): L,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let t = visible(&state, &u, &id).await?;
    require_manage(&u, &t)?;
    let f = ProfileForm {
        full_name: t.user.full_name.clone(),
        email: t.user.email.clone().unwrap_or_default(),
        phone: t.user.phone.clone().unwrap_or_default(),
    };
    Ok(edit_page(&u, lang, &t, &f, &Invalid::default()).into_response())
}

pub async fn update(
    State(state): State<AppState>,
    u: CurrentUser,
    L(lang): L,
    Path(id): Path<String>,
    Form(f): Form<ProfileForm>,
) -> Result<Response, WebError> {
    let t = visible(&state, &u, &id).await?;
    match super::update_profile(&state, &u, &t, &f.full_name, &f.email, &f.phone).await {
        Ok(user) => Ok(Redirect::to(&format!("/users/{}?saved=1", user.id)).into_response()),
        Err(WebError::Invalid(errors)) => Ok(with_status(
            edit_page(&u, lang, &t, &f, &errors).into_response(),
            StatusCode::UNPROCESSABLE_ENTITY,
        )),
        Err(e) => Err(e),
    }
}

pub async fn reset_password(
    State(state): State<AppState>,
    u: CurrentUser,
    L(lang): L,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let t = visible(&state, &u, &id).await?;
    let pw = super::reset_password(&state, &u, &t).await?;
    let frame = Frame {
        lang,
        user: Some(&u),
        path: "/users",
    };
    let title = T::NewPasswordFor
        .get(lang)
        .replace("{name}", &t.user.full_name);
    Ok(secret_page(&frame, &title, &t.user, &pw, true).into_response())
}

async fn activation(
    state: AppState,
    u: CurrentUser,
    id: String,
    active: bool,
) -> Result<Response, WebError> {
    let t = visible(&state, &u, &id).await?;
    let user = super::set_active(&state, &u, &t, active).await?;
    Ok(Redirect::to(&format!("/users/{}?saved=1", user.id)).into_response())
}

pub async fn deactivate(
    State(state): State<AppState>,
    u: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    activation(state, u, id, false).await
}

pub async fn reactivate(
    State(state): State<AppState>,
    u: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    activation(state, u, id, true).await
}

/// Every value of `key` in a urlencoded body: checkbox lists repeat keys,
/// which the `Form` extractor cannot collect.
fn form_values(body: &str, key: &str) -> Vec<String> {
    body.split('&')
        .filter_map(|kv| kv.split_once('='))
        .filter(|(k, _)| url_decode(k) == key)
        .map(|(_, v)| url_decode(v))
        .collect()
}

pub async fn assign(
    State(state): State<AppState>,
    u: CurrentUser,
    L(lang): L,
    Path(id): Path<String>,
    body: String,
) -> Result<Response, WebError> {
    let t = visible(&state, &u, &id).await?;
    let chosen = form_values(&body, "library_ids");
    let shown = Shown::Ids(form_values(&body, "shown"));
    match super::assign(&state, &u, &t, shown, &chosen).await {
        Ok(_) => Ok(Redirect::to(&format!("/users/{}?saved=1#assign", t.user.id)).into_response()),
        Err(WebError::Invalid(errors)) => Ok(with_status(
            show_page(&state, &u, lang, &t, &ShowParams::default(), &errors)
                .await?
                .into_response(),
            StatusCode::UNPROCESSABLE_ENTITY,
        )),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_form_keys_are_all_read() {
        let body = "csrf=x&library_ids=a&shown=a&library_ids=b%2Dc&shown=b";
        assert_eq!(form_values(body, "library_ids"), vec!["a", "b-c"]);
        assert_eq!(form_values(body, "shown"), vec!["a", "b"]);
        assert!(form_values(body, "nope").is_empty());
    }
}
