//! The mail the API sends (password reset links), over SMTP: a local server
//! (`smtp://127.0.0.1:2525`), or SES's SMTP interface in AWS
//! (`smtps://USER:PASSWORD@email-smtp.REGION.amazonaws.com:465`).

use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

#[derive(Debug, Clone)]
pub struct Mail {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// Where links in mail point (the dashboard's origin).
    pub dashboard_url: String,
}

impl Mail {
    /// A sender through the SMTP server at `smtp_url`, from `from` (`Name <address>` or an
    /// address), linking to `dashboard_url`.
    pub fn new(smtp_url: &str, from: &str, dashboard_url: &str) -> Result<Mail, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
            .map_err(|e| format!("the SMTP URL is not usable: {e}"))?
            .timeout(Some(std::time::Duration::from_secs(10)))
            .build();
        let from = from
            .parse()
            .map_err(|e| format!("the sender {from:?} is not a mailbox: {e}"))?;
        Ok(Mail {
            transport,
            from,
            dashboard_url: dashboard_url.trim_end_matches('/').to_owned(),
        })
    }

    /// Sends a plain-text message to `to`. An address no mail can reach (one that does not parse,
    /// or that the server refuses for good) is logged and not an error: the caller answers as it
    /// would for an unknown account, so the answer tells nothing about the address.
    pub async fn send(&self, to: &str, subject: &str, body: String) -> Result<(), String> {
        let Ok(to) = to.parse::<Mailbox>() else {
            tracing::warn!(to, "not a mailbox: no mail sent");
            return Ok(());
        };
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .body(body)
            .map_err(|e| e.to_string())?;
        self.transport.send(message).await.map(drop).or_else(|e| {
            if e.is_permanent() {
                tracing::warn!(error = %e, "the mail server refused the mail for good");
                Ok(())
            } else {
                Err(format!("the mail was not sent: {e}"))
            }
        })
    }
}
