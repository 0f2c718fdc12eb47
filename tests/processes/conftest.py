from ..inbox.conftest import start_remote  # noqa: F401 - hostile remotes, for the inbox limits
