"""Issue 13.11: the party's position comes from the province's party data
when the server has it (CSV 纬度/经度), reaches the device with the pull,
and a record carrying it (and the flags of its photos) is accepted with
its hash."""
from __future__ import annotations

from sqlalchemy import select

from app.domain.entities import InspectedParty
from sync.client import convert
from sync.server.parties.models import Party
from sync.server.parties.service import import_csv, party_out, save_party
from tests.sync.device import Device
from tests.sync.world import PASSWORD, new_credit_code


def test_csv_positions_are_checked_and_kept(live):
    good, bad, half = new_credit_code(), new_credit_code(), new_credit_code()
    text = ("名称,统一社会信用代码,地址,抽样领域,纬度,经度\n"
            f"甲加油站,{good},太原市甲路1号,加油站,37.78012,112.56034\n"
            f"乙加油站,{bad},太原市乙路2号,加油站,137.5,112.5\n"
            f"丙加油站,{half},太原市丙路3号,加油站,37.7,\n")
    with live.db.session() as s:
        report = import_csv(session=s, text=text)
        assert report.added == 1 and [line for line, _ in report.errors] == [3, 4]
        assert "纬度或经度无效" in report.errors[0][1] and "同时填写" in report.errors[1][1]
        party = s.scalar(select(Party).where(Party.credit_code == good))
        out = party_out(party)
    assert (out.latitude, out.longitude) == ("37.78012", "112.56034")
    domain = convert.party(out)
    assert isinstance(domain, InspectedParty) and domain.latitude == "37.78012"


def test_the_pull_brings_the_position_and_the_record_is_accepted(live, tmp_path, memory_keyring):
    with live.db.session() as s:
        gas1 = s.get(Party, live.world.parties["gas1"])
        save_party(session=s, data={"credit_code": gas1.credit_code, "latitude": "37.851270",
                                    "longitude": "112.580870"})
    dev = Device(tmp_path / "laptop", live.url)
    dev.enroll("s_a1", PASSWORD)
    dev.engine().run(push=False)
    task = next(t for t, _ in dev.tasks() if t.plan_item_ids[0] == "2022-4-11")
    assert (task.party.latitude, task.party.longitude) == ("37.851270", "112.580870")
    dev.finish_visit(task)
    report = dev.engine().run()
    assert [i.status for i in report.items] == ["sent"], report
