"""The sync screen's part for a revoked laptop: the notice on the sign-in
form (kept across restarts), and exporting the unsynced records."""
from __future__ import annotations

from PySide6.QtCore import Qt

from app.services import enrollment
from app.ui.i18n import language, tr
from app.ui.ops import DbOp


def _state(ws):
    from app.services.export import unsynced_count
    return enrollment.revoked(ws), unsynced_count(ws)


def show(screen) -> None:
    if screen.ws is None:
        return

    def shown(info) -> None:
        info_, unsynced = info
        if info_ and screen.who is None:
            text = info_.get("en" if language().startswith("en") else "zh") or info_.get("zh", "")
            screen.form.set_revoked(text, unsynced)
    DbOp(_state, screen.ws).success(shown).parent(screen).run_in_background()


def choose_folder(screen):
    """A folder dialog (non-blocking); the zip goes into the chosen folder."""
    from PySide6.QtWidgets import QFileDialog
    dlg = QFileDialog(screen, tr("导出未同步记录到文件夹"))
    dlg.setFileMode(QFileDialog.FileMode.Directory)
    dlg.setOption(QFileDialog.Option.ShowDirsOnly, True)
    dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dlg.fileSelected.connect(screen.export_to)
    dlg.open()
    return dlg


def export_to(screen, folder: str) -> None:
    from app.services.export import export_unsynced

    def done(result) -> None:
        screen.form.show_note(tr("已导出{n}条记录、{p}张照片到 {path}", n=result.records, p=result.photos,
                                 path=str(result.path)))
        screen.exported.emit(str(result.path))
    DbOp(export_unsynced, screen.ws, folder).success(done).parent(screen).run_in_background()
