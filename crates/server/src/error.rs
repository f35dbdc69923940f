//! One error type for every handler. A person sees a plain sentence and the field it concerns;
//! internals go to the log (never with personal data) and the person sees a calm 500.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use burrow_core::api::ErrorBody;
use burrow_core::throttle::wait_label;
use serde::de::DeserializeOwned;
use std::borrow::Cow;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// A refusal the person can act on: a 4xx with a sentence and, for forms, the field.
    #[error("{message}")]
    Refused {
        status: StatusCode,
        message: String,
        /// The field concerned: a name from the code, never one taken from what was sent.
        field: Option<Cow<'static, str>>,
    },
    /// Too many failed attempts: 429 with Retry-After.
    #[error("too many attempts")]
    TooManyAttempts {
        wait: chrono::Duration,
        who: &'static str,
    },
    #[error("internal: {0}")]
    Internal(String),
}

impl AppError {
    pub fn refused(status: StatusCode, message: impl Into<String>) -> AppError {
        AppError::Refused {
            status,
            message: message.into(),
            field: None,
        }
    }

    /// 422: the request is well-formed but a field's value is not acceptable.
    pub fn invalid(field: &'static str, message: impl Into<String>) -> AppError {
        AppError::Refused {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            message: message.into(),
            field: Some(field.into()),
        }
    }

    pub fn conflict(field: Option<&'static str>, message: impl Into<String>) -> AppError {
        AppError::Refused {
            status: StatusCode::CONFLICT,
            message: message.into(),
            field: field.map(Cow::Borrowed),
        }
    }

    pub fn internal(detail: impl Into<String>) -> AppError {
        AppError::Internal(detail.into())
    }
}

impl From<rusqlite::Error> for AppError {
    fn from(e: rusqlite::Error) -> AppError {
        AppError::Internal(format!("database: {e}"))
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, body, retry_after) = match self {
            AppError::Refused {
                status,
                message,
                field,
            } => (
                status,
                ErrorBody {
                    error: message,
                    field: field.map(Cow::into_owned),
                },
                None,
            ),
            AppError::TooManyAttempts { wait, who } => {
                let message = format!(
                    "Too many attempts {who}. Wait {} and try again, or ask a manager for help.",
                    wait_label(wait)
                );
                (
                    StatusCode::TOO_MANY_REQUESTS,
                    ErrorBody {
                        error: message,
                        field: None,
                    },
                    Some(wait.num_seconds().max(1)),
                )
            }
            AppError::Internal(detail) => {
                tracing::error!(%detail, "request failed");
                let message = "Something went wrong on the setting's server. Nothing was saved. Try again, and if it keeps happening tell your manager.";
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ErrorBody {
                        error: message.into(),
                        field: None,
                    },
                    None,
                )
            }
        };
        let mut response = (status, axum::Json(body)).into_response();
        if let Some(secs) = retry_after
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        response
    }
}

/// `axum::Json`, but a bad body gets a sentence a person can act on instead of axum's plain text.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(json_refusal(rejection)),
        }
    }
}

/// serde's report in words a person can act on, and the field it concerns if serde named one
/// of the request's own (a missing one). Never what was sent: an unknown field or value could
/// be anything, a child's name among them.
/// `part` is what was sent: "request" for a body, "address" for a query.
pub(crate) fn data_error(report: &str, part: &str) -> (String, Option<Cow<'static, str>>) {
    // serde's own words come before the first backtick; whatever follows it may be the
    // input (an unknown key can itself contain ": missing field `…`", which the fuzzer fed it).
    let words_end = report.find('`').unwrap_or(report.len());
    let detail = report[..words_end]
        .rfind(": ")
        .map_or(report, |at| &report[at + 2..]);
    if let Some(rest) = detail.strip_prefix("missing field `")
        && let Some((field, _)) = rest.split_once('`')
        && !field.is_empty()
        && field.len() <= 40
        && field.chars().all(|c| c.is_ascii_lowercase() || c == '_')
    {
        return (
            format!("The {part} is missing its “{field}” field."),
            Some(Cow::Owned(field.to_owned())),
        );
    }
    let message = if detail.starts_with("unknown field") {
        format!("The {part} has a field this form does not have. Send only the form's own fields.")
    } else if detail.starts_with("unknown variant") {
        format!("One of the {part}'s values is not one of the choices offered.")
    } else if detail.starts_with("invalid") {
        format!("One of the {part}'s fields has a value of the wrong kind.")
    } else {
        format!("The {part}'s fields are not right.")
    };
    (message, None)
}

/// A signed request's body (read by the route after the tablet's proof is checked): what is
/// wrong with it in words, as `ApiJson` says it.
pub fn signed_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, AppError> {
    serde_json::from_slice(body).map_err(|e| {
        if e.is_data() {
            let (message, field) = data_error(&e.to_string(), "request");
            AppError::Refused {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                message,
                field,
            }
        } else {
            AppError::refused(StatusCode::BAD_REQUEST, "The request is not valid JSON.")
        }
    })
}

fn json_refusal(rejection: JsonRejection) -> AppError {
    let status = rejection.status();
    let message = match &rejection {
        JsonRejection::MissingJsonContentType(_) => {
            "Send the request as JSON, with Content-Type: application/json.".to_owned()
        }
        JsonRejection::JsonSyntaxError(_) => "The request is not valid JSON.".to_owned(),
        JsonRejection::JsonDataError(e) => {
            let (message, field) = data_error(&e.body_text(), "request");
            return AppError::Refused {
                status,
                message,
                field,
            };
        }
        _ if status == StatusCode::PAYLOAD_TOO_LARGE => "The request is too large.".to_owned(),
        _ => "The request could not be read.".to_owned(),
    };
    AppError::refused(status, message)
}
