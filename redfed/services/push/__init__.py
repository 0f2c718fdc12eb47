"""Web Push (layer 4): the instance's VAPID key, apps' push subscriptions, and the pushes queued
for each new notification."""
