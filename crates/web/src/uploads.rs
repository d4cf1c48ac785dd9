//! Files on the way in and out: multipart forms that mix text and files,
//! photo processing, and serving stored files within reach.
//!
//! A form with a file is read whole into a [`FormData`] (text fields and
//! files), so a handler that finds a problem can re-render the form with the
//! user's typing kept. Files are checked by content
//! (`lentera_core::uploads::check`); photos are decoded, downscaled to at
//! most [`PHOTO_MAX_SIDE`] and re-encoded as JPEG, which also strips EXIF
//! (GPS positions) and anything appended to the image, and get a thumbnail.
//!
//! Multipart forms carry the CSRF token in the action URL
//! (`?csrf=…`), since the CSRF guard does not parse multipart bodies.

use crate::auth::CurrentUser;
use crate::error::WebError;
use crate::i18n::Lang;
use crate::state::AppState;
use axum::Router;
use axum::extract::multipart::{Multipart, MultipartError, MultipartRejection};
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use image::ImageReader;
use lentera_core::field::Problem;
use lentera_core::ids::LibraryId;
use lentera_core::regions::RegionCode;
use lentera_core::uploads::{Accept, FileKind, check, clean_filename};
use lentera_core::users::Place;
use lentera_store::uploads::{NewUpload, UploadInfo};
use maud::{Markup, html};
use std::collections::HashMap;
use std::io::Cursor;

/// The longest side of a stored photo: sharp on a report page, a few hundred
/// kilobytes on a village connection.
pub const PHOTO_MAX_SIDE: u32 = 1600;
/// The longest side of a thumbnail.
pub const THUMB_MAX_SIDE: u32 = 320;
/// Decoding refuses images whose pixels would exceed this (a "pixel bomb":
/// a small file that decodes to gigabytes).
const MAX_PIXELS: u64 = 50_000_000;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/uploads/{id}", get(serve_file))
        .route("/uploads/{id}/thumb", get(serve_thumb))
}

/// One file as received.
#[derive(Debug, Clone)]
pub struct FilePart {
    pub filename: String,
    pub bytes: Vec<u8>,
}

/// A multipart form read whole: text fields (repeated names keep every
/// value, in order) and files. An empty file input is left out, so
/// `file("photo")` is `None` when nothing was chosen.
#[derive(Debug, Default, Clone)]
pub struct FormData {
    pub fields: Vec<(String, String)>,
    pub files: HashMap<String, Vec<FilePart>>,
}

impl FormData {
    /// The first value of a text field, or "".
    pub fn text(&self, name: &str) -> String {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }
    /// Every value of a repeated text field.
    pub fn texts(&self, name: &str) -> Vec<String> {
        self.fields
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }
    pub fn file(&self, name: &str) -> Option<&FilePart> {
        self.files.get(name).and_then(|v| v.first())
    }
    pub fn file_list(&self, name: &str) -> &[FilePart] {
        self.files.get(name).map(Vec::as_slice).unwrap_or(&[])
    }
}

fn multipart_error(e: MultipartError) -> WebError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        WebError::TooLarge {
            max_bytes: crate::MAX_UPLOAD_BYTES,
        }
    } else {
        WebError::BadRequest(e.body_text())
    }
}

/// Reads a whole multipart form. Bodies are capped by the router's
/// `DefaultBodyLimit`, so this never holds more than that in memory.
pub async fn read_form(
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<FormData, WebError> {
    let mut mp = multipart.map_err(|e| WebError::BadRequest(e.body_text()))?;
    let mut out = FormData::default();
    while let Some(field) = mp.next_field().await.map_err(multipart_error)? {
        let Some(name) = field.name().map(str::to_string) else {
            continue;
        };
        match field.file_name().map(str::to_string) {
            Some(filename) => {
                let bytes = field.bytes().await.map_err(multipart_error)?;
                if filename.is_empty() && bytes.is_empty() {
                    continue; // an empty file input
                }
                out.files.entry(name).or_default().push(FilePart {
                    filename,
                    bytes: bytes.to_vec(),
                });
            }
            None => {
                let text = field.text().await.map_err(multipart_error)?;
                out.fields.push((name, text));
            }
        }
    }
    Ok(out)
}

/// A file that passed its checks, ready for [`lentera_store::uploads::save`].
#[derive(Debug, Clone)]
pub struct Prepared {
    pub kind: FileKind,
    pub filename: String,
    pub bytes: Vec<u8>,
    pub thumb: Option<Vec<u8>>,
    pub width: Option<i32>,
    pub height: Option<i32>,
}

impl Prepared {
    /// The row to store, placed at a library (or a region for region-level
    /// records) and attributed to the user.
    pub fn into_new<'a>(
        self,
        library: Option<LibraryId>,
        region: &'a RegionCode,
        by: &CurrentUser,
    ) -> NewUpload<'a> {
        NewUpload {
            library,
            region,
            kind: self.kind,
            filename: self.filename,
            bytes: self.bytes,
            thumb: self.thumb,
            width: self.width,
            height: self.height,
            by: Some(by.user.id),
        }
    }
}

