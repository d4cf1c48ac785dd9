//! `/visits`: a library's guest-book figures, downloads, recent visits and
//! the staff's manual entry (for days the kiosk was not used).
//!
//! Without `?library=` the page shows the user's own library; officers and
//! facilitators, who have none, see their whole reach summed and a chooser
//! to open one library. Counts are for everyone in reach; names only for the
//! library's staff.

use super::{
    actor_ref, age_label, form_from_pairs, gender_label, own_library, purpose_label,
    readable_library, today,
};
use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::html::{
    Field, Frame, csrf_field, error_summary, input, notice, page, select, url_encode,
};
use crate::i18n::{Lang, Msg, field_label};
use crate::regions::fmt_thousands;
use crate::session::L;
use crate::state::AppState;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, Duration, NaiveDate};
use lentera_core::field::{Invalid, Problem};
use lentera_core::libraries::Library;
use lentera_core::users::Reach;
use lentera_core::visits::{
    AgeGroup, BACKDATE_DAYS, Counts, Gender, Granularity, Purpose, Tally, TimeZone, VisitDraft,
    VisitForm, age_index, parse_range,
};
use lentera_store::libraries::{self as store_libraries, LibraryQuery};
use lentera_store::visits::{self as store, At, Scope, Visit};
use lentera_tabular::{Cell, Format, TableWriter};
use maud::{Markup, html};

crate::messages!(V {
    Title => "Buku tamu", "Guest book";
    ReachTitle => "Buku tamu: semua perpustakaan dalam jangkauan Anda", "Guest book: all libraries within your reach";
    OpenKiosk => "Buka kios buku tamu (layar tablet)", "Open the guest-book kiosk (tablet screen)";
    Today => "Hari ini", "Today";
    ThisMonth => "Bulan ini", "This month";
    ThisYear => "Tahun ini", "This year";
    Visitors => "Pengunjung", "Visitors";
    Checkins => "Kunjungan tercatat", "Check-ins";
    Males => "Laki-laki", "Male";
    Females => "Perempuan", "Female";
    Day => "Tanggal", "Date";
    Month => "Bulan", "Month";
    Chart => "Grafik", "Chart";
    DailyCaption => "Pengunjung per hari, 30 hari terakhir", "Visitors per day, last 30 days";
    MonthlyCaption => "Pengunjung per bulan, tahun {y}", "Visitors per month, {y}";
    BreakdownTitle => "Rincian pengunjung", "Visitor breakdown";
    BreakdownCaption => "Rincian menurut jenis kelamin, kelompok umur dan keperluan", "Breakdown by gender, age group and purpose";
    Last30 => "30 hari terakhir", "Last 30 days";
    Category => "Kategori", "Category";
    GroupsNote => "Rombongan dihitung menurut jumlah orangnya.", "Groups count by their headcount.";
    Download => "Unduh angka kunjungan", "Download visit counts";
    DailyCsv => "Per hari, 30 hari terakhir (CSV)", "Per day, last 30 days (CSV)";
    DailyXlsx => "Per hari, 30 hari terakhir (Excel)", "Per day, last 30 days (Excel)";
    MonthlyCsv => "Per bulan, tahun ini (CSV)", "Per month, this year (CSV)";
    MonthlyXlsx => "Per bulan, tahun ini (Excel)", "Per month, this year (Excel)";
    Recent => "Kunjungan terakhir", "Recent visits";
    RecentCaption => "30 kunjungan terakhir (hanya terlihat oleh petugas perpustakaan ini)", "The last 30 visits (visible only to this library's staff)";
    When => "Waktu", "When";
    Who => "Pengunjung", "Visitor";
    People => "Orang", "People";
    Group => "Rombongan", "Group";
    Anonymous => "—", "—";
    Delete => "Hapus", "Delete";
    ConfirmDelete => "Hapus kunjungan ini? Gunakan hanya untuk kunjungan yang tercatat keliru.", "Delete this visit? Only for visits recorded by mistake.";
    Deleted => "Kunjungan dihapus.", "The visit was deleted.";
    Saved => "Kunjungan tercatat.", "The visit was recorded.";
    EntryTitle => "Catat kunjungan", "Record a visit";
    EntryHint => "Untuk hari ketika kios tidak dipakai: isi tanggalnya (paling lama {d} hari yang lalu).", "For days when the kiosk was not used: give the date (at most {d} days ago).";
    Individual => "Perorangan", "Single visitor";
    IndividualHint => "Isi nomor kartu anggota, atau nama pengunjung dengan jenis kelaminnya.", "Give the member card number, or the visitor's name and gender.";
    GroupHint => "Isi nama rombongan dan jumlah laki-laki dan perempuan.", "Give the group's name and the number of males and females.";
    Record => "Catat kunjungan", "Record the visit";
    ChooseLibrary => "Lihat satu perpustakaan", "Show one library";
    Show => "Tampilkan", "Show";
    AllInReach => "Semua dalam jangkauan", "All within reach";
    NoNames => "Nama pengunjung hanya terlihat oleh petugas perpustakaan itu sendiri.", "Visitors' names are visible only to the library's own staff.";
    BackToReach => "Kembali ke semua perpustakaan", "Back to all libraries";
    PerLibrary => "Pengunjung per perpustakaan, tahun {y}", "Visitors per library, {y}";
    Silent => "{n} perpustakaan belum mencatat kunjungan tahun ini.", "{n} libraries have recorded no visits this year.";
});

