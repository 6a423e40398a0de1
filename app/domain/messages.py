"""Problems found by the rules: a stable code and params, and the text for
people through the one catalogue (app.domain.i18n; English in
resources/i18n/en.json)."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from app.domain import labels
from app.domain.i18n import N_, normalize, tr

CATALOG: dict[str, str] = {
    # team and shown documents
    "team.too_few": N_("抽样人员不得少于2人（当前{count}人在场）"),
    "team.missing_certificate": N_("抽样人员{name}缺少身份证明/证件编号"),
    "team.name_required": N_("请填写现场添加的抽样人员姓名"),
    "team.certificate_required": N_("请填写抽样证/执法证编号"),
    "team.duplicate_certificate": N_("证件编号{certificate_no}已在抽样人员名单中（{name}），不能重复添加；如其在场，请勾选“在场”"),
    "team.not_added_on_site": N_("{name}是任务指派的抽样人员，不能删除；不在场请取消勾选“在场”"),
    "shown.notice": N_("尚未出示监督抽查通知书"),
    "shown.sampler_ids": N_("尚未出示抽样人员身份证明"),
    "shown.authorization": N_("尚未出示授权委托书复印件"),
    # party
    "party.name": N_("请填写受检单位名称"),
    "party.address": N_("请填写受检单位地址"),
    "party.contact": N_("请填写受检单位联系人或电话"),
    "party.licence": N_("请填写营业执照/许可证编号；无证无照的，请终止抽样并填写问题报送单"),
    "credit_code.length": N_("统一社会信用代码应为18位"),
    "credit_code.chars": N_("统一社会信用代码含有非法字符（不使用I、O、Z、S、V）"),
    "credit_code.check": N_("统一社会信用代码校验位错误，请核对"),
    "plan.scope": N_("{product}的抽查范围为{scopes}，不包括{scope}"),
    "plan.quota": N_("{product}的计划批次（{quota}批）已抽满"),
    "plan.unknown_product": N_("{product}不在本批监督抽查计划内"),
    "batch.same_product": N_("同一产品在同一企业原则上只抽查1个批次（{product}已抽）"),
    "batch.per_party": N_("同一企业抽取的样品不得多于2个批次（已抽{count}批）"),
    # evidence
    "evidence.missing": N_("缺少{category}照片（或填写未拍摄的理由）"),
    # sample
    "sample.product": N_("请填写产品名称"),
    "sample.batch": N_("请填写生产日期或批号"),
    "sample.base_quantity": N_("请填写抽样基数（库存数量）"),
    "sample.test_quantity": N_("检验样品数量应不少于{required}{unit}"),
    "sample.backup_quantity": N_("备用样品数量应不少于{required}{unit}"),
    "sample.exceeds_stock": N_("抽样数量超过库存数量"),
    "price.missing": N_("请填写检验样品单价"),
    "price.not_positive": N_("单价必须大于0"),
    "price.basis": N_("请选择价格依据（标价或同类产品市场价）"),
    "price.market_note": N_("无标价时须注明同类产品市场价格的来源"),
    # product-specific fields ({label} is the field's label from the sampling rule, in the text's language)
    "product_field.required": N_("请填写{label}"),
    "product_field.choice": N_("{label}只能选择：{choices}（“{value}”不适用于{product}）"),
    "product_field.number": N_("{label}应为数字（“{value}”无效）"),
    "product_field.negative": N_("{label}不能为负数"),
    "product_field.date": N_("{label}应为日期，如2022-11-10（“{value}”无效）"),
    "product_field.yes_no": N_("{label}请选择“是”或“否”"),
    "product_field.unknown": N_("{product}没有“{name}”这一项"),
    # payment
    "payment.unpaid": N_("检验样品须付费购买，请填写付费单"),
    "payment.amount": N_("付费金额应为数量×单价（{expected}元）"),
    "payment.price_mismatch": N_("付费单单价（{paid}元）与抽样单记录的单价（{recorded}元）不一致"),
    "payment.quantity_mismatch": N_("付费单数量（{paid}）与检验样品数量（{recorded}）不一致"),
    "payment.backup_not_free": N_("备用样品应由受检单位先行无偿提供"),
    "payment.fee_charged": N_("不得向受检单位收取任何费用"),
    "payment.invoice_issuer": N_("填写了发票号的，请同时填写开票单位"),
    # seals
    "seal.test_missing": N_("检验样品尚未封样"),
    "seal.backup_missing": N_("备用样品尚未封样"),
    "seal.blank_no": N_("封条编号不能为空"),
    "seal.duplicate_no": N_("封条编号{seal_no}重复"),
    "seal.package_count": N_("{kind}应有{required}个封样包装（当前{count}个）"),
    "storage.approval": N_("备用样品封存于受检单位须经省局批准，请填写批准文号"),
    "storage.location": N_("请填写封存地点"),
    "storage.seal": N_("封存的备用样品须在开口处加施封存标识"),
    # signatures
    "sign.samplers": N_("需要至少2名抽样人员签字（当前{count}名）"),
    "sign.party": N_("需要受检单位签字，或注明拒签情况"),
    "sign.refusal_reason": N_("请注明受检单位拒签情况"),
    # frozen records
    # tampering with the local store (app/services/integrity.py)
    "integrity.signed_altered": N_("记录{record_no}签字确认时保存的原始记录已被改动（哈希校验不符）。该记录不能打印，也不会同步；请联系省局技术支持"),
    "integrity.record_altered": N_("本机显示的记录{record_no}与签字确认时的记录（哈希{hash}…）不一致，可能被篡改。该记录不能打印；同步时只发送签字时的原始记录"),
    "integrity.reopened": N_("记录{record_no}已签字确认，但本机数据显示它又被改回“进行中”，可能被篡改。不能继续编辑或打印；请联系省局技术支持"),
    "integrity.amendments_altered": N_("记录{record_no}的更正/补充链条不完整或被改动。该记录不能打印；请联系省局技术支持"),
    "integrity.unsigned": N_("记录{record_no}显示已结束，但本机找不到签字确认时保存的原始记录，可能被篡改。该记录不能打印，也不会同步；请联系省局技术支持"),
    "integrity.outbox_altered_sent": N_("已同步的记录{record_no}在本机的副本被改动；省局收到的是签字时的原始记录"),
    "record.frozen": N_("该记录已签字确认，不能直接修改；请使用更正/补充"),
    "amendment.unconfirmed": N_("更正/补充须经受检单位签名或盖章确认"),
    "amendment.empty": N_("请填写更正内容和原因"),
    # refusal & problem
    "refusal.facts": N_("请填写拒检事实经过"),
    "refusal.evidence": N_("请附拒检证据（照片、录像或见证人）"),
    "problem.description": N_("请填写问题描述"),
    "problem.evidence": N_("请附问题证据照片"),
    "no_sample.description": N_("请填写未抽到样品的经过（过程简要描述）"),
    "no_sample.evidence": N_("请附未抽到样品的证据照片（如停业、注销公告、无库存的现场）"),
    "visit.not_in_progress": N_("本次抽样已结束"),
    "visit.step_not_reached": N_("尚未完成到这一步，请按顺序点击“下一步”"),
    "task.ended": N_("该任务的抽样已结束（{outcome}，抽样单编号{record_no}）；如确需再次抽样，请说明原因"),
    "task.cancelled": N_("该任务已被省局取消：{reason}"),
    "task.withdrawn": N_("该任务已改派给其他抽样组（原因：{reason}），不能再开始抽样"),
    "task.no_sample": N_("该任务已以“未抽到样品”结束，不能再开始抽样"),
    "task.dropped": N_("服务器已撤下该任务，不能再开始抽样"),
    # evidence store
    "photo.not_image": N_("文件不是可识别的图片：{name}"),
    "photo.truncated": N_("图片文件不完整或已损坏：{name}"),
    "value.number": N_("“{value}”不是有效的数字"),
    "value.negative": N_("数值不能为负数"),
    "value.choice": N_("“{value}”不是有效的选项"),
    "value.unknown_field": N_("未知字段：{name}"),
    "photo.heic": N_("“{name}”是HEIC/HEIF格式（苹果手机的默认格式），暂不能导入。请在手机“设置→相机→格式”中选择“兼容性最佳”后重拍，或把照片导出为JPEG后再导入"),
    # failures outside the rules (app/services/failures.py)
    "storage.disk_full": N_("磁盘空间已满，无法保存。已经保存的内容不会丢失；请删除不需要的文件、腾出空间后再试一次"),
    "storage.upgrade_failed": N_("新版本无法升级本机数据，数据已恢复为升级前的状态（备份：{backup}）。请先安装回原来的版本继续工作，并联系省局技术支持"),
    "storage.busy": N_("数据文件正被另一个程序占用，请稍后再试；如果一直出现，请关闭其他抽样助手窗口"),
    "storage.io": N_("读写磁盘时出错。请检查磁盘或存储卡是否插好后再试；详细信息已写入日志"),
    "file.gone": N_("找不到文件“{name}”：它可能已被删除、移动，或存储卡已拔出。请重新选择"),
    "file.is_folder": N_("“{name}”是一个文件夹，不是照片或视频文件"),
    "file.denied": N_("没有权限读取或写入“{name}”。请把文件复制到“图片”文件夹后再导入，或请管理员检查权限"),
    "error.unexpected": N_("操作没有完成。已经录入的内容不会丢失；请再试一次，如果仍然失败，请联系技术支持（详细信息已写入日志）"),
    "photo.too_large": N_("图片尺寸过大，无法导入：{name}。请用相机或手机的常规分辨率重新拍摄或导出后再导入"),
}

# Params naming a category, sample kind or scope carry the stable key (e.g.
# "site"); text() renders it in the language asked for, so one Problem reads
# right in Chinese and in English.
PARAM_LABELS = {"category": labels.EVIDENCE_CATEGORY, "kind": labels.SAMPLE_KIND,
                "scope": labels.SCOPE, "scopes": labels.SCOPE, "choices": {}, "outcome": labels.VISIT_STATUS}


@dataclass(frozen=True)
class Problem:
    """One thing that is wrong or missing; `field` names what to fix."""
    code: str
    field: str = ""
    params: dict = dataclasses.field(default_factory=dict, hash=False, compare=False)

    def text(self, lang: str | None = None) -> str:
        """In `lang` (default: the current language)."""
        return tr(CATALOG[self.code], lang, **self._localized_params(lang))

    def _localized_params(self, lang: str | None) -> dict:
        out = dict(self.params)
        # a product field's label comes from its sampling rule in both languages
        if "label_en" in out and normalize(lang) == "en":
            out["label"] = out["label_en"]
        for name, table in PARAM_LABELS.items():
            value = out.get(name)
            if isinstance(value, (list, tuple)):
                out[name] = tr("、", lang).join(labels.label(table, v, lang) for v in value)
            elif isinstance(value, str) and value in table:
                out[name] = labels.label(table, value, lang)
        return out

    def __str__(self) -> str:
        return self.text()


class RuleViolation(Exception):
    """Raised by services when an action breaks a rule; carries every problem
    so the UI can show them all at once."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("; ".join(p.text() for p in self.problems))

    def texts(self, lang: str | None = None) -> list[str]:
        return [p.text(lang) for p in self.problems]
