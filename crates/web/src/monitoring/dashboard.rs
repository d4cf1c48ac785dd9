//! `/monitoring`: the dashboards, their JSON API and their exports.
//!
//! Each user sees their own reach: the nation's officers start at the
//! nation, province and district officers at their region, facilitators at
//! their assigned libraries, a library's manager and staff at their
//! library. From there the page drills down (nation → province → district
//! → library) by links whose URL carries the scope and the period, so any
//! view can be bookmarked or sent. A scope outside the user's reach answers
//! 404, like any record.
//!
//! Everything works without JavaScript: the period and the "include
//! figures not yet approved" choice are a plain GET form, and every chart
//! is SVG drawn here with its data table beside it.

use super::charts::{self, Bounds, Chart, Point, Series};
use super::data::{
    self, ChildLevel, Dashboard, Options, Reporting, Scope, Span, SpanKind, aid_status_label,
    by_gender_age, by_strategy, change_pct, element_label, month_short, plan_status_label,
    strategies, strategy_label,
};
use super::export::{self, ExportError, ExportFormat, ExportRequest, OrgUnits, Table, Val};
use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::html::{Frame, error_summary, page, url_encode};
use crate::i18n::Lang;
use crate::session::L;
use crate::state::AppState;
use crate::visits::{age_label, gender_label};
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Json, Redirect, Response};
use axum::routing::get;
use chrono::Datelike;
use lentera_core::circulation::{AgeGroup, Gender};
use lentera_core::field::{Invalid, Problem};
use lentera_core::ids::LibraryId;
use lentera_core::monitoring::figures::{Element, Period};
use lentera_core::monitoring::iplm::IplmVersion;
use lentera_core::regions::{Level, RegionCode, RegionTree};
use lentera_core::users::{Place, Reach};
use lentera_store::libraries as store_libraries;
use maud::{Markup, html};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/monitoring", get(show))
        .route("/monitoring/export", get(download))
        .route("/monitoring/iplm", get(iplm_page))
        .route("/api/v1/monitoring/dashboard", get(api_dashboard))
        .route("/api/v1/monitoring/children", get(api_children))
        .route("/api/v1/monitoring/scorecard", get(api_scorecard))
        .route("/api/v1/monitoring/export", get(download))
}

/// Labels of the dashboard's filter fields.
pub fn field_label(field: &str, lang: Lang) -> Option<&'static str> {
    let (id, en) = match field {
        "period" => ("Periode", "Period"),
        "kind" => ("Jenis periode", "Kind of period"),
        "year" => ("Tahun", "Year"),
        "month" => ("Bulan", "Month"),
        "quarter" => ("Triwulan", "Quarter"),
        "unapproved" => ("Angka yang ditampilkan", "Figures shown"),
        "format" => ("Format berkas", "File format"),
        "table" => ("Tabel", "Table"),
        "orgunits" => ("Unit organisasi", "Organisation units"),
        "region" => ("Wilayah", "Region"),
        "iplm" => ("Rumus IPLM", "IPLM formula"),
        _ => return None,
    };
    Some(match lang {
        Lang::Id => id,
        Lang::En => en,
    })
}

crate::messages!(D {
    Title => "Dasbor pemantauan", "Monitoring dashboard";
    Lead => "Angka dihitung langsung dari pekerjaan perpustakaan: buku tamu, sirkulasi, anggota, katalog, laporan kegiatan, rencana kerja dan bantuan. Catatan baru langsung terlihat di sini.", "Figures are computed live from the libraries' own work: guest book, circulation, members, catalogue, activity reports, work plans and aid. A new record shows here at once.";
    Breadcrumbs => "Posisi dalam wilayah", "Where you are";
    Show => "Tampilkan", "Show";
    AllFigures => "Semua angka, termasuk yang belum disetujui (langsung)", "All figures, including those not yet approved (live)";
    ApprovedOnly => "Hanya laporan yang sudah disetujui kabupaten/kota", "Only reports approved by the district";
    ShowingApproved => "Hanya laporan bulanan yang sudah disetujui kabupaten/kota yang dihitung.", "Only monthly reports approved by the district are counted.";
    PrevSpan => "Sebelumnya", "Previous";
    NextSpan => "Berikutnya", "Next";
    PeriodNav => "Pindah periode", "Change period";
    Libraries => "perpustakaan aktif", "active libraries";
    VsPrev => "dibanding {prev}", "vs {prev}";
    NoPrev => "tidak ada angka {prev}", "no figures for {prev}";
    TrendTitle => "Kunjungan dan peminjaman per bulan", "Visits and loans per month";
    TrendSummary => "Grafik kolom kunjungan dan peminjaman per bulan, {from} sampai {to}. Kunjungan tertinggi {max} pada {at}.", "Column chart of visits and loans per month, {from} to {to}. Most visits: {max} in {at}.";
    ChildrenTitle => "Perbandingan: {level}", "Side by side: {level}";
    ChildrenSummary => "Grafik batang kunjungan per {level}, {n} teratas dari {total}. Tertinggi: {top} dengan {max}.", "Bar chart of visits per {level}, top {n} of {total}. Highest: {top} with {max}.";
    ChildrenHint => "Pilih nama untuk membuka dasbornya.", "Choose a name to open its dashboard.";
    NoChildren => "Belum ada perpustakaan aktif di sini.", "No active libraries here yet.";
    StrategyTitle => "Kegiatan menurut strategi", "Activities by strategy";
    StrategySummary => "Grafik batang kegiatan dan peserta menurut strategi TPBIS: {list}.", "Bar chart of activities and participants by TPBIS strategy: {list}.";
    ParticipantsTitle => "Peserta menurut jenis kelamin dan umur", "Participants by gender and age";
    ParticipantsSummary => "Grafik batang peserta kegiatan per kelompok umur, laki-laki dan perempuan: {list}.", "Bar chart of participants per age group, male and female: {list}.";
    DisabledNote => "Peserta penyandang disabilitas: {n}.", "Participants with a disability: {n}.";
    PlansTitle => "Rencana kerja menurut status", "Work plans by status";
    PlansSummary => "Grafik batang rencana kerja tahun {year} menurut status: {list}.", "Bar chart of work plans {year} by status: {list}.";
    AidTitle => "Pengiriman bantuan", "Aid deliveries";
    AidSummary => "Grafik batang alokasi bantuan tahun {year} menurut status pengiriman: {list}.", "Bar chart of aid allocations {year} by delivery status: {list}.";
    MapTitle => "Peta", "Map";
    MapSummary => "Peta titik {n} lokasi; ukuran titik menurut jumlah kunjungan. Rinciannya ada di tabel.", "Dot map of {n} place(s); dot size by visits. The details are in the table.";
    MapNone => "Belum ada koordinat untuk dipetakan.", "No coordinates to map yet.";
    MapApprox => "Titik bertanda ≈ memakai koordinat pusat desa karena perpustakaan belum mengisi koordinatnya.", "Points marked ≈ use the village centre: the library has not given its coordinates.";
    Place => "Lokasi", "Place";
    Latitude => "Lintang", "Latitude";
    Longitude => "Bujur", "Longitude";
    ReportingTitle => "Laporan bulanan", "Monthly reports";
    IndicatorsTitle => "Indikator", "Indicators";
    KeyFigures => "Angka utama", "Key figures";
    NoPlans => "Belum ada rencana kerja tahun {year}.", "No work plans for {year} yet.";
    NoAid => "Belum ada alokasi bantuan tahun {year}.", "No aid allocated for {year} yet.";
    SnpTitle => "Standar Nasional Perpustakaan (SNP)", "National library standard (SNP)";
    IplmTitle => "Indeks Pembangunan Literasi Masyarakat (IPLM)", "Community literacy development index (IPLM)";
    IplmOpen => "Lihat IPLM {scope} dan wilayah di bawahnya", "See the IPLM of {scope} and the regions below it";
    ReportingOpen => "Kelengkapan dan ketepatan waktu laporan bulanan {month} di seluruh Indonesia", "Completeness and timeliness of the monthly reports for {month} across Indonesia";
    IplmPageTitle => "IPLM", "IPLM";
    IplmSummary => "Grafik batang nilai IPLM per wilayah, rumus {version}: {list}.", "Bar chart of the IPLM per region, formula {version}: {list}.";
    IplmNone => "Belum ada wilayah dengan perpustakaan aktif.", "No region with active libraries yet.";
    Version => "Rumus", "Formula";
    BackToDashboard => "Kembali ke dasbor {scope}", "Back to the dashboard of {scope}";
    IplmHint => "Unsur per kapita memerlukan data jumlah penduduk wilayah; tanpa data itu indeks tidak dihitung.", "Per-capita elements need the region's population; without it the index is not computed.";
    ScorecardTitle => "Rapor KPI", "KPI scorecard";
    OwnScore => "Skor KPI {scope}:", "KPI score of {scope}:";
    NoScore => "belum dapat dihitung (belum ada target).", "cannot be computed yet (no targets).";
    ScoreHint => "Diurutkan dari skor tertinggi. Hijau terbaik, lalu Kuning, lalu Merah; setiap kategori juga ditandai dengan bentuk (● ▲ ■).", "Ranked from the highest score. Green is best, then Yellow, then Red; each band also has its own shape (● ▲ ■).";
    DataTable => "Tabel data", "Data table";
    DownloadTable => "Unduh tabel ini:", "Download this table:";
    DownloadsTitle => "Unduh", "Downloads";
    WholeXlsx => "Seluruh dasbor (Excel)", "Whole dashboard (Excel)";
    WholeCsv => "Seluruh dasbor (CSV)", "Whole dashboard (CSV)";
    Pdf => "{report} (PDF, siap dikirim)", "{report} (PDF, ready to send)";
    DataValues => "Nilai data per perpustakaan dan bulan (CSV gaya DHIS2)", "Data values per library and month (DHIS2-style CSV)";
    DataValuesRegions => "Nilai data per wilayah dan bulan (CSV gaya DHIS2)", "Data values per region and month (DHIS2-style CSV)";
    Approx => "≈", "≈";
});

