//! Secrets at rest: a webhook's signing secrets and a chat endpoint's URL are stored sealed
//! (XChaCha20-Poly1305 with a random nonce under one 32-byte key the operator holds: a file in
//! `serve`'s data directory, a Secrets Manager secret in AWS). A stolen table holds nothing that
//! signs or posts.

use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

/// The sealing key. Its `Debug` shows nothing.
#[derive(Clone)]
pub struct Sealer(XChaCha20Poly1305);

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealer(..)")
    }
}

/// What sealed text is marked with (a future key or scheme gets another).
const MARK: &str = "x1.";

impl Sealer {
    /// A sealer over a 32-byte key.
    pub fn new(key: &[u8]) -> Result<Sealer, String> {
        XChaCha20Poly1305::new_from_slice(key)
            .map(Sealer)
            .map_err(|_| format!("the webhook key must be 32 bytes, not {}", key.len()))
    }

    /// A sealer over a key written as 64 hex digits.
    pub fn from_hex(hex_key: &str) -> Result<Sealer, String> {
        let key = hex::decode(hex_key.trim())
            .map_err(|_| "the webhook key must be 64 hex digits".to_owned())?;
        Sealer::new(&key)
    }

    pub fn seal(&self, plain: &str) -> String {
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        // Encryption fails only for inputs of ~256 GiB; the empty text stands for that.
        let sealed = self.0.encrypt(&nonce, plain.as_bytes()).unwrap_or_default();
        let mut bytes = nonce.to_vec();
        bytes.extend(sealed);
        format!("{MARK}{}", STANDARD_NO_PAD.encode(bytes))
    }

    pub fn open(&self, sealed: &str) -> Result<String, String> {
        let bytes = sealed
            .strip_prefix(MARK)
            .and_then(|b| STANDARD_NO_PAD.decode(b).ok())
            .filter(|b| b.len() > 24)
            .ok_or("a sealed secret is malformed")?;
        let (nonce, text) = bytes.split_at(24);
        let nonce: [u8; 24] = nonce
            .try_into()
            .map_err(|_| "a sealed secret is malformed")?;
        let plain = self
            .0
            .decrypt(&XNonce::from(nonce), text)
            .map_err(|_| "a sealed secret does not open with this key (was the key changed?)")?;
        String::from_utf8(plain).map_err(|_| "a sealed secret is not text".to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_text_opens_to_itself_and_differs_each_time() {
        let s = Sealer::new(&[7; 32]).unwrap();
        let (a, b) = (s.seal("whsec_abc"), s.seal("whsec_abc"));
        assert_ne!(a, b);
        assert!(!a.contains("abc"));
        assert_eq!(s.open(&a).unwrap(), "whsec_abc");
    }

    #[test]
    fn another_key_or_a_tampered_text_does_not_open() {
        let s = Sealer::new(&[7; 32]).unwrap();
        let sealed = s.seal("secret");
        assert!(Sealer::new(&[8; 32]).unwrap().open(&sealed).is_err());
        let mut tampered = sealed.clone().into_bytes();
        let last = tampered.len() - 2;
        tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
        assert!(s.open(&String::from_utf8(tampered).unwrap()).is_err());
        assert!(s.open("plain").is_err());
    }

    #[test]
    fn a_key_of_the_wrong_length_is_refused() {
        assert!(Sealer::new(&[1; 16]).is_err());
        assert!(Sealer::from_hex("zz").is_err());
    }
}
