"""Step 7: both samplers and the party sign (mouse, touch or pen). The party
may refuse: the refusal is written down and a witness may sign. A drawn
signature is saved shortly after the last stroke, and before Next."""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from app.domain.visit import SignerRole, Visit
from app.domain.workflow import Step
from app.services import signing
from app.ui.i18n import language, tr
from app.ui.signature_pad import SignaturePad, SignatureResult
from app.ui.wizard.base import WizardPage, hint

SAVE_DELAY_MS = 1200


@dataclass
class Signer:
    role: SignerRole
    ref: str                     # sampler id; "" for the party (its name is used)
    pad: SignaturePad
    status: QLabel
    timer: QTimer
    last: SignatureResult | None = None


def load_signatures(ws, visit: Visit) -> dict[tuple[str, str], SignatureResult]:
    """Worker side: the saved signatures with their PNGs from the store."""
    out = {}
    for s in visit.signatures:
        out[(s.role.value, s.signer_ref)] = SignatureResult(s.name, "", ws.evidence.read(s.image_sha256))
    r = visit.sign_refusal
    if r is not None:
        png = ws.evidence.read(r.witness_signature_sha256) if r.witness_signature_sha256 else None
        out[("party", "")] = SignatureResult("", "", None, True, r.reason, r.witness_name, r.witness_id_no, png)
    return out


class SignPage(WizardPage):
    step = Step.SIGN

    def build(self) -> None:
        self.body.addWidget(hint(tr("抽样人员和受检单位在抽样单、付费单和封条上签字确认。"
                                    "受检单位拒绝签字的，注明拒签情况，可由见证人签字。")))
        self.pads_box = QWidget()
        self.grid = QGridLayout(self.pads_box)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.body.addWidget(self.pads_box)
        self.signers: list[Signer] = []

    def _signer(self, role: SignerRole, ref: str, title: str, name: str, role_text: str) -> Signer:
        box = QGroupBox(title)
        lay = QVBoxLayout(box)
        party = role == SignerRole.PARTY
        pad = SignaturePad(roles=[role_text], allow_refusal=party)
        pad.setObjectName(f"pad.{role.value}.{ref or 'party'}")
        pad.set_signer(name, role_text)
        status = QLabel(tr("未签字"))
        status.setObjectName(f"status.{role.value}.{ref or 'party'}")
        lay.addWidget(pad, 1)
        lay.addWidget(status)
        timer = QTimer(self, singleShot=True, interval=SAVE_DELAY_MS)
        s = Signer(role, ref, pad, status, timer)
        timer.timeout.connect(lambda: self._save(s))
        pad.changed.connect(timer.start)
        self.signers.append(s)
        return box

    def on_load(self, visit: Visit) -> None:
        while self.grid.count():
            old = self.grid.takeAt(0).widget()
            old.setParent(None)
            old.deleteLater()
        self.signers = []
        # Everyone who signs side by side (three to a row, two when there are
        # four or more): every pad on screen at 1366x768, none below the fold.
        boxes = [self._signer(SignerRole.SAMPLER, m.sampler_id, tr("抽样人员：{name}", name=m.name),
                              m.name, tr("抽样人员")) for m in visit.present_team()]
        boxes.append(self._signer(SignerRole.PARTY, "", tr("受检单位：{name}", name=visit.party.name),
                                  visit.party.contact or visit.party.legal_representative, tr("受检单位负责人")))
        cols = len(boxes) if len(boxes) <= 3 else 2
        for i, box in enumerate(boxes):
            self.grid.addWidget(box, *divmod(i, cols))
        for c in range(3):
            self.grid.setColumnStretch(c, 1 if c < cols else 0)
        self.on_read_only(self.read_only)
        self.session.run_bg(load_signatures, self.session.ws, visit, ok=self._show_saved)

    def _show_saved(self, saved: dict[tuple[str, str], SignatureResult]) -> None:
        for s in self.signers:
            r = saved.get((s.role.value, s.ref or ""))
            if r is None and s.role == SignerRole.PARTY:
                r = next((v for (role, _ref), v in saved.items() if role == "party"), None)
            if r is None:
                continue
            name = r.signer_name or s.pad.name_edit.text()
            r.signer_name, r.role = name, s.pad.role_combo.currentText()
            s.pad.blockSignals(True)
            s.pad.load(r)
            s.pad.blockSignals(False)
            s.last = s.pad.result()
            self._set_status(s, tr("拒绝签字（已记录）") if r.refused else tr("已签字"))

    @staticmethod
    def _set_status(s: Signer, text: str, ok: bool = True) -> None:
        s.status.setText(("✔ " if ok else "") + text)
        s.status.setStyleSheet(f"color: {'#2e7d32' if ok else '#c62828'}; font-weight: bold;")

    def _save(self, s: Signer) -> None:
        s.timer.stop()
        r = s.pad.result()
        if r == s.last or (not r.refused and r.png is None):
            return
        s.last = r
        ok = lambda _res: self._set_status(s, tr("拒绝签字（已记录）") if r.refused else tr("已签字"))  # noqa: E731
        fail = lambda e: self._set_status(s, "\n".join(e.texts(language())), ok=False)  # noqa: E731
        if r.refused:
            self.session.run_db(signing.refuse_to_sign, reason=r.refusal_reason, witness_name=r.witness_name,
                                witness_id_no=r.witness_id, witness_png=r.witness_png, ok=ok, fail=fail)
        else:
            self.session.run_db(signing.sign, role=s.role, name=r.signer_name, png=r.png,
                                signer_ref=s.ref, ok=ok, fail=fail)

    def flush_extra(self) -> None:
        for s in self.signers:
            self._save(s)

    def on_read_only(self, ro: bool) -> None:
        for s in self.signers:
            s.pad.setEnabled(not ro)
