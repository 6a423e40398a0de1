"""After the receipt, over HTTP: a result that passes, of a sample taken
from a seller (流通领域) — its result goes to the party and to the producer
named on the label, and the delivery deadline is met only with both; what a
result, an advice letter, a delivery and a disposal refuse, each with its
reason; e-CQS entry late in red; an unpaid sample that passed goes back to
the party, and only after the objection period."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sync.server.lab.models import BlindSample, Disposal, LabSample
from tests.conftest import jpeg_bytes
from tests.lab.conftest import accept, csrf_of, sample_id_of, scan


def flash(c, r) -> str:
    html = c.get(r.headers["location"]).text
    m = re.search(r'<p class="flash (\w+)" role="status">([^<]*)</p>', html)
    return f"{m.group(1)}: {m.group(2)}" if m else ""


@pytest.fixture(scope="module")
def seller(lab_world, tmp_path_factory):
    """A 羽绒服装 visit at a shop, both packages accepted."""
    v = lab_world.laptop.finish("2022-4-18")
    assert v.party.scope.value == "seller"
    seals = lab_world.laptop.seal_payloads(v.id, tmp_path_factory.mktemp("seals"))
    ids = {}
    with lab_world.signed_in("lab") as c:
        for seal in v.seals:
            sid = sample_id_of(scan(c, seals[seal.seal_no]))
            assert accept(c, sid).status_code == 303
            ids[seal.kind.value] = sid
    db = lab_world.db()
    with db.session() as s:
        code = s.get(BlindSample, s.get(LabSample, ids["test"]).blind_id).code
    db.close()
    return {"visit": v, "test": ids["test"], "backup": ids["backup"], "code": code}


def result(c, code: str, **fields):
    page = c.get(f"/console/lab/blind/{code}")
    data = {"csrf": csrf_of(page.text), "report_no": "JY2022-0100", "report_date": date.today().isoformat(),
            "testing_ended_on": date.today().isoformat(), "item_item": "", "item_requirement": "",
            "item_measured": "", "item_method": ""}
    data.update(fields)
    return c.post(f"/console/lab/blind/{code}/result", data=data)


def test_results_refuse_what_does_not_hold_together(lab_world, seller):
    code = seller["code"]
    with lab_world.signed_in("tester") as c:
        assert "请选择检验结论" in flash(c, result(c, code))
        assert "须至少填写一个不合格项目" in flash(c, result(c, code, conclusion="fail"))
        assert "须填写标准要求、实测值和检验方法" in flash(c, result(c, code, conclusion="fail", item_item="绒子含量"))
        assert "不能有不合格项目" in flash(c, result(c, code, conclusion="pass", item_item="绒子含量"))
        assert "不能晚于报告日期" in flash(c, result(c, code, conclusion="pass", testing_ended_on="2030-01-01"))
        assert "不是有效日期" in flash(c, result(c, code, conclusion="pass", report_date="20/11/2022"))
        page = c.get(f"/console/lab/blind/{code}")
        r = c.post(f"/console/lab/blind/{code}/report", data={"csrf": csrf_of(page.text)},
                   files={"report": ("report.docx", b"PK\x03\x04 not a pdf", "application/octet-stream")})
        assert "须为 PDF" in flash(c, r)
        assert "检验结果已保存" in flash(c, result(c, code, conclusion="pass"))
    with lab_world.signed_in("lab") as c:
        page = c.get(f"/console/lab/samples/{seller['test']}")
        assert 'id="advice-form"' not in page.text                 # only a failure has an advice letter
        r = c.post(f"/console/lab/samples/{seller['test']}/advice",
                   data={"csrf": csrf_of(page.text), "problem": "x", "cause": "y", "advice": "z"})
        assert "只有不合格样品" in flash(c, r)
        r = c.post(f"/console/lab/samples/{seller['test']}/dates",
                   data={"csrf": csrf_of(page.text), "province_sent_on": date.today().isoformat()})
        assert "只有不合格报告需报送省局" in flash(c, r)


def test_a_sellers_sample_is_delivered_to_the_party_and_the_producer(lab_world, seller):
    v, sid = seller["visit"], seller["test"]
    with lab_world.signed_in("lab") as c:
        page = c.get(f"/console/lab/samples/{sid}")
        assert re.findall(r'<option value="(party|producer)"', page.text) == ["party", "producer"]
        csrf = csrf_of(page.text)

        def deliver(**data):
            return c.post(f"/console/lab/samples/{sid}/delivery", data={"csrf": csrf, **data})
        early = (date.today() - timedelta(days=5)).isoformat()
        assert "不能早于报告日期" in flash(c, deliver(recipient="party", method="direct", delivered_on=early))
        assert "送达记录已保存" in flash(c, deliver(recipient="party", method="direct",
                                               delivered_on=date.today().isoformat()))
        html = c.get(f"/console/lab/samples/{sid}").text
        assert 'data-deadline="delivery" data-state="done"' not in html          # the producer is still owed
        assert "送达记录已保存" in flash(c, deliver(recipient="producer", method="ems", tracking_no="EB 000 111 222 CN",
                                               delivered_on=date.today().isoformat()))
        html = c.get(f"/console/lab/samples/{sid}").text
        row = re.search(r'<tr data-recipient="producer">(.*?)</tr>', html, re.S).group(1)
        assert "EB000111222CN" in row and "EMS" in row
        state = re.search(r'data-deadline="delivery" data-state="(\w+)"', html).group(1)
        assert state == ("done" if date.today() <= date(date.today().year, 12, 20) else "late")


def test_a_gas_stations_result_goes_to_the_party_only(lab_world, tmp_path):
    v = lab_world.laptop.finish("2022-4-11")
    seals = lab_world.laptop.seal_payloads(v.id, tmp_path)
    test_no = next(s for s in v.seals if s.kind.value == "test").seal_no
    with lab_world.signed_in("lab") as c:
        sid = sample_id_of(scan(c, seals[test_no]))
        accept(c, sid)
    db = lab_world.db()
    with db.session() as s:
        code = s.get(BlindSample, s.get(LabSample, sid).blind_id).code
    db.close()
    with lab_world.signed_in("tester") as c:
        page = c.get(f"/console/lab/blind/{code}")
        assert "检验结果已保存" in flash(c, result(c, code, conclusion="pass", report_no="JY2022-0200"))
    with lab_world.signed_in("lab") as c:
        page = c.get(f"/console/lab/samples/{sid}")
        assert re.findall(r'<option value="(party|producer)"', page.text) == ["party"]
        r = c.post(f"/console/lab/samples/{sid}/delivery", data={
            "csrf": csrf_of(page.text), "recipient": "producer", "method": "direct",
            "delivered_on": date.today().isoformat()})
        assert "无需送达生产企业" in flash(c, r)


def test_ecqs_entry_late_shows_red(lab_world, seller):
    sid = seller["test"]
    lab_world.clock.offset = timedelta(days=10)        # more than 3 working days after testing ended
    try:
        with lab_world.signed_in("lab") as c:
            html = c.get(f"/console/lab/samples/{sid}").text
            assert re.search(r'class="badge bad" data-deadline="ecqs" data-state="overdue"', html)
            assert "bad" in re.search(r'<tr data-sample="%d"[^>]*>.*?</tr>' % sid,
                                      c.get("/console/lab").text, re.S).group(0)
            page = c.get(f"/console/lab/samples/{sid}")
            c.post(f"/console/lab/samples/{sid}/dates", data={
                "csrf": csrf_of(page.text), "ecqs_entered_on": (date.today() + timedelta(days=9)).isoformat()})
            html = c.get(f"/console/lab/samples/{sid}").text
            assert re.search(r'data-deadline="ecqs" data-state="late"', html)
    finally:
        lab_world.clock.offset = timedelta(0)


def test_an_unpaid_sample_that_passed_goes_back_to_the_party_after_the_objection_period(lab_world, seller):
    backup = seller["backup"]
    with lab_world.signed_in("lab") as c:
        page = c.get("/console/lab/disposal")
        assert f'data-sample="{backup}"' not in page.text
        r = c.post(f"/console/lab/samples/{backup}/disposal", data={
            "csrf": csrf_of(page.text), "action": "return", "disposed_on": date.today().isoformat()},
            files={"proof": ("receipt.jpg", jpeg_bytes(5), "image/jpeg")})
        assert "异议期未满" in flash(c, r)
    lab_world.clock.offset = timedelta(days=40)
    try:
        with lab_world.signed_in("lab") as c:
            page = c.get("/console/lab/disposal")
            row = re.search(r'<tr data-sample="%d">.*?</tr>' % backup, page.text, re.S).group(0)
            assert re.findall(r'<option value="(\w+)"', row) == ["return"]           # unpaid, passed
            later = (date.today() + timedelta(days=40)).isoformat()
            r = c.post(f"/console/lab/samples/{backup}/disposal", data={
                "csrf": csrf_of(page.text), "action": "destroy", "disposed_on": later})
            assert "只能是：退还受检单位" in flash(c, r)
            r = c.post(f"/console/lab/samples/{backup}/disposal", data={
                "csrf": csrf_of(page.text), "action": "return", "disposed_on": later})
            assert "签收单或照片" in flash(c, r)
            r = c.post(f"/console/lab/samples/{backup}/disposal", data={
                "csrf": csrf_of(page.text), "action": "return", "disposed_on": later,
                "recipient": seller["visit"].party.contact or "店长"},
                files={"proof": ("signed.jpg", jpeg_bytes(6), "image/jpeg")})
            assert "处置已记录" in flash(c, r)
            assert f'data-sample="{backup}"' not in c.get("/console/lab/disposal").text
    finally:
        lab_world.clock.offset = timedelta(0)
    db = lab_world.db()
    with db.session() as s:
        d = s.get(Disposal, backup)
        assert d.action == "return" and d.recorded_by == "lab"
    db.close()
