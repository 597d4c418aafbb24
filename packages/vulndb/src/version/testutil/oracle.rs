// Native oracle: the `semver` crate Cargo uses to order crate versions (Debian
// librust-semver-dev, compiled here with rustc). Reads tab-separated lines:
// "cargo" mode pairs "a<TAB>b" → -1/0/1 by SemVer precedence (build metadata
// ignored, as OSV does), E when a version does not parse; "cargo-valid" mode one
// version per line → 1/0.
use semver::Version;
use std::cmp::Ordering;
use std::io::{self, BufRead, Write};

fn precedence(a: &Version, b: &Version) -> Ordering {
    (a.major, a.minor, a.patch, &a.pre).cmp(&(b.major, b.minor, b.patch, &b.pre))
}

fn main() {
    let mode = std::env::args().nth(1).unwrap_or_default();
    let stdin = io::stdin();
    let mut out = io::BufWriter::new(io::stdout());
    for line in stdin.lock().lines() {
        let line = line.unwrap();
        if mode == "cargo-valid" {
            writeln!(out, "{}", if Version::parse(&line).is_ok() { 1 } else { 0 }).unwrap();
            continue;
        }
        let mut parts = line.splitn(2, '\t');
        let (a, b) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        match (Version::parse(a), Version::parse(b)) {
            (Ok(x), Ok(y)) => writeln!(out, "{}", precedence(&x, &y) as i32).unwrap(),
            _ => writeln!(out, "E").unwrap(),
        }
    }
}
