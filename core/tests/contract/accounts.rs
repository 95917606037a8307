//! Contract cases: accounts, tokens, projects, environments, keys, pagination.

use super::*;

pub async fn accounts_and_tokens(h: Harness) {
    let s = &h.store;
    let ada = user("ada@example.com");
    s.create_user(&ada).await.unwrap();
    let dup = user("ADA@example.com");
    assert!(matches!(
        s.create_user(&dup).await,
        Err(StoreError::AlreadyExists(_))
    ));
    assert_eq!(
        s.get_user_by_email("Ada@Example.com")
            .await
            .unwrap()
            .unwrap()
            .id,
        ada.id
    );
    assert!(
        s.get_user_by_email("nobody@example.com")
            .await
            .unwrap()
            .is_none()
    );
    let mut changed = ada.clone();
    changed.session_generation = 1;
    s.update_user(&changed).await.unwrap();
    assert_eq!(
        s.get_user(&ada.id)
            .await
            .unwrap()
            .unwrap()
            .session_generation,
        1
    );
    assert!(matches!(
        s.update_user(&user("ghost@example.com")).await,
        Err(StoreError::NotFound(_))
    ));

    let org = Organization::new(new_id(), "Acme", now_ms());
    s.create_org(
        &org,
        &Membership {
            org_id: org.id.clone(),
            user_id: ada.id.clone(),
            role: Role::Owner,
            created_at: 0,
        },
    )
    .await
    .unwrap();
    let other = Organization::new(new_id(), "Other", now_ms());
    s.create_org(
        &other,
        &Membership {
            org_id: other.id.clone(),
            user_id: "someone".into(),
            role: Role::Owner,
            created_at: 0,
        },
    )
    .await
    .unwrap();
    s.put_membership(&Membership {
        org_id: org.id.clone(),
        user_id: "bob".into(),
        role: Role::Viewer,
        created_at: 0,
    })
    .await
    .unwrap();
    let mine = s.memberships_of(&ada.id).await.unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(
        (mine[0].org_id.as_str(), mine[0].role),
        (org.id.as_str(), Role::Owner)
    );
    assert_eq!(
        s.list_members(&org.id, None, 10).await.unwrap().items.len(),
        2
    );
    s.delete_membership(&org.id, "bob").await.unwrap();
    assert!(s.get_membership(&org.id, "bob").await.unwrap().is_none());
    assert!(matches!(
        s.delete_membership(&org.id, "bob").await,
        Err(StoreError::NotFound(_))
    ));

    let secret = new_secret("sy_api");
    let token = ApiToken {
        id: new_id(),
        org_id: org.id.clone(),
        name: "ci".into(),
        scopes: vec![Scope::Read, Scope::WriteFlags],
        secret_hash: hash_secret(&secret),
        prefix: secret[..10].into(),
        created_by: ada.id.clone(),
        created_at: now_ms(),
        expires_at: None,
        revoked_at: None,
        service_account: None,
    };
    s.create_api_token(&token).await.unwrap();
    let found = s
        .find_api_token(&hash_secret(&secret))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.id, token.id);
    assert!(
        s.find_api_token(&hash_secret("wrong"))
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        s.list_api_tokens(&org.id, None, 10)
            .await
            .unwrap()
            .items
            .len(),
        1
    );
    assert!(
        s.list_api_tokens(&other.id, None, 10)
            .await
            .unwrap()
            .items
            .is_empty()
    );
    let mut revoked = found.clone();
    revoked.revoked_at = Some(now_ms());
    s.update_api_token(&revoked).await.unwrap();
    assert!(
        s.find_api_token(&hash_secret(&secret))
            .await
            .unwrap()
            .unwrap()
            .revoked_at
            .is_some()
    );

    let invite_secret = new_secret("sy_invite");
    let inv = Invitation {
        org_id: org.id.clone(),
        token_hash: hash_secret(&invite_secret),
        email: "eve@example.com".into(),
        role: Role::Editor,
        invited_by: ada.id.clone(),
        expires_at: now_ms() + 1000,
    };
    s.create_invitation(&inv).await.unwrap();
    let got = s
        .get_invitation(&hash_secret(&invite_secret))
        .await
        .unwrap()
        .unwrap();
    let eve = Membership {
        org_id: org.id.clone(),
        user_id: "eve".into(),
        role: got.role,
        created_at: 0,
    };
    s.accept_invitation(&got, &eve).await.unwrap();
    assert_eq!(
        s.get_membership(&org.id, "eve")
            .await
            .unwrap()
            .unwrap()
            .role,
        Role::Editor
    );
    assert!(
        matches!(
            s.accept_invitation(&got, &eve).await,
            Err(StoreError::NotFound(_))
        ),
        "an invitation works once"
    );
}

