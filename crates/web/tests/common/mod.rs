//! Black-box test harness: the real router over a fresh database, driven
//! through HTTP requests exactly as a browser or script would send them
//! (cookies, CSRF tokens, form bodies, JSON), on SQLite and PostgreSQL.
#![allow(dead_code)]

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use lentera_core::audit::ActorRef;
use lentera_core::ids::LibraryId;
use lentera_core::libraries::{LibraryDraft, LibraryForm};
use lentera_core::users::{UserDraft, UserForm};
use lentera_store::testing::TestDb;
use lentera_store::{Backend, libraries, regions, users};
use lentera_web::{AppState, Config};
use tower::ServiceExt;

pub const PASSWORD: &str = "kata sandi uji coba";

/// Two libraries in different districts, and one user of every role,
/// positioned so that each role's reach includes some records and excludes
/// others:
///
/// - Magetan (Jawa Timur, 3520): library `magetan`, district officer
///   `dinas.magetan`, province officer `dinas.jatim`, manager `pengelola.magetan`,
///   staff `staf.magetan`, facilitator `fasilitator` assigned to `magetan` only.
/// - Sanggau (Kalimantan Barat, 6103): library `sanggau` (Balai Sebut),
///   district officer `dinas.sanggau`, manager `pengelola.sanggau`.
/// - `admin`: national.
/// - A second Magetan library `magetan2`, not assigned to the facilitator.
pub struct TestApp {
    pub router: Router,
    pub state: AppState,
    pub magetan: LibraryId,
    pub magetan2: LibraryId,
    pub sanggau: LibraryId,
    _db: TestDb,
}

pub struct Res {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Vec<u8>,
}

impl Res {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
    pub fn location(&self) -> Option<String> {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }
}

/// A signed-in (or anonymous) client.
pub struct Client<'a> {
    pub app: &'a TestApp,
    pub cookie: Option<String>,
    pub csrf: Option<String>,
    pub bearer: Option<String>,
}

impl TestApp {
    pub fn new(backend: Backend) -> Option<TestApp> {
        let t = lentera_store::testing::fresh(backend)?;
        let mut c = t.db.conn().unwrap();
        let tree = regions::tree(&mut c).unwrap();
        let sys = ActorRef::system("test");
        let lib = |c: &mut lentera_store::Conn, name: &str, village: &str| {
            let f = LibraryForm {
                kind: "desa".into(),
                name: name.into(),
                village_code: village.into(),
                ..Default::default()
            };
            libraries::create(c, &sys, &LibraryDraft::parse(&f, &tree, 2026).unwrap())
                .unwrap()
                .id
        };
        let magetan = lib(&mut c, "Perpustakaan Desa Contoh Magetan", "3520012001");
        let magetan2 = lib(&mut c, "TBM Pelangi Magetan", "3520012002");
        let sanggau = lib(&mut c, "Perpustakaan Desa Balai Sebut", "6103042001");
        let hash = lentera_web::auth::hash_password(PASSWORD).unwrap();
        let mut add = |name: &str, role: &str, region: &str, library: Option<LibraryId>| {
            let f = UserForm {
                username: name.into(),
                full_name: format!("Uji {name}"),
                role: role.into(),
                region_code: region.into(),
                library_id: library.map(|l| l.to_string()).unwrap_or_default(),
                ..Default::default()
            };
            users::create(&mut c, &sys, &UserDraft::parse(&f).unwrap(), &hash, false).unwrap()
        };
        add("admin", "national", "", None);
        add("dinas.jatim", "province", "35", None);
        add("dinas.magetan", "district", "3520", None);
        add("dinas.sanggau", "district", "6103", None);
        let fac = add("fasilitator", "facilitator", "3520", None);
        add("pengelola.magetan", "manager", "", Some(magetan));
        add("staf.magetan", "staff", "", Some(magetan));
        add("pengelola.sanggau", "manager", "", Some(sanggau));
        users::set_assignments(&mut c, &sys, fac.id, &[magetan]).unwrap();
        drop(c);
        let state = AppState::new(t.db.clone(), tree, Config::default());
        let router = lentera_web::router(state.clone());
        Some(TestApp {
            router,
            state,
            magetan,
            magetan2,
            sanggau,
            _db: t,
        })
    }

    pub fn anon(&self) -> Client<'_> {
        Client {
            app: self,
            cookie: None,
            csrf: None,
            bearer: None,
        }
    }

    /// Signs in through the JSON API and keeps the cookie and CSRF token.
    pub async fn login(&self, username: &str) -> Client<'_> {
        let mut c = self.anon();
        let r = c
            .post_json(
                "/api/v1/auth/login",
                serde_json::json!({"username": username, "password": PASSWORD}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "login {username}: {}", r.text());
        let set = r
            .headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("lentera_session="));
        c.cookie = set.map(|v| v.split(';').next().unwrap_or("").to_string());
        c.csrf = r.json()["csrf_token"].as_str().map(str::to_string);
        c
    }

    /// Signs in for a bearer token, as a script would.
    pub async fn token(&self, username: &str) -> Client<'_> {
        let mut c = self.anon();
        let r = c
            .post_json(
                "/api/v1/auth/login",
                serde_json::json!({"username": username, "password": PASSWORD, "token": true}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "token {username}: {}", r.text());
        c.bearer = r.json()["token"].as_str().map(str::to_string);
        c
    }
}

