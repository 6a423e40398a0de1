"""Translated labels for the codes of app.services.choices and the domain
enums shown in the wizard (functions: tr() must run after the language is set)."""
from __future__ import annotations

from app.domain.visit import ProblemType, RefusalSituation
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


def amendable_fields() -> list[tuple[str, str]]:
    labels = {
        "party.name": tr("受检单位名称"), "party.address": tr("单位地址"), "party.contact": tr("联系人"),
        "party.phone": tr("联系电话"), "party.licence_no": tr("营业执照/许可证编号"),
        "producer.name": tr("生产单位名称"), "producer.address": tr("生产单位地址"),
        "sample.trademark": tr("商标"), "sample.spec_model": tr("规格型号"),
        "sample.batch_no": tr("批号"), "sample.production_date": tr("生产日期"),
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
    }[kind]
