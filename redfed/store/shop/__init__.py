"""SQL for the shop (layer 2): product listings, deals and reviews."""
