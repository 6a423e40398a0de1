"""Evidence photos by category: one section per category with thumbnails,
add (file dialog, drag and drop, camera), open large, remove, and a
"no photo: reason" field.

The grid never ingests or deletes anything itself: it emits
files_added / removed / waiver_changed and the page calls the store through
ops, then calls set_items() with what the store now holds."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QIcon, QImage, QImageReader, QPainter, QPixmap, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (QAbstractItemView, QFileDialog, QGroupBox, QHBoxLayout, QLabel, QLineEdit,
                               QListView, QPushButton, QScrollArea, QVBoxLayout, QWidget)

from app.domain.labels import EVIDENCE_CATEGORY, label
from app.ui.camera import CameraButton, CameraDialog
from app.ui.i18n import tr
from app.ui.ops import BgOp
from app.ui.photo_viewer import PhotoViewer
from app.ui.theme import STATUS_COLORS

THUMB = QSize(144, 108)
MEDIA_SUFFIXES = {".jpg", ".jpeg", ".png", ".heic", ".heif", ".bmp", ".tif", ".tiff", ".webp",
                  ".mp4", ".mov", ".avi", ".3gp"}
ID_ROLE = Qt.ItemDataRole.UserRole
PATH_ROLE = Qt.ItemDataRole.UserRole + 1
THUMB_ROLE = Qt.ItemDataRole.UserRole + 2  # True once the real thumbnail shows
THUMB_PATH_ROLE = Qt.ItemDataRole.UserRole + 3
WAIVER_DELAY_MS = 600  # autosave the reason shortly after typing stops


def local_files(urls) -> list[str]:
    """Local files from dropped URLs; a dropped folder gives its media files."""
    out: list[str] = []
    for url in urls:
        if not url.isLocalFile():
            continue
        p = Path(url.toLocalFile())
        if p.is_dir():
            out += sorted(str(c) for c in p.iterdir() if c.suffix.lower() in MEDIA_SUFFIXES and c.is_file())
        elif p.is_file():
            out.append(str(p))
    return out


def load_thumbnails(paths: dict[str, str]) -> dict[str, QImage]:
    """Worker side: decode thumbnails (evidence_id -> path) scaled down."""
    out = {}
    for eid, path in paths.items():
        reader = QImageReader(path)
        reader.setAutoTransform(True)
        size = reader.size()
        if size.isValid():
            reader.setScaledSize(size.scaled(THUMB, Qt.AspectRatioMode.KeepAspectRatio))
        img = reader.read()
        if not img.isNull():
            out[eid] = img
    return out


MAX_FLAG_LINES = 5


def flag_notes(items: list[tuple]) -> str:
    """The flagged photos in words, one line per distinct note: thirty photos
    without a capture time make one line ("第1–30张：…"), not thirty; past
    MAX_FLAG_LINES the rest is counted (each photo's tooltip has its note)."""
    groups: dict[str, list[int]] = {}
    names: dict[int, str] = {}
    for n, e in enumerate(items, 1):
        if len(e) > 5 and e[5]:
            groups.setdefault((e[4] if len(e) > 4 else "").replace("\n", tr("；")), []).append(n)
            names[n] = e[6] if len(e) > 6 else e[2]
    lines = []
    for note, ns in list(groups.items())[:MAX_FLAG_LINES]:
        caption = names[ns[0]] if len(ns) == 1 else tr("第{ranges}张", ranges=number_ranges(ns))
        lines.append("⚠ " + tr("{caption}：{note}", caption=caption, note=note))
    rest = sum(len(ns) for ns in list(groups.values())[MAX_FLAG_LINES:])
    if rest:
        lines.append("⚠ " + tr("另有{n}张照片需核实（见各照片的提示）", n=rest))
    return "\n".join(lines)


def number_ranges(ns: list[int]) -> str:
    """[1, 2, 3, 7] -> "1–3、7"."""
    parts, start = [], ns[0]
    for prev, cur in zip(ns, ns[1:] + [None]):
        if cur != prev + 1:
            parts.append(str(start) if start == prev else f"{start}–{prev}")
            start = cur
    return tr("、").join(parts)


def placeholder_icon() -> QIcon:
    pm = QPixmap(THUMB)
    pm.fill(QColor("#eceff1"))
    p = QPainter(pm)
    p.setPen(QColor("#90a4ae"))
    p.drawText(pm.rect(), Qt.AlignmentFlag.AlignCenter, tr("无缩略图"))
    p.end()
    return QIcon(pm)


class ThumbList(QListView):
    """Icon-mode list that shows a hint while empty."""

    def __init__(self, hint: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._hint = hint
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setIconSize(THUMB)
        self.setGridSize(QSize(THUMB.width() + 16, THUMB.height() + 40))
        self.setMovement(QListView.Movement.Static)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setWrapping(True)
        self.setWordWrap(True)
        self.setUniformItemSizes(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setDragEnabled(False)
        self.setAcceptDrops(False)   # drops go to the section around it
        self.setMinimumHeight(THUMB.height() + 52)

    def paintEvent(self, e) -> None:
        super().paintEvent(e)
        if self.model() is not None and self.model().rowCount() == 0:
            p = QPainter(self.viewport())
            p.setPen(QColor("#90a4ae"))
            p.drawText(self.viewport().rect(), Qt.AlignmentFlag.AlignCenter, self._hint)


class CategorySection(QGroupBox):
    files_added = Signal(list)
    removed = Signal(str)
    waiver_changed = Signal(str)

    def __init__(self, category: str, camera: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.category = category
        self._entries: list[tuple] = []            # what set_items last showed
        self._icons: dict[str, QIcon] = {}          # thumbnail path -> decoded icon
        self._loading: set[str] = set()             # thumbnail paths being decoded
        self.setAcceptDrops(True)
        self.model = QStandardItemModel(self)
        self.view = ThumbList(tr("把照片拖到这里，或点击“添加照片”"))
        self.view.setModel(self.model)
        self.view.activated.connect(self._open)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.add_button = QPushButton(tr("添加照片"))
        self.add_button.setObjectName(f"photo_add.{category}")
        self.add_button.clicked.connect(self.choose_files)
        self.remove_button = QPushButton(tr("删除所选"))
        self.remove_button.clicked.connect(self.remove_selected)
        self.camera_button = CameraButton() if camera else None
        if self.camera_button is not None:
            self.camera_button.clicked.connect(self.open_camera)
        self.waiver_edit = QLineEdit()
        self.waiver_edit.setPlaceholderText(tr("未拍摄照片的理由（没有照片时必填）"))
        self._waiver_timer = QTimer(self, singleShot=True, interval=WAIVER_DELAY_MS)
        self._waiver_timer.timeout.connect(self._emit_waiver)
        self.waiver_edit.textEdited.connect(lambda _t: self._waiver_timer.start())
        self.waiver_edit.editingFinished.connect(self._emit_waiver)
        self._last_waiver = ""

        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        if self.camera_button is not None:
            buttons.addWidget(self.camera_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        # Photos whose time or place does not fit the visit, said in words.
        self.flag_label = QLabel()
        self.flag_label.setObjectName("evidence_flags")
        self.flag_label.setWordWrap(True)
        self.flag_label.setStyleSheet(f"color: {STATUS_COLORS['missing']};")
        self.flag_label.setVisible(False)
        lay = QVBoxLayout(self)
        lay.addWidget(self.view)
        lay.addWidget(self.flag_label)
        lay.addLayout(buttons)
        lay.addWidget(self.waiver_edit)
        self._update_title()
        self._update_buttons()

    # --- items from the page --------------------------------------------
    def set_items(self, items: list[tuple]) -> None:
        """items: (evidence_id, thumbnail_path or None, caption[, original_path
        [, note, flagged, name]]): a flagged photo's caption is red, the note
        (what does not fit the visit, when it was taken) is its tooltip and is
        listed under the thumbnails with the photo's name.

        Called after every change of the visit: rows already shown stay when
        photos were only added at the end, and a thumbnail is decoded once
        (the section keeps it), so a visit of a hundred photos costs the GUI
        thread the new photos only."""
        items = [tuple(e) for e in items]
        if items == self._entries:
            return
        old, self._entries = self._entries, items
        if old and items[:len(old)] == old:
            fresh = items[len(old):]           # added at the end: the rows shown stay
        else:
            self.model.clear()
            fresh = items
            shown = {e[1] for e in items if e[1]}
            self._icons = {k: v for k, v in self._icons.items() if k in shown}
        placeholder = None
        to_load: dict[str, str] = {}
        for entry in fresh:
            eid, thumb, caption = entry[:3]
            icon = self._icons.get(thumb) if thumb else None
            if icon is None:
                placeholder = placeholder if placeholder is not None else placeholder_icon()
            item = QStandardItem(icon if icon is not None else placeholder, caption)
            item.setData(eid, ID_ROLE)
            item.setData(entry[3] if len(entry) > 3 else thumb, PATH_ROLE)
            item.setData(thumb, THUMB_PATH_ROLE)
            note = entry[4] if len(entry) > 4 else ""
            item.setToolTip(f"{caption}\n{note}" if note else caption)
            if len(entry) > 5 and entry[5]:
                item.setForeground(QColor(STATUS_COLORS["missing"]))
            if icon is not None:
                item.setData(True, THUMB_ROLE)
            elif thumb and thumb not in self._loading:
                to_load[eid] = thumb
            self.model.appendRow(item)
        notes = flag_notes(items)
        if notes != self.flag_label.text():
            self.flag_label.setText(notes)
            self.flag_label.setVisible(bool(notes))
        self._update_title()
        self._update_buttons()
        if to_load:
            self._loading |= set(to_load.values())
            BgOp(load_thumbnails, to_load).parent(self).success(
                lambda imgs: self._thumbs_loaded(to_load, imgs)).failure(
                lambda _e: self._loading.difference_update(to_load.values())).run_in_background()

    def _thumbs_loaded(self, asked: dict[str, str], images: dict[str, QImage]) -> None:
        """Keep each decoded thumbnail and show it on every row that names it
        (set_items may have rebuilt the rows meanwhile)."""
        self._loading -= set(asked.values())
        for eid, img in images.items():
            self._icons[asked[eid]] = QIcon(QPixmap.fromImage(img))
        for row in range(self.model.rowCount()):
            item = self.model.item(row)
            icon = self._icons.get(item.data(THUMB_PATH_ROLE))
            if icon is not None and not item.data(THUMB_ROLE):
                item.setIcon(icon)
                item.setData(True, THUMB_ROLE)

    def evidence_ids(self) -> list[str]:
        return [self.model.item(r).data(ID_ROLE) for r in range(self.model.rowCount())]

    def thumbnails_loaded(self) -> int:
        """How many items show a real thumbnail (not the placeholder)."""
        return sum(1 for r in range(self.model.rowCount()) if self.model.item(r).data(THUMB_ROLE))

    def set_waiver(self, text: str) -> None:
        self._last_waiver = text
        self.waiver_edit.setText(text)

    def set_missing(self, missing: bool) -> None:
        self.setProperty("missing", missing)
        self.style().unpolish(self)
        self.style().polish(self)

    # --- user actions ------------------------------------------------------
    def _update_title(self) -> None:
        name = label(EVIDENCE_CATEGORY, self.category)
        self.setTitle(tr("{category}（{n}张）", category=name, n=self.model.rowCount()))

    def _update_buttons(self, *_a) -> None:
        self.remove_button.setEnabled(bool(self.view.selectionModel().selectedIndexes()))

    def _emit_waiver(self) -> None:
        self._waiver_timer.stop()
        text = self.waiver_edit.text().strip()
        if text != self._last_waiver:
            self._last_waiver = text
            self.waiver_changed.emit(text)

    def choose_files(self) -> QFileDialog:
        from app.ui import file_dialogs
        dlg = file_dialogs.open_files(self, file_dialogs.PHOTOS, tr("选择照片"), [
            tr("照片和视频 (*.jpg *.jpeg *.png *.heic *.bmp *.tif *.tiff *.webp *.mp4 *.mov)"),
            tr("所有文件 (*)")])
        dlg.filesSelected.connect(lambda files: files and self.files_added.emit(list(files)))
        return dlg

    def open_camera(self) -> CameraDialog:
        dlg = CameraDialog(parent=self)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.finished.connect(lambda _r: dlg.paths() and self.files_added.emit(dlg.paths()))
        dlg.open()
        return dlg

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.view.selectionModel().selectedIndexes()})
        for row in rows:
            self.removed.emit(self.model.item(row).data(ID_ROLE))

    def _open(self, index) -> PhotoViewer | None:
        path = index.data(PATH_ROLE)
        if not path:
            return None
        viewer = PhotoViewer(path, index.data(Qt.ItemDataRole.DisplayRole), self)
        viewer.open()
        return viewer

    def keyPressEvent(self, e) -> None:
        if e.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.view.hasFocus():
            self.remove_selected()
        else:
            super().keyPressEvent(e)

    # --- drag and drop -----------------------------------------------------
    def dragEnterEvent(self, e) -> None:
        if e.mimeData().hasUrls() and any(u.isLocalFile() for u in e.mimeData().urls()):
            e.acceptProposedAction()

    def dragMoveEvent(self, e) -> None:
        if e.mimeData().hasUrls():
            e.acceptProposedAction()

    def dropEvent(self, e) -> None:
        files = local_files(e.mimeData().urls())
        if files:
            e.acceptProposedAction()
            self.files_added.emit(files)


class PhotoGrid(QScrollArea):
    """Sections for `categories` (keys of labels.EVIDENCE_CATEGORY), stacked vertically."""
    files_added = Signal(str, list)
    removed = Signal(str, str)
    waiver_changed = Signal(str, str)

    def __init__(self, categories: list[str], camera: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        body = QWidget()
        lay = QVBoxLayout(body)
        self.sections: dict[str, CategorySection] = {}
        for cat in categories:
            sec = CategorySection(cat, camera=camera)
            sec.files_added.connect(lambda files, c=cat: self.files_added.emit(c, files))
            sec.removed.connect(lambda eid, c=cat: self.removed.emit(c, eid))
            sec.waiver_changed.connect(lambda text, c=cat: self.waiver_changed.emit(c, text))
            self.sections[cat] = sec
            lay.addWidget(sec)
        lay.addStretch(1)
        self.setWidget(body)

    def set_items(self, category: str, items: list[tuple]) -> None:
        self.sections[category].set_items(items)

    def set_waiver(self, category: str, text: str) -> None:
        self.sections[category].set_waiver(text)

    def set_missing(self, categories: set[str] | list[str]) -> None:
        """Outline in red the categories the wizard still needs."""
        for cat, sec in self.sections.items():
            sec.set_missing(cat in categories)
