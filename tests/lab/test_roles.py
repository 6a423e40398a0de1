"""Who may open which lab page, over HTTP: every lab route x every role
(tests/lab/routes.py); without a session, sign in first; a form without the
session's CSRF token is refused; another agency's admin gets 404. A tester
sees only blind codes: no party name, record number or seal anywhere they
can reach, pages, PDFs and exports alike; every view of the blind mapping
is audited."""
from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select

from sync.server.audit.models import AuditEntry
from sync.server.lab.models import BlindSample, LabPhoto, LabSample
from tests.lab.conftest import accept, csrf_of, sample_id_of, scan
from tests.lab.routes import LAB_ROUTES, USERS
from tests.lab.test_lab_browser import pdftext


@pytest.fixture(scope="module")
def objects(lab_world, tmp_path_factory):
    """A received petrol sample of agency-demo, tested (不合格) and with its
    report uploaded; a rejected package."""
    v = lab_world.laptop.finish("2022-4-11")
    seals = lab_world.laptop.seal_payloads(v.id, tmp_path_factory.mktemp("seals"))
    test_no = next(s for s in v.seals if s.kind.value == "test").seal_no
    backup_no = next(s for s in v.seals if s.kind.value == "backup").seal_no
    with lab_world.signed_in("lab") as c:
        sample = sample_id_of(scan(c, seals[test_no]))
        assert accept(c, sample).status_code == 303
        rejected = sample_id_of(scan(c, seals[backup_no]))
        accept(c, rejected, decision="reject", reason="瓶身破裂，样品渗漏", checks=False)
    db = lab_world.db()
    with db.session() as s:
        code = s.get(BlindSample, s.get(LabSample, sample).blind_id).code
        photo = s.scalar(select(LabPhoto.sha256).where(LabPhoto.sample_id == sample))
    db.close()
    with lab_world.signed_in("tester") as c:
        page = c.get(f"/console/lab/blind/{code}")
        r = c.post(f"/console/lab/blind/{code}/result", data={
            "csrf": csrf_of(page.text), "conclusion": "fail", "report_no": "JY2022-0007", "report_date": "2022-12-01",
            "testing_ended_on": "2022-11-30", "item_item": "研究法辛烷值", "item_requirement": "≥92",
            "item_measured": "90.8", "item_method": "GB/T 5487-2015"})
        assert r.status_code == 303 and "检验结果已保存" in c.get(r.headers["location"]).text
        report = b"%PDF-1.4\n% report of " + v.party.name.encode() + b"\n%%EOF"      # a real report names the party
        r = c.post(f"/console/lab/blind/{code}/report", data={"csrf": csrf_of(page.text)},
                   files={"report": ("report.pdf", report, "application/pdf")})
        assert "检验报告已上传" in c.get(r.headers["location"]).text
    return {"visit": v, "sample": sample, "rejected": rejected, "code": code, "photo": photo, "seals": seals}


def _url(path: str, o: dict) -> str:
    return path.format(sample=o["sample"], rejected=o["rejected"], code=o["code"], photo=o["photo"])


def _post(path: str, csrf: str | None) -> dict:
    data = {"reason": "x", "event": "", "record_no": "", "payload": "x"}
    if csrf is not None:
        data["csrf"] = csrf
    return data


@pytest.mark.parametrize("username", USERS)
def test_every_lab_route_for_every_role(lab_world, objects, username):
    with lab_world.signed_in(username) as c:
        csrf = csrf_of(c.get("/console/lab/bench").text)           # a 403 page still carries the sign-out form
        for method, path, allowed in LAB_ROUTES:
            r = c.request(method, _url(path, objects), data=_post(path, csrf) if method == "POST" else None)
            if username in allowed:
                assert r.status_code in (200, 303), (username, method, path, r.status_code)
            else:
                assert r.status_code == 403 and "无权访问" in r.text, (username, method, path, r.status_code)


def test_without_a_session_every_lab_route_sends_to_sign_in(lab_world, objects):
    with lab_world.server.client() as c:
        for method, path, _ in LAB_ROUTES:
            r = c.request(method, _url(path, objects), data=_post(path, "x") if method == "POST" else None)
            assert r.status_code == 303 and r.headers["location"].startswith("/console/signin"), path


@pytest.mark.parametrize("csrf", [None, "wrong-token"])
def test_lab_forms_without_the_sessions_token_are_refused(lab_world, objects, csrf):
    with lab_world.signed_in("labmanager") as c:
        for method, path, _ in LAB_ROUTES:
            if method == "POST":
                r = c.post(_url(path, objects), data=_post(path, csrf))
                assert r.status_code == 403 and "表单已失效" in r.text, path


