//! Uploaded files: what a feature accepts, judged by content.
//!
//! A file's name and the browser's `Content-Type` are the uploader's claims;
//! the first bytes are the file. A script renamed `foto.jpg` has no JPEG
//! signature and is refused here, before anything is stored. Photos are then
//! decoded and re-encoded by the web layer, which also drops polyglots and
//! EXIF data (GPS positions of people's homes) on the way.

use crate::field::Problem;
use serde::Serialize;

/// A kind of file Lentera stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    Pdf,
    Jpeg,
    Png,
    Webp,
    /// Book lists for the catalogue import (aid packages), by content.
    Marc,
    MarcXml,
    Csv,
    Xlsx,
}

impl FileKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Pdf => "pdf",
            FileKind::Jpeg => "jpeg",
            FileKind::Png => "png",
            FileKind::Webp => "webp",
            FileKind::Marc => "marc",
            FileKind::MarcXml => "marcxml",
            FileKind::Csv => "csv",
            FileKind::Xlsx => "xlsx",
        }
    }

    pub fn parse(s: &str) -> Option<FileKind> {
        Some(match s {
            "pdf" => FileKind::Pdf,
            "jpeg" => FileKind::Jpeg,
            "png" => FileKind::Png,
            "webp" => FileKind::Webp,
            "marc" => FileKind::Marc,
            "marcxml" => FileKind::MarcXml,
            "csv" => FileKind::Csv,
            "xlsx" => FileKind::Xlsx,
            _ => return None,
        })
    }

    /// The media type a download is served with.
    pub fn mime(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Jpeg => "image/jpeg",
            FileKind::Png => "image/png",
            FileKind::Webp => "image/webp",
            FileKind::Marc => "application/marc",
            FileKind::MarcXml => "application/marcxml+xml",
            FileKind::Csv => "text/csv",
            FileKind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            FileKind::Pdf => "pdf",
            FileKind::Jpeg => "jpg",
            FileKind::Png => "png",
            FileKind::Webp => "webp",
            FileKind::Marc => "mrc",
            FileKind::MarcXml => "xml",
            FileKind::Csv => "csv",
            FileKind::Xlsx => "xlsx",
        }
    }

    pub fn is_image(self) -> bool {
        matches!(self, FileKind::Jpeg | FileKind::Png | FileKind::Webp)
    }
}

/// What a form field accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accept {
    /// Scanned letters and decrees: PDF, or a photo of the paper.
    Document,
    /// Evidence photos.
    Photo,
    /// A book list for the catalogue import: MARC, MARCXML, CSV or XLSX.
    BookList,
}

impl Accept {
    pub fn allows(self, kind: FileKind) -> bool {
        match self {
            Accept::Document => matches!(kind, FileKind::Pdf | FileKind::Jpeg | FileKind::Png),
            Accept::Photo => kind.is_image(),
            Accept::BookList => matches!(
                kind,
                FileKind::Marc | FileKind::MarcXml | FileKind::Csv | FileKind::Xlsx
            ),
        }
    }

    /// Size limit in MB. A phone photo is 2–6 MB; a scanned decree rarely
    /// passes 5 MB. Above these a village connection times out anyway.
    pub fn max_mb(self) -> u32 {
        match self {
            Accept::Document => 10,
            Accept::Photo => 12,
            Accept::BookList => 20,
        }
    }

    /// The allowed kinds, for the message and the `accept` attribute's text.
    pub fn allowed_label(self) -> &'static str {
        match self {
            Accept::Document => "PDF, JPG, PNG",
            Accept::Photo => "JPG, PNG, WebP",
            Accept::BookList => "MARC, MARCXML, CSV, XLSX",
        }
    }

    /// The `accept` attribute of the file input: a hint for the picker,
    /// never trusted.
    pub fn input_accept(self) -> &'static str {
        match self {
            Accept::Document => ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png",
            Accept::Photo => "image/jpeg,image/png,image/webp",
            Accept::BookList => ".mrc,.marc,.xml,.csv,.xlsx",
        }
    }
}

/// The kind a file's content says it is, if any Lentera stores.
pub fn sniff(bytes: &[u8]) -> Option<FileKind> {
    if bytes.starts_with(b"%PDF-") {
        Some(FileKind::Pdf)
    } else if bytes.len() >= 3 && bytes[..3] == [0xFF, 0xD8, 0xFF] {
        Some(FileKind::Jpeg)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(FileKind::Png)
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(FileKind::Webp)
    } else {
        None
    }
}

