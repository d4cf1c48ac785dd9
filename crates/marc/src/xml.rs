//! MARCXML (MARC 21 slim) streaming reader and writer.
//!
//! The reader accepts a `<collection>` root or bare consecutive `<record>`
//! elements (not well-formed XML, but seen in the wild, e.g. Evergreen's
//! `serials_marc21.xml`), with or without a namespace prefix (`marc:record`):
//! elements are matched by local name. Elements other than `leader`,
//! `controlfield`, `datafield` and `subfield` inside a record are ignored.
//! A missing or empty `ind1`/`ind2` attribute reads as blank. Input must be
//! UTF-8 (as MARCXML is in practice); the five predefined XML entities and
//! character references are resolved, other entities are errors.
//!
//! Each record's problems are reported as [`Error::Record`] with its index and
//! the byte offset of its `<record` tag; the reader then continues after
//! `</record>`. Records come out like the ISO 2709 reader's: leader/09 = `a`,
//! positions 10-11/20-23 normalised and lengths recomputed.

use std::io::{self, BufRead, Write};
use std::sync::Arc;

use quick_xml::Reader;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};

use crate::error::{Error, Position, Reason, XmlProblem};
use crate::iso2709::{normalize_leader, normalized_leader};
use crate::record::{
    ControlField, DataField, Field, Indicator, Leader, Record, Subfield, SubfieldCode, Tag,
    leader_problem,
};

/// The MARCXML namespace.
pub const MARCXML_NAMESPACE: &str = "http://www.loc.gov/MARC21/slim";

/// Streaming MARCXML reader: an iterator of `Result<Record, Error>`.
///
/// Memory use is bounded by the largest single record, not the file.
pub struct MarcXmlReader<R: BufRead> {
    xml: Reader<R>,
    buf: Vec<u8>,
    next_index: u64,
    position: Option<Position>,
    /// Offset of a `<record>` start tag met while finishing the previous record.
    pending_start: Option<u64>,
    /// Position of the last XML error outside records, to detect no progress.
    last_error_at: Option<u64>,
    finished: bool,
}

/// What text inside a record is collected for.
enum Target {
    Leader,
    Control(Tag),
    Subfield(SubfieldCode),
    /// Inside a field that was already found bad.
    Skip,
}

/// A record under construction; the first problem found is kept.
#[derive(Default)]
struct Builder {
    leader: Option<String>,
    fields: Vec<Field>,
    datafield: Option<DataField>,
    target: Option<Target>,
    text: String,
    error: Option<Reason>,
}

fn local_name<'a>(e: &'a BytesStart<'_>) -> &'a [u8] {
    let name = e.name().into_inner();
    match name.iter().rposition(|&b| b == b':') {
        Some(i) => &name[i + 1..],
        None => name,
    }
}

fn attribute(e: &BytesStart<'_>, name: &str) -> Result<Option<String>, Reason> {
    match e.try_get_attribute(name) {
        Ok(Some(attr)) => attr
            .decode_and_unescape_value(e.decoder())
            .map(|v| Some(v.into_owned()))
            .map_err(|err| Reason::Xml(err.to_string())),
        Ok(None) => Ok(None),
        Err(err) => Err(Reason::Xml(err.to_string())),
    }
}

fn single_char(value: &str) -> Option<char> {
    let mut chars = value.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    }
}

impl Builder {
    fn fail(&mut self, reason: Reason) {
        if self.error.is_none() {
            self.error = Some(reason);
        }
    }

    fn capturing(&self) -> bool {
        matches!(
            self.target,
            Some(Target::Leader | Target::Control(_) | Target::Subfield(_))
        )
    }

    fn tag_attribute(&mut self, e: &BytesStart<'_>, element: &'static str) -> Option<Tag> {
        match attribute(e, "tag") {
            Ok(Some(value)) => match Tag::parse(&value) {
                Ok(tag) => Some(tag),
                Err(_) => {
                    self.fail(Reason::InvalidTag(value));
                    None
                }
            },
            Ok(None) => {
                self.fail(Reason::XmlStructure(XmlProblem::MissingAttribute {
                    element,
                    attribute: "tag",
                }));
                None
            }
            Err(reason) => {
                self.fail(reason);
                None
            }
        }
    }

    fn indicator(&mut self, e: &BytesStart<'_>, tag: Tag, name: &str) -> Indicator {
        let value = match attribute(e, name) {
            Ok(v) => v,
            Err(reason) => {
                self.fail(reason);
                return Indicator::BLANK;
            }
        };
        match value.as_deref() {
            None | Some("") => Indicator::BLANK,
            Some(v) => match single_char(v).map(Indicator::new) {
                Some(Ok(i)) => i,
                _ => {
                    self.fail(Reason::XmlStructure(XmlProblem::BadIndicator {
                        tag,
                        value: v.to_owned(),
                    }));
                    Indicator::BLANK
                }
            },
        }
    }

