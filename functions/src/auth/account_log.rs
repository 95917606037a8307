//! Account events (sign-ins, failed sign-ins, sign-outs, password and two-factor changes) into
//! the audit logs of the user's organizations, with the client's address. Best effort: the
//! account change has happened (or the sign-in was refused) either way, so a store that fails
//! here is logged, not answered.

use serde_json::{Map, Value, json};
use switchyard_core::changes::AccountEvent;

use super::address::SourceAddress;
use super::second_factor::Proof;
use crate::state::AppState;

/// Records `event` of `user`, with the address it came from and `details` (an object) beside.
pub async fn record(
    st: &AppState,
    user: &str,
    event: AccountEvent,
    from: SourceAddress,
    details: Value,
) {
    let mut all = Map::new();
    all.insert(
        "address".into(),
        from.0.map_or(Value::Null, |ip| json!(ip.to_string())),
    );
    if let Value::Object(more) = details {
        all.extend(more);
    }
    if let Err(e) = st
        .changes
        .record_account_event(user, event, Value::Object(all))
        .await
    {
        tracing::warn!(action = event.action(), error = %e, "an account event was not recorded");
    }
}

/// How a second factor was proved, as the record says it.
pub fn second_factor(proof: Proof) -> &'static str {
    match proof {
        Proof::Authenticator(_) => "authenticator",
        Proof::Recovery(_) => "recovery_code",
    }
}

/// Records a sign-in's (or a two-factor change's) proof: the use of a recovery code is an
/// event of its own.
pub async fn proof_used(
    st: &AppState,
    user: &str,
    proof: Proof,
    from: SourceAddress,
    during: &str,
) {
    if let Proof::Recovery(_) = proof {
        record(
            st,
            user,
            AccountEvent::RecoveryCodeUse,
            from,
            json!({ "during": during }),
        )
        .await;
    }
}
