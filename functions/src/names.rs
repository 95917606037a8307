//! Who an actor is by name, for the views that show one: a member's name, an API token's name.

use std::collections::HashMap;

use switchyard_core::domain::Actor;

use crate::error::ApiError;
use crate::state::AppState;

/// The names of `actors` (as `user:ID` / `token:ID` strings), each looked up once; the system's
/// actors, members and tokens since removed, and strings that are no actor have none.
pub async fn of(
    st: &AppState,
    org: &str,
    mut actors: Vec<String>,
) -> Result<HashMap<String, String>, ApiError> {
    let mut names = HashMap::new();
    actors.sort_unstable();
    actors.dedup();
    for actor in actors {
        let name = match Actor::try_from(actor.clone()) {
            Ok(Actor::User(id)) => st.store.get_user(&id).await?.map(|u| u.name),
            Ok(Actor::Token(id)) => st.store.get_api_token(org, &id).await?.map(|t| t.name),
            Ok(Actor::System(_)) | Err(_) => None,
        };
        if let Some(n) = name {
            names.insert(actor, n);
        }
    }
    Ok(names)
}