// ------------------------------------------------------------- requests

fn param<'a>(pairs: &'a [(String, String)], key: &str) -> &'a str {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.trim())
        .unwrap_or("")
}

/// The scope a request asks for, checked against the user's reach: 404
/// for a malformed, unknown or out-of-reach region or library alike.
pub(crate) async fn scope_for(
    state: &AppState,
    user: &CurrentUser,
    pairs: &[(String, String)],
) -> Result<Scope, WebError> {
    let library = param(pairs, "library");
    let region = param(pairs, "region");
    if !library.is_empty() {
        let id = LibraryId::parse(library).map_err(|_| WebError::NotFound)?;
        let lib = state.run(move |c| Ok(store_libraries::get(c, id)?)).await?;
        let place = Place {
            region: &lib.details.village_code,
            library: Some(lib.id),
        };
        if !user.actor.may_read_library(&place) {
            return Err(WebError::NotFound);
        }
        return Ok(Scope::Library(lib.id));
    }
    if !region.is_empty() {
        let code = RegionCode::parse(region).map_err(|_| WebError::NotFound)?;
        if !state.regions.contains(&code) || !user.actor.reaches_region(&code) {
            return Err(WebError::NotFound);
        }
        return Ok(Scope::Region(code));
    }
    Ok(match user.actor.reach() {
        Reach::Everything => Scope::Nation,
        Reach::Region(r) => Scope::Region(r),
        Reach::Libraries(ids) => match user.actor.own_library() {
            Some(id) => Scope::Library(id),
            None => Scope::Libraries(ids),
        },
    })
}

/// The span from the form's fields (`kind`, `year`, `month`, `quarter`).
fn span_from_form(pairs: &[(String, String)]) -> Result<Span, Invalid> {
    let mut errors = Invalid::default();
    let kind = SpanKind::parse(param(pairs, "kind"));
    let year = param(pairs, "year")
        .parse::<i32>()
        .ok()
        .filter(|y| (1900..=9999).contains(y));
    let month = param(pairs, "month")
        .parse::<u32>()
        .ok()
        .filter(|m| (1..=12).contains(m));
    let quarter = param(pairs, "quarter")
        .parse::<u32>()
        .ok()
        .filter(|q| (1..=4).contains(q));
    if kind.is_err() {
        errors.push("kind", Problem::UnknownChoice);
    }
    if year.is_none() {
        errors.push(
            "year",
            Problem::OutOfRange {
                min: 1900,
                max: 9999,
            },
        );
    }
    let span = match (kind, year) {
        (Ok(SpanKind::Month), Some(y)) => match month {
            Some(m) => Period::new(y, m).ok().map(Span::month),
            None => {
                errors.push("month", Problem::OutOfRange { min: 1, max: 12 });
                None
            }
        },
        (Ok(SpanKind::Quarter), Some(y)) => match quarter {
            Some(q) => Span::quarter(y, q).ok(),
            None => {
                errors.push("quarter", Problem::OutOfRange { min: 1, max: 4 });
                None
            }
        },
        (Ok(SpanKind::Year), Some(y)) => Span::year(y).ok(),
        _ => None,
    };
    match span {
        Some(s) if errors.is_empty() => Ok(s),
        _ => Err(errors),
    }
}

