"""Insights (layer 4): how far a creator's posts and profile reached - views counted without
storing who viewed, and the likes, boosts, replies, saves, quotes, deliveries and followers that
the other tables already hold, split by server."""
