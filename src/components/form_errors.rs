//! Where a refusal shows on a form: next to its field, or at the top when it has none.

use crate::api::ApiError;
use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct FormErrors {
    pub error: RwSignal<Option<ApiError>>,
    fields: &'static [&'static str],
}

impl FormErrors {
    /// `fields` are the names this form shows; an error for any other field shows at the top,
    /// so no refusal is ever hidden.
    pub fn new(fields: &'static [&'static str]) -> FormErrors {
        FormErrors {
            error: RwSignal::new(None),
            fields,
        }
    }

    pub fn for_field(self, name: &'static str) -> Signal<Option<String>> {
        let error = self.error;
        Signal::derive(move || {
            error.with(|e| {
                e.as_ref()
                    .filter(|e| e.field() == Some(name))
                    .map(ToString::to_string)
            })
        })
    }

    pub fn general(self) -> Signal<Option<String>> {
        let (error, fields) = (self.error, self.fields);
        Signal::derive(move || {
            error.with(|e| {
                e.as_ref()
                    .filter(|e| e.field().is_none_or(|f| !fields.contains(&f)))
                    .map(ToString::to_string)
            })
        })
    }

    pub fn set(self, error: ApiError) {
        self.error.set(Some(error));
    }

    pub fn clear(self) {
        self.error.set(None);
    }
}
