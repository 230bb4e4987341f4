"""The one-writer hand-off: on a DuckDB file held by `nabd serve`, CLI commands run inside the server.

``nabd serve`` writes ``FILE.duckdb.serve.json`` beside the database (pid, address, token; mode
0600) and removes it when it stops. A command that opens that file finds it, sends its argv, cwd
and terminal shape to ``POST /admin/v1/run`` (loopback only, ``Authorization: Bearer TOKEN``) and
copies the streamed output to its stdout and stderr; the server runs the same Typer command with
its own store and the client's settings (its NABD_* variables). Modules: :mod:`nabd.servefile`
(the file, below the hand-off so that nabd.console can find a server), :mod:`.client` (the CLI
side), :mod:`.jobs` (running a command in the server), :mod:`.routes` (the endpoint). The
command runner is given by the composition root (``nabd serve``): the hand-off imports no CLI.
"""
