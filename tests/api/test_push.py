"""Web Push through Mastodon.py: subscribing, and notifications arriving encrypted at a push service.

The push service is a loopback server of the test's own; the device's private key decrypts each
message and its VAPID token is checked against the key the instance publishes: real cryptography
both ways, and the worker drives the same durable queue in the test as in production.
"""

import base64
import json

import pytest
from mastodon import MastodonAPIError, MastodonNotFoundError

from redfed.services.social import follows, interactions, posts
from redfed.store.push import deliveries as push_store

from ..support import api
from ..support.http import request
from ..support.push_service import PushService, Subscriber


@pytest.fixture
def push_service():
    service = PushService().start()
    yield service
    service.stop()


def _subscribe(client, device: Subscriber, **alerts):
    return client.push_subscription_set(device.endpoint, device.public, **alerts)


def _accounts(instance, *names):
    return [instance.create_user(name).actor for name in names]


def _only_message(push_service, device):
    messages = push_service.messages(device.endpoint)
    assert len(messages) == 1, messages
    return messages[0]


def test_subscription__round_trip_with_the_instance_key(instance, push_service):
    _accounts(instance, "alice")
    client = api.client(instance, "alice")
    device = Subscriber(push_service.new_endpoint())
    created = _subscribe(client, device, follow_events=True, mention_events=True, policy="followed")
    vapid_key = client.instance_v2()["configuration"]["vapid"]["public_key"]
    assert created["server_key"] == vapid_key and len(base64.urlsafe_b64decode(vapid_key)) == 65
    assert created["endpoint"] == device.endpoint and created["policy"] == "followed"
    assert created["alerts"]["follow"] and created["alerts"]["mention"] and not created["alerts"]["favourite"]
    assert client.push_subscription()["id"] == created["id"]

    updated = client.push_subscription_update(favourite_events=True, follow_events=False, policy="all")
    assert updated["alerts"]["favourite"] and not updated["alerts"]["follow"] and updated["alerts"]["mention"]
    assert updated["policy"] == "all"

    client.push_subscription_delete()
    with pytest.raises(MastodonNotFoundError):
        client.push_subscription()


def test_subscription__app_registration_names_the_same_vapid_key(instance):
    reply = request("POST", instance.url("/api/v1/apps"), headers={"Content-Type": "application/json"},
                    body=json.dumps({"client_name": "phone", "redirect_uris": "urn:ietf:wg:oauth:2.0:oob"}).encode())
    key = json.loads(reply.body)["vapid_key"]
    assert key == instance.ctx.vapid.public_key and key.startswith("B")


def test_subscription__needs_the_push_scope_and_valid_keys(instance, push_service):
    _accounts(instance, "alice")
    device = Subscriber(push_service.new_endpoint())
    with pytest.raises(MastodonAPIError) as refused:
        _subscribe(api.client(instance, "alice", scopes="read write"), device)
    assert refused.value.args[1] == 403
    broken = {"pubkey": b"\x04" + b"\x01" * 64, "auth": device.public["auth"]}
    with pytest.raises(MastodonAPIError) as invalid:
        api.client(instance, "alice").push_subscription_set(device.endpoint, broken)
    assert invalid.value.args[1] == 422


def test_favourite__arrives_encrypted_with_mastodons_payload(instance, push_service):
    alice, bob = _accounts(instance, "alice", "bob")
    token = api.token_for(instance, "alice")
    client = api.client(instance, token=token)
    device = Subscriber(push_service.new_endpoint())
    subscription = _subscribe(client, device, favourite_events=True)
    post = instance.run(posts.create_local_post(instance.ctx, alice, "fresh loaves at noon\n\nfrom the wood oven"))
    instance.run(interactions.like(instance.ctx, bob, post))
    instance.drain()

    message = _only_message(push_service, device)
    # Apps on Mastodon 4.3 and earlier decrypt the draft encoding; Mastodon.py opens it here.
    assert message.headers["Content-Encoding"] == "aesgcm" and int(message.headers["TTL"]) > 0
    payload = device.open(message, subscription["server_key"])
    notification = client.notifications()[0]
    assert payload["notification_id"] == str(notification["id"]) and payload["notification_type"] == "favourite"
    assert payload["access_token"] == token and payload["preferred_locale"] == "en"
    assert payload["title"] == "bob favorited your post" and payload["body"] == "fresh loaves at noon from the wood oven"
    assert payload["icon"].endswith("/static/avatar.png")
    assert token not in _queued_payloads(instance)  # the queue keeps no copy of the token
    assert device.claims(message)["aud"] == push_service.base_url


