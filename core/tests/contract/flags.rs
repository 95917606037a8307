//! Contract cases: flags, states, segments, concurrency and atomicity.

use super::*;

pub async fn flag_lifecycle(h: Harness) {
    let s = &h.store;
    let (org, project, envs) = setup(s, 2).await;
    let f = flag(&project.id, "new-checkout");
    let events = s
        .create_flag(
            &f,
            &audit(&org.id, &project.id, "flag:new-checkout", "flag.create"),
        )
        .await
        .unwrap();
    assert_eq!(events.len(), 2);
    assert!(events.iter().all(|e| e.revision == 1));
    assert!(matches!(
        s.create_flag(
            &f,
            &audit(&org.id, &project.id, "flag:new-checkout", "flag.create")
        )
        .await,
        Err(StoreError::AlreadyExists(_))
    ));
    let initial = s.get_flag_state(&envs[0].id, &f).await.unwrap();
    assert_eq!(
        (
            initial.enabled,
            initial.version,
            initial.default_variant.as_deref()
        ),
        (false, 0, Some("on"))
    );

    let seg = Segment {
        project_id: project.id.clone(),
        key: "beta-users".into(),
        name: "Beta".into(),
        description: String::new(),
        rule: json!({"in": [{"var": "plan"}, ["beta"]]}),
        version: 1,
        updated_by: "user-1".into(),
        updated_at: 0,
    };
    let ev = s
        .put_segment(
            &seg,
            &audit(&org.id, &project.id, "segment:beta-users", "segment.create"),
        )
        .await
        .unwrap();
    assert!(ev.iter().all(|e| e.revision == 2));

    let ev = s
        .put_flag_state(
            &project.id,
            &state(&envs[0].id, "new-checkout", 1, true),
            &audit(
                &org.id,
                &project.id,
                "flag:new-checkout",
                "flag_state.update",
            ),
        )
        .await
        .unwrap();
    assert_eq!(
        (ev.environment.as_str(), ev.revision),
        (envs[0].id.as_str(), 3)
    );
    assert_eq!(
        s.environment_revision(&envs[1].id).await.unwrap(),
        2,
        "other environments are untouched"
    );
    match s
        .put_flag_state(
            &project.id,
            &state(&envs[0].id, "new-checkout", 1, false),
            &audit(
                &org.id,
                &project.id,
                "flag:new-checkout",
                "flag_state.update",
            ),
        )
        .await
    {
        Err(StoreError::Conflict { current, .. }) => assert_eq!(current, Some(1)),
        other => panic!("stale write must conflict: {other:?}"),
    }

    let snap = s.load_environment(&envs[0].id).await.unwrap().unwrap();
    assert_eq!(snap.environment.revision, 3);
    assert_eq!(snap.flags.len(), 1);
    assert!(snap.flags[0].1.enabled);
    assert_eq!(snap.segments.len(), 1);
    let doc = snap.to_flagd();
    let set = FlagSet::parse_strict(&serde_json::to_value(&doc).unwrap())
        .expect("the exported document is valid flagd");
    let attrs = json!({"plan": "beta"});
    let r = set.evaluate("new-checkout", &Context::new(&attrs, 0).unwrap());
    assert_eq!(r.value, Some(&json!(true)));
    let attrs = json!({"plan": "free"});
    assert_eq!(
        set.evaluate("new-checkout", &Context::new(&attrs, 0).unwrap())
            .value,
        Some(&json!(false))
    );

    let mut archived = f.clone();
    archived.version = 2;
    archived.archived = true;
    s.update_flag(
        &archived,
        &audit(&org.id, &project.id, "flag:new-checkout", "flag.archive"),
    )
    .await
    .unwrap();
    assert!(
        s.load_environment(&envs[0].id)
            .await
            .unwrap()
            .unwrap()
            .flags
            .is_empty()
    );
    assert!(matches!(
        s.update_flag(
            &archived,
            &audit(&org.id, &project.id, "flag:new-checkout", "flag.update")
        )
        .await,
        Err(StoreError::Conflict {
            current: Some(2),
            ..
        })
    ));

    s.delete_flag(
        &project.id,
        "new-checkout",
        2,
        &audit(&org.id, &project.id, "flag:new-checkout", "flag.delete"),
    )
    .await
    .unwrap();
    assert!(
        s.get_flag(&project.id, "new-checkout")
            .await
            .unwrap()
            .is_none()
    );
    // Re-created, the flag starts from its default state again (old states were deleted).
    s.create_flag(
        &f,
        &audit(&org.id, &project.id, "flag:new-checkout", "flag.create"),
    )
    .await
    .unwrap();
    assert_eq!(s.get_flag_state(&envs[0].id, &f).await.unwrap().version, 0);
    s.delete_segment(
        &project.id,
        "beta-users",
        1,
        &audit(&org.id, &project.id, "segment:beta-users", "segment.delete"),
    )
    .await
    .unwrap();
    assert!(s.list_segments(&project.id).await.unwrap().is_empty());

    let history = s
        .list_audit(
            &org.id,
            &AuditFilter {
                target: Some("flag:new-checkout".into()),
                ..Default::default()
            },
            None,
            50,
            Order::Asc,
        )
        .await
        .unwrap();
    let actions: Vec<&str> = history.items.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "flag.create",
            "flag_state.update",
            "flag.archive",
            "flag.delete",
            "flag.create"
        ]
    );
    let all = s
        .list_audit(
            &org.id,
            &AuditFilter {
                project_id: Some(project.id.clone()),
                ..Default::default()
            },
            None,
            50,
            Order::Asc,
        )
        .await
        .unwrap();
    assert_eq!(all.items.len(), 7);
    assert_eq!(
        s.get_audit(&org.id, &all.items[0].id)
            .await
            .unwrap()
            .unwrap(),
        all.items[0]
    );
}