const MONTHS_ID: [&str; 12] = [
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
const MONTHS_EN: [&str; 12] = [
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

fn month_name(m: u32, lang: Lang) -> &'static str {
    let i = (m.saturating_sub(1) as usize) % 12;
    match lang {
        Lang::Id => MONTHS_ID[i],
        Lang::En => MONTHS_EN[i],
    }
}

fn day_label(d: NaiveDate, lang: Lang) -> String {
    let wd = d.weekday().num_days_from_monday() as usize;
    let names: [&str; 7] = match lang {
        Lang::Id => ["Sen", "Sel", "Rab", "Kam", "Jum", "Sab", "Min"],
        Lang::En => ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    };
    format!(
        "{} {} {}",
        names[wd],
        d.day(),
        &month_name(d.month(), lang)[..3]
    )
}

fn n(v: i64, lang: Lang) -> String {
    let s = fmt_thousands(v.unsigned_abs() as usize, lang);
    if v < 0 { format!("-{s}") } else { s }
}

/// What the page shows: one library, or the user's whole reach.
#[derive(Clone)]
enum View {
    Library(Box<Library>),
    Reach(Reach),
}

impl View {
    fn scope(&self) -> Scope {
        match self {
            View::Library(l) => Scope::Library(l.id),
            View::Reach(r) => Scope::Reach(r.clone()),
        }
    }
    fn today(&self) -> NaiveDate {
        match self {
            View::Library(l) => today(l),
            // Across zones, the programme's reference clock is Jakarta's.
            View::Reach(_) => TimeZone::Wib.local_date(lentera_store::now()),
        }
    }
    fn query(&self) -> String {
        match self {
            View::Library(l) => format!("library={}", l.id),
            View::Reach(_) => String::new(),
        }
    }
}

async fn view_for(
    state: &AppState,
    user: &CurrentUser,
    pairs: &[(String, String)],
) -> Result<View, WebError> {
    let param = pairs
        .iter()
        .find(|(k, _)| k == "library")
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty());
    match (param, user.actor.own_library()) {
        (Some(id), _) => Ok(View::Library(Box::new(
            readable_library(state, &user.actor, &id).await?,
        ))),
        (None, Some(_)) => Ok(View::Library(Box::new(own_library(state, user).await?))),
        (None, None) => Ok(View::Reach(user.actor.reach())),
    }
}

/// An accessible bar: the number is in the table; the bar is decoration.
fn bar(value: i64, max: i64) -> Markup {
    let pct = if max > 0 {
        (value.max(0) as f64 / max as f64 * 100.0).round() as i64
    } else {
        0
    };
    html! {
        svg.visit-bar viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" focusable="false" {
            rect x="0" y="0" width=(pct) height="10" {}
        }
    }
}

