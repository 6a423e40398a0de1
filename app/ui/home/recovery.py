"""The start-up prompt for a visit left unfinished when the last session
ended abnormally (a crash, a flat battery, a killed process; see
app.services.session_marker): continue it now, or later from the list.
After a clean quit unfinished visits are only listed as in progress."""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from app.services.overview import ResumePoint
from app.ui.i18n import language, tr


def prompt_text(point: ResumePoint) -> str:
    party = point.visit.party_name or point.visit.record_no
    title = point.title(language())
    if point.number:
        return tr("上次有未完成的抽样：{party}，停在第{n}步「{title}」。继续吗？",
                  party=party, n=point.number, title=title)
    return tr("上次有未完成的抽样：{party}，停在「{title}」。继续吗？", party=party, title=title)


def ask_to_resume(parent: QWidget, points: list[ResumePoint],
                  on_continue: Callable[[str], None]) -> QMessageBox:
    """A non-blocking box about the most recent unfinished visit (points are
    newest first); the others stay in the list of visits in progress."""
    point = points[0]
    box = QMessageBox(parent)
    box.setObjectName("recovery_prompt")
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(tr("继续未完成的抽样"))
    box.setText(prompt_text(point))
    details = [tr("抽样单编号：{no}", no=point.visit.record_no)]
    if len(points) > 1:
        details.append(tr("另有{k}个未完成的抽样，见“进行中的抽样”列表。", k=len(points) - 1))
    box.setInformativeText("\n".join(details))
    go = box.addButton(tr("继续"), QMessageBox.ButtonRole.AcceptRole)
    later = box.addButton(tr("稍后"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(go)
    box.setEscapeButton(later)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    visit_id = point.visit.id

    def done(_result: int) -> None:
        if box.clickedButton() is go:
            on_continue(visit_id)
    box.finished.connect(done)
    box.continue_button, box.later_button = go, later  # for tests
    box.open()
    return box
