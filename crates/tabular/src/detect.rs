//! Format detection by content. File names lie (an XLSX renamed `.csv`, a
//! photo renamed `.xlsx`), so only the bytes are trusted.

use std::io::{self, Read, Seek};

use serde::{Deserialize, Serialize};

use crate::error::{Limit, TabularError};
use crate::lang::Lang;

/// The two table formats Lentera reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Comma/semicolon/tab separated text.
    Csv,
    /// Office Open XML workbook.
    Xlsx,
}

impl Format {
    /// File extension without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }

    /// MIME type for downloads.
    pub fn mime_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    pub(crate) fn label(self) -> &'static str {
        match self {
            Format::Csv => "CSV",
            Format::Xlsx => "XLSX",
        }
    }
}

/// What a rejected file turned out to be, so the message can tell the user
/// what to do ("save as .xlsx") instead of just "invalid file".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FileKind {
    /// Legacy `.xls`, or an Excel file protected with a password (both are
    /// OLE compound files).
    LegacyXls,
    /// Binary Excel workbook (`.xlsb`).
    Xlsb,
    /// OpenDocument spreadsheet (`.ods`, LibreOffice's default).
    Ods,
    /// Some other ZIP archive (e.g. `.docx`).
    OtherZip,
    /// Compressed archive other than ZIP (gzip, rar, 7z).
    Archive,
    /// PDF document.
    Pdf,
    /// Image (PNG, JPEG, GIF, WebP).
    Image,
    /// An HTML page (often web exports named `.xls`).
    Html,
    /// Other XML, e.g. Excel 2003 "XML Spreadsheet".
    Xml,
    /// Binary data of unknown kind.
    Binary,
}

impl FileKind {
    pub(crate) fn describe(self, lang: Lang) -> &'static str {
        match self {
            FileKind::LegacyXls => lang.pick(
                "berkas Excel lama (.xls) atau berkas Excel yang dilindungi kata sandi",
                "a legacy Excel file (.xls) or a password-protected Excel file",
            ),
            FileKind::Xlsb => {
                lang.pick("berkas Excel biner (.xlsb)", "a binary Excel file (.xlsb)")
            }
            FileKind::Ods => lang.pick(
                "berkas LibreOffice/OpenDocument (.ods)",
                "a LibreOffice/OpenDocument file (.ods)",
            ),
            FileKind::OtherZip => lang.pick("arsip ZIP", "a ZIP archive"),
            FileKind::Archive => lang.pick("arsip terkompresi", "a compressed archive"),
            FileKind::Pdf => lang.pick("dokumen PDF", "a PDF document"),
            FileKind::Image => lang.pick("gambar", "an image"),
            FileKind::Html => lang.pick("halaman web (HTML)", "a web page (HTML)"),
            FileKind::Xml => lang.pick("berkas XML", "an XML file"),
            FileKind::Binary => lang.pick("berkas biner", "a binary file"),
        }
    }
}

/// First look at the leading bytes.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Sniff {
    Zip,
    Text,
    Unsupported(FileKind),
}

/// How many leading bytes [`sniff`] wants to see.
pub(crate) const SNIFF_LEN: usize = 512;

pub(crate) fn sniff(head: &[u8]) -> Sniff {
    const MAGIC: &[(&[u8], Option<FileKind>)] = &[
        (b"PK\x03\x04", None),
        (b"PK\x05\x06", Some(FileKind::OtherZip)),
        (
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
            Some(FileKind::LegacyXls),
        ),
        (b"%PDF", Some(FileKind::Pdf)),
        (b"\x89PNG", Some(FileKind::Image)),
        (b"\xFF\xD8\xFF", Some(FileKind::Image)),
        (b"GIF8", Some(FileKind::Image)),
        (b"\x1F\x8B", Some(FileKind::Archive)),
        (b"Rar!", Some(FileKind::Archive)),
        (b"7z\xBC\xAF", Some(FileKind::Archive)),
    ];
    for (magic, kind) in MAGIC {
        if head.starts_with(magic) {
            return match kind {
                None => Sniff::Zip,
                Some(k) => Sniff::Unsupported(*k),
            };
        }
    }
    if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        return Sniff::Unsupported(FileKind::Image);
    }
    // UTF-16 text starts with a BOM and is full of NULs; let the CSV path
    // decode it rather than calling it binary.
    if head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") {
        return Sniff::Text;
    }
    let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let start: Vec<u8> = text
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take(64)
        .map(u8::to_ascii_lowercase)
        .collect();
    if start.starts_with(b"<!doctype html")
        || start.starts_with(b"<html")
        || start.starts_with(b"<table")
    {
        return Sniff::Unsupported(FileKind::Html);
    }
    if start.starts_with(b"<?xml") {
        return Sniff::Unsupported(FileKind::Xml);
    }
    if looks_binary(text) {
        return Sniff::Unsupported(FileKind::Binary);
    }
    Sniff::Text
}