/// Checks an upload against what the field accepts: not empty, not too
/// large, and of an allowed kind by content.
pub fn check(bytes: &[u8], accept: Accept) -> Result<FileKind, Problem> {
    if bytes.is_empty() {
        return Err(Problem::FileEmpty);
    }
    let max = accept.max_mb();
    if bytes.len() as u64 > u64::from(max) * 1024 * 1024 {
        return Err(Problem::FileTooLarge { max_mb: max });
    }
    let wrong = Problem::FileWrongType {
        allowed: accept.allowed_label(),
    };
    let kind = if accept == Accept::BookList {
        book_list_kind(bytes)
    } else {
        sniff(bytes)
    }
    .ok_or(wrong.clone())?;
    if !accept.allows(kind) {
        return Err(wrong);
    }
    if kind == FileKind::Pdf && !pdf_looks_whole(bytes) {
        return Err(Problem::FileDamaged);
    }
    if kind.is_image() && !image_is_whole(bytes) {
        return Err(Problem::FileDamaged);
    }
    Ok(kind)
}

/// A book list's kind, by the catalogue import's own content detection.
fn book_list_kind(bytes: &[u8]) -> Option<FileKind> {
    use crate::catalog::transfer::{TransferFormat, detect};
    let head = &bytes[..bytes.len().min(64 * 1024)];
    Some(match detect(head)? {
        TransferFormat::Marc => FileKind::Marc,
        TransferFormat::MarcXml => FileKind::MarcXml,
        TransferFormat::Xlsx => FileKind::Xlsx,
        TransferFormat::Csv | TransferFormat::Slims => FileKind::Csv,
    })
}

/// Whether an image's bytes run to their end: a JPEG reaches its EOI
/// marker, a PNG its IEND chunk, a WebP fills its RIFF length. Image
/// decoders are lenient and paint the missing part of a cut-off upload
/// grey; evidence must not be half a photo, so a truncated file is refused
/// (`FileDamaged`) before decoding. Other kinds answer `true`.
pub fn image_is_whole(bytes: &[u8]) -> bool {
    if bytes.starts_with(&[0xFF, 0xD8]) {
        jpeg_is_whole(bytes)
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        png_is_whole(bytes)
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        let declared = u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]) as usize;
        bytes.len() >= declared.saturating_add(8)
    } else {
        true
    }
}

/// Walks the JPEG's segments by their lengths (so a thumbnail inside the
/// EXIF block is skipped whole), then the entropy-coded data of each scan
/// (where `FF` is stuffed as `FF 00` and restart markers `FF D0`–`FF D7`
/// belong to the data), until the EOI marker. Bytes after EOI (some phones
/// append their own trailer) are allowed.
fn jpeg_is_whole(b: &[u8]) -> bool {
    let mut i = 2;
    loop {
        // Fill bytes before a marker.
        while i < b.len() && b[i] == 0xFF && b.get(i + 1) == Some(&0xFF) {
            i += 1;
        }
        if i + 1 >= b.len() || b[i] != 0xFF {
            return false;
        }
        let marker = b[i + 1];
        i += 2;
        match marker {
            0xD9 => return true,
            0x01 | 0xD0..=0xD7 => continue,
            _ => {}
        }
        if i + 1 >= b.len() {
            return false;
        }
        let len = usize::from(b[i]) << 8 | usize::from(b[i + 1]);
        if len < 2 || i + len > b.len() {
            return false;
        }
        i += len;
        if marker == 0xDA {
            // Entropy-coded data up to the next real marker.
            loop {
                if i + 1 >= b.len() {
                    return false;
                }
                if b[i] == 0xFF && b[i + 1] != 0x00 && !(0xD0..=0xD7).contains(&b[i + 1]) {
                    break;
                }
                i += 1;
            }
        }
    }
}

/// Walks the PNG's chunks by their lengths to IEND.
fn png_is_whole(b: &[u8]) -> bool {
    let mut i = 8;
    while i + 8 <= b.len() {
        let len = u32::from_be_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]) as usize;
        let kind = &b[i + 4..i + 8];
        let end = i.saturating_add(12).saturating_add(len);
        if end > b.len() {
            return false;
        }
        if kind == b"IEND" {
            return true;
        }
        i = end;
    }
    false
}