fn period_table(counts: &Counts, caption: &str, monthly: bool, lang: Lang) -> Markup {
    let max = counts
        .buckets
        .iter()
        .map(|b| b.tally.visitors)
        .max()
        .unwrap_or(0);
    html! {
        div.table-wrap {
            table.visit-counts {
                caption { (caption) }
                thead { tr {
                    th scope="col" { (if monthly { V::Month.get(lang) } else { V::Day.get(lang) }) }
                    th.num scope="col" { (V::Visitors.get(lang)) }
                    th.num scope="col" { (V::Males.get(lang)) }
                    th.num scope="col" { (V::Females.get(lang)) }
                    th.num scope="col" { (V::Checkins.get(lang)) }
                    th scope="col" { span.visually-hidden { (V::Chart.get(lang)) } }
                } }
                tbody {
                    @for b in &counts.buckets {
                        tr {
                            th scope="row" {
                                @if monthly { (month_name(b.start.month(), lang)) } @else { (day_label(b.start, lang)) }
                            }
                            td.num { (n(b.tally.visitors, lang)) }
                            td.num { (n(b.tally.males, lang)) }
                            td.num { (n(b.tally.females, lang)) }
                            td.num { (n(b.tally.checkins, lang)) }
                            td.bar-cell { (bar(b.tally.visitors, max)) }
                        }
                    }
                }
                tfoot { tr {
                    th scope="row" { "Total" }
                    td.num { (n(counts.total.visitors, lang)) }
                    td.num { (n(counts.total.males, lang)) }
                    td.num { (n(counts.total.females, lang)) }
                    td.num { (n(counts.total.checkins, lang)) }
                    td {}
                } }
            }
        }
    }
}

fn breakdown(recent: &Tally, year: &Tally, lang: Lang) -> Markup {
    let row = |label: String, a: i64, b: i64| {
        html! { tr { th scope="row" { (label) } td.num { (n(a, lang)) } td.num { (n(b, lang)) } } }
    };
    let section = |title: &str| {
        html! { tr.section { th scope="rowgroup" colspan="3" { (title) } } }
    };
    html! {
        div.table-wrap {
            table.visit-breakdown {
                caption { (V::BreakdownCaption.get(lang)) }
                thead { tr {
                    th scope="col" { (V::Category.get(lang)) }
                    th.num scope="col" { (V::Last30.get(lang)) }
                    th.num scope="col" { (V::ThisYear.get(lang)) }
                } }
                tbody {
                    (section(&field_label("gender", lang)))
                    (row(gender_label(Gender::L, lang).into(), recent.males, year.males))
                    (row(gender_label(Gender::P, lang).into(), recent.females, year.females))
                }
                tbody {
                    (section(&field_label("age_group", lang)))
                    @for a in AgeGroup::ALL {
                        (row(age_label(*a, lang).into(), recent.by_age[age_index(*a)], year.by_age[age_index(*a)]))
                    }
                }
                tbody {
                    (section(&field_label("purpose", lang)))
                    @for p in Purpose::ALL {
                        (row(purpose_label(*p, lang).into(), recent.by_purpose[p.index()], year.by_purpose[p.index()]))
                    }
                }
                tfoot {
                    (row(V::Visitors.get(lang).into(), recent.visitors, year.visitors))
                }
            }
        }
        p.hint { (V::GroupsNote.get(lang)) }
    }
}

fn options<T: Copy>(
    all: &[T],
    key: fn(T) -> &'static str,
    label: impl Fn(T) -> String,
) -> Vec<(String, String)> {
    all.iter()
        .map(|v| (key(*v).to_string(), label(*v)))
        .collect()
}

