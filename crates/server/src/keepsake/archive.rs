//! The keepsake archive: one zip with the journal's PDF, every photo the family may have (named
//! by date and a word of the caption, carrying its date and caption in its own Exif) and an
//! `index.html` that reads offline. Written on a blocking thread into a channel that the
//! response streams from, one photo at a time, so a journal of hundreds of photos is never held
//! whole in memory; a resumed download is the same archive with the bytes the phone has skipped.

use burrow_core::dates::format_uk;
use burrow_core::photo::FaceRegion;
use bytes::Bytes;
use chrono::{DateTime, Datelike, Timelike, Utc};
use chrono_tz::Europe::London;
use std::io::{self, Write};
use tokio::sync::mpsc;
use zip::CompressionMethod;
use zip::write::SimpleFileOptions;

/// One photo to put in: which (by hash), the faces to mask in this family's copy, when it was
/// taken and the words of its entry.
pub struct ArchivePhoto {
    pub sha256: String,
    pub faces: Vec<FaceRegion>,
    pub taken_at: DateTime<Utc>,
    pub caption: String,
}

/// One entry for the index page.
pub struct IndexEntry {
    pub observed_at: DateTime<Utc>,
    pub text: String,
    pub next_steps: String,
    /// The photos' file names in the archive.
    pub photos: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    /// Not a failure: the range a phone asked for has been sent, so the work stops.
    #[error("the part asked for has been sent")]
    Sent,
    #[error("a photo could not be read or rendered")]
    Photo,
    #[error("the journal's PDF could not be made")]
    Pdf,
    /// Only the kind: a zip error can name a file, and a file is named after a caption.
    #[error("the zip could not be written")]
    Zip,
}

/// Sends what is written to the response, 512 KB at a time (fewer hand-overs between the
/// thread writing and the one sending), and counts every byte, sent or not. Bytes before
/// `from` are counted only (a resuming phone has them); the work stops at `until`. A family
/// that hangs up is no longer sent anything, but the archive is still counted to its end, so
/// that when the phone comes back for the rest its length is known at once.
pub struct ChannelWriter {
    tx: Option<mpsc::Sender<io::Result<Bytes>>>,
    buf: Vec<u8>,
    from: u64,
    until: Option<u64>,
    written: u64,
}

const CHUNK: usize = 512 * 1024;

impl ChannelWriter {
    /// The whole archive, to the response.
    pub fn new(tx: mpsc::Sender<io::Result<Bytes>>) -> ChannelWriter {
        ChannelWriter::range(tx, 0, None)
    }

    /// Bytes `from` up to (not including) `until`, to the response.
    pub fn range(
        tx: mpsc::Sender<io::Result<Bytes>>,
        from: u64,
        until: Option<u64>,
    ) -> ChannelWriter {
        ChannelWriter {
            tx: Some(tx),
            buf: Vec::with_capacity(CHUNK),
            from,
            until,
            written: 0,
        }
    }

    /// Counts the archive without sending it anywhere (its length, for a resume).
    pub fn counting() -> ChannelWriter {
        ChannelWriter {
            tx: None,
            buf: Vec::new(),
            from: 0,
            until: None,
            written: 0,
        }
    }

    /// Every byte written so far.
    pub fn written(&self) -> u64 {
        self.written
    }

    /// Tells the response the archive could not be finished (the phone sees a broken download,
    /// never a short zip that looks whole).
    pub fn fail(&mut self) {
        if let Some(tx) = self.tx.take() {
            let _ = tx.blocking_send(Err(io::Error::other("keepsake not finished")));
        }
    }

    fn send(&mut self) {
        if self.buf.is_empty() {
            return;
        }
        let chunk = Bytes::from(std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK)));
        if let Some(tx) = &self.tx
            && tx.blocking_send(Ok(chunk)).is_err()
        {
            self.tx = None;
            self.buf = Vec::new();
        }
    }
}

impl Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let start = self.written;
        if self.until.is_some_and(|until| start >= until) {
            // Everything asked for is written: send what is waiting and stop the work.
            self.send();
            return Err(io::Error::new(io::ErrorKind::BrokenPipe, "range sent"));
        }
        self.written += data.len() as u64;
        if self.tx.is_some() {
            let len = data.len() as u64;
            let lo = self.from.saturating_sub(start).min(len);
            let hi = self.until.map_or(len, |until| (until - start).min(len));
            if lo < hi {
                self.buf.extend_from_slice(&data[lo as usize..hi as usize]);
                if self.buf.len() >= CHUNK {
                    self.send();
                }
            }
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send();
        Ok(())
    }
}

fn zip_error(e: zip::result::ZipError) -> ArchiveError {
    match e {
        zip::result::ZipError::Io(io) if io.kind() == io::ErrorKind::BrokenPipe => {
            ArchiveError::Sent
        }
        _ => ArchiveError::Zip,
    }
}

