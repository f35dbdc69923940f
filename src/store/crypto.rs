//! WebCrypto primitives: the browser half of core's envelope and key hierarchy.
//!
//! Every key made here is non-extractable and lives only in memory: a CryptoKey put into
//! IndexedDB would be written to disk in the clear by Chromium, so none ever is.

use burrow_core::envelope::{self, Aad, EnvelopeError, IV_LEN};
use burrow_core::keys::{HKDF_SALT, index_token_from_mac};
use js_sys::{Array, Object, Promise, Reflect, Uint8Array};
use thiserror::Error;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{CryptoKey, SubtleCrypto};

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CryptoError {
    #[error(
        "This browser cannot keep children’s details safe: it has no Web Crypto. Open Burrow over https in Chrome or Safari."
    )]
    Unavailable,
    #[error("{0}")]
    Envelope(#[from] EnvelopeError),
    /// WebCrypto refused for another reason; the text is the browser's, for the log only.
    #[error("encryption failed in the browser: {0}")]
    Failed(String),
}

fn window_crypto() -> Result<web_sys::Crypto, CryptoError> {
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .ok_or(CryptoError::Unavailable)
}

fn subtle() -> Result<SubtleCrypto, CryptoError> {
    let subtle = window_crypto()?.subtle();
    // Outside a secure context `crypto.subtle` is undefined.
    if subtle.is_undefined() {
        Err(CryptoError::Unavailable)
    } else {
        Ok(subtle)
    }
}

pub fn random_bytes<const N: usize>() -> Result<[u8; N], CryptoError> {
    let mut out = [0u8; N];
    window_crypto()?
        .get_random_values_with_u8_array(&mut out)
        .map_err(failed)?;
    Ok(out)
}

fn failed(e: JsValue) -> CryptoError {
    let name = Reflect::get(&e, &"name".into())
        .ok()
        .and_then(|n| n.as_string());
    CryptoError::Failed(name.unwrap_or_else(|| format!("{e:?}")))
}

async fn resolve(p: Result<Promise, JsValue>) -> Result<JsValue, CryptoError> {
    JsFuture::from(p.map_err(failed)?).await.map_err(failed)
}

fn object(pairs: &[(&str, JsValue)]) -> Object {
    let o = Object::new();
    for (k, v) in pairs {
        let _ = Reflect::set(&o, &(*k).into(), v);
    }
    o
}

fn bytes(data: &[u8]) -> JsValue {
    Uint8Array::from(data).into()
}

fn usages(list: &[&str]) -> JsValue {
    list.iter()
        .map(|u| JsValue::from_str(u))
        .collect::<Array>()
        .into()
}

fn aes_gcm(length: bool) -> Object {
    if length {
        object(&[("name", "AES-GCM".into()), ("length", 256.into())])
    } else {
        object(&[("name", "AES-GCM".into())])
    }
}

async fn into_key(value: JsValue) -> Result<CryptoKey, CryptoError> {
    value.dyn_into::<CryptoKey>().map_err(failed)
}

/// An AES-256-GCM key from raw bytes (tests and key unwrapping only).
pub async fn import_aes_key(raw: &[u8]) -> Result<CryptoKey, CryptoError> {
    let subtle = subtle()?;
    let key_data: Object = Uint8Array::from(raw).into();
    into_key(
        resolve(subtle.import_key_with_object(
            "raw",
            &key_data,
            &aes_gcm(false),
            false,
            &usages(&["encrypt", "decrypt"]),
        ))
        .await?,
    )
    .await
}

/// Seals `plaintext` into a core envelope with a fresh random IV.
pub async fn seal(key: &CryptoKey, aad: &Aad, plaintext: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let iv: [u8; IV_LEN] = random_bytes()?;
    let params = object(&[
        ("name", "AES-GCM".into()),
        ("iv", bytes(&iv)),
        ("additionalData", bytes(&aad.to_bytes())),
        ("tagLength", 128.into()),
    ]);
    let sealed =
        resolve(subtle()?.encrypt_with_object_and_u8_array(&params, key, plaintext)).await?;
    Ok(envelope::assemble(
        iv,
        &js_sys::Uint8Array::new(&sealed).to_vec(),
    ))
}