/// What the request asks for: the span (default: this month) and whether
/// unapproved figures count (default: yes, the live view).
fn options_for(pairs: &[(String, String)]) -> Result<Options, Invalid> {
    let today = data::today();
    let p = param(pairs, "period");
    let span = if !p.is_empty() {
        Span::parse(p).map_err(|e| Invalid::one("period", e))?
    } else if !param(pairs, "kind").is_empty() {
        span_from_form(pairs)?
    } else {
        Span::month(Period::of(today))
    };
    Ok(Options {
        span,
        include_unapproved: !matches!(param(pairs, "unapproved"), "0" | "false" | "no"),
        today,
    })
}

/// The dashboard URL of a scope and options.
pub fn href(scope: &Scope, o: &Options) -> String {
    href_to("/monitoring", scope, o)
}

fn href_to(base: &str, scope: &Scope, o: &Options) -> String {
    let mut q: Vec<String> = Vec::new();
    let s = scope.query();
    if !s.is_empty() {
        q.push(s);
    }
    q.push(format!("period={}", o.span.key()));
    if !o.include_unapproved {
        q.push("unapproved=0".into());
    }
    format!("{base}?{}", q.join("&"))
}

fn export_href(scope: &Scope, o: &Options, format: &str, table: Option<&str>) -> String {
    let mut h = href_to("/monitoring/export", scope, o);
    h.push_str("&format=");
    h.push_str(format);
    if let Some(t) = table {
        h.push_str("&table=");
        h.push_str(t);
    }
    h
}

/// Whether the user may open a scope's dashboard (for breadcrumb links).
fn may_open(user: &CurrentUser, scope: &Scope) -> bool {
    match scope {
        Scope::Nation => matches!(user.actor.reach(), Reach::Everything),
        Scope::Region(r) => user.actor.reaches_region(r),
        Scope::Libraries(_) => user.actor.own_library().is_none(),
        Scope::Library(_) => true,
    }
}

async fn build(
    state: &AppState,
    reach: &Reach,
    scope: &Scope,
    options: Options,
    lang: Lang,
) -> Result<Dashboard, WebError> {
    let tree = state.regions.clone();
    let scope = scope.clone();
    let reach = reach.clone();
    state
        .run(move |c| Ok(data::build(c, &tree, &reach, &scope, options, lang)?))
        .await
}

// ---------------------------------------------------------------- page

