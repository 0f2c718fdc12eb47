"""Insights' SQL (layer 2): daily view counts, and the reach of a post or account read from the
tables that already hold likes, boosts, replies, saves, quotes, deliveries and follows."""