pub async fn projects_environments_and_keys(h: Harness) {
    let s = &h.store;
    let (org, project, envs) = setup(s, 2).await;
    let (other_org, other_project, _) = setup(s, 1).await;
    let listed = s.list_projects(&org.id, None, 10).await.unwrap().items;
    assert_eq!(listed, vec![project.clone()]);
    assert_eq!(
        s.list_projects(&other_org.id, None, 10)
            .await
            .unwrap()
            .items,
        vec![other_project]
    );
    assert_eq!(s.list_environments(&project.id).await.unwrap().len(), 2);
    assert!(s.get_project("nope").await.unwrap().is_none());

    let mut env = s.get_environment(&envs[0].id).await.unwrap().unwrap();
    env.allowed_origins = vec!["https://app.example.com".into()];
    let saved = s.update_environment(&env).await.unwrap();
    assert_eq!(saved.revision, 1);
    assert_eq!(s.environment_revision(&env.id).await.unwrap(), 1);
    match s.update_environment(&env).await {
        Err(StoreError::Conflict { current, .. }) => assert_eq!(current, Some(1)),
        other => panic!("a stale environment update must conflict: {other:?}"),
    }

    let secret = new_secret("sy_client");
    let key = SdkKey {
        id: new_id(),
        org_id: org.id.clone(),
        project_id: project.id.clone(),
        environment_id: env.id.clone(),
        kind: KeyKind::Client,
        secret_hash: hash_secret(&secret),
        prefix: secret[..12].into(),
        created_at: now_ms(),
        revoked_at: None,
        expires_at: None,
    };
    s.create_sdk_key(&key).await.unwrap();
    assert_eq!(
        s.find_sdk_key(&hash_secret(&secret))
            .await
            .unwrap()
            .unwrap(),
        key
    );
    assert_eq!(s.list_sdk_keys(&env.id).await.unwrap().len(), 1);
    assert!(s.list_sdk_keys(&envs[1].id).await.unwrap().is_empty());
    let mut revoked = key.clone();
    revoked.revoked_at = Some(1);
    s.update_sdk_key(&revoked).await.unwrap();
    assert_eq!(
        s.find_sdk_key(&hash_secret(&secret))
            .await
            .unwrap()
            .unwrap()
            .revoked_at,
        Some(1)
    );
}

pub async fn pagination(h: Harness) {
    let s = &h.store;
    let (org, _, _) = setup(s, 0).await;
    for i in 0..6 {
        s.create_project(&Project {
            id: new_id(),
            org_id: org.id.clone(),
            name: format!("p{i}"),
            created_at: 0,
            client_visible_by_default: true,
        })
        .await
        .unwrap();
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let page = s
            .list_projects(&org.id, cursor.as_deref(), 3)
            .await
            .unwrap();
        assert!(page.items.len() <= 3);
        pages += 1;
        seen.extend(page.items.into_iter().map(|p| p.id));
        match page.next {
            Some(n) => cursor = Some(n),
            None => break,
        }
    }
    assert_eq!((seen.len(), pages), (7, 3));
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 7, "no project twice");
    assert!(matches!(
        s.list_projects(&org.id, Some("garbage!"), 3).await,
        Err(StoreError::Invalid(_))
    ));
}

pub async fn a_user_update_from_a_stale_read_is_refused(h: Harness) {
    let s = &h.store;
    let ada = user("ada@example.com");
    s.create_user(&ada).await.unwrap();
    // A logout read the user; a password change lands first; then the logout writes.
    let read_by_logout = s.get_user(&ada.id).await.unwrap().unwrap();
    let mut changed = s.get_user(&ada.id).await.unwrap().unwrap();
    changed.password_hash = "$argon2id$new".into();
    changed.session_generation += 1;
    s.update_user(&changed).await.unwrap();
    let mut logout = read_by_logout;
    logout.session_generation += 1;
    assert!(matches!(
        s.update_user(&logout).await,
        Err(StoreError::Conflict { .. })
    ));
    let stored = s.get_user(&ada.id).await.unwrap().unwrap();
    assert_eq!(stored.password_hash, "$argon2id$new");
}
