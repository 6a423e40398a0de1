"""Translated labels for the codes of app.services.choices and the domain
enums shown in the wizard (functions: tr() must run after the language is set)."""
from __future__ import annotations

from app.domain.visit import NoSampleReason, ProblemType, RefusalSituation
from app.services import choices
from app.services.documents import DocumentKind
from app.ui.i18n import tr


def payment_methods() -> list[tuple[str, str]]:
    labels = {"cash": tr("现金"), "wechat": tr("微信"), "alipay": tr("支付宝"), "transfer": tr("银行转账"),
              "official_card": tr("公务卡")}
    return [(value, labels[code]) for code, value in choices.PAYMENT_METHODS.items()]


def sampling_places() -> list[tuple[str, str]]:
    labels = {"store": tr("成品库"), "shelf": tr("货架"), "tank": tr("油罐"), "pump": tr("加油机")}
    return [(value, labels[code]) for code, value in choices.SAMPLING_PLACES.items()]


def shipping_methods() -> list[tuple[str, str]]:
    labels = {"carried": tr("随样携带"), "courier": tr("快递寄送")}
    return [(value, labels[code]) for code, value in choices.SHIPPING_METHODS.items()]


def refusal_situations() -> list[tuple[str, str]]:
    labels = {RefusalSituation.REFUSE_SAMPLING: tr("拒绝抽样"), RefusalSituation.OBSTRUCT: tr("阻碍抽样"),
              RefusalSituation.UNREASONABLE_PRICE: tr("以明显不合理的样品价格等方式不配合"),
              RefusalSituation.OTHER: tr("其他")}
    return [(s.value, labels[s]) for s in RefusalSituation]


def problem_types() -> list[tuple[str, str]]:
    labels = {ProblemType.UNLICENSED: tr("无证无照"), ProblemType.OTHER_ILLEGAL: tr("其他无需检验即可判定违法的情形")}
    return [(t.value, labels[t]) for t in ProblemType]


def no_sample_reasons() -> list[tuple[str, str]]:
    labels = {NoSampleReason.CLOSED: tr("倒闭"), NoSampleReason.DEREGISTERED: tr("注销"),
              NoSampleReason.STOPPED: tr("停产"), NoSampleReason.CHANGED: tr("转产"),
              NoSampleReason.EXPORT_ONLY: tr("全部用于出口"), NoSampleReason.NO_STOCK: tr("无该产品库存"),
              NoSampleReason.OTHER: tr("其他")}
    return [(r.value, labels[r]) for r in NoSampleReason]


def economic_types() -> list[tuple[str, str]]:
    """经济类型 (the national classification; the record keeps the Chinese name)."""
    labels = {
        "state": tr("国有"), "private": tr("私营（含个体）"), "collective": tr("集体"),
        "limited": tr("有限责任公司"), "joint": tr("联营"), "stock": tr("股份有限公司"),
        "coop": tr("股份合作"), "other_domestic": tr("其他企业"),
        "hmt_joint_venture": tr("港澳台合资经营"), "hmt_cooperative": tr("港澳台合作经营"),
        "hmt_sole": tr("港澳台独资经营"), "hmt_stock": tr("港澳台投资股份有限公司"),
        "sino_foreign_jv": tr("中外合资"), "sino_foreign_coop": tr("中外合作"),
        "foreign_sole": tr("外资企业"), "foreign_stock": tr("外商投资股份有限公司"),
    }
    return [(value, labels[code]) for code, value in choices.ECONOMIC_TYPES.items()]


def amendable_fields() -> list[tuple[str, str]]:
    labels = {
        "party.name": tr("受检单位名称"), "party.address": tr("单位地址"), "party.contact": tr("联系人"),
        "party.phone": tr("联系电话"), "party.licence_no": tr("营业执照/许可证编号"),
        "producer.name": tr("生产单位名称"), "producer.address": tr("生产单位地址"),
        "sample.trademark": tr("商标"), "sample.spec_model": tr("规格型号"),
        "sample.batch_no": tr("生产日期/批号"), "sample.production_date": tr("生产日期"),
        "sample.quality_grade": tr("质量等级"), "sample.standard": tr("执行标准"),
        "sample.sample_state": tr("样品状态"), "remarks": tr("备注"),
    }
    return [(path, labels[path]) for path in choices.AMENDABLE]


def document_name(kind: DocumentKind) -> str:
    return {
        DocumentKind.INSPECTION_NOTICE: tr("监督抽查通知书"),
        DocumentKind.SAMPLING_FORM: tr("抽样单"),
        DocumentKind.FEEDBACK_FORM: tr("工作质量及工作纪律反馈单"),
        DocumentKind.PAYMENT_SLIP: tr("样品付费单"),
        DocumentKind.SEAL_LABELS: tr("封条"),
        DocumentKind.STORAGE_NOTICE: tr("封存和处置告知单"),
        DocumentKind.REFUSAL_FORM: tr("拒检认定表"),
        DocumentKind.PROBLEM_REPORT: tr("问题报送单"),
        DocumentKind.NO_SAMPLE_STATEMENT: tr("未抽到样品企业情况说明"),
    }[kind]
