//! Page layout and form components.
//!
//! Pages follow the GOV.UK pattern: one thing per page, labels above
//! fields, an error summary at the top that links to each field, and
//! everything works without JavaScript. The stylesheet is one small file.

use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::i18n::{Lang, Msg, field_label, problem_sentence};
use lentera_core::field::Invalid;
use lentera_core::users::Role;
use maud::{DOCTYPE, Markup, html};

/// A hash of the assets' bytes, put in their URLs: browsers may cache them
/// for a year, and any change to a file changes every URL that loads it.
pub fn asset_version() -> &'static str {
    static V: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    V.get_or_init(|| {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in crate::api::ASSETS
            .iter()
            .flat_map(|(_, bytes, _)| bytes.iter())
        {
            h = (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
        format!("{h:016x}")
    })
}

/// What every page needs to render its frame.
pub struct Frame<'a> {
    pub lang: Lang,
    pub user: Option<&'a CurrentUser>,
    /// The current path, for the language switch and the active menu item.
    pub path: &'a str,
}

impl<'a> Frame<'a> {
    pub fn csrf(&self) -> &str {
        self.user.map(|u| u.csrf.as_str()).unwrap_or("")
    }
}

/// One open task on the home page's to-do list, e.g. "Rencana kerja
/// Advokasi jatuh tempo 12-08-2024". Each feature's `todos` builds these.
#[derive(Debug, Clone)]
pub struct TodoItem {
    /// What to do, in the user's language.
    pub label: String,
    /// Where to do it.
    pub href: String,
    pub due: Option<chrono::NaiveDate>,
    /// Past its due date: shown first and marked.
    pub late: bool,
}

/// The hidden CSRF field every form carries.
pub fn csrf_field(frame: &Frame<'_>) -> Markup {
    html! { input type="hidden" name="csrf" value=(frame.csrf()); }
}

/// The menu: a few groups, each with its pages. The top row holds the
/// groups; the group of the current page shows its pages in a second row.
/// Two short rows stay usable on a phone, where one row of seventeen links
/// would not.
fn menu(frame: &Frame<'_>) -> Vec<(Msg, Vec<(&'static str, Msg)>)> {
    let Some(u) = frame.user else {
        return Vec::new();
    };
    let role = u.actor.role;
    let works_in_library = matches!(role, Role::Manager | Role::Staff);
    let library = vec![
        ("/catalog", Msg::Catalog),
        ("/circulation", Msg::Circulation),
        ("/members", Msg::Members),
        ("/visits", Msg::Visits),
        ("/stocktake", Msg::Stocktake),
    ];
    let mut program = Vec::new();
    if role.is_officer() {
        program.push(("/program", Msg::Program));
    }
    program.extend([
        ("/aid", Msg::Aid),
        ("/events", Msg::Events),
        ("/workplans", Msg::Workplans),
        ("/activities", Msg::Activities),
        ("/advocacy", Msg::Advocacy),
    ]);
    let monitoring = vec![
        ("/monitoring", Msg::Monitoring),
        ("/reports", Msg::MonthlyReports),
    ];
    let mut admin = vec![("/libraries", Msg::Libraries), ("/regions", Msg::Regions)];
    if role.is_officer() || role == Role::Manager {
        admin.push(("/users", Msg::Users));
    }
    if u.actor.may_read_audit() {
        admin.push(("/audit", Msg::Audit));
    }
    // The library's daily work first for those who run one; the program
    // first for officers and facilitators.
    if works_in_library {
        vec![
            (Msg::MenuLibrary, library),
            (Msg::MenuProgram, program),
            (Msg::MenuMonitoring, monitoring),
            (Msg::MenuAdmin, admin),
        ]
    } else {
        vec![
            (Msg::MenuProgram, program),
            (Msg::MenuMonitoring, monitoring),
            (Msg::MenuLibrary, library),
            (Msg::MenuAdmin, admin),
        ]
    }
}

