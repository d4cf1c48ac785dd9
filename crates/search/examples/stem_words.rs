//! Prints `word<TAB>stems` for each word read from stdin (one per line): a tool
//! for reviewing the stemmer's conflation groups over a real vocabulary.
use std::io::{BufRead, Write};

fn main() -> std::io::Result<()> {
    let stdin = std::io::stdin();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for line in stdin.lock().lines() {
        let line = line?;
        let word = line.split('\t').next().unwrap_or("").trim();
        if word.is_empty() {
            continue;
        }
        let stems = lentera_search::stem::stems(word);
        writeln!(out, "{line}\t{}", stems.all().join(","))?;
    }
    Ok(())
}
