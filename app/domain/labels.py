"""The words that name the domain's codes, each written once. The values
are the Chinese catalogue keys (app.domain.i18n): label(SCOPE, s) shows one
in the current language, label(SCOPE, s, "en") in English, and the official
forms, which print in Chinese, read the table values as they are.
Keys are the codes' string values; str enums look them up as well."""
from __future__ import annotations

from app.domain.i18n import N_, tr

# 抽查范围 / 抽样领域: where a product may be sampled.
SCOPE = {"producer": N_("生产者"), "seller": N_("销售者"), "gas_station": N_("加油站")}
# The sampling form's 抽样领域 boxes use the official form's own words.
SCOPE_ON_FORM = {"producer": "生产", "seller": "流通", "gas_station": "加油站"}  # i18n: printed on the form

EVIDENCE_CATEGORY = {
    "site": N_("抽样场所"), "storage": N_("贮存环境"), "label": N_("产品标识"), "stock": N_("库存数量"),
    "sampling": N_("抽样过程"), "sealed": N_("封样状态"), "on_site_storage": N_("封存状态"),
    # what a product's sampling rule may add (required_photos)
    "pump": N_("加油机及油枪（牌号、单价）"), "delivery": N_("进货/进罐凭证"),
    "nameplate": N_("铭牌及型号规格"), "certificate": N_("认证标志/证书"),
    "prescription": N_("验光处方/加工单"), "care_label": N_("耐久性标签/吊牌"),
    "refusal": N_("拒检证据"), "problem": N_("问题证据"), "no_sample": N_("未抽到样品证据"), "other": N_("其他"),
}

SAMPLE_KIND = {"test": N_("检验样品"), "backup": N_("备用样品")}

PRICE_BASIS = {"marked": N_("标价"), "market": N_("同类产品市场价")}

REFUSAL_SITUATION = {
    "refuse_sampling": N_("拒绝抽样"), "obstruct": N_("阻碍抽样"),
    "unreasonable_price": N_("以明显不合理的样品价格等方式不配合"), "other": N_("其他"),
}

PROBLEM_TYPE = {"unlicensed": N_("无证无照"), "other_illegal": N_("其他无需检验即可判定违法的情形")}

# 未抽样原因 (the no-sample statement's boxes use these words too)
NO_SAMPLE_REASON = {
    "closed": N_("倒闭"), "deregistered": N_("注销"), "stopped": N_("停产"), "changed": N_("转产"),
    "export_only": N_("全部用于出口"), "no_stock": N_("无该产品库存"), "other": N_("其他"),
}

# One vocabulary for a visit wherever it is shown (wizard header, home
# screen lists, recovery prompt): the words a sampler uses for it.
VISIT_STATUS = {
    "in_progress": N_("抽样中"), "finished": N_("已完成"), "refused": N_("已拒检"),
    "problem_reported": N_("已报送问题"), "no_sample": N_("未抽到样品"), "abandoned": N_("已终止（任务取消）"),
}

# A task's own status, in the same words as its visit (a cancelled task is
# shown with the server's reason instead).
TASK_STATUS = {"assigned": N_("待抽样"), "in_progress": VISIT_STATUS["in_progress"],
               "done": VISIT_STATUS["finished"], "no_sample": N_("未抽到样品（已结束）")}


def label(table: dict[str, str], key: str, lang: str | None = None) -> str:
    """The word for `key` in `lang` (default: the current language); an
    unknown key is shown as it is rather than failing."""
    value = getattr(key, "value", key)
    return tr(table[value], lang) if value in table else str(value)
