//! `/notifications`: the signed-in user's in-app messages, newest first,
//! with "mark read". The header shows the unread count.

use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::html::{Frame, csrf_field, page, safe_next};
use crate::i18n::Lang;
use crate::session::L;
use crate::state::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use lentera_store::notifications as store;
use maud::html;
use serde::Deserialize;

crate::messages!(N {
    Title => "Pemberitahuan", "Notifications";
    None => "Belum ada pemberitahuan.", "No notifications yet.";
    MarkAllRead => "Tandai semua sudah dibaca", "Mark all as read";
    MarkRead => "Tandai sudah dibaca", "Mark as read";
    Unread => "Belum dibaca", "Unread";
});

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/notifications", get(list_page))
        .route("/notifications/read", post(mark_read))
        .route("/api/v1/notifications", get(list_api))
}

async fn list_page(
    State(state): State<AppState>,
    u: CurrentUser,
    L(lang): L,
) -> Result<Response, WebError> {
    let id = u.user.id;
    let items = state.run(move |c| Ok(store::recent(c, id, 100)?)).await?;
    let frame = Frame {
        lang,
        user: Some(&u),
        path: "/notifications",
    };
    Ok(page(
        &frame,
        N::Title.get(lang),
        html! {
            @if items.is_empty() {
                p { (N::None.get(lang)) }
            } @else {
                form method="post" action="/notifications/read" {
                    (csrf_field(&frame))
                    button type="submit" { (N::MarkAllRead.get(lang)) }
                }
                ul.notifications {
                    @for n in &items {
                        li.unread[n.read_at.is_none()] {
                            @if n.read_at.is_none() { span.badge { (N::Unread.get(lang)) } " " }
                            a href=(safe_next(Some(&n.link))) {
                                (match lang { Lang::Id => &n.title_id, Lang::En => &n.title_en })
                            }
                            " · " time datetime=(crate::audit::utc_json(n.created_at)) { (crate::audit::wib(n.created_at, lang)) }
                            @if n.read_at.is_none() {
                                form.inline method="post" action="/notifications/read" {
                                    (csrf_field(&frame))
                                    input type="hidden" name="id" value=(n.id);
                                    button.link type="submit" { (N::MarkRead.get(lang)) }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
    .into_response())
}

#[derive(Deserialize)]
struct ReadForm {
    #[serde(default)]
    id: String,
}

async fn mark_read(
    State(state): State<AppState>,
    u: CurrentUser,
    Form(f): Form<ReadForm>,
) -> Result<Response, WebError> {
    let user = u.user.id;
    state
        .run(move |c| {
            let id = Some(f.id.trim()).filter(|s| !s.is_empty());
            Ok(store::mark_read(c, user, id)?)
        })
        .await?;
    Ok(Redirect::to("/notifications").into_response())
}

async fn list_api(State(state): State<AppState>, u: CurrentUser) -> Result<Response, WebError> {
    let id = u.user.id;
    let (items, unread) = state
        .run(move |c| Ok((store::recent(c, id, 100)?, store::unread_count(c, id)?)))
        .await?;
    Ok(Json(serde_json::json!({ "unread": unread, "items": items })).into_response())
}
