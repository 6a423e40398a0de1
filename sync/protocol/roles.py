"""Account roles, on the wire (UserOut.role) and in the server's database.

Adding a role: a member here, then on the server its account rules and the
permissions it gets (sync/server/auth/permissions.py: ROLE_RULES, GRANTS)
and its column in the route x role table (tests/sync/route_table.py). The
server refuses to start if a role lacks its account rules, and the table
test fails if a role lacks its column."""
from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    SAMPLER = "sampler"                      # 抽样人员: syncs from an enrolled laptop
    AGENCY_ADMIN = "agency_admin"            # 承检机构管理员: its agency's tasks, devices, records
    PROVINCIAL_ADMIN = "provincial_admin"    # 省局: everything
    LAB = "lab"                              # 检验机构 样品管理员: receives samples, sees the blind mapping
    LAB_MANAGER = "lab_manager"              # 检验机构负责人: the sample manager's work, and accepts a refused seal
    LAB_TESTER = "lab_tester"                # 检验人员: the blind bench only (codes, never parties)
