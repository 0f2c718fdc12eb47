"""SQL for Web Push: subscriptions and the queue of pushes to send (layer 2)."""
