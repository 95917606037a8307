//! Password reset tokens: the SHA-256 of a token mailed to a user, valid until `expires_at` and
//! used once (the reset deletes it in the same transaction that sets the new password).

use serde::{Deserialize, Serialize};

use super::{Cond, KvError, Op, Result, Store, StoreError, item, layout};
use crate::domain::User;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PasswordReset {
    pub token_hash: String,
    pub user_id: String,
    /// Unix ms.
    pub expires_at: i64,
}

const SK: &str = "RESET";

impl Store {
    pub async fn create_password_reset(&self, reset: &PasswordReset) -> Result<()> {
        let put = item(
            layout::password_reset(&reset.token_hash),
            SK.into(),
            None,
            0,
            reset,
        )?;
        self.write(
            vec![Op::Put {
                item: put,
                cond: Cond::Absent,
            }],
            || StoreError::AlreadyExists("the reset token".into()),
        )
        .await
    }

    pub async fn get_password_reset(&self, token_hash: &str) -> Result<Option<PasswordReset>> {
        self.get_doc(&layout::password_reset(token_hash), SK).await
    }

    /// Saves `user` (read at `user.version`) and consumes `reset`, together: a token sets one
    /// password once. A token already used, or a user changed meanwhile, is a conflict.
    pub async fn reset_password(&self, user: &User, reset: &PasswordReset) -> Result<()> {
        let ops = vec![
            super::accounts::user_update_op(user)?,
            Op::Delete {
                pk: layout::password_reset(&reset.token_hash),
                sk: SK.into(),
                cond: Cond::Version(0),
            },
        ];
        match self.kv().transact(ops).await {
            Err(KvError::Condition { .. }) => Err(StoreError::Conflict {
                what: "the reset token".into(),
                current: None,
            }),
            other => Ok(other?),
        }
    }
}