/// The whole page.
pub fn page(frame: &Frame<'_>, title: &str, body: Markup) -> Markup {
    let lang = frame.lang;
    let current = |href: &str| {
        if href == "/" {
            frame.path == "/"
        } else {
            frame.path.starts_with(href)
        }
    };
    let groups: Vec<_> = menu(frame)
        .into_iter()
        .filter(|(_, links)| !links.is_empty())
        .collect();
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · Lentera" }
                link rel="stylesheet" href={ "/assets/app.css?v=" (asset_version()) };
                link rel="icon" href={ "/assets/icon.svg?v=" (asset_version()) } type="image/svg+xml";
                script src={ "/assets/app.js?v=" (asset_version()) } defer {}
            }
            body {
                a.skip href="#main" { (Msg::SkipToContent.get(lang)) }
                header.top {
                    div.bar {
                        a.brand href="/" { img src={ "/assets/icon.svg?v=" (asset_version()) } alt="" width="28" height="28"; " Lentera" }
                        nav aria-label=(Msg::MainMenu.get(lang)) {
                            ul {
                                li { a href="/" aria-current=[current("/").then_some("page")] { (Msg::Home.get(lang)) } }
                                li { a href="/opac" aria-current=[current("/opac").then_some("page")] { (Msg::Opac.get(lang)) } }
                                @for (group, links) in &groups {
                                    @let here = links.iter().any(|(h, _)| current(h));
                                    li { a href=(links[0].0) aria-current=[here.then_some("true")] { (group.get(lang)) } }
                                }
                            }
                        }
                        div.tools {
                            a href={ "/lang/" (lang.other().code()) "?next=" (url_encode(frame.path)) }
                              lang=(lang.other().code()) hreflang=(lang.other().code()) {
                                (Msg::OtherLanguageName.get(lang))
                            }
                            @if let Some(u) = frame.user {
                                a href="/account" { (u.user.full_name) }
                                form method="post" action="/logout" .inline {
                                    (csrf_field(frame))
                                    button.link type="submit" { (Msg::Logout.get(lang)) }
                                }
                            } @else {
                                a href="/login" { (Msg::Login.get(lang)) }
                            }
                        }
                    }
                }
                @if let Some((group, links)) = groups.iter().find(|(_, l)| l.iter().any(|(h, _)| current(h))) {
                    nav.sub aria-label=(group.get(lang)) {
                        ul {
                            @for (href, label) in links {
                                li { a href=(href) aria-current=[current(href).then_some("page")] { (label.get(lang)) } }
                            }
                        }
                    }
                }
                main #main tabindex="-1" {
                    h1 { (title) }
                    (body)
                }
                footer {
                    p { (Msg::FooterNote.get(lang)) " · " a href="/api/docs" { (Msg::ApiDocs.get(lang)) } }
                }
            }
        }
    }
}

pub fn error_page(err: &WebError, lang: Lang, user: Option<&CurrentUser>) -> Markup {
    let frame = Frame {
        lang,
        user,
        path: "/",
    };
    page(
        &frame,
        Msg::ErrorTitle.get(lang),
        html! {
            p.lead { (err.message(lang)) }
            p { a href="/" { (Msg::Home.get(lang)) } }
        },
    )
}

/// The error summary: a focused box at the top listing each problem as a
/// link to its field. Screen readers announce it first.
pub fn error_summary(errors: &Invalid, lang: Lang) -> Markup {
    if errors.is_empty() {
        return html! {};
    }
    html! {
        div.error-summary role="alert" tabindex="-1" aria-labelledby="error-summary-title" data-autofocus {
            h2 #error-summary-title { (Msg::ErrorSummaryTitle.get(lang)) }
            ul {
                @for e in &errors.0 {
                    li { a href={ "#f-" (e.field) } { (problem_sentence(e.field, &e.problem, lang)) } }
                }
            }
        }
    }
}

/// One form field: label, optional hint, error message, input.
pub struct Field<'a> {
    pub name: &'static str,
    pub value: &'a str,
    pub kind: &'a str,
    pub required: bool,
    pub hint: Option<&'a str>,
    pub extra: Option<Markup>,
}

impl<'a> Field<'a> {
    pub fn text(name: &'static str, value: &'a str) -> Self {
        Field {
            name,
            value,
            kind: "text",
            required: false,
            hint: None,
            extra: None,
        }
    }
    pub fn kind(mut self, kind: &'a str) -> Self {
        self.kind = kind;
        self
    }
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }
    pub fn hint(mut self, hint: &'a str) -> Self {
        self.hint = Some(hint);
        self
    }
}

fn described_by(name: &str, hint: bool, error: bool) -> Option<String> {
    let mut ids = vec![];
    if hint {
        ids.push(format!("h-{name}"));
    }
    if error {
        ids.push(format!("e-{name}"));
    }
    (!ids.is_empty()).then(|| ids.join(" "))
}

fn field_frame(
    f_name: &str,
    lang: Lang,
    required: bool,
    hint: Option<&str>,
    errors: &Invalid,
    input: Markup,
) -> Markup {
    let err = errors.for_field(f_name);
    html! {
        div.field.has-error[err.is_some()] {
            label for={ "f-" (f_name) } {
                (field_label(f_name, lang))
                @if !required { " " span.optional { (Msg::Optional.get(lang)) } }
            }
            @if let Some(h) = hint { p.hint id={ "h-" (f_name) } { (h) } }
            @if let Some(e) = err {
                p.error-message id={ "e-" (f_name) } { (problem_sentence(e.field, &e.problem, lang)) }
            }
            (input)
        }
    }
}

pub fn input(f: Field<'_>, lang: Lang, errors: &Invalid) -> Markup {
    let err = errors.for_field(f.name).is_some();
    let input = html! {
        input id={ "f-" (f.name) } name=(f.name) type=(f.kind) value=(f.value)
            required[f.required] aria-invalid=[err.then_some("true")]
            aria-describedby=[described_by(f.name, f.hint.is_some(), err)];
        @if let Some(x) = f.extra { (x) }
    };
    field_frame(f.name, lang, f.required, f.hint, errors, input)
}