def test_standard_subscription__is_rfc8291_aes128gcm_with_a_vapid_token(instance, push_service):
    alice, bob = _accounts(instance, "alice", "bob")
    device = Subscriber(push_service.new_endpoint())
    form = {
        "subscription": {
            "endpoint": device.endpoint, "standard": True,
            "keys": {"p256dh": base64.urlsafe_b64encode(device.public["pubkey"]).decode().rstrip("="),
                     "auth": base64.urlsafe_b64encode(device.public["auth"]).decode().rstrip("=")},
        },
        "data": {"alerts": {"follow": True}, "policy": "all"},
    }
    headers = {"Authorization": f"Bearer {api.token_for(instance, 'alice')}", "Content-Type": "application/json"}
    reply = request("POST", instance.url("/api/v1/push/subscription"), headers=headers, body=json.dumps(form).encode())
    created = json.loads(reply.body)
    assert reply.status == 200 and created["standard"] is True
    instance.run(follows.follow(instance.ctx, bob, alice))
    instance.drain()

    message = _only_message(push_service, device)
    assert message.headers["Content-Encoding"] == "aes128gcm" and message.headers["Authorization"].startswith("vapid t=")
    payload = device.open(message, created["server_key"])
    assert payload["notification_type"] == "follow" and payload["title"] == "bob is now following you"


def test_alerts_and_policy__choose_what_is_pushed(instance, push_service):
    alice, bob, carol = _accounts(instance, "alice", "bob", "carol")
    device = Subscriber(push_service.new_endpoint())
    subscription = _subscribe(api.client(instance, "alice"), device, mention_events=True, policy="followed")
    instance.run(follows.follow(instance.ctx, alice, bob))
    post = instance.run(posts.create_local_post(instance.ctx, alice, "bread"))
    instance.run(interactions.like(instance.ctx, bob, post))  # favourites are not asked for
    instance.run(posts.create_local_post(instance.ctx, carol, "@alice hello from a stranger"))
    instance.run(posts.create_local_post(instance.ctx, bob, "@alice hello from a friend"))
    instance.drain()

    payload = device.open(_only_message(push_service, device), subscription["server_key"])
    assert payload["notification_type"] == "mention" and payload["body"].endswith("hello from a friend")


def test_gone_subscription__is_removed_when_the_push_service_says_410(instance, push_service):
    alice, bob = _accounts(instance, "alice", "bob")
    client = api.client(instance, "alice")
    device = Subscriber(push_service.new_endpoint())
    _subscribe(client, device, follow_events=True)
    push_service.answer(device.endpoint, 410)
    instance.run(follows.follow(instance.ctx, bob, alice))
    instance.drain()

    assert len(push_service.messages(device.endpoint)) == 1
    with pytest.raises(MastodonNotFoundError):
        client.push_subscription()


def test_busy_push_service__is_retried_after_retry_after(instance, push_service, clock):
    alice, bob = _accounts(instance, "alice", "bob")
    device = Subscriber(push_service.new_endpoint())
    subscription = _subscribe(api.client(instance, "alice"), device, follow_events=True)
    push_service.answer(device.endpoint, 503, {"Retry-After": "120"})
    instance.run(follows.follow(instance.ctx, bob, alice))
    instance.drain()
    assert _states(instance) == {"pending": 1}

    push_service.answer(device.endpoint, 201)
    clock.advance(60)
    instance.drain()
    assert len(push_service.messages(device.endpoint)) == 1  # not before Retry-After
    clock.advance(61)
    instance.drain()
    assert _states(instance) == {"sent": 1}
    retried = push_service.messages(device.endpoint)[-1]
    assert device.open(retried, subscription["server_key"])["notification_type"] == "follow"


def test_queued_push__survives_a_restart(start_instance, push_service):
    first = start_instance("a")
    alice, bob = [first.create_user(name).actor for name in ("alice", "bob")]
    device = Subscriber(push_service.new_endpoint())
    subscription = _subscribe(api.client(first, "alice"), device, follow_events=True)
    first.run(follows.follow(first.ctx, bob, alice))
    first.stop()  # before any worker ran

    again = start_instance("a", port=first.port)
    again.drain()
    payload = device.open(_only_message(push_service, device), subscription["server_key"])
    assert payload["notification_type"] == "follow"


@pytest.mark.parametrize("endpoint", [
    "http://push.example.net/plain-http", "https://127.0.0.1/loopback", "https://[::1]/loopback",
    "https://10.1.2.3/private", "https://169.254.169.254/metadata", "https://localhost/name", "not a url",
])
def test_endpoint__private_or_plain_http_is_refused(start_instance, endpoint):
    instance = start_instance("a", federation={"allow_private_addresses": False})
    instance.create_user("alice")
    device = Subscriber(endpoint)
    with pytest.raises(MastodonAPIError) as refused:
        _subscribe(api.client(instance, "alice"), device)
    assert refused.value.args[1] == 422
    public = Subscriber("https://push.example.net/device/1")
    assert _subscribe(api.client(instance, "alice"), public)["endpoint"] == public.endpoint


def _queued_payloads(instance) -> str:
    async def read():
        async with instance.runtime.db.reader.execute("SELECT payload FROM push_deliveries") as cursor:
            return " ".join(row[0] for row in await cursor.fetchall())

    return instance.run(read())


def _states(instance) -> dict[str, int]:
    return instance.run(push_store.push_states(instance.runtime.db.reader))
