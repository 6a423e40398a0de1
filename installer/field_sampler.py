"""Entry point of the PyInstaller bundle: the same `field-sampler` command
as the console script in pyproject.toml (app.cli:main)."""
import sys

from app.cli import main

if __name__ == "__main__":
    sys.exit(main())
