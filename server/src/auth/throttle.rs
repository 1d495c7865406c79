//! The login throttle's rules: from the failed password attempts counted for an account and
//! an address, whether another check may run now or how long to wait. Pure, so the rules are
//! tested with chosen times; `Store::reserve_attempt` applies them in the same transaction
//! that records the attempt.
//!
//! Failures are counted per account and address, so someone guessing from one address slows
//! only themselves: the account's owner signing in from elsewhere is not held back. Guessing
//! from many addresses raises the delay for every address that has already failed on the
//! account, rather than locking the account, which would hand the attacker a way to shut an
//! administrator out.

use keikaku_store::{AttemptCounts, Tally};

/// Attempts older than this are forgotten.
pub const WINDOW_SECONDS: i64 = 15 * 60;
/// An address with this many failures in the window, on any accounts, waits until the window
/// after its last failure has passed.
pub const ADDRESS_LIMIT: i64 = 20;
/// Failures of one account from one address that cost nothing...
pub const PAIR_FREE: i64 = 5;
/// ...after which that address waits this long after its last failure, doubling with each
/// further failure, up to the window.
pub const PAIR_DELAY_SECONDS: i64 = 60;
/// Failures of one account from all addresses together before the account-wide backoff...
pub const ACCOUNT_FREE: i64 = 10;
/// ...after which every address that has failed on the account waits this long after its own
/// last failure, doubling with each further failure on the account, up to the window.
pub const ACCOUNT_DELAY_SECONDS: i64 = 15;

/// A refusal: try again after this many seconds (at least one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wait {
    pub seconds: i64,
}

/// May a password check run at `now` (Unix seconds)?
pub fn decide(counts: &AttemptCounts, now: i64) -> Result<(), Wait> {
    let until = [
        address_until(counts.address),
        pair_until(counts.pair),
        account_until(counts.pair, counts.account),
    ]
    .into_iter()
    .flatten()
    .max();
    match until {
        Some(until) if until > now => Err(Wait {
            seconds: until - now,
        }),
        _ => Ok(()),
    }
}

/// `base` seconds doubled `times` times, at most the window.
fn doubled(base: i64, times: i64) -> i64 {
    let factor = 1_i64 << times.clamp(0, 20);
    base.saturating_mul(factor).min(WINDOW_SECONDS)
}

fn address_until(address: Tally) -> Option<i64> {
    (address.count >= ADDRESS_LIMIT).then_some(address.last? + WINDOW_SECONDS)
}

fn pair_until(pair: Tally) -> Option<i64> {
    (pair.count >= PAIR_FREE)
        .then_some(pair.last? + doubled(PAIR_DELAY_SECONDS, pair.count - PAIR_FREE))
}

/// Only an address that has failed on the account itself waits: one that has not is where the
/// owner may be, and is limited by its own count alone.
fn account_until(pair: Tally, account: Tally) -> Option<i64> {
    (pair.count > 0 && account.count >= ACCOUNT_FREE)
        .then_some(pair.last? + doubled(ACCOUNT_DELAY_SECONDS, account.count - ACCOUNT_FREE))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_000_000;

    fn tally(count: i64, last: i64) -> Tally {
        Tally {
            count,
            last: (count > 0).then_some(last),
        }
    }

    /// Counts for an attacker whose failures all came from one address, the last at `last`.
    fn one_address(count: i64, last: i64) -> AttemptCounts {
        AttemptCounts {
            pair: tally(count, last),
            account: tally(count, last),
            address: tally(count, last),
        }
    }

    /// Failures on this account from this address, on it from anywhere, and from this
    /// address on any account, the last of each just now.
    fn counts(pair: i64, account: i64, address: i64) -> AttemptCounts {
        AttemptCounts {
            pair: tally(pair, NOW),
            account: tally(account, NOW),
            address: tally(address, NOW),
        }
    }

    fn wait(seconds: i64) -> Result<(), Wait> {
        Err(Wait { seconds })
    }

    #[test]
    fn the_first_five_failures_from_an_address_cost_nothing() {
        assert_eq!(decide(&AttemptCounts::default(), NOW), Ok(()));
        assert_eq!(decide(&one_address(4, NOW), NOW), Ok(()));
        assert_eq!(decide(&one_address(5, NOW), NOW), wait(60));
    }

    #[test]
    fn the_wait_for_one_address_doubles_up_to_fifteen_minutes() {
        let waits: Vec<i64> = (5..=11)
            .map(|count| match decide(&one_address(count, NOW), NOW) {
                Err(Wait { seconds }) => seconds,
                Ok(()) => 0,
            })
            .collect();
        assert_eq!(waits, [60, 120, 240, 480, 900, 900, 900]);
    }

    #[test]
    fn the_wait_counts_from_the_last_failure() {
        assert_eq!(decide(&one_address(6, NOW - 100), NOW), wait(20));
        assert_eq!(decide(&one_address(6, NOW - 120), NOW), Ok(()));
    }

    #[test]
    fn another_address_is_not_held_back_by_one_addresss_failures() {
        assert_eq!(decide(&counts(0, 9, 0), NOW), Ok(()));
    }

    #[test]
    fn twenty_failures_hold_an_address_on_every_account_for_the_window() {
        let spread = AttemptCounts {
            pair: Tally::default(),
            account: Tally::default(),
            address: tally(20, NOW - 60),
        };
        assert_eq!(decide(&spread, NOW), wait(840));
        assert_eq!(decide(&counts(0, 0, 19), NOW), Ok(()));
    }

    #[test]
    fn guessing_from_many_addresses_slows_each_address_that_failed() {
        // One failure from this address, the account's tenth overall: 15 s, doubling.
        for (account, seconds) in [(10, 15), (11, 30), (12, 60), (15, 480), (16, 900)] {
            assert_eq!(
                decide(&counts(1, account, 1), NOW),
                wait(seconds),
                "{account}"
            );
        }
        assert_eq!(decide(&counts(1, 9, 1), NOW), Ok(()));
    }

    #[test]
    fn an_address_without_failures_on_the_account_is_never_held_by_the_account() {
        assert_eq!(decide(&counts(0, 10_000, 3), NOW), Ok(()));
    }

    #[test]
    fn the_longest_wait_wins() {
        assert_eq!(decide(&counts(5, 16, 5), NOW), wait(900));
    }
}
