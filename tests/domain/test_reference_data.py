"""The packaged plan is 附件1 of the notice exactly; the sampling rules load
with a source for every value; a broken file is refused with a message that
says where it is broken."""
from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from app.domain.plan import Scope
from app.domain.visit import EvidenceCategory
from app.domain import reference_data
from app.domain.reference_data import (ReferenceDataError, load_plan, load_plan_dates,
                                      load_sampling_rules, resources_dir)

# 附件1 as printed in 晋市监函〔2022〕279号 (row 6 continues on an unnumbered line).
ANNEX_1 = """\
1 家用电器及电器附件 电池（储能电池、原电池） 5 生产者、销售者
2 家用电器及电器附件 储热式电热暖手器 25 销售者
3 家用电器及电器附件 室内加热器 25 生产者、销售者
4 家用电器及电器附件 加湿器 10 生产者、销售者
5 家用电器及电器附件 灯串 30 生产者、销售者
6 食品相关产品 食品接触用纸制品 10 生产者、销售者
食品相关产品 食品接触用塑料制品 10 生产者、销售者
7 日用杂品 眼镜（配装眼镜） 40 生产者、销售者
8 日用杂品 眼镜镜片 30 生产者、销售者
9 日用杂品 眼镜架 30 生产者、销售者
10 交通用具及相关产品 车用柴油 200 加油站
11 交通用具及相关产品 车用汽油 100 加油站
12 交通用具及相关产品 车用尿素水溶液 50 生产者、加油站
13 工业生产资料 氯碱 5 生产者
14 工业生产资料 轴承 25 生产者、销售者
15 服装鞋帽及家用纺织品 围巾披肩 5 销售者
16 服装鞋帽及家用纺织品 冲锋衣 20 销售者
17 服装鞋帽及家用纺织品 棉服装 30 生产者、销售者
18 服装鞋帽及家用纺织品 羽绒服装 30 销售者
19 服装鞋帽及家用纺织品 化纤被 30 生产者、销售者
20 服装鞋帽及家用纺织品 安全帽 5 生产者、销售者
21 服装鞋帽及家用纺织品 运动服装 30 生产者、销售者
合计 745"""

SCOPE_ZH = {"生产者": Scope.PRODUCER, "销售者": Scope.SELLER, "加油站": Scope.GAS_STATION}
NOTICE_PHOTOS = {"site", "storage", "label", "stock", "sampling", "sealed"}
FOUR = ("车用汽油", "车用柴油", "车用尿素水溶液", "羽绒服装")
# the project's own reference material (/work/shared/reference), read in full
PROJECT_REFERENCES = {"NOTICE", "FORMS_MD"}


def annex_rows():
    rows, seq = [], 0
    for line in ANNEX_1.splitlines()[:-1]:
        parts = line.split()
        if parts[0].isdigit():
            seq = int(parts.pop(0))
        category, product, batches, scopes = parts
        rows.append((seq, category, product, int(batches),
                     tuple(SCOPE_ZH[s] for s in scopes.split("、"))))
    return rows


def test_plan_is_annex_1_row_for_row():
    plan = load_plan()
    got = [(i.seq, i.category, i.product, i.batches, i.scopes) for i in plan.items]
    assert got == annex_rows()
    assert len(plan.items) == 22 and len({i.seq for i in plan.items}) == 21
    assert plan.total_batches == 745 == int(ANNEX_1.splitlines()[-1].split()[1])


def test_plan_identity_and_deadlines():
    plan = load_plan()
    assert (plan.id, plan.document_no) == ("2022-4", "晋市监函〔2022〕279号")
    assert "2022年第四批" in plan.title
    assert load_plan_dates() == {"issued": date(2022, 8, 29),
                                 "reports_delivered": date(2022, 12, 20),
                                 "ecqs_entry": date(2022, 12, 23)}


def test_plan_scopes_decide_where_a_product_may_be_sampled():
    plan = load_plan()
    gasoline = plan.item_for_product("车用汽油")
    assert gasoline.id == "2022-4-11"
    assert gasoline.allows(Scope.GAS_STATION) and not gasoline.allows(Scope.PRODUCER)
    urea = plan.item_for_product("车用尿素水溶液")
    assert urea.allows(Scope.PRODUCER) and urea.allows(Scope.GAS_STATION)
    assert not urea.allows(Scope.SELLER)
    assert len({i.id for i in plan.items}) == len(plan.items)


