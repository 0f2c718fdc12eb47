"""Supporters (layer 4): a creator's support tiers, who supports them (granted by hand or by a
payment provider's webhook), and who may read their supporters-only posts. redfed never handles
money: a tier points at the creator's own payment page."""
