//! Artisan-style output: one line per migration with dots, its duration and a status word,
//! coloured when writing to a terminal (and `NO_COLOR` is unset).

use std::io::{self, Write};
use std::time::Duration;

const WIDTH: usize = 90;

/// Writes the CLI's lines.
pub struct Printer<'a> {
    out: &'a mut dyn Write,
    color: bool,
}

impl<'a> Printer<'a> {
    /// A printer on `out`.
    pub fn new(out: &'a mut dyn Write, color: bool) -> Self {
        Printer { out, color }
    }

    fn paint(&self, text: &str, code: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    /// `   INFO  message.`
    pub fn info(&mut self, message: &str) -> io::Result<()> {
        let label = self.paint(" INFO ", "1;37;44");
        writeln!(self.out, "\n  {label} {message}\n")
    }

    /// `  name ........ detail STATUS`
    pub fn line(&mut self, name: &str, detail: &str, status: &str, good: bool) -> io::Result<()> {
        let used = name.chars().count() + detail.chars().count() + status.len() + 6;
        let dots = ".".repeat(WIDTH.saturating_sub(used).max(3));
        let status = self.paint(status, if good { "1;32" } else { "1;33" });
        let dots = self.paint(&dots, "90");
        let gap = if detail.is_empty() { "" } else { " " };
        writeln!(self.out, "  {name} {dots}{gap}{detail} {status}")
    }

    /// A migration that ran, with its duration.
    pub fn ran(&mut self, name: &str, took: Duration) -> io::Result<()> {
        self.line(name, &format_duration(took), "DONE", true)
    }

    /// A blank line.
    pub fn blank(&mut self) -> io::Result<()> {
        writeln!(self.out)
    }

    /// Plain text.
    pub fn text(&mut self, text: &str) -> io::Result<()> {
        writeln!(self.out, "{text}")
    }
}

/// `3.21ms`, `1.20s`.
pub fn format_duration(d: Duration) -> String {
    if d.as_secs() >= 1 {
        format!("{:.2}s", d.as_secs_f64())
    } else {
        format!("{:.2}ms", d.as_secs_f64() * 1000.0)
    }
}