/// Text files (in any 8-bit encoding) have no NULs and few control bytes.
pub(crate) fn looks_binary(bytes: &[u8]) -> bool {
    let controls = bytes
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C | 0x1A))
        .count();
    bytes.contains(&0) || controls * 20 > bytes.len().max(1)
}

/// Limits applied to the ZIP container before any XML is parsed.
pub(crate) struct ZipLimits {
    pub max_entries: usize,
    pub max_uncompressed: u64,
}

/// Confirms a ZIP is an XLSX and that its XML parts inflate to a bounded
/// size. The parts are actually inflated (into a sink): declared sizes in
/// the ZIP headers are attacker-controlled and cannot be trusted.
pub(crate) fn check_xlsx_zip<R: Read + Seek>(
    reader: R,
    limits: &ZipLimits,
) -> Result<(), TabularError> {
    let corrupt = |detail: String| TabularError::Corrupt {
        format: Format::Xlsx,
        detail,
    };
    let mut zip = zip::ZipArchive::new(reader).map_err(|e| corrupt(e.to_string()))?;
    if zip.len() > limits.max_entries {
        return Err(TabularError::TooLarge {
            limit: Limit::ZipEntries,
            max: limits.max_entries as u64,
        });
    }
    let names: Vec<String> = (0..zip.len())
        .filter_map(|i| {
            zip.name_for_index(i)
                .and_then(|n| n.ok())
                .map(|n| n.to_ascii_lowercase())
        })
        .collect();
    let has = |name: &str| names.iter().any(|n| n == name);
    if has("mimetype") || (has("content.xml") && has("meta-inf/manifest.xml")) {
        return Err(TabularError::Unsupported {
            found: FileKind::Ods,
        });
    }
    if has("xl/workbook.bin") {
        return Err(TabularError::Unsupported {
            found: FileKind::Xlsb,
        });
    }
    if !has("[content_types].xml") || !names.iter().any(|n| n.starts_with("xl/")) {
        return Err(TabularError::Unsupported {
            found: FileKind::OtherZip,
        });
    }

    let too_large = TabularError::TooLarge {
        limit: Limit::UncompressedBytes,
        max: limits.max_uncompressed,
    };
    let mut budget = limits.max_uncompressed;
    for i in 0..zip.len() {
        // Only XML parts are ever inflated by the workbook parser; embedded
        // images and the like are left alone, so they need not count.
        let is_xml = names
            .get(i)
            .is_some_and(|n| n.ends_with(".xml") || n.ends_with(".rels"));
        if !is_xml {
            continue;
        }
        let mut entry = zip.by_index(i).map_err(|e| corrupt(e.to_string()))?;
        if entry.size() > budget {
            return Err(too_large);
        }
        let read = io::copy(&mut (&mut entry).take(budget + 1), &mut io::sink())
            .map_err(|e| corrupt(e.to_string()))?;
        if read > budget {
            return Err(too_large);
        }
        budget -= read;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_numbers() {
        assert_eq!(sniff(b"PK\x03\x04rest"), Sniff::Zip);
        assert_eq!(
            sniff(b"\x89PNG\r\n\x1a\n"),
            Sniff::Unsupported(FileKind::Image)
        );
        assert_eq!(
            sniff(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1...."),
            Sniff::Unsupported(FileKind::LegacyXls)
        );
        assert_eq!(sniff(b"%PDF-1.7"), Sniff::Unsupported(FileKind::Pdf));
        assert_eq!(sniff(b"  <HTML><body>"), Sniff::Unsupported(FileKind::Html));
        assert_eq!(sniff(b"kode;nama\r\n1;a"), Sniff::Text);
        assert_eq!(sniff(b"\xEF\xBB\xBFkode;nama"), Sniff::Text);
        assert_eq!(sniff(b"\xFF\xFEk\0o\0"), Sniff::Text);
        assert_eq!(
            sniff(b"nama\0\0\0\x01\x02"),
            Sniff::Unsupported(FileKind::Binary)
        );
        // Windows-1252 bytes are text.
        assert_eq!(sniff(b"nama\nCaf\xE9"), Sniff::Text);
        assert_eq!(sniff(b""), Sniff::Text);
    }
}