/// Checks a file for a field that accepts `accept`; photos are re-encoded
/// with a thumbnail. CPU-heavy for photos: call it inside
/// `AppState::run` or `tokio::task::spawn_blocking`, not on the async thread.
pub fn prepare(part: &FilePart, accept: Accept) -> Result<Prepared, Problem> {
    let kind = check(&part.bytes, accept)?;
    if !kind.is_image() {
        return Ok(Prepared {
            kind,
            filename: clean_filename(&part.filename, kind),
            bytes: part.bytes.clone(),
            thumb: None,
            width: None,
            height: None,
        });
    }
    let (bytes, thumb, w, h) = reencode(&part.bytes)?;
    Ok(Prepared {
        kind: FileKind::Jpeg,
        filename: clean_filename(&part.filename, FileKind::Jpeg),
        bytes,
        thumb: Some(thumb),
        width: Some(w as i32),
        height: Some(h as i32),
    })
}

/// Decodes an image, bounds it, and writes a fresh JPEG and a thumbnail.
fn reencode(bytes: &[u8]) -> Result<(Vec<u8>, Vec<u8>, u32, u32), Problem> {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| Problem::FileDamaged)?;
    let (w, h) = reader.into_dimensions().map_err(|_| Problem::FileDamaged)?;
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(Problem::FileTooLarge { max_mb: 12 });
    }
    let img = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| Problem::FileDamaged)?
        .decode()
        .map_err(|_| Problem::FileDamaged)?;
    let img = if img.width().max(img.height()) > PHOTO_MAX_SIDE {
        img.resize(
            PHOTO_MAX_SIDE,
            PHOTO_MAX_SIDE,
            image::imageops::FilterType::Triangle,
        )
    } else {
        img
    };
    let rgb = image::DynamicImage::ImageRgb8(img.to_rgb8());
    let thumb = rgb.thumbnail(THUMB_MAX_SIDE, THUMB_MAX_SIDE);
    let enc = |im: &image::DynamicImage, q: u8| -> Result<Vec<u8>, Problem> {
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, q)
            .encode_image(im)
            .map_err(|_| Problem::FileDamaged)?;
        Ok(out)
    };
    Ok((enc(&rgb, 82)?, enc(&thumb, 70)?, rgb.width(), rgb.height()))
}

/// May `u` see this stored file? Library files: anyone whose reach includes
/// the library. Region files: officers over the region.
pub fn may_see(u: &CurrentUser, info: &UploadInfo) -> bool {
    let Some(region) = info.region() else {
        return false;
    };
    match info.library() {
        Some(lib) => u.actor.reaches(&Place {
            region: &region,
            library: Some(lib),
        }),
        None => u.actor.reaches_region(&region),
    }
}

async fn load(
    state: &AppState,
    u: &CurrentUser,
    id: String,
    thumb: bool,
) -> Result<(UploadInfo, Vec<u8>), WebError> {
    let u = u.clone();
    state
        .run(move |c| {
            let info = lentera_store::uploads::info(c, &id)?;
            if !may_see(&u, &info) {
                return Err(WebError::NotFound);
            }
            let bytes = if thumb {
                lentera_store::uploads::thumb(c, &id)?
            } else {
                lentera_store::uploads::bytes(c, &id)?
            };
            Ok((info, bytes))
        })
        .await
}

fn file_response(info: &UploadInfo, bytes: Vec<u8>, kind: FileKind, inline: bool) -> Response {
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind.mime()));
    let disposition = format!(
        "{}; filename=\"{}\"",
        if inline { "inline" } else { "attachment" },
        info.filename
            .replace(|c: char| !c.is_ascii() || c == '"', "_")
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    // A stored file never runs script, even if a browser sniffs it as HTML.
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; img-src 'self'; sandbox"),
    );
    // Content never changes under an id: let the phone keep it.
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=86400, immutable"),
    );
    res
}

async fn serve_file(
    State(state): State<AppState>,
    u: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let (info, bytes) = load(&state, &u, id, false).await?;
    let kind = info.file_kind();
    Ok(file_response(&info, bytes, kind, kind.is_image()))
}

