"""A quiet notice in the status bar when the province has published a newer
app version: the version and where to download it, nothing more. The app
never downloads or installs anything itself (a visit is never interrupted);
the sampler installs the new version when it suits."""
from __future__ import annotations

from PySide6.QtWidgets import QLabel

from app.services.enrollment import newer_release
from app.ui.i18n import tr
from app.ui.ops import BgOp


class ReleaseNotice(QLabel):
    def __init__(self, window) -> None:
        super().__init__()
        self.setObjectName("update_notice")
        self.setStyleSheet("color: #1565c0;")
        self.setOpenExternalLinks(False)
        self.setTextInteractionFlags(self.textInteractionFlags().TextSelectableByMouse)
        self.setVisible(False)
        self.release = None
        self._busy = False
        window.statusBar().addPermanentWidget(self)

    def check(self, server_url: str) -> None:
        if not server_url or self._busy:
            return
        self._busy = True
        BgOp(newer_release, server_url).success(self.show_release) \
            .failure(lambda _e: self._done()).parent(self).run_in_background()

    def _done(self) -> None:
        self._busy = False

    def show_release(self, rel) -> None:
        self._busy = False
        self.release = rel
        if rel is None:
            self.setVisible(False)
            return
        self.setText(tr("新版本 {version} 已发布", version=rel.version))
        self.setToolTip(tr("下载地址：{url}\n方便时（不在抽样途中）下载安装；本机数据会保留。{notes}",
                           url=rel.download_url, notes=("\n" + rel.notes) if rel.notes else ""))
        self.setVisible(True)
