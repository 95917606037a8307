//! `switchyard eval --flags FILE`: JSON Lines in on stdin, one JSON line out per request.
//!
//! ```text
//! in : {"flag":"KEY","type":"boolean|string|integer|float|object","default":V,"context":{...}}
//! out: {"flag":"KEY","value":V,"variant":S|null,"reason":R,"errorCode":E|null,
//!       "errorMessage":S|null,"metadata":{...}}
//! ```
//! `type`, `default` and `context` are optional. A malformed line gets an error response (reason
//! ERROR) and the next line is read; blank lines are skipped.

use clap::Args;
use serde::Deserialize;
use serde_json::{Map, Value};
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use switchyard_core::clock::{Clock, SystemClock};
use switchyard_core::engine::{Context, ErrorCode, FlagSet, FlagType, Reason, ResolutionDetails};

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// The flagd flag document to evaluate.
    #[arg(long, value_name = "FILE")]
    flags: PathBuf,
    /// Reject the document when any targeting rule has a problem (by default such a flag loads
    /// and answers PARSE_ERROR, as flagd does).
    #[arg(long)]
    strict: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Request {
    flag: String,
    #[serde(rename = "type")]
    kind: Option<FlagType>,
    #[serde(default)]
    default: Value,
    #[serde(default)]
    context: Value,
}

pub fn run(args: &EvalArgs) -> ExitCode {
    let flags = match load(args) {
        Ok(flags) => flags,
        Err(message) => {
            eprintln!("switchyard eval: {message}");
            return ExitCode::from(2);
        }
    };
    for w in flags.warnings() {
        eprintln!("switchyard eval: warning: {w}");
    }
    let stdin = std::io::stdin().lock();
    let mut out = std::io::stdout().lock();
    for (n, line) in stdin.lines().enumerate() {
        let line = match line {
            Ok(line) => line,
            Err(e) => {
                eprintln!("switchyard eval: cannot read standard input: {e}");
                return ExitCode::from(1);
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        let details = answer(&flags, &line, n + 1);
        let written = serde_json::to_writer(&mut out, &details)
            .map_err(std::io::Error::from)
            .and_then(|()| writeln!(out))
            .and_then(|()| out.flush());
        if written.is_err() {
            // The reader went away (a closed pipe): stop quietly.
            return ExitCode::SUCCESS;
        }
    }
    ExitCode::SUCCESS
}

fn load(args: &EvalArgs) -> Result<FlagSet, String> {
    let text = std::fs::read_to_string(&args.flags)
        .map_err(|e| format!("cannot read {}: {e}", args.flags.display()))?;
    let doc: Value = serde_json::from_str(&text)
        .map_err(|e| format!("{} is not valid JSON: {e}", args.flags.display()))?;
    let parsed = if args.strict {
        FlagSet::parse_strict(&doc)
    } else {
        FlagSet::parse(&doc)
    };
    parsed.map_err(|e| format!("{}: {e}", args.flags.display()))
}

/// Answers one request line.
fn answer(flags: &FlagSet, line: &str, number: usize) -> ResolutionDetails {
    let req: Request = match serde_json::from_str(line) {
        Ok(req) => req,
        Err(e) => {
            let flag = serde_json::from_str::<Value>(line)
                .ok()
                .and_then(|v| v.get("flag")?.as_str().map(str::to_owned))
                .unwrap_or_default();
            return failure(
                flag,
                Value::Null,
                ErrorCode::General,
                format!("line {number}: malformed request: {e}"),
            );
        }
    };
    if let Some(kind) = req.kind
        && !req.default.is_null()
        && !kind.admits(&req.default)
    {
        let message = format!("line {number}: the default {} is not a {kind}", req.default);
        return failure(req.flag, req.default, ErrorCode::TypeMismatch, message);
    }
    let ctx = match Context::new(&req.context, SystemClock.now_secs()) {
        Ok(ctx) => ctx,
        Err(e) => return failure(req.flag, req.default, ErrorCode::InvalidContext, e),
    };
    let resolution = flags.evaluate(&req.flag, &ctx);
    let resolution = match req.kind {
        Some(kind) => resolution.expect_type(kind),
        None => resolution,
    };
    resolution.into_details(&req.flag, req.default)
}

fn failure(flag: String, default: Value, code: ErrorCode, message: String) -> ResolutionDetails {
    ResolutionDetails {
        flag,
        value: default,
        variant: None,
        reason: Reason::Error,
        error_code: Some(code),
        error_message: Some(message),
        metadata: Map::new(),
    }
}
