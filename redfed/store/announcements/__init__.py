"""SQL for announcements, their dismissals and reactions (layer 2)."""
