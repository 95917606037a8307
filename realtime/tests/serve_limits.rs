//! The accept loop's bounds against a real `switchyard serve`, over raw sockets: the header read
//! timeout, the request timeout, the connection cap and the in-flight cap. One behaviour per test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod harness;

use harness::{Fixture, within};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

impl Fixture {
    async fn raw(&self) -> TcpStream {
        TcpStream::connect(("127.0.0.1", self.server.port))
            .await
            .unwrap()
    }
}

/// Reads until the server closes the connection; what it sent.
async fn read_to_close(s: &mut TcpStream) -> String {
    let mut out = Vec::new();
    let mut buf = [0u8; 1024];
    loop {
        match s.read(&mut buf).await {
            Ok(0) | Err(_) => return String::from_utf8_lossy(&out).into_owned(),
            Ok(n) => out.extend_from_slice(&buf[..n]),
        }
    }
}

/// The status line of the next response on `s`.
async fn status_line(s: &mut TcpStream) -> String {
    let mut out = Vec::new();
    let mut byte = [0u8; 1];
    while !out.ends_with(b"\r\n") {
        if s.read(&mut byte).await.unwrap() == 0 {
            break;
        }
        out.push(byte[0]);
    }
    String::from_utf8_lossy(&out).trim().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_half_sent_request_is_closed_after_the_header_read_timeout() {
    let f = Fixture::with_args(&["--header-read-timeout-secs", "1"]).await;
    let mut s = f.raw().await;
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        .await
        .unwrap();
    within("the server to close the slow socket", read_to_close(&mut s)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_whose_body_never_ends_gets_408() {
    let f = Fixture::with_args(&["--request-timeout-secs", "1"]).await;
    let mut s = f.raw().await;
    let head = format!(
        "POST /ofrep/v1/evaluate/flags HTTP/1.1\r\nHost: x\r\nX-API-Key: {}\r\n\
         Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"context\":",
        f.t.server_key
    );
    s.write_all(head.as_bytes()).await.unwrap();
    let answer = within("an answer to the slow body", read_to_close(&mut s)).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_past_the_cap_gets_503_at_once() {
    let f = Fixture::with_args(&["--max-connections", "4"]).await;
    let mut held = Vec::new();
    let refused = within("a connection to be refused", async {
        for _ in 0..8 {
            let mut s = f.raw().await;
            s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                .await
                .unwrap();
            let line = status_line(&mut s).await;
            if line.starts_with("HTTP/1.1 503") {
                return true;
            }
            assert!(line.starts_with("HTTP/1.1 200"), "{line}");
            held.push(s);
        }
        false
    })
    .await;
    assert!(refused, "{} connections were all let in", held.len() + 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_past_the_in_flight_cap_gets_503_at_once() {
    let f = Fixture::with_args(&["--max-in-flight", "1"]).await;
    // One request in flight, waiting for the rest of its body.
    let mut slow = f.raw().await;
    let head = format!(
        "POST /ofrep/v1/evaluate/flags HTTP/1.1\r\nHost: x\r\nX-API-Key: {}\r\n\
         Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{",
        f.t.server_key
    );
    slow.write_all(head.as_bytes()).await.unwrap();
    let r = within("the in-flight cap to hold", async {
        loop {
            let r = f
                .http
                .post(f.url("/ofrep/v1/evaluate/flags"))
                .header("x-api-key", &f.t.server_key)
                .body("{}")
                .send()
                .await
                .unwrap();
            if r.status() != 200 {
                return r;
            }
            // The slow request may not have reached its handler yet.
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert_eq!(r.status(), 503);
    assert!(r.headers().contains_key("retry-after"));
}
