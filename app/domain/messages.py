"""Problems found by the rules, with their text in Chinese (default) and
English. Code and params are stable; the text is for people."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

DEFAULT_LANG = "zh_CN"

CATALOG: dict[str, tuple[str, str]] = {
    # team and shown documents
    "team.too_few": ("抽样人员不得少于2人（当前{count}人在场）",
                     "At least two samplers must be present (now {count})"),
    "team.missing_certificate": ("抽样人员{name}缺少身份证明/证件编号",
                                 "Sampler {name} has no ID / certificate number"),
    "team.name_required": ("请填写现场添加的抽样人员姓名", "Enter the name of the sampler added on site"),
    "team.certificate_required": ("请填写抽样证/执法证编号", "Enter the sampling / law-enforcement certificate number"),
    "team.duplicate_certificate": ("证件编号{certificate_no}已在抽样人员名单中（{name}），不能重复添加；如其在场，请勾选“在场”",
                                   "Certificate number {certificate_no} is already in the team ({name}) and cannot be "
                                   "added twice; if that person is here, tick “present”"),
    "team.not_added_on_site": ("{name}是任务指派的抽样人员，不能删除；不在场请取消勾选“在场”",
                               "{name} is on the task's team and cannot be removed; untick “present” instead"),
    "shown.notice": ("尚未出示监督抽查通知书", "The inspection notice has not been shown"),
    "shown.sampler_ids": ("尚未出示抽样人员身份证明", "The samplers' IDs have not been shown"),
    "shown.authorization": ("尚未出示授权委托书复印件",
                            "The authorization letter copy has not been shown"),
    # party
    "party.name": ("请填写受检单位名称", "Enter the inspected party's name"),
    "party.address": ("请填写受检单位地址", "Enter the inspected party's address"),
    "party.contact": ("请填写受检单位联系人或电话", "Enter the party's contact person or phone"),
    "party.licence": ("请填写营业执照/许可证编号；无证无照的，请终止抽样并填写问题报送单",
                      "Enter the business licence / permit number; if there is none, stop and file a problem report"),
    "credit_code.length": ("统一社会信用代码应为18位", "The unified social credit code must have 18 characters"),
    "credit_code.chars": ("统一社会信用代码含有非法字符（不使用I、O、Z、S、V）",
                          "The credit code has invalid characters (I, O, Z, S, V are not used)"),
    "credit_code.check": ("统一社会信用代码校验位错误，请核对", "The credit code's check character is wrong; please check it"),
    "plan.scope": ("{product}的抽查范围为{scopes}，不包括{scope}",
                   "{product} may be sampled only at {scopes}, not at a {scope}"),
    "plan.quota": ("{product}的计划批次（{quota}批）已抽满", "The plan quota for {product} ({quota} batches) is used up"),
    "plan.unknown_product": ("{product}不在本批监督抽查计划内", "{product} is not in this plan"),
    "batch.same_product": ("同一产品在同一企业原则上只抽查1个批次（{product}已抽）",
                           "Only one batch of a product per party ({product} was already sampled here)"),
    "batch.per_party": ("同一企业抽取的样品不得多于2个批次（已抽{count}批）",
                        "At most two batches per party (already {count})"),
    # evidence
    "evidence.missing": ("缺少{category}照片（或填写未拍摄的理由）",
                         "No {category} photo (or write why there is none)"),
    # sample
    "sample.product": ("请填写产品名称", "Enter the product name"),
    "sample.batch": ("请填写生产日期或批号", "Enter the production date or batch number"),
    "sample.base_quantity": ("请填写抽样基数（库存数量）", "Enter the stock on hand (base quantity)"),
    "sample.test_quantity": ("检验样品数量应不少于{required}{unit}", "The test sample must be at least {required} {unit}"),
    "sample.backup_quantity": ("备用样品数量应不少于{required}{unit}", "The backup sample must be at least {required} {unit}"),
    "sample.exceeds_stock": ("抽样数量超过库存数量", "The sampled quantity exceeds the stock on hand"),
    "price.missing": ("请填写检验样品单价", "Enter the test sample's unit price"),
    "price.not_positive": ("单价必须大于0", "The unit price must be greater than 0"),
    "price.basis": ("请选择价格依据（标价或同类产品市场价）", "Choose the price basis (marked price or market price)"),
    "price.market_note": ("无标价时须注明同类产品市场价格的来源", "Without a marked price, write where the market price comes from"),
    "fuel.grade": ("请填写油品牌号（如92#、0#）", "Enter the fuel grade (e.g. 92#, 0#)"),
    "fuel.tank": ("请填写油罐号或加油机编号", "Enter the tank or pump number"),
    # payment
    "payment.unpaid": ("检验样品须付费购买，请填写付费单", "The test sample must be bought: fill in the payment slip"),
    "payment.amount": ("付费金额应为数量×单价（{expected}元）", "The amount must be quantity x price ({expected} yuan)"),
    "payment.price_mismatch": ("付费单单价（{paid}元）与抽样单记录的单价（{recorded}元）不一致",
                               "The slip's unit price ({paid} yuan) differs from the recorded price ({recorded} yuan)"),
    "payment.quantity_mismatch": ("付费单数量（{paid}）与检验样品数量（{recorded}）不一致",
                                  "The slip's quantity ({paid}) differs from the test sample quantity ({recorded})"),
    "payment.backup_not_free": ("备用样品应由受检单位先行无偿提供", "The backup sample is provided free by the party"),
    "payment.fee_charged": ("不得向受检单位收取任何费用", "No fee may be charged to the party"),
    # seals
    "seal.test_missing": ("检验样品尚未封样", "The test sample is not sealed"),
    "seal.backup_missing": ("备用样品尚未封样", "The backup sample is not sealed"),
    "seal.blank_no": ("封条编号不能为空", "A seal has no number"),
    "seal.duplicate_no": ("封条编号{seal_no}重复", "Seal number {seal_no} is used twice"),
    "seal.package_count": ("{kind}应有{required}个封样包装（当前{count}个）",
                           "The {kind} needs {required} sealed packages (now {count})"),
    "storage.approval": ("备用样品封存于受检单位须经省局批准，请填写批准文号",
                         "Leaving the backup at the party needs the province's approval number"),
    "storage.location": ("请填写封存地点", "Enter where the backup is stored"),
    "storage.seal": ("封存的备用样品须在开口处加施封存标识", "The stored backup needs seals at its openings"),
    # signatures
    "sign.samplers": ("需要至少2名抽样人员签字（当前{count}名）", "At least two samplers must sign (now {count})"),
    "sign.party": ("需要受检单位签字，或注明拒签情况", "The party must sign, or the refusal to sign must be written"),
    "sign.refusal_reason": ("请注明受检单位拒签情况", "Write how the party refused to sign"),
    # frozen records
    "record.frozen": ("该记录已签字确认，不能直接修改；请使用更正/补充", "This record is signed and cannot be changed; use an amendment"),
    "amendment.unconfirmed": ("更正/补充须经受检单位签名或盖章确认", "An amendment must be confirmed by the party's signature"),
    "amendment.empty": ("请填写更正内容和原因", "Enter the correction and its reason"),
    # refusal & problem
    "refusal.facts": ("请填写拒检事实经过", "Describe what happened (facts of the refusal)"),
    "refusal.evidence": ("请附拒检证据（照片、录像或见证人）", "Attach evidence of the refusal (photos, video or witnesses)"),
    "problem.description": ("请填写问题描述", "Describe the problem"),
    "problem.evidence": ("请附问题证据照片", "Attach a photo of the problem"),
    "visit.not_in_progress": ("本次抽样已结束", "This visit has ended"),
    "visit.step_not_reached": ("尚未完成到这一步，请按顺序点击“下一步”", "This step has not been reached yet; use Next"),
    "task.cancelled": ("该任务已被省局取消：{reason}", "The province cancelled this task: {reason}"),
    "task.withdrawn": ("该任务已改派给其他抽样组（原因：{reason}），不能再开始抽样",
                       "This task has been reassigned to another sampling team (reason: {reason}); "
                       "a new visit cannot be started on it"),
    "task.ended": ("该任务的抽样已结束（{outcome}，抽样单编号{record_no}）；如确需再次抽样，请说明原因",
                   "The visit on this task has ended ({outcome}, record {record_no}); to visit again, "
                   "give the reason"),
    # evidence store
    "photo.not_image": ("文件不是可识别的图片：{name}", "Not an image file: {name}"),
    "photo.truncated": ("图片文件不完整或已损坏：{name}", "The image is truncated or damaged: {name}"),
    "value.number": ("“{value}”不是有效的数字", "“{value}” is not a valid number"),
    "value.negative": ("数值不能为负数", "The value cannot be negative"),
    "value.choice": ("“{value}”不是有效的选项", "“{value}” is not a valid choice"),
    "value.unknown_field": ("未知字段：{name}", "Unknown field: {name}"),
    "photo.too_large": ("图片像素过大，可能是恶意文件：{name}", "The image has too many pixels (possible decompression bomb): {name}"),
}

CATEGORY_LABELS = {
    "site": ("抽样场所", "sampling site"),
    "storage": ("贮存环境", "storage environment"),
    "label": ("产品标识", "product label"),
    "stock": ("库存数量", "stock quantity"),
    "sampling": ("抽样过程", "sampling process"),
    "sealed": ("封样状态", "sealed state"),
    "on_site_storage": ("封存状态", "on-site storage"),
    "refusal": ("拒检证据", "refusal evidence"),
    "problem": ("问题证据", "problem evidence"),
    "other": ("其他", "other"),
}

KIND_LABELS = {"test": ("检验样品", "test sample"), "backup": ("备用样品", "backup sample")}

OUTCOME_LABELS = {"finished": ("已完成", "finished"), "refused": ("已拒检", "refused"),
                  "problem_reported": ("已报送问题", "problem reported"), "abandoned": ("已终止", "abandoned")}

SCOPE_LABELS = {"producer": ("生产者", "producer"), "seller": ("销售者", "seller"),
                "gas_station": ("加油站", "gas station")}

# Params naming a category, sample kind or scope carry the stable key (e.g.
# "site"); text() renders it in the language asked for, so one Problem reads
# right in Chinese and in English.
PARAM_LABELS = {"category": CATEGORY_LABELS, "kind": KIND_LABELS,
                "scope": SCOPE_LABELS, "scopes": SCOPE_LABELS, "outcome": OUTCOME_LABELS}


@dataclass(frozen=True)
class Problem:
    """One thing that is wrong or missing; `field` names what to fix."""
    code: str
    field: str = ""
    params: dict = dataclasses.field(default_factory=dict, hash=False, compare=False)

    def text(self, lang: str = DEFAULT_LANG) -> str:
        zh, en = CATALOG[self.code]
        template = en if lang.startswith("en") else zh
        return template.format(**self._localized_params(lang))

    def _localized_params(self, lang: str) -> dict:
        out = dict(self.params)
        for name, table in PARAM_LABELS.items():
            value = out.get(name)
            if isinstance(value, (list, tuple)):
                sep = ", " if lang.startswith("en") else "、"
                out[name] = sep.join(label(table, v, lang) if v in table else str(v) for v in value)
            elif isinstance(value, str) and value in table:
                out[name] = label(table, value, lang)
        return out

    def __str__(self) -> str:
        return self.text()


def label(table: dict[str, tuple[str, str]], key: str, lang: str = DEFAULT_LANG) -> str:
    zh, en = table[key]
    return en if lang.startswith("en") else zh


class RuleViolation(Exception):
    """Raised by services when an action breaks a rule; carries every problem
    so the UI can show them all at once."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("; ".join(p.text() for p in self.problems))

    def texts(self, lang: str = DEFAULT_LANG) -> list[str]:
        return [p.text(lang) for p in self.problems]
