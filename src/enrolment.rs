//! This tablet's enrolment with the setting's server. The tablet makes a P-256 key pair, pins the
//! server's identity key after the server signs a fresh nonce with it, registers its public key
//! and shows the code a manager types to approve it. The private key is kept only sealed with
//! the tablet's data key (a stored CryptoKey would sit on disk in the clear), so signing is
//! possible only while the tablet is unlocked. Every signed request proves the server first.

use crate::api::{self, ApiError};
use crate::store::crypto::{self, CryptoError};
use crate::store::db::StoreError;
use crate::store::keys::Keys;
use crate::store::{mirror, tablet};
use burrow_core::device::{
    Device, EnrolRequest, EnrolResponse, IdentityRequest, IdentityResponse, NONCE_LEN, ProofError,
    TabletLink, header, identity_message, link_message, proof_message,
};
use burrow_core::envelope::Kind;
use gloo_net::http::Request;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What this tablet keeps, sealed, about its enrolment.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Enrolment {
    pub id: Uuid,
    pub code: String,
    /// PKCS#8 of the signing key.
    private_key: Vec<u8>,
    /// The server's identity key, pinned when this tablet asked to enrol.
    server_key: Vec<u8>,
}

fn on_tablet(e: impl std::fmt::Display) -> ApiError {
    ApiError::on_tablet(e.to_string())
}

fn crypto_error(e: CryptoError) -> ApiError {
    on_tablet(e)
}

fn impostor() -> ApiError {
    ApiError::on_tablet(
        "The server on this network did not prove it is the setting’s server, so Burrow sent it nothing. Tell your manager.".into(),
    )
}

/// This tablet's enrolment, if it asked for one.
pub async fn current(keys: &Keys) -> Result<Option<Enrolment>, StoreError> {
    let store = tablet::open().await?;
    Ok(mirror::kept::<Enrolment>(&store, keys, Kind::Device)
        .await?
        .items
        .into_iter()
        .next())
}

impl Enrolment {
    /// A parent's phone: enrolled at once by its invite code, so there is no code to show.
    pub fn for_phone(id: Uuid, private_key: Vec<u8>, server_key: Vec<u8>) -> Enrolment {
        Enrolment {
            id,
            code: String::new(),
            private_key,
            server_key,
        }
    }
}

/// The server signs a fresh nonce; returns its public key once the signature verifies.
pub(crate) async fn identity() -> Result<Vec<u8>, ApiError> {
    let nonce: [u8; NONCE_LEN] = crypto::random_bytes().map_err(crypto_error)?;
    let answer: IdentityResponse = api::post(
        "/api/server/identity",
        &IdentityRequest {
            nonce: hex::encode(nonce),
        },
    )
    .await?;
    let (Ok(key), Ok(signature)) = (
        hex::decode(&answer.public_key),
        hex::decode(&answer.signature),
    ) else {
        return Err(impostor());
    };
    match crypto::verify(&key, &signature, &identity_message(&nonce)).await {
        Ok(true) => Ok(key),
        _ => Err(impostor()),
    }
}

/// Asks the setting's server to enrol this tablet; returns the enrolment with its code.
pub async fn ask(keys: &Keys) -> Result<Enrolment, ApiError> {
    if let Some(existing) = current(keys).await.map_err(on_tablet)? {
        return Ok(existing);
    }
    let server_key = identity().await?;
    let (private_key, public_key) = crypto::new_signing_key().await.map_err(crypto_error)?;
    // The door key vouches that this enrolment is this tablet's, so once approved the server
    // gives this tablet's key to the people who sign in here.
    let store = tablet::open().await.map_err(on_tablet)?;
    let link = match tablet::door(&store).await.map_err(on_tablet)? {
        Some((id, door)) => Some(TabletLink {
            id,
            proof: hex::encode(
                crypto::sign(&door, &link_message(id, &public_key))
                    .await
                    .map_err(crypto_error)?,
            ),
        }),
        None => None,
    };
    let answer: EnrolResponse = api::post(
        "/api/devices",
        &EnrolRequest {
            public_key: hex::encode(&public_key),
            tablet: link,
        },
    )
    .await?;
    let enrolment = Enrolment {
        id: answer.id,
        code: answer.code,
        private_key,
        server_key,
    };
    mirror::keep(
        &store,
        keys,
        Kind::Device,
        std::slice::from_ref(&enrolment),
        |e| e.id,
    )
    .await
    .map_err(on_tablet)?;
    Ok(enrolment)
}

/// Signs requests as this tablet, once the server on this network proved it is the one this
/// tablet pinned. The signing key lives in memory only while someone has the tablet unlocked.
pub struct Signer {
    device: Uuid,
    key: web_sys::CryptoKey,
}

impl Signer {
    /// The server proves itself against the pinned key first: an impostor gets nothing.
    pub async fn new(enrolment: &Enrolment) -> Result<Signer, ApiError> {
        if identity().await? != enrolment.server_key {
            return Err(impostor());
        }
        let key = crypto::import_signing_key(&enrolment.private_key)
            .await
            .map_err(crypto_error)?;
        Ok(Signer {
            device: enrolment.id,
            key,
        })
    }

