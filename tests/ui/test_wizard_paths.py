"""The wizard refuses to advance and shows what is missing; back and forward
keep everything; the refusal and problem exits through the widgets; a bad
value is refused beside its field and the typed text stays."""
from __future__ import annotations

from decimal import Decimal

from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit

from app.domain.visit import EvidenceCategory as C, VisitStatus
from app.domain.workflow import Step
from app.services import visits
from tests.ui.wizard_driver import Driver, open_wizard


def _start(qtbot, ws, type_text) -> Driver:
    v = visits.start_visit(ws, "t-gas-1")
    return Driver(qtbot, open_wizard(qtbot, ws, v.id), type_text)


def _arrive(d: Driver) -> None:
    for key in ("shown.inspection_notice", "shown.sampler_ids", "shown.authorization_letter"):
        d.tick(key)
    d.next()
    assert d.step == Step.PARTY


def _to_sample(d: Driver, make_jpeg) -> None:
    _arrive(d)
    d.next()
    for cat in (C.SITE, C.STORAGE, C.LABEL, C.STOCK, C.PUMP, C.DELIVERY):
        d.add_photos(cat.value, [make_jpeg()])
    d.next()
    assert d.step == Step.SAMPLE


def test_one_sampler_present_is_refused_with_the_reason_shown(qtbot, seeded, type_text):
    d = _start(qtbot, seeded, type_text)
    assert not d.w.missing.isVisible()
    for key in ("shown.inspection_notice", "shown.sampler_ids", "shown.authorization_letter"):
        d.tick(key)
    d.tick("team.s-li.present", False)            # 李娜 is not here today
    d.next()
    assert d.step == Step.ARRIVE
    assert d.w.missing.isVisible()
    assert d.w.missing_texts() == ["抽样人员不得少于2人（当前1人在场）"]
    assert d.w.sidebar_marks()["arrive"] == "▶" and d.w.sidebar_marks()["party"] == "○"
    d.tick("team.s-li.present", True)             # she arrives: the panel clears by itself
    assert not d.w.missing.isVisible()
    d.next()
    assert d.step == Step.PARTY
    assert d.w.sidebar_marks()["arrive"] == "✔"


def test_no_label_photo_is_refused_and_the_category_is_outlined(qtbot, seeded, make_jpeg, type_text):
    d = _start(qtbot, seeded, type_text)
    _arrive(d)
    d.next()
    assert d.step == Step.EVIDENCE
    for cat in (C.SITE, C.STORAGE, C.STOCK, C.PUMP, C.DELIVERY):
        d.add_photos(cat.value, [make_jpeg()])
    d.next()
    assert d.step == Step.EVIDENCE
    assert d.w.missing_texts() == ["缺少产品标识照片（或填写未拍摄的理由）"]
    photos = d.w.page.photos
    assert photos.section("label").property("missing") is True
    assert photos.section("site").property("missing") is False
    d.add_photos("label", [make_jpeg(), make_jpeg()])         # two at once
    assert not d.w.missing.isVisible()
    d.next()
    assert d.step == Step.SAMPLE


def test_missing_sample_fields_are_listed_and_outlined(qtbot, seeded, make_jpeg, type_text):
    d = _start(qtbot, seeded, type_text)
    _to_sample(d, make_jpeg)
    d.next()
    assert d.step == Step.SAMPLE
    texts = d.w.missing_texts()
    for expected in ("请填写生产日期或批号", "请填写检验样品单价", "请填写牌号", "请填写罐存量",
                     "缺少抽样过程照片（或填写未拍摄的理由）"):
        assert expected in texts
    price = d.widget("sample.unit_price", QLineEdit)
    assert "border" in price.styleSheet() and price.toolTip() == "请填写检验样品单价"
    d.fill("sample.unit_price", "7.85")
    assert "请填写检验样品单价" not in d.w.missing_texts() and price.styleSheet() == ""


def test_bad_value_is_refused_beside_its_field_and_kept(qtbot, seeded, make_jpeg, type_text):
    d = _start(qtbot, seeded, type_text)
    _to_sample(d, make_jpeg)
    d.fill("sample.unit_price", "7.85")
    d.fill("sample.unit_price", "七块八")
    field = d.widget("sample.unit_price", QLineEdit)
    assert field.text() == "七块八"                              # what was typed stays
    assert "不是有效的数字" in field.toolTip() and "border" in field.styleSheet()
    assert visits.load(seeded, d.w.session.visit_id).sample.unit_price == Decimal("7.85")