def test_every_product_of_annex_1_has_a_rule():
    rules = load_sampling_rules()
    products = [row[2] for row in annex_rows()]
    assert len(products) == 22 and sorted(rules) == sorted(products)
    assert (rules["车用汽油"].unit, rules["车用汽油"].test_quantity,
            rules["车用汽油"].backup_quantity) == ("L", "2", "2")
    assert rules["羽绒服装"].unit == "件" and rules["围巾披肩"].unit == "条" and rules["安全帽"].unit == "顶"
    for product in products:
        rule = rules[product]
        assert rule.product == product
        assert rule.unit and rule.packages_test >= 1 and rule.packages_backup >= 1
        assert NOTICE_PHOTOS <= set(rule.required_photos)
        assert set(rule.required_photos) <= {e.value for e in EvidenceCategory}
        assert rule.container
        assert rule.fields, f"{product} has no product-specific fields"


def test_every_value_of_the_file_cites_a_source_that_exists():
    """Read the file itself (not the loader): each value of each rule has
    citations, each citation's id is in `sources`, and says what it says."""
    doc = json.loads((resources_dir() / "sampling_rules.json").read_text(encoding="utf-8"))
    catalog = doc["sources"]
    for raw in doc["rules"]:
        valued = set(raw) - {"product", "sources"} - ({"notes"} if not raw.get("notes") else set())
        assert valued <= set(raw["sources"]), (raw["product"], valued - set(raw["sources"]))
        for field, cites in raw["sources"].items():
            assert cites, (raw["product"], field)
            for cite in cites:
                assert cite["ref"] in catalog, (raw["product"], field, cite["ref"])
                assert cite["says"].strip(), (raw["product"], field)
    used = {c["ref"] for r in doc["rules"] for cites in r["sources"].values() for c in cites}
    assert set(catalog) == used, f"sources nobody cites: {set(catalog) - used}"


def test_an_assumption_is_marked_as_one():
    """Values no source states are cited to ASSUMPTION: e.g. 加湿器 (no 细则 found)."""
    rule = load_sampling_rules()["加湿器"]
    assert {c["status"] for c in rule.sources["test_quantity"]} == {"assumption"}
    assert {c["ref"] for c in load_sampling_rules()["围巾披肩"].sources["test_quantity"]} == {"SX_SCARF_2022"}


def test_a_rule_survives_the_wire():
    """The server passes rules to devices as canonical plain data; it comes
    back as the same SamplingRule, product fields included."""
    from app.domain.canonical import to_plain
    from app.domain.plain import from_plain
    from app.domain.plan import SamplingRule
    for rule in load_sampling_rules().values():
        back = from_plain(SamplingRule, to_plain(rule))
        assert back.fields == rule.fields and to_plain(back) == to_plain(rule)


def test_every_rule_value_names_its_source_and_only_the_project_reference_counts_as_verified():
    for product, rule in load_sampling_rules().items():
        for field in reference_data.SOURCED_FIELDS + (("fields",) if rule.fields else ()):
            cites = rule.sources[field]
            assert cites, (product, field)
            for cite in cites:
                assert cite["title"] and cite["status"] in reference_data.SOURCE_STATUSES
                # Web excerpts must carry their address; the notice is the only
                # text we hold ourselves, so it alone may be "verified".
                if cite["status"] == "excerpt":
                    assert cite["url"].startswith("http")
                if cite["status"] == "verified":
                    assert cite["ref"] in PROJECT_REFERENCES


# ---- malformed files ----------------------------------------------------

def edited_copy(tmp_path: Path, name: str, edit) -> Path:
    doc = json.loads((resources_dir() / name).read_text(encoding="utf-8"))
    edit(doc)
    out = tmp_path / name
    out.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return out


def test_broken_json_names_line_and_column(tmp_path):
    bad = tmp_path / "plan_2022_4.json"
    bad.write_text('{"id": "2022-4",\n "items": [,]}', encoding="utf-8")
    with pytest.raises(ReferenceDataError, match=r"plan_2022_4\.json: not valid JSON at line 2"):
        load_plan(bad)