/// Writes the whole archive to `out`: the photos first, then `index.html` and the PDF, which
/// `pdf` hands over once it is made (the caller makes it on another thread meanwhile, so the
/// book's layout and the photos' reading overlap). `render` makes one photo's family copy (the
/// vault read and any masking), called once per photo as it is written.
pub fn write(
    out: impl Write,
    first_name: &str,
    made_at: DateTime<Utc>,
    entries: &[IndexEntry],
    photos: Vec<(String, ArchivePhoto)>,
    render: impl Fn(&str, &[FaceRegion]) -> Option<Vec<u8>>,
    pdf: impl FnOnce() -> Option<Vec<u8>>,
) -> Result<(), ArchiveError> {
    let mut zip = zip::ZipWriter::new_stream(out);
    // JPEGs and a PDF are compressed already: stored as they are. Every date is given, never
    // the clock's: the same journal makes the same bytes, which is what lets a download resume.
    let stored = |at: DateTime<Utc>| {
        let local = at.with_timezone(&London).naive_local();
        let when = zip::DateTime::from_date_and_time(
            u16::try_from(local.year()).unwrap_or(1980),
            local.month() as u8,
            local.day() as u8,
            local.hour() as u8,
            local.minute() as u8,
            local.second() as u8,
        )
        .unwrap_or_default();
        SimpleFileOptions::default()
            .compression_method(CompressionMethod::Stored)
            .last_modified_time(when)
    };
    for (name, photo) in photos {
        let copy = render(&photo.sha256, &photo.faces).ok_or(ArchiveError::Photo)?;
        let local = photo.taken_at.with_timezone(&London);
        let offset = local.format("%:z").to_string();
        let (at, exif) = burrow_core::keepsake::exif_segment(
            &copy,
            local.naive_local(),
            &offset,
            &photo.caption,
        )
        .ok_or(ArchiveError::Photo)?;
        zip.start_file(format!("photos/{name}"), stored(photo.taken_at))
            .map_err(zip_error)?;
        for part in [&copy[..at], &exif, &copy[at..]] {
            zip.write_all(part).map_err(|e| zip_error(e.into()))?;
        }
    }
    let pdf_name = pdf_name(first_name);
    zip.start_file("index.html", stored(made_at))
        .map_err(zip_error)?;
    zip.write_all(index(first_name, &pdf_name, entries).as_bytes())
        .map_err(|e| zip_error(e.into()))?;
    let pdf = pdf().ok_or(ArchiveError::Pdf)?;
    zip.start_file(pdf_name.as_str(), stored(made_at))
        .map_err(zip_error)?;
    zip.write_all(&pdf).map_err(|e| zip_error(e.into()))?;
    let mut out = zip.finish().map_err(zip_error)?;
    out.flush().map_err(|e| zip_error(e.into()))?;
    Ok(())
}

/// A first name as it may go in a file name: letters and digits only.
fn plain(first_name: &str) -> String {
    first_name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

pub fn pdf_name(first_name: &str) -> String {
    format!("{}-learning-journal.pdf", plain(first_name))
}

/// The archive's own name, as the family's downloads keep it.
pub fn zip_name(first_name: &str) -> String {
    format!("{}-keepsake.zip", plain(first_name))
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A plain page that opens from the unzipped folder with no network: every entry, oldest
/// first, its words as text (escaped), its photos beside it.
fn index(first_name: &str, pdf_name: &str, entries: &[IndexEntry]) -> String {
    let title = escape(&format!("{first_name}’s learning journal"));
    let mut html = format!(
        "<!doctype html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><style>body{{font-family:Georgia,serif;max-width:42rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1d2a25}}\
         img{{max-width:100%;height:auto;border-radius:6px;margin:.5rem 0}}article{{border-top:1px solid #ccc;padding:1rem 0}}\
         .when{{font-weight:bold}}.next{{color:#555}}</style></head><body>\n<h1>{title}</h1>\n\
         <p>The whole journal as a PDF: <a href=\"{pdf}\">{pdf}</a>. The photos are in the <code>photos</code> folder.</p>\n",
        pdf = escape(pdf_name)
    );
    for e in entries {
        let when = e.observed_at.with_timezone(&London);
        html.push_str(&format!(
            "<article><p class=\"when\">{} at {}</p>\n",
            format_uk(when.date_naive()),
            when.format("%H:%M")
        ));
        for paragraph in e.text.split('\n').filter(|p| !p.trim().is_empty()) {
            html.push_str(&format!("<p>{}</p>\n", escape(paragraph)));
        }
        for name in &e.photos {
            let name = escape(name);
            html.push_str(&format!(
                "<a href=\"photos/{name}\"><img src=\"photos/{name}\" alt=\"A photo from this day\"></a>\n"
            ));
        }
        if !e.next_steps.trim().is_empty() {
            html.push_str(&format!(
                "<p class=\"next\">Next steps: {}</p>\n",
                escape(&e.next_steps)
            ));
        }
        html.push_str("</article>\n");
    }
    html.push_str("</body></html>\n");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_shows_words_as_text_never_markup() {
        let html = index(
            "Ava",
            "Ava-learning-journal.pdf",
            &[IndexEntry {
                observed_at: Utc::now(),
                text: "<script>alert(1)</script> & a friend's den".into(),
                next_steps: String::new(),
                photos: vec!["2027-03-14_1030_den.jpg".into()],
            }],
        );
        assert!(!html.contains("<script>"));
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; a friend&#39;s den"));
        assert!(html.contains("src=\"photos/2027-03-14_1030_den.jpg\""));
    }
}
