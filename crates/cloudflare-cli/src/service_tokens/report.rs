//! Printing outcomes: in input order on stdout (text or JSON lines), a progress bar and a
//! summary on stderr.

use std::collections::BTreeMap;
use std::io::Write;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::args::Output;
use crate::service_tokens::bulk::{Action, Outcome, Status};

/// Prints each outcome once, in input order, as soon as every earlier one is known.
#[derive(Debug)]
pub struct Reporter<W: Write> {
    out: W,
    format: Output,
    waiting: BTreeMap<usize, Outcome>,
    next: usize,
    counts: Counts,
    progress: Option<ProgressBar>,
    started: Instant,
}

/// How many ids ended in each status.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub deleted: usize,
    pub refreshed: usize,
    pub gone: usize,
    pub missing: usize,
    pub failed: usize,
    pub skipped: usize,
}

impl<W: Write> Reporter<W> {
    /// A reporter for `total` ids; the progress bar shows only on a terminal, for more than
    /// one id.
    pub fn new(out: W, format: Output, total: usize) -> Self {
        let progress = (total > 1 && crate::context::current().stderr_terminal()).then(|| {
            let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
            if let Ok(style) =
                ProgressStyle::with_template("{bar:40} {pos}/{len} done or reported, {elapsed} ({eta} left)")
            {
                bar.set_style(style);
            }
            bar
        });
        Self {
            out,
            format,
            waiting: BTreeMap::new(),
            next: 0,
            counts: Counts::default(),
            progress,
            started: Instant::now(),
        }
    }

    /// Records the outcome of the id at `index`.
    pub fn record(&mut self, index: usize, outcome: Outcome) {
        match outcome.status {
            Status::Deleted => self.counts.deleted += 1,
            Status::Refreshed => self.counts.refreshed += 1,
            Status::Gone => self.counts.gone += 1,
            Status::Missing => self.counts.missing += 1,
            Status::Failed => self.counts.failed += 1,
            Status::Skipped => self.counts.skipped += 1,
        }
        if let Some(progress) = &self.progress {
            progress.inc(1);
        }
        self.waiting.insert(index, outcome);
        while let Some(outcome) = self.waiting.remove(&self.next) {
            let (out, format) = (&mut self.out, self.format);
            match &self.progress {
                Some(progress) => progress.suspend(|| write_line(out, format, &outcome)),
                None => write_line(out, format, &outcome),
            }
            .ok();
            self.next += 1;
        }
    }

    /// Ends the progress bar and returns the counts and the time since the start.
    pub fn finish(mut self) -> (Counts, Duration) {
        if let Some(progress) = self.progress.take() {
            progress.finish_and_clear();
        }
        let _ = self.out.flush();
        (self.counts, self.started.elapsed())
    }
}

/// One outcome as a line of `format`.
fn write_line(out: &mut impl Write, format: Output, outcome: &Outcome) -> std::io::Result<()> {
    match format {
        Output::Json => {
            let line = serde_json::json!({
                "id": outcome.id.to_string(),
                "status": outcome.status.as_str(),
                "name": outcome.name,
                "code": outcome.code,
                "message": outcome.message,
                "cf_ray": outcome.cf_ray,
            });
            writeln!(out, "{}", crate::output::redacted(&crate::output::json(&line)))
        }
        Output::Text => {
            write!(out, "{:<8} {}", outcome.status.as_str(), outcome.id)?;
            match (&outcome.name, &outcome.message) {
                (_, Some(message)) => writeln!(out, "  {}", crate::output::redacted(&crate::output::text(message))),
                (Some(name), None) => writeln!(out, "  \"{}\"", crate::output::redacted(&crate::output::text(name))),
                (None, None) => writeln!(out),
            }
        }
    }
}