impl Client<'_> {
    pub async fn send(&self, req: Request<Body>) -> Res {
        let res = self.app.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
        Res {
            status,
            headers,
            body,
        }
    }

    fn builder(&self, method: Method, uri: &str) -> axum::http::request::Builder {
        let mut b = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::HOST, "localhost");
        if let Some(c) = &self.cookie {
            b = b.header(header::COOKIE, c);
        }
        if let Some(t) = &self.bearer {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        b
    }

    pub async fn get(&self, uri: &str) -> Res {
        self.send(self.builder(Method::GET, uri).body(Body::empty()).unwrap())
            .await
    }

    /// JSON with the CSRF header when signed in with a cookie.
    pub async fn json(&self, method: Method, uri: &str, body: serde_json::Value) -> Res {
        let mut b = self
            .builder(method, uri)
            .header(header::CONTENT_TYPE, "application/json");
        if let (Some(t), Some(_)) = (&self.csrf, &self.cookie) {
            b = b.header("x-csrf-token", t);
        }
        self.send(b.body(Body::from(body.to_string())).unwrap())
            .await
    }

    pub async fn post_json(&self, uri: &str, body: serde_json::Value) -> Res {
        self.json(Method::POST, uri, body).await
    }

    pub async fn put_json(&self, uri: &str, body: serde_json::Value) -> Res {
        self.json(Method::PUT, uri, body).await
    }

    pub async fn delete(&self, uri: &str) -> Res {
        let mut b = self.builder(Method::DELETE, uri);
        if let (Some(t), Some(_)) = (&self.csrf, &self.cookie) {
            b = b.header("x-csrf-token", t);
        }
        self.send(b.body(Body::empty()).unwrap()).await
    }

    /// A browser form post: urlencoded, with the `csrf` field added.
    pub async fn post_form(&self, uri: &str, fields: &[(&str, &str)]) -> Res {
        let mut pairs: Vec<String> = fields
            .iter()
            .map(|(k, v)| {
                format!(
                    "{}={}",
                    lentera_web::html::url_encode(k),
                    lentera_web::html::url_encode(v)
                )
            })
            .collect();
        if let Some(t) = &self.csrf {
            pairs.push(format!("csrf={t}"));
        }
        let b = self
            .builder(Method::POST, uri)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        self.send(b.body(Body::from(pairs.join("&"))).unwrap())
            .await
    }

    /// A multipart form with text fields and files (`(field, filename,
    /// bytes)`), CSRF in the query as pages do.
    pub async fn multipart(
        &self,
        uri: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &[u8])],
    ) -> Res {
        let boundary = "lenteraTestBoundary7MA4YWxkTrZu0gW";
        let mut body = Vec::new();
        for (k, v) in fields {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                )
                .as_bytes(),
            );
        }
        for (k, name, bytes) in files {
            body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let uri = match (&self.csrf, &self.cookie) {
            (Some(t), Some(_)) => {
                format!("{uri}{}csrf={t}", if uri.contains('?') { '&' } else { '?' })
            }
            _ => uri.to_string(),
        };
        let b = self.builder(Method::POST, &uri).header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        );
        self.send(b.body(Body::from(body)).unwrap()).await
    }

    /// A multipart upload of one file field, CSRF in the query as pages do.
    pub async fn upload(&self, uri: &str, field: &str, filename: &str, bytes: &[u8]) -> Res {
        let boundary = "lenteraTestBoundary7MA4YWxkTrZu0gW";
        let mut body = Vec::new();
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let uri = match (&self.csrf, &self.cookie) {
            (Some(t), Some(_)) => {
                format!("{uri}{}csrf={t}", if uri.contains('?') { '&' } else { '?' })
            }
            _ => uri.to_string(),
        };
        let b = self.builder(Method::POST, &uri).header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        );
        self.send(b.body(Body::from(body)).unwrap()).await
    }
}

/// Generates one `#[tokio::test]` per backend from one async body that takes
/// `&TestApp`.
#[macro_export]
macro_rules! app_test {
    ($name:ident, |$app:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            async fn run($app: &$crate::common::TestApp) $body
            #[tokio::test]
            async fn sqlite() {
                let app = $crate::common::TestApp::new(lentera_store::Backend::Sqlite).expect("sqlite");
                run(&app).await;
            }
            #[tokio::test]
            async fn postgres() {
                if let Some(app) = $crate::common::TestApp::new(lentera_store::Backend::Postgres) {
                    run(&app).await;
                }
            }
        }
    };
}