/// A PDF ends with `%%EOF` (within the last kilobyte: writers add trailing
/// newlines or garbage). A cut-off upload does not.
fn pdf_looks_whole(bytes: &[u8]) -> bool {
    let tail = &bytes[bytes.len().saturating_sub(1024)..];
    tail.windows(5).any(|w| w == b"%%EOF")
}

/// A stored file name: the uploader's name without any path, control
/// characters or quotes, at most 100 characters, with the extension its
/// content deserves. Used only for display and `Content-Disposition`.
pub fn clean_filename(name: &str, kind: FileKind) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let stem = base.rsplit_once('.').map(|(s, _)| s).unwrap_or(base);
    let mut out: String = stem
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '\'' | ';' | '<' | '>'))
        .take(100)
        .collect();
    out = out.trim().to_string();
    if out.is_empty() {
        out = "berkas".into();
    }
    format!("{out}.{}", kind.extension())
}

#[cfg(test)]
mod tests {
    use super::*;

    // The smallest whole JPEG: start and end of image.
    const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xD9];

    #[test]
    fn kinds_are_judged_by_content() {
        assert_eq!(sniff(b"%PDF-1.7\n..."), Some(FileKind::Pdf));
        assert_eq!(sniff(JPEG), Some(FileKind::Jpeg));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0"), Some(FileKind::Png));
        assert_eq!(sniff(b"RIFF\x10\0\0\0WEBPVP8 "), Some(FileKind::Webp));
        assert_eq!(sniff(b"<script>alert(1)</script>"), None);
        assert_eq!(sniff(b"GIF89a"), None);
    }

    #[test]
    fn a_script_named_like_a_photo_is_refused() {
        let e = check(b"<html><script>fetch('/x')</script>", Accept::Photo).unwrap_err();
        assert_eq!(
            e,
            Problem::FileWrongType {
                allowed: "JPG, PNG, WebP"
            }
        );
    }

    #[test]
    fn documents_and_photos_accept_different_kinds() {
        assert_eq!(
            check(b"%PDF-1.4\n1 0 obj\n%%EOF\n", Accept::Document),
            Ok(FileKind::Pdf)
        );
        assert!(matches!(
            check(b"%PDF-1.4\n1 0 obj\n%%EOF\n", Accept::Photo),
            Err(Problem::FileWrongType { .. })
        ));
        assert_eq!(check(JPEG, Accept::Document), Ok(FileKind::Jpeg));
        assert!(matches!(
            check(b"RIFF\x10\0\0\0WEBPVP8 ", Accept::Document),
            Err(Problem::FileWrongType { .. })
        ));
    }

    #[test]
    fn empty_large_and_truncated_files_are_refused() {
        assert_eq!(check(b"", Accept::Photo), Err(Problem::FileEmpty));
        let mut big = JPEG.to_vec();
        big.resize(13 * 1024 * 1024, 0);
        assert_eq!(
            check(&big, Accept::Photo),
            Err(Problem::FileTooLarge { max_mb: 12 })
        );
        assert_eq!(
            check(b"%PDF-1.4\n1 0 obj\n<< /Len", Accept::Document),
            Err(Problem::FileDamaged)
        );
    }

    #[test]
    fn a_cut_off_photo_is_damaged() {
        let cut = [0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F'];
        assert_eq!(check(&cut, Accept::Photo), Err(Problem::FileDamaged));
    }

    #[test]
    fn book_lists_are_judged_by_the_catalogue_detector() {
        let csv = b"judul,pengarang,isbn\nLaskar Pelangi,Andrea Hirata,9789793062792\n";
        assert_eq!(check(csv, Accept::BookList), Ok(FileKind::Csv));
        let photo_head = [0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F', 0, 1];
        assert!(matches!(
            check(&photo_head, Accept::BookList),
            Err(Problem::FileWrongType { .. })
        ));
        assert!(matches!(
            check(csv, Accept::Photo),
            Err(Problem::FileWrongType { .. })
        ));
    }

    #[test]
    fn file_names_lose_paths_and_get_the_true_extension() {
        assert_eq!(
            clean_filename("C:\\Users\\a\\SK \"pendirian\".exe", FileKind::Pdf),
            "SK pendirian.pdf"
        );
        assert_eq!(
            clean_filename("../../etc/passwd", FileKind::Jpeg),
            "passwd.jpg"
        );
        assert_eq!(clean_filename("", FileKind::Png), "berkas.png");
    }
}
