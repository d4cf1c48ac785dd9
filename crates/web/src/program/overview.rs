//! `/program` and `/program/{year}?region=`: the officers' view of a year in
//! their region — proposals against the minimum per district, recipients by
//! participation, aid deliveries (late ones marked), Bimtek attendance and
//! work plans — with one row per child region (nation → province →
//! regency → kecamatan) and links into each feature's list.

use super::{allow, date, participation_short, status_short, today};
use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::html::{Frame, page};
use crate::i18n::Lang;
use crate::session::L;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use chrono::Datelike;
use lentera_core::program::{
    Figures, GRANTABLE, Overview, ProgramYear, ProposalStatus, may_see_overview, shortfall,
};
use lentera_core::regions::{Level, RegionCode};
use lentera_core::users::Reach;
use lentera_store::program as store;
use maud::{Markup, html};

crate::messages!(O {
    Title => "Ringkasan {name}", "{name} at a glance";
    Nation => "Indonesia", "Indonesia";
    Years => "Tahun program", "Programme years";
    AllYears => "Kelola tahun program", "Programme years";
    NoYears => "Belum ada tahun program. Admin nasional membukanya di halaman tahun program.", "No programme years yet. National administrators open them on the programme years page.";
    Where => "Wilayah", "Region";
    Decree => "SK penerima", "Recipients' decree";
    NoDecree => "belum ditetapkan", "not issued yet";
    Deadline => "Batas usulan", "Proposal deadline";
    Glance => "Sekilas", "At a glance";
    ProposalsSent => "Usulan terkirim", "Proposals sent";
    Minimum => "Kabupaten/kota memenuhi minimal {min} usulan", "Regencies with at least {min} proposals";
    Recipients => "Penerima (target {t})", "Recipients (target {t})";
    LateAid => "Pengiriman bantuan terlambat", "Late aid deliveries";
    Attendance => "Peserta Bimtek hadir/terdaftar", "Bimtek participants attended/registered";
    PlansApproved => "Rencana kerja disetujui", "Work plans approved";
    ProposalsCaption => "Usulan menurut status", "Proposals by status";
    RecipientsCaption => "Penerima menurut keikutsertaan", "Recipients by participation";
    AidCaption => "Bantuan menurut status pengiriman", "Aid by delivery status";
    EventsCaption => "Kehadiran Bimtek dan kegiatan program", "Bimtek and programme event attendance";
    PlansCaption => "Rencana kerja menurut status", "Work plans by status";
    Total => "Jumlah", "Total";
    AgainstMinimum => "Terkirim / minimal", "Sent / minimum";
    RegenciesAtMinimum => "Kab/kota memenuhi minimal", "Regencies at the minimum";
    Short => "kurang {n}", "{n} short";
    Met => "terpenuhi", "met";
    Late => "Terlambat", "Late";
    Registered => "Terdaftar", "Registered";
    Attended => "Hadir minimal 1 sesi", "Attended at least 1 session";
    Rate => "Persentase hadir", "Attendance rate";
    Open => "Buka daftar", "Open the list";
    Drill => "Rincian {name}", "Details for {name}";
    NoData => "Belum ada data untuk tahun ini di wilayah ini.", "No data for this year in this region yet.";
});

fn region_label(state: &AppState, code: &RegionCode) -> String {
    super::proposals::region_name(state, code)
}

/// The region an officer looks at by default: their own.
fn home_region(u: &CurrentUser) -> Option<RegionCode> {
    match u.actor.reach() {
        Reach::Region(r) => Some(r),
        _ => None,
    }
}

/// The year shown without one in the URL: this calendar year if it is a
/// program year, else the newest year before it, else the newest.
fn default_year(years: &[ProgramYear], this: i32) -> Option<i32> {
    years
        .iter()
        .map(ProgramYear::year)
        .find(|y| *y <= this)
        .or_else(|| years.first().map(ProgramYear::year))
}

