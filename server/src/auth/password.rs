//! Password hashing with argon2id (the crate's defaults follow the OWASP recommendation).
//!
//! Each computation needs its parameters' memory (19 MiB by default). The server computes into
//! [`Memory`] it keeps and reuses (see `hashing`): allocated and freed per request on many
//! threads, the allocator kept most of it, and 60 checks left the process near 1 GB.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{Output, PasswordHash, Salt, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use keikaku_domain::reason::Reason;

pub const MIN_LENGTH: usize = 12;
pub const MAX_LENGTH: usize = 256;

/// Why a new password is not acceptable, in Japanese for the UI and the CLI alike.
pub fn check_new_password(password: &str) -> Result<(), Reason> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Err(Reason::new(
            format!("パスワードは{MIN_LENGTH}文字以上にしてください。"),
            format!("A password needs at least {MIN_LENGTH} characters."),
        ));
    }
    if length > MAX_LENGTH {
        return Err(Reason::new(
            format!("パスワードは{MAX_LENGTH}文字以内にしてください。"),
            format!("A password may have at most {MAX_LENGTH} characters."),
        ));
    }
    if password.trim().is_empty() {
        return Err(Reason::fixed(
            "空白だけのパスワードは使えません。",
            "A password cannot be only spaces.",
        ));
    }
    Ok(())
}

/// The working memory of argon2 computations, kept from one to the next.
#[derive(Default)]
pub struct Memory(Vec<Block>);

impl Memory {
    /// At least `count` blocks (1 KiB each); grows only when parameters need more.
    fn blocks(&mut self, count: usize) -> &mut [Block] {
        if self.0.len() < count {
            self.0.resize(count, Block::default());
        }
        &mut self.0[..count]
    }
}

/// Computes the hash `template` describes (algorithm, version, parameters, salt, length) of
/// `password`.
fn compute(
    password: &str,
    template: &PasswordHash,
    length: usize,
    memory: &mut Memory,
) -> Result<Output, argon2::password_hash::Error> {
    let algorithm = Algorithm::try_from(template.algorithm)?;
    let version = template
        .version
        .map(Version::try_from)
        .transpose()?
        .unwrap_or_default();
    let params = Params::try_from(template)?;
    let mut salt = [0u8; Salt::MAX_LENGTH];
    let salt = template
        .salt
        .ok_or(argon2::password_hash::Error::SaltInvalid(
            argon2::password_hash::errors::InvalidValue::Malformed,
        ))?
        .decode_b64(&mut salt)?;
    let blocks = memory.blocks(params.block_count());
    Output::init_with(length, |out| {
        Ok(
            Argon2::new(algorithm, version, params.clone()).hash_password_into_with_memory(
                password.as_bytes(),
                salt,
                out,
                &mut *blocks,
            )?,
        )
    })
}

/// A new PHC string for `password`, computed in `memory`.
pub fn hash_in(password: &str, memory: &mut Memory) -> Result<String, String> {
    let salt = SaltString::generate(&mut OsRng);
    let params = Params::default();
    let mut phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::default().into()),
        params: (&params).try_into().map_err(|e| format!("{e}"))?,
        salt: Some(salt.as_salt()),
        hash: None,
    };
    let length = params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN);
    phc.hash = Some(compute(password, &phc, length, memory).map_err(|e| e.to_string())?);
    Ok(phc.to_string())
}

/// Constant-time check of a password against a stored PHC string, computed in `memory`.
pub fn verify_in(password: &str, stored: &str, memory: &mut Memory) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    let Some(expected) = parsed.hash else {
        return false;
    };
    // `Output`'s equality is constant-time.
    compute(password, &parsed, expected.len(), memory).is_ok_and(|computed| computed == expected)
}

/// [`hash_in`] with memory of its own, for the command line.
pub fn hash(password: &str) -> Result<String, String> {
    hash_in(password, &mut Memory::default())
}

/// A hash of a random password, verified against when the account does not exist, so that
/// unknown and known logins take the same time.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash(&super::tokens::random_token()).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verify(password: &str, stored: &str) -> bool {
        verify_in(password, stored, &mut Memory::default())
    }

    #[test]
    fn hashes_verify_and_are_argon2id() {
        let stored = hash("correct horse battery").unwrap();
        assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify("correct horse battery", &stored));
        assert!(!verify("correct horse batterz", &stored));
        assert!(!verify("anything", "not a hash"));
        assert_ne!(stored, hash("correct horse battery").unwrap(), "salted");
    }

    #[test]
    fn hashes_made_by_the_crate_itself_still_verify() {
        use argon2::password_hash::PasswordHasher;
        let salt = SaltString::generate(&mut OsRng);
        let stored = Argon2::default()
            .hash_password(b"stored before", &salt)
            .unwrap()
            .to_string();
        let mut memory = Memory::default();
        assert!(verify_in("stored before", &stored, &mut memory));
        assert!(!verify_in("stored after", &stored, &mut memory));
        // Other parameters in the same memory: it grows as needed.
        let bigger = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(32 * 1024, 1, 1, None).unwrap(),
        )
        .hash_password(b"stored before", &salt)
        .unwrap()
        .to_string();
        assert!(verify_in("stored before", &bigger, &mut memory));
    }

    #[test]
    fn new_passwords_need_length() {
        assert!(check_new_password("short").is_err());
        assert!(check_new_password("            ").is_err());
        assert!(check_new_password("長いパスワードです十二文字").is_ok());
    }
}
