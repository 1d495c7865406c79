//! The device lock: a PIN the signed-in user sets while online, asked for when the app starts
//! without the server. A field tablet restarted offline would otherwise open the user's
//! progress and kept plans to whoever picks it up, since offline the device alone says who is
//! signed in.
//!
//! The PIN itself is never stored: a key derived from it with PBKDF2-SHA-256 (WebCrypto,
//! [`ITERATIONS`] rounds, a random salt) is, and an entered PIN is checked by deriving again.
//! Unlocking lasts for the tab (sessionStorage), so a browser restarted offline asks again.
//! After [`MAX_FAILURES`] wrong PINs in a row the device is released as by a sign-out, keeping
//! unsent edits locked for their author. Online, the server's session decides, as before.

use keikaku_domain::lang::Lang;
use serde::{Deserialize, Serialize};

/// Digits a PIN has at least and at most.
pub const MIN_DIGITS: usize = 6;
pub const MAX_DIGITS: usize = 12;
/// Wrong PINs in a row before the device is released.
pub const MAX_FAILURES: u32 = 5;
/// PBKDF2 rounds: OWASP's figure for PBKDF2-HMAC-SHA256 (2023). About half a second on a
/// tablet, once per unlock.
pub const ITERATIONS: u32 = 600_000;

/// Why a PIN cannot be set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinProblem {
    NotDigits,
    Length,
    Trivial,
    Mismatch,
}

impl PinProblem {
    /// The field's message, in `lang`.
    pub fn message_in(self, lang: Lang) -> &'static str {
        match (lang, self) {
            (Lang::Ja, PinProblem::NotDigits) => "PINは数字だけで入力してください。",
            (Lang::Ja, PinProblem::Length) => "PINは6〜12桁の数字にしてください。",
            (Lang::Ja, PinProblem::Trivial) => "同じ数字の繰り返しや連続した数字は使えません。",
            (Lang::Ja, PinProblem::Mismatch) => "確認のPINが一致しません。",
            (Lang::En, PinProblem::NotDigits) => "Please enter digits only.",
            (Lang::En, PinProblem::Length) => "Please use 6 to 12 digits.",
            (Lang::En, PinProblem::Trivial) => {
                "The same digit repeated, or digits in a row, cannot be used."
            }
            (Lang::En, PinProblem::Mismatch) => "The two PINs do not match.",
        }
    }
}

/// Why a PIN cannot be set, if it cannot.
pub fn check_new_pin(pin: &str, confirmation: &str) -> Result<(), PinProblem> {
    if !pin.chars().all(|c| c.is_ascii_digit()) {
        return Err(PinProblem::NotDigits);
    }
    if !(MIN_DIGITS..=MAX_DIGITS).contains(&pin.len()) {
        return Err(PinProblem::Length);
    }
    if pin.bytes().all(|b| b == pin.as_bytes()[0]) || is_sequence(pin) {
        return Err(PinProblem::Trivial);
    }
    if pin != confirmation {
        return Err(PinProblem::Mismatch);
    }
    Ok(())
}

/// 123456…, 987654…: the first PINs anyone tries.
fn is_sequence(pin: &str) -> bool {
    let steps: Vec<i16> = pin
        .as_bytes()
        .windows(2)
        .map(|w| i16::from(w[1]) - i16::from(w[0]))
        .collect();
    steps.iter().all(|&s| s == 1) || steps.iter().all(|&s| s == -1)
}

/// What the device keeps of a PIN: whose it is and how to check one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredPin {
    pub login: String,
    pub salt: Vec<u8>,
    pub iterations: u32,
    /// The PBKDF2 output for the PIN.
    pub derived: Vec<u8>,
}

/// Compares every byte, whatever the first difference, so the time taken says nothing of
/// where a guess went wrong.
pub fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |diff, (x, y)| diff | (x ^ y)) == 0
}

#[cfg(feature = "hydrate")]
pub use browser::*;

#[cfg(feature = "hydrate")]
mod browser {
    use js_sys::{Object, Reflect, Uint8Array};
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;

    use keikaku_domain::lang::Lang;

    use super::{same_bytes, StoredPin, ITERATIONS, MAX_FAILURES};
    use crate::client::page_lang;
    use crate::offline::device;