pub async fn twenty_concurrent_writers_one_winner(h: Harness) {
    let s = h.store.clone();
    let (org, project, envs) = setup(&s, 1).await;
    let f = flag(&project.id, "contended");
    s.create_flag(
        &f,
        &audit(&org.id, &project.id, "flag:contended", "flag.create"),
    )
    .await
    .unwrap();
    let mut tasks = Vec::new();
    for i in 0..20 {
        let (s, org, project, env) = (
            s.clone(),
            org.id.clone(),
            project.id.clone(),
            envs[0].id.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let st = state(&env, "contended", 1, i % 2 == 0);
            s.put_flag_state(
                &project,
                &st,
                &audit(&org, &project, "flag:contended", "flag_state.update"),
            )
            .await
        }));
    }
    let mut wins = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(ev) => {
                wins += 1;
                assert_eq!(ev.revision, 2);
            }
            Err(StoreError::Conflict { current, .. }) => assert_eq!(current, Some(1)),
            Err(other) => panic!("unexpected error: {other}"),
        }
    }
    assert_eq!(wins, 1, "exactly one writer wins");
    assert_eq!(
        s.environment_revision(&envs[0].id).await.unwrap(),
        2,
        "one revision bump"
    );
    let filter = AuditFilter {
        target: Some("flag:contended".into()),
        ..Default::default()
    };
    let entries = s
        .list_audit(&org.id, &filter, None, 100, Order::Asc)
        .await
        .unwrap()
        .items;
    assert_eq!(
        entries
            .iter()
            .filter(|e| e.action == "flag_state.update")
            .count(),
        1,
        "one audit entry"
    );
    assert_eq!(s.get_flag_state(&envs[0].id, &f).await.unwrap().version, 1);
}

pub async fn failed_change_leaves_no_trace(h: Harness) {
    let s = &h.store;
    let (org, project, envs) = setup(s, 1).await;
    let f = flag(&project.id, "audited");
    s.create_flag(
        &f,
        &audit(&org.id, &project.id, "flag:audited", "flag.create"),
    )
    .await
    .unwrap();
    let log_before = s.changes_after(&org.id, None, 500).await.unwrap();
    // A good state write and a stale flag write in one change: nothing of it may stay.
    let mut batch = switchyard_core::store::Batch::new();
    batch
        .put_flag_state(&project.id, &state(&envs[0].id, "audited", 1, true))
        .unwrap();
    let mut stale = f.clone();
    stale.version = 5;
    batch.put_flag(&stale).unwrap();
    let result = s
        .commit(
            batch,
            audit(&org.id, &project.id, "flag:audited", "flag_state.update"),
        )
        .await;
    assert!(
        matches!(result, Err(StoreError::Conflict { .. })),
        "{result:?}"
    );
    assert_eq!(
        s.get_flag_state(&envs[0].id, &f).await.unwrap().version,
        0,
        "state not written"
    );
    assert_eq!(
        s.environment_revision(&envs[0].id).await.unwrap(),
        1,
        "revision not bumped"
    );
    assert_eq!(
        s.changes_after(&org.id, None, 500).await.unwrap(),
        log_before,
        "no change record"
    );
}
