"""Finding things (layer 4): search, the tag and search pages, and reaching an account or a
post here from another server."""
