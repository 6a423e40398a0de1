"""VisitWizard: the page of the visit's current step, a side bar with the
steps and their completion ticks, Back / Next, the "missing items" panel,
and 拒检 / 问题报送 / 未抽到样品 from any step. The flow and the checks come from the
domain (through app.services.visits.state); this widget only shows them.

Embed it in the main window:
    w = VisitWizard(ws, visit_id)
    w.finished.connect(lambda visit_id, status: ...)   # record frozen
    w.step_changed.connect(lambda step: ...)            # e.g. window title
    w.busy_changed.connect(lambda busy: ...)            # saving in progress
"""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QFrame, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QMessageBox,
                               QPushButton, QScrollArea, QStackedWidget, QVBoxLayout, QWidget)

from app.domain.visit import Visit
from app.domain.labels import VISIT_STATUS, label
from app.domain.workflow import ORDER, Step, step_title
from app.services import session_marker, visits
from app.services.visits import StepState
from app.services.workspace import Workspace
from app.ui.i18n import language, tr
from app.ui.wizard.amend import AmendBanner
from app.ui.wizard.arrive import ArrivePage
from app.ui.wizard.base import WizardPage
from app.ui.wizard.documents import DocumentsPage
from app.ui.wizard.evidence import EvidencePage
from app.ui.wizard.no_sample import NoSamplePage
from app.ui.wizard.party import PartyPage
from app.ui.wizard.pay import PayPage
from app.ui.wizard.problem import ProblemPage
from app.ui.wizard.refusal import RefusalPage
from app.ui.wizard.sample import SamplePage
from app.ui.wizard.seal import SealPage
from app.ui.wizard.session import VisitSession
from app.ui.wizard.sign import SignPage

PAGE_CLASSES = (ArrivePage, PartyPage, EvidencePage, SamplePage, PayPage, SealPage, SignPage,
                DocumentsPage, RefusalPage, ProblemPage, NoSamplePage)
EXIT_STEPS = (Step.REFUSAL, Step.PROBLEM, Step.NO_SAMPLE)
SIDEBAR_STEPS = ORDER + list(EXIT_STEPS)
TICK, TODO, HERE = "✔", "○", "▶"
MISSING_LINES = 3     # the missing panel shows this many items, the rest scroll: its height never changes