    fn start(&mut self, name: &[u8], e: &BytesStart<'_>, empty: bool) {
        match name {
            b"leader" => {
                self.target = Some(Target::Leader);
                self.text.clear();
            }
            b"controlfield" => {
                self.text.clear();
                self.target = Some(match self.tag_attribute(e, "controlfield") {
                    Some(tag) => Target::Control(tag),
                    None => Target::Skip,
                });
            }
            b"datafield" => {
                if self.datafield.is_some() {
                    self.fail(Reason::XmlStructure(XmlProblem::NestedDatafield));
                }
                self.datafield = self.tag_attribute(e, "datafield").map(|tag| {
                    let ind1 = self.indicator(e, tag, "ind1");
                    let ind2 = self.indicator(e, tag, "ind2");
                    DataField::new(tag, ind1, ind2)
                });
            }
            b"subfield" => {
                self.text.clear();
                if self.datafield.is_none() {
                    self.fail(Reason::XmlStructure(XmlProblem::SubfieldOutsideDatafield));
                }
                let code = match attribute(e, "code") {
                    Ok(Some(v)) => match single_char(&v).map(SubfieldCode::new) {
                        Some(Ok(code)) => Some(code),
                        _ => {
                            self.fail(Reason::InvalidSubfieldCode(v));
                            None
                        }
                    },
                    Ok(None) => {
                        self.fail(Reason::XmlStructure(XmlProblem::MissingAttribute {
                            element: "subfield",
                            attribute: "code",
                        }));
                        None
                    }
                    Err(reason) => {
                        self.fail(reason);
                        None
                    }
                };
                self.target = Some(code.map_or(Target::Skip, Target::Subfield));
            }
            _ => {}
        }
        if empty {
            self.end(name);
        }
    }

    fn end(&mut self, name: &[u8]) {
        match name {
            b"leader" | b"controlfield" | b"subfield" => {
                let text = std::mem::take(&mut self.text);
                match self.target.take() {
                    Some(Target::Leader) => self.leader = Some(text),
                    Some(Target::Control(tag)) => self
                        .fields
                        .push(Field::Control(ControlField { tag, value: text })),
                    Some(Target::Subfield(code)) => {
                        if let Some(df) = self.datafield.as_mut() {
                            df.subfields.push(Subfield { code, value: text });
                        }
                    }
                    Some(Target::Skip) | None => {}
                }
            }
            b"datafield" => {
                if let Some(df) = self.datafield.take() {
                    self.fields.push(Field::Data(df));
                }
            }
            _ => {}
        }
    }

    fn finish(mut self) -> Result<Record, Reason> {
        if let Some(reason) = self.error {
            return Err(reason);
        }
        // Tolerate a missing </datafield> before </record>.
        if let Some(df) = self.datafield.take() {
            self.fields.push(Field::Data(df));
        }
        let text = self
            .leader
            .ok_or(Reason::XmlStructure(XmlProblem::MissingLeader))?;
        let leader = Leader::from_bytes(text.as_bytes())
            .ok_or_else(|| Reason::BadLeader(leader_problem(text.as_bytes())))?;
        let mut record = Record {
            leader,
            fields: self.fields,
        };
        normalize_leader(&mut record);
        Ok(record)
    }
}

fn io_error(err: Arc<io::Error>) -> io::Error {
    Arc::try_unwrap(err).unwrap_or_else(|shared| io::Error::new(shared.kind(), shared.to_string()))
}

impl<R: BufRead> MarcXmlReader<R> {
    /// A reader over `inner`.
    pub fn new(inner: R) -> Self {
        let mut xml = Reader::from_reader(inner);
        let config = xml.config_mut();
        // Structure is checked per record instead, so that one bad record (or
        // several root elements) does not end the stream.
        config.check_end_names = false;
        config.allow_unmatched_ends = true;
        config.trim_text(false);
        config.expand_empty_elements = false;
        MarcXmlReader {
            xml,
            buf: Vec::new(),
            next_index: 0,
            position: None,
            pending_start: None,
            last_error_at: None,
            finished: false,
        }
    }

    /// Position of the record (or bad record) returned by the last call to
    /// `next`. For an XML error between records, the index is the one the
    /// next record will get.
    pub fn position(&self) -> Option<Position> {
        self.position
    }

    /// The underlying reader.
    pub fn into_inner(self) -> R {
        self.xml.into_inner()
    }

