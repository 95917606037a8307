//! The audit log's actor index, retention (records expire with their organization's setting,
//! reads hide expired ones) and account events recorded across organizations.

use super::*;
use switchyard_core::store::{MAX_PAGES_PER_READ, ORGS_PER_WRITE};

const DAY_MS: i64 = 86_400_000;

fn by(actor: &str, org: &str, at: i64) -> ChangeRecord {
    let mut r = writes::record(
        org,
        None,
        &format!("organization:{org}"),
        "organization.update",
    );
    r.actor = Actor::User(actor.into());
    r.at = at;
    r
}

pub async fn a_filter_by_actor_finds_entries_older_than_the_page_budget(h: Harness) {
    let s = &h.store;
    let (org, _, _) = setup(s, 1).await;
    s.commit(Batch::new(), by("early", &org.id, now_ms()))
        .await
        .unwrap();
    for _ in 0..MAX_PAGES_PER_READ + 3 {
        s.commit(Batch::new(), by("busy", &org.id, now_ms()))
            .await
            .unwrap();
    }
    let filter = AuditFilter {
        actor: Some("user:early".into()),
        ..Default::default()
    };
    let page = s
        .list_audit(&org.id, &filter, None, 1, Order::Desc)
        .await
        .unwrap();
    assert_eq!(page.items.len(), 1, "found through the actor's index");
    assert_eq!(page.items[0].actor, Actor::User("early".into()));
    assert_eq!(page.next, None);
}

pub async fn a_filter_by_actor_pages_through_the_actors_records(h: Harness) {
    let s = &h.store;
    let (org, _, _) = setup(s, 1).await;
    for _ in 0..3 {
        s.commit(Batch::new(), by("ada", &org.id, now_ms()))
            .await
            .unwrap();
        s.commit(Batch::new(), by("bob", &org.id, now_ms()))
            .await
            .unwrap();
    }
    let filter = AuditFilter {
        actor: Some("user:ada".into()),
        ..Default::default()
    };
    let first = s
        .list_audit(&org.id, &filter, None, 2, Order::Desc)
        .await
        .unwrap();
    let rest = s
        .list_audit(&org.id, &filter, first.next.as_deref(), 2, Order::Desc)
        .await
        .unwrap();
    let seqs: Vec<u64> = first
        .items
        .iter()
        .chain(&rest.items)
        .map(|r| r.seq)
        .collect();
    let all = s
        .list_audit(&org.id, &AuditFilter::default(), None, 50, Order::Desc)
        .await
        .unwrap();
    let expected: Vec<u64> = all
        .items
        .iter()
        .filter(|r| r.actor == Actor::User("ada".into()))
        .map(|r| r.seq)
        .collect();
    assert_eq!(seqs, expected);
    assert_eq!(seqs.len(), 3);
}

pub async fn a_record_expires_after_its_organizations_audit_retention(h: Harness) {
    let s = &h.store;
    let (mut org, _, _) = setup(s, 1).await;
    org.audit_retention_days = 30;
    let mut b = Batch::new();
    b.update_org(&org).unwrap();
    s.commit(b, by("ada", &org.id, now_ms())).await.unwrap();
    let at = now_ms();
    let r = s
        .commit(Batch::new(), by("ada", &org.id, at))
        .await
        .unwrap()
        .record;
    assert_eq!(r.expires_at, Some(at / 1000 + 30 * 86_400));
    let read = s.get_change(&org.id, &r.id).await.unwrap().unwrap();
    assert_eq!(read.expires_at, r.expires_at);
}

pub async fn expired_records_are_hidden_from_every_read(h: Harness) {
    let s = &h.store;
    let (org, _, _) = setup(s, 1).await;
    // Written 400 days ago under the default 365 days: expired, not yet deleted.
    let old = s
        .commit(Batch::new(), by("ada", &org.id, now_ms() - 400 * DAY_MS))
        .await
        .unwrap()
        .record;
    let live = s
        .commit(Batch::new(), by("bob", &org.id, now_ms()))
        .await
        .unwrap()
        .record;
    assert_eq!(s.get_change(&org.id, &old.id).await.unwrap(), None);
    for filter in [
        AuditFilter::default(),
        AuditFilter {
            actor: Some("user:ada".into()),
            ..Default::default()
        },
        AuditFilter {
            target: Some(old.target.clone()),
            ..Default::default()
        },
    ] {
        let page = s
            .list_audit(&org.id, &filter, None, 50, Order::Desc)
            .await
            .unwrap();
        assert!(page.items.iter().all(|r| r.id != old.id), "{filter:?}");
    }
    let before_old = ChangeRecord::id_of(old.seq - 1);
    let after = s
        .changes_after(&org.id, Some(&before_old), 1)
        .await
        .unwrap();
    let ids: Vec<&str> = after.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, [live.id.as_str()], "read on past the expired one");
}

pub async fn an_account_event_is_numbered_in_each_organizations_log(h: Harness) {
    let s = &h.store;
    let (a, _, _) = setup(s, 1).await;
    let (b, _, _) = setup(s, 1).await;
    let last_a = s.last_change_id(&a.id).await.unwrap().unwrap();
    let login = |org: &str| {
        let mut r = by("ada", org, now_ms());
        r.action = "account.login".into();
        r.target = "user:ada".into();
        r
    };
    let done = s
        .commit_in_orgs(vec![login(&a.id), login(&b.id)])
        .await
        .unwrap();
    assert_eq!(done.len(), 2);
    let in_a = s.changes_after(&a.id, Some(&last_a), 10).await.unwrap();
    assert_eq!(in_a.len(), 1);
    assert_eq!(in_a[0].action, "account.login");
    assert!(in_a[0].revisions.is_empty());
    assert!(in_a[0].expires_at.is_some());
    let by_actor = AuditFilter {
        actor: Some("user:ada".into()),
        ..Default::default()
    };
    let in_b = s
        .list_audit(&b.id, &by_actor, None, 10, Order::Desc)
        .await
        .unwrap();
    assert_eq!(in_b.items.len(), 1);
}

pub async fn an_account_event_reaches_more_organizations_than_one_write_holds(h: Harness) {
    let s = &h.store;
    let orgs: Vec<String> = (0..ORGS_PER_WRITE + 2).map(|_| new_id()).collect();
    let records = orgs
        .iter()
        .map(|o| {
            let mut r = by("ada", o, now_ms());
            r.action = "account.logout".into();
            r
        })
        .collect();
    assert_eq!(s.commit_in_orgs(records).await.unwrap().len(), orgs.len());
    for o in &orgs {
        assert_eq!(s.changes_after(o, None, 10).await.unwrap().len(), 1, "{o}");
    }
}
