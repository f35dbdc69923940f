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

/// Why a change to someone's access is refused, said to the manager who tried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AccessError {
    #[error("Only a manager can change someone's role or delete their account.")]
    NotAManager,
    #[error("You cannot change your own role or delete your own account. Ask another manager.")]
    Yourself,
    #[error("Their access has been removed. A removed account can be deleted, not given a role.")]
    Removed,
    #[error("They already have that role.")]
    Unchanged,
    #[error("Remove their access first: an account is deleted only once nobody can use it.")]
    StillActive,
}

/// Whether `actor` (a manager, signed in) may give `target` the role `to`.
pub fn check_role_change(
    actor: (uuid::Uuid, Role),
    target: (uuid::Uuid, Role, bool),
    to: Role,
) -> Result<(), AccessError> {
    let (target_id, current, removed) = target;
    if actor.1 != Role::Manager {
        return Err(AccessError::NotAManager);
    }
    if actor.0 == target_id {
        return Err(AccessError::Yourself);
    }
    if removed {
        return Err(AccessError::Removed);
    }
    if current == to {
        return Err(AccessError::Unchanged);
    }
    Ok(())
}

/// Whether `actor` may delete a leaver's account: only once their access was removed. Their
/// name goes from the staff list; the audit log keeps who did what.
pub fn check_delete(
    actor: (uuid::Uuid, Role),
    target: (uuid::Uuid, bool),
) -> Result<(), AccessError> {
    if actor.1 != Role::Manager {
        return Err(AccessError::NotAManager);
    }
    if actor.0 == target.0 {
        return Err(AccessError::Yourself);
    }
    if !target.1 {
        return Err(AccessError::StillActive);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn only_a_manager_changes_roles_and_never_their_own() {
        let (me, them) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let ok = check_role_change(
            (me, Role::Manager),
            (them, Role::Practitioner, false),
            Role::Deputy,
        );
        assert_eq!(ok, Ok(()));
        assert_eq!(
            check_role_change(
                (me, Role::Deputy),
                (them, Role::Practitioner, false),
                Role::Deputy
            ),
            Err(AccessError::NotAManager)
        );
        assert_eq!(
            check_role_change(
                (me, Role::Manager),
                (me, Role::Manager, false),
                Role::Deputy
            ),
            Err(AccessError::Yourself)
        );
        assert_eq!(
            check_role_change(
                (me, Role::Manager),
                (them, Role::Deputy, true),
                Role::Manager
            ),
            Err(AccessError::Removed)
        );
        assert_eq!(
            check_role_change(
                (me, Role::Manager),
                (them, Role::Deputy, false),
                Role::Deputy
            ),
            Err(AccessError::Unchanged)
        );
        // Another manager may be made, or a manager made a deputy: the actor stays a manager.
        assert_eq!(
            check_role_change(
                (me, Role::Manager),
                (them, Role::Manager, false),
                Role::Deputy
            ),
            Ok(())
        );
    }

    #[test]
    fn an_account_is_deleted_only_after_its_access_was_removed() {
        let (me, them) = (Uuid::from_u128(1), Uuid::from_u128(2));
        assert_eq!(check_delete((me, Role::Manager), (them, true)), Ok(()));
        assert_eq!(
            check_delete((me, Role::Manager), (them, false)),
            Err(AccessError::StillActive)
        );
        assert_eq!(
            check_delete((me, Role::Deputy), (them, true)),
            Err(AccessError::NotAManager)
        );
        assert_eq!(
            check_delete((me, Role::Manager), (me, true)),
            Err(AccessError::Yourself)
        );
    }

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
