"""`gridworker-server`: the admin CLI (cli.py), admin operations (operations.py), setting a server up (bootstrap.py)."""
