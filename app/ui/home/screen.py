"""The "tasks" screen: the sampler's day. Today's tasks, visits in progress,
ended visits waiting to sync with their e-CQS deadline, the plan's progress,
and a search over all visits. All reads go through DbOp; the screen only
emits which task or visit to open (the lead wires these to the wizard)."""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QPushButton, QStackedWidget, QTableView, QVBoxLayout, QWidget)

from app.domain.deadline import DeadlineState
from app.domain.entities import TaskStatus
from app.domain.visit import VisitStatus
from app.services import overview
from app.services.overview import HomeData
from app.services.workspace import Workspace
from app.ui.home import columns
from app.ui.home.models import PAGE, RowsModel
from app.ui.home.recovery import ask_to_resume
from app.ui.home.restart import ask_restart
from app.ui.home.resume import ResumeBar
from app.ui.i18n import tr
from app.ui.ops import DbOp
from app.ui.theme import MIN_TARGET

ROW_HEIGHT = 38       # touch-friendly rows
SEARCH_DELAY_MS = 250  # wait for the typing to pause
REFRESH_MS = 60_000    # deadlines turn red while the screen is open


def make_table(model: RowsModel, name: str, row_height: int = ROW_HEIGHT) -> QTableView:
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    vh = view.verticalHeader()
    vh.hide()
    vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    vh.setDefaultSectionSize(row_height)
    hh = view.horizontalHeader()
    hh.setHighlightSections(False)
    hh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    hh.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # the name takes what is left
    return view


def fit_columns(view: QTableView, ems: tuple[float, ...]) -> None:
    """Columns 1.. as wide as a typical value (`ems` wide: one em is about
    one Chinese character) or their header in the current language; no
    need to measure thousands of rows."""
    em = view.fontMetrics().horizontalAdvance(chr(0x4E2D))  # one CJK character
    hfm = view.horizontalHeader().fontMetrics()
    model = view.model()
    for col, n in enumerate(ems, start=1):
        header = model.headerData(col, Qt.Orientation.Horizontal) or ""
        view.setColumnWidth(col, int(max(n * em, hfm.horizontalAdvance(header))) + 28)


class Section(QWidget):
    """A titled list with one action button and an empty-state line."""
    emptied = Signal(bool)         # the list became empty (True) or got rows

    def __init__(self, title: str, model: RowsModel, name: str, button: str = "",
                 empty: str = "", ems: tuple[float, ...] = (), row_height: int = ROW_HEIGHT) -> None:
        super().__init__()
        self.model = model
        self.title = QLabel(title)
        self.title.setObjectName(f"{name}_title")
        self.title.setStyleSheet("font-weight: bold; font-size: 13pt;")
        self.title.setMinimumHeight(MIN_TARGET + 8)  # level with a neighbour's button
        self.note = QLabel()
        self.note.setStyleSheet("color: #607d8b;")
        self.button = QPushButton(button) if button else None
        head = QHBoxLayout()
        head.setContentsMargins(0, 0, 0, 0)
        head.addWidget(self.title)
        head.addWidget(self.note, 1)
        if self.button is not None:
            self.button.setEnabled(False)
            head.addWidget(self.button)
        self.view = make_table(model, name, row_height)
        fit_columns(self.view, ems)
        self.empty = QLabel(empty)
        self.empty.setStyleSheet("color: #90a4ae; padding: 4px;")
        self.empty.setVisible(False)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 4, 0, 4)
        lay.setSpacing(4)
        lay.addLayout(head)
        lay.addWidget(self.empty)
        lay.addWidget(self.view, 1)
        model.modelReset.connect(self._update_empty)
        model.rowsInserted.connect(self._update_empty)
        if self.button is not None:
            self.view.selectionModel().selectionChanged.connect(self._update_button)
            model.modelReset.connect(self._update_button)

    def selected(self):
        rows = self.view.selectionModel().selectedRows()
        return self.model.row_at(rows[0]) if rows else None

    def _update_empty(self, *_a) -> None:
        empty = self.model.rowCount() == 0
        self.empty.setVisible(empty and bool(self.empty.text()))
        # An empty list shows its one line, not a blank table: the room goes
        # to the lists that have rows (the day's tasks, at 1366x768).
        self.view.setVisible(not empty or not self.empty.text())
        self.emptied.emit(empty)

    def _update_button(self, *_a) -> None:
        self.button.setEnabled(self.selected() is not None and self._can_act(self.selected()))

    _can_act = staticmethod(lambda row: True)


