"""Every file dialog of the app: where it starts, what it remembers, what it
proposes as a file name, and its own texts in the UI language.

- Each purpose (PHOTOS, EXPORT) remembers its last folder (app.ui.ui_state).
- Photo import starts on a camera's memory card when one is mounted (a
  volume with a DCIM folder), else the last photo folder, else Pictures.
- Exports propose `<document>-<record no.>-<party>.pdf`.
- Qt's qtbase_zh_CN lacks the file dialog's labels with mnemonics ("&Look
  in:", "Files of &type:"), so they are set here through tr()."""
from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QStandardPaths, QStorageInfo, Qt
from PySide6.QtWidgets import QFileDialog, QWidget

from app.ui import ui_state
from app.ui.i18n import tr

PHOTOS, EXPORT = "photos", "export"
_BAD_CHARS = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def safe_file_name(text: str, limit: int = 120) -> str:
    """A file name from free text (party names contain anything): no path
    separators or characters Windows refuses, no trailing dots or spaces."""
    name = _BAD_CHARS.sub("_", text).strip().rstrip(". ")
    return name[:limit] or "document"


def export_name(document: str, record_no: str, party: str) -> str:
    """抽样单-<record no.>-<party>.pdf"""
    return safe_file_name("-".join(p for p in (document, record_no, party) if p)) + ".pdf"


def camera_folder() -> str | None:
    """DCIM of a mounted camera card or phone, if one is plugged in."""
    for vol in QStorageInfo.mountedVolumes():
        if not vol.isValid() or not vol.isReady() or vol.isRoot():
            continue
        dcim = Path(vol.rootPath()) / "DCIM"
        try:
            if dcim.is_dir():
                return str(dcim)
        except OSError:
            continue
    return None


def _standard(location) -> str:
    found = QStandardPaths.standardLocations(location)
    return next((p for p in found if Path(p).is_dir()), str(Path.home()))


def start_folder(purpose: str) -> str:
    """Where a dialog for `purpose` opens."""
    if purpose == PHOTOS:
        card = camera_folder()
        if card:
            return card
    last = (ui_state.current().get("folders") or {}).get(purpose)
    if last and Path(last).is_dir():
        return last
    where = QStandardPaths.StandardLocation
    return _standard(where.PicturesLocation if purpose == PHOTOS else where.DocumentsLocation)


def remember(purpose: str, path: str) -> None:
    """The folder of the file `path` is where the next dialog for `purpose` opens."""
    folder = str(Path(path).parent)
    st = ui_state.current()
    folders = dict(st.get("folders") or {})
    folders[purpose] = folder
    st.set("folders", folders)


def _labels(dlg: QFileDialog) -> None:
    label = QFileDialog.DialogLabel
    dlg.setLabelText(label.LookIn, tr("查找范围(&L)："))
    dlg.setLabelText(label.FileName, tr("文件名(&N)："))
    dlg.setLabelText(label.FileType, tr("文件类型(&T)："))
    dlg.setLabelText(label.Reject, tr("取消"))


def open_files(parent: QWidget, purpose: str, title: str, filters: list[str]) -> QFileDialog:
    """A non-blocking dialog choosing existing files; `filesSelected` gives them."""
    dlg = QFileDialog(parent, title, start_folder(purpose))
    dlg.setFileMode(QFileDialog.FileMode.ExistingFiles)
    dlg.setNameFilters(filters)
    _labels(dlg)
    dlg.setLabelText(QFileDialog.DialogLabel.Accept, tr("打开"))
    dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dlg.filesSelected.connect(lambda files: files and remember(purpose, files[0]))
    dlg.open()
    return dlg


def save_file(parent: QWidget, purpose: str, title: str, name: str, name_filter: str,
              suffix: str) -> QFileDialog:
    """A non-blocking save dialog proposing `name`; `fileSelected` gives the path."""
    dlg = QFileDialog(parent, title, start_folder(purpose))
    dlg.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dlg.setNameFilter(name_filter)
    dlg.setDefaultSuffix(suffix)
    dlg.selectFile(name)
    _labels(dlg)
    dlg.setLabelText(QFileDialog.DialogLabel.Accept, tr("保存"))
    dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dlg.fileSelected.connect(lambda path: path and remember(purpose, path))
    dlg.open()
    return dlg


def export_pdf(parent: QWidget, name: str) -> QFileDialog:
    return save_file(parent, EXPORT, tr("导出PDF"), name, tr("PDF文件 (*.pdf)"), "pdf")
