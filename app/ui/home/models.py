"""Table models for the home screen lists.

RowsModel shows a list of plain rows through column functions. PagedModel
holds only the pages seen so far and asks the DB worker for the next one
when the view scrolls to the end (canFetchMore/fetchMore), so a list over
20,000 visits costs one page to show."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from app.ui.ops import DbOp, show_failure

PAGE = 100
GREY = QColor("#9e9e9e")


@dataclass(frozen=True)
class Column:
    title: str
    text: Callable[[Any], str]
    align_right: bool = False


class RowsModel(QAbstractTableModel):
    """Rows are plain objects; `color(row)` gives a text colour (or None),
    `grey(row)` greys a row out (still shown), `tip(row)` a tooltip."""

    def __init__(self, columns: list[Column], *, color: Callable[[Any], str | None] | None = None,
                 grey: Callable[[Any], bool] | None = None, tip: Callable[[Any], str] | None = None,
                 bold: Callable[[Any], bool] | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns = columns
        self.rows: list[Any] = []
        self._color, self._grey, self._tip, self._bold = color, grey, tip, bold

    def set_rows(self, rows: list[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_at(self, index: QModelIndex | int) -> Any:
        r = index if isinstance(index, int) else index.row()
        return self.rows[r] if 0 <= r < len(self.rows) else None

    # --- Qt model API -----------------------------------------------------
    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].title
        return None

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row, col = self.rows[index.row()], self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return col.text(row)
        if role == Qt.ItemDataRole.ForegroundRole:
            if self._grey is not None and self._grey(row):
                return QBrush(GREY)
            color = self._color(row) if self._color is not None else None
            return QBrush(QColor(color)) if color else None
        if role == Qt.ItemDataRole.FontRole and self._bold is not None and self._bold(row):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:  # the whole text of an elided cell
            return (self._tip(row) if self._tip is not None else "") or col.text(row) or None
        if role == Qt.ItemDataRole.TextAlignmentRole and col.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class PagedModel(RowsModel):
    """`fetch(offset, limit) -> rows` runs on the DB worker thread."""
    page_loaded = Signal()

    def __init__(self, columns: list[Column], *, page: int = PAGE, **kw) -> None:
        super().__init__(columns, **kw)
        self.page = page
        self._fetch: Callable[[int, int], list[Any]] | None = None
        self._loading = False
        self.exhausted = True
        self._generation = 0

    def reset(self, fetch: Callable[[int, int], list[Any]] | None, first_page: list[Any]) -> None:
        """Show `first_page` (already read) and page on with `fetch`; results of
        fetches made for an earlier reset are dropped."""
        self._generation += 1
        self._fetch = fetch
        self._loading = False
        self.exhausted = fetch is None or len(first_page) < self.page
        self.set_rows(first_page)
        self.page_loaded.emit()

    def canFetchMore(self, parent: QModelIndex = QModelIndex()) -> bool:  # noqa: N802
        return not parent.isValid() and not self.exhausted and not self._loading

    def fetchMore(self, parent: QModelIndex = QModelIndex()) -> None:  # noqa: N802
        if not self.canFetchMore(parent):
            return
        self._loading = True
        generation, offset = self._generation, len(self.rows)
        DbOp(self._fetch, offset, self.page).success(
            lambda rows: self._append(generation, rows)).failure(
            lambda e: self._failed(generation, e)).run_in_background()

    def _failed(self, generation: int, error: BaseException) -> None:
        if generation == self._generation:
            self._loading = False
            self.exhausted = True  # no retry loop; 刷新 starts over
            show_failure(error)

    def _append(self, generation: int, rows: list[Any]) -> None:
        if generation != self._generation:
            return
        self._loading = False
        self.exhausted = len(rows) < self.page
        if rows:
            first = len(self.rows)
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self.rows.extend(rows)
            self.endInsertRows()
        self.page_loaded.emit()