fn entry_form(frame: &Frame<'_>, form: &VisitForm, errors: &Invalid, today: NaiveDate) -> Markup {
    let lang = frame.lang;
    let group = form.is_group();
    let date = if form.visit_date.is_empty() {
        today.to_string()
    } else {
        form.visit_date.clone()
    };
    let min = (today - Duration::days(BACKDATE_DAYS)).to_string();
    html! {
        section #entry aria-labelledby="entry-title" {
            h2 #entry-title { (V::EntryTitle.get(lang)) }
            p.hint { (V::EntryHint.get(lang).replace("{d}", &BACKDATE_DAYS.to_string())) }
            (error_summary(errors, lang))
            form method="post" action="/visits#entry" novalidate {
                (csrf_field(frame))
                fieldset {
                    legend { (field_label("mode", lang)) }
                    div.field.radios {
                        input #f-mode-individual type="radio" name="mode" value="individual" checked[!group];
                        label for="f-mode-individual" { (V::Individual.get(lang)) }
                        " "
                        input #f-mode type="radio" name="mode" value="group" checked[group];
                        label for="f-mode" { (V::Group.get(lang)) }
                    }
                }
                div.grid.two {
                    fieldset {
                        legend { (V::Individual.get(lang)) }
                        p.hint { (V::IndividualHint.get(lang)) }
                        (input(Field::text("member_no", &form.member_no), lang, errors))
                        (input(Field::text("visitor_name", &form.visitor_name), lang, errors))
                        (select("gender", &form.gender, &options(Gender::ALL, Gender::key, |g| gender_label(g, lang).to_string()), false, lang, errors))
                    }
                    fieldset {
                        legend { (V::Group.get(lang)) }
                        p.hint { (V::GroupHint.get(lang)) }
                        (input(Field::text("group_name", &form.group_name), lang, errors))
                        (input(Field::text("males", &form.males).kind("number"), lang, errors))
                        (input(Field::text("females", &form.females).kind("number"), lang, errors))
                    }
                }
                (select("age_group", &form.age_group, &options(AgeGroup::ALL, AgeGroup::key, |a| format!("{} ({})", age_label(a, lang), super::age_hint(a, lang))), false, lang, errors))
                (select("purpose", &form.purpose, &options(Purpose::ALL, Purpose::key, |p| purpose_label(p, lang).to_string()), true, lang, errors))
                div.field.has-error[errors.for_field("visit_date").is_some()] {
                    label for="f-visit_date" { (field_label("visit_date", lang)) }
                    @if let Some(e) = errors.for_field("visit_date") {
                        p.error-message id="e-visit_date" { (crate::i18n::problem_sentence(e.field, &e.problem, lang)) }
                    }
                    input #f-visit_date type="date" name="visit_date" value=(date) min=(min) max=(today.to_string())
                        aria-invalid=[errors.for_field("visit_date").map(|_| "true")];
                }
                div.actions { button type="submit" { (V::Record.get(lang)) } }
            }
        }
    }
}