    /// Advances to the next `<record>` start tag and returns its offset and
    /// whether it was self-closing.
    fn find_record(&mut self) -> Result<Option<(u64, bool)>, Error> {
        loop {
            self.buf.clear();
            let event = self.xml.read_event_into(&mut self.buf);
            let after = self.xml.buffer_position();
            match event {
                Ok(Event::Start(e)) if local_name(&e) == b"record" => {
                    return Ok(Some((after.saturating_sub(e.len() as u64 + 2), false)));
                }
                Ok(Event::Empty(e)) if local_name(&e) == b"record" => {
                    return Ok(Some((after.saturating_sub(e.len() as u64 + 3), true)));
                }
                Ok(Event::Eof) => return Ok(None),
                Ok(_) => {}
                Err(quick_xml::Error::Io(err)) => {
                    return Err(Error::Io {
                        offset: after,
                        source: io_error(err),
                    });
                }
                Err(err) => {
                    let at = self.xml.error_position();
                    if self.last_error_at == Some(after) {
                        // No progress since the last error: give up.
                        self.finished = true;
                    }
                    self.last_error_at = Some(after);
                    return Err(Error::Record {
                        position: Position {
                            index: self.next_index,
                            offset: at,
                        },
                        reason: Reason::Xml(err.to_string()),
                    });
                }
            }
        }
    }

    /// Reads events up to `</record>`; the outer error is fatal (I/O).
    fn read_body(&mut self) -> Result<Result<Record, Reason>, Error> {
        let mut builder = Builder::default();
        loop {
            self.buf.clear();
            let before = self.xml.buffer_position();
            let event = self.xml.read_event_into(&mut self.buf);
            let after = self.xml.buffer_position();
            match event {
                Ok(Event::Start(e)) => {
                    let name = local_name(&e);
                    if name == b"record" {
                        self.pending_start = Some(after.saturating_sub(e.len() as u64 + 2));
                        builder.fail(Reason::XmlStructure(XmlProblem::UnclosedRecord));
                        return Ok(builder.finish());
                    }
                    builder.start(name, &e, false);
                }
                Ok(Event::Empty(e)) => {
                    let name = local_name(&e);
                    if name == b"record" {
                        builder.fail(Reason::XmlStructure(XmlProblem::EmptyRecord));
                    } else {
                        builder.start(name, &e, true);
                    }
                }
                Ok(Event::End(e)) => {
                    let name = e.local_name().into_inner();
                    if name == b"record" {
                        return Ok(builder.finish());
                    }
                    builder.end(name);
                }
                Ok(Event::Text(t)) if builder.capturing() => match t.xml10_content() {
                    Ok(s) => builder.text.push_str(&s),
                    Err(err) => builder.fail(Reason::Xml(err.to_string())),
                },
                Ok(Event::CData(t)) if builder.capturing() => match t.xml10_content() {
                    Ok(s) => builder.text.push_str(&s),
                    Err(err) => builder.fail(Reason::Xml(err.to_string())),
                },
                Ok(Event::GeneralRef(r)) if builder.capturing() => match r.resolve_char_ref() {
                    Ok(Some(ch)) => builder.text.push(ch),
                    Ok(None) => {
                        let name = r.decode().map(|n| n.into_owned()).unwrap_or_default();
                        match resolve_predefined_entity(&name) {
                            Some(s) => builder.text.push_str(s),
                            None => builder
                                .fail(Reason::XmlStructure(XmlProblem::UnknownEntity { name })),
                        }
                    }
                    Err(err) => builder.fail(Reason::Xml(err.to_string())),
                },
                Ok(Event::Eof) => {
                    self.finished = true;
                    builder.fail(Reason::XmlStructure(XmlProblem::UnexpectedEnd));
                    return Ok(builder.finish());
                }
                Ok(_) => {}
                Err(quick_xml::Error::Io(err)) => {
                    return Err(Error::Io {
                        offset: after,
                        source: io_error(err),
                    });
                }
                Err(err) => {
                    builder.fail(Reason::Xml(err.to_string()));
                    if after == before {
                        self.finished = true;
                        return Ok(builder.finish());
                    }
                }
            }
        }
    }
}

impl<R: BufRead> Iterator for MarcXmlReader<R> {
    type Item = Result<Record, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.finished {
            return None;
        }
        let (start, empty) = match self.pending_start.take() {
            Some(start) => (start, false),
            None => match self.find_record() {
                Ok(Some(found)) => found,
                Ok(None) => {
                    self.finished = true;
                    return None;
                }
                Err(err) => {
                    if err.is_fatal() {
                        self.finished = true;
                    }
                    self.position = err.position();
                    return Some(Err(err));
                }
            },
        };
        let position = Position {
            index: self.next_index,
            offset: start,
        };
        self.next_index += 1;
        self.position = Some(position);
        let result = if empty {
            Err(Reason::XmlStructure(XmlProblem::EmptyRecord))
        } else {
            match self.read_body() {
                Ok(result) => result,
                Err(err) => {
                    self.finished = true;
                    return Some(Err(err));
                }
            }
        };
        Some(result.map_err(|reason| Error::Record { position, reason }))
    }
}

