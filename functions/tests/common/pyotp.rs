//! Authenticator codes from PyPI's `pyotp` (in `.venv`): a TOTP implementation nobody here wrote.

/// Runs `script` with pyotp, `arg` as `sys.argv[1]`; its stdout, trimmed.
pub fn pyotp(script: &str, arg: &str) -> String {
    let python = std::env::var("SWITCHYARD_PYTHON")
        .unwrap_or_else(|_| format!("{}/../.venv/bin/python", env!("CARGO_MANIFEST_DIR")));
    let out = std::process::Command::new(python)
        .args(["-c", &format!("import sys, pyotp\n{script}"), arg])
        .output()
        .expect("python with pyotp (make test installs it into .venv)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// The app's code now.
pub fn code_now(secret: &str) -> String {
    pyotp("print(pyotp.TOTP(sys.argv[1]).now())", secret)
}

/// The app's code 30 s from now: a step later than the one just spent, still inside the skew.
pub fn next_code(secret: &str) -> String {
    pyotp(
        "import time\nt = pyotp.TOTP(sys.argv[1])\nprint(t.at(time.time() + 30))",
        secret,
    )
}