/// `GET /monitoring?region=|library=&period=&unapproved=`.
async fn show(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let scope = scope_for(&state, &user, &pairs).await?;
    let (options, errors) = match options_for(&pairs) {
        Ok(o) => {
            // The form's fields become the short, shareable URL.
            if param(&pairs, "period").is_empty() && !param(&pairs, "kind").is_empty() {
                return Ok(Redirect::to(&href(&scope, &o)).into_response());
            }
            (o, Invalid::default())
        }
        Err(e) => (
            Options {
                span: Span::month(Period::of(data::today())),
                include_unapproved: true,
                today: data::today(),
            },
            e,
        ),
    };
    let d = build(&state, &user.actor.reach(), &scope, options, lang).await?;
    let body = render(&state, &user, &d, &pairs, &errors, lang);
    // The language switch comes back to this very view.
    let here = href(&d.scope, &d.options);
    let frame = Frame {
        lang,
        user: Some(&user),
        path: &here,
    };
    let title = format!("{}: {}", D::Title.get(lang), d.name);
    let mut res = page(&frame, &title, body).into_response();
    if !errors.is_empty() {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

fn filters(d: &Dashboard, pairs: &[(String, String)], errors: &Invalid, lang: Lang) -> Markup {
    let o = &d.options;
    let span = o.span;
    // A rejected form shows what was chosen; otherwise the current span.
    let chosen = |k: &str, current: String| {
        if errors.is_empty() || param(pairs, k).is_empty() {
            current
        } else {
            param(pairs, k).to_string()
        }
    };
    let kind = chosen("kind", span.kind.key().to_string());
    let year = chosen("year", span.to.year().to_string());
    let month = chosen("month", span.to.month().to_string());
    let quarter = chosen("quarter", ((span.to.month() - 1) / 3 + 1).to_string());
    let this_year = o.today.year();
    let mut years: Vec<i32> = ((this_year - 7)..=(this_year + 1)).rev().collect();
    if !years.contains(&span.to.year()) {
        years.push(span.to.year());
    }
    let field = |name: &'static str, options: Vec<(String, String)>, selected: &str| {
        let err = errors.for_field(name);
        html! {
            div.field.has-error[err.is_some()] {
                label for={ "f-" (name) } { (field_label(name, lang).unwrap_or(name)) }
                @if let Some(e) = err {
                    p.error-message id={ "e-" (name) } { (crate::i18n::problem_sentence(e.field, &e.problem, lang)) }
                }
                select id={ "f-" (name) } name=(name) aria-invalid=[err.map(|_| "true")] {
                    @for (v, l) in &options {
                        option value=(v) selected[v == selected] { (l) }
                    }
                }
            }
        }
    };
    let kinds = [SpanKind::Month, SpanKind::Quarter, SpanKind::Year]
        .iter()
        .map(|k| (k.key().to_string(), k.label(lang).to_string()))
        .collect();
    let months = (1..=12)
        .map(|m| (m.to_string(), data::month_name(m, lang).to_string()))
        .collect();
    let quarters = (1..=4)
        .map(|q| {
            (
                q.to_string(),
                match lang {
                    Lang::Id => format!("Triwulan {q} (bulan {}–{})", 3 * q - 2, 3 * q),
                    Lang::En => format!("Q{q} (months {}–{})", 3 * q - 2, 3 * q),
                },
            )
        })
        .collect();
    let unapproved = vec![
        ("1".to_string(), D::AllFigures.get(lang).to_string()),
        ("0".to_string(), D::ApprovedOnly.get(lang).to_string()),
    ];
    let (scope_key, scope_val) = match &d.scope {
        Scope::Region(r) => (Some("region"), r.to_string()),
        Scope::Library(id) => (Some("library"), id.to_string()),
        _ => (None, String::new()),
    };
    html! {
        form.filters.dash-filters method="get" action="/monitoring" {
            @if let Some(k) = scope_key {
                input type="hidden" name=(k) value=(scope_val);
            }
            (field("kind", kinds, &kind))
            (field("year", years.iter().map(|y| (y.to_string(), y.to_string())).collect(), &year))
            (field("month", months, &month))
            (field("quarter", quarters, &quarter))
            (field("unapproved", unapproved, if o.include_unapproved { "1" } else { "0" }))
            div.actions { button type="submit" { (D::Show.get(lang)) } }
        }
    }
}

fn crumbs(user: &CurrentUser, d: &Dashboard, lang: Lang) -> Markup {
    let last = d.crumbs.len().saturating_sub(1);
    html! {
        nav.breadcrumbs aria-label=(D::Breadcrumbs.get(lang)) {
            ol {
                @for (i, c) in d.crumbs.iter().enumerate() {
                    li {
                        @if i == last {
                            span aria-current="page" { (c.label) }
                        } @else if may_open(user, &c.scope) {
                            a href=(href(&c.scope, &d.options)) { (c.label) }
                        } @else {
                            (c.label)
                        }
                    }
                }
            }
        }
    }
}

/// A table as HTML: caption, column headers, the first human column as
/// row headers, numbers right-aligned, names linked to their dashboards.
pub fn table_html(t: &Table, o: &Options, lang: Lang) -> Markup {
    table_linked(t, &|scope| href(scope, o), lang)
}

/// [`table_html`] with names linking where `link` says.
fn table_linked(t: &Table, link: &dyn Fn(&Scope) -> String, lang: Lang) -> Markup {
    let shown: Vec<usize> = t
        .cols
        .iter()
        .enumerate()
        .filter(|(_, c)| !c.machine)
        .map(|(i, _)| i)
        .collect();
    let head = shown.first().copied().unwrap_or(0);
    let score_at = t.cols.iter().position(|c| c.key == "score");
    let cell = |i: usize, v: &Val, row: &[Val]| {
        let num = t.cols.get(i).is_some_and(|c| c.num);
        let content = match v {
            Val::Link(text, scope) => html! { a href=(link(scope)) { (text) } },
            // A band: its word and shape, and the score as a bar beside it.
            Val::Band(Some(b)) => {
                let look = export::band_look(*b);
                let score = score_at.and_then(|k| match row.get(k) {
                    Some(Val::Num(Some(s), _)) => Some(*s),
                    _ => None,
                });
                html! {
                    (charts::band(look, lang))
                    @if let Some(s) = score { (charts::score_bar(s, look)) }
                }
            }
            v => html! { (v.text(lang)) },
        };
        html! {
            @if i == head {
                th scope="row" { (content) }
            } @else {
                td.num[num] { (content) }
            }
        }
    };
    html! {
        div.table-wrap {
            table.dash-table id={ "t-" (t.key) } {
                caption { (t.caption) }
                thead { tr {
                    @for i in &shown {
                        th.num[t.cols[*i].num] scope="col" { (t.cols[*i].label) }
                    }
                } }
                tbody {
                    @for r in &t.rows {
                        tr { @for i in &shown { @if let Some(v) = r.get(*i) { (cell(*i, v, r)) } } }
                    }
                }
                @if let Some(f) = &t.foot {
                    tfoot { tr { @for i in &shown { @if let Some(v) = f.get(*i) { (cell(*i, v, f)) } } } }
                }
            }
        }
    }
}

fn downloads(d: &Dashboard, key: &str, lang: Lang) -> Markup {
    html! {
        p.dash-downloads {
            (D::DownloadTable.get(lang)) " "
            a href=(export_href(&d.scope, &d.options, "xlsx", Some(key))) download { "Excel (XLSX)" }
            " · "
            a href=(export_href(&d.scope, &d.options, "csv", Some(key))) download { "CSV" }
        }
    }
}

/// A chart section: heading, chart, its data table (folded away unless
/// `open`), downloads.
fn section(
    id: &str,
    title: &str,
    chart: Option<Markup>,
    table: Option<&Table>,
    open: bool,
    d: &Dashboard,
    lang: Lang,
) -> Markup {
    html! {
        section.dash-section id=(id) aria-labelledby={ (id) "-title" } {
            h2 id={ (id) "-title" } { (title) }
            @if let Some(c) = chart { figure.dash-chart { (c) } }
            @if let Some(t) = table {
                @if open {
                    (table_html(t, &d.options, lang))
                } @else {
                    details.dash-data {
                        summary { (D::DataTable.get(lang)) ": " (t.caption) }
                        (table_html(t, &d.options, lang))
                    }
                }
                (downloads(d, t.key, lang))
            }
        }
    }
}

fn list(items: &[(String, i64)], lang: Lang) -> String {
    items
        .iter()
        .map(|(l, v)| format!("{l} {}", charts::number(*v as f64, lang)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn cards(d: &Dashboard, lang: Lang) -> Markup {
    let prev = d.span().prev().label(lang);
    let card = |e: Element| {
        let (now, before) = (d.totals.total(e), d.previous.total(e));
        let change = match change_pct(now, before) {
            Some(p) => format!(
                "{}{} % {}",
                if p > 0.0 { "+" } else { "" },
                charts::number(p, lang),
                D::VsPrev.get(lang).replace("{prev}", &prev)
            ),
            None => D::NoPrev.get(lang).replace("{prev}", &prev),
        };
        html! {
            li {
                span.dash-num { (charts::number(now as f64, lang)) }
                span.dash-what { (element_label(e, lang)) }
                span.dash-change { (change) }
            }
        }
    };
    html! {
        ul.dash-cards aria-label=(D::KeyFigures.get(lang)) {
            @for e in [Element::Visits, Element::Loans, Element::MembersActive, Element::Activities, Element::Participants, Element::Titles] {
                (card(e))
            }
        }
    }
}

/// Faint places that give the map its shape: the finest level of regions
/// that fits (villages, sub-districts, regencies) inside the box.
fn map_context(tree: &RegionTree, bounds: Bounds) -> Vec<(f64, f64)> {
    const MAX: usize = 1500;
    for level in [Level::Village, Level::District, Level::Regency] {
        let pts: Vec<(f64, f64)> = tree
            .iter()
            .filter(|r| r.level() == level)
            .filter_map(|r| r.latitude.zip(r.longitude))
            .filter(|(lat, lon)| bounds.contains(*lat, *lon))
            .take(MAX + 1)
            .collect();
        if pts.len() <= MAX {
            return pts;
        }
    }
    Vec::new()
}

fn map_section(state: &AppState, d: &Dashboard, lang: Lang) -> Markup {
    let visits = |c: &data::ChildRow| c.value("visits").unwrap_or(0.0);
    // Regions' centres under the nation and a province; libraries below
    // (one library: itself, with its own visits).
    let rows: Vec<(Point, bool)> = match (&d.scope, d.child_level) {
        (Scope::Library(_), _) => d
            .places
            .iter()
            .filter_map(|l| {
                let (lat, lon) = l.coords?;
                Some((
                    Point {
                        name: l.name.clone(),
                        lat,
                        lon,
                        value: d.totals.total(Element::Visits) as f64,
                    },
                    l.approximate,
                ))
            })
            .collect(),
        _ => d
            .children
            .iter()
            .filter_map(|c| {
                let (lat, lon) = c.coords?;
                Some((
                    Point {
                        name: c.name.clone(),
                        lat,
                        lon,
                        value: visits(c),
                    },
                    c.approximate,
                ))
            })
            .collect(),
    };
    let (points, approx): (Vec<Point>, Vec<bool>) = rows.into_iter().unzip();
    let title = D::MapTitle.get(lang);
    if points.is_empty() {
        return html! {
            section.dash-section #map aria-labelledby="map-title" {
                h2 #map-title { (title) }
                p { (D::MapNone.get(lang)) }
            }
        };
    }
    let bounds = match d.scope {
        Scope::Nation => charts::INDONESIA,
        _ => Bounds::around(points.iter().map(|p| (p.lat, p.lon)), 0.3),
    };
    let context = map_context(&state.regions, bounds);
    let svg = charts::dot_map(
        &D::MapSummary
            .get(lang)
            .replace("{n}", &points.len().to_string()),
        bounds,
        &context,
        &points,
    );
    html! {
        section.dash-section #map aria-labelledby="map-title" {
            h2 #map-title { (title) }
            figure.dash-chart { (svg) }
            details.dash-data {
                summary { (D::DataTable.get(lang)) ": " (D::MapSummary.get(lang).replace("{n}", &points.len().to_string())) }
                div.table-wrap {
                    table.dash-table {
                        caption { (title) ", " (d.name) ", " (d.span().label(lang)) }
                        thead { tr {
                            th scope="col" { (D::Place.get(lang)) }
                            th.num scope="col" { (D::Latitude.get(lang)) }
                            th.num scope="col" { (D::Longitude.get(lang)) }
                            th.num scope="col" { (element_label(Element::Visits, lang)) }
                        } }
                        tbody {
                            @for (p, a) in points.iter().zip(approx.iter()) {
                                tr {
                                    th scope="row" { (p.name) @if *a { " " span title=(D::MapApprox.get(lang)) { (D::Approx.get(lang)) } } }
                                    td.num { (format!("{:.4}", p.lat)) }
                                    td.num { (format!("{:.4}", p.lon)) }
                                    td.num { (charts::number(p.value, lang)) }
                                }
                            }
                        }
                    }
                }
                @if approx.iter().any(|a| *a) { p.hint { (D::MapApprox.get(lang)) } }
            }
        }
    }
}

fn render(
    state: &AppState,
    user: &CurrentUser,
    d: &Dashboard,
    pairs: &[(String, String)],
    errors: &Invalid,
    lang: Lang,
) -> Markup {
    let o = &d.options;
    let span = o.span;
    let all = export::tables(d, lang);
    let get = |k: &str| all.iter().find(|t| t.key == k);
    let prev_o = Options {
        span: span.prev(),
        ..*o
    };
    let next_o = Options {
        span: span.next(),
        ..*o
    };

    // Visits and loans per month.
    let trend_chart = {
        let (max_at, max) = d
            .trend
            .iter()
            .map(|(p, f)| (*p, f.total(Element::Visits)))
            .max_by_key(|x| x.1)
            .unwrap_or((span.to, 0));
        charts::columns(
            &Chart {
                summary: D::TrendSummary
                    .get(lang)
                    .replace(
                        "{from}",
                        &d.trend
                            .first()
                            .map(|x| data::month_label(x.0, lang))
                            .unwrap_or_default(),
                    )
                    .replace(
                        "{to}",
                        &d.trend
                            .last()
                            .map(|x| data::month_label(x.0, lang))
                            .unwrap_or_default(),
                    )
                    .replace("{max}", &charts::number(max as f64, lang))
                    .replace("{at}", &data::month_label(max_at, lang)),
                categories: d.trend.iter().map(|(p, _)| month_short(*p, lang)).collect(),
                series: vec![
                    Series::new(
                        element_label(Element::Visits, lang),
                        d.trend
                            .iter()
                            .map(|(_, f)| f.total(Element::Visits) as f64)
                            .collect(),
                    ),
                    Series::new(
                        element_label(Element::Loans, lang),
                        d.trend
                            .iter()
                            .map(|(_, f)| f.total(Element::Loans) as f64)
                            .collect(),
                    ),
                ],
            },
            lang,
        )
    };

    // Children, busiest first, at most 15 bars (the table has them all).
    let children_chart = d.child_level.and_then(|level| {
        if d.children.is_empty() {
            return None;
        }
        let mut rows: Vec<(&str, i64)> = d
            .children
            .iter()
            .map(|c| {
                (
                    c.name.as_str(),
                    c.value("visits").unwrap_or(0.0).round() as i64,
                )
            })
            .collect();
        rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        rows.truncate(15);
        Some(charts::hbars(
            &Chart {
                summary: D::ChildrenSummary
                    .get(lang)
                    .replace("{level}", &level.label(lang).to_lowercase())
                    .replace("{n}", &rows.len().to_string())
                    .replace("{total}", &d.children.len().to_string())
                    .replace("{top}", rows.first().map(|r| r.0).unwrap_or(""))
                    .replace(
                        "{max}",
                        &charts::number(rows.first().map_or(0, |r| r.1) as f64, lang),
                    ),
                categories: rows.iter().map(|r| r.0.to_string()).collect(),
                series: vec![Series::new(
                    element_label(Element::Visits, lang),
                    rows.iter().map(|r| r.1 as f64).collect(),
                )],
            },
            lang,
        ))
    });

    let keys = strategies(&d.totals);
    let strat: Vec<(String, i64, i64)> = keys
        .iter()
        .map(|k| {
            (
                strategy_label(k, lang),
                by_strategy(&d.totals, Element::Activities, k),
                by_strategy(&d.totals, Element::Participants, k),
            )
        })
        .collect();
    let strategy_chart = charts::hbars(
        &Chart {
            summary: D::StrategySummary.get(lang).replace(
                "{list}",
                &list(
                    &strat.iter().map(|s| (s.0.clone(), s.1)).collect::<Vec<_>>(),
                    lang,
                ),
            ),
            categories: strat.iter().map(|s| s.0.clone()).collect(),
            series: vec![
                Series::new(
                    element_label(Element::Activities, lang),
                    strat.iter().map(|s| s.1 as f64).collect(),
                ),
                Series::new(
                    element_label(Element::Participants, lang),
                    strat.iter().map(|s| s.2 as f64).collect(),
                ),
            ],
        },
        lang,
    );

    let ages: Vec<(String, i64, i64)> = AgeGroup::ALL
        .iter()
        .map(|a| {
            (
                age_label(*a, lang).to_string(),
                by_gender_age(&d.totals, Element::Participants, Gender::L, *a),
                by_gender_age(&d.totals, Element::Participants, Gender::P, *a),
            )
        })
        .collect();
    let participants_chart = charts::hbars(
        &Chart {
            summary: D::ParticipantsSummary.get(lang).replace(
                "{list}",
                &ages
                    .iter()
                    .map(|(a, m, w)| {
                        format!(
                            "{a}: {} {}, {} {}",
                            gender_label(Gender::L, lang).to_lowercase(),
                            charts::number(*m as f64, lang),
                            gender_label(Gender::P, lang).to_lowercase(),
                            charts::number(*w as f64, lang)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
            categories: ages.iter().map(|a| a.0.clone()).collect(),
            series: vec![
                Series::new(
                    gender_label(Gender::L, lang),
                    ages.iter().map(|a| a.1 as f64).collect(),
                ),
                Series::new(
                    gender_label(Gender::P, lang),
                    ages.iter().map(|a| a.2 as f64).collect(),
                ),
            ],
        },
        lang,
    );

    let plans: Vec<(String, i64)> = d
        .plans
        .by_status
        .iter()
        .map(|(s, n)| (plan_status_label(*s, lang).to_string(), *n))
        .collect();
    let plans_chart = charts::hbars(
        &Chart {
            summary: D::PlansSummary
                .get(lang)
                .replace("{year}", &d.plans.year.to_string())
                .replace("{list}", &list(&plans, lang)),
            categories: plans.iter().map(|p| p.0.clone()).collect(),
            series: vec![Series::new("", plans.iter().map(|p| p.1 as f64).collect())],
        },
        lang,
    );
    let aid: Vec<(String, i64)> = d
        .aid
        .by_status
        .iter()
        .map(|(s, n)| (aid_status_label(s, lang).to_string(), *n))
        .chain(std::iter::once((
            aid_status_label("late", lang).to_string(),
            d.aid.late,
        )))
        .collect();
    let aid_chart = charts::hbars(
        &Chart {
            summary: D::AidSummary
                .get(lang)
                .replace("{year}", &d.aid.year.to_string())
                .replace("{list}", &list(&aid, lang)),
            categories: aid.iter().map(|p| p.0.clone()).collect(),
            series: vec![Series::new("", aid.iter().map(|p| p.1 as f64).collect())],
        },
        lang,
    );

    let children_title = d
        .child_level
        .map(|l| D::ChildrenTitle.get(lang).replace("{level}", l.label(lang)))
        .unwrap_or_default();
    let report_name = span.report_name(lang);
    let datavalues = {
        let mut h = export_href(&d.scope, o, "datavalues", None);
        h.push_str("&orgunits=libraries");
        h
    };
    let datavalues_regions = matches!(
        d.child_level,
        Some(ChildLevel::Province | ChildLevel::Regency)
    )
    .then(|| {
        let mut h = export_href(&d.scope, o, "datavalues", None);
        h.push_str("&orgunits=children");
        h
    });
    html! {
        (crumbs(user, d, lang))
        (error_summary(errors, lang))
        p.lead { (D::Lead.get(lang)) }
        (filters(d, pairs, errors, lang))
        nav.dash-nav aria-label=(D::PeriodNav.get(lang)) {
            a href=(href(&d.scope, &prev_o)) rel="prev" { "← " (D::PrevSpan.get(lang)) ": " (span.prev().label(lang)) }
            " "
            a href=(href(&d.scope, &next_o)) rel="next" { (D::NextSpan.get(lang)) ": " (span.next().label(lang)) " →" }
        }
        h2 #summary-title { (span.label(lang)) }
        p {
            @if !matches!(d.scope, Scope::Library(_)) {
                (charts::number(f64::from(d.libraries), lang)) " " (D::Libraries.get(lang)) ". "
            }
            @if !o.include_unapproved { strong { (D::ShowingApproved.get(lang)) } }
        }
        (cards(d, lang))
        @if let Some(t) = get("summary") {
            details.dash-data {
                summary { (D::DataTable.get(lang)) ": " (t.caption) }
                (table_html(t, o, lang))
            }
            (downloads(d, "summary", lang))
        }
        @if let Some(t) = get("indicators") {
            (section("indicators", D::IndicatorsTitle.get(lang), None, Some(t), true, d, lang))
        }
        (section("trend", D::TrendTitle.get(lang), Some(trend_chart), get("trend"), false, d, lang))
        @if d.child_level.is_some() {
            section.dash-section #children aria-labelledby="children-title" {
                h2 #children-title { (children_title) }
                @if d.children.is_empty() {
                    p { (D::NoChildren.get(lang)) }
                } @else {
                    p.hint { (D::ChildrenHint.get(lang)) }
                    @if let Some(c) = children_chart { figure.dash-chart { (c) } }
                    @if let Some(t) = get("children") {
                        (table_html(t, o, lang))
                        (downloads(d, "children", lang))
                    }
                }
            }
        }
        @if let Some(sc) = &d.scorecard {
            section.dash-section #scorecard aria-labelledby="scorecard-title" {
                h2 #scorecard-title { (D::ScorecardTitle.get(lang)) }
                p {
                    (D::OwnScore.get(lang).replace("{scope}", &d.name)) " "
                    @match (sc.own.score, sc.own.band) {
                        (Some(score), Some(b)) => {
                            strong { (export::number_dec(score, 1, lang)) } " "
                            (charts::band(export::band_look(b), lang))
                            (charts::score_bar(score, export::band_look(b)))
                        }
                        _ => { (D::NoScore.get(lang)) }
                    }
                }
                @if let Some(t) = get("scorecard") {
                    p.hint { (D::ScoreHint.get(lang)) }
                    (table_html(t, o, lang))
                    (downloads(d, "scorecard", lang))
                }
            }
        }
        (section("strategy", D::StrategyTitle.get(lang), Some(strategy_chart), get("strategy"), false, d, lang))
        (section("participants", D::ParticipantsTitle.get(lang), Some(participants_chart), get("participants"), false, d, lang))
        p.hint { (D::DisabledNote.get(lang).replace("{n}", &charts::number(data::disabled(&d.totals) as f64, lang))) }
        (section("workplans", &format!("{} {}", D::PlansTitle.get(lang), d.plans.year), Some(if d.plans.total > 0 { plans_chart } else { html! { p { (D::NoPlans.get(lang).replace("{year}", &d.plans.year.to_string())) } } }), get("workplans"), false, d, lang))
        (section("aid", &format!("{} {}", D::AidTitle.get(lang), d.aid.year), Some(if d.aid.total > 0 { aid_chart } else { html! { p { (D::NoAid.get(lang).replace("{year}", &d.aid.year.to_string())) } } }), get("aid"), false, d, lang))
        (map_section(state, d, lang))
        @if let Some(t) = get("snp") {
            (section("snp", D::SnpTitle.get(lang), None, Some(t), true, d, lang))
        }
        @if matches!(d.scope, Scope::Nation | Scope::Region(_)) {
            section.dash-section #iplm aria-labelledby="iplm-title" {
                h2 #iplm-title { (D::IplmTitle.get(lang)) }
                p { a href=(href_to("/monitoring/iplm", &d.scope, o)) { (D::IplmOpen.get(lang).replace("{scope}", &d.name)) } }
            }
        }
        @if let Some(t) = get("reporting") {
            (section("reporting", D::ReportingTitle.get(lang), None, Some(t), !matches!(d.reporting, Some(Reporting::Months(_))), d, lang))
        } @else if let (Scope::Nation, Some(m)) = (&d.scope, d.report_month) {
            section.dash-section #reporting aria-labelledby="reporting-title" {
                h2 #reporting-title { (D::ReportingTitle.get(lang)) }
                p { a href={ "/reports/completeness?period=" (m) } { (D::ReportingOpen.get(lang).replace("{month}", &data::month_label(m, lang))) } }
            }
        }
        section.dash-section #downloads aria-labelledby="downloads-title" {
            h2 #downloads-title { (D::DownloadsTitle.get(lang)) }
            ul {
                li { a href=(export_href(&d.scope, o, "pdf", None)) download { (D::Pdf.get(lang).replace("{report}", report_name)) } }
                li { a href=(export_href(&d.scope, o, "xlsx", None)) download { (D::WholeXlsx.get(lang)) } }
                li { a href=(export_href(&d.scope, o, "csv", None)) download { (D::WholeCsv.get(lang)) } }
                li { a href=(datavalues) download { (D::DataValues.get(lang)) } }
                @if let Some(h) = datavalues_regions {
                    li { a href=(h) download { (D::DataValuesRegions.get(lang)) } }
                }
            }
        }
    }
}

/// `?iplm=` (default: the 2025 norm).
fn iplm_version(pairs: &[(String, String)]) -> Result<IplmVersion, Problem> {
    match param(pairs, "iplm") {
        "" => Ok(data::IPLM_VERSION),
        v => IplmVersion::parse(v),
    }
}

/// `GET /monitoring/iplm?region=&period=&iplm=`: the literacy index of a
/// region (or the nation) and its child regions, by a chosen formula
/// version. Its own page: it reads every library's registry.
async fn iplm_page(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let scope = scope_for(&state, &user, &pairs).await?;
    if !matches!(scope, Scope::Nation | Scope::Region(_)) {
        return Err(WebError::NotFound);
    }
    let o = options_for(&pairs)?;
    let version = iplm_version(&pairs).map_err(|p| Invalid::one("iplm", p))?;
    let tree = state.regions.clone();
    let reach = user.actor.reach();
    let s2 = scope.clone();
    let (crumbs, x) = state
        .run(move |c| {
            let crumbs = data::crumbs(c, &tree, &s2, lang)?;
            let x = data::iplm(c, &tree, &reach, &s2, o.span, version)?;
            Ok((crumbs, x))
        })
        .await?;
    let name = crumbs.last().map(|c| c.label.clone()).unwrap_or_default();
    let table = x
        .as_ref()
        .and_then(|x| export::iplm_table(x, &name, o.span, lang));
    let rows: Vec<(String, f64)> = x
        .as_ref()
        .map(|x| {
            x.table
                .rows
                .iter()
                .filter(|(c, _, _)| c.libraries > 0)
                .map(|(c, _, r)| {
                    (
                        x.names
                            .get(&c.code)
                            .cloned()
                            .unwrap_or_else(|| c.name.clone()),
                        r.index.unwrap_or(0.0),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let chart = (!rows.is_empty() && rows.iter().any(|r| r.1 > 0.0)).then(|| {
        charts::hbars(
            &Chart {
                summary: D::IplmSummary
                    .get(lang)
                    .replace("{version}", data::iplm_version_label(version, lang))
                    .replace(
                        "{list}",
                        &rows
                            .iter()
                            .map(|(n, v)| format!("{n} {}", export::number_dec(*v, 1, lang)))
                            .collect::<Vec<_>>()
                            .join(", "),
                    ),
                categories: rows.iter().map(|r| r.0.clone()).collect(),
                series: vec![Series::new("IPLM", rows.iter().map(|r| r.1).collect())],
            },
            lang,
        )
    });
    let versions: Vec<(String, String)> = IplmVersion::ALL
        .iter()
        .map(|v| {
            (
                v.key().to_string(),
                data::iplm_version_label(*v, lang).to_string(),
            )
        })
        .collect();
    let own_missing = x
        .as_ref()
        .is_some_and(|x| x.table.own.as_ref().is_none_or(|o| o.index.is_none()));
    let mut export_base = href_to("/monitoring/export", &scope, &o);
    export_base.push_str(&format!("&iplm={}&table=iplm&format=", version.key()));
    let here = format!(
        "{}&iplm={}",
        href_to("/monitoring/iplm", &scope, &o),
        version.key()
    );
    let frame = Frame {
        lang,
        user: Some(&user),
        path: &here,
    };
    let body = html! {
        nav.breadcrumbs aria-label=(D::Breadcrumbs.get(lang)) {
            ol {
                @for c in &crumbs {
                    li {
                        @if may_open(&user, &c.scope) {
                            a href=(href_to("/monitoring/iplm", &c.scope, &o)) { (c.label) }
                        } @else {
                            (c.label)
                        }
                    }
                }
            }
        }
        p { a href=(href(&scope, &o)) { "← " (D::BackToDashboard.get(lang).replace("{scope}", &name)) } }
        form.filters.dash-filters method="get" action="/monitoring/iplm" {
            @match &scope {
                Scope::Region(r) => { input type="hidden" name="region" value=(r.to_string()); }
                _ => {}
            }
            input type="hidden" name="period" value=(o.span.key());
            div.field {
                label for="f-iplm" { (D::Version.get(lang)) }
                select #f-iplm name="iplm" {
                    @for (k, l) in &versions {
                        option value=(k) selected[*k == version.key()] { (l) }
                    }
                }
            }
            div.actions { button type="submit" { (D::Show.get(lang)) } }
        }
        @if own_missing { p.hint { (D::IplmHint.get(lang)) } }
        @if let Some(c) = chart { figure.dash-chart { (c) } }
        @match &table {
            Some(t) => {
                // Names open the region's own index.
                (table_linked(t, &|sc| format!("{}&iplm={}", href_to("/monitoring/iplm", sc, &o), version.key()), lang))
                p.dash-downloads {
                    (D::DownloadTable.get(lang)) " "
                    a href={ (export_base) "xlsx" } download { "Excel (XLSX)" }
                    " · "
                    a href={ (export_base) "csv" } download { "CSV" }
                }
            }
            None => { p { (D::IplmNone.get(lang)) } }
        }
    };
    let title = format!(
        "{}: {} · {}",
        D::IplmPageTitle.get(lang),
        name,
        o.span.label(lang)
    );
    Ok(page(&frame, &title, body).into_response())
}

// ----------------------------------------------------------------- API

/// `GET /api/v1/monitoring/dashboard?region=|library=&period=&unapproved=`.
async fn api_dashboard(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Json<serde_json::Value>, WebError> {
    let scope = scope_for(&state, &user, &pairs).await?;
    let options = options_for(&pairs)?;
    let d = build(&state, &user.actor.reach(), &scope, options, lang).await?;
    Ok(Json(data::dashboard_json(&d, lang)))
}

/// `GET /api/v1/monitoring/children?…`: the drill-down rows alone.
async fn api_children(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Json<serde_json::Value>, WebError> {
    let scope = scope_for(&state, &user, &pairs).await?;
    let options = options_for(&pairs)?;
    let d = build(&state, &user.actor.reach(), &scope, options, lang).await?;
    let mut v = data::children_json(&d);
    if let Some(o) = v.as_object_mut() {
        o.insert("name".into(), d.name.clone().into());
        o.insert("period".into(), data::span_json(&d.options.span, lang));
        o.insert(
            "include_unapproved".into(),
            d.options.include_unapproved.into(),
        );
    }
    Ok(Json(v))
}

/// `GET /api/v1/monitoring/scorecard?…`: the KPI of the scope and its
/// children, ranked, with the formula version used.
async fn api_scorecard(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Json<serde_json::Value>, WebError> {
    let scope = scope_for(&state, &user, &pairs).await?;
    let options = options_for(&pairs)?;
    let d = build(&state, &user.actor.reach(), &scope, options, lang).await?;
    Ok(Json(serde_json::json!({
        "name": d.name,
        "period": data::span_json(&d.options.span, lang),
        "include_unapproved": d.options.include_unapproved,
        "scorecard": data::scorecard_json(&d),
    })))
}

/// `GET /monitoring/export` and `/api/v1/monitoring/export`:
/// `format=csv|xlsx|pdf|datavalues`, `table=<key>` (CSV/XLSX; the whole
/// dashboard without), `orgunits=libraries|children` (data values).
async fn download(
    State(state): State<AppState>,
    user: CurrentUser,
    L(lang): L,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let scope = scope_for(&state, &user, &pairs).await?;
    let mut errors = Invalid::default();
    let options = options_for(&pairs).map_err(|e| errors.0.extend(e.0)).ok();
    let format = ExportFormat::parse(param(&pairs, "format"))
        .map_err(|p| errors.push("format", p))
        .ok();
    let org_units = OrgUnits::parse(param(&pairs, "orgunits"))
        .map_err(|p| errors.push("orgunits", p))
        .ok();
    let iplm = iplm_version(&pairs)
        .map_err(|p| errors.push("iplm", p))
        .ok();
    let table = Some(param(&pairs, "table").to_string()).filter(|t| !t.is_empty() && t != "all");
    if let Some(t) = &table
        && !export::TABLE_KEYS.contains(&t.as_str())
    {
        errors.push("table", Problem::UnknownChoice);
    }
    let (Some(options), Some(format), Some(org_units), Some(iplm), true) =
        (options, format, org_units, iplm, errors.is_empty())
    else {
        return Err(WebError::Invalid(errors));
    };
    let req = ExportRequest {
        scope,
        options,
        format,
        table,
        org_units,
        iplm,
        lang,
    };
    let tree = state.regions.clone();
    let reach = user.actor.reach();
    let out = state
        .run(move |c| match export::export(c, &tree, &reach, &req) {
            Ok(x) => Ok(x),
            Err(ExportError::Store(e)) => Err(e.into()),
            // The table exists but not on this dashboard (a library has no
            // breakdown; a future month no reports).
            Err(ExportError::NoSuchTable) => Err(WebError::NotFound),
            Err(ExportError::Write(e)) => Err(WebError::Internal(format!("export: {e}"))),
        })
        .await?;
    let mut res = out.bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(out.format.mime_type()),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&format!(
            "attachment; filename=\"{}\"",
            url_encode(&out.file_name)
        ))
        .map_err(|e| WebError::Internal(e.to_string()))?,
    );
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn the_form_becomes_a_span() {
        let s = span_from_form(&pairs(&[
            ("kind", "quarter"),
            ("year", "2024"),
            ("month", "2"),
            ("quarter", "3"),
        ]))
        .unwrap();
        assert_eq!(s.key(), "2024-Q3");
        let s = span_from_form(&pairs(&[
            ("kind", "month"),
            ("year", "2024"),
            ("month", "2"),
        ]))
        .unwrap();
        assert_eq!(s.key(), "2024-02");
        let e = span_from_form(&pairs(&[("kind", "month"), ("year", "x"), ("month", "13")]))
            .unwrap_err();
        assert!(e.for_field("year").is_some());
        let e = span_from_form(&pairs(&[("kind", "day"), ("year", "2024")])).unwrap_err();
        assert!(e.for_field("kind").is_some());
    }

    #[test]
    fn options_default_to_the_live_current_month() {
        let o = options_for(&[]).unwrap();
        assert_eq!(o.span.kind, SpanKind::Month);
        assert!(o.include_unapproved);
        let o = options_for(&pairs(&[("period", "2024"), ("unapproved", "0")])).unwrap();
        assert_eq!(o.span.len(), 12);
        assert!(!o.include_unapproved);
        assert!(
            options_for(&pairs(&[("period", "2024-13")]))
                .unwrap_err()
                .for_field("period")
                .is_some()
        );
    }

    #[test]
    fn urls_carry_scope_and_period() {
        let o = options_for(&pairs(&[("period", "2024-07"), ("unapproved", "0")])).unwrap();
        let r = Scope::Region(RegionCode::parse("3520").unwrap());
        assert_eq!(
            href(&r, &o),
            "/monitoring?region=3520&period=2024-07&unapproved=0"
        );
        assert_eq!(
            export_href(&Scope::Nation, &o, "xlsx", Some("children")),
            "/monitoring/export?period=2024-07&unapproved=0&format=xlsx&table=children"
        );
    }
}