/// Opens an envelope. Any change to its bytes, a wrong key or an envelope that belongs to
/// another record is `Damaged`: the caller names the record, never shows the bytes.
pub async fn open(key: &CryptoKey, aad: &Aad, envelope: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let parts = envelope::parse(envelope)?;
    let params = object(&[
        ("name", "AES-GCM".into()),
        ("iv", bytes(&parts.iv)),
        ("additionalData", bytes(&aad.to_bytes())),
        ("tagLength", 128.into()),
    ]);
    let promise = subtle()?.decrypt_with_object_and_u8_array(&params, key, parts.sealed);
    match JsFuture::from(promise.map_err(failed)?).await {
        Ok(plain) => Ok(Uint8Array::new(&plain).to_vec()),
        // WebCrypto reports a failed tag as OperationError.
        Err(e) if failed(e.clone()) == CryptoError::Failed("OperationError".into()) => {
            Err(EnvelopeError::Damaged.into())
        }
        Err(e) => Err(failed(e)),
    }
}

/// The key-encryption key for one user: PBKDF2-SHA256 of their passphrase.
pub async fn derive_kek(
    passphrase: &str,
    salt: &[u8],
    iterations: u32,
) -> Result<CryptoKey, CryptoError> {
    let subtle = subtle()?;
    let secret: Object = Uint8Array::from(passphrase.as_bytes()).into();
    let pbkdf2 = object(&[("name", "PBKDF2".into())]);
    let base = into_key(
        resolve(subtle.import_key_with_object(
            "raw",
            &secret,
            &pbkdf2,
            false,
            &usages(&["deriveKey"]),
        ))
        .await?,
    )
    .await?;
    let params = object(&[
        ("name", "PBKDF2".into()),
        ("hash", "SHA-256".into()),
        ("salt", bytes(salt)),
        ("iterations", iterations.into()),
    ]);
    into_key(
        resolve(subtle.derive_key_with_object_and_object(
            &params,
            &base,
            &aes_gcm(true),
            false,
            &usages(&["encrypt", "decrypt"]),
        ))
        .await?,
    )
    .await
}

/// The data key as an HKDF base key, from which the working keys are derived.
pub async fn import_data_key(raw: &[u8]) -> Result<CryptoKey, CryptoError> {
    let key_data: Object = Uint8Array::from(raw).into();
    let hkdf = object(&[("name", "HKDF".into())]);
    into_key(
        resolve(subtle()?.import_key_with_object(
            "raw",
            &key_data,
            &hkdf,
            false,
            &usages(&["deriveKey"]),
        ))
        .await?,
    )
    .await
}

fn hkdf_params(info: &[u8]) -> Object {
    object(&[
        ("name", "HKDF".into()),
        ("hash", "SHA-256".into()),
        ("salt", bytes(HKDF_SALT)),
        ("info", bytes(info)),
    ])
}

pub async fn derive_aes(base: &CryptoKey, info: &[u8]) -> Result<CryptoKey, CryptoError> {
    let promise = subtle()?.derive_key_with_object_and_object(
        &hkdf_params(info),
        base,
        &aes_gcm(true),
        false,
        &usages(&["encrypt", "decrypt"]),
    );
    into_key(resolve(promise).await?).await
}

pub async fn derive_hmac(base: &CryptoKey, info: &[u8]) -> Result<CryptoKey, CryptoError> {
    let hmac = object(&[
        ("name", "HMAC".into()),
        ("hash", "SHA-256".into()),
        ("length", 256.into()),
    ]);
    let promise = subtle()?.derive_key_with_object_and_object(
        &hkdf_params(info),
        base,
        &hmac,
        false,
        &usages(&["sign"]),
    );
    into_key(resolve(promise).await?).await
}

/// The index token for a lookup's message (core::keys::index_message); `Keys::index_token`
/// keeps the ones already made.
pub async fn index_token(index_key: &CryptoKey, message: &[u8]) -> Result<String, CryptoError> {
    let mac = resolve(subtle()?.sign_with_str_and_u8_array("HMAC", index_key, message)).await?;
    Ok(index_token_from_mac(&Uint8Array::new(&mac).to_vec()))
}