def test_another_agencys_admin_gets_404_on_these_samples(lab_world, objects):
    with lab_world.signed_in("agency2") as c:
        for method, path, allowed in LAB_ROUTES:
            if method == "GET" and "agency" in allowed and "{" in path:
                assert c.get(_url(path, objects)).status_code == 404, path
        assert objects["visit"].party.name not in c.get("/console/lab").text


def qr_texts(pdf: bytes, tmp) -> list[str]:
    import subprocess

    import zxingcpp
    from PIL import Image
    (tmp / "label.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "203", "-singlefile", str(tmp / "label.pdf"), str(tmp / "label")],
                   check=True)
    return [r.text for r in zxingcpp.read_barcodes(Image.open(tmp / "label.png"),
                                                   formats=zxingcpp.BarcodeFormat.QRCode)]


def test_a_tester_sees_blind_codes_only_everywhere_they_can_reach(lab_world, objects, tmp_path):
    v = objects["visit"]
    secrets = [v.party.name, v.record_no, v.id, v.producer.name or v.party.name, v.party.credit_code,
               *objects["seals"]]
    secrets = [s for s in secrets if s]
    reachable = [path for method, path, allowed in LAB_ROUTES if method == "GET" and "tester" in allowed]
    assert len(reachable) >= 6
    with lab_world.signed_in("tester") as c:
        for path in reachable:
            r = c.get(_url(path, objects), follow_redirects=True)
            assert r.status_code == 200, path
            body = pdftext(r.content) if r.content.startswith(b"%PDF") else r.content.decode("utf-8-sig")
            leaked = [s for s in secrets if s in body]
            assert not leaked, (path, leaked)
            if path.endswith(".csv"):
                assert objects["code"] in body and "研究法辛烷值" in body
        label = c.get(f"/console/lab/blind/{objects['code']}/label.pdf").content
        assert pdftext(label) == "样品编号" + objects["code"].replace("-", "")        # the code, nothing else
        assert qr_texts(label, tmp_path) == [objects["code"]]
        sheet = pdftext(c.get(f"/console/lab/blind/{objects['code']}/custody.pdf").content)
        assert objects["code"] in sheet and "收样" in sheet
        for path in ("/console/lab/mapping", f"/console/lab/samples/{objects['sample']}",
                     f"/console/lab/samples/{objects['sample']}/report.pdf", f"/console/lab/photos/{objects['photo']}",
                     "/console/records", "/console/followups", "/console/exports", "/console/audit"):
            assert c.get(path).status_code == 403, path


def test_every_view_of_the_mapping_is_audited(lab_world, objects):
    def views():
        db = lab_world.db()
        with db.session() as s:
            rows = s.execute(select(AuditEntry.actor, AuditEntry.target).where(
                AuditEntry.action == "lab.mapping.view")).all()
        db.close()
        return rows
    before = len(views())
    with lab_world.signed_in("lab") as c:
        html = c.get("/console/lab/mapping").text
        assert objects["code"] in html and objects["visit"].party.name in html
        c.get(f"/console/lab/samples/{objects['sample']}")
        c.get(f"/console/lab/samples/{objects['sample']}/label.pdf")
    after = views()
    assert len(after) == before + 3
    assert after[-3:] == [("lab", "list"), ("lab", f"sample {objects['sample']}"),
                          ("lab", f"sample {objects['sample']}")]
    db = lab_world.db()
    with db.session() as s:                       # the codes themselves stay out of the audit log
        logged = json.dumps([list(r) for r in s.execute(select(AuditEntry.target, AuditEntry.detail))],
                            ensure_ascii=False)
        assert objects["code"] not in logged
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "lab.result")) >= 1
    db.close()


def test_the_tester_cannot_record_a_sample_managers_hand_over(lab_world, objects):
    with lab_world.signed_in("tester") as c:
        page = c.get(f"/console/lab/blind/{objects['code']}")
        r = c.post(f"/console/lab/blind/{objects['code']}/custody", data={"csrf": csrf_of(page.text),
                                                                          "event": "disposed"})
        assert "未知的流转环节" in c.get(r.headers["location"]).text
        assert re.findall(r'<option value="(\w+)"', page.text) == ["to_tester", "tested"]


def test_the_province_sees_the_sample_and_its_report_but_not_the_blind_code(lab_world, objects):
    for username in ("province", "agency"):
        with lab_world.signed_in(username) as c:
            html = c.get(f"/console/lab/samples/{objects['sample']}").text
            assert objects["visit"].party.name in html and objects["code"] not in html, username
            assert objects["code"] not in c.get("/console/lab").text
            report = c.get(f"/console/lab/samples/{objects['sample']}/report.pdf")
            assert report.status_code == 200 and objects["visit"].party.name.encode() in report.content
