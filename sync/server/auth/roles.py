"""What an account of each role is attached to (sync.protocol.roles.Role
lists the roles; permissions.py what each may do)."""
from __future__ import annotations

from dataclasses import dataclass

from sync.protocol.roles import Role


@dataclass(frozen=True)
class RoleRules:
    in_agency: bool          # belongs to an agency and sees only that agency's data
    in_team: bool            # belongs to a sampling team of its agency
    enrolls_device: bool     # signs in once on a laptop that gets a device token and key


ROLE_RULES: dict[Role, RoleRules] = {
    Role.SAMPLER: RoleRules(in_agency=True, in_team=True, enrolls_device=True),
    Role.AGENCY_ADMIN: RoleRules(in_agency=True, in_team=False, enrolls_device=False),
    Role.PROVINCIAL_ADMIN: RoleRules(in_agency=False, in_team=False, enrolls_device=False),
    Role.LAB: RoleRules(in_agency=True, in_team=False, enrolls_device=False),
    Role.LAB_MANAGER: RoleRules(in_agency=True, in_team=False, enrolls_device=False),
    Role.LAB_TESTER: RoleRules(in_agency=True, in_team=False, enrolls_device=False),
}

# The inspection lab's accounts: the console opens its lab pages for them.
LAB_ROLES = frozenset({Role.LAB, Role.LAB_MANAGER, Role.LAB_TESTER})

if set(ROLE_RULES) != set(Role):
    raise RuntimeError("every Role needs its ROLE_RULES entry (sync/server/auth/roles.py)")
