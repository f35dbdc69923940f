//! Staff roles and what each may do so far.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Manager,
    Deputy,
    Practitioner,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Manager => "manager",
            Role::Deputy => "deputy",
            Role::Practitioner => "practitioner",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "manager" => Some(Role::Manager),
            "deputy" => Some(Role::Deputy),
            "practitioner" => Some(Role::Practitioner),
            _ => None,
        }
    }

    /// How the role reads on screen.
    pub fn label(self) -> &'static str {
        match self {
            Role::Manager => "Manager",
            Role::Deputy => "Deputy manager",
            Role::Practitioner => "Practitioner",
        }
    }

    /// Registering children and adding staff is a manager's job (a deputy acts for them).
    pub fn may_manage_setting(self) -> bool {
        matches!(self, Role::Manager | Role::Deputy)
    }

    /// The roles a manager may give when adding someone. A second manager is a later decision
    /// (changing roles is part of staff access), so adding one is not offered here.
    pub fn may_be_added(self) -> bool {
        matches!(self, Role::Deputy | Role::Practitioner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_text() {
        for role in [Role::Manager, Role::Deputy, Role::Practitioner] {
            assert_eq!(Role::parse(role.as_str()), Some(role));
            let json = serde_json::to_string(&role).unwrap();
            assert_eq!(json, format!("\"{}\"", role.as_str()));
        }
        assert_eq!(Role::parse("parent"), None);
    }

    #[test]
    fn only_managers_and_deputies_manage() {
        assert!(Role::Manager.may_manage_setting());
        assert!(Role::Deputy.may_manage_setting());
        assert!(!Role::Practitioner.may_manage_setting());
    }

    #[test]
    fn new_staff_are_deputies_or_practitioners() {
        assert!(!Role::Manager.may_be_added());
        assert!(Role::Deputy.may_be_added());
        assert!(Role::Practitioner.may_be_added());
    }
}
