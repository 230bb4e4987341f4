"""Saved views: a CSM saves the portfolio's filter with a name and shares its link."""

from __future__ import annotations

import re

from nabd.web.read.views import view_query
from tests.web.conftest import log_in, page_csrf


def test_a_saved_view_keeps_the_filter_and_its_link_opens_it_for_a_colleague(client):
    log_in(client, "carla")
    token = page_csrf(client, "/portfolio")
    saved = client.post("/views", data={"name": "Red everywhere", "query": "band=red&csm=*&page=3&evil=1",
                                        "csrf_token": token}, follow_redirects=False)
    link = saved.headers["location"]
    assert re.fullmatch(r"/views/[0-9a-f]{12}", link)
    assert "Red everywhere" in client.get("/portfolio").text  # listed on her portfolio
    client.post("/logout", data={"csrf_token": token})
    log_in(client, "dan")
    opened = client.get(link, follow_redirects=False)
    assert opened.headers["location"].startswith("/portfolio?band=red&csm=%2A&view=")
    page = client.get(link).text
    assert "Portfolio: Red everywhere" in page
    assert sorted(re.findall(r'<td><a href="/accounts/[^"]+">([^<]+)</a></td>', page)) == ["Acme Trading", "Dune Retail"]


def test_a_view_keeps_only_the_portfolios_parameters():
    assert view_query("page=2&renewal=30&band=red&x=1&q=") == "band=red&renewal=30"


def test_the_renewal_window_keeps_the_accounts_renewing_in_it(client):
    log_in(client, "ana")  # every account renews in 30 days
    names = lambda page: re.findall(r'<td><a href="/accounts/[^"]+">([^<]+)</a></td>', page)  # noqa: E731
    assert len(names(client.get("/portfolio", params={"renewal": 30}).text)) == 4
    assert names(client.get("/portfolio", params={"renewal": 29}).text) == []
    assert len(names(client.get("/portfolio", params={"renewal": "", "band": ""}).text)) == 4  # "" = any