/// `true` for characters XML 1.0 documents may contain.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Appends `s` escaped for element content or a double-quoted attribute.
fn push_escaped(out: &mut String, s: &str, tag: Option<Tag>) -> Result<(), Reason> {
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            // A literal CR would be turned into LF by any XML parser.
            '\r' => out.push_str("&#13;"),
            c if is_xml_char(c) => out.push(c),
            c => return Err(Reason::NotXmlChar { tag, ch: c }),
        }
    }
    Ok(())
}

/// Appends one `<record>` element; on error `out` holds partial output.
fn render_record(record: &Record, out: &mut String) -> Result<(), Reason> {
    out.push_str("  <record>\n    <leader>");
    push_escaped(out, normalized_leader(record).as_str(), None)?;
    out.push_str("</leader>\n");
    for field in &record.fields {
        match field {
            Field::Control(f) => {
                out.push_str("    <controlfield tag=\"");
                out.push_str(f.tag.as_str());
                out.push_str("\">");
                push_escaped(out, &f.value, Some(f.tag))?;
                out.push_str("</controlfield>\n");
            }
            Field::Data(f) => {
                out.push_str("    <datafield tag=\"");
                out.push_str(f.tag.as_str());
                out.push_str("\" ind1=\"");
                push_escaped(out, f.ind1.as_char().encode_utf8(&mut [0; 4]), Some(f.tag))?;
                out.push_str("\" ind2=\"");
                push_escaped(out, f.ind2.as_char().encode_utf8(&mut [0; 4]), Some(f.tag))?;
                out.push_str("\">\n");
                for s in &f.subfields {
                    out.push_str("      <subfield code=\"");
                    push_escaped(out, s.code.as_char().encode_utf8(&mut [0; 4]), Some(f.tag))?;
                    out.push_str("\">");
                    push_escaped(out, &s.value, Some(f.tag))?;
                    out.push_str("</subfield>\n");
                }
                out.push_str("    </datafield>\n");
            }
        }
    }
    out.push_str("  </record>\n");
    Ok(())
}

const HEADER: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<collection xmlns=\"http://www.loc.gov/MARC21/slim\">\n";
const FOOTER: &str = "</collection>\n";

/// Streaming MARCXML writer: one `<collection>` document.
///
/// The XML declaration and `<collection>` start tag are written with the
/// first record (or by [`MarcXmlWriter::finish`]); call `finish` to close the
/// document. A record that cannot be represented (e.g. a control character)
/// is rejected with [`Error::Record`] before anything of it is written.
/// Leaders are written with lengths recomputed, as the ISO 2709 writer would.
pub struct MarcXmlWriter<W: Write> {
    inner: W,
    started: bool,
    buf: String,
    written: u64,
    count: u64,
}

impl<W: Write> MarcXmlWriter<W> {
    /// A writer over `inner`.
    pub fn new(inner: W) -> Self {
        MarcXmlWriter {
            inner,
            started: false,
            buf: String::new(),
            written: 0,
            count: 0,
        }
    }

    fn put(&mut self, text: &str) -> Result<(), Error> {
        self.inner
            .write_all(text.as_bytes())
            .map_err(|source| Error::Io {
                offset: self.written,
                source,
            })?;
        self.written += text.len() as u64;
        Ok(())
    }

    fn start(&mut self) -> Result<(), Error> {
        if !self.started {
            self.put(HEADER)?;
            self.started = true;
        }
        Ok(())
    }

    /// Writes one record.
    pub fn write(&mut self, record: &Record) -> Result<(), Error> {
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        let rendered = render_record(record, &mut buf);
        let result = match rendered {
            Err(reason) => Err(Error::Record {
                position: Position {
                    index: self.count,
                    offset: self.written,
                },
                reason,
            }),
            Ok(()) => self.start().and_then(|()| self.put(&buf)),
        };
        self.buf = buf;
        result?;
        self.count += 1;
        Ok(())
    }

    /// Records written so far.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Closes the `<collection>`, flushes and returns the underlying writer.
    pub fn finish(mut self) -> Result<W, Error> {
        self.start()?;
        self.put(FOOTER)?;
        self.inner.flush().map_err(|source| Error::Io {
            offset: self.written,
            source,
        })?;
        Ok(self.inner)
    }
}
