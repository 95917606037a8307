//! The server crates; see the workspace README.
