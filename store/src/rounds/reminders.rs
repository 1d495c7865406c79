//! Which reminder digests are due: for each round still taking reports, one to each lead
//! department with records waiting, some days before the deadline and once on the day after
//! it. Each is sent once (`round_reminders`); who receives it is every enabled editor of the
//! department with an email address.

use keikaku_domain::access::{Principal, Role, Viewer};
use keikaku_domain::date::Day;
use keikaku_sync::round_sheet::Task;

use super::Round;
use crate::{Result, Store};

/// Why a digest goes out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReminderKind {
    /// The deadline is near.
    BeforeDeadline,
    /// The deadline passed yesterday (or earlier, if the server was down then).
    Overdue,
}

impl ReminderKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ReminderKind::BeforeDeadline => "before_deadline",
            ReminderKind::Overdue => "overdue",
        }
    }
}

/// One digest to send: to whom, about which round, and the records waiting.
#[derive(Debug, Clone, PartialEq)]
pub struct Reminder {
    pub kind: ReminderKind,
    pub round: Round,
    pub plan_title: String,
    pub department: String,
    /// `(display name, email)` of each recipient.
    pub recipients: Vec<(String, String)>,
    pub tasks: Vec<Task>,
}

impl Store {
    /// Sets (or clears) where a user is reached by email.
    pub async fn set_email(&self, user_id: i64, email: Option<&str>) -> Result<()> {
        sqlx::query("UPDATE users SET email = ? WHERE id = ?")
            .bind(email)
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The digests due on `today` (`now` in unix seconds) that were not sent yet:
    /// `days_before` the deadline and up to it, and from the day after the deadline on.
    pub async fn due_reminders(&self, now: i64, days_before: u32) -> Result<Vec<Reminder>> {
        let today = Day::in_japan_at(now);
        let rows = sqlx::query(
            "SELECT * FROM reporting_rounds WHERE state IN ('open', 'closed') ORDER BY deadline, id",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut due = Vec::new();
        for row in &rows {
            let round = Round::from_row(row)?;
            let Some(deadline) = Day::parse(&round.deadline) else {
                continue;
            };
            let left = today.days_until(deadline);
            let kind = if left < 0 {
                ReminderKind::Overdue
            } else if left <= i64::from(days_before)
                && round.state == keikaku_domain::evaluation::RoundState::Open
            {
                ReminderKind::BeforeDeadline
            } else {
                continue;
            };
            // The organization's own view of its round.
            let office = Viewer::User(Principal {
                user_id: 0,
                organization_id: round.organization_id.clone(),
                role: Role::Administrator,
                department: None,
            });
            let sheet = self.round_sheet(&round.id, &office, now).await?;
            let editors: Vec<(String, String, String)> = sqlx::query_as(
                "SELECT department, display_name, email FROM users
                 WHERE organization_id = ? AND role = 'editor' AND disabled = 0
                   AND email IS NOT NULL AND department IS NOT NULL
                 ORDER BY department, login",
            )
            .bind(&round.organization_id)
            .fetch_all(&self.pool)
            .await?;
            let sent: Vec<String> = sqlx::query_scalar(
                "SELECT department FROM round_reminders WHERE round_id = ? AND kind = ?",
            )
            .bind(&round.id)
            .bind(kind.as_str())
            .fetch_all(&self.pool)
            .await?;
            let mut departments: Vec<&str> = editors.iter().map(|(d, _, _)| d.as_str()).collect();
            departments.dedup();
            for department in departments {
                if sent.iter().any(|d| d == department) {
                    continue;
                }
                let tasks = sheet.tasks_for(department);
                if tasks.is_empty() {
                    continue;
                }
                due.push(Reminder {
                    kind,
                    round: round.clone(),
                    plan_title: sheet.head.plan_title.clone(),
                    department: department.to_owned(),
                    recipients: editors
                        .iter()
                        .filter(|(d, _, _)| d == department)
                        .map(|(_, name, email)| (name.clone(), email.clone()))
                        .collect(),
                    tasks,
                });
            }
        }
        Ok(due)
    }

    /// Records that a digest went out, so it is not sent again.
    pub async fn mark_reminded(&self, reminder: &Reminder, now: i64) -> Result<()> {
        sqlx::query(
            "INSERT INTO round_reminders (round_id, kind, department, sent_at, recipients)
             VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        )
        .bind(&reminder.round.id)
        .bind(reminder.kind.as_str())
        .bind(&reminder.department)
        .bind(now)
        .bind(reminder.recipients.len() as i64)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
