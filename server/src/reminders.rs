//! Email reminders of reporting rounds: a digest to each department's editors some days before
//! a round's deadline and on the day after it, listing the records that wait for them. Sent only
//! when `KEIKAKU_SMTP_URL` names a mail server; the in-app 要対応 list needs none. The server
//! checks once an hour; `server remind` checks once (for cron, or to send at once).

use std::time::Duration;

use keikaku_domain::date::Day;
use keikaku_domain::evaluation::RecordState;
use keikaku_store::{Reminder, ReminderKind, Store};
use lettre::message::{header::ContentType, Mailbox};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::MailConfig;

/// How often the server looks for reminders that are due.
const CHECK_EVERY: Duration = Duration::from_secs(3600);

/// Sends digests through one SMTP server.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// Where links in the mail point: the site as users reach it.
    site: String,
}

impl Mailer {
    pub fn new(config: &MailConfig) -> Result<Mailer, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&config.smtp_url)
            .map_err(|e| format!("KEIKAKU_SMTP_URL: {e}"))?
            .timeout(Some(Duration::from_secs(30)))
            .build();
        let from = config
            .from
            .parse()
            .map_err(|e| format!("KEIKAKU_MAIL_FROM={:?}: {e}", config.from))?;
        Ok(Mailer {
            transport,
            from,
            site: config.site.trim_end_matches('/').to_owned(),
        })
    }

    async fn send(&self, reminder: &Reminder) -> Result<(), String> {
        let (subject, body) = digest(reminder, &self.site);
        let mut builder = Message::builder()
            .from(self.from.clone())
            .subject(subject)
            .header(ContentType::TEXT_PLAIN);
        for (name, email) in &reminder.recipients {
            let to = Mailbox::new(
                Some(name.clone()),
                email.parse().map_err(|e| format!("{email:?}: {e}"))?,
            );
            builder = builder.to(to);
        }
        let message = builder.body(body).map_err(|e| e.to_string())?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// The subject and text of a digest, in Japanese.
pub fn digest(reminder: &Reminder, site: &str) -> (String, String) {
    let round = &reminder.round;
    let deadline = Day::parse(&round.deadline).map_or(round.deadline.clone(), Day::japanese);
    let subject = match reminder.kind {
        ReminderKind::BeforeDeadline => format!(
            "【Keikaku】{}の締切（{deadline}）が近づいています：{}",
            round.title, reminder.department
        ),
        ReminderKind::Overdue => format!(
            "【Keikaku】{}の締切（{deadline}）を過ぎています：{}",
            round.title, reminder.department
        ),
    };
    let mut body = format!(
        "{}の皆さま\n\n「{}」の「{}」について、次の{}件の報告が未提出です。\n締切：{deadline}\n\n",
        reminder.department,
        reminder.plan_title,
        round.title,
        reminder.tasks.len()
    );
    for task in &reminder.tasks {
        let name = match &task.number {
            Some(n) => format!("{n} {}", task.title),
            None => task.title.clone(),
        };
        body.push_str(&format!("・{name}（{}）\n", task.state.label()));
        if task.state == RecordState::Returned {
            if let Some(comment) = &task.comment {
                body.push_str(&format!("　差戻しの理由：{comment}\n"));
            }
        }
        body.push_str(&format!(
            "　{site}/plans/{}/measures/{}/progress?{}\n",
            task.plan_id, task.measure_id, task.progress_query
        ));
    }
    body.push_str(&format!(
        "\n要対応の一覧：{site}/tasks\n\nこのメールは Keikaku から自動で送信しています。\n"
    ));
    (subject, body)
}

/// Sends every digest due now; returns how many went out. A digest that fails is left for the
/// next check, and the others still go.
pub async fn send_due(
    store: &Store,
    mailer: &Mailer,
    now: i64,
    days_before: u32,
) -> Result<usize, String> {
    let due = store
        .due_reminders(now, days_before)
        .await
        .map_err(|e| e.to_string())?;
    let mut sent = 0;
    for reminder in &due {
        match mailer.send(reminder).await {
            Ok(()) => {
                store
                    .mark_reminded(reminder, now)
                    .await
                    .map_err(|e| e.to_string())?;
                sent += 1;
            }
            Err(e) => tracing::warn!(
                "reminder for {} of round {} not sent: {e}",
                reminder.department,
                reminder.round.id
            ),
        }
    }
    Ok(sent)
}

/// Checks for due reminders now and then every hour, for as long as the server runs.
pub fn start(store: Store, mailer: Mailer, days_before: u32) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(CHECK_EVERY);
        loop {
            every.tick().await;
            match send_due(&store, &mailer, crate::auth::now(), days_before).await {
                Ok(0) => {}
                Ok(n) => tracing::info!("sent {n} reminder digests"),
                Err(e) => tracing::warn!("reminders: {e}"),
            }
        }
    });
}