class HomeScreen(QWidget):
    open_task = Signal(str)        # start a new visit for this task
    restart_task = Signal(str, str)  # a new visit on a task whose visit ended: task id, reason
    continue_visit = Signal(str)   # resume an unfinished visit where it stopped
    open_visit = Signal(str)       # show an ended visit (read-only)
    loaded = Signal()              # the lists show the newest data
    searched = Signal(str)         # the results of this search are shown

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("home_screen")
        self.ws: Workspace | None = None
        self.plan_id = ""
        self.data: HomeData | None = None
        self._prompt_pending = False
        self._prefer: str | None = None
        self._search_gen = 0
        self.recovery_box = None
        self.restart_box = None
        self.resume_bar = ResumeBar()
        self.resume_bar.resume.connect(self.continue_visit.emit)

        self.search_box = QLineEdit()
        self.search_box.setObjectName("visit_search")
        self.search_box.setPlaceholderText(tr("搜索抽样记录：受检单位名称或抽样单编号"))
        self.search_box.setClearButtonEnabled(True)
        self.refresh_button = QPushButton(tr("刷新"))
        self.status_label = QLabel(tr("正在读取本机数据…"))
        self.status_label.setStyleSheet("color: #607d8b;")
        # Shown only when the data folder's disk has less room than a day of
        # photos needs: better told at the hotel than on the forecourt.
        self.disk_label = QLabel()
        self.disk_label.setObjectName("disk_low")
        self.disk_label.setWordWrap(True)
        self.disk_label.setStyleSheet("color: #b71c1c; font-weight: bold;")
        self.disk_label.setVisible(False)
        top = QHBoxLayout()
        top.addWidget(self.search_box, 1)
        top.addWidget(self.refresh_button)

        self.tasks = Section(tr("今日任务"), columns.tasks_model(self), "tasks_view", tr("开始抽样"),
                             tr("暂无任务。连接网络后同步即可收到任务。"),
                             (7, 5, 6, 9))
        self.tasks._can_act = lambda t: not t.closed
        self.tasks.button.setObjectName("start_task")
        self.running = Section(tr("进行中的抽样"), columns.in_progress_model(self), "in_progress_view",
                               tr("继续抽样"), tr("没有未完成的抽样。"),
                               (7, 10, 6))
        self.awaiting = Section(tr("待同步"), columns.awaiting_model(self), "awaiting_view", tr("查看"),
                                tr("没有待同步的记录。"),
                                (7, 6.5, 11, 12.5))
        self.progress = Section(tr("计划进度"), columns.progress_model(self), "progress_view",
                                empty=tr("尚未载入抽查计划。"), ems=(2, 2, 2.5, 2), row_height=30)
        self.awaiting.note.setText(tr("抽样次日24时前须录入e-CQS"))

        left = QVBoxLayout()
        left.addWidget(self.tasks, 5)
        left.addWidget(self.running, 2)
        left.addWidget(self.awaiting, 3)
        for section, share in ((self.running, 2), (self.awaiting, 3)):
            section.emptied.connect(lambda empty, sec=section, n=share: left.setStretchFactor(sec, 0 if empty else n))
        overview_page = QWidget()
        cols = QHBoxLayout(overview_page)
        cols.setContentsMargins(0, 0, 0, 0)
        cols.setSpacing(16)
        cols.addLayout(left, 13)
        cols.addWidget(self.progress, 7)

        self.results = Section(tr("搜索结果"), columns.search_model(self), "search_view", tr("打开"),
                               tr("没有找到匹配的抽样记录。"),
                               (7, 4, 6, 12.5))
        self.pages = QStackedWidget()
        self.pages.addWidget(overview_page)
        self.pages.addWidget(self.results)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 8, 12, 4)
        lay.addLayout(top)
        lay.addWidget(self.resume_bar)
        lay.addWidget(self.status_label)
        lay.addWidget(self.disk_label)
        lay.addWidget(self.pages, 1)

        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.run_search)
        self._refresh_timer = QTimer(self, interval=REFRESH_MS)
        self._refresh_timer.timeout.connect(self.refresh)
        self.search_box.textChanged.connect(self._search_changed)
        self.search_box.returnPressed.connect(self.run_search)
        self.refresh_button.clicked.connect(self.refresh)
        self.tasks.button.clicked.connect(lambda: self._activate_task(self.tasks.selected()))
        self.tasks.view.activated.connect(lambda i: self._activate_task(self.tasks.model.row_at(i)))
        self.running.button.clicked.connect(lambda: self._activate_visit(self.running.selected()))
        self.running.view.activated.connect(lambda i: self._activate_visit(self.running.model.row_at(i)))
        self.awaiting.button.clicked.connect(lambda: self._activate_awaiting(self.awaiting.selected()))
        self.awaiting.view.activated.connect(lambda i: self._activate_awaiting(self.awaiting.model.row_at(i)))
        self.results.button.clicked.connect(lambda: self._activate_visit(self.results.selected()))
        self.results.view.activated.connect(lambda i: self._activate_visit(self.results.model.row_at(i)))
        self.results.model.page_loaded.connect(self._update_results_note)

    # --- data -------------------------------------------------------------
    def set_workspace(self, ws: Workspace, plan_id: str = "", *, prompt_recovery: bool = True,
                      prefer: str | None = None) -> None:
        """Show this workspace. prompt_recovery (the last session crashed):
        offer to continue an unfinished visit, `prefer` (the one that was open
        in the wizard) if it is still unfinished, else the newest."""
        self.ws, self.plan_id = ws, plan_id
        self._prompt_pending = prompt_recovery
        self._prefer = prefer
        self._refresh_timer.start()
        self.refresh()

    def refresh(self) -> None:
        if self.ws is None:
            return
        DbOp(overview.home, self.ws, self.plan_id).success(self._show).parent(self).run_in_background()
        if self.search_box.text().strip():
            self.run_search()

    def _show(self, data: HomeData) -> None:
        self.data = data
        ws = self.ws
        self.tasks.model.set_rows(data.tasks)
        self.running.model.set_rows(data.in_progress)
        self.awaiting.model.reset(lambda off, n: overview.awaiting_sync(ws, limit=n, offset=off), data.awaiting)
        self.progress.model.set_rows(data.progress)
        self.resume_bar.show_points(data.resume)
        self.awaiting.title.setText(tr("待同步（{n}）", n=data.awaiting_total))
        self.running.title.setText(tr("进行中的抽样（{n}）", n=len(data.in_progress)))
        late = sum(1 for a in data.awaiting if a.state == DeadlineState.OVERDUE)
        self.status_label.setText(tr("共{tasks}个任务，{running}个抽样进行中，{waiting}条待同步",
                                     tasks=len(data.tasks), running=len(data.in_progress),
                                     waiting=data.awaiting_total)
                                  + (tr("；{late}条已超过录入期限", late=late) if late else ""))
        self.disk_label.setVisible(data.disk_low)
        if data.disk_low:
            self.disk_label.setText(tr("磁盘空间不足：数据文件夹所在磁盘仅剩 {free}，一天的照片约需 {need}。"
                                       "请先清理磁盘（删除不需要的文件），以免现场无法保存照片。",
                                       free=_gb(data.disk_free), need=_gb(data.disk_need)))
        self.loaded.emit()
        if self._prompt_pending:
            self._prompt_pending = False
            if data.resume:
                points = sorted(data.resume, key=lambda p: p.visit.id != self._prefer)  # stable
                self.recovery_box = ask_to_resume(self, points, self.continue_visit.emit)
                self.recovery_box.finished.connect(lambda _r: setattr(self, "recovery_box", None))

    # --- search -----------------------------------------------------------
    def _search_changed(self, text: str) -> None:
        if text.strip():
            self._search_timer.start()
        else:
            self._search_timer.stop()
            self._search_gen += 1
            self.pages.setCurrentIndex(0)

    def run_search(self) -> None:
        self._search_timer.stop()
        text = self.search_box.text().strip()
        if not text or self.ws is None:
            return
        self._search_gen += 1
        gen, ws = self._search_gen, self.ws
        DbOp(overview.search_visits, ws, text, limit=PAGE).success(
            lambda rows: self._show_results(gen, text, rows)).parent(self).run_in_background()

    def _show_results(self, gen: int, text: str, rows) -> None:
        if gen != self._search_gen:
            return  # the user typed on; a newer search is coming
        ws = self.ws
        self.results.model.reset(lambda off, n: overview.search_visits(ws, text, limit=n, offset=off), rows)
        self.results.title.setText(tr("搜索“{query}”", query=text))
        self.pages.setCurrentIndex(1)
        self.searched.emit(text)

    def _update_results_note(self) -> None:
        m = self.results.model
        self.results.note.setText(tr("{n}条", n=m.rowCount()) if m.exhausted
                                  else tr("前{n}条，向下滚动查看更多", n=m.rowCount()))

    # --- actions ----------------------------------------------------------
    def _activate_task(self, task) -> None:
        if task is None:
            return
        if task.withdrawn:          # also one finished here: no new visit on another team's task
            self.status_label.setText(columns.withdrawn_text(task))
            return
        if task.status in (TaskStatus.CANCELLED, TaskStatus.NO_SAMPLE):
            self.status_label.setText(columns.task_status(task))     # closed: says why
            return
        # A task already being sampled here continues that visit, not a second one.
        running = next((v for v in self.running.model.rows if v.task_id == task.id), None)
        if running is not None:
            self.continue_visit.emit(running.id)
        elif task.outcome is not None:
            # Its visit ended: show how; a new one only on purpose, with a reason.
            self.restart_box = ask_restart(self, task, self.restart_task.emit, self.open_visit.emit)
            self.restart_box.finished.connect(lambda _r: setattr(self, "restart_box", None))
        else:
            self.open_task.emit(task.id)

    def _activate_visit(self, v) -> None:
        if v is None:
            return
        if v.status == VisitStatus.IN_PROGRESS:
            self.continue_visit.emit(v.id)
        else:
            self.open_visit.emit(v.id)

    def _activate_awaiting(self, a) -> None:
        if a is not None:
            self.open_visit.emit(a.visit.id)


def _gb(n: int | None) -> str:
    return f"{(n or 0) / 1024 ** 3:.1f} GB" if (n or 0) >= 1024 ** 3 else f"{(n or 0) / 1024 ** 2:.0f} MB"
