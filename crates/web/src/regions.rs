//! The region tree: browse and search pages, and `/api/v1/regions`.
//!
//! Regions are official public reference data, so reading them needs no
//! sign-in (the public catalogue's library picker uses them too). They are
//! served from the in-memory tree; only the summary counts ask the database.

use crate::auth::MaybeUser;
use crate::error::WebError;
use crate::html::{Frame, page};
use crate::i18n::{Lang, Msg};
use crate::session::L;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use lentera_core::regions::{Level, Region, RegionCode, VillageKind};
use maud::html;
use serde::{Deserialize, Serialize};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/regions", get(index_page))
        .route("/regions/{code}", get(region_page))
        .route("/api/v1/regions", get(api_provinces))
        .route("/api/v1/regions/search", get(api_search))
        .route("/api/v1/regions/summary", get(api_summary))
        .route("/api/v1/regions/{code}", get(api_region))
        .route("/api/v1/regions/{code}/children", get(api_children))
}

/// A region in API answers.
#[derive(Serialize)]
pub struct RegionJson {
    pub code: String,
    pub name: String,
    pub display_name: String,
    pub level: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub village_kind: Option<VillageKind>,
    pub parent_code: Option<String>,
    pub path: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
}

pub fn region_json(state: &AppState, r: &Region) -> RegionJson {
    RegionJson {
        code: r.code.to_string(),
        name: r.name.clone(),
        display_name: r.display_name(),
        level: r.level().as_str(),
        village_kind: r.code.village_kind(),
        parent_code: r.code.parent().map(|p| p.to_string()),
        path: lentera_core::regions::path_label(r, &state.regions.ancestors(&r.code)),
        latitude: r.latitude,
        longitude: r.longitude,
        postal_code: r.postal_code.clone(),
    }
}

fn parse_code(s: &str) -> Result<RegionCode, WebError> {
    // A malformed code is just a page that does not exist.
    RegionCode::parse(s).map_err(|_| WebError::NotFound)
}

#[derive(Serialize)]
struct Items<T> {
    items: Vec<T>,
}

async fn api_provinces(State(state): State<AppState>) -> Json<Items<RegionJson>> {
    Json(Items {
        items: state
            .regions
            .roots()
            .map(|r| region_json(&state, r))
            .collect(),
    })
}

async fn api_region(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<RegionJson>, WebError> {
    let code = parse_code(&code)?;
    let r = state.regions.get(&code).ok_or(WebError::NotFound)?;
    Ok(Json(region_json(&state, r)))
}

async fn api_children(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<Items<RegionJson>>, WebError> {
    let code = parse_code(&code)?;
    state.regions.get(&code).ok_or(WebError::NotFound)?;
    Ok(Json(Items {
        items: state
            .regions
            .children_of(&code)
            .into_iter()
            .map(|r| region_json(&state, r))
            .collect(),
    }))
}

#[derive(Deserialize, Default)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
    level: Option<String>,
    within: Option<String>,
    limit: Option<usize>,
}

fn parse_level(s: Option<&str>) -> Result<Option<Level>, WebError> {
    Ok(match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some("province") => Some(Level::Province),
        Some("regency") => Some(Level::Regency),
        Some("district") => Some(Level::District),
        Some("village") => Some(Level::Village),
        Some(_) => {
            return Err(WebError::Invalid(lentera_core::field::Invalid::one(
                "level",
                lentera_core::field::Problem::UnknownChoice,
            )));
        }
    })
}

async fn api_search(
    State(state): State<AppState>,
    Query(q): Query<SearchQuery>,
) -> Result<Json<Items<RegionJson>>, WebError> {
    let level = parse_level(q.level.as_deref())?;
    let within = match q.within.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(w) => Some(
            RegionCode::parse(w)
                .map_err(|p| WebError::Invalid(lentera_core::field::Invalid::one("within", p)))?,
        ),
        None => None,
    };
    let limit = q.limit.unwrap_or(20).clamp(1, 100);
    let hits = state.regions.search(&q.q, within.as_ref(), level, limit);
    Ok(Json(Items {
        items: hits
            .into_iter()
            .map(|h| region_json(&state, h.region))
            .collect(),
    }))
}

/// Region counts per level, counted by the database (not the cache), so a
/// deployment can check its tree is complete.
async fn api_summary(State(state): State<AppState>) -> Result<Json<serde_json::Value>, WebError> {
    let c = state
        .run(|conn| Ok(lentera_store::regions::counts(conn)?))
        .await?;
    Ok(Json(serde_json::json!({
        "provinces": c[0], "regencies": c[1], "districts": c[2], "villages": c[3],
        "dataset": lentera_store::regions::DATASET,
    })))
}

