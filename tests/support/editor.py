"""What the editor tests open: a recipe page of the seed chart, clean as written."""

RECIPE = """---
title: oauth2-proxy
helm_chart_name: oauth2-proxy
helm_chart_version: 10.7.0
helm_chart_repo_url: https://oauth2-proxy.github.io/manifests/
helmrelease_namespace: oauth2-proxy
---

# oauth2-proxy

Set the values:

```yaml
    replicaCount: 2
    ingress:
      enabled: true
```

Back to [the start](index.md#home).
"""