    /// sessionStorage key: the login unlocked in this tab.
    const UNLOCKED: &str = "keikaku-unlocked";

    fn js_error(e: JsValue) -> String {
        e.as_string()
            .or_else(|| {
                Reflect::get(&e, &"message".into())
                    .ok()
                    .and_then(|m| m.as_string())
            })
            .unwrap_or_else(|| match page_lang() {
                Lang::Ja => "WebCrypto が使えません".into(),
                Lang::En => "WebCrypto is not available".into(),
            })
    }

    fn method(target: &JsValue, name: &str) -> Result<js_sys::Function, String> {
        Reflect::get(target, &name.into())
            .map_err(js_error)?
            .dyn_into::<js_sys::Function>()
            .map_err(|_| match page_lang() {
                Lang::Ja => format!("{name} がありません"),
                Lang::En => format!("{name} is missing"),
            })
    }

    fn crypto() -> Result<JsValue, String> {
        Reflect::get(&js_sys::global(), &"crypto".into()).map_err(js_error)
    }

    fn random_salt() -> Result<Vec<u8>, String> {
        let crypto = crypto()?;
        let salt = Uint8Array::new_with_length(16);
        method(&crypto, "getRandomValues")?
            .call1(&crypto, &salt)
            .map_err(js_error)?;
        Ok(salt.to_vec())
    }

    /// PBKDF2-SHA-256 of `pin` with `salt`, 256 bits, by the browser's WebCrypto.
    async fn derive(pin: &str, salt: &[u8], iterations: u32) -> Result<Vec<u8>, String> {
        let subtle = Reflect::get(&crypto()?, &"subtle".into()).map_err(js_error)?;
        let usages = js_sys::Array::of1(&"deriveBits".into());
        let import = method(&subtle, "importKey")?;
        let key = import
            .apply(
                &subtle,
                &js_sys::Array::of5(
                    &"raw".into(),
                    &Uint8Array::from(pin.as_bytes()),
                    &"PBKDF2".into(),
                    &JsValue::FALSE,
                    &usages,
                ),
            )
            .map_err(js_error)?;
        let key = JsFuture::from(js_sys::Promise::from(key))
            .await
            .map_err(js_error)?;
        let params = Object::new();
        for (name, value) in [
            ("name", JsValue::from_str("PBKDF2")),
            ("hash", JsValue::from_str("SHA-256")),
            ("salt", Uint8Array::from(salt).into()),
            ("iterations", JsValue::from(iterations)),
        ] {
            Reflect::set(&params, &name.into(), &value).map_err(js_error)?;
        }
        let bits = method(&subtle, "deriveBits")?
            .call3(&subtle, &params, &key, &JsValue::from(256))
            .map_err(js_error)?;
        let bits = JsFuture::from(js_sys::Promise::from(bits))
            .await
            .map_err(js_error)?;
        Ok(Uint8Array::new(&bits).to_vec())
    }

    fn session_storage() -> Option<web_sys::Storage> {
        leptos::prelude::window().session_storage().ok().flatten()
    }

    /// Sets (or replaces) the PIN of the user signed in here.
    pub async fn set_pin(login: &str, pin: &str) -> Result<(), String> {
        let salt = random_salt()?;
        let derived = derive(pin, &salt, ITERATIONS).await?;
        let stored = StoredPin {
            login: login.to_owned(),
            salt,
            iterations: ITERATIONS,
            derived,
        };
        device::set_pin(Some(&stored)).await?;
        mark_unlocked(login);
        Ok(())
    }

    /// Removes the PIN: the device opens offline without one, as before.
    pub async fn remove_pin() -> Result<(), String> {
        device::set_pin(None).await
    }

    /// Whether the user signed in here has set a PIN.
    pub async fn has_pin(login: &str) -> bool {
        device::pin()
            .await
            .is_some_and(|(stored, _)| stored.login == login)
    }

    thread_local! {
        /// Whether this tab is locked, once decided.
        static TAB_LOCKED: std::cell::Cell<Option<bool>> = const { std::cell::Cell::new(None) };
    }

