"""Where data lives, and that an unfinished visit reopens where it stopped."""
from __future__ import annotations

from app.domain.workflow import Step
from app.services import steps, visits
from app.services.workspace import Workspace
from app.store import paths


def test_data_dir_override_order(tmp_path, monkeypatch):
    monkeypatch.setenv(paths.ENV_DATA, str(tmp_path / "env"))
    assert paths.data_dir() == tmp_path / "env"
    assert paths.data_dir(tmp_path / "cli") == tmp_path / "cli"        # --data-dir wins
    assert paths.log_dir(tmp_path / "cli") == tmp_path / "cli" / "logs"
    monkeypatch.delenv(paths.ENV_DATA)
    assert "FieldSampler" in str(paths.data_dir())


def test_unfinished_visit_reopens_at_its_step(seeded, clock, tmp_path):
    v = visits.start_visit(seeded, "t-gas-1")
    steps.record_shown_documents(seeded, v.id, inspection_notice=True, sampler_ids=True, authorization_letter=True)
    visits.advance(seeded, v.id)
    steps.record_party(seeded, v.id, contact="孙主任")
    seeded.close()
    reopened = Workspace(seeded.data_dir, clock=clock)
    try:
        [summary] = visits.unfinished_visits(reopened)
        assert summary.id == v.id and summary.step == Step.PARTY.value
        st = visits.state(reopened, v.id)
        assert st.step == Step.PARTY and st.visit.party.contact == "孙主任" and st.can_go_back
    finally:
        reopened.close()
