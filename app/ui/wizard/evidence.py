"""Step 3: photos of the site, the storage environment, the product label and
the stock, and those the product's sampling rule adds (the pump of a fuel,
the nameplate of an appliance…); each needs a photo or a written reason."""
from __future__ import annotations

from app.domain import rules
from app.domain.visit import EvidenceCategory, Visit
from app.domain.workflow import Step
from app.ui.i18n import tr
from app.ui.wizard.base import WizardPage, hint
from app.ui.wizard.photos import EvidencePhotos


class EvidencePage(WizardPage):
    step = Step.EVIDENCE

    def build(self) -> None:
        self.body.addWidget(hint(tr("拍摄或导入照片（可一次选择多张，或拖放到对应分类）；"
                                    "确实无法拍摄的，请填写理由。")))
        self.photos = EvidencePhotos(self.session, list(rules.EVIDENCE_AT_EVIDENCE_STEP), columns=2)
        self.body.addWidget(self.photos)

    def _categories(self) -> list[EvidenceCategory]:
        """What the services say this product's evidence step needs."""
        state = self.session.state
        return list(state.evidence_categories if state is not None else rules.EVIDENCE_AT_EVIDENCE_STEP)

    def on_load(self, visit: Visit) -> None:
        wanted = self._categories()
        if [c.value for c in wanted] != self.photos.categories:
            old = self.photos
            self.photos = EvidencePhotos(self.session, wanted, columns=2)
            self.body.replaceWidget(old, self.photos)
            old.setParent(None)
            old.deleteLater()
            self.photos.set_read_only(self.read_only)
        self.photos.load(visit)

    def on_read_only(self, ro: bool) -> None:
        self.photos.set_read_only(ro)

    def on_missing(self, fields: set[str]) -> None:
        self.photos.set_missing({f.split(".", 1)[1] for f in fields if f.startswith("evidence.")})