    /// Whether this tab must ask for the PIN before it shows anything of the user signed in
    /// here: it was opened from the app shell (without the server, which would otherwise say
    /// who is signed in), that user set a PIN, and it has not been entered in this tab. Page
    /// data kept on the device, the replica and the header's name all wait on this.
    pub async fn tab_locked() -> bool {
        if let Some(known) = TAB_LOCKED.with(std::cell::Cell::get) {
            return known;
        }
        let locked = crate::offline::opened_offline()
            && match device::signed_in().await {
                Some((login, _)) => {
                    let unlocked = session_storage()
                        .and_then(|s| s.get_item(UNLOCKED).ok().flatten())
                        .is_some_and(|who| who == login);
                    // The early read says whether a PIN is set; without it, storage is asked.
                    !unlocked
                        && crate::offline::early::pin_set().await != Some(false)
                        && has_pin(&login).await
                }
                None => false,
            };
        TAB_LOCKED.with(|l| l.set(Some(locked)));
        locked
    }

    fn mark_unlocked(login: &str) {
        if let Some(storage) = session_storage() {
            let _ = storage.set_item(UNLOCKED, login);
        }
    }

    /// What entering a PIN did.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub enum Unlock {
        Unlocked,
        /// Wrong; this many tries are left.
        Wrong(u32),
        /// Wrong too many times: the device was released, nobody is signed in.
        Released,
    }

    /// Checks an entered PIN; too many wrong ones in a row release the device.
    pub async fn unlock(pin: &str) -> Result<Unlock, String> {
        let (stored, failures) = device::pin().await.ok_or(match page_lang() {
            Lang::Ja => "この端末にはPINが設定されていません。",
            Lang::En => "This device has no PIN set.",
        })?;
        let derived = derive(pin, &stored.salt, stored.iterations).await?;
        if same_bytes(&derived, &stored.derived) {
            device::set_pin_failures(0).await?;
            mark_unlocked(&stored.login);
            return Ok(Unlock::Unlocked);
        }
        let failures = failures + 1;
        if failures >= MAX_FAILURES {
            crate::offline::handover::release(
                &stored.login,
                crate::offline::sign_out::Keep::UnsentEdits,
                None,
            )
            .await?;
            return Ok(Unlock::Released);
        }
        device::set_pin_failures(failures).await?;
        Ok(Unlock::Wrong(MAX_FAILURES - failures))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pin_is_six_to_twelve_digits_and_not_a_trivial_one() {
        assert_eq!(check_new_pin("482916", "482916"), Ok(()));
        assert_eq!(check_new_pin("482916730512", "482916730512"), Ok(()));
        for (pin, why) in [
            ("48291", "6〜12桁"),
            ("4829167305123", "6〜12桁"),
            ("48291a", "数字だけ"),
            ("４８２９１６", "数字だけ"),
            ("111111", "繰り返し"),
            ("123456", "連続"),
            ("987654", "連続"),
        ] {
            let refused = check_new_pin(pin, pin).unwrap_err().message_in(Lang::Ja);
            assert!(refused.contains(why), "{pin}: {refused}");
        }
        assert!(check_new_pin("482916", "482917")
            .unwrap_err()
            .message_in(Lang::Ja)
            .contains("一致しません"));
    }

    #[test]
    fn a_refused_pin_says_why_in_english_too() {
        let refused = |pin: &str, again: &str| check_new_pin(pin, again).unwrap_err();
        assert_eq!(
            refused("48291", "48291").message_in(Lang::En),
            "Please use 6 to 12 digits."
        );
        assert_eq!(
            refused("48291a", "48291a").message_in(Lang::En),
            "Please enter digits only."
        );
        assert_eq!(
            refused("123456", "123456").message_in(Lang::En),
            "The same digit repeated, or digits in a row, cannot be used."
        );
        assert_eq!(
            refused("482916", "482917").message_in(Lang::En),
            "The two PINs do not match."
        );
    }

    #[test]
    fn pins_compare_by_every_byte() {
        assert!(same_bytes(b"abc", b"abc"));
        assert!(!same_bytes(b"abc", b"abd"));
        assert!(!same_bytes(b"abc", b"ab"));
        assert!(same_bytes(b"", b""));
    }
}
