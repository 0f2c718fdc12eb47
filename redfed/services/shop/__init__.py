"""The shop (layer 4): product listings and their web form, deals, reviews, and the shop pages."""
