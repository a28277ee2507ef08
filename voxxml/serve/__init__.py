"""``voxxml serve``: run compiled plans live on EnableX (the ``serve`` extra).

Modules: ``config`` (plans, routes, credentials from the environment), ``store`` (SQLite and
PostgreSQL), ``client`` (EnableX REST with safe retries), ``engine`` (one event of one call, under
its lock, through the plan runtime), ``timers`` (durable timers), ``metrics``, ``logs`` and ``app``
(the Starlette app). Nothing here is imported by the linter: ``voxxml lint`` stays light.
"""
