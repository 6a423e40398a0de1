"""Child process for the crash test: keeps saving visit steps and photos and
prints a line after each call returned (= reported saved to the user)."""
from __future__ import annotations

import sys
from pathlib import Path

from app.domain.visit import EvidenceCategory
from app.services import evidence, steps, visits
from app.services.reference import import_master_data
from app.services.workspace import Workspace
from tests import conftest as c


def main(data: str, photos: str) -> None:
    ws = Workspace(data)
    ws.__dict__["shipped_rules"] = {}
    import_master_data(ws, plan=c.MINI_PLAN, agencies=[c.AGENCY], samplers=c.SAMPLERS, tasks=[c.make_task()])
    files = sorted(Path(photos).glob("*.jpg"))
    for n in range(10_000):
        v = visits.start_visit(ws, "t-gas-1")
        print(f"VISIT {v.id}", flush=True)
        steps.record_sample(ws, v.id, batch_no=f"B{n}")
        print(f"FIELD {v.id} batch_no B{n}", flush=True)
        for i, f in enumerate(files[(n * 3) % len(files):][:3]):
            item = evidence.add_evidence(ws, v.id, EvidenceCategory.SITE, f)
            print(f"PHOTO {v.id} {item.sha256}", flush=True)
        steps.record_remarks(ws, v.id, f"第{n}次")
        print(f"FIELD {v.id} remarks 第{n}次", flush=True)
        visits.abandon(ws, v.id)            # the next round starts a new visit on the task


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
