"""The sync screen (screen.py) and its parts."""
