"""The bar at the top of the home screen while a visit is unfinished: where
it stopped, and 继续抽样 to reopen it in one click (after a normal start as
after a crash; the crash also gets the prompt of recovery.py)."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton

from app.services.overview import ResumePoint
from app.ui.i18n import language, tr
from app.ui.theme import ACCENT


def resume_text(point: ResumePoint, others: int) -> str:
    v = point.visit
    where = (tr("第{n}步「{title}」", n=point.number, title=point.title(language())) if point.number
             else tr("「{title}」", title=point.title(language())))
    text = tr("未完成的抽样：{party}（{product}），停在{where}。", party=v.party_name or v.record_no,
              product=v.product or "—", where=where)
    return text + (tr("另有{k}个见“进行中的抽样”。", k=others) if others else "")


class ResumeBar(QFrame):
    resume = Signal(str)        # visit id

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("resume_bar")
        self.setStyleSheet(f"#resume_bar {{ background: #e3f2fd; border: 1px solid {ACCENT}; border-radius: 6px; }}")
        self.text = QLabel()
        self.text.setObjectName("resume_text")
        self.text.setWordWrap(True)
        self.text.setStyleSheet("border: none;")
        self.button = QPushButton(tr("继续抽样"))
        self.button.setObjectName("resume_button")
        self.button.setProperty("primary", True)
        self.button.clicked.connect(lambda: self.visit_id and self.resume.emit(self.visit_id))
        lay = QHBoxLayout(self)
        lay.setContentsMargins(10, 4, 6, 4)
        lay.addWidget(self.text, 1)
        lay.addWidget(self.button)
        self.visit_id = ""
        self.setVisible(False)

    def show_points(self, points: list[ResumePoint]) -> None:
        """points: the unfinished visits, the most recently saved first."""
        if not points:
            self.visit_id = ""
            self.setVisible(False)
            return
        self.visit_id = points[0].visit.id
        self.text.setText(resume_text(points[0], len(points) - 1))
        self.setVisible(True)