async fn serve_thumb(
    State(state): State<AppState>,
    u: CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let (info, bytes) = load(&state, &u, id, true).await?;
    let kind = if info.file_kind().is_image() {
        FileKind::Jpeg
    } else {
        info.file_kind()
    };
    Ok(file_response(&info, bytes, kind, true))
}

/// A labelled file input with its hint (allowed kinds and size) and error.
/// `multiple` for photo galleries.
pub fn file_input(
    name: &'static str,
    accept: Accept,
    multiple: bool,
    lang: Lang,
    errors: &lentera_core::field::Invalid,
) -> Markup {
    let id = format!("f-{name}");
    let hint_id = format!("h-{name}");
    let err = errors.for_field(name);
    let hint = match lang {
        Lang::Id => format!(
            "{}; paling besar {} MB.",
            accept.allowed_label(),
            accept.max_mb()
        ),
        Lang::En => format!(
            "{}; at most {} MB.",
            accept.allowed_label(),
            accept.max_mb()
        ),
    };
    html! {
        div.field.has-error[err.is_some()] {
            label for=(id) { (crate::i18n::field_label(name, lang)) }
            p.hint id=(hint_id) { (hint) }
            @if let Some(e) = err {
                p.error id={ "e-" (name) } { (crate::i18n::problem_sentence(name, &e.problem, lang)) }
            }
            input id=(id) name=(name) type="file" accept=(accept.input_accept())
                multiple[multiple]
                aria-describedby={ (hint_id) @if err.is_some() { " e-" (name) } }
                aria-invalid=[err.map(|_| "true")];
        }
    }
}

/// A thumbnail linking to the full photo, for report pages.
pub fn thumbnail(id: &str, alt: &str) -> Markup {
    html! {
        a.thumb href={ "/uploads/" (id) } {
            img src={ "/uploads/" (id) "/thumb" } alt=(alt) loading="lazy" width="160";
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageBuffer, Rgb};

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = ImageBuffer::from_fn(w, h, |x, y| Rgb([(x % 256) as u8, (y % 256) as u8, 90]));
        let mut out = Vec::new();
        image::DynamicImage::ImageRgb8(img)
            .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    }

    fn part(name: &str, bytes: Vec<u8>) -> FilePart {
        FilePart {
            filename: name.into(),
            bytes,
        }
    }

    #[test]
    fn photos_are_reencoded_bounded_and_thumbnailed() {
        let p = prepare(&part("kegiatan.png", png(2400, 1200)), Accept::Photo).unwrap();
        assert_eq!(p.kind, FileKind::Jpeg);
        assert_eq!(p.filename, "kegiatan.jpg");
        assert_eq!((p.width, p.height), (Some(1600), Some(800)));
        assert!(p.bytes.starts_with(&[0xFF, 0xD8, 0xFF]));
        let thumb = image::load_from_memory(p.thumb.as_ref().unwrap()).unwrap();
        assert_eq!(thumb.width().max(thumb.height()), THUMB_MAX_SIDE);
    }

    #[test]
    fn a_script_disguised_as_a_photo_is_refused() {
        let e = prepare(
            &part(
                "foto.jpg",
                b"<script>alert(document.cookie)</script>".to_vec(),
            ),
            Accept::Photo,
        )
        .unwrap_err();
        assert!(matches!(e, Problem::FileWrongType { .. }));
    }

    #[test]
    fn a_jpeg_signature_in_front_of_garbage_is_damaged_not_stored() {
        let mut fake = vec![0xFF, 0xD8, 0xFF, 0xE0];
        fake.extend_from_slice(b"<html><script>x()</script></html>");
        assert_eq!(
            prepare(&part("foto.jpg", fake), Accept::Photo).unwrap_err(),
            Problem::FileDamaged
        );
    }

    #[test]
    fn a_truncated_photo_is_damaged() {
        let mut bytes = png(64, 64);
        bytes.truncate(bytes.len() / 2);
        assert_eq!(
            prepare(&part("foto.png", bytes), Accept::Photo).unwrap_err(),
            Problem::FileDamaged
        );
    }

    #[test]
    fn anything_appended_to_a_photo_is_dropped_by_reencoding() {
        let mut bytes = png(32, 32);
        bytes.extend_from_slice(b"<script>polyglot()</script>");
        let p = prepare(&part("foto.png", bytes), Accept::Photo).unwrap();
        assert!(!p.bytes.windows(8).any(|w| w == b"<script>"));
    }

    #[test]
    fn documents_are_kept_as_they_are() {
        let pdf = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n".to_vec();
        let p = prepare(&part("SK Pendirian.pdf", pdf.clone()), Accept::Document).unwrap();
        assert_eq!((p.kind, p.bytes, p.thumb), (FileKind::Pdf, pdf, None));
    }
}
