//! Email verification tokens: the SHA-256 of a token mailed to a new user, valid until
//! `expires_at` and used once (the verification deletes it in the same transaction that marks
//! the email verified).

use serde::{Deserialize, Serialize};

use super::{Cond, KvError, Op, Result, Store, StoreError, item, layout};
use crate::domain::User;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EmailVerification {
    pub token_hash: String,
    pub user_id: String,
    /// The address the link was sent to: a link proves only the address it went to.
    pub email: String,
    /// Unix ms.
    pub expires_at: i64,
}

const SK: &str = "VERIFY";

impl Store {
    pub async fn create_email_verification(&self, v: &EmailVerification) -> Result<()> {
        let put = item(
            layout::email_verification(&v.token_hash),
            SK.into(),
            None,
            0,
            v,
        )?;
        self.write(
            vec![Op::Put {
                item: put,
                cond: Cond::Absent,
            }],
            || StoreError::AlreadyExists("the verification token".into()),
        )
        .await
    }

    pub async fn get_email_verification(
        &self,
        token_hash: &str,
    ) -> Result<Option<EmailVerification>> {
        self.get_doc(&layout::email_verification(token_hash), SK)
            .await
    }

    /// Saves `user` (read at `user.version`, now verified) and consumes `v`, together. A token
    /// already used, or a user changed meanwhile, is a conflict.
    pub async fn verify_email(&self, user: &User, v: &EmailVerification) -> Result<()> {
        let ops = vec![
            super::accounts::user_update_op(user)?,
            Op::Delete {
                pk: layout::email_verification(&v.token_hash),
                sk: SK.into(),
                cond: Cond::Version(0),
            },
        ];
        match self.kv().transact(ops).await {
            Err(KvError::Condition { .. }) => Err(StoreError::Conflict {
                what: "the verification token".into(),
                current: None,
            }),
            other => Ok(other?),
        }
    }
}
