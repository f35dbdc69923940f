//! The project's own `Path` and `Query` extractors (and `ApiJson` in `error`): a malformed
//! address or query gets `{"error", "field"}` in plain English, naming the part of the address
//! that is wrong, never axum's or serde's words and never what was sent.

use crate::error::{AppError, data_error};
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{FromRequestParts, path::ErrorKind};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

/// `axum::extract::Path`, refusing in words.
pub struct Path<T>(pub T);

impl<S, T> FromRequestParts<S> for Path<T>
where
    S: Send + Sync,
    T: DeserializeOwned + Send,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Path(value)),
            Err(rejection) => Err(path_refusal(rejection)),
        }
    }
}

/// `axum::extract::Query`, refusing in words.
pub struct Query<T>(pub T);

impl<S, T> FromRequestParts<S> for Query<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Query(value)),
            Err(QueryRejection::FailedToDeserializeQueryString(e)) => {
                let (message, field) = data_error(&e.body_text(), "address");
                Err(AppError::Refused {
                    status: StatusCode::BAD_REQUEST,
                    message,
                    field,
                })
            }
            Err(_) => Err(AppError::refused(
                StatusCode::BAD_REQUEST,
                "The address could not be read.",
            )),
        }
    }
}

/// The part of the address that is wrong, by the name the route gives it (`id`, `sha256`).
fn path_refusal(rejection: PathRejection) -> AppError {
    let PathRejection::FailedToDeserializePathParams(e) = rejection else {
        return AppError::internal("a route's path parameters were missing");
    };
    let key = match e.kind() {
        ErrorKind::ParseErrorAtKey { key, .. }
        | ErrorKind::InvalidUtf8InPathParam { key }
        | ErrorKind::DeserializeError { key, .. } => Some(key.as_str()),
        _ => None,
    };
    match key.and_then(known_name) {
        Some(field) => AppError::Refused {
            status: StatusCode::BAD_REQUEST,
            message: format!("The address's “{field}” is not right: check the link and try again."),
            field: Some(field.into()),
        },
        None => AppError::refused(
            StatusCode::BAD_REQUEST,
            "The address is not right: check the link and try again.",
        ),
    }
}

/// Only names the routes themselves use are repeated: a static str for the error's `field`.
fn known_name(key: &str) -> Option<&'static str> {
    ["id", "photo", "sha256", "device_id"]
        .into_iter()
        .find(|k| *k == key)
}
