"""Scraping an instance's /metrics as Prometheus does, parsed with prometheus_client's own parser."""

from prometheus_client.parser import text_string_to_metric_families

from ..support.http import get

TOKEN = "metrics-token-for-the-tests"
WITH_TOKEN = {"operations": {"metrics_token": TOKEN}}


class Scrape:
    def __init__(self, text: str):
        families = list(text_string_to_metric_families(text))
        self.families = {family.name for family in families}  # declared, with or without samples yet
        self.samples = [(sample.name, sample.labels, sample.value) for family in families for sample in family.samples]

    def value(self, name: str, **labels: str) -> float:
        """The sum of `name`'s samples whose labels include `labels` (0 when there is none)."""
        return sum(v for n, found, v in self.samples if n == name and labels.items() <= found.items())


def scrape(instance, token: str = TOKEN) -> Scrape:
    reply = get(instance.url("/metrics"), headers={"Authorization": f"Bearer {token}"})
    assert reply.status == 200, reply.body
    assert reply.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    return Scrape(reply.text)