def test_back_and_forward_keep_everything(qtbot, seeded, make_jpeg, type_text):
    d = _start(qtbot, seeded, type_text)
    _arrive(d)
    d.fill("party.contact", "孙主任")
    d.fill("party.phone", "13900000000")
    d.next()
    d.add_photos("site", [make_jpeg()])
    d.back()
    assert d.step == Step.PARTY
    assert d.widget("party.contact", QLineEdit).text() == "孙主任"
    d.back()
    assert d.step == Step.ARRIVE
    assert d.widget("shown.sampler_ids", QCheckBox).isChecked()
    d.next()
    d.next()
    assert d.step == Step.EVIDENCE
    assert d.w.page.photos.section("site").evidence_ids() != []
    saved = visits.load(seeded, d.w.session.visit_id)
    assert saved.party.contact == "孙主任" and saved.party.phone == "13900000000"


def test_refusal_path_through_the_widgets(qtbot, seeded, make_jpeg, type_text):
    d = _start(qtbot, seeded, type_text)
    _arrive(d)
    d.click(d.w.refusal_button)
    d.idle()
    assert d.step == Step.REFUSAL and not d.w.refusal_button.isEnabled()
    assert d.w.next_button.text() == "完成"
    d.next()                                                 # nothing written yet
    assert d.w.missing_texts() == ["请填写拒检事实经过", "请附拒检证据（照片、录像或见证人）"]
    d.choose("refusal.situation", 2)                         # 以明显不合理的样品价格等方式不配合
    d.fill("refusal.facts", "站长要求以每升50元出售92#汽油，明显高于标价7.85元，拒绝按标价出售。")
    d.fill("refusal.county_bureau", "太原市迎泽区市场监督管理局")
    d.fill("refusal.witness_name", "郭建平")
    d.fill("refusal.witness_unit", "迎泽区市场监管局执法队")
    d.add_photos("refusal", [make_jpeg()])
    assert not d.w.missing.isVisible()
    with qtbot.waitSignal(d.w.finished, timeout=10000) as sig:
        d.next()
    assert sig.args[1] == "refused"
    d.idle()
    done = visits.load(seeded, d.w.session.visit_id)
    assert done.status == VisitStatus.REFUSED
    assert done.refusal.situation.value == "unreasonable_price"
    assert (done.refusal.witness_name, done.refusal.witness_unit) == ("郭建平", "迎泽区市场监管局执法队")
    assert done.refusal.place == "山西省太原市迎泽区迎泽大街100号"
    assert d.widget("refusal.place", QLineEdit).text() == "山西省太原市迎泽区迎泽大街100号"
    assert len(done.live_evidence(C.REFUSAL)) == 1
    assert not d.w.next_button.isVisible() and not d.w.banner.amend_button.isVisible()


def test_problem_path_through_the_widgets(qtbot, seeded, make_jpeg, type_text):
    d = _start(qtbot, seeded, type_text)
    _arrive(d)
    d.click(d.w.problem_button)
    d.idle()
    assert d.step == Step.PROBLEM
    d.back()                                                  # opened by mistake: back to the party
    assert d.step == Step.PARTY
    d.click(d.w.problem_button)
    d.idle()
    d.fill("problem.description", "现场未能出示成品油零售经营批准证书，营业执照已过期。")
    d.next()
    assert d.w.missing_texts() == ["请附问题证据照片"]
    d.add_photos("problem", [make_jpeg()])
    with qtbot.waitSignal(d.w.finished, timeout=10000) as sig:
        d.next()
    assert sig.args[1] == "problem_reported"
    d.idle()
    done = visits.load(seeded, d.w.session.visit_id)
    assert done.status == VisitStatus.PROBLEM_REPORTED
    assert done.problem.problem_type.value == "unlicensed" and "张伟" in done.problem.reporter
    assert done.problem.handling == "已终止抽样"


# ---- the product's own photos and fields, from its sampling rule ------------

