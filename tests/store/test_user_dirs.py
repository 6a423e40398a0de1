"""The app's user folders on Linux are read from the XDG variables by hand
(start-up time, app/store/paths.py user_dir); they must stay where
platformdirs puts them, or an upgrade would lose the user's settings and data."""
from __future__ import annotations

import sys

import platformdirs
import pytest

from app import settings_file
from app.store import paths

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the hand-read XDG rules are Linux's")

XDG = ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME")


@pytest.mark.parametrize("case", ["unset", "absolute", "empty", "relative"])
def test_user_folders_are_where_platformdirs_puts_them(case, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for var in XDG:
        if case == "unset":
            monkeypatch.delenv(var, raising=False)
        else:
            monkeypatch.setenv(var, {"absolute": str(tmp_path / var), "empty": "", "relative": "rel/dir"}[case])
    expected = {"data": platformdirs.user_data_dir(paths.APP_NAME, False),
                "config": platformdirs.user_config_dir(paths.APP_NAME, False),
                "log": platformdirs.user_log_dir(paths.APP_NAME, False)}
    assert {kind: paths.user_dir(kind) for kind in expected} == expected
    assert settings_file.config_path().parent == settings_file.Path(expected["config"])
    if case == "absolute":  # the variables were read, not the defaults under HOME
        assert paths.user_dir("config").startswith(str(tmp_path / "XDG_CONFIG_HOME"))


def test_the_app_does_not_import_platformdirs_on_linux_to_find_its_folders(tmp_path):
    import subprocess
    code = ("import sys; from app import settings_file; settings_file.config_path(); "
            "settings_file.log_dir(settings_file.data_dir()); print('platformdirs' in sys.modules)")
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
