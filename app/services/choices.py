"""Values the wizard offers for free-text fields of the record. The record
stores the Chinese value (it is printed on the official forms); the UI shows
a translated label for each code. Qt-free."""
from __future__ import annotations

PAYMENT_METHODS = {"cash": "现金", "wechat": "微信", "alipay": "支付宝", "transfer": "银行转账",
                   "official_card": "公务卡"}
SAMPLING_PLACES = {"store": "成品库", "shelf": "货架", "tank": "油罐", "pump": "加油机"}
SHIPPING_METHODS = {"carried": "随样携带", "courier": "快递寄送"}
# 经济类型, in the national template's three groups (内资, 港澳台, 外资)
ECONOMIC_TYPES = {
    "state": "国有", "private": "私营（含个体）", "collective": "集体", "limited": "有限责任公司",
    "joint": "联营", "stock": "股份有限公司", "coop": "股份合作", "other_domestic": "其他企业",
    "hmt_joint_venture": "港澳台合资经营", "hmt_cooperative": "港澳台合作经营", "hmt_sole": "港澳台独资经营",
    "hmt_stock": "港澳台投资股份有限公司", "sino_foreign_jv": "中外合资", "sino_foreign_coop": "中外合作",
    "foreign_sole": "外资企业", "foreign_stock": "外商投资股份有限公司",
}

# What a party may ask to correct after signing (dotted paths into the visit).
AMENDABLE = ["party.name", "party.address", "party.contact", "party.phone", "party.licence_no",
             "producer.name", "producer.address", "sample.trademark", "sample.spec_model",
             "sample.batch_no", "sample.production_date", "sample.quality_grade", "sample.standard",
             "sample.sample_state", "remarks"]