fn ecdsa_p256() -> Object {
    object(&[("name", "ECDSA".into()), ("namedCurve", "P-256".into())])
}

fn ecdsa_sha256() -> Object {
    object(&[("name", "ECDSA".into()), ("hash", "SHA-256".into())])
}

/// A new P-256 key pair, its private half extractable or not: (private, public).
async fn new_p256_pair(extractable: bool) -> Result<(CryptoKey, CryptoKey), CryptoError> {
    let pair = resolve(subtle()?.generate_key_with_object(
        &ecdsa_p256(),
        extractable,
        &usages(&["sign", "verify"]),
    ))
    .await?;
    let half = |name: &str| -> Result<CryptoKey, CryptoError> {
        Reflect::get(&pair, &name.into())
            .map_err(failed)?
            .dyn_into::<CryptoKey>()
            .map_err(failed)
    };
    Ok((half("privateKey")?, half("publicKey")?))
}

/// A public key as the 65-byte uncompressed point.
async fn raw_public(key: &CryptoKey) -> Result<Vec<u8>, CryptoError> {
    Ok(Uint8Array::new(&resolve(subtle()?.export_key("raw", key)).await?).to_vec())
}

/// A new P-256 signing key for this device: its private half as PKCS#8 (to be sealed at once,
/// never stored as a CryptoKey) and its public half as the 65-byte uncompressed point.
pub async fn new_signing_key() -> Result<(Vec<u8>, Vec<u8>), CryptoError> {
    let (private, public) = new_p256_pair(true).await?;
    let pkcs8 = resolve(subtle()?.export_key("pkcs8", &private)).await?;
    Ok((Uint8Array::new(&pkcs8).to_vec(), raw_public(&public).await?))
}

/// A tablet's door key: a P-256 signing key made inside the browser and never extractable, so
/// it can be kept in IndexedDB as the browser's own key object and used, never read out. Its
/// public half (raw point) goes to the setting's server.
pub async fn new_door_key() -> Result<(CryptoKey, Vec<u8>), CryptoError> {
    let (private, public) = new_p256_pair(false).await?;
    Ok((private, raw_public(&public).await?))
}

/// The device's signing key in memory, no longer extractable.
pub async fn import_signing_key(pkcs8: &[u8]) -> Result<CryptoKey, CryptoError> {
    let key_data: Object = Uint8Array::from(pkcs8).into();
    into_key(
        resolve(subtle()?.import_key_with_object(
            "pkcs8",
            &key_data,
            &ecdsa_p256(),
            false,
            &usages(&["sign"]),
        ))
        .await?,
    )
    .await
}

/// An ECDSA P-256 / SHA-256 signature in the 64-byte r‖s form.
pub async fn sign(key: &CryptoKey, data: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let sig = resolve(subtle()?.sign_with_object_and_u8_array(&ecdsa_sha256(), key, data)).await?;
    Ok(Uint8Array::new(&sig).to_vec())
}

/// Does `signature` verify `data` under the 65-byte public key?
pub async fn verify(public_raw: &[u8], signature: &[u8], data: &[u8]) -> Result<bool, CryptoError> {
    let subtle = subtle()?;
    let key_data: Object = Uint8Array::from(public_raw).into();
    let key = into_key(
        resolve(subtle.import_key_with_object(
            "raw",
            &key_data,
            &ecdsa_p256(),
            false,
            &usages(&["verify"]),
        ))
        .await?,
    )
    .await?;
    let ok = resolve(subtle.verify_with_object_and_u8_array_and_u8_array(
        &ecdsa_sha256(),
        &key,
        signature,
        data,
    ))
    .await?;
    Ok(ok.as_bool().unwrap_or(false))
}

pub async fn sha256(data: &[u8]) -> Result<[u8; 32], CryptoError> {
    let digest = resolve(subtle()?.digest_with_str_and_u8_array("SHA-256", data)).await?;
    Uint8Array::new(&digest)
        .to_vec()
        .try_into()
        .map_err(|_| CryptoError::Failed("SHA-256 gave the wrong length".into()))
}
