"""SQL for uploaded media (layer 2)."""
