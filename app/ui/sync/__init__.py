"""Parts of the sync screen (app/ui/sync_screen.py)."""
