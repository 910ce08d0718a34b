"""The web portal served by the gateway at ``/`` (see README.md in this folder)."""
