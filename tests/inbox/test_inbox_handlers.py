"""Inbound activities that only a remote server of our own making sends in tests: an actor that
deletes itself, and pins to an actor's `featured` collection."""

from redfed.store import actors as actor_store
from redfed.store import posts as post_store
from redfed.store.social import interactions as interaction_store

from ..support.hostile import PUBLIC, sign_post


def _send(instance, actor, activity):
    reply = sign_post(instance.url("/inbox"), activity, actor.signing_key, instance.clock()).send()
    assert reply.status == 202, reply.body
    instance.drain()


def _stored(instance, uri):
    return instance.run(post_store.find_post_by_uri(instance.runtime.db.reader, uri))


def test_delete_of_an_actor__removes_it_and_its_posts(instance, remote):
    mallory = remote.add_actor("mallory")
    note = mallory.note("soon gone")
    _send(instance, mallory, mallory.create(note))
    assert _stored(instance, note["id"]) is not None

    remote.gone(mallory.path)  # its document answers 410 from now on
    _send(instance, mallory, mallory.activity("Delete", mallory.uri, to=[PUBLIC]))

    assert instance.run(actor_store.find_actor_by_uri(instance.runtime.db.reader, mallory.uri)) is None
    assert _stored(instance, note["id"]) is None


def test_add_and_remove__pin_and_unpin_the_actors_own_post(instance, remote):
    fern = remote.add_actor("fern")
    featured = fern.uri + "/collections/featured"
    remote.serve(fern.path, fern.document() | {"featured": featured})
    own, others = fern.note("pin me"), remote.add_actor("other").note("not yours")
    _send(instance, fern, fern.create(own))

    def pinned():
        actor = instance.resolve(fern.uri)
        return instance.run(interaction_store.list_featured_uris(instance.runtime.db.reader, actor.id))

    _send(instance, fern, fern.activity("Add", own["id"], target=featured))
    assert pinned() == [own["id"]]
    _send(instance, fern, fern.activity("Add", others["id"], target=featured))  # not its own: ignored
    _send(instance, fern, fern.activity("Add", own["id"], target=fern.uri + "/elsewhere"))
    assert pinned() == [own["id"]]
    _send(instance, fern, fern.activity("Remove", own["id"], target=featured))
    assert pinned() == []
