"""Values the wizard offers for free-text fields of the record. The record
stores the Chinese value (it is printed on the official forms); the UI shows
it translated: each value is a catalogue entry (app.domain.i18n). Qt-free."""
from __future__ import annotations

from app.domain.i18n import N_

PAYMENT_METHODS = {"cash": N_("现金"), "wechat": N_("微信"), "alipay": N_("支付宝"),
                   "transfer": N_("银行转账"), "official_card": N_("公务卡")}
SAMPLING_PLACES = {"store": N_("成品库"), "shelf": N_("货架"), "tank": N_("油罐"), "pump": N_("加油机")}
SHIPPING_METHODS = {"carried": N_("随样携带"), "courier": N_("快递寄送")}
# 经济类型, in the national template's three groups (内资, 港澳台, 外资)
ECONOMIC_TYPES = {
    "state": N_("国有"), "private": N_("私营（含个体）"), "collective": N_("集体"), "limited": N_("有限责任公司"),
    "joint": N_("联营"), "stock": N_("股份有限公司"), "coop": N_("股份合作"), "other_domestic": N_("其他企业"),
    "hmt_joint_venture": N_("港澳台合资经营"), "hmt_cooperative": N_("港澳台合作经营"),
    "hmt_sole": N_("港澳台独资经营"), "hmt_stock": N_("港澳台投资股份有限公司"),
    "sino_foreign_jv": N_("中外合资"), "sino_foreign_coop": N_("中外合作"),
    "foreign_sole": N_("外资企业"), "foreign_stock": N_("外商投资股份有限公司"),
}

# What a party may ask to correct after signing (dotted paths into the
# visit), with the label the amendment dialog shows.
AMENDABLE = {
    "party.name": N_("受检单位名称"), "party.address": N_("单位地址"), "party.contact": N_("联系人"),
    "party.phone": N_("联系电话"), "party.licence_no": N_("营业执照/许可证编号"),
    "producer.name": N_("生产单位名称"), "producer.address": N_("生产单位地址"),
    "sample.trademark": N_("商标"), "sample.spec_model": N_("规格型号"),
    "sample.batch_no": N_("批号"), "sample.production_date": N_("生产日期"),
    "sample.quality_grade": N_("质量等级"), "sample.standard": N_("执行标准"),
    "sample.sample_state": N_("样品状态"), "remarks": N_("备注"),
}