impl Counts {
    /// The summary line of a run of `action`.
    pub fn summary(&self, action: &Action, elapsed: Duration) -> String {
        let total = self.deleted + self.refreshed + self.gone + self.missing + self.failed + self.skipped;
        let mut line = match action {
            Action::Refresh(_) => format!("refreshed {}", self.refreshed),
            Action::Delete(_) => format!("deleted {}", self.deleted),
        };
        if self.gone > 0 {
            line += &format!(", gone {}", self.gone);
        }
        line += &format!(", missing {}, failed {}", self.missing, self.failed);
        if self.skipped > 0 {
            line += &format!(", skipped {}", self.skipped);
        }
        line + &format!(" ({total} ids in {:.2} s)", elapsed.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    /// A delete in an account.
    fn delete() -> Action {
        Action::Delete(cloudflare_client::Scope::Account("023e105f4ecef8ad9ca31a8372d0c353".parse().unwrap()))
    }

    use super::*;

    fn outcome(id: &str, status: Status) -> Outcome {
        Outcome { id: id.parse().unwrap(), status, name: None, code: None, message: None, cf_ray: None }
    }

    const A: &str = "f174e90a-fafe-4643-bbbc-4a0ed4fc8415";
    const B: &str = "0f6ae5d9-39a8-4b8a-9c84-6b2f64f0d3f1";
    const C: &str = "2b0c5e6e-8f0a-4c1b-9d2e-3f4a5b6c7d8e";

    #[test]
    fn lines_come_out_in_input_order_whatever_the_completion_order() {
        let mut out = Vec::new();
        let mut reporter = Reporter::new(&mut out, Output::Text, 3);
        reporter.record(2, outcome(C, Status::Failed));
        reporter.record(0, outcome(A, Status::Deleted));
        reporter.record(1, outcome(B, Status::Missing));
        let (counts, _) = reporter.finish();
        let text = String::from_utf8(out).unwrap();
        let ids: Vec<&str> = text.lines().map(|line| line.split_whitespace().nth(1).unwrap()).collect();
        assert_eq!(ids, [A, B, C]);
        assert_eq!(counts, Counts { deleted: 1, refreshed: 0, gone: 0, missing: 1, failed: 1, skipped: 0 });
    }

    #[test]
    fn json_lines_carry_every_field() {
        let mut out = Vec::new();
        let mut reporter = Reporter::new(&mut out, Output::Json, 1);
        reporter.record(
            0,
            Outcome {
                code: Some(10000),
                message: Some("denied".into()),
                cf_ray: Some("abc-SJC".into()),
                ..outcome(A, Status::Failed)
            },
        );
        reporter.finish();
        let value: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(value["id"], A);
        assert_eq!(value["status"], "failed");
        assert_eq!(value["code"], 10000);
        assert_eq!(value["message"], "denied");
        assert_eq!(value["cf_ray"], "abc-SJC");
    }

    #[test]
    fn summary_counts_everything() {
        let counts = Counts { deleted: 497, refreshed: 0, gone: 0, missing: 1, failed: 2, skipped: 0 };
        assert_eq!(
            counts.summary(&delete(), Duration::from_millis(1234)),
            "deleted 497, missing 1, failed 2 (500 ids in 1.23 s)"
        );
        let counts = Counts { deleted: 3, refreshed: 0, gone: 2, missing: 0, failed: 0, skipped: 5 };
        assert_eq!(
            counts.summary(&delete(), Duration::from_millis(10)),
            "deleted 3, gone 2, missing 0, failed 0, skipped 5 (10 ids in 0.01 s)"
        );
        let none = Counts { deleted: 0, refreshed: 0, gone: 0, missing: 0, failed: 1, skipped: 2 };
        assert_eq!(
            none.summary(&Action::Refresh("023e105f4ecef8ad9ca31a8372d0c353".parse().unwrap()), Duration::ZERO),
            "refreshed 0, missing 0, failed 1, skipped 2 (3 ids in 0.00 s)",
            "a refresh run speaks of refreshes, even when none was"
        );
    }
}
