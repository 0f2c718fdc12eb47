"""Every process of an instance signs and checks with one secret key, the one the first process to
start stored in the database (issue 12): a sign-in form served by one process is accepted by
another, whatever key file each finds beside its config, and the session works on both."""

from ..pages.test_forms import PASSWORD, Browser
from ..support.processes import another_process


def test_a_sign_in_form_from_one_process__is_accepted_by_another_and_the_session_works_on_both(start_instance):
    one = start_instance("one")
    (one.folder / "two").mkdir()
    (one.folder / "two" / "secret.key").write_text("a key of its own, which the instance does not use\n")
    two = another_process(start_instance, one, "two", security={"secret_key_file": str(one.folder / "two" / "secret.key")})
    one.create_user("alice")
    browser = Browser()
    token = browser.sign_in_token(one)

    reply = browser.open(two.url("/auth/sign_in"), {"csrf_token": token, "username": "alice", "password": PASSWORD})

    assert reply.status == 303
    assert browser.open(two.url("/home")).status == 200
    assert browser.open(one.url("/home")).status == 200