class VisitWizard(QWidget):
    finished = Signal(str, str)      # visit id, VisitStatus value: the record is frozen
    step_changed = Signal(str)       # Step value now shown
    busy_changed = Signal(bool)      # autosave / background work in flight

    def __init__(self, ws: Workspace, visit_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = VisitSession(ws, visit_id, self)
        self.state: StepState | None = None
        self.shown_step: Step | None = None
        self._missing_wanted = False      # show what the step reached by the step list misses
        self.finish_box: QMessageBox | None = None
        self.pages: dict[Step, WizardPage] = {}
        self.stack = QStackedWidget()
        for cls in PAGE_CLASSES:
            page = cls(self.session)
            self.pages[cls.step] = page
            self.stack.addWidget(page)
        self._build()
        s = self.session
        s.state_changed.connect(self._on_state)
        s.saved.connect(self._on_saved)
        s.refused.connect(self._on_refused)
        s.finished.connect(lambda v: self.finished.emit(v.id, v.status.value))
        s.busy_changed.connect(self._on_busy)
        self._note_open(ws.data_dir, visit_id)
        s.refresh()

    def _note_open(self, data_dir, visit_id: str) -> None:
        """The session marker names this visit while its wizard lives, so a
        crash is followed by a prompt about it (a tiny write, off this thread)."""
        session_marker.visit_opened(data_dir, visit_id)
        self.session.finished.connect(lambda v: session_marker.visit_closed(data_dir, v.id))
        self.destroyed.connect(lambda *_: session_marker.visit_closed(data_dir, visit_id))

    # --- layout ------------------------------------------------------------
    def _build(self) -> None:
        self.header = QLabel()
        self.header.setObjectName("header")
        self.header.setWordWrap(True)
        self.header.setStyleSheet("color: #37474f;")
        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setFixedWidth(270)
        self.sidebar.setWordWrap(True)
        self.sidebar.setSpacing(2)
        self.sidebar.itemClicked.connect(self._sidebar_clicked)
        self.banner = AmendBanner(self.session)
        self.banner.setVisible(False)
        self.missing = QFrame()
        self.missing.setObjectName("missing_panel")
        self.missing.setStyleSheet("#missing_panel { border: 2px solid #c62828; border-radius: 6px;"
                                   " background: #ffebee; }")
        ml = QVBoxLayout(self.missing)
        ml.setContentsMargins(10, 6, 6, 6)
        ml.setSpacing(2)
        self.missing_title = QLabel()
        self.missing_title.setObjectName("missing_title")
        self.missing_title.setStyleSheet("font-weight: bold; color: #c62828; border: none;")
        self.missing_list = QLabel()
        self.missing_list.setObjectName("missing_list")
        self.missing_list.setWordWrap(True)
        self.missing_list.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.missing_list.setStyleSheet("border: none; background: transparent;")
        self.missing_scroll = QScrollArea()
        self.missing_scroll.setWidgetResizable(True)
        self.missing_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.missing_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.missing_scroll.setStyleSheet("QScrollArea, QScrollArea > QWidget > QWidget { background: transparent; }")
        self.missing_scroll.setWidget(self.missing_list)
        ml.addWidget(self.missing_title)
        ml.addWidget(self.missing_scroll, 1)
        # Fixed height: fixing an item must not move the form or the buttons.
        fm = self.missing_list.fontMetrics()
        self.missing.setFixedHeight(fm.lineSpacing() * (MISSING_LINES + 1) + 2 * ml.spacing() + 16)
        self.missing.setVisible(False)

        self.refusal_button = QPushButton(tr("拒检"))
        self.refusal_button.setObjectName("open_refusal")
        self.refusal_button.clicked.connect(lambda: self._open_exit(Step.REFUSAL))
        self.problem_button = QPushButton(tr("问题报送"))
        self.problem_button.setObjectName("open_problem")
        self.problem_button.clicked.connect(lambda: self._open_exit(Step.PROBLEM))
        self.no_sample_button = QPushButton(tr("未抽到样品"))
        self.no_sample_button.setObjectName("open_no_sample")
        self.no_sample_button.clicked.connect(lambda: self._open_exit(Step.NO_SAMPLE))
        self.saving = QLabel()
        self.saving.setObjectName("saving")
        self.saving.setStyleSheet("color: #607d8b;")
        self.back_button = QPushButton(tr("上一步"))
        self.back_button.setObjectName("back")
        self.back_button.clicked.connect(self.go_back)
        self.next_button = QPushButton(tr("下一步"))
        self.next_button.setObjectName("next")
        self.next_button.setProperty("primary", True)
        self.next_button.setMinimumWidth(140)
        self.next_button.clicked.connect(self.go_next)
        buttons = QHBoxLayout()
        buttons.addWidget(self.refusal_button)
        buttons.addWidget(self.problem_button)
        buttons.addWidget(self.no_sample_button)
        buttons.addStretch(1)
        buttons.addWidget(self.saving)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)

        main = QVBoxLayout()
        main.addWidget(self.header)
        main.addWidget(self.banner)
        main.addWidget(self.stack, 1)
        main.addWidget(self.missing)
        main.addLayout(buttons)
        lay = QHBoxLayout(self)
        lay.addWidget(self.sidebar)
        lay.addLayout(main, 1)

    # --- state from the services ------------------------------------------
    @property
    def page(self) -> WizardPage:
        return self.stack.currentWidget()

    def _on_state(self, st: StepState) -> None:
        first = self.state is None
        self.state = st
        v = st.visit
        if first or st.step != self.shown_step:
            self._show_page(st.step, v)
        frozen = v.frozen
        for page in self.pages.values():
            if page.read_only != frozen:
                page.visit = v          # e.g. the documents page: printable once signed
                page.set_read_only(frozen)
        self._update_header(v)
        self._update_sidebar(st)
        self.banner.show_visit(v, st.integrity)
        self.banner.setVisible(frozen)
        on_exit = st.step in EXIT_STEPS
        for b in (self.refusal_button, self.problem_button, self.no_sample_button):
            b.setVisible(not frozen)
            b.setEnabled(not on_exit)
        self.back_button.setVisible(not frozen)
        self.next_button.setVisible(not frozen)
        self.back_button.setEnabled(st.can_go_back)
        self.next_button.setText(tr("完成") if st.is_last else tr("下一步"))
        if self._missing_wanted or not self.missing.isHidden():
            self._missing_wanted = False
            self._show_missing(st.missing)

    def _show_page(self, step: Step, visit: Visit) -> None:
        self.shown_step = step
        page = self.pages[step]
        page.load(visit)
        self.stack.setCurrentWidget(page)
        self.missing.setVisible(False)
        self.step_changed.emit(step.value)

    def _on_saved(self, visit: Visit) -> None:
        self.page.saved(visit)

    def _update_header(self, v: Visit) -> None:
        self.header.setText(tr("抽样单编号 {no}　·　{party}　·　{product}　·　{status}", no=v.record_no,
                               party=v.party.name, product=v.sample.product or "—",
                               status=label(VISIT_STATUS, v.status)))

    def _update_sidebar(self, st: StepState) -> None:
        # A tick: completed with Next and still complete (StepState.progress);
        # going back keeps it, a step never visited never gets one.
        done = dict(st.progress)
        frozen = st.visit.frozen
        self.sidebar.clear()
        for step in SIDEBAR_STEPS:
            if step not in ORDER and step != st.step:
                continue            # an exit shows only while it is open
            if step in ORDER:
                mark = HERE if step == st.step else (TICK if done.get(step) else TODO)
                text = f"{mark}  {step.number}. {step_title(step)}"
            else:
                text = f"{HERE}  {step_title(step)}"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, step.value)
            if not (frozen or step == st.step or step in st.reachable):
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)   # not reachable from here
            if step == st.step:
                f = item.font()
                f.setBold(True)
                item.setFont(f)
            self.sidebar.addItem(item)

    def sidebar_marks(self) -> dict[str, str]:
        """Step value -> its mark (✔ done, ○ not yet, ▶ current): for tests."""
        out = {}
        for i in range(self.sidebar.count()):
            item = self.sidebar.item(i)
            out[item.data(Qt.ItemDataRole.UserRole)] = item.text().split()[0]
        return out

    def _sidebar_clicked(self, item: QListWidgetItem) -> None:
        """A frozen visit can be browsed page by page; an open one opens a
        step done before by the rules of 上一步 / 下一步 (going forward stops
        at a step that is no longer complete, showing what it misses)."""
        if self.state is None:
            return
        step = Step(item.data(Qt.ItemDataRole.UserRole))
        if self.state.visit.frozen:
            page = self.pages[step]
            page.load(self.state.visit)
            self.stack.setCurrentWidget(page)
            return
        if step == self.state.step or step not in self.state.reachable:
            return
        self.page.flush()
        self.session.go_to(step, reached=lambda at: setattr(self, "_missing_wanted", at != step))

    # --- actions -------------------------------------------------------------
    def go_next(self) -> None:
        if self.state is None or self.state.visit.frozen:
            return
        self.page.flush()
        if self.state.is_last:
            # Ask for the confirmation only when nothing is missing any more
            # (checked after the flush above has been saved).
            self.session.run_db(visits.missing, ok=self._finish_checked)
        else:
            self.session.advance()

    def _finish_answered(self, confirmed: bool) -> None:
        self.finish_box = None
        if confirmed:
            self.session.finish()

    def _finish_checked(self, problems) -> None:
        if problems:
            self._show_missing(problems)
        else:
            self.confirm_finish()

    def confirm_finish(self) -> QMessageBox:
        """完成 freezes the record: say so, and let the sampler go back."""
        step = self.state.step
        text = {Step.REFUSAL: tr("确认完成后，本次抽样以拒检结束：拒检认定表冻结，不能再修改，等待同步报送省局。"),
                Step.PROBLEM: tr("确认完成后，本次抽样以问题报送结束：问题报送单冻结，不能再修改，等待同步报送省局。")}.get(
            step, tr("确认完成后，抽样记录即签字生效并冻结，生成记录哈希；之后只能通过“更正/补充”修改，"
                     "且须受检单位签字确认。"))
        box = QMessageBox(QMessageBox.Icon.Question, tr("确认完成"), text, QMessageBox.StandardButton.NoButton, self)
        box.setObjectName("finish_confirm")
        box.setInformativeText(tr("请确认各项内容和签字无误。"))
        ok = box.addButton(tr("确认完成"), QMessageBox.ButtonRole.AcceptRole)
        back = box.addButton(tr("返回检查"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(back)          # Enter alone does not freeze a record
        box.setEscapeButton(back)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.finished.connect(lambda _r: self._finish_answered(box.clickedButton() is ok))
        box.confirm_button, box.back_button = ok, back      # for tests
        self.finish_box = box
        box.open()
        return box

    def go_back(self) -> None:
        if self.state is None or not self.state.can_go_back:
            return
        self.page.flush()
        self.session.back()

    def _open_exit(self, step: Step) -> None:
        self.page.flush()
        self.session.open_exit(step)

    def _on_refused(self, error) -> None:
        self._show_missing(error.problems)

    def _show_missing(self, problems) -> None:
        self.page.show_missing(problems)
        if not problems:
            self.missing.setVisible(False)
            return
        # Not only missing things: a wrong credit code is listed here too.
        self.missing_title.setText(tr("还不能继续，请先处理以下{n}项：", n=len(problems)))
        self.missing_list.setText("\n".join(f"• {p.text(language())}" for p in problems))
        self.missing.setVisible(True)

    def missing_texts(self) -> list[str]:
        if self.missing.isHidden():
            return []
        return [line[2:] for line in self.missing_list.text().splitlines()]

    def _on_busy(self, busy: bool) -> None:
        self.saving.setText(tr("正在保存…") if busy else tr("已自动保存"))
        self.busy_changed.emit(busy)

    def is_idle(self) -> bool:
        return not self.session.busy
