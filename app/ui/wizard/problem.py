"""Exit: the party is plainly illegal without testing (e.g. unlicensed):
sampling stops and a problem report goes to the province and the local
bureaus."""
from __future__ import annotations

from app.domain.visit import EvidenceCategory, ProblemReport, Visit
from app.domain.workflow import Step
from app.services.documents import DocumentKind
from app.ui.i18n import tr
from app.ui.wizard.base import WizardPage, hint
from app.ui.wizard.doc_actions import DocumentActions, action_buttons
from app.ui.wizard.fields import form_group
from app.ui.wizard.labels import problem_types
from app.ui.wizard.photos import EvidencePhotos

class ProblemPage(WizardPage):
    step = Step.PROBLEM

    def build(self) -> None:
        b = self.binder
        self.body.addWidget(hint(tr("发现受检单位存在无证无照等无需检验即可判定违法的情形，应终止抽样，"
                                    "填写问题报送单并附证据，报送省局和当地市场监管部门。"
                                    "点击“完成”后本次抽样以问题报送结束。")))
        self.body.addWidget(form_group(tr("问题报送单"), [
            (tr("问题类型"), b.combo("problem.problem_type", problem_types(), default_first=True)),
            (tr("问题描述"), b.text("problem.description", tr("看到的情况，例如未能出示的证照"))),
            (tr("证据说明"), b.text("problem.evidence_note", "", 64)),
            (tr("处理情况"), b.line("problem.handling")),
            (tr("报送单位"), b.line("problem.receivers")),
        ], columns=1))
        self.actions = DocumentActions(self.session, self)
        self.body.addWidget(action_buttons(self.actions, DocumentKind.PROBLEM_REPORT))
        self.photos = EvidencePhotos(self.session, [EvidenceCategory.PROBLEM])
        self.body.addWidget(self.photos)

    def on_load(self, visit: Visit) -> None:
        if visit.problem is None:
            self.binder.widget("problem.handling").setPlaceholderText(ProblemReport().handling)
        self.photos.load(visit)

    def on_saved(self, visit: Visit) -> None:
        p = visit.problem
        if p is not None:
            for key, value in (("problem.handling", p.handling), ("problem.receivers", p.receivers)):
                w = self.binder.widget(key)
                if not w.text():
                    w.setText(value)
                    self.binder.bindings[key].last = value

    def on_read_only(self, ro: bool) -> None:
        self.photos.set_read_only(ro)

    def on_missing(self, fields: set[str]) -> None:
        self.photos.set_missing({"problem"} if "evidence.problem" in fields else set())
