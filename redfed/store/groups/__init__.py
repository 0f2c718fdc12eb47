"""SQL for groups (layer 2): what a local Group actor keeps beyond its actor row."""
