"""Values the wizard offers for free-text fields of the record. The record
stores the Chinese value (it is printed on the official forms); the UI shows
a translated label for each code. Qt-free."""
from __future__ import annotations

PAYMENT_METHODS = {"cash": "现金", "wechat": "微信", "alipay": "支付宝", "transfer": "银行转账",
                   "official_card": "公务卡"}
SAMPLING_PLACES = {"store": "成品库", "shelf": "货架", "tank": "油罐", "pump": "加油机"}
SHIPPING_METHODS = {"carried": "随样携带", "courier": "快递寄送"}
FUEL_GRADES = ["92#", "95#", "98#", "0#", "-10#"]

# What a party may ask to correct after signing (dotted paths into the visit).
AMENDABLE = ["party.name", "party.address", "party.contact", "party.phone", "party.licence_no",
             "producer.name", "producer.address", "sample.trademark", "sample.spec_model",
             "sample.batch_no", "sample.production_date", "sample.quality_grade", "sample.standard",
             "sample.sample_state", "remarks"]
