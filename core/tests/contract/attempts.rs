//! Attempt counts (the login and signup limits): atomic across writers, quiet after their time.

use super::*;

const QUIET: i64 = 3600;

pub async fn attempts_count_up_and_remember_the_last(h: Harness) {
    let s = &h.store;
    let now = now_ms();
    assert_eq!(s.add_attempt("login:ada", now, QUIET).await.unwrap(), 1);
    assert_eq!(s.add_attempt("login:ada", now + 5, QUIET).await.unwrap(), 2);
    let a = s.attempts("login:ada", now + 10).await.unwrap();
    assert_eq!((a.count, a.last_ms), (2, now + 5));
    assert_eq!(s.attempts("login:bob", now).await.unwrap().count, 0);
}

pub async fn concurrent_attempts_are_all_counted(h: Harness) {
    let s = &h.store;
    let now = now_ms();
    let adds = (0..20).map(|_| s.add_attempt("login:ada", now, QUIET));
    for r in futures_util::future::join_all(adds).await {
        r.unwrap();
    }
    assert_eq!(s.attempts("login:ada", now).await.unwrap().count, 20);
}

pub async fn attempts_start_again_after_going_quiet(h: Harness) {
    let s = &h.store;
    let now = now_ms();
    s.add_attempt("login:ada", now, 60).await.unwrap();
    s.add_attempt("login:ada", now, 60).await.unwrap();
    let later = now + 61_000;
    assert_eq!(s.attempts("login:ada", later).await.unwrap().count, 0);
    assert_eq!(s.add_attempt("login:ada", later, 60).await.unwrap(), 1);
}

pub async fn cleared_attempts_are_forgotten(h: Harness) {
    let s = &h.store;
    let now = now_ms();
    s.add_attempt("login:ada", now, QUIET).await.unwrap();
    s.clear_attempts("login:ada", now).await.unwrap();
    assert_eq!(s.attempts("login:ada", now).await.unwrap().count, 0);
    assert_eq!(s.add_attempt("login:ada", now, QUIET).await.unwrap(), 1);
}
