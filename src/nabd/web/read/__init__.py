"""The web's read models, one per page: portfolio, account, dashboard, scorecards, data; with the
band table pages share, who may write what, and when kept results are stale (the data generation).

Pages and API routes read through these modules; the figures come from the core (``nabd.health``,
``nabd.metrics``, ``nabd.playbooks``), never computed again here.
"""