fn level_label(level: Level, code: &RegionCode, lang: Lang) -> &'static str {
    match (level, code.village_kind()) {
        (Level::Village, Some(VillageKind::Desa)) => Msg::Desa.get(lang),
        (Level::Village, Some(VillageKind::Kelurahan)) => Msg::Kelurahan.get(lang),
        (Level::Village, Some(VillageKind::DesaAdat)) => Msg::DesaAdat.get(lang),
        (Level::Province, _) => Msg::Province.get(lang),
        (Level::Regency, _) => Msg::Regency.get(lang),
        (Level::District, _) => Msg::District.get(lang),
        (Level::Village, None) => Msg::Village.get(lang),
    }
}

fn search_form(lang: Lang, q: &str) -> maud::Markup {
    html! {
        form.filters method="get" action="/regions" role="search" {
            div.field {
                label for="f-q" { (Msg::RegionSearchLabel.get(lang)) }
                p.hint id="h-q" { (Msg::RegionSearchHint.get(lang)) }
                input #f-q type="search" name="q" value=(q) aria-describedby="h-q";
            }
            button type="submit" { (Msg::Search.get(lang)) }
        }
    }
}

fn region_table(state: &AppState, lang: Lang, rows: &[&Region], with_path: bool) -> maud::Markup {
    html! {
        div.table-wrap {
            table {
                thead { tr {
                    th scope="col" { (Msg::Name.get(lang)) }
                    th scope="col" { (Msg::Code.get(lang)) }
                    th scope="col" { (Msg::Level.get(lang)) }
                } }
                tbody {
                    @for r in rows {
                        tr {
                            td {
                                a href={ "/regions/" (r.code) } { (r.display_name()) }
                                @if with_path {
                                    br; small { (lentera_core::regions::path_label(r, &state.regions.ancestors(&r.code))) }
                                }
                            }
                            td { (r.code.dotted()) }
                            td { (level_label(r.level(), &r.code, lang)) }
                        }
                    }
                }
            }
        }
    }
}

async fn index_page(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    L(lang): L,
    Query(q): Query<SearchQuery>,
) -> Result<Response, WebError> {
    let frame = Frame {
        lang,
        user: user.as_ref(),
        path: "/regions",
    };
    let [p, r, d, v] = state.regions.counts();
    let body = if q.q.trim().is_empty() {
        let provinces: Vec<&Region> = state.regions.roots().collect();
        html! {
            p { (Msg::RegionCounts.get(lang).replace("{p}", &p.to_string()).replace("{r}", &r.to_string())
                 .replace("{d}", &fmt_thousands(d, lang)).replace("{v}", &fmt_thousands(v, lang))) }
            (search_form(lang, ""))
            h2 { (Msg::Province.get(lang)) }
            (region_table(&state, lang, &provinces, false))
        }
    } else {
        let hits = state.regions.search(&q.q, None, None, 100);
        let rows: Vec<&Region> = hits.iter().map(|h| h.region).collect();
        html! {
            (search_form(lang, &q.q))
            p role="status" { (Msg::Results.get(lang).replace("{n}", &rows.len().to_string())) }
            @if !rows.is_empty() { (region_table(&state, lang, &rows, true)) }
        }
    };
    Ok(page(&frame, Msg::Regions.get(lang), body).into_response())
}

async fn region_page(
    State(state): State<AppState>,
    MaybeUser(user): MaybeUser,
    L(lang): L,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    let code = parse_code(&code)?;
    let r = state.regions.get(&code).ok_or(WebError::NotFound)?;
    let frame = Frame {
        lang,
        user: user.as_ref(),
        path: "/regions",
    };
    let ancestors = state.regions.ancestors(&code);
    let children = state.regions.children_of(&code);
    let title = format!(
        "{} {}",
        level_label(r.level(), &code, lang),
        r.display_name()
    );
    Ok(page(
        &frame,
        &title,
        html! {
            nav.breadcrumbs aria-label=(Msg::Regions.get(lang)) {
                ol {
                    li { a href="/regions" { "Indonesia" } }
                    @for a in &ancestors { li { a href={ "/regions/" (a.code) } { (a.display_name()) } } }
                    li aria-current="page" { (r.display_name()) }
                }
            }
            dl.summary {
                dt { (Msg::Code.get(lang)) } dd { (code.dotted()) }
                dt { (Msg::Level.get(lang)) } dd { (level_label(r.level(), &code, lang)) }
                @if let Some(pc) = &r.postal_code { dt { (Msg::PostalCode.get(lang)) } dd { (pc) } }
                @if let (Some(la), Some(lo)) = (r.latitude, r.longitude) {
                    dt { (Msg::Coordinates.get(lang)) } dd { (format!("{la:.5}, {lo:.5}")) }
                }
            }
            @if user.is_some() {
                p { a href={ "/libraries?region=" (code) } { (Msg::Libraries.get(lang)) " — " (r.display_name()) } }
            }
            @if !children.is_empty() {
                h2 { (Msg::Children.get(lang)) " (" (children.len()) ")" }
                (region_table(&state, lang, &children, false))
            }
        },
    )
    .into_response())
}

/// 83762 → "83.762" in Indonesian, "83,762" in English.
pub fn fmt_thousands(n: usize, lang: Lang) -> String {
    let sep = if lang == Lang::Id { '.' } else { ',' };
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}