fn recent_table(frame: &Frame<'_>, visits: &[Visit], tz: TimeZone) -> Markup {
    let lang = frame.lang;
    html! {
        h2 { (V::Recent.get(lang)) }
        div.table-wrap {
            table {
                caption { (V::RecentCaption.get(lang)) }
                thead { tr {
                    th scope="col" { (V::When.get(lang)) }
                    th scope="col" { (V::Who.get(lang)) }
                    th.num scope="col" { (V::People.get(lang)) }
                    th scope="col" { (field_label("age_group", lang)) }
                    th scope="col" { (field_label("purpose", lang)) }
                    th scope="col" { span.visually-hidden { (Msg::Actions.get(lang)) } }
                } }
                tbody {
                    @for v in visits {
                        tr {
                            td {
                                (day_label(v.visit_date, lang)) " "
                                (tz.local(v.visited_at).format("%H.%M")) " " (tz.abbrev())
                            }
                            td {
                                @if v.is_group { span.tag { (V::Group.get(lang)) } " " }
                                (v.name.as_deref().unwrap_or(V::Anonymous.get(lang)))
                                @if let Some(no) = &v.member_no { " " small { "(" (no) ")" } }
                            }
                            td.num {
                                (v.people())
                                @if v.is_group { " " small { "(" (v.males) " L, " (v.females) " P)" } }
                            }
                            td { (age_label(v.age_group, lang)) }
                            td { (purpose_label(v.purpose, lang)) }
                            td {
                                form.inline method="post" action={ "/visits/" (v.id) "/delete" } data-confirm=(V::ConfirmDelete.get(lang)) {
                                    (csrf_field(frame))
                                    button.link type="submit" { (V::Delete.get(lang)) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn per_library_table(rows: &[(String, String, Tally)], year: i32, lang: Lang) -> Markup {
    let max = rows.iter().map(|r| r.2.visitors).max().unwrap_or(0);
    let silent = rows.iter().filter(|r| r.2.checkins == 0).count();
    html! {
        h2 { (V::PerLibrary.get(lang).replace("{y}", &year.to_string())) }
        @if silent > 0 {
            p { (V::Silent.get(lang).replace("{n}", &silent.to_string())) }
        }
        div.table-wrap {
            table.visit-counts {
                caption { (V::PerLibrary.get(lang).replace("{y}", &year.to_string())) }
                thead { tr {
                    th scope="col" { (field_label("library", lang)) }
                    th.num scope="col" { (V::Visitors.get(lang)) }
                    th.num scope="col" { (V::Males.get(lang)) }
                    th.num scope="col" { (V::Females.get(lang)) }
                    th.num scope="col" { (V::Checkins.get(lang)) }
                    th scope="col" { span.visually-hidden { (V::Chart.get(lang)) } }
                } }
                tbody {
                    @for (id, name, t) in rows {
                        tr {
                            td { a href={ "/visits?library=" (id) } { (name) } }
                            td.num { (n(t.visitors, lang)) }
                            td.num { (n(t.males, lang)) }
                            td.num { (n(t.females, lang)) }
                            td.num { (n(t.checkins, lang)) }
                            td.bar-cell { (bar(t.visitors, max)) }
                        }
                    }
                }
            }
        }
    }
}

struct Figures {
    daily: Counts,
    monthly: Counts,
    year: Counts,
    recent: Vec<Visit>,
    libraries: Vec<(String, String)>,
    /// Reach view: this year's figures per library in reach, busiest first.
    per_library: Vec<(String, String, Tally)>,
}

async fn figures(state: &AppState, user: &CurrentUser, view: &View) -> Result<Figures, WebError> {
    let today = view.today();
    let scope = view.scope();
    let names = match view {
        View::Library(l) => user.actor.may_see_patrons(l.id).then_some(l.id),
        View::Reach(_) => None,
    };
    let reach = user.actor.reach();
    let chooser = !matches!(reach, Reach::Libraries(ref ids) if ids.len() <= 1);
    state
        .run(move |c| {
            let from = today - Duration::days(29);
            let jan = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
            let dec = NaiveDate::from_ymd_opt(today.year(), 12, 31).unwrap_or(today);
            let daily = store::counts(c, &scope, from, today, Granularity::Day)?;
            let monthly = store::counts(c, &scope, jan, dec, Granularity::Month)?;
            let year = store::counts(c, &scope, jan, today, Granularity::Month)?;
            let recent = match names {
                Some(id) => store::recent(c, id, 30, true)?,
                None => vec![],
            };
            let libraries = if chooser {
                let mut q = LibraryQuery::new(reach);
                q.per_page = 500;
                store_libraries::list(c, &q)?
                    .items
                    .into_iter()
                    .map(|l| (l.id.to_string(), l.details.name))
                    .collect()
            } else {
                vec![]
            };
            let per_library = if matches!(scope, Scope::Reach(_)) {
                let totals = store::totals_by_library(c, &scope, jan, today)?;
                let mut v: Vec<(String, String, Tally)> = libraries
                    .iter()
                    .map(|(id, name)| {
                        let t = totals
                            .iter()
                            .find(|(l, _)| l.to_string() == *id)
                            .map(|(_, t)| t.clone())
                            .unwrap_or_default();
                        (id.clone(), name.clone(), t)
                    })
                    .collect();
                v.sort_by(|a, b| b.2.visitors.cmp(&a.2.visitors).then(a.1.cmp(&b.1)));
                v
            } else {
                vec![]
            };
            Ok(Figures {
                daily,
                monthly,
                year,
                recent,
                libraries,
                per_library,
            })
        })
        .await
}

async fn render(
    state: &AppState,
    user: &CurrentUser,
    lang: Lang,
    view: &View,
    form: &VisitForm,
    errors: &Invalid,
    flash: Option<V>,
) -> Result<Response, WebError> {
    let f = figures(state, user, view).await?;
    let frame = Frame {
        lang,
        user: Some(user),
        path: "/visits",
    };
    let today = view.today();
    let (title, lib) = match view {
        View::Library(l) => (
            format!("{}: {}", V::Title.get(lang), l.details.name),
            Some(&**l),
        ),
        View::Reach(_) => (V::ReachTitle.get(lang).to_string(), None),
    };
    let works_here = lib.is_some_and(|l| user.actor.may_work_in(l.id));
    let tz = lib
        .map(|l| TimeZone::of_region(&l.details.village_code))
        .unwrap_or(TimeZone::Wib);
    let today_tally = f
        .daily
        .buckets
        .last()
        .map(|b| b.tally.clone())
        .unwrap_or_default();
    let month_tally = f
        .monthly
        .buckets
        .iter()
        .find(|b| b.start.month() == today.month())
        .map(|b| b.tally.clone())
        .unwrap_or_default();
    let q = view.query();
    let export = |by: &str, format: &str| {
        let range = if by == "day" {
            format!("from={}&to={}", f.daily.from, f.daily.to)
        } else {
            format!("from={}&to={}", f.monthly.from, f.monthly.to)
        };
        let lib = if q.is_empty() {
            String::new()
        } else {
            format!("&{q}")
        };
        format!("/visits/export?by={by}&format={format}&{range}{lib}")
    };
    let selected = lib.map(|l| l.id.to_string()).unwrap_or_default();
    let body = html! {
        @match flash {
            Some(m) => (notice(m.get(lang))),
            None => {}
        }
        @if works_here {
            p.actions { a.button href="/kiosk" { (V::OpenKiosk.get(lang)) } }
        }
        @if !f.libraries.is_empty() {
            form.filters method="get" action="/visits" {
                div.field {
                    label for="f-library" { (V::ChooseLibrary.get(lang)) }
                    select #f-library name="library" {
                        option value="" { (V::AllInReach.get(lang)) }
                        @for (id, name) in &f.libraries {
                            option value=(id) selected[*id == selected] { (name) }
                        }
                    }
                }
                div.actions { button type="submit" { (V::Show.get(lang)) } }
            }
        }
        ul.cards.visit-summary {
            li { span.big-number { (n(today_tally.visitors, lang)) } " " (V::Visitors.get(lang)) br; strong { (V::Today.get(lang)) } }
            li { span.big-number { (n(month_tally.visitors, lang)) } " " (V::Visitors.get(lang)) br; strong { (V::ThisMonth.get(lang)) } }
            li { span.big-number { (n(f.year.total.visitors, lang)) } " " (V::Visitors.get(lang)) br; strong { (V::ThisYear.get(lang)) } }
        }
        @if lib.is_some() && !works_here {
            p.hint { (V::NoNames.get(lang)) }
        }
        (period_table(&f.daily, V::DailyCaption.get(lang), false, lang))
        (period_table(&f.monthly, &V::MonthlyCaption.get(lang).replace("{y}", &today.year().to_string()), true, lang))
        @if !f.per_library.is_empty() {
            (per_library_table(&f.per_library, today.year(), lang))
        }
        h2 { (V::BreakdownTitle.get(lang)) }
        (breakdown(&f.daily.total, &f.year.total, lang))
        h2 { (V::Download.get(lang)) }
        ul {
            li { a href=(export("day", "csv")) download { (V::DailyCsv.get(lang)) } }
            li { a href=(export("day", "xlsx")) download { (V::DailyXlsx.get(lang)) } }
            li { a href=(export("month", "csv")) download { (V::MonthlyCsv.get(lang)) } }
            li { a href=(export("month", "xlsx")) download { (V::MonthlyXlsx.get(lang)) } }
        }
        @if works_here {
            (entry_form(&frame, form, errors, today))
            (recent_table(&frame, &f.recent, tz))
        }
        @if lib.is_some() && user.actor.own_library().is_none() {
            p { a href="/visits" { "← " (V::BackToReach.get(lang)) } }
        }
    };
    let mut res = page(&frame, &title, body).into_response();
    if !errors.is_empty() {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

/// `GET /visits[?library=ID]`.
pub(super) async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let view = view_for(&state, &user, &pairs).await?;
    let has = |k: &str| pairs.iter().any(|(a, _)| a == k);
    let flash = if has("saved") {
        Some(V::Saved)
    } else if has("deleted") {
        Some(V::Deleted)
    } else {
        None
    };
    render(
        &state,
        &user,
        lang,
        &view,
        &VisitForm::default(),
        &Invalid::default(),
        flash,
    )
    .await
}

/// `POST /visits`: the staff's manual entry, back-dated if need be.
pub(super) async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    body: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let Form(pairs) = body.map_err(|e| WebError::BadRequest(e.body_text()))?;
    let lib = own_library(&state, &user).await?;
    let form = form_from_pairs(&pairs);
    let view = View::Library(Box::new(lib.clone()));
    let draft = match VisitDraft::parse(&form, today(&lib), true) {
        Ok(d) => d,
        Err(e) => return render(&state, &user, lang, &view, &form, &e, None).await,
    };
    let by = actor_ref(&user);
    let village = lib.details.village_code.clone();
    let id = lib.id;
    let saved = state
        .run(move |c| {
            let at = At {
                library: id,
                village: &village,
            };
            Ok(store::record(c, &by, &at, &draft, lentera_store::now()))
        })
        .await?;
    match saved {
        Ok(_) => Ok(Redirect::to("/visits?saved=1").into_response()),
        Err(lentera_store::StoreError::Invalid(e)) => {
            render(&state, &user, lang, &view, &form, &e, None).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /visits/{id}/delete`: staff remove a mistaken entry.
pub(super) async fn delete(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let lib = own_library(&state, &user).await?;
    let by = actor_ref(&user);
    state
        .run(move |c| {
            let at = At {
                library: lib.id,
                village: &lib.details.village_code,
            };
            Ok(store::delete(c, &by, &at, &id)?)
        })
        .await?;
    Ok(Redirect::to("/visits?deleted=1").into_response())
}

fn param<'a>(pairs: &'a [(String, String)], key: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

/// The range and grouping of a counts request; the defaults are the last
/// 30 days by day.
pub(crate) fn counts_request(
    pairs: &[(String, String)],
    today: NaiveDate,
) -> Result<(NaiveDate, NaiveDate, Granularity), Invalid> {
    let by = Granularity::parse(param(pairs, "by")).map_err(|p| Invalid::one("by", p));
    let range = parse_range(
        param(pairs, "from"),
        param(pairs, "to"),
        today - Duration::days(29),
        today,
    );
    match (range, by) {
        (Ok((f, t)), Ok(b)) => Ok((f, t, b)),
        (Err(mut e), Err(b)) => {
            e.0.extend(b.0);
            Err(e)
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    }
}

/// `GET /visits/export?library=&from=&to=&by=day|month&format=csv|xlsx`.
pub(super) async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let view = view_for(&state, &user, &pairs).await?;
    let format = match param(&pairs, "format").trim().to_ascii_lowercase().as_str() {
        "" | "csv" => Format::Csv,
        "xlsx" => Format::Xlsx,
        _ => return Err(Invalid::one("format", Problem::UnknownChoice).into()),
    };
    let (from, to, by) = counts_request(&pairs, view.today())?;
    let scope = view.scope();
    let counts = state
        .run(move |c| Ok(store::counts(c, &scope, from, to, by)?))
        .await?;
    let bytes = write_counts(&counts, format, lang)
        .map_err(|e| WebError::Internal(format!("writing a table: {e:?}")))?;
    let stem = match lang {
        Lang::Id => "kunjungan",
        Lang::En => "visits",
    };
    let name = format!("{stem}-{}-{from}-{to}.{}", by.key(), format.extension());
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.mime_type()),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&format!("attachment; filename=\"{}\"", url_encode(&name)))
            .map_err(|e| WebError::Internal(e.to_string()))?,
    );
    Ok(res)
}

/// Column keys of the counts download: the period, then the figures.
pub(crate) fn export_headers() -> Vec<&'static str> {
    let mut h = vec!["period", "checkins", "visitors", "males", "females"];
    h.extend(AgeGroup::ALL.iter().map(|a| a.key()));
    h.extend(Purpose::ALL.iter().map(|p| p.key()));
    h
}

fn tally_cells<'a>(label: Cell<'a>, t: &Tally) -> Vec<Cell<'a>> {
    let mut row = vec![
        label,
        Cell::Int(t.checkins),
        Cell::Int(t.visitors),
        Cell::Int(t.males),
        Cell::Int(t.females),
    ];
    row.extend(t.by_age.iter().map(|v| Cell::Int(*v)));
    row.extend(t.by_purpose.iter().map(|v| Cell::Int(*v)));
    row
}

fn write_counts(
    c: &Counts,
    format: Format,
    lang: Lang,
) -> Result<Vec<u8>, lentera_tabular::TabularError> {
    let mut w = TableWriter::new(format, Vec::new())?;
    if format == Format::Xlsx {
        w = w.with_sheet_name(V::Title.get(lang))?;
    }
    w.write_header(&export_headers())?;
    for b in &c.buckets {
        let label = match c.granularity {
            Granularity::Day => Cell::Date(b.start),
            Granularity::Month => Cell::text(b.start.format("%Y-%m").to_string()),
        };
        w.write_row(&tally_cells(label, &b.tally))?;
    }
    w.write_row(&tally_cells(Cell::text("total"), &c.total))?;
    w.finish()
}
