"""A page taken to the cluster and back: its objects exported as GitOps files (`export`),
compared with a GitOps repository (`drift`), charts with newer releases (`outdated`), and
the Renovate preset that bumps them (`renovate`).

May use: `site` and everything below it.
"""
