//! The change log: numbered without gaps, read newest first in pages, or in order after a cursor.

use super::*;
use switchyard_core::changes::feed::{Drained, drain};

/// An organization with `n` flag creations in its change log (after the setup's own records).
async fn log_of(s: &Store, n: usize) -> (Organization, Project) {
    let (org, project, _) = setup(s, 1).await;
    for i in 0..n {
        let key = format!("flag-{i}");
        s.create_flag(
            &flag(&project.id, &key),
            &audit(&org.id, &project.id, &format!("flag:{key}"), "flag.create"),
        )
        .await
        .unwrap();
    }
    (org, project)
}

pub async fn changes_list_newest_first_with_cursor(h: Harness) {
    let s = &h.store;
    let (org, project) = log_of(s, 5).await;
    let filter = AuditFilter {
        project_id: Some(project.id.clone()),
        ..Default::default()
    };
    let first = s
        .list_audit(&org.id, &filter, None, 3, Order::Desc)
        .await
        .unwrap();
    let targets: Vec<&str> = first.items.iter().map(|r| r.target.as_str()).collect();
    assert_eq!(targets, ["flag:flag-4", "flag:flag-3", "flag:flag-2"]);
    let second = s
        .list_audit(&org.id, &filter, first.next.as_deref(), 3, Order::Desc)
        .await
        .unwrap();
    let targets: Vec<&str> = second.items.iter().map(|r| r.target.as_str()).collect();
    assert_eq!(targets, ["flag:flag-1", "flag:flag-0"]);
}

pub async fn one_targets_history_reads_newest_first(h: Harness) {
    let s = &h.store;
    let (org, project) = log_of(s, 3).await;
    s.delete_flag(
        &project.id,
        "flag-1",
        1,
        &audit(&org.id, &project.id, "flag:flag-1", "flag.delete"),
    )
    .await
    .unwrap();
    let filter = AuditFilter {
        target: Some("flag:flag-1".into()),
        ..Default::default()
    };
    let page = s
        .list_audit(&org.id, &filter, None, 10, Order::Desc)
        .await
        .unwrap();
    let actions: Vec<&str> = page.items.iter().map(|r| r.action.as_str()).collect();
    assert_eq!(actions, ["flag.delete", "flag.create"]);
}

pub async fn records_are_numbered_without_gaps(h: Harness) {
    let s = &h.store;
    let (org, _) = log_of(s, 4).await;
    let all = s.changes_after(&org.id, None, 500).await.unwrap();
    let seqs: Vec<u64> = all.iter().map(|r| r.seq).collect();
    assert_eq!(seqs, (1..=all.len() as u64).collect::<Vec<_>>());
    assert!(all.iter().all(|r| r.id == ChangeRecord::id_of(r.seq)));
}

pub async fn changes_after_a_cursor_are_the_newer_ones_in_order(h: Harness) {
    let s = &h.store;
    let (org, _) = log_of(s, 4).await;
    let all = s.changes_after(&org.id, None, 500).await.unwrap();
    let cursor = &all[all.len() - 3].id;
    let rest = s.changes_after(&org.id, Some(cursor), 500).await.unwrap();
    assert_eq!(rest, all[all.len() - 2..].to_vec());
    let none = s
        .changes_after(&org.id, Some(&all[all.len() - 1].id), 500)
        .await
        .unwrap();
    assert!(none.is_empty());
}

pub async fn a_record_names_its_keys_and_revisions(h: Harness) {
    let s = &h.store;
    let (org, project, envs) = setup(s, 2).await;
    s.create_flag(
        &flag(&project.id, "a"),
        &audit(&org.id, &project.id, "flag:a", "flag.create"),
    )
    .await
    .unwrap();
    let last = s.changes_after(&org.id, None, 500).await.unwrap();
    let record = last.last().unwrap();
    assert_eq!(record.keys, ["a"]);
    assert_eq!(record.revisions.len(), 2);
    for e in &envs {
        assert_eq!(record.revisions[&e.id], 1);
    }
}

pub async fn changes_of_one_organization_stay_in_it(h: Harness) {
    let s = &h.store;
    let (a, _) = log_of(s, 2).await;
    let (b, _) = log_of(s, 1).await;
    let of_a = s.changes_after(&a.id, None, 500).await.unwrap();
    let of_b = s.changes_after(&b.id, None, 500).await.unwrap();
    assert!(of_a.iter().all(|r| r.org_id == a.id));
    assert!(of_b.iter().all(|r| r.org_id == b.id));
    assert_eq!(of_a[0].seq, 1);
    assert_eq!(of_b[0].seq, 1);
}

/// Drains `org` for `consumer`, collecting the ids handed over.
async fn drained(s: &Store, org: &str, consumer: &str) -> (Drained, Vec<String>) {
    let seen = std::sync::Mutex::new(Vec::new());
    let out = drain(s, org, consumer, |r| {
        seen.lock().unwrap().push(r.id);
        async { Ok(()) }
    })
    .await
    .unwrap();
    (out, seen.into_inner().unwrap())
}

