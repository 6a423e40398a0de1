"""The visit wizard: one page per workflow step (see wizard.VisitWizard)."""
from app.ui.wizard.wizard import VisitWizard

__all__ = ["VisitWizard"]