pub fn textarea(name: &'static str, value: &str, lang: Lang, errors: &Invalid) -> Markup {
    let err = errors.for_field(name).is_some();
    let input = html! {
        textarea id={ "f-" (name) } name=(name) rows="3" aria-invalid=[err.then_some("true")]
            aria-describedby=[described_by(name, false, err)] { (value) }
    };
    field_frame(name, lang, false, None, errors, input)
}

/// A `<select>` with (value, label) options.
pub fn select(
    name: &'static str,
    value: &str,
    options: &[(String, String)],
    required: bool,
    lang: Lang,
    errors: &Invalid,
) -> Markup {
    let err = errors.for_field(name).is_some();
    let input = html! {
        select id={ "f-" (name) } name=(name) required[required] aria-invalid=[err.then_some("true")]
            aria-describedby=[described_by(name, false, err)] {
            @if !required { option value="" { "—" } }
            @for (v, l) in options {
                option value=(v) selected[v == value] { (l) }
            }
        }
    };
    field_frame(name, lang, required, None, errors, input)
}

pub fn checkbox(name: &'static str, checked: bool, lang: Lang) -> Markup {
    html! {
        div.field.checkbox {
            input id={ "f-" (name) } type="checkbox" name=(name) value="true" checked[checked];
            label for={ "f-" (name) } { (field_label(name, lang)) }
        }
    }
}

/// A region type-ahead: a text input for the code with a suggestion list
/// filled by `app.js` from `/api/v1/regions/search`, and the chosen region's
/// full path announced politely. Without JavaScript, typing the code works.
pub struct RegionInput<'a> {
    pub name: &'static str,
    pub value: &'a str,
    /// Only suggest regions of this level (`village`, `regency`, …).
    pub level: Option<&'a str>,
    /// Only suggest regions inside this one — the user's reach — so an
    /// officer typing a common village name sees their own villages first.
    pub within: Option<String>,
    pub path_label: Option<String>,
    pub required: bool,
    pub hint: &'a str,
}

pub fn region_input(f: RegionInput<'_>, lang: Lang, errors: &Invalid) -> Markup {
    let name = f.name;
    let err = errors.for_field(name).is_some();
    let input = html! {
        input id={ "f-" (name) } name=(name) type="text" value=(f.value) required[f.required]
            autocomplete="off" list={ "l-" (name) } data-region-search=(f.level.unwrap_or(""))
            data-region-within=[f.within.as_deref()]
            aria-invalid=[err.then_some("true")] aria-describedby=(format!("h-{name} p-{name}{}", if err { format!(" e-{name}") } else { String::new() }));
        datalist id={ "l-" (name) } {}
        p.region-path id={ "p-" (name) } aria-live="polite" { @if let Some(p) = f.path_label { (p) } }
    };
    field_frame(name, lang, f.required, Some(f.hint), errors, input)
}

/// The region a user's suggestions are limited to: their reach, when it is
/// a region.
pub fn reach_region(user: Option<&CurrentUser>) -> Option<String> {
    match user.map(|u| u.actor.reach()) {
        Some(lentera_core::users::Reach::Region(code)) => Some(code.to_string()),
        _ => None,
    }
}

/// Previous/next links that keep the other query parameters.
pub fn pager(base: &str, query: &[(&str, String)], page: i64, pages: i64, lang: Lang) -> Markup {
    if pages <= 1 {
        return html! {};
    }
    let link = |p: i64| {
        let mut q: Vec<String> = query
            .iter()
            .filter(|(k, v)| *k != "page" && !v.is_empty())
            .map(|(k, v)| format!("{k}={}", url_encode(v)))
            .collect();
        q.push(format!("page={p}"));
        format!("{base}?{}", q.join("&"))
    };
    html! {
        nav.pager aria-label=(Msg::PageOf.get(lang).replace("{page}", &page.to_string()).replace("{pages}", &pages.to_string())) {
            @if page > 1 { a rel="prev" href=(link(page - 1)) { "← " (Msg::Previous.get(lang)) } }
            span { (Msg::PageOf.get(lang).replace("{page}", &page.to_string()).replace("{pages}", &pages.to_string())) }
            @if page < pages { a rel="next" href=(link(page + 1)) { (Msg::Next.get(lang)) " →" } }
        }
    }
}

/// A one-line notice (after a save).
pub fn notice(text: &str) -> Markup {
    html! { div.notice role="status" { (text) } }
}

pub fn url_encode(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            o.push(b as char);
        } else {
            o.push_str(&format!("%{b:02X}"));
        }
    }
    o
}

pub fn url_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                let hex = std::str::from_utf8(&b[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(v) => {
                        out.push(v);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Only local paths are followed after sign-in, never another site.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_string(),
        _ => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_coding() {
        assert_eq!(url_encode("/a b?c=d"), "/a%20b%3Fc%3Dd");
        assert_eq!(url_decode("a+b%20c%2F"), "a b c/");
        assert_eq!(url_decode("100%"), "100%");
        assert_eq!(url_decode("%zz"), "%zz");
        assert_eq!(url_decode(&url_encode("Balai Sebut/é")), "Balai Sebut/é");
    }

    #[test]
    fn next_is_local_only() {
        assert_eq!(safe_next(Some("/libraries?x=1")), "/libraries?x=1");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