pub async fn a_consumer_reads_every_change_once_in_order(h: Harness) {
    let s = &h.store;
    let (org, project) = log_of(s, 2).await;
    let all: Vec<String> = s
        .changes_after(&org.id, None, 500)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    let (out, seen) = drained(s, &org.id, "webhooks").await;
    assert_eq!(out, Drained::Done(all.len()));
    assert_eq!(seen, all);
    // Nothing twice; then only what is new.
    assert_eq!(
        drained(s, &org.id, "webhooks").await.1,
        Vec::<String>::new()
    );
    s.create_flag(
        &flag(&project.id, "later"),
        &audit(&org.id, &project.id, "flag:later", "flag.create"),
    )
    .await
    .unwrap();
    let (_, seen) = drained(s, &org.id, "webhooks").await;
    assert_eq!(seen.len(), 1);
    assert_eq!(
        s.get_change(&org.id, &seen[0])
            .await
            .unwrap()
            .unwrap()
            .target,
        "flag:later"
    );
    // Another consumer keeps its own place.
    assert_eq!(
        drained(s, &org.id, "notifications").await.1.len(),
        all.len() + 1
    );
}

pub async fn a_failed_handler_leaves_the_consumers_place(h: Harness) {
    let s = &h.store;
    let (org, _) = log_of(s, 2).await;
    let all = s.changes_after(&org.id, None, 500).await.unwrap();
    let fail_at = all[1].id.clone();
    let out = drain(s, &org.id, "webhooks", |r| {
        let fail = r.id == fail_at;
        async move {
            if fail {
                Err("endpoint down".to_owned())
            } else {
                Ok(())
            }
        }
    })
    .await
    .unwrap();
    assert_eq!(
        out,
        Drained::Failed {
            handled: 1,
            id: all[1].id.clone(),
            reason: "endpoint down".into()
        }
    );
    assert_eq!(
        s.consumer_place(&org.id, "webhooks").await.unwrap(),
        Some(all[0].id.clone())
    );
    // The failed record comes again, first.
    let (_, seen) = drained(s, &org.id, "webhooks").await;
    assert_eq!(seen[0], all[1].id);
}

pub async fn two_workers_of_one_consumer_cannot_both_move_its_place(h: Harness) {
    let s = &h.store;
    let (org, _) = log_of(s, 1).await;
    let all = s.changes_after(&org.id, None, 500).await.unwrap();
    s.move_consumer_place(&org.id, "webhooks", None, &all[0].id)
        .await
        .unwrap();
    // A second worker that read the same starting place loses.
    let late = s
        .move_consumer_place(&org.id, "webhooks", None, &all[0].id)
        .await;
    assert!(matches!(late, Err(StoreError::Conflict { .. })), "{late:?}");
    assert!(matches!(
        s.move_consumer_place(&org.id, "Bad Name", None, &all[0].id)
            .await,
        Err(StoreError::Invalid(_))
    ));
}

pub async fn concurrent_changes_across_one_organization_all_commit(h: Harness) {
    let s = &h.store;
    let (org, project, _) = setup(s, 2).await;
    let before = s.changes_after(&org.id, None, 500).await.unwrap().len();
    let mut tasks = Vec::new();
    for i in 0..10 {
        let (s, org, project) = (s.clone(), org.id.clone(), project.id.clone());
        tasks.push(tokio::spawn(async move {
            let key = format!("flag-{i}");
            s.create_flag(
                &flag(&project, &key),
                &audit(&org, &project, &format!("flag:{key}"), "flag.create"),
            )
            .await
        }));
    }
    for t in tasks {
        t.await
            .unwrap()
            .expect("every change commits after retrying its numbering");
    }
    let log = s.changes_after(&org.id, None, 500).await.unwrap();
    assert_eq!(log.len(), before + 10);
    let seqs: Vec<u64> = log.iter().map(|r| r.seq).collect();
    assert_eq!(
        seqs,
        (1..=log.len() as u64).collect::<Vec<_>>(),
        "no gap, no repeat"
    );
}

/// A record whose before and after hold `bytes` of text each.
fn large_record(org: &str, project: &str, bytes: usize) -> AuditEntry {
    let mut r = audit(org, project, "flag:big", "flag.update");
    r.before = Some(json!({"rules": "b".repeat(bytes)}));
    r.after = Some(json!({"rules": "é".repeat(bytes / 2)}));
    r
}

pub async fn a_record_too_large_for_one_item_is_read_back_whole(h: Harness) {
    let s = &h.store;
    let (org, project, _) = setup(s, 1).await;
    let r = large_record(&org.id, &project.id, 260 * 1024);
    s.create_flag(&flag(&project.id, "big"), &r).await.unwrap();
    let all = s.changes_after(&org.id, None, 500).await.unwrap();
    let stored = all.iter().find(|c| c.target == "flag:big").unwrap();
    assert_eq!(stored.before, r.before);
    assert_eq!(stored.after, r.after);
    let one = s.get_change(&org.id, &stored.id).await.unwrap().unwrap();
    assert_eq!(one.after, r.after);
    let listed = s
        .list_audit(&org.id, &AuditFilter::default(), None, 1, Order::Desc)
        .await
        .unwrap();
    assert_eq!(listed.items[0].before, r.before);
}

pub async fn a_change_larger_than_one_transaction_is_refused_and_writes_nothing(h: Harness) {
    let s = &h.store;
    let (org, project, _) = setup(s, 1).await;
    let r = large_record(&org.id, &project.id, 2 * 1024 * 1024);
    let refused = s.create_flag(&flag(&project.id, "big"), &r).await;
    assert!(
        matches!(refused, Err(StoreError::Invalid(_))),
        "{refused:?}"
    );
    assert!(s.get_flag(&project.id, "big").await.unwrap().is_none());
}