def test_evidence_step_shows_the_products_own_photo_categories(qtbot, seeded, type_text):
    d = _start(qtbot, seeded, type_text)
    _arrive(d)
    d.next()
    assert d.w.page.photos.categories == ["site", "storage", "label", "stock", "pump", "delivery"]
    assert d.w.page.photos.section("pump").isVisible()
    d.next()
    assert "缺少加油机及油枪（牌号、单价）照片（或填写未拍摄的理由）" in d.w.missing_texts()
    assert d.w.page.photos.section("pump").property("missing") is True


def test_diesel_offers_only_diesel_grades_and_petrol_only_petrol(qtbot, seeded, make_jpeg, type_text):
    petrol = _start(qtbot, seeded, type_text)
    _to_sample(petrol, make_jpeg)
    box = petrol.w.page.product_box
    assert box.choices("fuel_grade") == ["89#", "92#", "95#", "98#"]
    assert box.choices("emission_stage") == ["国VI(A)", "国VI(B)"]
    assert box.group.title() == "车用汽油专项信息"
    v = visits.start_visit(seeded, "t-gas-2")                    # 车用柴油 at the same station
    diesel = Driver(qtbot, open_wizard(qtbot, seeded, v.id), type_text)
    _to_sample(diesel, make_jpeg)
    box = diesel.w.page.product_box
    assert box.choices("fuel_grade") == ["0#", "-10#", "-20#", "-35#"]
    assert box.choices("emission_stage") == ["国VI"]
    labels = [lab.text() for lab in box.group.findChildren(QLabel)]
    assert "罐存量（L）" in labels and "最近一批进罐日期" in labels and "是否加入清净剂" in labels
    diesel.choose("sample.product_fields.fuel_grade", 3)           # -20#
    assert visits.load(seeded, v.id).sample.product_fields["fuel_grade"] == "-20#"


def test_a_bad_product_value_is_refused_beside_its_field_and_kept(qtbot, seeded, make_jpeg, type_text):
    d = _start(qtbot, seeded, type_text)
    _to_sample(d, make_jpeg)
    d.fill("sample.product_fields.tank_stock", "很多")
    field = d.widget("sample.product_fields.tank_stock", QLineEdit)
    assert field.text() == "很多" and "罐存量应为数字" in field.toolTip() and "border" in field.styleSheet()
    d.fill("sample.product_fields.tank_stock", "18000")
    assert field.styleSheet() == ""
    assert visits.load(d.w.session.ws, d.w.session.visit_id).sample.product_fields["tank_stock"] == "18000"


# ---- the no-sample exit ------------------------------------------------------

def test_no_sample_path_through_the_widgets(qtbot, seeded, make_jpeg, type_text):
    d = _start(qtbot, seeded, type_text)
    _arrive(d)
    d.click(d.w.no_sample_button)
    d.idle()
    assert d.step == Step.NO_SAMPLE and not d.w.no_sample_button.isEnabled()
    assert d.w.next_button.text() == "完成"
    d.next()
    assert d.w.missing_texts()[:2] == ["请填写未抽到样品的经过（过程简要描述）",
                                       "请附未抽到样品的证据照片（如停业、注销公告、无库存的现场）"]
    d.choose("no_sample.reason", 1)                            # 注销 (the list opens on 倒闭)
    d.fill("no_sample.description", "门口张贴注销公告，油罐已清空，加油机已断电。")
    d.add_photos("no_sample", [make_jpeg()])
    page = d.w.page
    for i, s in enumerate(page.signers):                       # both samplers and the party sign
        d.draw(s.pad, seed=i)
    with qtbot.waitSignal(d.w.finished, timeout=10000) as sig:
        d.next()
    assert sig.args[1] == "no_sample"
    d.idle()
    done = visits.load(seeded, d.w.session.visit_id)
    assert done.status == VisitStatus.NO_SAMPLE
    assert done.no_sample.reason.value == "deregistered" and "注销公告" in done.no_sample.description
    assert done.no_sample.place == "山西省太原市迎泽区迎泽大街100号"
    assert [s.role.value for s in done.signatures] == ["sampler", "sampler", "party"]
    assert "未抽到样品" in d.w.header.text()
    assert not d.w.next_button.isVisible() and not d.w.banner.amend_button.isVisible()
