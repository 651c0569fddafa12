"""What a reader commits to their GitOps repository: the Flux objects of a recipe
(`objects`), which API versions each Flux release serves (`releases`), the Flux output
options (`settings`), and objects judged against a cluster's CRDs (`crd_schemas`).

May use: `recipe`, `charts`, `pages`, `report`, `base`.
"""
