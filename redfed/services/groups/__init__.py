"""Groups (layer 4, FEP-1b12): local Group actors that members join by following, which announce
their members' posts to them all; moderators; and remote groups' announces received."""
