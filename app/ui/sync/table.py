"""The records table: the reason column takes the width that is left."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView, QTableView

from app.ui.home.screen import make_table

# widths in ems (one em ~ one Chinese character) of columns 0..5
EMS = (13, 14, 5, 5, 8, 10)


def records_table(model) -> QTableView:
    view = make_table(model, "sync_records")
    hh = view.horizontalHeader()
    hh.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
    hh.setSectionResizeMode(len(model.columns) - 1, QHeaderView.ResizeMode.Stretch)
    view.setWordWrap(False)
    view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
    em = view.fontMetrics().horizontalAdvance(chr(0x4E2D))
    hfm = hh.fontMetrics()
    for col, n in enumerate(EMS):
        header = model.headerData(col, Qt.Orientation.Horizontal) or ""
        view.setColumnWidth(col, int(max(n * em, hfm.horizontalAdvance(header))) + 24)
    return view
