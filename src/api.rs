//! Talking to the setting's server. Every call returns a typed `ApiError` whose message is
//! already written for the person holding the tablet.

use burrow_core::api::ErrorBody;
use gloo_net::http::{Request, RequestBuilder, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ApiError {
    #[error(
        "Burrow can’t reach the setting’s server just now. Check this device is on the setting’s Wi-Fi, then try again."
    )]
    Unreachable,
    /// The server said no, and said why.
    #[error("{message}")]
    Refused {
        status: u16,
        message: String,
        field: Option<String>,
    },
    #[error(
        "The setting’s server gave an answer Burrow could not read. Try again; if it keeps happening, tell your manager."
    )]
    BadAnswer,
}

impl ApiError {
    /// The form field this error belongs next to, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            ApiError::Refused { field, .. } => field.as_deref(),
            _ => None,
        }
    }

    /// A check made on the tablet before sending, shown exactly like the server's refusals.
    pub fn invalid(field: &str, message: &str) -> ApiError {
        ApiError::Refused {
            status: 422,
            message: message.to_owned(),
            field: Some(field.to_owned()),
        }
    }

    /// A problem on the tablet itself (its storage, its keys), shown like a refusal.
    pub fn on_tablet(message: String) -> ApiError {
        ApiError::Refused {
            status: 0,
            message,
            field: None,
        }
    }

    pub fn is_unauthorised(&self) -> bool {
        matches!(self, ApiError::Refused { status: 401, .. })
    }
}

/// Turns a response into the value or a typed error; a non-JSON error page (a proxy, a 502)
/// still becomes a sentence, never a panic.
/// An answer cut off on its way (the Wi-Fi dropped mid-answer) is "cannot reach the server",
/// not an answer Burrow could not read: the body fails to arrive, rather than arriving wrong.
pub async fn read<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    let status = response.status();
    let ok = response.ok();
    let text = response.text().await.map_err(|_| ApiError::Unreachable)?;
    if ok {
        return serde_json::from_str::<T>(&text).map_err(|_| ApiError::BadAnswer);
    }
    match serde_json::from_str::<ErrorBody>(&text) {
        Ok(body) => Err(ApiError::Refused { status, message: body.error, field: body.field }),
        Err(_) if status == 404 || status >= 500 => Err(ApiError::BadAnswer),
        Err(_) => Err(ApiError::Refused {
            status,
            message: "The setting’s server refused that request. Try again; if it keeps happening, tell your manager.".into(),
            field: None,
        }),
    }
}

async fn send(builder: RequestBuilder, body: Option<String>) -> Result<Response, ApiError> {
    let request = match body {
        Some(json) => builder
            .header("Content-Type", "application/json")
            .body(json),
        None => builder.build(),
    };
    request
        .map_err(|_| ApiError::BadAnswer)?
        .send()
        .await
        .map_err(|_| ApiError::Unreachable)
}

pub async fn get<T: DeserializeOwned>(url: &str) -> Result<T, ApiError> {
    read(send(Request::get(url), None).await?).await
}

pub async fn post<B: Serialize, T: DeserializeOwned>(url: &str, body: &B) -> Result<T, ApiError> {
    let json = serde_json::to_string(body).map_err(|_| ApiError::BadAnswer)?;
    read(send(Request::post(url), Some(json)).await?).await
}

/// A POST whose success has no body (204): done, or a typed refusal.
pub async fn post_done<B: Serialize>(url: &str, body: &B) -> Result<(), ApiError> {
    let json = serde_json::to_string(body).map_err(|_| ApiError::BadAnswer)?;
    let response = send(Request::post(url), Some(json)).await?;
    if response.ok() {
        Ok(())
    } else {
        read::<()>(response).await
    }
}

pub async fn put<B: Serialize, T: DeserializeOwned>(url: &str, body: &B) -> Result<T, ApiError> {
    let json = serde_json::to_string(body).map_err(|_| ApiError::BadAnswer)?;
    read(send(Request::put(url), Some(json)).await?).await
}

pub async fn delete(url: &str) -> Result<(), ApiError> {
    let response = send(Request::delete(url), None).await?;
    if response.ok() {
        Ok(())
    } else {
        read::<()>(response).await
    }
}

#[cfg(all(test, target_arch = "wasm32"))]
mod tests {
    use super::*;
    use wasm_bindgen_test::*;

    wasm_bindgen_test_configure!(run_in_browser);

    fn response(status: u16, body: &str) -> Response {
        let init = web_sys::ResponseInit::new();
        init.set_status(status);
        let raw =
            web_sys::Response::new_with_opt_str_and_init(Some(body), &init).expect("a response");
        Response::from(raw)
    }

    #[wasm_bindgen_test]
    async fn a_refusal_carries_the_servers_sentence_and_field() {
        let r = response(
            422,
            r#"{"error":"The date of birth is in the future.","field":"date_of_birth"}"#,
        );
        let err = read::<serde_json::Value>(r).await.unwrap_err();
        assert_eq!(err.to_string(), "The date of birth is in the future.");
        assert_eq!(err.field(), Some("date_of_birth"));
    }

    #[wasm_bindgen_test]
    async fn an_html_error_page_becomes_a_plain_sentence() {
        let r = response(502, "<html><body>Bad gateway</body></html>");
        let err = read::<serde_json::Value>(r).await.unwrap_err();
        assert_eq!(err, ApiError::BadAnswer);
        assert!(!err.to_string().contains('<'));
    }

    #[wasm_bindgen_test]
    async fn a_server_that_is_not_there_is_unreachable() {
        // Port 9 (discard) has nothing listening on this machine.
        let err = get::<serde_json::Value>("http://127.0.0.1:9/api/status")
            .await
            .unwrap_err();
        assert_eq!(err, ApiError::Unreachable);
    }
}
