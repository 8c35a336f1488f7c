"""Build and check logic for the Peer Support in Prison study guide.

Plain Python over plain records; MkDocs is touched only by scripts/hooks.py.
"""
