//! Account events: what happens to a user's account (signing in, a failed sign-in, signing out,
//! a new password, two-factor turned on or off, recovery codes) belongs to the user, not to an
//! organization, so it is recorded in the audit log of every organization the user is a member
//! of: their admins see their members' security events. The records change no state, move no
//! revision and publish nothing on the bus; webhooks receive them only under the event type
//! `account.activity`, chosen by name.

use serde_json::Value;

use super::error::Result;
use super::{Changes, Scope};
use crate::domain::{Actor, ChangeRecord};

/// What happened to an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountEvent {
    /// A sign-in succeeded.
    Login,
    /// A sign-in with a wrong password or a wrong second factor (of an existing account).
    LoginFailed,
    /// Every session ended (signing out).
    Logout,
    /// The password was changed (knowing the current one).
    PasswordChange,
    /// The password was set through a reset link.
    PasswordReset,
    TwoFactorEnable,
    TwoFactorDisable,
    /// A new set of recovery codes replaced the old.
    RecoveryCodesRegenerate,
    /// A one-time recovery code stood in for the authenticator.
    RecoveryCodeUse,
}

impl AccountEvent {
    /// Every account event, as the audit log names it.
    pub const ALL: [AccountEvent; 9] = [
        AccountEvent::Login,
        AccountEvent::LoginFailed,
        AccountEvent::Logout,
        AccountEvent::PasswordChange,
        AccountEvent::PasswordReset,
        AccountEvent::TwoFactorEnable,
        AccountEvent::TwoFactorDisable,
        AccountEvent::RecoveryCodesRegenerate,
        AccountEvent::RecoveryCodeUse,
    ];

    /// The record's action.
    pub fn action(self) -> &'static str {
        match self {
            AccountEvent::Login => "account.login",
            AccountEvent::LoginFailed => "account.login_failed",
            AccountEvent::Logout => "account.logout",
            AccountEvent::PasswordChange => "account.password_change",
            AccountEvent::PasswordReset => "account.password_reset",
            AccountEvent::TwoFactorEnable => "account.two_factor_enable",
            AccountEvent::TwoFactorDisable => "account.two_factor_disable",
            AccountEvent::RecoveryCodesRegenerate => "account.recovery_codes_regenerate",
            AccountEvent::RecoveryCodeUse => "account.recovery_code_use",
        }
    }
}

impl Changes {
    /// Records `event` of user `user` in every organization the user is a member of, with
    /// `details` (such as the client's address) as the record's `after`; how many organizations.
    /// A user in no organization leaves no record.
    pub async fn record_account_event(
        &self,
        user: &str,
        event: AccountEvent,
        details: Value,
    ) -> Result<usize> {
        let memberships = self.store.memberships_of(user).await?;
        if memberships.is_empty() {
            return Ok(0);
        }
        let actor = Actor::User(user.to_owned());
        let records: Vec<ChangeRecord> = memberships
            .iter()
            .map(|m| {
                self.record(
                    &actor,
                    Scope::org(&m.org_id),
                    event.action(),
                    format!("user:{user}"),
                    None::<&Value>,
                    Some(&details),
                )
            })
            .collect();
        let committed = self.store.commit_in_orgs(records).await?;
        if let Some(hook) = &self.committed {
            (hook.0)();
        }
        Ok(committed.len())
    }
}