pub(crate) fn aid_label(key: &str, lang: Lang) -> &str {
    match (key, lang) {
        ("allocated", Lang::Id) => "Dialokasikan",
        ("allocated", Lang::En) => "Allocated",
        ("shipped", Lang::Id) => "Dikirim",
        ("shipped", Lang::En) => "Shipped",
        ("delivered", Lang::Id) => "Sampai",
        ("delivered", Lang::En) => "Delivered",
        ("received", Lang::Id) => "Diterima (BAST)",
        ("received", Lang::En) => "Received (BAST)",
        (k, _) => k,
    }
}

pub(crate) fn plan_label(key: &str, lang: Lang) -> &str {
    match (key, lang) {
        ("draft", Lang::Id) => "Draf",
        ("draft", Lang::En) => "Draft",
        ("submitted", Lang::Id) => "Diajukan",
        ("submitted", Lang::En) => "Submitted",
        ("revision_requested", Lang::Id) => "Perlu revisi",
        ("revision_requested", Lang::En) => "Revision requested",
        ("approved", Lang::Id) => "Disetujui",
        ("approved", Lang::En) => "Approved",
        (k, _) => k,
    }
}

/// The status keys to show as columns: the known ones in their order, then
/// any other the data has.
fn columns(
    known: &[&'static str],
    rows: &[(RegionCode, Figures)],
    pick: fn(&Figures) -> &std::collections::BTreeMap<String, i64>,
) -> Vec<String> {
    let mut cols: Vec<String> = known.iter().map(|s| s.to_string()).collect();
    for (_, f) in rows {
        for k in pick(f).keys() {
            if !cols.contains(k) {
                cols.push(k.clone());
            }
        }
    }
    cols
}

fn percent(part: i64, whole: i64) -> String {
    if whole == 0 {
        "—".into()
    } else {
        format!("{:.0}%", part as f64 * 100.0 / whole as f64)
    }
}

/// The overview with a row for every child region, data or not, so an
/// officer sees the districts that have not started too.
pub(super) fn complete(state: &AppState, mut o: Overview) -> Overview {
    let children: Vec<RegionCode> = match &o.region {
        Some(r) => state
            .regions
            .children_of(r)
            .into_iter()
            .map(|c| c.code.clone())
            .collect(),
        None => state.regions.roots().map(|c| c.code.clone()).collect(),
    };
    for c in children {
        if !o.rows.iter().any(|(k, _)| *k == c) {
            o.rows.push((c, Figures::default()));
        }
    }
    o.rows.sort_by(|a, b| a.0.cmp(&b.0));
    o
}

/// Reads the year's overview for the user, answering 403/404 as the rules
/// say. `region` `None` means the user's own region.
pub(super) async fn load(
    state: &AppState,
    u: &CurrentUser,
    year: Option<i32>,
    region: Option<RegionCode>,
) -> Result<(Vec<ProgramYear>, Option<Overview>), WebError> {
    let region = region.or_else(|| home_region(u));
    allow(may_see_overview(&u.actor, region.as_ref()))?;
    let reach = u.actor.reach();
    let today = today();
    let (years, o) = state
        .run(move |c| {
            let years = store::list_years(c)?;
            let year = match year {
                Some(y) => Some(y),
                None => default_year(&years, today.year()),
            };
            let o = match year {
                Some(y) => Some(store::overview(c, &reach, y, region.as_ref(), today)?),
                None => None,
            };
            Ok((years, o))
        })
        .await?;
    Ok((years, o.map(|o| complete(state, o))))
}

fn region_param(pairs: &[(String, String)]) -> Result<Option<RegionCode>, WebError> {
    match pairs
        .iter()
        .find(|(k, _)| k == "region")
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
    {
        None => Ok(None),
        // A malformed code names no region anyone reaches.
        Some(v) => RegionCode::parse(v)
            .map(Some)
            .map_err(|_| WebError::NotFound),
    }
}

/// `GET /program[?region=]`: the default year.
pub(super) async fn page_default(
    State(state): State<AppState>,
    u: CurrentUser,
    L(lang): L,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let region = region_param(&pairs)?;
    let (years, o) = load(&state, &u, None, region).await?;
    Ok(render(&state, &u, lang, &years, o.as_ref()))
}

/// `GET /program/{year}[?region=]`.
pub(super) async fn page_year(
    State(state): State<AppState>,
    u: CurrentUser,
    L(lang): L,
    Path(year): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let year: i32 = year.parse().map_err(|_| WebError::NotFound)?;
    let region = region_param(&pairs)?;
    let (years, o) = load(&state, &u, Some(year), region).await?;
    Ok(render(&state, &u, lang, &years, o.as_ref()))
}

fn render(
    state: &AppState,
    u: &CurrentUser,
    lang: Lang,
    years: &[ProgramYear],
    o: Option<&Overview>,
) -> Response {
    let frame = Frame {
        lang,
        user: Some(u),
        path: "/program",
    };
    let Some(o) = o else {
        let body = html! {
            p { (O::NoYears.get(lang)) }
            p { a href="/program/years" { (O::AllYears.get(lang)) } }
        };
        return page(&frame, crate::i18n::Msg::MenuProgram.get(lang), body).into_response();
    };
    let y = years.iter().find(|y| y.year() == o.year);
    let name = y
        .map(|y| y.details.name.clone())
        .unwrap_or_else(|| format!("TPBIS {}", o.year));
    let where_ = o
        .region
        .as_ref()
        .map(|r| region_label(state, r))
        .unwrap_or_else(|| O::Nation.get(lang).to_string());
    let title = format!("{} · {where_}", O::Title.get(lang).replace("{name}", &name));
    let rq = o
        .region
        .as_ref()
        .map(|r| format!("&region={r}"))
        .unwrap_or_default();
    let home = home_region(u);
    // Ancestors the user may climb to: those inside their own region.
    let ladder: Vec<RegionCode> = o
        .region
        .as_ref()
        .map(|r| {
            r.lineage()
                .into_iter()
                .filter(|a| a != r && u.actor.reaches_region(a))
                .collect()
        })
        .unwrap_or_default();
    let t = &o.total;
    let drill = o.row_level != Level::Village;
    let row_head = |code: &RegionCode| -> Markup {
        let label = region_label(state, code);
        html! {
            th scope="row" {
                @if drill {
                    a href={ "/program/" (o.year) "?region=" (code) } aria-label=(O::Drill.get(lang).replace("{name}", &label)) { (label) }
                } @else { (label) }
            }
        }
    };
    let regency_rows = o.row_level <= Level::Regency;
    let min = o.min_per_district;
    let aid_cols = columns(
        &["allocated", "shipped", "delivered", "received"],
        &o.rows,
        |f| &f.aid,
    );
    let plan_cols = columns(
        &["draft", "submitted", "revision_requested", "approved"],
        &o.rows,
        |f| &f.workplans,
    );
    let sent_cell = |f: &Figures| -> Markup {
        if o.row_level == Level::Regency {
            let gap = shortfall(f.proposals_sent(), min);
            html! {
                td.num {
                    (f.proposals_sent()) " / " (min) " "
                    @if gap > 0 { span.tag.off { (O::Short.get(lang).replace("{n}", &gap.to_string())) } }
                    @else { span.tag.on { (O::Met.get(lang)) } }
                }
            }
        } else {
            html! { td.num { (f.regencies_at_minimum) " / " (f.regencies_proposing) } }
        }
    };
    let body = html! {
        nav.program-years aria-label=(O::Years.get(lang)) {
            ul {
                @for y in years {
                    li { a href={ "/program/" (y.year()) (rq.replacen('&', "?", 1)) } aria-current=[(y.year() == o.year).then_some("page")] { (y.year()) } }
                }
                li { a href="/program/years" { (O::AllYears.get(lang)) } }
            }
        }
        @if !ladder.is_empty() || (o.region.is_some() && home.is_none()) {
            nav.breadcrumbs aria-label=(O::Where.get(lang)) {
                ol {
                    @if home.is_none() {
                        li { a href={ "/program/" (o.year) } { (O::Nation.get(lang)) } }
                    }
                    @for a in &ladder {
                        li { a href={ "/program/" (o.year) "?region=" (a) } { (region_label(state, a)) } }
                    }
                    li aria-current="page" { (where_) }
                }
            }
        }
        h2 { (O::Glance.get(lang)) }
        dl.summary {
            @if let Some(y) = y {
                dt { (O::Deadline.get(lang)) }
                dd { @if let Some(d) = y.details.proposal_deadline { (date(d)) } @else { "—" } }
                dt { (O::Decree.get(lang)) }
                dd {
                    @match (&y.details.decree_number, y.details.decree_date) {
                        (Some(n), Some(d)) => { (n) ", " (date(d)) }
                        _ => { (O::NoDecree.get(lang)) }
                    }
                }
            }
            dt { (O::ProposalsSent.get(lang)) } dd { (t.proposals_sent()) " / " (t.proposals_total()) }
            dt { (O::Minimum.get(lang).replace("{min}", &min.to_string())) } dd { (t.regencies_at_minimum) " / " (t.regencies_proposing) }
            dt { (O::Recipients.get(lang).replace("{t}", &y.map(|y| y.details.target_libraries).unwrap_or(0).to_string())) } dd { (t.recipients_total()) }
            dt { (O::LateAid.get(lang)) }
            dd { (t.aid_late) @if t.aid_late > 0 { " " strong.program-late { (O::Late.get(lang)) } } }
            dt { (O::Attendance.get(lang)) } dd { (t.attended) " / " (t.participants) }
            dt { (O::PlansApproved.get(lang)) } dd { (t.workplans.get("approved").copied().unwrap_or(0)) " / " (t.workplans_total()) }
        }

        div.table-wrap {
            table.program-overview {
                caption { (O::ProposalsCaption.get(lang)) }
                thead { tr {
                    th scope="col" { (O::Where.get(lang)) }
                    @for s in ProposalStatus::ALL { th scope="col" class="num" { (status_short(*s, lang)) } }
                    th scope="col" class="num" { (O::Total.get(lang)) }
                    th scope="col" class="num" {
                        @if o.row_level == Level::Regency { (O::AgainstMinimum.get(lang)) } @else { (O::RegenciesAtMinimum.get(lang)) }
                    }
                } }
                tbody {
                    @for (code, f) in &o.rows {
                        tr {
                            (row_head(code))
                            @for s in ProposalStatus::ALL { td.num { (f.proposals[s.index()]) } }
                            td.num { (f.proposals_total()) }
                            @if regency_rows { (sent_cell(f)) } @else { td.num { "—" } }
                        }
                    }
                }
                tfoot { tr {
                    th scope="row" { (O::Total.get(lang)) }
                    @for s in ProposalStatus::ALL { td.num { (t.proposals[s.index()]) } }
                    td.num { (t.proposals_total()) }
                    td.num { (t.regencies_at_minimum) " / " (t.regencies_proposing) }
                } }
            }
        }
        p { a href={ "/program/proposals?year=" (o.year) (rq) } { (O::Open.get(lang)) ": " (O::ProposalsCaption.get(lang).to_lowercase()) } }

        div.table-wrap {
            table.program-overview {
                caption { (O::RecipientsCaption.get(lang)) }
                thead { tr {
                    th scope="col" { (O::Where.get(lang)) }
                    @for p in GRANTABLE { th scope="col" class="num" { (participation_short(p, lang)) } }
                    th scope="col" class="num" { (O::Total.get(lang)) }
                } }
                tbody {
                    @for (code, f) in &o.rows {
                        tr {
                            (row_head(code))
                            @for n in f.recipients { td.num { (n) } }
                            td.num { (f.recipients_total()) }
                        }
                    }
                }
                tfoot { tr {
                    th scope="row" { (O::Total.get(lang)) }
                    @for n in t.recipients { td.num { (n) } }
                    td.num { (t.recipients_total()) }
                } }
            }
        }
        p { a href={ "/libraries?participation=full_support" (rq) } { (O::Open.get(lang)) ": " (crate::i18n::Msg::Libraries.get(lang).to_lowercase()) } }

        div.table-wrap {
            table.program-overview {
                caption { (O::AidCaption.get(lang)) }
                thead { tr {
                    th scope="col" { (O::Where.get(lang)) }
                    @for k in &aid_cols { th scope="col" class="num" { (aid_label(k, lang)) } }
                    th scope="col" class="num" { (O::Total.get(lang)) }
                    th scope="col" class="num" { (O::Late.get(lang)) }
                } }
                tbody {
                    @for (code, f) in &o.rows {
                        tr {
                            (row_head(code))
                            @for k in &aid_cols { td.num { (f.aid.get(k).copied().unwrap_or(0)) } }
                            td.num { (f.aid_total()) }
                            td.num { @if f.aid_late > 0 { strong.program-late { (f.aid_late) } } @else { "0" } }
                        }
                    }
                }
                tfoot { tr {
                    th scope="row" { (O::Total.get(lang)) }
                    @for k in &aid_cols { td.num { (t.aid.get(k).copied().unwrap_or(0)) } }
                    td.num { (t.aid_total()) }
                    td.num { (t.aid_late) }
                } }
            }
        }
        p { a href={ "/aid?year=" (o.year) (rq) } { (O::Open.get(lang)) ": " (crate::i18n::Msg::Aid.get(lang).to_lowercase()) } }

        div.table-wrap {
            table.program-overview {
                caption { (O::EventsCaption.get(lang)) }
                thead { tr {
                    th scope="col" { (O::Where.get(lang)) }
                    th scope="col" class="num" { (O::Registered.get(lang)) }
                    th scope="col" class="num" { (O::Attended.get(lang)) }
                    th scope="col" class="num" { (O::Rate.get(lang)) }
                } }
                tbody {
                    @for (code, f) in &o.rows {
                        tr {
                            (row_head(code))
                            td.num { (f.participants) }
                            td.num { (f.attended) }
                            td.num { (percent(f.attended, f.participants)) }
                        }
                    }
                }
                tfoot { tr {
                    th scope="row" { (O::Total.get(lang)) }
                    td.num { (t.participants) }
                    td.num { (t.attended) }
                    td.num { (percent(t.attended, t.participants)) }
                } }
            }
        }
        p { a href="/events" { (O::Open.get(lang)) ": " (crate::i18n::Msg::Events.get(lang).to_lowercase()) } }

        div.table-wrap {
            table.program-overview {
                caption { (O::PlansCaption.get(lang)) }
                thead { tr {
                    th scope="col" { (O::Where.get(lang)) }
                    @for k in &plan_cols { th scope="col" class="num" { (plan_label(k, lang)) } }
                    th scope="col" class="num" { (O::Total.get(lang)) }
                } }
                tbody {
                    @for (code, f) in &o.rows {
                        tr {
                            (row_head(code))
                            @for k in &plan_cols { td.num { (f.workplans.get(k).copied().unwrap_or(0)) } }
                            td.num { (f.workplans_total()) }
                        }
                    }
                }
                tfoot { tr {
                    th scope="row" { (O::Total.get(lang)) }
                    @for k in &plan_cols { td.num { (t.workplans.get(k).copied().unwrap_or(0)) } }
                    td.num { (t.workplans_total()) }
                } }
            }
        }
        p { a href={ "/workplans?year=" (o.year) (rq) } { (O::Open.get(lang)) ": " (crate::i18n::Msg::Workplans.get(lang).to_lowercase()) } }
        @if o.total == Figures::default() {
            p.hint { (O::NoData.get(lang)) }
        }
    };
    page(&frame, &title, body).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_defaults() {
        assert_eq!(aid_label("received", Lang::Id), "Diterima (BAST)");
        assert_eq!(aid_label("lost_at_sea", Lang::En), "lost_at_sea");
        assert_eq!(
            plan_label("revision_requested", Lang::En),
            "Revision requested"
        );
        assert_eq!(percent(1, 3), "33%");
        assert_eq!(percent(0, 0), "—");
        assert_eq!(default_year(&[], 2026), None);
    }
}
