"""Business rules of the portal, in plain Python: nothing here imports Reflex."""