@pytest.mark.parametrize("edit, message", [
    (lambda d: d["items"][10].update(batches="200"), r"items\[10\]\.batches: must be a whole number"),
    (lambda d: d["items"][3].update(scopes=["shop"]), r"items\[3\]\.scopes: unknown scope 'shop'"),
    (lambda d: d["items"][4].update(id="2022-4-1"), r"items\[4\]\.id: duplicate id"),
    (lambda d: d["items"][0].pop("product"), r"items\[0\]\.product: must be a non-empty text"),
    (lambda d: d.update(total_batches=700), r"total_batches: says 700 but the items add up to 745"),
    (lambda d: d.update(items=[]), r"plan\.items: must be a non-empty list"),
    (lambda d: d.update(notice_no_format="晋市监抽〔2022〕4-号"), r"notice_no_format: must be a text with \{seq\}"),
])
def test_malformed_plan_is_refused_with_a_clear_message(tmp_path, edit, message):
    with pytest.raises(ReferenceDataError, match=r"plan_2022_4\.json: " + message):
        load_plan(edited_copy(tmp_path, "plan_2022_4.json", edit))


@pytest.mark.parametrize("edit, message", [
    (lambda d: d["rules"][11].update(test_quantity="两升"),
     r"rules\[11\] \(车用汽油\)\.test_quantity: must be a positive decimal"),
    (lambda d: d["rules"][10].update(required_photos=["site", "selfie"]),
     r"rules\[10\] \(车用柴油\)\.required_photos: unknown photo category 'selfie'"),
    (lambda d: d["rules"][12]["sources"].pop("backup_quantity"),
     r"rules\[12\] \(车用尿素水溶液\)\.sources: no source given for 'backup_quantity'"),
    (lambda d: d["rules"][18]["sources"]["unit"][0].update(ref="NOWHERE"),
     r"rules\[18\] \(羽绒服装\)\.sources\.unit: unknown source 'NOWHERE'"),
    (lambda d: d["sources"]["NOTICE"].update(status="trust me"), r"sources\.NOTICE\.status"),
    (lambda d: d["rules"].append(dict(d["rules"][10])),
     r"rules\[22\] \(车用柴油\): product listed twice"),
    (lambda d: d["rules"][10]["fields"][0].update(choices=[]),
     r"rules\[10\] \(车用柴油\)\.fields\[0\]\.choices: a choice field needs its choices"),
    (lambda d: d["rules"][10]["fields"][1].update(type="colour"),
     r"rules\[10\] \(车用柴油\)\.fields\[1\]\.type: must be one of text, choice"),
    (lambda d: d["rules"][10]["fields"][2].update(key="fuel_grade"),
     r"rules\[10\] \(车用柴油\)\.fields\[2\]\.key: must be unique"),
    (lambda d: d["rules"][10]["fields"][2].update(choices=["1号罐"]),
     r"rules\[10\] \(车用柴油\)\.fields\[2\]\.choices: only a choice field has choices"),
    (lambda d: d["rules"][10]["fields"][3].pop("label_en"),
     r"rules\[10\] \(车用柴油\)\.fields\[3\]\.label_en: must be a non-empty text"),
    (lambda d: d["rules"][10]["sources"].pop("fields"),
     r"rules\[10\] \(车用柴油\)\.sources: no source given for 'fields'"),
    (lambda d: d["rules"][10].update(required_photos=["site", "refusal"]),
     r"rules\[10\] \(车用柴油\)\.required_photos: unknown photo category 'refusal'"),
])
def test_malformed_rules_are_refused_with_a_clear_message(tmp_path, edit, message):
    with pytest.raises(ReferenceDataError, match=r"sampling_rules\.json: " + message):
        load_sampling_rules(edited_copy(tmp_path, "sampling_rules.json", edit))


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(ReferenceDataError, match="cannot read"):
        load_sampling_rules(tmp_path / "nope.json")


def test_resources_folder_can_be_pointed_elsewhere(tmp_path, monkeypatch):
    other = tmp_path / "res"
    shutil.copytree(resources_dir(), other)
    doc = json.loads((other / "sampling_rules.json").read_text(encoding="utf-8"))
    next(r for r in doc["rules"] if r["product"] == "车用汽油")["test_quantity"] = "2.5"
    (other / "sampling_rules.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setenv(reference_data.ENV_RESOURCES, str(other))
    assert resources_dir() == other
    assert load_sampling_rules()["车用汽油"].test_quantity == "2.5"