    /// Signs as this tablet's door key (`store::tablet`), for the one request it makes: asking
    /// for the tablet's data key. No handshake: that key is sealed to the signed-in person's
    /// session and the door key carries nothing secret in what it signs.
    pub fn door(tablet: Uuid, key: web_sys::CryptoKey) -> Signer {
        Signer {
            device: tablet,
            key,
        }
    }

    /// Sends `method path` with `body`, signed (method, path, body hash, time, a fresh id).
    pub async fn send(
        &self,
        method: &str,
        path: &str,
        body: &[u8],
        content_type: &str,
    ) -> Result<gloo_net::http::Response, ApiError> {
        self.send_with(method, path, body, content_type, &[]).await
    }

    /// The same with headers of its own beside the proof (a `Range` to carry on a download).
    ///
    /// When a connection drops after the server has the request but before its answer comes
    /// back, Chromium sends the request again by itself, proof and all, and the server refuses
    /// the copy as a replay (found by cutting connections mid-sync, issue 18). The first copy
    /// may well have been kept, and every request sync makes is safe to make twice (pushes are
    /// answered by counter, uploads by offset), so it is signed afresh and sent once more.
    pub async fn send_with(
        &self,
        method: &str,
        path: &str,
        body: &[u8],
        content_type: &str,
        extra: &[(&str, &str)],
    ) -> Result<gloo_net::http::Response, ApiError> {
        let response = self
            .send_once(method, path, body, content_type, extra)
            .await?;
        // 409: the server's answer to a proof it has seen before.
        let status = response.status();
        if status != 409 {
            return Ok(response);
        }
        let text = response.text().await.map_err(|_| ApiError::Unreachable)?;
        let replayed = serde_json::from_str::<burrow_core::api::ErrorBody>(&text)
            .is_ok_and(|b| b.error == ProofError::Replayed.to_string());
        if replayed {
            return self
                .send_once(method, path, body, content_type, extra)
                .await;
        }
        let init = web_sys::ResponseInit::new();
        init.set_status(status);
        web_sys::Response::new_with_opt_str_and_init(Some(&text), &init)
            .map(gloo_net::http::Response::from)
            .map_err(|_| ApiError::BadAnswer)
    }

    async fn send_once(
        &self,
        method: &str,
        path: &str,
        body: &[u8],
        content_type: &str,
        extra: &[(&str, &str)],
    ) -> Result<gloo_net::http::Response, ApiError> {
        let hash = crypto::sha256(body).await.map_err(crypto_error)?;
        let time = (js_sys::Date::now() / 1000.0) as i64;
        let nonce = hex::encode(crypto::random_bytes::<16>().map_err(crypto_error)?);
        let signature = crypto::sign(&self.key, &proof_message(method, path, &hash, time, &nonce))
            .await
            .map_err(crypto_error)?;
        let builder = match method {
            "GET" => Request::get(path),
            "PUT" => Request::put(path),
            _ => Request::post(path),
        }
        .header(header::DEVICE, &self.device.to_string())
        .header(header::TIME, &time.to_string())
        .header(header::NONCE, &nonce)
        .header(header::PROOF, &hex::encode(signature));
        let builder = extra
            .iter()
            .fold(builder, |b, (name, value)| b.header(name, value));
        let request = if method == "GET" {
            builder.build()
        } else {
            builder
                .header("Content-Type", content_type)
                .body(js_sys::Uint8Array::from(body))
        };
        request
            .map_err(|_| ApiError::BadAnswer)?
            .send()
            .await
            .map_err(|_| ApiError::Unreachable)
    }

    /// A signed JSON request, its answer read.
    pub async fn json<B: Serialize, T: serde::de::DeserializeOwned>(
        &self,
        method: &str,
        path: &str,
        body: &B,
    ) -> Result<T, ApiError> {
        let body = serde_json::to_vec(body).map_err(|_| ApiError::BadAnswer)?;
        api::read(self.send(method, path, &body, "application/json").await?).await
    }
}

/// Where this tablet stands, asked with a signed request after the server proves itself
/// against the pinned key. A pending tablet hears it is waiting (403); a revoked one 410.
pub async fn hello(enrolment: &Enrolment) -> Result<Device, ApiError> {
    Signer::new(enrolment)
        .await?
        .json("POST", "/api/device/hello", &serde_json::json!({}))
        .await
}

/// Set for the sign-in screen after a wipe, so it can say what happened.
pub const WIPED: &str = "burrow-wiped";

/// A manager removed this tablet. Its wrapped keys go first (nothing here can be read after),
/// then its database and the cached app; the person is signed out and Burrow starts afresh.
pub async fn wipe(auth: crate::auth::Auth) -> Result<(), String> {
    tablet::wipe().await.map_err(|e| {
        format!("Burrow could not wipe this tablet: {e}. Close Burrow and open it again.")
    })?;
    if let Some(caches) = web_sys::window().and_then(|w| w.caches().ok())
        && let Ok(names) = wasm_bindgen_futures::JsFuture::from(caches.keys()).await
    {
        for name in js_sys::Array::from(&names)
            .iter()
            .filter_map(|n| n.as_string())
        {
            let _ = wasm_bindgen_futures::JsFuture::from(caches.delete(&name)).await;
        }
    }
    let _ = auth.sign_out().await;
    if let Some(w) = web_sys::window() {
        if let Ok(Some(s)) = w.session_storage() {
            let _ = s.set_item(WIPED, "1");
        }
        let _ = w.location().replace("/");
    }
    Ok(())
}
