"""Inbound activities (layer 5): verify and store before answering, then apply in a worker."""
